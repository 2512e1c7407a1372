"""Home: start a board, or open one."""

from datetime import date

import streamlit as st
from pydantic import ValidationError

from canvas.models import BoardDraft, Severity
from canvas.errors import CanvasError
from canvas.importing import read_board_file
from canvas.templates import DEFAULT_TEMPLATE, all_templates, get_template
from pages import common
from storage import boards, facilitation, restore

db = common.database()
selection = common.select_board(db)
if st.session_state.get("board_created") and common.page_for("board") is not None:
    # Straight to the new board, where the sidebar holds its share link.
    st.switch_page(common.page_for("board"))

st.title("Postmortem Canvas", anchor=False)
st.caption(
    "A shared whiteboard for blameless postmortems: write, group and vote on sticky "
    "notes step by step, and leave with owned, dated actions."
)

if selection.board is not None:
    board = selection.board
    with st.container(border=True, key="home_current"):
        st.markdown("**Open board**")
        st.text(board.title)
        st.caption("Share this link with everyone in the meeting:")
        st.code(common.share_url(board.id), language=None)
        left, right = st.columns(2)
        if (overview := common.page_for("board")) is not None:
            left.page_link(overview, label="Go to the board", icon=":material/dashboard:")
        if right.button("Leave this board", key="home_leave"):
            common.leave_board()
            st.rerun()


def create_board() -> None:
    state = st.session_state
    try:
        draft = BoardDraft.model_validate(
            {
                "title": state["home_title"],
                "incident_date": state["home_incident_date"],
                "severity": state["home_severity"],
                "template": state["home_template"],
                "facilitator_name": state["home_name"],
            }
        )
    except ValidationError as error:
        state["home_error"] = common.first_message(error)
        return
    with common.database() as write_db:
        started = facilitation.start_board(write_db, draft)
    common.remember_identity(started.board.id, token=started.token,
                             facilitator_key=started.facilitator_key)
    common.open_board(started.board.id)
    state["board_created"] = True
    for key in ("home_title", "home_name"):
        state[key] = ""


templates = all_templates()
with st.form("home_create", border=True):
    st.subheader("Start a board", anchor=False)
    st.text_input("Title", key="home_title", max_chars=120,
                  placeholder="e.g. Checkout errors after the 14:00 deploy")
    left, middle, right = st.columns(3)
    left.date_input("Incident date", key="home_incident_date", value=date.today(),
                    format="YYYY-MM-DD")
    middle.selectbox("Severity", list(Severity), key="home_severity", index=2,
                     format_func=lambda sev: sev.label)
    right.selectbox("Template", list(templates), key="home_template",
                    index=list(templates).index(DEFAULT_TEMPLATE),
                    format_func=lambda slug: templates[slug].name)
    st.text_input("Your name (you facilitate)", key="home_name", max_chars=40)
    st.form_submit_button("Create board", type="primary", on_click=create_board)

if error := st.session_state.pop("home_error", None):
    st.error(error)

def import_board() -> None:
    state = st.session_state
    upload = state.get("home_import_file")
    if upload is None:
        state["home_import_error"] = "Choose a file first."
        return
    try:
        text = upload.getvalue().decode("utf-8-sig")
        plan = read_board_file(text, get_template(state["home_template"]))
        with common.database() as write_db:
            board, key = restore.create_board_from(write_db, plan)
    except UnicodeDecodeError:
        state["home_import_error"] = f"{upload.name} is not a text file (UTF-8 JSON expected)."
        return
    except CanvasError as refusal:
        state["home_import_error"] = f"{upload.name}: {refusal}"
        return
    # Whoever imports runs the session: this browser gets the facilitator key.
    common.remember_identity(board.id, facilitator_key=key)
    common.open_board(board.id)
    state["board_created"] = True


with st.expander("Import a board from a file"):
    st.caption("An incident file (the timeline format in `shared/incidents`) or a JSON backup "
               "exported from this app. Incident files use the template chosen above.")
    st.file_uploader("Incident file or backup (.json)", type=["json"], key="home_import_file")
    st.button("Create board from file", key="home_import", on_click=import_board)
    if message := st.session_state.pop("home_import_error", None):
        st.error(message)

with st.expander("What each template holds"):
    for template in templates.values():
        st.markdown(f"**{template.name}** — {template.description}")
        st.caption(" → ".join(step.title for step in template.steps))

if common.settings().list_all_boards:
    st.subheader("Boards", anchor=False)
    listed = boards.list_boards(db)
else:
    st.subheader("Your boards", anchor=False)
    st.caption("Boards this browser joined or created. Other boards are private: "
               "open them through their link.")
    listed = boards.list_boards(db, board_ids=common.known_board_ids())
if not listed:
    st.caption("No boards yet.")
for summary in listed:
    with st.container(border=True, key=f"home_board_{summary.id}"):
        text, meta, action = st.columns([5, 4, 1], vertical_alignment="center")
        text.text(summary.title)
        meta.caption(
            f"{summary.incident_date or 'no date'} · {summary.severity.value} · "
            f"{templates[summary.template].name if summary.template in templates else summary.template}"
            f" · {summary.note_count} notes · {summary.participant_count} people"
        )
        if action.button("Open", key=f"home_open_{summary.id}"):
            common.open_board(summary.id)
            st.rerun()

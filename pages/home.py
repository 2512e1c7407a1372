"""Home: start a board, or open one."""

import os

import streamlit as st

from canvas.board_access import board_name
from canvas.models import BoardDraft, ReviewType, Severity
from canvas.errors import CanvasError, InvalidInput, NotText, TemplateWithoutTimeline, decode_text
from canvas.exports.importing import read_board_file
from canvas.dates import today_in
from canvas.text import escape_markdown, plural
from canvas.jira_board import JiraBoardSettings
from canvas.templates import all_templates, get_template
from integrations import jira_board_sync, trackers
from pages.shared import database, feedback, identity, navigation, sign_in, widgets
from storage import boards, facilitation, jira_cards, restore

db = database.database()
selection = navigation.select_board(db)
if st.session_state.get("board_created") and navigation.page_for("board") is not None:
    # Straight to the new board, where the sidebar holds its share link.
    st.switch_page(navigation.page_for("board"))

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
        st.code(navigation.share_url(board.id), language=None)
        left, right = st.columns(2)
        if (board_screen := navigation.page_for("board")) is not None:
            left.page_link(board_screen, label="Go to the board", icon=":material/dashboard:")
        if right.button("Leave this board", key="home_leave"):
            navigation.leave_board()
            st.rerun()


def create_board() -> None:
    state = st.session_state
    started = []

    person = sign_in.signed_in_person()

    def start(write_db) -> None:
        if (refused := sign_in.may_create_boards()) is not None:
            raise InvalidInput(refused)
        draft = BoardDraft.model_validate(
            {
                "title": state["home_title"],
                "incident_date": state.get("home_incident_date"),
                # Severity rates an incident's impact; a review over a period has none.
                "severity": (Severity.none if ReviewType(state["home_review_type"]).has_period
                             else state["home_severity"]),
                "template": state["home_template"],
                # Signed in, the facilitator is named as their identity provider names them.
                "facilitator_name": board_name(person) if person else state["home_name"],
                "review_type": state["home_review_type"],
                "period_start": state.get("home_period_start"),
                "period_end": state.get("home_period_end"),
            }
        )
        settings = jira_settings(get_template(draft.template).jira)
        started.append(facilitation.start_board(write_db, draft, owner=person))
        if settings is not None:
            jira_cards.make_jira_board(write_db, started[0].board.id, settings)

    # The typed title and name stay in the form unless the board was made.
    if not feedback.run_action(start, error_key="home_error"):
        return
    if get_template(state["home_template"]).jira is not None:
        # The issues come in now; Jira not answering is said on the board, which tries again.
        feedback.run_action(import_jira, started[0].board.id, error_key="home_error")
    identity.remember_identity(started[0].board.id, token=started[0].token,
                             facilitator_key=started[0].facilitator_key)
    navigation.open_board(started[0].board.id)
    state["board_created"] = True
    for key in ("home_title", "home_name"):
        state[key] = ""


def fit_template() -> None:
    # A new review type picks the template that fits it; the person may still pick another.
    state = st.session_state
    state["home_template"] = ReviewType(state["home_review_type"]).template


def jira_settings(kind: str | None) -> JiraBoardSettings | None:
    """What a backlog refinement or sprint planning board imports from (None for other boards)."""
    if kind is None:
        return None
    state = st.session_state
    board = (state.get("home_jira_board") or "").strip()
    if board and not board.isdigit():
        raise InvalidInput("The Jira board id is a number: the one in the board's address (rapidView=12).")
    return JiraBoardSettings.model_validate({
        "kind": kind, "source_board": int(board) if board else None,
        "jql": state.get("home_jira_jql") or "", "scale": state.get("home_jira_scale", "fibonacci"),
        "drop_as": state.get("home_jira_drop_as", "transition"),
        "drop_value": state.get("home_jira_drop_value") or "Won't Do",
        "ready_transition": state.get("home_jira_ready") or "",
        "capacity_from": state.get("home_jira_capacity", "people"),
    })


def _secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # noqa: BLE001 - no secrets file is the usual case
        return {}


def import_jira(write_db, board_id: str) -> None:
    try:
        client = jira_board_sync.client_from_env(trackers.tracker_env(os.environ, _secrets()))
    except CanvasError as problem:  # JIRA_URL missing: the board says which setting
        jira_cards.record_unreachable(write_db, board_id, str(problem))
        return
    jira_board_sync.pull(write_db, board_id, client)


templates = all_templates()
st.subheader("Start a board", anchor=False)
if "home_template" not in st.session_state:
    st.session_state["home_template"] = ReviewType.incident.template
# Outside the form, so that picking a type redraws the form with its dates.
review_type = st.selectbox("Review type", list(ReviewType), key="home_review_type",
                           format_func=lambda kind: kind.label, on_change=fit_template,
                           help="Project, OKR, team reviews and pre-mortems cover a period "
                                "instead of an incident date. Each type picks the template "
                                "that fits it.")
with st.form("home_create", border=True):
    st.text_input("Title", key="home_title", max_chars=120,
                  placeholder="e.g. Checkout errors after the 14:00 deploy")
    if review_type.has_period:
        start, end = st.columns(2)
        widgets.date_picker(start, "Period start", key="home_period_start", value=None)
        widgets.date_picker(end, "Period end", key="home_period_end", value=None)
    left, middle, right = st.columns(3)
    if not review_type.has_period:
        # A new board starts in UTC (its zone is set on the Summary page).
        widgets.date_picker(left, "Incident date", key="home_incident_date", value=today_in("UTC"))
        middle.selectbox("Severity", list(Severity), key="home_severity", index=2,
                         format_func=lambda sev: sev.label)
    (left if review_type.has_period else right).selectbox(
        "Template", list(templates), key="home_template",
        format_func=lambda slug: templates[slug].name)
    if sign_in.signed_in_person() is None:
        st.text_input("Your name (you facilitate)", key="home_name", max_chars=40)
    with st.expander("Jira: for backlog refinement and sprint planning"):
        st.caption("The issues come from a Jira board (its backlog and sprints) or a JQL query, "
                   "through the Jira settings of the action push (JIRA_URL and its credentials).")
        board_col, jql_col = st.columns([1, 3])
        board_col.text_input("Jira board id", key="home_jira_board", max_chars=12,
                             help="The number in the board's address (rapidView=12). Planning needs it.")
        jql_col.text_input("or a JQL query", key="home_jira_jql", max_chars=2000,
                           placeholder='project = OPS AND statusCategory != Done ORDER BY Rank')
        scale_col, capacity_col = st.columns(2)
        scale_col.selectbox("Estimates", ["fibonacci", "t-shirt"], key="home_jira_scale",
                            format_func=lambda scale: {"fibonacci": "Fibonacci (0, 1, 2, 3, 5, 8 …)",
                                                       "t-shirt": "T-shirt (XS … XL)"}[scale])
        capacity_col.selectbox("Sprint capacity", ["people", "velocity"], key="home_jira_capacity",
                               format_func=lambda way: {"people": "Typed per person",
                                                        "velocity": "From the last sprints' velocity"}[way])
        drop_col, value_col, ready_col = st.columns(3)
        drop_col.selectbox("A dropped card gets", ["transition", "label"], key="home_jira_drop_as",
                           format_func=lambda way: {"transition": "A transition", "label": "A label"}[way])
        value_col.text_input("Its name", key="home_jira_drop_value", value="Won't Do", max_chars=80)
        ready_col.text_input("Ready's transition (optional)", key="home_jira_ready", max_chars=80)
    st.form_submit_button("Create board", type="primary", on_click=create_board)

if error := st.session_state.pop("home_error", None):
    st.error(error)

def import_board() -> None:
    state = st.session_state
    upload = state.get("home_import_file")
    if upload is None:
        state["home_import_error"] = "Choose a file first."
        return
    # Everything is read and checked before the database is touched, so a
    # file that is refused writes nothing.
    try:
        text = decode_text(upload.name, upload.getvalue())
        plan = read_board_file(text, get_template(state["home_template"]))
    except NotText as refusal:
        state["home_import_error"] = str(refusal)
        return
    except TemplateWithoutTimeline as refusal:
        state["home_import_error"] = f"{upload.name}: {refusal}"
        state["home_import_suggested"] = refusal.suggested
        return
    except CanvasError as refusal:
        state["home_import_error"] = f"{upload.name}: {refusal}"
        return
    except Exception as error:  # noqa: BLE001 - a sentence, and the traceback in the log
        state["home_import_error"] = feedback.error_sentence(error)
        return
    created = []
    if not feedback.run_action(lambda write_db: created.append(
            restore.create_board_from(write_db, plan)), error_key="home_import_error"):
        return
    board, key = created[0]
    # Whoever imports runs the session: this browser gets the facilitator key.
    identity.remember_identity(board.id, facilitator_key=key)
    navigation.open_board(board.id)
    state["board_created"] = True


def import_into(slug: str) -> None:
    st.session_state["home_template"] = slug
    import_board()


with st.expander("Import a board from a file"):
    st.caption("An incident file (the timeline format in `shared/incidents`) or a JSON backup "
               "exported from this app. Incident files use the template chosen above.")
    st.file_uploader("Incident file or backup (.json)", type=["json"], key="home_import_file")
    st.button("Create board from file", key="home_import", on_click=import_board)
    if message := st.session_state.pop("home_import_error", None):
        st.error(message)
    # The template chosen above holds no timeline: offer the ones that do.
    for slug, name in st.session_state.pop("home_import_suggested", {}).items():
        st.button(f"Import into {name} instead", key=f"home_import_into_{slug}",
                  on_click=import_into, args=(slug,))

with st.expander("What each template holds"):
    for template in templates.values():
        # A team's template is typed text: shown literally, as a note is.
        st.markdown(f"**{escape_markdown(template.name)}** — {escape_markdown(template.description)}")
        st.caption(" → ".join(escape_markdown(step.title) for step in template.steps))

if database.settings().list_all_boards:
    st.subheader("Boards", anchor=False)
    listed = boards.list_boards(db)
else:
    st.subheader("Your boards", anchor=False)
    st.caption("Boards this browser joined or created. Other boards are private: "
               "open them through their link.")
    listed = boards.list_boards(db, board_ids=identity.known_board_ids())
if not listed:
    st.caption("No boards yet.")
for summary in listed:
    with st.container(border=True, key=f"home_board_{summary.id}"):
        text, meta, action = st.columns([5, 4, 1], vertical_alignment="center")
        text.text(summary.title)
        kind = "" if summary.review_type is ReviewType.incident else f"{summary.review_type.label} · "
        meta.caption(
            f"{kind}{summary.incident_date or 'no date'} · {summary.severity.value} · "
            f"{templates[summary.template].name if summary.template in templates else summary.template}"
            f" · {plural(summary.note_count, 'note')} · "
            f"{plural(summary.participant_count, 'person', 'people')}"
        )
        if action.button("Open", key=f"home_open_{summary.id}"):
            navigation.open_board(summary.id)
            st.rerun()

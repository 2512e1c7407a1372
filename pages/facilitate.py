"""The facilitator's controls: phase, vote rules, reveal, timer, authors, links."""

import streamlit as st

from canvas.phases import Phase
from canvas.voting import BUDGET_RANGE, VoteRules
from pages import common
from storage import facilitation, participants

page = common.open_board_page()
board = page.board
key = page.credentials.facilitator_key

st.title("Facilitate", anchor=False)
if not page.is_facilitator:
    st.warning("Only the facilitator sees these controls. Open the board with the facilitator link.")
    st.stop()

st.subheader("Phase", anchor=False)
phase_columns = st.columns(len(Phase))
for phase, column in zip(Phase, phase_columns):
    column.button(phase.label, key=f"facil_phase_{phase.value}", width="stretch",
                  type="primary" if phase == page.phase else "secondary",
                  disabled=phase == page.phase, on_click=common.run_action,
                  args=(facilitation.set_phase, board.id, key, phase))
st.caption("Going back a phase loses nothing. Closing makes the board read-only until you reopen it.")


def save_rules() -> None:
    state = st.session_state

    def write(db) -> None:
        rules = VoteRules(budget=state["facil_budget"], max_per_item=state["facil_per_item"])
        facilitation.set_vote_rules(db, board.id, key, rules)

    common.run_action(write)


st.subheader("Votes", anchor=False)
with st.form("facil_rules"):
    left, right = st.columns(2)
    left.number_input("Votes per person", min_value=BUDGET_RANGE[0], max_value=BUDGET_RANGE[1],
                      value=board.vote_budget, key="facil_budget")
    right.number_input("Most votes on one item", min_value=1, max_value=BUDGET_RANGE[1],
                       value=board.vote_max_per_item, key="facil_per_item")
    st.form_submit_button("Save vote rules", on_click=save_rules)
st.toggle("Reveal votes to everyone", value=board.votes_revealed, key="facil_reveal",
          on_change=lambda: common.run_action(facilitation.reveal_votes, board.id, key,
                                              st.session_state["facil_reveal"]))

st.subheader("Timer", anchor=False)
timer_left, timer_right = st.columns([2, 3], vertical_alignment="bottom")
timer_left.number_input("Minutes", min_value=0.5, max_value=240.0, value=5.0, step=0.5,
                        key="facil_minutes")
start, stop = timer_right.columns(2)
start.button("Start timer", key="facil_timer_start", type="primary",
             on_click=lambda: common.run_action(facilitation.start_timer, board.id, key,
                                                int(st.session_state["facil_minutes"] * 60)))
stop.button("Stop timer", key="facil_timer_stop", disabled=board.timer_ends_at is None,
            on_click=common.run_action, args=(facilitation.stop_timer, board.id, key))

st.subheader("Anonymity", anchor=False)
st.toggle("Show authors' names on notes", value=board.show_authors, key="facil_authors",
          on_change=lambda: common.run_action(facilitation.set_show_authors, board.id, key,
                                              st.session_state["facil_authors"]))

st.subheader("Facilitator links", anchor=False)
st.caption("Anyone who opens a facilitator link can run this board. Send it privately.")


def issue(revoke_others: bool) -> None:
    issued = []
    if not common.run_action(lambda db: issued.append(facilitation.issue_facilitator_key(
            db, board.id, key, revoke_others=revoke_others))):
        return
    st.session_state["facil_new_link"] = common.facilitator_url(board.id, issued[0])
    if revoke_others:
        st.session_state["facil_handed_over"] = True


left, right = st.columns(2)
left.button("New co-facilitator link", key="facil_cofacilitator", on_click=issue, args=(False,))
right.button("Hand over (revokes every current link, yours too)", key="facil_handover",
             on_click=issue, args=(True,))
if link := st.session_state.pop("facil_new_link", None):
    st.code(link, language=None, wrap_lines=True)
    st.caption("Shown once. Copy it now.")

st.subheader("People", anchor=False)
for person in participants.list_participants(page.db, board.id):
    st.text(f"• {person.display_name}")

"""The facilitator's controls: phase, vote rules, reveal, timer, authors, links."""

import streamlit as st

from canvas.actions import PROCESS_REVIEW_QUESTION, ActionDraft, FollowUp
from canvas.board_access import AccessList, AccessMode
from canvas.dates import clamp_day
from canvas.session.phases import Phase
from canvas.session.voting import BUDGET_RANGE, VoteRules
from pages.shared import board_page, feedback, navigation, sign_in, widgets
from storage import actions, board_access, facilitation, participants, votes

page = board_page.open_board_page()
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
                  disabled=phase == page.phase, on_click=feedback.run_action,
                  args=(facilitation.set_phase, board.id, key, phase))
st.caption("Going back a phase loses nothing. Closing makes the board read-only until you reopen "
           "it; how its actions are going (status, owner, dates) can still be recorded.")


def give_owner_and_date(action: FollowUp) -> None:
    state = st.session_state
    prefix = f"facil_draft_{action.id}"

    def write(db) -> None:
        draft = ActionDraft.model_validate({
            **action.model_dump(include=set(ActionDraft.model_fields)),
            "owner": state[f"{prefix}_owner"], "due_date": state[f"{prefix}_due"]})
        actions.edit_action(db, board.id, action.id, draft, action.version)

    feedback.run_action(write, error_key=f"{prefix}_error")


def close_anyway() -> None:
    feedback.run_action(facilitation.set_phase, board.id, key, Phase.closed,
                      st.session_state["facil_close_reason"], error_key="facil_close_error")


open_drafts = [action for action in actions.list_actions(page.db, board.id) if action.is_open_draft]
if page.phase != Phase.closed and open_drafts:
    st.subheader("Before closing: names and dates", anchor=False)
    drafts_have = ("1 draft action has" if len(open_drafts) == 1
                   else f"{len(open_drafts)} draft actions have")
    st.caption(f"{drafts_have} no owner and due date. A meeting ends "
               "with names and dates: give each one an owner and a date, or close anyway and "
               "say why. The reason is kept with the board and exported.")
    for action in open_drafts:
        prefix = f"facil_draft_{action.id}"
        with st.container(border=True, key=prefix):
            st.text(action.title)
            owner, due, save = st.columns([3, 2, 1], vertical_alignment="bottom")
            owner.text_input("Owner", key=f"{prefix}_owner", value=action.owner, max_chars=80)
            widgets.date_picker(due, "Due date", key=f"{prefix}_due",
                                value=clamp_day(action.due_date))
            save.button("Save", key=f"{prefix}_save", on_click=give_owner_and_date, args=(action,))
            if message := st.session_state.pop(f"{prefix}_error", None):
                st.error(message)
    with st.form("facil_close", border=False):
        st.text_area("Close anyway, because…", key="facil_close_reason", max_chars=1000,
                     placeholder="e.g. Owners are picked at Monday's planning with the team leads")
        st.form_submit_button("Close anyway", on_click=close_anyway)
    if message := st.session_state.pop("facil_close_error", None):
        st.error(message)
elif page.phase == Phase.closed and board.close_reason:
    st.caption("Closed with draft actions left, because:")
    st.text(board.close_reason)


def save_process_review() -> None:
    feedback.run_action(facilitation.record_process_review, board.id, key,
                        st.session_state["facil_process_review"], error_key="facil_process_error")


# Reviewing the review itself, as the practice asks: asked at close (from
# Discuss on), and kept so the learnings review can gather the answers.
if page.phase in (Phase.discuss, Phase.closed):
    st.subheader("Reviewing the process", anchor=False)
    with st.form("facil_process", border=False):
        st.text_area(PROCESS_REVIEW_QUESTION, value=board.process_review,
                     key="facil_process_review", max_chars=2000,
                     placeholder="e.g. Send the draft timeline a day before, so the meeting "
                                 "starts with corrections")
        st.form_submit_button("Save the answer", on_click=save_process_review)
    st.caption("Kept with the board, shown in the pack, and listed across boards on the "
               "Learnings review.")
    if message := st.session_state.pop("facil_process_error", None):
        st.error(message)


def save_rules() -> None:
    state = st.session_state

    def write(db) -> None:
        rules = VoteRules(budget=state["facil_budget"], max_per_item=state["facil_per_item"])
        facilitation.set_vote_rules(db, board.id, key, rules)

    feedback.run_action(write)


st.subheader("Votes", anchor=False)
# How far the room has got, without anyone's choices: enough to know when to reveal.
voters, dots = votes.voters(page.db, board.id)
st.caption(f"{voters} {'person has' if voters == 1 else 'people have'} placed "
           f"{dots} vote{'' if dots == 1 else 's'} so far.")
with st.form("facil_rules"):
    left, right = st.columns(2)
    left.number_input("Votes per person", min_value=BUDGET_RANGE[0], max_value=BUDGET_RANGE[1],
                      value=board.vote_budget, key="facil_budget")
    right.number_input("Most votes on one item", min_value=1, max_value=BUDGET_RANGE[1],
                       value=board.vote_max_per_item, key="facil_per_item")
    st.form_submit_button("Save vote rules", on_click=save_rules)
st.toggle("Reveal votes to everyone", value=board.votes_revealed, key="facil_reveal",
          on_change=lambda: feedback.run_action(facilitation.reveal_votes, board.id, key,
                                              st.session_state["facil_reveal"]))

st.subheader("Timer", anchor=False)
timer_left, timer_right = st.columns([2, 3], vertical_alignment="bottom")
timer_left.number_input("Minutes", min_value=0.5, max_value=240.0, value=5.0, step=0.5,
                        key="facil_minutes")
start, stop = timer_right.columns(2)
start.button("Start timer", key="facil_timer_start", type="primary",
             on_click=lambda: feedback.run_action(facilitation.start_timer, board.id, key,
                                                int(st.session_state["facil_minutes"] * 60)))
stop.button("Stop timer", key="facil_timer_stop", disabled=board.timer_ends_at is None,
            on_click=feedback.run_action, args=(facilitation.stop_timer, board.id, key))

st.subheader("Anonymity", anchor=False)
st.toggle("Show authors' names on notes", value=board.show_authors, key="facil_authors",
          on_change=lambda: feedback.run_action(facilitation.set_show_authors, board.id, key,
                                              st.session_state["facil_authors"]))

st.subheader("Facilitator links", anchor=False)
st.caption("Anyone who opens a facilitator link can run this board. Send it privately.")


def issue(revoke_others: bool) -> None:
    issued = []
    if not feedback.run_action(lambda db: issued.append(facilitation.issue_facilitator_key(
            db, board.id, key, revoke_others=revoke_others))):
        return
    st.session_state["facil_new_link"] = navigation.facilitator_url(board.id, issued[0])
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

# With sign-in on: facilitators by their email, and who may open the board.
person = sign_in.signed_in_person()
if person is not None:
    access = board_access.board_access(page.db, board.id)
    st.subheader("Facilitators and access", anchor=False)
    st.caption("People sign in; facilitators are named by their email and keep their rights on "
               "any browser. The board's creator cannot be removed.")
    for email, is_creator in board_access.list_facilitators(page.db, board.id):
        left, right = st.columns([4, 1])
        left.text(f"• {email}" + (" (created the board)" if is_creator else ""))
        if not is_creator:
            right.button("Remove", key=f"facil_remove_{email}", on_click=lambda email=email: feedback.run_action(
                lambda db: board_access.remove_co_facilitator(db, board.id, email, by=person)))
    with st.form("facil_add_facilitator", border=False):
        left, right = st.columns([4, 1], vertical_alignment="bottom")
        left.text_input("Make a co-facilitator (email)", key="facil_new_facilitator", max_chars=254)
        added = right.form_submit_button("Add")
    if added:
        feedback.run_action(lambda db: board_access.add_co_facilitator(
            db, board.id, st.session_state["facil_new_facilitator"], by=person))

    def save_access() -> None:
        state = st.session_state
        feedback.run_action(lambda db: board_access.set_access(db, board.id, AccessList(
            mode=state["facil_access_mode"],
            people=frozenset(line.strip() for line in state["facil_access_people"].splitlines() if line.strip()),
            domains=frozenset(line.strip() for line in state["facil_access_domains"].splitlines()
                              if line.strip())), by=person))

    with st.form("facil_access", border=True):
        st.radio("Who may open this board", list(AccessMode), format_func=lambda mode: mode.label,
                 index=list(AccessMode).index(access.access.mode), key="facil_access_mode")
        left, right = st.columns(2)
        left.text_area("People (one email a line)", value="\n".join(sorted(access.access.people)),
                       key="facil_access_people")
        right.text_area("Domains (one a line, e.g. example.com)",
                        value="\n".join(sorted(access.access.domains)), key="facil_access_domains")
        st.form_submit_button("Save access", on_click=save_access)
    feedback.show_action_error()

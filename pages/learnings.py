"""Learnings: "We learned that…" statements tied to their evidence, the decision
taken on each, and the actions that carry the decisions out."""

import streamlit as st

from canvas.actions import ActionDraft
from canvas.incident.timeline import describe_event
from canvas.dates import today_in
from canvas.learnings import (
    LEARNING_MAX_CHARS, LEARNINGS_MAX, LEARNINGS_MIN, DecisionDraft, DecisionKind, EvidenceKind,
    LearningDraft, decision_of, learning_problems,
)
from canvas.session.grouping import note_label
from canvas.session.phases import Action, refusal
from canvas.templates import StepKind
from pages.shared import board_page, feedback, navigation, widgets
from storage import learnings, notes

page = board_page.open_board_page()
board_id = page.board.id
view = page.view
today = today_in(page.board.timezone)
editable = page.may(Action.edit_learnings)
zone = page.board.timezone

st.title("Learnings", anchor=False)
st.caption(f"What this review taught us, as “We learned that…” statements: {LEARNINGS_MIN} to "
           f"{LEARNINGS_MAX}, each tied to its evidence and turned into a decision, or an "
           "explicit “no change”.")

# --- evidence: what a learning can point at, and where it lives -----------------------

timeline_step = next((s for s in page.template.steps if s.kind == StepKind.timeline), None)
EVIDENCE: dict[str, tuple[EvidenceKind, str, str | None]] = {}
for event in view.events:
    if event.id:
        EVIDENCE[event.id] = (EvidenceKind.event, "Timeline · " + describe_event(event, zone, limit=60),
                              timeline_step.key if timeline_step else None)
steps = {step.key: step for step in page.template.note_steps}
for cluster in view.clusters:
    if cluster.step_key in steps:
        EVIDENCE[cluster.id] = (EvidenceKind.cluster,
                                f"{steps[cluster.step_key].title} · cluster “{cluster.name}”",
                                cluster.step_key)
for note in view.notes:
    if note.step_key in steps:
        EVIDENCE[note.id] = (EvidenceKind.note,
                             f"{steps[note.step_key].title} · {note_label(note)}"[:120],
                             note.step_key)


HIDDEN_EVIDENCE = "A note others wrote (shown once the facilitator starts grouping)"


def evidence_label(item_id: str | None) -> str:
    if item_id is None:
        return "No evidence"
    return EVIDENCE[item_id][1] if item_id in EVIDENCE else HIDDEN_EVIDENCE


def read_learning(prefix: str) -> LearningDraft:
    state = st.session_state
    evidence = state[f"{prefix}_evidence"]
    return LearningDraft.model_validate({
        "text": state[f"{prefix}_text"],
        # Only notes are ever hidden from someone (while people write).
        "evidence_kind": (EVIDENCE[evidence][0] if evidence in EVIDENCE else EvidenceKind.note)
        if evidence else None,
        "evidence_id": evidence})


def add_learning() -> None:
    def write(db) -> None:
        learnings.add_learning(db, board_id, read_learning("learned_new"), page.credentials)

    if feedback.run_action(write, error_key="learned_new_error"):
        st.session_state["learned_new_text"] = ""
        st.session_state["learned_new_evidence"] = None


def save_learning(learning_id: str, version: int) -> None:
    def write(db) -> None:
        learnings.edit_learning(db, board_id, learning_id, read_learning(f"learned_edit_{learning_id}"),
                                version, page.credentials)

    feedback.run_action(write, error_key=f"learned_error_{learning_id}")


def save_decision(learning_id: str, version: int | None) -> None:
    state = st.session_state
    prefix = f"learned_decision_{learning_id}"

    def write(db) -> None:
        draft = DecisionDraft.model_validate({
            "kind": state[f"{prefix}_kind"], "text": state[f"{prefix}_text"],
            "trade_off": state[f"{prefix}_trade_off"]})
        learnings.set_decision(db, board_id, learning_id, draft, page.credentials, version)

    feedback.run_action(write, error_key=f"learned_error_{learning_id}")


def add_action(learning_id: str, decision_id: str, kind: DecisionKind) -> None:
    state = st.session_state
    prefix = f"learned_action_{learning_id}"

    def write(db) -> None:
        draft = ActionDraft.model_validate({
            "title": state[f"{prefix}_title"], "owner": state[f"{prefix}_owner"],
            "due_date": state[f"{prefix}_due"],
            "type": kind.action_type})
        learnings.add_action_for_decision(db, board_id, decision_id, draft, page.credentials)

    if feedback.run_action(write, error_key=f"learned_error_{learning_id}"):
        state[f"{prefix}_title"] = state[f"{prefix}_owner"] = ""
        state[f"{prefix}_due"] = None


def link_action(learning_id: str, decision_id: str) -> None:
    action_id = st.session_state[f"learned_link_{learning_id}"]
    if action_id:
        feedback.run_action(learnings.link_action, board_id, decision_id, action_id,
                          page.credentials, error_key=f"learned_error_{learning_id}")


# --- the list ---------------------------------------------------------------------------

# A note someone else is still writing is evidence all the same: it is hidden
# from this person until the facilitator starts grouping, not gone.
evidence_ids = set(EVIDENCE) | {note.id for note in notes.list_notes(page.db, board_id)}
actions_by_id = {action.id: action for action in view.actions}
actions_page = navigation.page_for(next((s.key for s in page.template.steps
                                     if s.kind == StepKind.actions), ""))
count = len(view.learnings)
if count:
    # A pre-mortem asks for no learnings yet: any number is fine there.
    in_range = not page.board.review_type.looks_back or LEARNINGS_MIN <= count <= LEARNINGS_MAX
    (st.caption if in_range else st.warning)(
        f"{count} learning{'s' if count != 1 else ''}"
        + ("" if in_range else f": the practice asks for {LEARNINGS_MIN} to {LEARNINGS_MAX}."))
else:
    st.info("No learnings yet. Write the first one below.", icon=":material/lightbulb:")

for number, learning in enumerate(view.learnings, start=1):
    decision = decision_of(learning.id, view.decisions)
    with st.container(border=True, key=f"learned_learning_{learning.id}"):
        st.text(f"{number}. {learning.text}")
        evidence = EVIDENCE.get(learning.evidence_id) if learning.evidence_id else None
        ev_text, ev_link = st.columns([5, 2], vertical_alignment="center")
        if evidence is None:
            ev_text.caption("Evidence: " + (
                "none linked" if learning.evidence_id is None else
                HIDDEN_EVIDENCE.lower() if learning.evidence_id in evidence_ids
                else "no longer on the board"))
        else:
            ev_text.caption(f"Evidence: {evidence[1]}")
            if evidence[2] and (target := navigation.page_for(evidence[2])) is not None:
                ev_link.page_link(target, label="Open the evidence", icon=":material/search:")
        for problem in learning_problems(learning, decision, evidence_ids):
            st.caption(f":orange[:material/error:] {problem.capitalize()}")
        if decision is not None:
            st.markdown(f"**Decision · {decision.kind.label}**")
            st.text(decision.text)
            if decision.trade_off:
                st.caption("Trade-off")
                st.text(decision.trade_off)
            linked = [actions_by_id[action_id] for action_id in decision.action_ids
                      if action_id in actions_by_id]
            for action in linked:
                owner = action.owner or "no owner yet"
                due = action.due_date.isoformat() if action.due_date else "no due date yet"
                st.text(f"→ {action.title} · {owner} · {due} · {action.status.label}")
            if linked and actions_page is not None:
                st.page_link(actions_page, label="See the actions", icon=":material/task_alt:")
        if editable:
            decide_col, act_col, edit_col, _ = st.columns([2, 2, 1, 2])
            with decide_col.popover("Decision" if decision is None else "Change the decision",
                            icon=":material/gavel:", key=f"learned_decide_{learning.id}"):
                prefix = f"learned_decision_{learning.id}"
                kinds = list(DecisionKind)
                st.selectbox("Kind", kinds, key=f"{prefix}_kind", format_func=lambda k: k.label,
                             index=kinds.index(decision.kind) if decision else 0)
                st.text_input("What we decide", key=f"{prefix}_text", max_chars=300,
                              value=decision.text if decision else "")
                st.text_area("Trade-off: what it costs, what we give up", key=f"{prefix}_trade_off",
                             value=decision.trade_off if decision else "", height=80)
                st.button("Save the decision", key=f"{prefix}_save", type="primary",
                          on_click=save_decision,
                          args=(learning.id, decision.version if decision else None))
            if decision is not None and decision.kind != DecisionKind.no_change:
                with act_col.popover("Action for this decision", icon=":material/add_task:",
                                key=f"learned_act_{learning.id}"):
                    prefix = f"learned_action_{learning.id}"
                    st.text_input("What will be done (start with a verb)", key=f"{prefix}_title",
                                  max_chars=200)
                    owner, due = st.columns(2)
                    owner.text_input("Owner", key=f"{prefix}_owner", max_chars=80)
                    widgets.date_picker(due, "Due date", key=f"{prefix}_due", value=None)
                    st.button("Create the action", key=f"{prefix}_create", type="primary",
                              on_click=add_action, args=(learning.id, decision.id, decision.kind))
                    others = [a.id for a in view.actions if a.id not in decision.action_ids]
                    if others:
                        st.selectbox("Or link an existing action", [None, *others],
                                     key=f"learned_link_{learning.id}",
                                     format_func=lambda a: "—" if a is None else actions_by_id[a].title,
                                     on_change=link_action, args=(learning.id, decision.id))
            with edit_col.popover("Edit", icon=":material/edit:", key=f"learned_menu_{learning.id}"):
                prefix = f"learned_edit_{learning.id}"
                st.text_area("We learned that…", value=learning.text, key=f"{prefix}_text")
                options = [None, *EVIDENCE]
                if learning.evidence_id in evidence_ids and learning.evidence_id not in EVIDENCE:
                    # Kept as it is: editing the text must not drop a link this person cannot see.
                    options.append(learning.evidence_id)
                st.selectbox("Evidence", options, key=f"{prefix}_evidence",
                             format_func=evidence_label,
                             index=options.index(learning.evidence_id)
                             if learning.evidence_id in options else 0)
                save, remove = st.columns(2)
                save.button("Save", key=f"{prefix}_save", type="primary", on_click=save_learning,
                            args=(learning.id, learning.version))
                remove.button("Delete", key=f"{prefix}_delete", on_click=feedback.run_action,
                              args=(learnings.delete_learning, board_id, learning.id,
                                    page.credentials))
        if message := st.session_state.pop(f"learned_error_{learning.id}", None):
            st.error(message)

# --- a new learning ---------------------------------------------------------------------

if editable:
    with st.form("learned_new", border=True, enter_to_submit=False):
        st.text_area("We learned that…", key="learned_new_text", height=80,
                     max_chars=LEARNING_MAX_CHARS,
                     placeholder="…a rule change reaches every machine at once, with no stage "
                                 "to stop it.")
        st.selectbox("Evidence: the timeline event, note or cluster it rests on",
                     [None, *EVIDENCE], key="learned_new_evidence", format_func=evidence_label)
        st.form_submit_button("Add the learning", type="primary", on_click=add_learning)
    if message := st.session_state.pop("learned_new_error", None):
        st.error(message)
elif reason := refusal(Action.edit_learnings, page.phase, page.actor):
    st.caption(reason)

"""Is this postmortem finished? A checklist drawn from the practice, scored.

`check_completeness` reads a board snapshot and returns a `Completeness`: one
`CheckItem` per rule below, each saying whether it is done, what is missing
(a sentence for the facilitator) and which step's page fixes it. An item that
makes no sense for the board's template (a timeline check on a mad / sad / glad
retrospective) is kept with `applies=False` and left out of the score, so a
short template is not punished for what it never asked for.

The rules, in the order the items appear:

- **summary**: the summary is written and states the customer impact: the
  impact field is filled in, or the summary itself mentions customers, users,
  visitors, clients, impact or "affected".
- **timeline-impact-start / -detected / -resolved**: the timeline has an event
  of each anchor kind (impact start, detected, resolved), the anchors the
  derived durations are measured from.
- **notes-in-every-step**: every sticky-note step has at least one note. On the
  blameless template these are Detect, React, Quick fix, Prevent and Other
  areas of risk; on any other template, each of its notes steps.
- **went-well**: something that went well is recorded: a note in a step whose
  key or title says "went well" or "glad", or a note anywhere that says thank
  (thanks, thanked, thankful), kudos, grateful, helped, helpful, worked well
  or went well.
- **committed-actions-complete**: every committed action (an owner and a due
  date, status not won't do) also has a success signal. Owner and date are
  what make an action committed, so the signal is what is left to check.
- **no-draft-actions**: no open or in-progress action lacks an owner or a due
  date. Drafts are listed by title. A won't-do, done or parked action is not
  a draft left behind, whatever it lacks.
- **detect-or-prevent-action**: a committed action of type detect or prevent
  exists. Drafts do not count: an import makes every published action a
  prevent draft, and a wish prevents nothing. Applies only to templates with
  a detect or prevent step (the blameless postmortem).
- **kill-criteria-observable**: every kill criterion (trigger) has a signal
  anyone can observe (a number or threshold, or a named measure or event
  without vague words) and a response that is a deed, not "discuss"
  (canvas.actions.trigger_warnings). Applies only to boards that have
  triggers and a template with an actions step.
- **risks-and-next-steps**: risks, open questions and next steps are written.
  Risks: at least one note in an "other areas of risk" step (key
  `other-risks`, or "risk" in the title, as in the Markdown pack); templates
  without such a step need none. Next steps: at least one open or in-progress
  action whose due date is today or later; an action already past its due
  date is late, not next. Open questions are notes ending in "?" plus draft
  actions (as in the Markdown pack); a postmortem may honestly have none, so
  they never open this item, and `Completeness.open_questions` counts them.
- **blameless-language**: no blame or hindsight phrase (canvas/language.py) is
  left in the notes, the summary and impact, the timeline texts or the action
  titles. The count (flagged phrases) is given per step, never per person.

Where text comes from: `label` and `missing` are written here (they may name
template steps, which are app data); `details` holds what people typed
(action titles) and is escaped by `markdown()`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel

from canvas.actions import ActionType, FollowUp, Trigger, trigger_warnings
from canvas.review.language import check_text
from canvas.models import Note
from canvas.snapshot import BoardSnapshot
from canvas.templates import Step, StepKind, Template
from canvas.text import escape_for_documents
from canvas.incident.timeline import EventKind, anchor
from canvas.review.intake import shows_durations

# A summary that says who was hurt, in the words postmortems use for it.
_CUSTOMER_WORDS = re.compile(
    r"\b(?:customers?|users?|visitors?|clients?|impact(?:s|ed)?|affected)\b", re.IGNORECASE)
# A step meant for what went well ("What went well", "Glad").
_WENT_WELL_STEP = re.compile(r"went[\s-]well|\bglad\b", re.IGNORECASE)
# Saying thanks is a ground rule; a note that does so records what went well.
_WENT_WELL_TEXT = re.compile(
    r"\b(?:thank(?:s|ed|ful)?|kudos|grateful|helped|helpful|worked\s+well|went\s+well)\b",
    re.IGNORECASE)
_ANCHORS = (
    (EventKind.impact_start, "timeline-impact-start", "The timeline marks when impact started",
     "No event marks when impact started."),
    (EventKind.detected, "timeline-detected", "The timeline marks when the problem was detected",
     "No event marks when the problem was detected (a ‘detected’ event)."),
    (EventKind.resolved, "timeline-resolved", "The timeline marks when the incident was resolved",
     "No event marks when the incident was resolved."),
)


class CheckItem(BaseModel):
    """One rule of the checklist, applied to one board."""

    id: str
    label: str
    done: bool
    # False when the board's template has nothing this rule could check.
    applies: bool = True
    # For the facilitator: what is missing ("" when done or not applicable).
    missing: str = ""
    # Why the rule does not apply ("" when it does).
    not_applicable_because: str = ""
    # The key of the step whose page fixes it (for a done item, the page it
    # lives on, if it has one); None when no step of the template can.
    fix_page: str | None = None
    # What people typed that the item is about (action titles); never authors.
    details: list[str] = []

    @property
    def is_open(self) -> bool:
        """Applies and is not done: something to fix."""
        return self.applies and not self.done


class Completeness(BaseModel):
    """The checklist for one board, scored."""

    items: list[CheckItem]
    # Notes ending in "?" and draft actions: asked, not yet answered (not scored).
    open_questions: int = 0

    @property
    def applicable(self) -> list[CheckItem]:
        """The items the board's template asks for."""
        return [item for item in self.items if item.applies]

    @property
    def done_count(self) -> int:
        return sum(1 for item in self.applicable if item.done)

    @property
    def score(self) -> float:
        """Done over applicable, from 0 to 1; 1 when nothing applies."""
        applicable = self.applicable
        return self.done_count / len(applicable) if applicable else 1.0

    @property
    def open_items(self) -> list[CheckItem]:
        """The applicable items not done yet, in checklist order."""
        return [item for item in self.items if item.is_open]

    def item(self, item_id: str) -> CheckItem:
        """The item with this id; raises KeyError."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def markdown(self) -> str:
        """A short section for the Markdown pack: a heading with the count, a
        checklist, and under each open item what is missing; typed text escaped."""
        lines = [f"## Completeness: {self.done_count} of {len(self.applicable)}", ""]
        for item in self.applicable:
            lines.append(f"- [{'x' if item.done else ' '}] {item.label}")
            if item.done:
                continue
            lines.append(f"  - {item.missing}")
            # One line each, so a multi-line title cannot end the list item.
            lines += [f"    - {escape_for_documents(' '.join(detail.split()))}" for detail in item.details]
        skipped = [item.label for item in self.items if not item.applies]
        if skipped:
            lines += ["", "*Not asked by this template: " + "; ".join(skipped) + ".*"]
        return "\n".join(lines) + "\n"


def check_completeness(snapshot: BoardSnapshot, today: date) -> Completeness:
    """Score the board against the checklist (see the module docstring for
    each rule). `today` decides which open actions are still next steps
    rather than late."""
    template = snapshot.template
    notes = [note for note in snapshot.notes if not note.is_deleted]
    items = [
        _summary_item(snapshot, template),
        *_anchor_items(snapshot, template),
        _notes_item(notes, template),
        _went_well_item(notes, template),
        _committed_actions_item(snapshot.actions, template),
        _drafts_item(snapshot.actions, template),
        _detect_or_prevent_item(snapshot.actions, template),
        _kill_criteria_item(snapshot.triggers, template),
        _closing_item(snapshot, notes, template, today),
        _language_item(snapshot, notes, template),
    ]
    return Completeness(items=items, open_questions=len(_open_questions(snapshot.actions, notes)))


# --- steps ------------------------------------------------------------------------


def _step_of_kind(template: Template, kind: StepKind) -> Step | None:
    return next((step for step in template.steps if step.kind == kind), None)


def _key(step: Step | None) -> str | None:
    return step.key if step is not None else None


def _not_applicable(item_id: str, label: str, because: str) -> CheckItem:
    return CheckItem(id=item_id, label=label, done=False, applies=False,
                     not_applicable_because=because)


def _result(item_id: str, label: str, missing: str, fix_page: str | None,
            details: Iterable[str] = ()) -> CheckItem:
    """An applicable item: done exactly when nothing is missing."""
    return CheckItem(id=item_id, label=label, done=not missing, missing=missing,
                     fix_page=fix_page, details=list(details))


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --- summary and timeline -----------------------------------------------------------


def _summary_item(snapshot: BoardSnapshot, template: Template) -> CheckItem:
    label = "The summary says what happened and the impact on customers"
    step = _step_of_kind(template, StepKind.summary)
    if step is None:
        return _not_applicable("summary", label, "The template has no summary step.")
    board = snapshot.board
    missing = ""
    if not board.summary.strip():
        missing = "No summary written yet: one or two sentences on what happened and the impact."
    elif not board.impact.strip() and not _CUSTOMER_WORDS.search(board.summary):
        missing = "The summary does not say what the impact on customers was."
    return _result("summary", label, missing, step.key)


def _anchor_items(snapshot: BoardSnapshot, template: Template) -> list[CheckItem]:
    step = _step_of_kind(template, StepKind.timeline)
    items = []
    for kind, item_id, label, sentence in _ANCHORS:
        if step is None:
            items.append(_not_applicable(item_id, label, "The template has no timeline step."))
            continue
        if not shows_durations(snapshot.board, snapshot.events):
            items.append(_not_applicable(item_id, label, "A project, OKR or team review needs "
                                                         "no incident timeline."))
            continue
        missing = "" if anchor(snapshot.events, kind) is not None else sentence
        items.append(_result(item_id, label, missing, step.key))
    return items


# --- notes ------------------------------------------------------------------------


def _notes_item(notes: list[Note], template: Template) -> CheckItem:
    label = "Every step has at least one note"
    steps = [step for step in template.steps if step.kind == StepKind.notes]
    if not steps:
        return _not_applicable("notes-in-every-step", label, "The template has no notes steps.")
    with_notes = {note.step_key for note in notes}
    empty = [step for step in steps if step.key not in with_notes]
    missing = f"No notes yet in {_join([step.title for step in empty])}." if empty else ""
    return _result("notes-in-every-step", label, missing, (empty or steps)[0].key)


def _went_well_item(notes: list[Note], template: Template) -> CheckItem:
    label = "Something that went well, or thanks, is recorded"
    well_steps = [step for step in template.note_steps
                  if _WENT_WELL_STEP.search(step.key) or _WENT_WELL_STEP.search(step.title)]
    well_keys = {step.key for step in well_steps}
    done = any(note.step_key in well_keys or _WENT_WELL_TEXT.search(note.text) for note in notes)
    # Thanks on a blameless board usually belong to how the team reacted.
    fix = well_steps[0] if well_steps else (template.step("react") or next(
        iter(step for step in template.steps if step.kind == StepKind.notes), None))
    missing = "" if done else (
        "Nothing records what went well or thanks the people who helped.")
    return _result("went-well", label, missing, _key(fix))


# --- actions ------------------------------------------------------------------------


def _actions_step(template: Template) -> str | None:
    return _key(_step_of_kind(template, StepKind.actions))


def _actions_not_applicable(item_id: str, label: str, template: Template) -> CheckItem | None:
    if _actions_step(template) is None:
        return _not_applicable(item_id, label, "The template has no actions step.")
    return None


def _committed_actions_item(actions: list[FollowUp], template: Template) -> CheckItem:
    item_id, label = "committed-actions-complete", (
        "Every committed action has an owner, a due date and a success signal")
    if skipped := _actions_not_applicable(item_id, label, template):
        return skipped
    unsignalled = [action for action in actions
                   if action.is_committed and not action.success_signal.strip()]
    missing = ""
    if unsignalled:
        count = _plural(len(unsignalled), "committed action has", "committed actions have")
        missing = f"{count} no success signal: say what will show that it worked."
    return _result(item_id, label, missing, _actions_step(template),
                   [action.title for action in unsignalled])


def _drafts_item(actions: list[FollowUp], template: Template) -> CheckItem:
    item_id, label = "no-draft-actions", "No draft action is left without an owner and a date"
    if skipped := _actions_not_applicable(item_id, label, template):
        return skipped
    drafts = [action for action in actions if action.is_open_draft]
    missing = ""
    if drafts:
        count = _plural(len(drafts), "draft action has", "draft actions have")
        missing = (f"{count} no owner or no due date yet: commit to each, or mark it "
                   "won't do with a reason.")
    return _result(item_id, label, missing, _actions_step(template),
                   [action.title for action in drafts])


_DETECT_OR_PREVENT = frozenset({ActionType.detect, ActionType.prevent})


def _detect_or_prevent_item(actions: list[FollowUp], template: Template) -> CheckItem:
    item_id, label = "detect-or-prevent-action", (
        "At least one committed action improves detection or prevention")
    if skipped := _actions_not_applicable(item_id, label, template):
        return skipped
    if not any(step.action_type in ("detect", "prevent") for step in template.steps):
        return _not_applicable(item_id, label, "The template has no detect or prevent step.")
    relevant = [action for action in actions if action.type in _DETECT_OR_PREVENT]
    missing = ""
    if not any(action.is_committed for action in relevant):
        missing = "No committed action of type detect or prevent."
        drafts = sum(1 for action in relevant if action.is_open_draft)
        if drafts:
            missing += f" {_plural(drafts, 'draft one needs', 'draft ones need')} an owner and a due date."
    return _result(item_id, label, missing, _actions_step(template))


# --- risks, open questions, next steps ---------------------------------------------------


def _kill_criteria_item(triggers: list[Trigger], template: Template) -> CheckItem:
    item_id, label = "kill-criteria-observable", (
        "Every kill criterion has an observable signal and a committed response")
    if skipped := _actions_not_applicable(item_id, label, template):
        return skipped
    if not triggers:
        return _not_applicable(item_id, label, "The board has no kill criteria.")
    vague = [trigger for trigger in triggers
             if trigger_warnings(trigger.signal, trigger.response)]
    missing = ""
    if vague:
        count = _plural(len(vague), "kill criterion needs", "kill criteria need")
        missing = (f"{count} a signal anyone can see (a measure with a threshold, or an event) "
                   "or a response that is a deed rather than a discussion.")
    return _result(item_id, label, missing, _actions_step(template),
                   [trigger.signal for trigger in vague])


def _open_questions(actions: list[FollowUp], notes: list[Note]) -> list[str]:
    questions = [action.title for action in actions if action.is_open_draft]
    return questions + [note.text for note in notes if note.is_open_question]


def _closing_item(snapshot: BoardSnapshot, notes: list[Note], template: Template,
                  today: date) -> CheckItem:
    item_id, label = "risks-and-next-steps", "Risks, open questions and next steps are written"
    actions_step = _actions_step(template)
    risk_steps = [step for step in template.note_steps if step.is_risk_step]
    if actions_step is None and not risk_steps:
        return _not_applicable(item_id, label, "The template has no risk step and no actions step.")
    missing: list[str] = []
    fix: str | None = None
    risk_keys = {step.key for step in risk_steps}
    if risk_steps and not any(note.step_key in risk_keys for note in notes):
        missing.append(f"No note in {risk_steps[0].title} says where else the same weakness lives.")
        fix = risk_steps[0].key
    if actions_step is not None:
        dated = [action for action in snapshot.actions
                 if action.status.is_active and action.due_date is not None]
        if not dated:
            missing.append("No open action with a due date says what happens next.")
            fix = fix or actions_step
        elif all(action.due_date < today for action in dated):
            missing.append(f"Every open action is past its due date ({_plural(len(dated), 'is', 'are')} "
                           "overdue): give the next steps new dates, or close them.")
            fix = fix or actions_step
    return _result(item_id, label, " ".join(missing), fix or actions_step or _key(
        risk_steps[0] if risk_steps else None))


# --- language ---------------------------------------------------------------------------


def _texts_by_step(snapshot: BoardSnapshot, notes: list[Note],
                   template: Template) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {step.key: [] for step in template.steps}
    for note in notes:
        if note.step_key in texts:
            texts[note.step_key].append(note.text)
    if summary := _step_of_kind(template, StepKind.summary):
        texts[summary.key] += [snapshot.board.summary, snapshot.board.impact]
    if timeline := _step_of_kind(template, StepKind.timeline):
        texts[timeline.key] += [event.text for event in snapshot.events]
    if actions := _step_of_kind(template, StepKind.actions):
        texts[actions.key] += [action.title for action in snapshot.actions]
    return texts


def _people(snapshot: BoardSnapshot) -> list[str]:
    roles = snapshot.board.roles
    names = [participant.display_name for participant in snapshot.participants]
    return names + [name for name in (roles.facilitator, roles.scribe, roles.decision_owner) if name]


def _language_item(snapshot: BoardSnapshot, notes: list[Note], template: Template) -> CheckItem:
    label = "No blame or hindsight language is left"
    names = _people(snapshot)
    texts_by_step = _texts_by_step(snapshot, notes, template)
    flagged: list[tuple[Step, int]] = []
    for step in template.steps:
        # Names as the subject of a sentence are flagged in what people
        # wrote, not in the factual timeline (see check_text).
        as_subjects = step.kind != StepKind.timeline
        texts = texts_by_step[step.key]
        count = sum(len(check_text(text, names=names, names_as_subjects=as_subjects))
                    for text in texts)
        if count:
            flagged.append((step, count))
    missing = ""
    if flagged:
        where = _join([f"{step.title} ({count})" for step, count in flagged])
        missing = (f"Blame or hindsight phrases are left in {where}: describe the system "
                   "and what we do next time.")
    return _result("blameless-language", label, missing, _key(flagged[0][0] if flagged else None))

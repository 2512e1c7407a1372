"""Is this postmortem finished? A checklist drawn from the practice, scored.

`check_completeness` reads a board snapshot and returns a `Completeness`: one
`CheckItem` per rule below, each saying whether it is done, what is missing
(a sentence for the facilitator) and which step's page fixes it. An item that
makes no sense for the board's template (a timeline check on a mad / sad / glad
retrospective) is kept with `applies=False` and left out of the score, so a
short template is not punished for what it never asked for.

The rules, in the order the items appear:

- **summary**: the summary is written and, for an incident, states the
  customer impact: the impact field is filled in, or the summary itself
  mentions customers, users, visitors, clients, impact or "affected". A
  project, OKR, team review or pre-mortem is asked for its summary only.
- **timeline-impact-start / -detected / -resolved**: the timeline has an event
  of each anchor kind (impact start, detected, resolved), the anchors the
  derived durations are measured from.
- **notes-in-every-step**: every sticky-note step has at least one note. On the
  blameless template these are Detect, React, Quick fix, Prevent and Other
  areas of risk; on any other template, each of its notes steps.
- **went-well**: something that went well is recorded: a note in a step whose
  key or title says "went well" or "glad", or a note anywhere that says thank
  (thanks, thanked, thankful), kudos, grateful, helped, helpful, worked well
  or went well. A pre-mortem is not asked: nothing has happened yet.
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

from canvas.actions import ActionType, FollowUp, Status, Trigger, trigger_warnings
from canvas.learnings import (
    LEARNINGS_MAX, LEARNINGS_MIN, DecisionKind, decision_of, learning_problems,
)
from canvas.review.language import check_text
from canvas.models import Note, ReviewType
from canvas.snapshot import BoardSnapshot
from canvas.templates import Step, StepKind, Template
from canvas.text import escape_for_documents
from canvas.incident.timeline import EventKind, anchor
from canvas.review.intake import shows_durations
from canvas.session.voting import cluster_votes

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
        _went_well_item(snapshot, notes, template),
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
    if not names:
        return ""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --- summary and timeline -----------------------------------------------------------


def _summary_item(snapshot: BoardSnapshot, template: Template) -> CheckItem:
    board = snapshot.board
    # Customer impact belongs to incidents; a project, an OKR period, a team
    # or a pre-mortem is summed up by what it set out to do and where it is.
    incident = board.review_type is ReviewType.incident
    label = ("The summary says what happened and the impact on customers" if incident
             else "The summary says what is reviewed and where it stands")
    step = _step_of_kind(template, StepKind.summary)
    if step is None:
        return _not_applicable("summary", label, "The template has no summary step.")
    missing = ""
    if not board.summary.strip():
        missing = ("No summary written yet: one or two sentences on what happened and the impact."
                   if incident else "No summary written yet: one or two sentences on what is "
                   "reviewed and where it stands.")
    elif incident and not board.impact.strip() and not _CUSTOMER_WORDS.search(board.summary):
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


def _went_well_item(snapshot: BoardSnapshot, notes: list[Note], template: Template) -> CheckItem:
    label = "Something that went well, or thanks, is recorded"
    if not snapshot.board.review_type.looks_back:
        return _not_applicable("went-well", label, "A pre-mortem looks ahead: nothing has gone "
                                                   "well or badly yet.")
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
    problems = []
    if count_problem := _kill_criteria_count_problem(len(triggers)):
        problems.append(count_problem)
    if vague:
        count = _plural(len(vague), "kill criterion needs", "kill criteria need")
        problems.append(f"{count} a signal anyone can see (a measure with a threshold, a date, or an "
                        "event) or a response that is a deed rather than a discussion.")
    missing = " ".join(problems)
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
        missing.append(f"No note in {risk_steps[0].title} says where else the same weakness lives."
                       if risk_steps[0].key == "other-risks"
                       else f"No note in {risk_steps[0].title} names a risk yet.")
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


# --- the rubric -------------------------------------------------------------------------
#
# "Is it done?" as a rubric: twelve dimensions of a finished postmortem, each
# scored 0 (missing), 1 (partly there) or 2 (met), with what is missing and the
# page that fixes it. A board passes when it reaches PASS_MARK of the points
# its template asks for and no dimension is missing outright: a polished
# timeline does not make up for having no learnings at all.

PASS_MARK = 0.8
MET, PARTLY, MISSING = 2, 1, 0
LEARNINGS_PAGE = "learned"
# Words that mark a belief rather than an established fact.
_ASSUMING = re.compile(
    r"\b(?:probably|presumably|assum(?:e|ed|ing|ption)|we\s+think|I\s+think|we\s+believe|"
    r"seems?\s+(?:like|to)|might\s+have|may\s+have|likely|unclear\s+whether|not\s+sure)\b",
    re.IGNORECASE)


class Dimension(BaseModel):
    """One dimension of the rubric, scored on one board."""

    id: str
    label: str
    score: int = MISSING
    applies: bool = True
    # What is missing for full marks ("" when met or not applicable).
    missing: str = ""
    not_applicable_because: str = ""
    # The board page that fixes it: a step key, or "learned" (the Learnings page).
    fix_page: str | None = None
    # What people typed that the dimension is about (learnings, notes, titles).
    details: list[str] = []

    @property
    def met(self) -> bool:
        return self.applies and self.score == MET

    @property
    def state(self) -> str:
        """The score in words: met, partly or missing ("not asked" when it does not apply)."""
        if not self.applies:
            return "not asked"
        return {MET: "met", PARTLY: "partly", MISSING: "missing"}[self.score]


class Rubric(BaseModel):
    """The rubric for one board, with its pass mark."""

    dimensions: list[Dimension]
    pass_mark: float = PASS_MARK

    @property
    def applicable(self) -> list[Dimension]:
        return [dimension for dimension in self.dimensions if dimension.applies]

    @property
    def points(self) -> int:
        return sum(dimension.score for dimension in self.applicable)

    @property
    def max_points(self) -> int:
        return MET * len(self.applicable)

    @property
    def score(self) -> float:
        """Points over the points asked for, from 0 to 1; 1 when nothing applies."""
        return self.points / self.max_points if self.max_points else 1.0

    @property
    def passes(self) -> bool:
        """At or above the pass mark, with no dimension missing outright."""
        return self.score >= self.pass_mark and all(
            dimension.score > MISSING for dimension in self.applicable)

    @property
    def to_fix(self) -> list[Dimension]:
        """The applicable dimensions short of full marks, in rubric order."""
        return [dimension for dimension in self.applicable if dimension.score < MET]

    def dimension(self, dimension_id: str) -> Dimension:
        """The dimension with this id; raises KeyError."""
        for dimension in self.dimensions:
            if dimension.id == dimension_id:
                return dimension
        raise KeyError(dimension_id)

    def markdown(self) -> str:
        """The rubric as a Markdown section: the verdict, then each dimension
        with its state and what is missing; typed text escaped."""
        verdict = "passes" if self.passes else "does not pass yet"
        lines = [f"## Quality gate: {self.points} of {self.max_points} points, {verdict}", "",
                 f"*Pass mark: {round(self.pass_mark * 100)}% of the points, and no dimension "
                 "missing.*", ""]
        for dimension in self.applicable:
            lines.append(f"- **{dimension.label}:** {dimension.state}")
            if dimension.missing:
                lines.append(f"  - {dimension.missing}")
                lines += [f"    - {escape_for_documents(' '.join(detail.split()))}"
                          for detail in dimension.details]
        return "\n".join(lines) + "\n"


def _scored(dimension_id: str, label: str, score: int, missing: str, fix_page: str | None,
            details: Iterable[str] = ()) -> Dimension:
    return Dimension(id=dimension_id, label=label, score=score,
                     missing="" if score == MET else missing, fix_page=fix_page,
                     details=list(details) if score < MET else [])


def _not_asked(dimension_id: str, label: str, because: str) -> Dimension:
    return Dimension(id=dimension_id, label=label, applies=False, not_applicable_because=because)


def score_rubric(snapshot: BoardSnapshot, today: date) -> Rubric:
    """Score the board on every dimension of the rubric (see above)."""
    template = snapshot.template
    notes = [note for note in snapshot.notes if not note.is_deleted]
    summary = _key(_step_of_kind(template, StepKind.summary))
    return Rubric(dimensions=[
        _roles_dimension(snapshot, summary),
        _objective_dimension(snapshot, summary),
        _timeline_dimension(snapshot, template),
        _assumptions_dimension(snapshot, notes, template),
        _factors_dimension(snapshot, notes, template),
        _learnings_dimension(snapshot),
        _decisions_dimension(snapshot),
        _owned_actions_dimension(snapshot, template),
        _top_factors_dimension(snapshot, notes, template),
        _kill_criteria_dimension(snapshot, template),
        _follow_up_dimension(snapshot, template, summary),
        _blameless_dimension(snapshot, notes, template),
    ])


def _roles_dimension(snapshot: BoardSnapshot, summary: str | None) -> Dimension:
    roles = snapshot.board.roles
    wanted = {"facilitator": roles.facilitator, "scribe": roles.scribe,
              "decision owner": roles.decision_owner}
    empty = [role for role, name in wanted.items() if not name.strip()]
    score = MET if not empty else (PARTLY if len(empty) < len(wanted) else MISSING)
    return _scored("roles", "Roles assigned", score,
                   f"No {_join(empty)} named yet on the Summary.", summary)


def _objective_dimension(snapshot: BoardSnapshot, summary: str | None) -> Dimension:
    intake = snapshot.board.intake
    if intake.desired_outcome.strip():
        score = MET
    else:
        score = PARTLY if intake.reviewed.strip() else MISSING
    return _scored("objective", "Objective explicit", score,
                   "The desired outcome of this review is not written down: say what the "
                   "review should leave the team with.", summary)


def _timeline_dimension(snapshot: BoardSnapshot, template: Template) -> Dimension:
    label = "Timeline with evidence"
    step = _step_of_kind(template, StepKind.timeline)
    if step is None:
        return _not_asked("timeline", label, "The template has no timeline step.")
    events = snapshot.events
    if not events:
        return _scored("timeline", label, MISSING, "The timeline has no events yet.", step.key)
    missing = []
    absent = [kind.label.lower() for kind in (EventKind.impact_start, EventKind.detected)
              if anchor(events, kind) is None]
    if anchor(events, EventKind.mitigated) is None and anchor(events, EventKind.resolved) is None:
        absent.append("mitigated or resolved")
    if absent:
        missing.append(f"No event marks {_join(absent)}.")
    if not any(event.evidence_url for event in events):
        missing.append("No event links its evidence (a log, a graph, a chat message).")
    return _scored("timeline", label, PARTLY if missing else MET, " ".join(missing), step.key)


def _sounds_assumed(text: str) -> bool:
    return bool(_ASSUMING.search(text))


def _assumptions_dimension(snapshot: BoardSnapshot, notes: list[Note],
                           template: Template) -> Dimension:
    texts = [(note.text, note.is_assumption, note.step_key) for note in notes]
    texts += [(event.text, event.is_assumption, _key(_step_of_kind(template, StepKind.timeline)))
              for event in snapshot.events]
    labelled = [text for text, marked, _ in texts if marked]
    unlabelled = [(text, step) for text, marked, step in texts
                  if not marked and _sounds_assumed(text)]
    if not unlabelled:
        score = MET
    else:
        score = PARTLY if labelled else MISSING
    return _scored("assumptions", "Assumptions labelled", score,
                   f"{_plural(len(unlabelled), 'note or event sounds', 'notes or events sound')} "
                   "like a belief but {} not marked as an assumption to verify.".format(
                       "is" if len(unlabelled) == 1 else "are"),
                   unlabelled[0][1] if unlabelled else None,
                   [text for text, _ in unlabelled])


def _factors_dimension(snapshot: BoardSnapshot, notes: list[Note],
                       template: Template) -> Dimension:
    label = "Contributing factors"
    step = next((step for step in template.note_steps if step.is_factor_step), None)
    if step is None:
        return _not_asked("factors", label, "The template has no contributing-factors step.")
    live_clusters = {cluster.id: cluster for cluster in snapshot.clusters_of(step.key)}
    items = list(live_clusters.values()) + [
        note for note in notes if note.step_key == step.key
        and (note.cluster_id is None or note.cluster_id not in live_clusters)]
    if not items:
        return _scored("factors", label, MISSING,
                       "No contributing factor is written: what made this outcome likely?",
                       step.key)
    missing = []
    uncategorised = [item for item in items if item.category is None]
    if uncategorised:
        missing.append(f"{_plural(len(uncategorised), 'factor has', 'factors have')} no category.")
    if not any(snapshot.whys_of(item.id) for item in items):
        missing.append("No 5 Whys chain is run on a top factor.")
    return _scored("factors", label, PARTLY if missing else MET, " ".join(missing), step.key,
                   [getattr(item, "name", None) or item.text for item in uncategorised])


def _evidence_ids(snapshot: BoardSnapshot) -> set[str]:
    return ({note.id for note in snapshot.notes} | {cluster.id for cluster in snapshot.clusters}
            | {event.id for event in snapshot.events if event.id})


def _looks_ahead(snapshot: BoardSnapshot) -> bool:
    """A pre-mortem is held before the work: it has nothing learned or decided
    on evidence yet, only kill criteria and next steps."""
    return not snapshot.board.review_type.looks_back


def _learnings_dimension(snapshot: BoardSnapshot) -> Dimension:
    label = "Learnings tied to evidence"
    if _looks_ahead(snapshot):
        return _not_asked("learnings", label, "A pre-mortem is held before the work: "
                                              "nothing is learned yet.")
    learnings = snapshot.learnings
    if not learnings:
        return _scored("learnings", label, MISSING,
                       f"No learnings yet: write {LEARNINGS_MIN}–{LEARNINGS_MAX} “We learned "
                       "that…” statements, each tied to its evidence.", LEARNINGS_PAGE)
    evidence = _evidence_ids(snapshot)
    problems = [(learning, learning_problems(
        learning, decision_of(learning.id, snapshot.decisions), evidence)) for learning in learnings]
    flawed = [(learning, found) for learning, found in problems if found]
    missing = []
    if not LEARNINGS_MIN <= len(learnings) <= LEARNINGS_MAX:
        missing.append(f"{_plural(len(learnings), 'learning')}: the practice asks for "
                       f"{LEARNINGS_MIN} to {LEARNINGS_MAX}.")
    if flawed:
        missing.append(f"{_plural(len(flawed), 'learning lacks', 'learnings lack')} evidence or "
                       "a decision.")
    return _scored("learnings", label, PARTLY if missing else MET, " ".join(missing),
                   LEARNINGS_PAGE,
                   [f"{learning.text} — {'; '.join(found)}" for learning, found in flawed])


def _decisions_dimension(snapshot: BoardSnapshot) -> Dimension:
    label = "Decisions"
    if _looks_ahead(snapshot):
        return _not_asked("decisions", label, "A pre-mortem commits to kill criteria and next "
                                              "steps rather than to decisions on learnings.")
    decisions = snapshot.decisions
    if not decisions:
        return _scored("decisions", label, MISSING,
                       "No decision is taken on any learning (an explicit “no change” counts).",
                       LEARNINGS_PAGE)
    live_actions = {action.id for action in snapshot.actions}
    unowned = [decision for decision in decisions if decision.kind != DecisionKind.no_change
               and not live_actions.intersection(decision.action_ids)]
    undecided = [learning for learning in snapshot.learnings
                 if decision_of(learning.id, decisions) is None]
    missing = []
    if undecided:
        missing.append(f"{_plural(len(undecided), 'learning has', 'learnings have')} no decision.")
    if unowned:
        missing.append(f"{_plural(len(unowned), 'decision has', 'decisions have')} no action "
                       "carrying it out.")
    return _scored("decisions", label, PARTLY if missing else MET, " ".join(missing),
                   LEARNINGS_PAGE, [decision.text for decision in unowned])


def _owned_actions_dimension(snapshot: BoardSnapshot, template: Template) -> Dimension:
    label = "Owned actions with success signals"
    step = _actions_step(template)
    if step is None:
        return _not_asked("owned-actions", label, "The template has no actions step.")
    active = [action for action in snapshot.actions if action.status.is_active]
    committed = [action for action in active if action.is_committed]
    if not committed:
        return _scored("owned-actions", label, MISSING,
                       "No action has an owner and a due date yet.", step,
                       [action.title for action in active])
    short = [action for action in active
             if not action.is_committed or not action.success_signal.strip()]
    return _scored("owned-actions", label, PARTLY if short else MET,
                   f"{_plural(len(short), 'open action lacks', 'open actions lack')} an owner, a "
                   "due date or a success signal.", step, [action.title for action in short])


# The factors the room voted highest are the ones the review is about: each
# should leave with at least one action. Three, as the 5 Whys asks for "the
# top one or two" and a board rarely acts on more; a tie with the third counts.
TOP_FACTORS = 3


def top_voted_factors(snapshot: BoardSnapshot, notes: list[Note],
                      template: Template) -> list[tuple[str, str, int]]:
    """The contributing factors with the most dots, as (id, text, dots): the
    first TOP_FACTORS by dots, and any tied with the last of them. A cluster
    counts the dots on its notes (canvas.session.voting.cluster_votes);
    factors without dots are never top."""
    steps = {step.key for step in template.note_steps if step.is_factor_step}
    clusters = {cluster.id: cluster for cluster in snapshot.clusters if cluster.step_key in steps}
    factors = [(cluster.id, cluster.name, cluster_votes(
        cluster.id, [note.id for note in notes if note.cluster_id == cluster.id], snapshot.tallies))
        for cluster in clusters.values()]
    factors += [(note.id, note.text, snapshot.tallies.get(note.id, 0)) for note in notes
                if note.step_key in steps and note.cluster_id not in clusters]
    ranked = sorted((factor for factor in factors if factor[2] > 0), key=lambda factor: -factor[2])
    if len(ranked) <= TOP_FACTORS:
        return ranked
    return [factor for factor in ranked if factor[2] >= ranked[TOP_FACTORS - 1][2]]


def _actions_addressing(snapshot: BoardSnapshot, notes: list[Note]) -> set[str]:
    """Ids of the factors (clusters and notes) some kept action comes from:
    made from it, from a note grouped in it, or carrying out the decision on
    a learning whose evidence it is. Dropped and parked actions address nothing."""
    kept = {action.id: action for action in snapshot.actions
            if action.status not in (Status.wont_do, Status.parked)}
    cluster_of = {note.id: note.cluster_id for note in notes if note.cluster_id}
    addressed = set()
    for action in kept.values():
        if action.source_id:
            addressed.add(action.source_id)
            if action.source_id in cluster_of:
                addressed.add(cluster_of[action.source_id])
    evidence = {learning.id: learning.evidence_id for learning in snapshot.learnings}
    for decision in snapshot.decisions:
        if evidence.get(decision.learning_id) and kept.keys() & set(decision.action_ids):
            addressed.add(evidence[decision.learning_id])
    return addressed


def _top_factors_dimension(snapshot: BoardSnapshot, notes: list[Note],
                           template: Template) -> Dimension:
    label = "Top factors have actions"
    step = _actions_step(template)
    if step is None:
        return _not_asked("top-factors", label, "The template has no actions step.")
    if not any(s.is_factor_step for s in template.note_steps):
        return _not_asked("top-factors", label, "The template has no contributing-factors step.")
    top = top_voted_factors(snapshot, notes, template)
    if not top:
        return _not_asked("top-factors", label, "No contributing factor has dots yet.")
    addressed = _actions_addressing(snapshot, notes)
    bare = [text for item_id, text, _ in top if item_id not in addressed]
    score = MET if not bare else (PARTLY if len(bare) < len(top) else MISSING)
    # The factors are named in `details`, which every renderer escapes.
    return _scored("top-factors", label, score,
                   f"No action comes from {len(bare)} of the {_plural(len(top), 'top-voted factor')}"
                   f" (listed): make one from each in Discuss, or link one on the actions page.",
                   step, bare)


def _kill_criteria_dimension(snapshot: BoardSnapshot, template: Template) -> Dimension:
    label = "Measurable kill criteria"
    step = _actions_step(template)
    if step is None:
        return _not_asked("kill-criteria", label, "The template has no actions step.")
    triggers = snapshot.triggers
    if not triggers:
        return _scored("kill-criteria", label, MISSING,
                       "No pre-committed trigger: if we see signal X, we commit to response Y.",
                       step)
    # The same rule as the kill-criteria tips on the actions page.
    vague = [trigger for trigger in triggers if trigger_warnings(trigger.signal, trigger.response)]
    count_problem = _kill_criteria_count_problem(len(triggers))
    problems = [count_problem] if count_problem else []
    if vague:
        problems.append(f"{_plural(len(vague), 'trigger has', 'triggers have')} no observable signal "
                        "(a number, a date or an event to watch) or only a response to discuss.")
    return _scored("kill-criteria", label, PARTLY if problems else MET, " ".join(problems), step,
                   [trigger.signal for trigger in vague])


# The practice asks for a few criteria everyone can keep in mind: one is a
# single bet, more than ten is a list nobody will watch.
KILL_CRITERIA_RANGE = (3, 10)


def _kill_criteria_count_problem(count: int) -> str:
    low, high = KILL_CRITERIA_RANGE
    if count < low:
        return f"{_plural(count, 'kill criterion is', 'kill criteria are')} set; the practice asks for {low} to {high}."
    if count > high:
        return f"{count} kill criteria are set; keep the {high} that matter most."
    return ""


def _follow_up_dimension(snapshot: BoardSnapshot, template: Template,
                         summary: str | None) -> Dimension:
    undated = [action for action in snapshot.actions
               if action.status.is_active and action.due_date is None]
    # The follow-up review, not the review meeting: when the team looks again
    # at whether the actions worked.
    review = snapshot.board.follow_up_date is not None
    missing = []
    if not review:
        missing.append("No follow-up review date is set in the dissemination plan (Export).")
    if undated:
        missing.append(f"{_plural(len(undated), 'open action has', 'open actions have')} no due "
                       "date.")
    score = MET if not missing else (PARTLY if len(missing) == 1 else MISSING)
    fix = summary if not review else _actions_step(template)
    return _scored("follow-up", "Follow-up dates", score, " ".join(missing), fix,
                   [action.title for action in undated])


def _blameless_dimension(snapshot: BoardSnapshot, notes: list[Note],
                         template: Template) -> Dimension:
    item = _language_item(snapshot, notes, template)
    return _scored("blameless", "Blameless language", MET if item.done else MISSING,
                   item.missing, item.fix_page)

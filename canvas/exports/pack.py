"""The retrospective pack: the review's deliverables as one Markdown document,
what `export --format pack` prints and the Export page's *Pack* download.

The sections follow the retrospective pack's order, numbered so a reader can
point at them: brief and agenda; facts and timeline (with the known facts and
the assumptions to verify listed apart); contributing factors and root-cause
hypotheses; learnings and decisions; the action tracker; kill criteria and
triggers; the dissemination plan; risks, open questions and next steps; the
rubric's score. A section with nothing in it yet says so rather than
disappearing, so the pack always has the same shape.

Everything people typed is escaped as the Markdown summary escapes it (the
sections it shares with that summary are the same functions). Like every
export it is made from the board as the reader may see it, and never names
who wrote a note: attendees are the names and roles on the Summary, without
their addresses.
"""

from __future__ import annotations

from datetime import date

from canvas.actions import PROCESS_REVIEW_QUESTION, Status
from canvas.exports import markdown_pack as md
from canvas.exports.invite import invitees_of
from canvas.incident.timeline import format_at, in_time_order
from canvas.models import GROUND_RULES, ReviewType, Severity
from canvas.review.completeness import score_rubric
from canvas.review.intake import UNKNOWN
from canvas.snapshot import BoardSnapshot

NONE_YET = "none yet"


def retrospective_pack(snapshot: BoardSnapshot, today: date) -> str:
    """The whole pack as Markdown (see the module docstring). `today` decides
    what is overdue."""
    sections = [
        _title(snapshot),
        _brief_and_agenda(snapshot),
        _facts_and_timeline(snapshot),
        _factors(snapshot),
        _learnings(snapshot),
        _section(5, "Action tracker", "\n\n".join(
            part for part in (md._actions(snapshot.actions, today), md._parked(snapshot.actions),
                              _customer_facing(snapshot))
            if part)),
        _section(6, "Kill criteria and triggers", md._triggers(snapshot)),
        _dissemination(snapshot),
        _section(8, "Risks, open questions and next steps",
                 md._closing(snapshot, today, empty=NONE_YET) + _process_review(snapshot)),
        _rubric(snapshot, today),
    ]
    return "\n\n".join(section.strip("\n") for section in sections if section) + "\n"


def _none() -> str:
    return f"*{NONE_YET}*"


def _section(number: int, title: str, body: str) -> str:
    """A numbered section around a body whose own first heading it replaces."""
    lines = body.strip("\n").splitlines()
    if lines and lines[0].startswith("#"):
        lines = lines[1:]
    return "\n".join([f"## {number}. {title}", *lines])


def _title(snapshot: BoardSnapshot) -> str:
    board = snapshot.board
    facts = [board.review_type.label]
    if board.severity is not Severity.none:
        facts.append(board.severity.value)
    if snapshot.template.name != board.review_type.label:
        facts.append(snapshot.template.name)
    if board.review_type.has_period:
        facts.append(f"{_day(board.intake.period_start)} to {_day(board.intake.period_end)}")
    if board.review_type is ReviewType.incident or board.incident_date:
        facts.append(f"incident {_day(board.incident_date)}")
    return f"# Retrospective pack: {md._inline(board.title)}\n\n*{' · '.join(facts)}*"


def _day(value: date | None) -> str:
    return value.isoformat() if value else UNKNOWN


def _answer(text: str) -> str:
    return md._block(text, "  ") if text.strip() else f"*{UNKNOWN}*"


def _brief_and_agenda(snapshot: BoardSnapshot) -> str:
    board = snapshot.board
    intake = board.intake
    lines = ["## 1. Brief and agenda", "",
             f"- **Purpose:** {_answer(intake.desired_outcome)}",
             f"- **What is reviewed:** {_answer(intake.reviewed)}",
             # The meeting's day (the invite's) and the follow-up review's
             # (when the team checks the actions worked) are two dates.
             f"- **Review meeting:** {_day(board.review_date)}",
             f"- **Follow-up review:** {_day(board.follow_up_date)}"]
    if board.tracker_url:
        lines.append(f"- **Tracker issue:** {md._link(board.tracker_url)}")
    lines += ["", "### Attendees and roles", ""]
    people = invitees_of(board)
    lines += [f"- {md._inline(person.name)} ({', '.join(person.roles or ['participant'])})"
              for person in people] or [_none()]
    lines += ["", "### Pre-reads", ""]
    reads = []
    if board.summary.strip():
        reads.append("The summary and the customer impact (section 2)" if board.asks_customer_impact
                     else "The summary (section 2)")
    if intake.evidence.strip():
        reads.append(md._block(intake.evidence, "  "))
    if not board.source.is_empty and board.source.url:
        reads.append(f"The published postmortem: {md._link(board.source.url)}")
    lines += [f"- {read}" for read in reads] or [_none()]
    if intake.privacy.strip():
        lines += ["", f"**Stays in the room:** {md._block(intake.privacy, '  ')}"]
    lines += ["", "### Agenda", ""]
    lines += [f"{index}. {step.title}"
              for index, step in enumerate(snapshot.template.steps, start=1)]
    lines += ["", "### Ground rules", ""]
    lines += [f"- {rule}" for rule in GROUND_RULES]
    return "\n".join(lines)


def _facts_and_timeline(snapshot: BoardSnapshot) -> str:
    board = snapshot.board
    zone = board.timezone
    events = in_time_order(snapshot.events)
    lines = ["## 2. Facts and timeline", "",
             "### Summary", "", md._block(board.summary) or _none()]
    if board.asks_customer_impact:
        lines += ["", "### Customer impact", "", md._block(board.impact) or _none()]
    source = md._source(board)
    if source:
        lines += ["", *_demoted(source)]
    lines += ["", "### Known facts", ""]
    facts = [f"{format_at(event.at, zone)} — {md._inline(event.text)}"
             for event in events if not event.is_assumption]
    lines += [f"- {fact}" for fact in facts] or [_none()]
    lines += ["", "### Assumptions to verify", ""]
    assumed = [f"{format_at(event.at, zone)} — {md._inline(event.text)}"
               for event in events if event.is_assumption]
    assumed += [md._note(note, "  ") for note in sorted(
        (note for note in md._notes(snapshot) if note.is_assumption),
        key=lambda note: note.number)]
    lines += [f"- {item}" for item in assumed] or [_none()]
    timeline = md._timeline(snapshot)
    if timeline:
        lines += ["", *_demoted(timeline)]
    return "\n".join(lines)


def _demoted(markdown: str) -> list[str]:
    """Headings one level down. Every line starting with "#" is a heading the
    app wrote: typed text that starts with "#" is escaped ("\\#") before."""
    return ["#" + line if line.startswith("#") else line for line in markdown.splitlines()]


def _factors(snapshot: BoardSnapshot) -> str:
    template = snapshot.template
    factor_steps = [step for step in template.note_steps if step.is_factor_step]
    # The board's other note steps (detect, react, prevent...) are the
    # hypotheses and remedies people raised; risks have their own section.
    other_steps = [step for step in template.note_steps
                   if not step.is_factor_step and not step.is_risk_step
                   and md._has_notes_or_asks_for_them(snapshot, step)]
    parts = [md._step(snapshot, step).strip("\n") for step in factor_steps + other_steps]
    body = "\n\n".join(parts) if parts else _none()
    lines = ["## 3. Contributing factors and root-cause hypotheses", ""]
    if not factor_steps:
        lines += ["*This template has no contributing-factors step; the board's steps follow.*",
                  ""]
    lines += _demoted(body)
    return "\n".join(lines)


def _learnings(snapshot: BoardSnapshot) -> str:
    if snapshot.board.review_type is ReviewType.premortem and not snapshot.learnings:
        return ("## 4. Learnings and decisions\n\n*A pre-mortem is held before the work: "
                "learnings and decisions come after it.*")
    return _section(4, "Learnings and decisions", md._learnings(snapshot))


def _rubric(snapshot: BoardSnapshot, today: date) -> str:
    rubric = score_rubric(snapshot, today)
    verdict = "passes" if rubric.passes else "does not pass yet"
    # The section's heading replaces the rubric's own, which holds the score.
    scored = rubric.markdown().split("\n", 1)[1]
    return (f"## 9. Rubric score\n\n**{rubric.points} of {rubric.max_points} points: "
            f"{verdict}.**\n{scored}")


def _dissemination(snapshot: BoardSnapshot) -> str:
    board = snapshot.board
    lines = ["## 7. Dissemination plan", ""]
    if snapshot.dissemination:
        rows = [[md._inline(entry.audience), md._inline(entry.channel), md._iso(entry.day),
                 md._inline(entry.owner)] for entry in snapshot.dissemination]
        lines.append(md._table(["Audience", "Channel", "Date", "Owner"], rows))
    else:
        lines.append(_none())
    lines += ["", "### Impact & Learnings review", ""]
    if board.impact_review is not None:
        lines.append(f"{board.impact_review.label}, from {_day(board.impact_review_start)}: "
                     "the impact of the period's incidents, what they taught, and their "
                     "actions done against those due.")
    else:
        lines.append(f"*{NONE_YET}: propose a weekly or fortnightly review on the Export page.*")
    lines += ["", f"**Follow-up review of this board:** {_day(board.follow_up_date)}"]
    return "\n".join(lines)


def _customer_facing(snapshot: BoardSnapshot) -> str:
    """The actions customers will notice or are told about, listed apart (as
    the GitLab agenda asks); left out when none is marked."""
    marked = [action for action in snapshot.actions
              if action.customer_facing and action.status is not Status.wont_do]
    if not marked:
        return ""
    lines = ["### Customer-facing actions", ""]
    for action in marked:
        owner = md._inline(action.owner) if action.owner else "no owner yet"
        due = f"due {action.due_date.isoformat()}" if action.due_date else "no due date yet"
        lines.append(f"- {md._inline(action.title)} — {owner}, {due}, {action.status.label.lower()}")
    return "\n".join(lines)


def _process_review(snapshot: BoardSnapshot) -> str:
    """What the facilitator said, at close, would make the next postmortem
    better; left out until it is answered."""
    answer = snapshot.board.process_review
    if not answer.strip():
        return ""
    return f"\n\n### Reviewing the process\n\n*{PROCESS_REVIEW_QUESTION}*\n\n{md._block(answer)}"

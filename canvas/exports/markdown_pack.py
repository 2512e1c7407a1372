"""The board as one Markdown document a team pastes into a wiki or a repo as is.

Everything people typed goes through `canvas.text.escape_for_documents`, so a
note that starts with `#`, holds a `|`, a `<script>` tag or a
`[link](javascript:…)` shows exactly as typed and cannot break the page
around it. Table cells get one more rule: a line break would end the table
row, so inside a cell all whitespace collapses to single spaces.

Text the app owns (template titles and prompts, labels, times, durations)
is written as is, so the Markdown source stays pleasant to read.

Nothing here names the author of a note: a summary travels further than the
meeting (see canvas/export.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from canvas.actions import FollowUp, Status
from canvas.learnings import FactorCategory, decision_of
from canvas.session.grouping import VotableItem, votable_items
from canvas.models import Board, Note, ReviewType
from canvas.session.phases import Phase
from canvas.snapshot import BoardSnapshot
from canvas.review.completeness import check_completeness, score_rubric
from canvas.review.intake import UNKNOWN, intake_answers, shows_durations
from canvas.templates import Step, StepKind
from canvas.text import escape_for_documents
from canvas.incident.timeline import OUT_OF_RANGE, compute_metrics, describe_metric, format_at, in_time_order

NONE = "—"
ASSUMPTION = "*(assumption to verify)*"


def markdown_pack(snapshot: BoardSnapshot, today: date) -> str:
    """The whole board as Markdown: metadata, summary, timeline with derived
    durations, every sticky-note step (clusters and notes ranked by votes,
    un-voted notes included), actions, kill criteria, and a closing section of
    risks, open questions and next steps, then the completeness check's score
    and open items. `today` decides what is overdue."""
    sections = [
        _header(snapshot),
        _intake(snapshot.board),
        _close_reason(snapshot.board),
        _summary(snapshot.board),
        _source(snapshot.board),
        _timeline(snapshot),
        *(_step(snapshot, step) for step in snapshot.template.note_steps
          if _has_notes_or_asks_for_them(snapshot, step)),
        _actions(snapshot.actions, today),
        _parked(snapshot.actions),
        _triggers(snapshot),
        _learnings(snapshot),
        _closing(snapshot, today),
        score_rubric(snapshot, today).markdown(),
        check_completeness(snapshot, today).markdown(),
    ]
    return "\n\n".join(section.strip("\n") for section in sections if section) + "\n"


# --- escaping ------------------------------------------------------------------


def _inline(text: str) -> str:
    """User text on one line (a heading, a list item's first line, a table cell)."""
    return escape_for_documents(" ".join(text.split()))


def _block(text: str, indent: str = "") -> str:
    """User text that may span lines, kept as hard line breaks.

    Leading spaces are dropped and blank lines skipped: four spaces would turn a
    line into a code block (where the escapes would show as backslashes), and a
    blank line would end the list item the text sits in.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return f"  \n{indent}".join(escape_for_documents(line) for line in lines)


def _row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = [_row(headers), _row("---" for _ in headers)]
    lines += [_row(cell or NONE for cell in row) for row in rows]
    return "\n".join(lines)


def _iso(value: date | None) -> str:
    return value.isoformat() if value else NONE


# --- sections --------------------------------------------------------------------


def _header(snapshot: BoardSnapshot) -> str:
    board = snapshot.board
    roles = board.roles
    facts = [("Review type", board.review_type.label)]
    if board.review_type.has_period:
        facts.append(("Period", f"{_known(board.intake.period_start)} to "
                                f"{_known(board.intake.period_end)}"))
    if board.review_type is ReviewType.incident or board.incident_date:
        facts.append(("Incident date", _iso(board.incident_date)))
    facts += [
        ("Review meeting", _iso(board.review_date)),
        ("Follow-up review", _iso(board.follow_up_date)),
        ("Severity", board.severity.label),
        ("Template", snapshot.template.name),
        ("Facilitator", _inline(roles.facilitator) or NONE),
        ("Scribe", _inline(roles.scribe) or NONE),
        ("Decision owner", _inline(roles.decision_owner) or NONE),
    ]
    facts += [(label, _inline(name)) for label, name in (
        ("Customer-facing", roles.customer_facing), ("Support", roles.support)) if name]
    facts.append(("Participants on the board", str(len(snapshot.participants))))
    if board.other_participants.strip():
        facts.append(("Also involved", _inline(board.other_participants)))
    if board.tracker_url:
        facts.append(("Tracker issue", _link(board.tracker_url)))
    if board.labels:
        facts.append(("Labels", ", ".join(_inline(label) for label in board.labels)))
    lines = [f"# {_inline(board.title)}", ""]
    lines += [f"- **{label}:** {value}" for label, value in facts]
    return "\n".join(lines)


def _known(value: date | None) -> str:
    return value.isoformat() if value else f"*{UNKNOWN}*"


def _link(url: str) -> str:
    # An autolink shows the address itself, so what is shown is where it goes;
    # the address was checked to be http(s) without spaces when it was saved.
    return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"


def _intake(board: Board) -> str:
    lines = ["## Intake", ""]
    for item in intake_answers(board):
        answer = _block(item.answer, "  ") if item.answer else f"*{UNKNOWN}*"
        lines.append(f"- **{item.question}:** {answer}")
    return "\n".join(lines)


def _source(board: Board) -> str:
    source = board.source
    if source.is_empty:
        return ""
    lines = ["## Published source", ""]
    if source.organisation or source.url:
        by = f" by {_inline(source.organisation)}" if source.organisation else ""
        where = f": {_link(source.url)}" if source.url else ""
        lines.append(f"Postmortem published{by}{where}")
    if source.figures:
        lines += ["", "### Published figures", ""]
        rows = [[_inline(figure.name.replace("_", " ")),
                 _inline(" ".join(part for part in (figure.qualifier, figure.value) if part)),
                 _inline(figure.measures)] for figure in source.figures]
        lines.append(_table(["Figure", "Value", "Measures"], rows))
    return "\n".join(lines)


def _summary(board: Board) -> str:
    return "\n".join([
        "## Summary", "",
        _block(board.summary) or "*No summary written yet.*", "",
        "### Customer impact", "",
        _block(board.impact) or "*No customer impact written yet.*",
    ])


def _timeline(snapshot: BoardSnapshot) -> str:
    zone = snapshot.board.timezone
    events = in_time_order(snapshot.events)
    if not shows_durations(snapshot.board, events):
        # A project, OKR or team review without a timeline has no durations to show.
        return ""
    lines = ["## Timeline", ""]
    if not events:
        lines.append("*No timeline events yet.*")
    else:
        rows = []
        for event in events:
            text = _inline(event.text)
            if event.evidence_url:
                text += f" (evidence: {_inline(event.evidence_url)})"
            if event.is_assumption:
                text += f" {ASSUMPTION}"
            mark = ("≈ " if event.approximate else "") + ("⚠ " if not event.in_range else "")
            rows.append([mark + format_at(event.at, zone), event.kind.label, text])
        lines.append(_table([f"Time ({zone})", "Kind", "What happened"], rows))
        if any(event.approximate for event in events):
            lines += ["", "≈ marks a time the source gave only approximately."]
        if any(not event.in_range for event in events):
            lines += ["", f"⚠ marks a time {OUT_OF_RANGE}; it is left out of the durations."]
        if any(event.is_assumption for event in events):
            lines += ["", f"{ASSUMPTION} marks what the team believes but has not verified yet."]
    lines += ["", "### Durations", ""]
    rows = []
    for metric in compute_metrics(events):
        anchors = []
        for event in (metric.start, metric.end):
            anchors.append(NONE if event is None
                           else f"{event.kind.label}, {format_at(event.at, zone)}")
        rows.append([metric.label, describe_metric(metric), metric.formula, *anchors])
    lines.append(_table(["Duration", "Value", "Formula", "From", "To"], rows))
    return "\n".join(lines)


def _close_reason(board: Board) -> str:
    # A reopened board is not closed with anything left; its old reason stays
    # stored until the next close replaces or clears it.
    if not board.close_reason or board.phase != Phase.closed:
        return ""
    return "\n".join(["**Closed with draft actions left, because:**", "", _block(board.close_reason)])


def _has_notes_or_asks_for_them(snapshot: BoardSnapshot, step: Step) -> bool:
    # An actions step whose notes are empty says nothing the Actions section
    # below does not say better.
    return step.kind != StepKind.actions or bool(snapshot.notes_of(step.key))


def _votes_visible(board: Board) -> bool:
    # Voting is blind until the facilitator reveals it; a summary exported in
    # the middle of the vote must not reveal it either.
    return board.votes_revealed


def _notes(snapshot: BoardSnapshot) -> list[Note]:
    """Live notes; one whose cluster is gone counts as ungrouped, so it is never dropped."""
    live = {cluster.id for cluster in snapshot.clusters}
    return [note if note.cluster_id is None or note.cluster_id in live
            else note.model_copy(update={"cluster_id": None}) for note in snapshot.notes]


def _ranked_items(snapshot: BoardSnapshot, step: Step) -> list[VotableItem]:
    items = [item for item in votable_items(snapshot.template, _notes(snapshot), snapshot.clusters,
                                            snapshot.tallies)
             if item.step_key == step.key]
    if not _votes_visible(snapshot.board):
        return items
    # sorted() is stable: equal votes keep board order (clusters, then notes by number).
    return sorted(items, key=lambda item: -item.votes)


def _votes(count: int) -> str:
    return "no votes" if count == 0 else f"{count} vote" + ("" if count == 1 else "s")


def _step(snapshot: BoardSnapshot, step: Step) -> str:
    lines = [f"## {step.title}", "", f"*{step.prompt}*", ""]
    items = _ranked_items(snapshot, step)
    if not items:
        lines.append("*No notes.*")
        return "\n".join(lines)
    show_votes = _votes_visible(snapshot.board)
    if not show_votes and any(snapshot.tallies.get(item.id) for item in items):
        lines += ["*Votes are not revealed yet; items are in board order.*", ""]
    if not step.is_factor_step:
        return "\n".join(lines + _items(snapshot, step, items))
    # Contributing factors read by category, so a reader sees where the
    # weaknesses cluster (process, tech, ...) before the single items.
    category = {**{note.id: note.category for note in snapshot.notes},
                **{cluster.id: cluster.category for cluster in snapshot.clusters}}
    groups = [(kind.label, [item for item in items if category.get(item.id) == kind])
              for kind in FactorCategory]
    groups.append(("No category yet", [item for item in items if category.get(item.id) is None]))
    for title, members in groups:
        if members:
            lines += [f"### {title}", "", *_items(snapshot, step, members), ""]
    return "\n".join(lines)


def _items(snapshot: BoardSnapshot, step: Step, items: list[VotableItem]) -> list[str]:
    notes = {note.id: note for note in _notes(snapshot) if note.step_key == step.key}
    show_votes = _votes_visible(snapshot.board)
    lines = []
    for rank, item in enumerate(items, start=1):
        votes = f" — {_votes(item.votes)}" if show_votes else ""
        if item.kind == "cluster":
            members = sorted((note for note in notes.values() if note.cluster_id == item.id),
                             key=lambda note: (note.position, note.number))
            size = f"{len(members)} note" + ("" if len(members) == 1 else "s")
            lines.append(f"{rank}. **{_inline(item.title)}** ({size}){votes}")
            lines += [f"   - {_note(note, '     ')}" for note in members]
        else:
            lines.append(f"{rank}. {_note(notes[item.id], '   ')}{votes}")
        if chain := snapshot.whys_of(item.id):
            lines.append("   - 5 Whys:")
            lines += [f"     {level}. Why? {_inline(why.why)} → Because: "
                      f"{_inline(why.because) or NONE}"
                      for level, why in enumerate(chain.steps, start=1)]
    return lines


def _note(note: Note, indent: str) -> str:
    mark = f" {ASSUMPTION}" if note.is_assumption else ""
    return f"\\#{note.number} · {_block(note.text, indent)}{mark}"


def _action_state(action: FollowUp, today: date) -> str:
    state = action.status.label
    if action.status == Status.wont_do and action.status_reason:
        state += f": {_inline(action.status_reason)}"
    if action.is_open_draft:
        state += f" · **draft** ({_missing(action)})"
    if action.is_overdue(today):
        state += " · **overdue**"
    return state


def _missing(action: FollowUp) -> str:
    missing = [what for what, value in (("owner", action.owner), ("due date", action.due_date))
               if not value]
    return "no " + " or ".join(missing)


def _actions(actions: list[FollowUp], today: date) -> str:
    lines = ["## Actions", ""]
    actions = [action for action in actions if not action.is_parked]
    if not actions:
        lines.append("*No actions yet. Every action needs an owner and a date.*")
        return "\n".join(lines)
    rows = [[_inline(action.title), _inline(action.owner), _iso(action.due_date),
             _iso(action.review_date), action.type.label, action.priority.value.capitalize(),
             _action_state(action, today), _inline(action.success_signal)]
            for action in actions]
    lines.append(_table(["Action", "Owner", "Due", "Follow-up review", "Type", "Priority",
                         "Status", "Success signal"], rows))
    return "\n".join(lines)


def _parked(actions: list[FollowUp]) -> str:
    """Later ideas, apart from the commitments; left out when there are none."""
    parked = [action for action in actions if action.is_parked]
    if not parked:
        return ""
    lines = ["## Parked ideas", "", "*Kept for later; nobody has committed to these.*", ""]
    lines += [f"- {_inline(action.title)}" for action in parked]
    return "\n".join(lines)


def _triggers(snapshot: BoardSnapshot) -> str:
    lines = ["## Kill criteria and triggers", ""]
    if not snapshot.triggers:
        lines.append("*No pre-committed triggers.*")
        return "\n".join(lines)
    # Who makes the call goes with the response, so a table read before
    # owners existed keeps its three columns.
    rows = [[_inline(trigger.signal), trigger.kind.label, _inline(trigger.response) + (
        f" ({_inline(trigger.owner)} makes the call)" if trigger.owner else "")]
            for trigger in snapshot.triggers]
    lines.append(_table(["If we see", "We commit to", "Namely"], rows))
    return "\n".join(lines)


def _learnings(snapshot: BoardSnapshot) -> str:
    lines = ["## Learnings and decisions", ""]
    if not snapshot.learnings:
        lines.append("*No learnings recorded yet.*")
        return "\n".join(lines)
    titles = {action.id: action.title for action in snapshot.actions}
    for number, learning in enumerate(snapshot.learnings, start=1):
        lines.append(f"{number}. {_block(learning.text, '   ')}")
        evidence = snapshot.evidence_of(learning)
        lines.append(f"   - Evidence: {_inline(evidence) if evidence else '*none linked*'}")
        decision = decision_of(learning.id, snapshot.decisions)
        if decision is None:
            lines.append("   - Decision: *none yet*")
            continue
        lines.append(f"   - Decision ({decision.kind.label}): {_inline(decision.text)}")
        if decision.trade_off:
            lines.append(f"   - Trade-off: {_inline(decision.trade_off)}")
        carried = [_inline(titles[action_id]) for action_id in decision.action_ids
                   if action_id in titles]
        if carried:
            lines.append(f"   - Carried out by: {'; '.join(carried)}")
    return "\n".join(lines)


def _closing(snapshot: BoardSnapshot, today: date, empty: str | None = None) -> str:
    """Risks, open questions and next steps, each always present; `empty`
    replaces each list's own words for an empty list."""
    template = snapshot.template
    risk_steps = [step.key for step in template.note_steps if step.is_risk_step]
    risks = [_note(note, "  ") for key in risk_steps
             for note in sorted(snapshot.notes_of(key), key=lambda n: (n.position, n.number))]
    questions = [f"Draft action ({_missing(action)}): {_inline(action.title)}"
                 for action in snapshot.actions if action.is_open_draft]
    questions += [_note(note, "  ") for step in template.note_steps
                  for note in sorted(snapshot.notes_of(step.key), key=lambda n: (n.position, n.number))
                  if note.is_open_question]
    open_actions = sorted((action for action in snapshot.actions if action.status.is_active),
                          key=lambda action: (action.due_date or date.max, action.created_at))
    next_steps = []
    for action in open_actions:
        owner = _inline(action.owner) if action.owner else "no owner yet"
        due = f"due {action.due_date.isoformat()}" if action.due_date else "no due date yet"
        late = " (**overdue**)" if action.is_overdue(today) else ""
        next_steps.append(f"{_inline(action.title)} — {owner}, {due}{late}")
    lines = ["## Risks, open questions and next steps"]
    empty_words = empty
    for title, entries, empty in (
        ("Risks", risks, "No risks recorded."),
        ("Open questions", questions, "No open questions."),
        ("Next steps", next_steps, "No open actions."),
    ):
        lines += ["", f"### {title}", ""]
        lines += [f"- {entry}" for entry in entries] or [f"*{empty_words or empty}*"]
    return "\n".join(lines)

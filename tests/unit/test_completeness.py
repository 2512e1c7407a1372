"""The completeness checklist, on boards built from the published incident files.

Boards are built as the app would build them on import
(`plan_incident_import`), but as literal models: fixed ids and dates, no
database.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from canvas.actions import ActionType, FollowUp, Status
from canvas.review.completeness import Completeness, check_completeness
from canvas.exports.importing import plan_incident_import
from canvas.models import Board, Note, NoteColour, Participant
from canvas.snapshot import BoardSnapshot
from canvas.templates import get_template
from canvas.incident.timeline import EventKind, TimelineEvent, parse_incident_file

INCIDENTS = Path(os.environ.get("POSTMORTEM_INCIDENTS_DIR",
                                Path(__file__).resolve().parents[3] / "shared" / "incidents"))
INCIDENT_FILES = sorted(INCIDENTS.glob("*.json"))
BOARD_ID = "CompletenessBoard000001"
T0 = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)
TODAY = date(2025, 6, 1)
NEXT_MONTH = date(2025, 7, 1)

# The blameless template's sticky-note steps, in board order.
BLAMELESS_NOTE_STEPS = ("contributing-factors", "detect", "react", "quick-fix", "prevent",
                        "other-risks")


# --- building boards ---------------------------------------------------------------


def incident_path(slug: str) -> Path:
    return INCIDENTS / f"{slug}.json"


def board_from_incident(path: Path, template: str = "blameless", **board_fields) -> BoardSnapshot:
    """The board an import of `path` makes, as literal models (ids n1, e1, a1, ...)."""
    incident = parse_incident_file(path.read_text("utf-8"))
    if all(step.kind != "timeline" for step in get_template(template).steps):
        # Such a template refuses an incident's events; its notes are what is checked here.
        incident = incident.model_copy(update={"events": []})
    plan = plan_incident_import(incident, get_template(template))
    board = Board.model_validate({
        **plan.details.model_dump(), "id": BOARD_ID, "template": template, "created_at": T0,
        "revision": 1, "details_version": 1, **board_fields,
    })
    participants = [Participant(id="p1", board_id=BOARD_ID, display_name="Imported", joined_at=T0,
                                last_seen_at=T0)]
    notes = [note(number, planned.step_key, planned.draft.text)
             for number, planned in enumerate(plan.notes, start=1)]
    events = [event.model_copy(update={"id": f"e{index}"})
              for index, event in enumerate(plan.events, start=1)]
    actions = [FollowUp(**draft.model_dump(), id=f"a{index}", board_id=BOARD_ID, created_at=T0,
                        updated_at=T0)
               for index, draft in enumerate(plan.actions, start=1)]
    return BoardSnapshot(board=board, participants=participants, notes=notes, events=events,
                         actions=actions)


def empty_board(template: str) -> BoardSnapshot:
    board = Board(id=BOARD_ID, template=template, created_at=T0, revision=1, details_version=1,
                  title="Team retrospective")
    return BoardSnapshot(board=board)


def note(number: int, step: str, text: str, author: str = "p1") -> Note:
    stamp = T0 + timedelta(minutes=number)
    return Note(id=f"n{number}", board_id=BOARD_ID, step_key=step, text=text,
                colour=NoteColour.yellow, author_id=author, created_at=stamp, updated_at=stamp,
                number=number, position=number)


def action(number: int, title: str, **fields) -> FollowUp:
    stamp = T0 + timedelta(hours=1, minutes=number)
    return FollowUp(id=f"x{number}", board_id=BOARD_ID, created_at=stamp, updated_at=stamp,
                    title=title, **fields)


def committed(number: int, title: str, **fields) -> FollowUp:
    """An action with an owner, a future due date and a success signal."""
    defaults = dict(owner="Ana", due_date=NEXT_MONTH, type=ActionType.prevent,
                    success_signal="The game day passes without a page")
    return action(number, title, **{**defaults, **fields})


def plus(snapshot: BoardSnapshot, **lists) -> BoardSnapshot:
    """The snapshot with items appended to its notes, events or actions."""
    return snapshot.model_copy(update={name: getattr(snapshot, name) + list(items)
                                       for name, items in lists.items()})


def replaced(snapshot: BoardSnapshot, **fields) -> BoardSnapshot:
    return snapshot.model_copy(update=fields)


def check(snapshot: BoardSnapshot, today: date = TODAY) -> Completeness:
    return check_completeness(snapshot, today)


def a_note_in_every_step(start: int = 100) -> list[Note]:
    return [note(start + index, step, f"Idea number {index} for this step")
            for index, step in enumerate(BLAMELESS_NOTE_STEPS)]


def complete_board() -> BoardSnapshot:
    """Cloudflare 2019, with everything the checklist asks for."""
    snapshot = board_from_incident(incident_path("cloudflare-2019-07-02"),
                                   impact="Visitors got 502 errors for 27 minutes.")
    # The imported factor that says "removed by mistake", reworded.
    notes = [n if "by mistake" not in n.text
             else n.model_copy(update={"text": "A CPU safeguard for regexes was lost in a refactor."})
             for n in snapshot.notes]
    notes += a_note_in_every_step()
    notes.append(note(200, "react", "Thanks to the edge team for the fast global kill"))
    actions = [committed(1, "Roll out WAF rules in stages"),
               committed(2, "Page on CPU saturation per rule", type=ActionType.detect)]
    return replaced(snapshot, notes=notes, actions=actions)


# --- every incident file ------------------------------------------------------------------


def test_the_incident_files_are_there():
    assert len(INCIDENT_FILES) >= 5, f"no incident files found in {INCIDENTS}"


@pytest.mark.parametrize("path", INCIDENT_FILES, ids=lambda path: path.stem)
def test_imported_board_lists_every_published_action_as_a_draft(path):
    published = json.loads(path.read_text("utf-8"))["actions_published"]
    result = check(board_from_incident(path))

    drafts = result.item("no-draft-actions")
    assert drafts.is_open
    assert drafts.details == [" ".join(title.split()) for title in published]
    assert drafts.missing.startswith(f"{len(published)} draft actions have no owner")
    assert 0 < result.score < 1


@pytest.mark.parametrize("path", INCIDENT_FILES, ids=lambda path: path.stem)
def test_anchor_items_are_done_exactly_when_the_file_has_that_kind_of_event(path):
    kinds = {event["kind"] for event in json.loads(path.read_text("utf-8"))["events"]}
    result = check(board_from_incident(path))

    for kind, item_id in (("impact_start", "timeline-impact-start"),
                          ("detected", "timeline-detected"), ("resolved", "timeline-resolved")):
        item = result.item(item_id)
        assert item.done == (kind in kinds), item_id
        assert item.fix_page == "timeline"
        assert (item in result.open_items) == (kind not in kinds)


# --- summary and timeline ----------------------------------------------------------------


def test_aws_s3_has_no_detected_event_so_the_detection_item_is_open_and_names_it():
    result = check(board_from_incident(incident_path("aws-s3-2017-02-28")))

    item = result.item("timeline-detected")
    assert not item.done
    assert "detected" in item.missing
    assert item.fix_page == "timeline"
    assert result.item("timeline-impact-start").done
    assert result.item("timeline-resolved").done


def test_adding_a_detected_event_closes_the_detection_item():
    snapshot = board_from_incident(incident_path("aws-s3-2017-02-28"))
    detected = TimelineEvent(id="e99", at="2017-02-28T17:44:00Z", kind=EventKind.detected,
                             text="Error-rate alarms page the storage on-call.")

    assert check(plus(snapshot, events=[detected])).item("timeline-detected").done


def test_a_board_without_events_misses_every_anchor():
    snapshot = replaced(board_from_incident(incident_path("cloudflare-2019-07-02")), events=[])
    result = check(snapshot)

    assert result.item("timeline-impact-start").missing == "No event marks when impact started."
    assert not result.item("timeline-detected").done
    assert "resolved" in result.item("timeline-resolved").missing


def test_a_summary_without_customer_impact_is_open_until_the_impact_is_written():
    snapshot = board_from_incident(incident_path("aws-s3-2017-02-28"))
    item = check(snapshot).item("summary")
    assert not item.done
    assert "impact on customers" in item.missing
    assert item.fix_page == "summary"

    with_impact = board_from_incident(incident_path("aws-s3-2017-02-28"),
                                      impact="S3 requests in US-EAST-1 failed for four hours.")
    assert check(with_impact).item("summary").done


def test_a_summary_that_mentions_who_was_affected_is_enough():
    # "visitors to Cloudflare-proxied sites received 502 errors"
    assert check(board_from_incident(incident_path("cloudflare-2019-07-02"))).item("summary").done


def test_an_empty_summary_is_open_even_with_impact_written():
    snapshot = board_from_incident(incident_path("cloudflare-2019-07-02"), summary="",
                                   impact="Customers saw 502 errors.")
    item = check(snapshot).item("summary")
    assert not item.done
    assert item.missing.startswith("No summary written yet")


# --- notes ------------------------------------------------------------------------------


def test_imported_board_names_the_note_steps_that_are_still_empty():
    # The import puts contributing factors into their own step only.
    item = check(board_from_incident(incident_path("cloudflare-2019-07-02"))).item(
        "notes-in-every-step")

    assert not item.done
    assert item.missing == "No notes yet in Detect, React, Quick fix, Prevent and Other areas of risk."
    assert item.fix_page == "detect"


def test_a_note_in_every_step_closes_the_notes_item():
    snapshot = board_from_incident(incident_path("aws-s3-2017-02-28"))
    assert check(plus(snapshot, notes=a_note_in_every_step())).item("notes-in-every-step").done


def test_one_empty_step_keeps_the_notes_item_open_and_points_at_it():
    snapshot = board_from_incident(incident_path("aws-s3-2017-02-28"))
    notes = [n for n in a_note_in_every_step() if n.step_key != "quick-fix"]
    item = check(plus(snapshot, notes=notes)).item("notes-in-every-step")

    assert item.missing == "No notes yet in Quick fix."
    assert item.fix_page == "quick-fix"


def test_other_templates_need_a_note_in_each_of_their_own_notes_steps():
    # mad / sad / glad receives contributing factors in Sad.
    snapshot = board_from_incident(incident_path("github-2018-10-21"), template="mad-sad-glad")
    item = check(snapshot).item("notes-in-every-step")

    assert item.missing == "No notes yet in Mad and Glad."
    assert item.fix_page == "mad"


# --- went well -----------------------------------------------------------------------------


def test_an_imported_board_has_nothing_that_went_well():
    item = check(board_from_incident(incident_path("gitlab-2017-01-31"))).item("went-well")
    assert not item.done
    assert "went well" in item.missing
    # Thanks on the blameless board belong with how the team reacted.
    assert item.fix_page == "react"


@pytest.mark.parametrize("text", [
    "Thanks to the storage team for the overnight restore",
    "Thank you, support, for keeping customers posted",
    "The restore runbook helped a lot",
    "Paging the database on-call worked well",
    "Moving the status page off S3 went well",
    "Kudos to whoever wrote the failover script",
])
def test_a_note_that_thanks_or_says_what_helped_records_what_went_well(text):
    snapshot = board_from_incident(incident_path("gitlab-2017-01-31"))
    assert check(plus(snapshot, notes=[note(50, "prevent", text)])).item("went-well").done


@pytest.mark.parametrize("text", [
    "The alert was unhelpful: it fired on every deploy",
    "Backups were never tested before Thanksgiving",
    "Nothing helps when the runbook is out of date",
])
def test_notes_that_only_look_like_thanks_do_not_count(text):
    snapshot = board_from_incident(incident_path("gitlab-2017-01-31"))
    assert not check(plus(snapshot, notes=[note(50, "prevent", text)])).item("went-well").done


@pytest.mark.parametrize("template, step", [("lessons-learned", "went-well"), ("mad-sad-glad", "glad")])
def test_any_note_in_a_went_well_or_glad_step_counts(template, step):
    snapshot = board_from_incident(incident_path("github-2018-10-21"), template=template)
    before = check(snapshot).item("went-well")
    assert not before.done
    assert before.fix_page == step

    after = plus(snapshot, notes=[note(60, step, "Support kept customers posted every 30 minutes")])
    assert check(after).item("went-well").done


# --- actions --------------------------------------------------------------------------------


def test_a_draft_action_is_listed_by_title_and_committing_it_closes_the_item():
    snapshot = replaced(board_from_incident(incident_path("aws-s3-2017-02-28")), actions=[
        committed(1, "Add a minimum-capacity floor to the removal tool"),
        action(2, "Run the dashboard console in two regions", owner="Ana"),
        action(3, "Audit other tools for safety checks", due_date=NEXT_MONTH),
    ])
    item = check(snapshot).item("no-draft-actions")

    assert item.details == ["Run the dashboard console in two regions",
                            "Audit other tools for safety checks"]
    assert item.missing.startswith("2 draft actions have no owner or no due date")
    assert item.fix_page == "next-steps"

    fixed = replaced(snapshot, actions=[committed(1, "Add a floor"), committed(2, "Run in two regions"),
                                        committed(3, "Audit other tools")])
    assert check(fixed).item("no-draft-actions").done


def test_wont_do_and_done_actions_without_owner_are_not_drafts_left_behind():
    snapshot = replaced(board_from_incident(incident_path("aws-s3-2017-02-28")), actions=[
        action(1, "Rewrite the index subsystem", status=Status.wont_do,
               status_reason="Cell partitioning covers it"),
        action(2, "Restart drill for placement", status=Status.done),
    ])
    item = check(snapshot).item("no-draft-actions")
    assert item.done
    assert item.details == []


def test_a_committed_action_without_a_success_signal_is_listed():
    snapshot = replaced(board_from_incident(incident_path("cloudflare-2025-03-21")), actions=[
        committed(1, "Require a named environment in the deploy command", success_signal=""),
        committed(2, "Alert on R2 gateway auth failures", type=ActionType.detect),
        # Drafts and won't-do actions are not commitments, so they are not listed here.
        action(3, "Pair on credential rotations"),
        committed(4, "Rotate by hand", success_signal="", status=Status.wont_do,
                  status_reason="Automated instead"),
    ])
    item = check(snapshot).item("committed-actions-complete")

    assert not item.done
    assert item.details == ["Require a named environment in the deploy command"]
    assert item.missing.startswith("1 committed action has no success signal")


def test_a_success_signal_on_every_committed_action_closes_the_item():
    snapshot = replaced(board_from_incident(incident_path("cloudflare-2025-03-21")), actions=[
        committed(1, "Require a named environment in the deploy command"),
        committed(2, "Alert on R2 gateway auth failures", status=Status.done),
    ])
    assert check(snapshot).item("committed-actions-complete").done


@pytest.mark.parametrize("kind", [ActionType.prevent, ActionType.detect])
def test_a_committed_detect_or_prevent_action_satisfies_the_item(kind):
    snapshot = replaced(board_from_incident(incident_path("github-2018-10-21")),
                        actions=[committed(1, "Keep primaries in one region during a partition", type=kind)])
    assert check(snapshot).item("detect-or-prevent-action").done


def test_react_actions_and_draft_prevent_actions_do_not_satisfy_detect_or_prevent():
    # The import makes every published action a prevent draft.
    snapshot = board_from_incident(incident_path("github-2018-10-21"))
    snapshot = plus(snapshot, actions=[committed(1, "Practise the failover", type=ActionType.react)])
    item = check(snapshot).item("detect-or-prevent-action")

    assert not item.done
    assert item.missing == ("No committed action of type detect or prevent. "
                            "6 draft ones need an owner and a due date.")
    assert item.fix_page == "next-steps"


def test_detect_or_prevent_does_not_apply_to_a_retrospective_template():
    item = check(board_from_incident(incident_path("github-2018-10-21"), template="okr-retro")).item(
        "detect-or-prevent-action")
    assert not item.applies
    assert item.not_applicable_because


# --- risks, open questions, next steps ------------------------------------------------------------


def with_a_risk(snapshot: BoardSnapshot) -> BoardSnapshot:
    return plus(snapshot, notes=[note(60, "other-risks", "Other config paths skip the staging")])


def test_without_a_dated_open_action_there_is_no_next_step():
    # Imported, plus a risk note: the actions are drafts.
    item = check(with_a_risk(board_from_incident(incident_path("cloudflare-2019-07-02")))).item(
        "risks-and-next-steps")

    assert not item.done
    assert item.missing == "No open action with a due date says what happens next."
    assert item.fix_page == "next-steps"


def test_an_open_action_due_from_today_is_a_next_step():
    snapshot = plus(with_a_risk(board_from_incident(incident_path("cloudflare-2019-07-02"))),
                    actions=[action(1, "Stage WAF rule rollouts", due_date=TODAY)])
    assert check(snapshot).item("risks-and-next-steps").done


def test_open_actions_all_past_due_are_late_not_next():
    snapshot = plus(with_a_risk(board_from_incident(incident_path("cloudflare-2019-07-02"))),
                    actions=[committed(1, "Stage WAF rule rollouts", due_date=date(2025, 5, 1)),
                             committed(2, "Done and dated", status=Status.done, due_date=NEXT_MONTH)])
    item = check(snapshot).item("risks-and-next-steps")

    assert not item.done
    assert "past its due date (1 is overdue)" in item.missing
    assert check(snapshot, today=date(2025, 4, 30)).item("risks-and-next-steps").done


def test_without_risk_notes_the_item_points_at_other_areas_of_risk():
    snapshot = board_from_incident(incident_path("cloudflare-2019-07-02"))
    snapshot = replaced(snapshot, notes=[], actions=[committed(1, "Stage WAF rule rollouts")])
    item = check(snapshot).item("risks-and-next-steps")

    assert not item.done
    assert item.missing.startswith("No note in Other areas of risk")
    assert item.fix_page == "other-risks"


def test_a_template_without_a_risk_step_only_needs_next_steps():
    snapshot = plus(empty_board("mad-sad-glad"), actions=[committed(1, "Pair on releases")])
    assert check(snapshot).item("risks-and-next-steps").done


def test_open_questions_are_question_notes_and_drafts_and_never_open_an_item():
    snapshot = with_a_risk(board_from_incident(incident_path("cloudflare-2019-07-02")))  # 7 drafts
    snapshot = plus(snapshot, notes=[note(70, "detect", "Can the synthetic check page within 1 min?"),
                                     note(71, "detect", "Page within a minute")],
                    actions=[committed(1, "Stage WAF rule rollouts")])
    result = check(snapshot)

    assert result.open_questions == 8
    assert result.item("risks-and-next-steps").done


# --- language -----------------------------------------------------------------------------------


def test_blame_language_is_counted_per_step_without_naming_the_author():
    snapshot = board_from_incident(incident_path("cloudflare-2019-07-02"))
    snapshot = plus(snapshot,
                    participants=[Participant(id="p2", board_id=BOARD_ID, display_name="Priya Raman",
                                              joined_at=T0, last_seen_at=T0)],
                    notes=[note(80, "detect", "The on-call should have checked the CPU graphs",
                                author="p2")])
    result = check(snapshot)
    item = result.item("blameless-language")

    # One imported factor says "removed by mistake".
    assert item.missing.startswith("Blame or hindsight phrases are left in Contributing factors (1) "
                                   "and Detect (1)")
    assert item.fix_page == "contributing-factors"
    assert "Priya" not in item.missing
    assert "Priya" not in result.markdown()


def test_summary_timeline_and_action_titles_are_checked_too():
    snapshot = board_from_incident(incident_path("gitlab-2017-01-31"),
                                   summary="Obviously the backups were never tested.")
    flagged_event = TimelineEvent(id="e99", at="2017-01-31T23:30:00Z", kind=EventKind.other,
                                  text="The engineer forgot to check which host the shell was on.")
    snapshot = plus(snapshot, events=[flagged_event],
                    actions=[committed(1, "Stop the careless use of rm -rf on database hosts")])
    missing = check(snapshot).item("blameless-language").missing

    assert "Summary (1)" in missing
    assert "Rough timeline (1)" in missing
    assert "Next steps (1)" in missing


def test_a_participants_name_as_subject_counts_in_notes_but_not_in_the_timeline():
    priya = Participant(id="p2", board_id=BOARD_ID, display_name="Priya Raman", joined_at=T0,
                        last_seen_at=T0)
    snapshot = plus(board_from_incident(incident_path("aws-s3-2017-02-28")), participants=[priya])
    in_timeline = plus(snapshot, events=[TimelineEvent(
        id="e99", at="2017-02-28T17:40:00Z", kind=EventKind.action, text="Priya paged the S3 team")])
    assert check(in_timeline).item("blameless-language").done

    in_a_note = plus(snapshot, notes=[note(81, "react", "Priya paged the S3 team too late")])
    item = check(in_a_note).item("blameless-language")
    assert item.missing.startswith("Blame or hindsight phrases are left in React (1):")
    assert "Priya" not in item.missing


def test_a_board_without_blame_language_passes_the_language_item():
    assert check(board_from_incident(incident_path("aws-s3-2017-02-28"))).item(
        "blameless-language").done


# --- templates, score, markdown -----------------------------------------------------------------


def test_items_a_template_does_not_ask_for_do_not_apply_and_are_not_scored():
    result = check(empty_board("mad-sad-glad"))

    for item_id in ("summary", "timeline-impact-start", "timeline-detected", "timeline-resolved",
                    "detect-or-prevent-action"):
        item = result.item(item_id)
        assert not item.applies, item_id
        assert item.fix_page is None
        assert item.not_applicable_because
        assert item not in result.open_items
    # Open: notes, went well, next steps. Done: committed actions, drafts, language.
    assert [item.id for item in result.open_items] == [
        "notes-in-every-step", "went-well", "risks-and-next-steps"]
    assert len(result.applicable) == 6
    assert result.score == 0.5


def test_lessons_learned_has_a_summary_but_no_timeline():
    result = check(board_from_incident(incident_path("aws-s3-2017-02-28"), template="lessons-learned"))
    assert result.item("summary").applies
    assert result.item("summary").fix_page == "summary"
    assert not result.item("timeline-detected").applies


def test_score_is_done_over_applicable():
    result = check(board_from_incident(incident_path("aws-s3-2017-02-28")))
    # Open: summary impact, detected anchor, empty note steps, went well,
    # drafts, detect-or-prevent (drafts only), next steps. 4 of 11 done.
    assert [item.id for item in result.open_items] == [
        "summary", "timeline-detected", "notes-in-every-step", "went-well", "no-draft-actions",
        "detect-or-prevent-action", "risks-and-next-steps"]
    assert result.done_count == 4
    assert result.score == pytest.approx(4 / 11)
    assert result.markdown().startswith("## Completeness: 4 of 11\n")


def test_a_complete_board_scores_one():
    result = check(complete_board())
    assert result.open_items == []
    assert result.score == 1.0
    assert "- [ ]" not in result.markdown()
    assert result.markdown().count("- [x]") == 11


def test_markdown_ticks_done_items_and_explains_open_ones():
    text = check(board_from_incident(incident_path("aws-s3-2017-02-28"))).markdown()

    assert "- [x] The timeline marks when impact started\n" in text
    assert ("- [ ] The timeline marks when the problem was detected\n"
            "  - No event marks when the problem was detected") in text
    assert "    - Audit other operational tools for similar safety checks." in text


def test_markdown_says_which_items_the_template_does_not_ask_for():
    text = check(empty_board("lean-coffee")).markdown()
    assert "*Not asked by this template: The summary says what happened" in text
    assert "- [ ] The summary" not in text


def test_markdown_escapes_hostile_action_titles():
    hostile = "<script>alert(1)</script> **bold** [x](javascript:alert(1)) | `code`"
    snapshot = plus(board_from_incident(incident_path("aws-s3-2017-02-28")),
                    actions=[action(1, hostile)])
    text = check(snapshot).markdown()

    assert "<script>" not in text
    assert "[x](javascript" not in text
    assert "**bold**" not in text
    assert ("\\<script\\>alert(1)\\</script\\> \\*\\*bold\\*\\* "
            "\\[x\\](javascript:alert(1)) \\| \\`code\\`") in text


def test_a_multi_line_title_stays_inside_its_list_item():
    snapshot = replaced(board_from_incident(incident_path("aws-s3-2017-02-28")),
                        actions=[action(1, "Audit tools").model_copy(
                            update={"title": "Audit tools\n# Heading"})])
    text = check(snapshot).markdown()
    assert "    - Audit tools # Heading" in text
    assert "\n# Heading" not in text

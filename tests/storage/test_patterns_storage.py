"""The boards the Patterns figures are made from, read in one go on both
databases: filters in SQL, private notes left out, a damaged row skipped."""

from datetime import date

from canvas.actions import ActionDraft, Status
from canvas.learnings import DecisionDraft, DecisionKind, FactorCategory, LearningDraft
from canvas.models import NoteDraft, ReviewType, Severity
from canvas.patterns import PatternFilter, compute_patterns
from canvas.session.phases import Credentials
from storage import actions, facilitation, learnings, notes, participants
from storage.patterns import pattern_boards
from tests.patterns_boards import FACTORS, import_all

TODAY = date(2026, 12, 7)


def test_every_board_comes_with_its_anchors_factors_actions_and_labels(db):
    ids = import_all(db)
    found, unreadable = pattern_boards(db, PatternFilter())
    assert unreadable == 0
    assert {board.board_id for board in found} == set(ids.values())
    by_id = {board.board_id: board for board in found}
    for slug, board_id in ids.items():
        board = by_id[board_id]
        assert len(board.factors) == FACTORS.get(slug, 6), slug
        assert all(action.status is Status.open for action in board.actions)
        # Only the events a response time is measured from are read.
        assert {event.kind.value for event in board.events} <= {
            "impact_start", "detected", "acknowledged", "mitigated", "resolved"}
    github = by_id[ids["github-2018-10-21"]]
    assert (github.day, github.severity, github.labels) == (date(2018, 10, 21), Severity.sev2,
                                                            ["database"])
    patterns = compute_patterns(found, PatternFilter(), TODAY)
    # shared/incidents/README.md: 3, 2, 0 and 7 minutes to detect; S3 published none.
    detect = patterns.duration("time_to_detect").overall
    assert (detect.count, detect.p50, detect.p90) == (4, 150, 348)
    resolve = patterns.duration("time_to_resolve").overall
    assert (resolve.count, resolve.p50) == (5, 15420)


def test_the_period_type_severity_and_known_boards_narrow_the_read(db):
    ids = import_all(db)
    assert len(pattern_boards(db, PatternFilter(since=date(2019, 1, 1)))[0]) == 2
    assert len(pattern_boards(db, PatternFilter(until=date(2017, 1, 31)))[0]) == 1
    assert len(pattern_boards(db, PatternFilter(severities=[Severity.sev1]))[0]) == 1
    assert pattern_boards(db, PatternFilter(review_types=[ReviewType.project]))[0] == []
    known = [ids["gitlab-2017-01-31"], ids["aws-s3-2017-02-28"]]
    assert {b.board_id for b in pattern_boards(db, PatternFilter(), known)[0]} == set(known)
    assert pattern_boards(db, PatternFilter(), [])[0] == []


def test_categories_clusters_decisions_and_done_actions_are_read(db):
    board_id = import_all(db)["cloudflare-2019-07-02"]
    key = facilitation.create_facilitator_key(db, board_id, "test")
    me = Credentials(facilitator_key=key)
    factor = notes.list_notes(db, board_id, "contributing-factors")[0]
    learnings.set_category(db, board_id, factor.id, FactorCategory.process, me)
    learning = learnings.add_learning(db, board_id, LearningDraft(text="rollouts need stages"), me)
    learnings.set_decision(db, board_id, learning.id,
                           DecisionDraft(kind=DecisionKind.guardrail, text="Stage every rule"), me)
    learnings.add_learning(db, board_id, LearningDraft(text="alerts lag"), me)
    done = actions.add_action(db, board_id, ActionDraft(
        title="Stage WAF rules", owner="Kim", due_date=date(2030, 1, 1), status=Status.done))

    [board] = pattern_boards(db, PatternFilter(severities=[Severity.sev1]))[0]
    assert [f.category for f in board.factors].count(FactorCategory.process) == 1
    assert (board.learnings, board.decisions) == (2, [DecisionKind.guardrail])
    [fact] = [a for a in board.actions if a.status is Status.done]
    assert (fact.due_date, fact.done_on) == (date(2030, 1, 1), done.updated_at.date())


def test_notes_still_private_in_write_are_left_out_of_the_factors(db):
    board_id = import_all(db)["aws-s3-2017-02-28"]
    ann, _ = participants.join_board(db, board_id, "Ann")
    notes.add_note(db, board_id, "contributing-factors", NoteDraft(text="Ann's private thought"),
                   Credentials(participant_id=ann.id))
    [board] = [b for b in pattern_boards(db, PatternFilter())[0] if b.board_id == board_id]
    assert "Ann's private thought" not in [factor.text for factor in board.factors]
    assert len(board.factors) == 6


def test_a_damaged_row_is_left_out_and_counted_not_fatal(db):
    ids = import_all(db)
    db.execute("UPDATE events SET at = 'not a time' WHERE board_id = ? AND kind = 'detected'",
               [ids["github-2018-10-21"]])
    db.execute("UPDATE boards SET review_type = 'bogus' WHERE id = ?", [ids["gitlab-2017-01-31"]])
    db.execute("UPDATE actions SET status = 'lost' WHERE board_id = ?", [ids["aws-s3-2017-02-28"]])
    found, unreadable = pattern_boards(db, PatternFilter())
    # One event, the gitlab board, and the four published actions of S3.
    assert unreadable == 1 + 1 + 4
    assert ids["gitlab-2017-01-31"] not in {board.board_id for board in found}
    github = next(board for board in found if board.board_id == ids["github-2018-10-21"])
    assert "detected" not in {event.kind.value for event in github.events}

"""The Learnings review across boards: which boards fall in the period, which
actions are due, and the Markdown agenda."""

from datetime import date, timedelta

from canvas.actions import FollowUp, Status
from canvas.exports.learnings_review import (
    BoardImpact, due_actions, learnings_review_markdown, period_impact,
)
from canvas.learnings import BoardLearnings, in_period
from canvas.models import ReviewType
from tests.unit.golden.fixture_board import T0, cloudflare_snapshot

TODAY = date(2019, 7, 20)


def cloudflare_learnings() -> BoardLearnings:
    snapshot = cloudflare_snapshot()
    return BoardLearnings(board_id=snapshot.board.id, title=snapshot.board.title,
                          day=snapshot.board.incident_date, learnings=snapshot.learnings,
                          decisions=snapshot.decisions)


def action(number: int, due: date | None, status: Status = Status.open) -> tuple[str, str, FollowUp]:
    return ("B1", "Board one", FollowUp(id=f"a{number}", board_id="B1", title=f"Action {number}",
                                        owner="Kim", due_date=due, status=status,
                                        status_reason="gone" if status == Status.wont_do else "",
                                        created_at=T0, updated_at=T0))


def test_only_boards_whose_day_falls_in_the_period_are_listed():
    board = cloudflare_learnings()
    assert in_period([board], date(2019, 7, 1), date(2019, 7, 14)) == [board]
    assert in_period([board], date(2019, 7, 3), date(2019, 7, 14)) == []


def test_actions_due_by_the_end_or_overdue_are_listed_open_ones_only():
    rows = [action(1, TODAY + timedelta(days=30)), action(2, TODAY - timedelta(days=5)),
            action(3, TODAY), action(4, None), action(5, TODAY, Status.done),
            action(6, TODAY, Status.wont_do)]
    assert [row[2].id for row in due_actions(rows, TODAY)] == ["a2", "a3"]


def test_the_agenda_lists_learnings_with_decisions_then_due_actions():
    text = learnings_review_markdown([cloudflare_learnings()],
                                     [action(2, TODAY - timedelta(days=5))],
                                     date(2019, 7, 1), date(2019, 7, 14), TODAY)
    assert text.startswith("# Learnings review: 2019-07-01 to 2019-07-14\n")
    assert "*1 board · 4 learnings · 4 decisions · 1 actions due or overdue*" in text
    assert "## Global Cloudflare outage from a CPU-exhausting WAF rule (2019-07-02)" in text
    assert "   - Decision (No change): No change beyond the status page automation" in text
    assert "| 2019-07-15 **overdue** | Action 2 | Kim | Open | Board one |" in text


def test_typed_text_in_the_agenda_is_escaped():
    board = cloudflare_learnings().model_copy(update={"title": "<script>x</script> | y"})
    text = learnings_review_markdown([board], [], TODAY, TODAY, TODAY)
    assert "<script>" not in text and "\\<script\\>" in text
    assert "*No open action is due.*" in text


# --- impact across the period's boards ---------------------------------------------


def cloudflare_impact(**changes):
    snapshot = cloudflare_snapshot()
    fields = dict(board_id=snapshot.board.id, title=snapshot.board.title,
                  day=snapshot.board.incident_date, review_type=snapshot.board.review_type,
                  events=snapshot.events, actions=snapshot.actions)
    return BoardImpact(**{**fields, **changes})


def test_the_period_adds_up_incidents_minutes_of_impact_and_actions_done_against_due():
    okr = cloudflare_impact(board_id="OKR", title="Q3 OKR", review_type=ReviewType.okr,
                            events=[], actions=[])
    impact = period_impact([cloudflare_impact(), okr], date(2019, 7, 1), date(2019, 7, 14))

    assert impact.incidents == 1 and len(impact.rows) == 2
    # The Cloudflare timeline: impact 13:42–14:09, detected 13:45, resolved 14:52.
    assert impact.impact_minutes == 27
    assert impact.mean("detect_seconds") == 3 * 60
    assert impact.mean("resolve_seconds") == 70 * 60
    # Due by 07-14: done a1 (07-12); not a3 (07-15), nor won't-do a6, nor undated drafts.
    assert (impact.actions_done, impact.actions_due) == (1, 1)
    okr_row = next(row for row in impact.rows if row.board_id == "OKR")
    assert (okr_row.impact_seconds, okr_row.detect_seconds) == (None, None)


def test_a_board_outside_the_period_adds_nothing():
    impact = period_impact([cloudflare_impact()], date(2019, 7, 3), date(2019, 7, 14))
    assert impact.rows == [] and impact.impact_minutes == 0 and impact.mean("detect_seconds") is None


def test_the_agenda_opens_with_the_impact_and_escapes_board_titles():
    impact = period_impact([cloudflare_impact(title="WAF | <b>edge</b>")],
                           date(2019, 7, 1), date(2019, 7, 31))
    text = learnings_review_markdown([cloudflare_learnings()], [], date(2019, 7, 1),
                                     date(2019, 7, 31), TODAY, impact)
    assert text.index("## Impact") < text.index("## Global Cloudflare outage")
    assert "- **Minutes of customer impact:** 27" in text
    assert "- **Actions done / due:** 1 / 2" in text
    assert "| 2019-07-02 | WAF \\| \\<b\\>edge\\</b\\> | 27 min | 3 min | 1 h 10 min | 1 / 2 |" in text


def test_the_agenda_points_at_the_patterns_of_its_period():
    url = "https://canvas.example/patterns?since=2019-07-01&until=2019-07-14"
    text = learnings_review_markdown([cloudflare_learnings()], [], date(2019, 7, 1),
                                     date(2019, 7, 14), TODAY, patterns_url=url)
    assert f"[Patterns]({url})" in text.splitlines()[4]
    assert "[Patterns](" not in learnings_review_markdown([], [], date(2019, 7, 1),
                                                          date(2019, 7, 14), TODAY)
    # A space or a parenthesis in the address would end the link early.
    odd = learnings_review_markdown([], [], date(2019, 7, 1), date(2019, 7, 14), TODAY,
                                    patterns_url="https://canvas.example/a b(c)/patterns")
    assert "[Patterns](https://canvas.example/a%20b%28c%29/patterns)" in odd


def test_the_agenda_lists_each_boards_answer_on_the_review_process_escaped():
    answered = cloudflare_impact(process_review="Send the *draft* timeline a day before")
    silent = cloudflare_impact(board_id="B2", title="Quiet board", process_review="  ")
    impact = period_impact([answered, silent], date(2019, 7, 1), date(2019, 7, 31))
    assert [row.board_id for row in impact.process_reviews] == [answered.board_id]
    text = learnings_review_markdown([], [], date(2019, 7, 1), date(2019, 7, 31), TODAY, impact)
    section = text[text.index("## Reviewing the process"):text.index("## Actions due")]
    assert "*What would make our next postmortem better?*" in section
    assert ("- **Global Cloudflare outage" in section
            and "(2019-07-02): Send the \\*draft\\* timeline a day before" in section)
    assert "Quiet board" not in section
    empty = period_impact([silent], date(2019, 7, 1), date(2019, 7, 31))
    assert "*No board in this period recorded an answer.*" in learnings_review_markdown(
        [], [], date(2019, 7, 1), date(2019, 7, 31), TODAY, empty)

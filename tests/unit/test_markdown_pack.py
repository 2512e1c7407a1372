"""The Markdown summary: a golden file of a real incident board, and hostile text."""

import re
from datetime import UTC, date, datetime

import pytest

from canvas.actions import FollowUp, Status, Trigger
from canvas.exports.markdown_pack import markdown_pack
from canvas.models import (
    Board, Cluster, IncidentSource, Intake, Note, Participant, PublishedFigure, Roles,
)
from canvas.snapshot import BoardSnapshot
from canvas.incident.timeline import TimelineEvent
from canvas.validation import STORED
from tests.unit.golden import assert_matches_golden
from tests.unit.golden.fixture_board import TODAY, cloudflare_snapshot

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def test_the_cloudflare_board_matches_the_golden_markdown():
    assert_matches_golden("cloudflare-2019-07-02.md", markdown_pack(cloudflare_snapshot(), TODAY))


def test_every_note_is_in_the_summary_even_without_votes():
    snapshot = cloudflare_snapshot()
    text = markdown_pack(snapshot, TODAY)
    for note in snapshot.notes:
        assert f"\\#{note.number} · " in text, note.text
    assert text.count("no votes") >= 5


def test_a_note_whose_cluster_is_gone_is_still_listed():
    snapshot = cloudflare_snapshot()
    snapshot.clusters = [cluster for cluster in snapshot.clusters if cluster.id != "c1"]
    detect = section(markdown_pack(snapshot, TODAY), "## Detect")
    assert "\\#1 · Alert on CPU saturation" in detect and "\\#2 · " in detect


def test_clusters_rank_by_their_own_votes_plus_votes_on_their_notes():
    snapshot = cloudflare_snapshot()
    # Cluster c1 has 2 dots of its own and 1 on note 1; the loose note 3 gets 3.
    snapshot.tallies.update({"c1": 2, "n1": 1, "n3": 3})
    detect = section(markdown_pack(snapshot, TODAY), "## Detect")
    assert detect.index("Faster alerting") < detect.index("#3 ·")
    assert "**Faster alerting** (2 notes) — 3 votes" in detect
    snapshot.tallies["n3"] = 4
    detect = section(markdown_pack(snapshot, TODAY), "## Detect")
    assert detect.index("#3 ·") < detect.index("Faster alerting")


def test_votes_stay_out_of_the_summary_until_revealed():
    snapshot = cloudflare_snapshot()
    snapshot.board.votes_revealed = False
    text = markdown_pack(snapshot, TODAY)
    assert "vote" not in section(text, "## Prevent").replace("Votes are not revealed yet", "")
    assert "Votes are not revealed yet" in text


def test_drafts_overdue_actions_and_open_questions_are_called_out():
    text = markdown_pack(cloudflare_snapshot(), TODAY)
    actions = section(text, "## Actions")
    assert row_of(actions, "Add per") and "**overdue**" in row_of(actions, "Add per")
    assert "**draft** (no owner or due date)" in row_of(actions, "Build an emergency")
    assert "**draft** (no due date)" in row_of(actions, "Automate status page")
    assert "**overdue**" not in row_of(actions, "Re-introduce")  # done is never overdue
    closing = section(text, "## Risks, open questions and next steps")
    questions = section(closing, "### Open questions")
    assert "Which other config paths skip the staged rollout?" in questions
    assert "Automate status page updates" in questions
    next_steps = section(closing, "### Next steps").splitlines()
    assert [line.split(" — ")[0] for line in next_steps if line.startswith("- ")] == [
        "- Add per-rule performance profiling to the test suite",
        "- Roll out WAF rules in stages, keeping an emergency global path",
        "- Build an emergency way to serve the dashboard and API off the edge",
        "- Automate status page updates",
    ]  # by due date, undated last; done and won't do are not next steps


def test_times_carry_date_and_the_boards_zone():
    text = markdown_pack(cloudflare_snapshot(), TODAY)
    assert "| 2019-07-02 14:42 BST | Impact start |" in text  # 13:42 UTC in London, summer
    assert "| ≈ 2019-07-02 14:45 BST | Detected |" in text
    assert "| Time to resolve | 1 h 10 min | resolved − impact start |" in text


# --- hostile text -------------------------------------------------------------------

HOSTILE = "| a | b | # heading `code` <script>alert(1)</script> [x](javascript:alert(1)) **x** _y_\n# second line\n\n    indented"
HOSTILE_LINE = " ".join(HOSTILE.split())


def hostile_snapshot() -> BoardSnapshot:
    board = Board(id="H" * 24, template="blameless", created_at=T0, revision=1, details_version=1,
                  title=HOSTILE_LINE[:120], summary=HOSTILE, impact=HOSTILE,
                  roles=Roles(facilitator="**F**|x", scribe="<b>S</b>", decision_owner="`D`"),
                  other_participants=HOSTILE, votes_revealed=True,
                  intake=Intake(reviewed=HOSTILE, audience=HOSTILE), labels=["`c` <i>"],
                  tracker_url="https://example.com/a|b?c=<d>",
                  source=IncidentSource(organisation="<b>Org</b>", url="https://example.com/<b>",
                                        figures=[PublishedFigure(name="| n |", value="**x**",
                                                                 measures=HOSTILE)]))
    event = TimelineEvent(id="e1", at=T0, kind="detected", text=HOSTILE,
                          evidence_url="https://example.com/a|b?c=<d>")
    notes = [
        Note(id="n1", board_id=board.id, step_key="detect", text=HOSTILE, colour="yellow",
             author_id="p1", created_at=T0, updated_at=T0, number=1, cluster_id="c1"),
        Note(id="n2", board_id=board.id, step_key="other-risks", text=HOSTILE + " ?", colour="pink",
             author_id="p1", created_at=T0, updated_at=T0, number=2),
    ]
    cluster = Cluster(id="c1", board_id=board.id, step_key="detect", name="| # `c` <i>", created_at=T0)
    action = FollowUp(id="a1", board_id=board.id, created_at=T0, updated_at=T0,
                      title=HOSTILE_LINE[:200], owner="|o| <u>", success_signal=HOSTILE,
                      status=Status.wont_do, status_reason=HOSTILE)
    draft = FollowUp(id="a2", board_id=board.id, created_at=T0, updated_at=T0, title="| draft #")
    trigger = Trigger(id="t1", board_id=board.id, created_at=T0, signal=HOSTILE, response=HOSTILE)
    author = Participant(id="p1", board_id=board.id, display_name="Zed Authorname", joined_at=T0,
                         last_seen_at=T0)
    return BoardSnapshot(board=board, participants=[author], notes=notes, clusters=[cluster],
                         tallies={"c1": 2}, events=[event], actions=[action, draft],
                         triggers=[trigger])


def cells(line: str) -> list[str]:
    # As GitHub's table parser does: a pipe preceded by a backslash is text.
    return re.split(r"(?<!\\)\|", line.strip())[1:-1]


def test_hostile_text_keeps_every_table_row_at_its_column_count():
    text = markdown_pack(hostile_snapshot(), date(2024, 3, 2))
    tables = 0
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("| ---") or line.startswith("| --- "):
            tables += 1
            width = len(cells(lines[index - 1]))
            assert len(cells(line)) == width
            for row in lines[index + 1:]:
                if not row.startswith("|"):
                    break
                assert len(cells(row)) == width, row
    assert tables == 5  # published figures, timeline, durations, actions, triggers


def test_hostile_text_is_escaped_everywhere():
    text = markdown_pack(hostile_snapshot(), date(2024, 3, 2))
    for raw in ("<script>", "</script>", "<b>", "<i>", "<u>", "[x](", "**x**", "**F**", "_y_", "`code`",
                "`D`", "`c`"):
        assert raw not in text, raw
    assert "\\<script\\>alert(1)\\</script\\>" in text
    assert "\\[x\\](javascript:alert(1))" in text
    headings = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert headings[0].startswith("# \\| a \\| b \\| # heading")
    assert headings[1:] == [
        "## Intake", "## Summary", "### Customer impact", "## Published source",
        "### Published figures", "## Timeline", "### Durations", "## Contributing factors",
        "## Detect", "## React",
        "## Quick fix", "## Prevent", "## Other areas of risk", "## Actions",
        "## Kill criteria and triggers", "## Learnings and decisions", "## Risks, open questions and next steps", "### Risks",
        "### Open questions", "### Next steps",
        "## Quality gate: 9 of 22 points, does not pass yet", "## Completeness: 4 of 12",
    ]
    # An indented line after a blank one would become a code block, where the
    # escapes would show as backslashes; indented continuation lines are fine.
    lines = text.splitlines()
    assert all(lines[index - 1].strip() for index, line in enumerate(lines) if line.startswith("    "))


def test_no_author_is_named():
    text = markdown_pack(hostile_snapshot(), date(2024, 3, 2))
    assert "Zed" not in text and "Authorname" not in text
    assert "**Participants on the board:** 1" in text


# --- helpers --------------------------------------------------------------------------


def section(text: str, heading: str) -> str:
    """From `heading` up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = text.index(heading + "\n")
    rest = text[start + len(heading) + 1:]
    stop = re.search(rf"^#{{1,{len(level)}}} ", rest, re.MULTILINE)
    return heading + "\n" + (rest[:stop.start()] if stop else rest)


def row_of(table: str, start: str) -> str:
    return next(line for line in table.splitlines() if line.startswith(f"| {start}"))


def _titled(title: str) -> BoardSnapshot:
    # Read as storage reads it: older data may predate the text rules.
    board = Board.model_validate({"id": "T" * 24, "template": "blameless", "created_at": T0,
                                  "revision": 1, "details_version": 1, "title": title},
                                 context=STORED)
    return BoardSnapshot(board=board)


@pytest.mark.parametrize(("title", "heading"), [
    ("Fix it ##", "# Fix it \\#\\#"),
    ("Checkout # 2 #", "# Checkout # 2 \\#"),
    ("C# build", "# C# build"),
    ("##", "# \\##"),
])
def test_a_title_keeps_its_trailing_hashes(title, heading):
    # An ATX heading drops a closing run of # after a space; escaped, it stays.
    [first] = [line for line in markdown_pack(_titled(title), TODAY).splitlines() if line.startswith("# ")]
    assert first == heading


@pytest.mark.parametrize("link", ["<https://x>", "<mailto:a@b.c>", "<a@b.c>"])
def test_an_angle_bracket_link_stays_literal(link):
    text = markdown_pack(_titled(f"See {link} now"), TODAY)
    assert link not in text
    assert f"# See \\<{link[1:-1]}\\> now" in text.splitlines()


def test_a_control_character_held_by_older_data_is_shown_as_its_symbol():
    snapshot = _titled("Old \x1b[31mred\x00")
    text = markdown_pack(snapshot, TODAY)
    assert "\x1b" not in text and "\x00" not in text
    assert "# Old ␛\\[31mred␀" in text.splitlines()

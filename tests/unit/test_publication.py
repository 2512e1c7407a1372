"""The write-up as a file on a branch with its merge request, and the lessons
marked as infrastructure as code: names, refusals and what goes out."""

from datetime import date

import pytest

from canvas.actions import Status
from canvas.errors import InvalidInput
from canvas.exports.publication import (
    checked_branch, checked_path, default_branch, default_path, iac_branch, iac_issue_text,
    iac_lessons, iac_path, iac_write_up, slug, write_up,
)
from canvas.exports.review_issue import iac_marker
from canvas.exports.tracker_issue import Tracker
from tests.unit.golden.fixture_board import BOARD_ID, cloudflare_snapshot

ISSUE = "https://gitlab.example/ops/handbook/-/issues/7"
BOARD_URL = f"https://canvas.example/?board={BOARD_ID}"


def _board(**changes):
    return cloudflare_snapshot().board.model_copy(update=changes)


def test_the_write_up_is_filed_under_the_incident_date_and_a_slug_of_the_title():
    board = _board(title="Cloudflare WAF: global 502s (regex CPU)")
    assert slug(board) == "cloudflare-waf-global-502s-regex-cpu"
    assert default_branch(board) == "postmortem/2019-07-02-cloudflare-waf-global-502s-regex-cpu"
    assert default_path(board) == "postmortems/2019-07-02-cloudflare-waf-global-502s-regex-cpu.md"


def test_without_an_incident_date_the_review_date_then_the_boards_day_names_it():
    assert default_path(_board(incident_date=None)).startswith("postmortems/2019-07-09-")
    assert default_path(_board(incident_date=None, review_date=None)).startswith(
        "postmortems/2019-07-05-")


def test_accents_fold_and_a_title_with_no_latin_letters_is_named_after_the_board():
    assert slug(_board(title="Pánne de l'API — café")) == "panne-de-l-api-cafe"
    assert slug(_board(title="決済の障害")) == f"board-{BOARD_ID[:8].lower()}"
    assert len(slug(_board(title="word " * 40))) <= 60


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.md", "a/../b.md", "a//b.md",
                                  "with space.md", "", "notes/`x`.md", "a/./b.md"])
def test_a_file_path_outside_the_repository_or_with_odd_characters_is_refused(path):
    with pytest.raises(InvalidInput):
        checked_path(path)


def test_a_plain_file_path_is_kept():
    assert checked_path(" docs/postmortems/2019-waf.md ") == "docs/postmortems/2019-waf.md"


@pytest.mark.parametrize("name", ["", "a b", "a..b", "a/.hidden", "x.lock", "a~1", "a^", "a:b",
                                  "a?", "a*", "a[", "a\\b", "ends/", "ends.", "@", "a@{1}",
                                  "-starts-with-dash"])
def test_a_branch_name_git_refuses_is_refused_before_anything_is_sent(name):
    with pytest.raises(InvalidInput):
        checked_branch(name)


def test_a_branch_name_git_takes_is_kept():
    assert checked_branch("postmortem/2019-07-02-waf") == "postmortem/2019-07-02-waf"


def test_the_merge_request_links_the_review_issue_and_the_board_and_says_how_to_lint():
    snapshot = cloudflare_snapshot()
    item = write_up(snapshot, "# The write-up\n", branch="postmortem/x", path="postmortems/x.md",
                    review_issue_url=ISSUE, board_url=BOARD_URL)
    assert item.content == "# The write-up\n"
    assert item.title == f"Postmortem: {snapshot.board.title} (2019-07-02)"
    assert f"- Review issue: <{ISSUE}>" in item.description
    assert f"- Board: <{BOARD_URL}>" in item.description
    assert "    postmortem-canvas lint postmortems/x.md" in item.description
    assert "\n\n\n" not in item.description
    bare = write_up(snapshot, "x", branch="b", path="p.md")
    assert "Review issue" not in bare.description and "\n\n\n" not in bare.description


def test_iac_lessons_are_the_marked_learnings_and_the_marked_actions_still_promised():
    snapshot = cloudflare_snapshot()
    learnings = [learning.model_copy(update={"iac": learning.id == "l1"})
                 for learning in snapshot.learnings]
    # a2 in progress, a6 won't do, a4 parked: only a2 asks for a change.
    actions = [action.model_copy(update={"iac": action.id in ("a2", "a4", "a6"),
                                         **({"status": Status.parked} if action.id == "a4" else {})})
               for action in snapshot.actions]
    lessons = iac_lessons(snapshot.model_copy(update={"learnings": learnings, "actions": actions}))
    assert [(lesson.kind, lesson.text[:20]) for lesson in lessons] == [
        ("learning", "We learned that a WA"), ("action", "Roll out WAF rules i")]
    assert lessons[0].detail == ("Decision (Guardrail): Every non-emergency WAF rule goes through "
                                 "DOG, PIG and canary first")
    assert lessons[1].detail.startswith("owner Kim; due 2019-08-30; in progress; success signal:")


def test_nothing_marked_means_no_iac_lessons():
    assert iac_lessons(cloudflare_snapshot()) == []


def test_the_iac_merge_request_lists_its_lessons_beside_the_write_up():
    snapshot = cloudflare_snapshot()
    learnings = [snapshot.learnings[0].model_copy(update={"iac": True})]
    snapshot = snapshot.model_copy(update={"learnings": learnings})
    lessons = iac_lessons(snapshot)
    item = iac_write_up(snapshot, lessons, branch=iac_branch("postmortem/x"),
                        path=iac_path("postmortems/x.md"), review_issue_url=ISSUE)
    assert (item.branch, item.path) == ("postmortem/x-iac", "postmortems/x-iac.md")
    assert item.content.startswith("# Infrastructure lessons: ")
    assert "## Learnings" in item.content and "## Actions" not in item.content
    assert "Push the infrastructure change to this branch" in item.description
    assert f"<{ISSUE}>" in item.description
    issue = iac_issue_text(snapshot, lessons, Tracker.github, "Post Mortem")
    assert issue.labels == ["Post Mortem", "postmortem", "waf", iac_marker(BOARD_ID)]
    assert "## Learnings" in issue.description


def test_iac_path_keeps_the_folder_and_adds_a_suffix():
    assert iac_path("docs/pm.md") == "docs/pm-iac.md"
    assert iac_path("README") == "README-iac.md"


def test_the_day_of_the_write_up_ignores_today():
    board = _board(incident_date=date(2024, 2, 29))
    assert default_branch(board).startswith("postmortem/2024-02-29-")

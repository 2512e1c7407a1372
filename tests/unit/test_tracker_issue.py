"""What an issue carries, which actions go to a tracker, and how a sync reads an issue."""

from datetime import UTC, date, datetime

import pytest

from canvas.actions import FollowUp, Status
from canvas.exports.tracker_issue import (
    PUSHED_FIELDS, TextFormat, Tracker, escape_jira_wiki, fields_to_send, is_pushable,
    issue_payload, marked_action, marker_label, pushed_fingerprint, sync_decision,
)
from canvas.models import Board
from canvas.snapshot import BoardSnapshot

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def follow_up(**fields) -> FollowUp:
    return FollowUp(**{"id": "Act_1", "board_id": "B", "title": "Add an alert", "created_at": NOW,
                       "updated_at": NOW, **fields})


@pytest.mark.parametrize("fields, plain, asked", [
    ({"owner": "Ann", "due_date": date(2026, 12, 9)}, True, True),
    ({"owner": "Ann"}, False, True),  # a draft: no due date
    ({"owner": "Ann", "due_date": date(2026, 12, 9), "status": Status.parked}, False, True),
    ({"owner": "Ann", "due_date": date(2026, 12, 9), "status": Status.wont_do,
      "status_reason": "Replaced"}, False, False),
])
def test_only_committed_actions_are_pushed_unless_drafts_are_asked_for(fields, plain, asked):
    action = follow_up(**fields)
    assert (is_pushable(action), is_pushable(action, include_drafts=True)) == (plain, asked)


@pytest.mark.parametrize("status, at_sync, was_closed, closed, new, conflict, close_issue", [
    (Status.open, "open", False, True, Status.done, False, None),     # closed in the tracker
    (Status.in_progress, "in_progress", False, True, Status.done, False, None),
    (Status.done, "done", True, False, Status.open, False, None),      # reopened
    (Status.open, "open", False, False, None, False, None),            # nothing moved
    (Status.done, "open", False, False, None, False, True),            # done on the board: close
    (Status.open, "done", True, True, None, False, False),             # reopened on the board
    (Status.in_progress, "done", True, True, None, False, False),
    (Status.in_progress, "open", False, False, None, False, None),     # both still open
    (Status.wont_do, "open", False, False, None, False, None),         # dropped: issue left alone
    (Status.parked, "open", False, False, None, False, None),
    (Status.in_progress, "open", False, True, None, True, None),       # both moved: conflict
    (Status.wont_do, "done", True, False, None, True, None),
    (Status.done, "open", False, True, None, False, None),             # both say done
])
def test_a_change_on_one_side_moves_the_other_and_both_changing_is_a_conflict(
        status, at_sync, was_closed, closed, new, conflict, close_issue):
    decision = sync_decision(status, at_sync, was_closed, closed)
    assert decision.new_status == new and bool(decision.conflict) == conflict
    assert decision.close_issue == close_issue


def board(title: str = "Outage *bold*") -> BoardSnapshot:
    return BoardSnapshot(board=Board(id="B", title=title, template="blameless", created_at=NOW,
                                     updated_at=NOW, revision=1, details_version=1))


def test_the_marker_is_found_in_labels_and_in_the_hidden_line():
    payload = issue_payload(board(), follow_up(owner="Ann", due_date=date(2026, 12, 9)),
                            Tracker.gitlab, "")
    assert marker_label("Act_1") in payload.labels and payload.labels[0] == "postmortem"
    assert marked_action([], payload.description) == "Act_1"
    assert marked_action(["postmortem", marker_label("Act_1")]) == "Act_1"
    assert "**Outage \\*bold\\***" in payload.description
    wiki = issue_payload(board(), follow_up(), Tracker.jira, "").description
    assert "*Outage \\*bold\\**" in wiki and "<!--" not in wiki and marked_action([], wiki) == "Act_1"


@pytest.mark.parametrize("tracker", list(Tracker))
def test_a_customer_facing_action_is_pushed_with_the_customer_facing_label(tracker):
    marked = issue_payload(board(), follow_up(customer_facing=True), tracker, "")
    assert marked.labels[:2] == ["postmortem", "customer-facing"]
    assert "customer-facing" not in issue_payload(board(), follow_up(), tracker, "").labels


@pytest.mark.parametrize("typed, written", [
    ("*bold* _em_ +ins+ ^sup^ ~sub~ ??cite??", "\\*bold\\* \\_em\\_ \\+ins\\+ \\^sup\\^ \\~sub\\~ \\?\\?cite\\?\\?"),
    ("{code}x{code} [link|http://x] !image.png! {color:red}", "\\{code\\}x\\{code\\} \\[link\\|http://x\\] \\!image.png\\! \\{color:red\\}"),
    ("-strike- ---- a--b", "\\-strike\\- \\-\\-\\-\\- a\\-\\-b"),
    ("CPU-bound snake_case", "CPU-bound snake_case"),  # inside a word, never markup
    ("# not a list", "\\# not a list"),
    ("h1. Not a heading", "h1&#46; Not a heading"),
    ("bq. not a quote", "bq&#46; not a quote"),
    ("C:\\temp\\*", "C:&#92;temp&#92;\\*"),  # two backslashes would be a line break
    ("&amp; &#42; & x", "&amp;amp; &amp;\\#42; & x"),
    ("(y) (/) :) :D ;P", "\\(y\\) \\(/\\) :\\) &#58;D &#59;P"),
    ("@ann %", "\\@ann \\%"),
    ("tab\there\x1b", "tab\there\u241b"),
])
def test_typed_text_in_jira_wiki_markup_shows_as_typed(typed, written):
    assert escape_jira_wiki(typed) == written


def test_jira_cloud_gets_a_document_where_nothing_typed_is_markup():
    snapshot = board("Outage *bold* {code}")
    action = follow_up(owner="Zed", success_signal="Paged *within* 3 min", source_kind="note",
                       source_id="N1")
    doc = issue_payload(snapshot, action, Tracker.jira, "https://canvas.example/?board=B",
                        text_format=TextFormat.adf).description
    assert doc["type"] == "doc" and doc["version"] == 1
    first = doc["content"][0]["content"]
    assert first[1] == {"type": "text", "text": "Outage *bold* {code}", "marks": [{"type": "strong"}]}
    texts = [node for block in doc["content"] for node in block.get("content", [])]
    assert {"type": "text", "text": " Paged *within* 3 min"} in texts
    link = next(node for node in texts if node.get("marks", [{}])[0].get("type") == "link")
    assert link["marks"][0]["attrs"]["href"] == "https://canvas.example/?board=B"
    # ADF refuses an empty text node: none is made.
    def nodes(node):
        yield node
        for child in node.get("content", []):
            yield from nodes(child)
    assert all(n["text"] for n in nodes(doc) if n["type"] == "text")
    assert doc["content"][-1]["content"][0]["text"] == "postmortem-canvas action:Act_1"


def test_the_due_date_goes_in_the_description_where_there_is_no_field_for_it():
    action = follow_up(owner="Ann", due_date=date(2026, 12, 9))
    github = issue_payload(board(), action, Tracker.github, "")
    assert github.due_date is None and "**Due:** 2026-12-09" in github.description
    jira_without = issue_payload(board(), action, Tracker.jira, "", due_field=False)
    assert jira_without.due_date is None and "*Due:* 2026-12-09" in jira_without.description
    jira = issue_payload(board(), action, Tracker.jira, "")
    assert jira.due_date == date(2026, 12, 9) and "Due:" not in jira.description


def test_a_second_push_sends_only_the_fields_the_board_changed():
    action = follow_up(owner="Ann", due_date=date(2026, 12, 9))
    first = issue_payload(board(), action, Tracker.gitlab, "", assignee="3")
    pushed = pushed_fingerprint(first)
    assert set(pushed) == set(PUSHED_FIELDS) and "Add an alert" not in str(pushed)
    assert fields_to_send(first, pushed) == frozenset()
    assert fields_to_send(first, None) == frozenset(PUSHED_FIELDS)  # pushed before fingerprints
    retitled = issue_payload(board(), follow_up(title="Page on 5xx", owner="Ann",
                                                due_date=date(2026, 12, 9)),
                             Tracker.gitlab, "", assignee="3")
    assert fields_to_send(retitled, pushed) == {"title"}
    moved = issue_payload(board(), follow_up(owner="Ann", due_date=date(2026, 12, 16)),
                          Tracker.gitlab, "", assignee="3")
    assert fields_to_send(moved, pushed) == {"due_date"}
    # The owner no longer matches a tracker user: named in the description instead.
    unmatched = issue_payload(board(), action, Tracker.gitlab, "")
    assert fields_to_send(unmatched, pushed) == {"description", "assignee"}
    doc = issue_payload(board(), action, Tracker.jira, "", text_format=TextFormat.adf)
    assert fields_to_send(doc, pushed_fingerprint(doc)) == frozenset()

"""Chat and pager exports read into timeline candidates: golden files for
every format (tests/fixtures/imports/<format>/, written to the vendors'
documented shapes), malformed files each refused with the place of the
problem, and the rules for stages, roles and limits.

UPDATE_GOLDEN=1 rewrites the golden files; read the diff before committing.
"""

import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from canvas.incident.exports import ExportInvalid, ExportTooBig, read_export
from canvas.incident.exports import common
from canvas.incident.exports.common import STAGE_RULES, Stage, guess_stage
from canvas.incident.exports.slack import render_mrkdwn, workspace_name
from canvas.incident.exports.teams import html_text
from canvas.incident.timeline import EventKind, TimelineEvent
from canvas.incident.timeline_import import chosen_events, export_preview

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
SLACK = FIXTURES / "slack" / "export"
ONE_FILE = {"teams": "chat-messages.json", "pagerduty": "log_entries.json", "opsgenie": "alert-logs.json"}


def folder(root: Path) -> dict[str, bytes]:
    """A folder's JSON files as the command line hands them in: path → bytes."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*.json"))}


def golden(read) -> str:
    return json.dumps({"source": read.source, "candidates": [c.golden() for c in read.candidates]},
                      indent=1, ensure_ascii=False) + "\n"


def assert_golden(path: Path, produced: str) -> None:
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(produced, encoding="utf-8")
    assert produced == path.read_text(encoding="utf-8"), f"{path} differs (UPDATE_GOLDEN=1 rewrites it)"


def read_one(fmt: str, hide_names: bool = True):
    path = FIXTURES / fmt / ONE_FILE[fmt]
    return read_export({path.name: path.read_bytes()}, hide_names=hide_names)


# --- golden files ------------------------------------------------------------------


def test_a_slack_export_matches_its_golden_candidates_with_roles_and_permalinks():
    read = read_export(folder(SLACK), hide_names=True, slack_channel="incident-checkout",
                       slack_workspace="https://acme.slack.com/")
    assert_golden(FIXTURES / "slack" / "expected.json", golden(read))


def test_a_slack_export_keeps_names_where_the_board_shows_authors():
    read = read_export(folder(SLACK), hide_names=False, slack_channel="incident-checkout")
    assert_golden(FIXTURES / "slack" / "expected-named.json", golden(read))


@pytest.mark.parametrize("fmt", sorted(ONE_FILE))
def test_a_pager_or_teams_export_matches_its_golden_candidates(fmt):
    assert_golden(FIXTURES / fmt / "expected.json", golden(read_one(fmt)))


# --- malformed files: each refused with its place --------------------------------------


def malformed_cases(fmt: str) -> list[str]:
    return sorted(path.name for path in (FIXTURES / fmt / "malformed").iterdir())


def refusal(fmt: str, case: str) -> str:
    where = FIXTURES / fmt / "malformed" / case
    if fmt == "slack":
        files = {**folder(SLACK), **folder(where)}  # the export with one file broken
        options = {"slack_channel": "incident-checkout"}
    else:
        files, options = {case: where.read_bytes()}, {}
    with pytest.raises(ExportInvalid) as refused:
        read_export(files, hide_names=True, **options)
    return str(refused.value)


@pytest.mark.parametrize("fmt", ["slack", "teams", "pagerduty", "opsgenie"])
def test_every_malformed_file_is_refused_with_the_place_of_its_problem(fmt):
    messages = {case: refusal(fmt, case) for case in malformed_cases(fmt)}
    assert len(messages) >= 5
    assert_golden(FIXTURES / fmt / "malformed-expected.json",
                  json.dumps(messages, indent=1, ensure_ascii=False) + "\n")
    for case, message in messages.items():
        # Every message names a file; all but unreadable JSON name a field or an entry.
        assert ".json" in message, (case, message)


def test_a_refusal_names_file_message_and_field():
    message = refusal("slack", "ts-without-fraction")
    assert message == ("incident-checkout/2019-07-02.json, message 4: field ts is not a Slack timestamp "
                       "like 1562074920.000200 (found '1562075220')")
    assert refusal("teams", "created-not-iso.json").startswith(
        "created-not-iso.json, page 2, message 1: field createdDateTime has no zone")


# --- detection, zip, limits ---------------------------------------------------------------


def test_a_zipped_slack_export_inside_a_folder_reads_like_the_folder():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in folder(SLACK).items():
            archive.writestr(f"Acme export/{name}", data)
        archive.writestr("__MACOSX/Acme export/._users.json", b"\x00\x05")
    zipped = read_export({"export.zip": buffer.getvalue()}, hide_names=True, slack_channel="incident-checkout")
    direct = read_export(folder(SLACK), hide_names=True, slack_channel="incident-checkout")
    assert zipped == direct


def test_an_export_with_several_channels_asks_which_one():
    with pytest.raises(ExportInvalid, match=r"several channels \(#incident-checkout, #random\)"):
        read_export(folder(SLACK), hide_names=True)
    with pytest.raises(ExportInvalid, match="no channel 'ops'"):
        read_export(folder(SLACK), hide_names=True, slack_channel="ops")


def test_a_file_of_no_known_format_is_refused():
    with pytest.raises(ExportInvalid, match="notes.json is not a Slack, Teams, PagerDuty or Opsgenie export"):
        read_export({"notes.json": b'{"title": "x"}'}, hide_names=True)
    with pytest.raises(ExportInvalid, match="not a JSON file"):
        read_export({"log.txt": b"13:42 paged"}, hide_names=True)
    with pytest.raises(ExportInvalid, match="bad.zip: not a readable zip file"):
        read_export({"bad.zip": b"PK\x03\x04 not really"}, hide_names=True)


def test_files_of_two_formats_are_refused_together():
    pd = (FIXTURES / "pagerduty" / "log_entries.json").read_bytes()
    og = (FIXTURES / "opsgenie" / "alert-logs.json").read_bytes()
    with pytest.raises(ExportInvalid, match="different formats"):
        read_export({"pd.json": pd, "og.json": og}, hide_names=True)


def test_a_zip_that_unpacks_past_the_cap_is_refused_before_it_is_inflated(monkeypatch):
    monkeypatch.setattr("canvas.incident.exports.MAX_EXPORT_BYTES", 10_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("general/2019-07-02.json", "[" + " " * 20_000 + "]")
    assert len(buffer.getvalue()) < 1000
    with pytest.raises(ExportTooBig, match="larger than"):
        read_export({"big.zip": buffer.getvalue()}, hide_names=True)


def test_more_messages_than_a_preview_can_show_are_refused_with_the_limit(monkeypatch):
    monkeypatch.setattr(common, "MAX_MESSAGES", 3)
    with pytest.raises(ExportTooBig, match="holds 6 messages; at most 3 can be previewed"):
        read_one("pagerduty")


def test_a_page_of_a_paged_export_may_follow_another_in_one_file_or_in_a_list():
    teams = read_one("teams")
    assert [c.place for c in teams.candidates][-1] == "chat-messages.json, page 2, message 2"
    opsgenie = read_one("opsgenie")
    assert len(opsgenie.candidates) == 6


# --- people, stages, text -------------------------------------------------------------------


def test_roles_are_numbered_in_the_order_people_first_appear_and_stay_consistent():
    read = read_export(folder(SLACK), hide_names=True, slack_channel="incident-checkout")
    texts = [c.event.text for c in read.candidates]
    assert texts[1].startswith("Responder 1: I'm looking into it")
    assert texts[2].startswith("Responder 2: @Responder 1 ")
    assert texts[6].startswith("Responder 1: @here error rate back to normal") and "@Responder 3" in texts[6]
    assert not any(name in text for text in texts for name in ("Alice", "Bob", "Cara", "U01ALICE"))


def test_a_single_on_call_person_is_the_on_call_role_and_bots_keep_their_names():
    path = FIXTURES / "pagerduty" / "log_entries.json"
    data = json.loads(path.read_text())
    data["log_entries"] = [e for e in data["log_entries"] if e["type"] != "escalate_log_entry"
                           and e["agent"]["id"] != "PBOB001"]
    read = read_export({"log.json": json.dumps(data).encode()}, hide_names=True)
    assert [c.who for c in read.candidates] == ["Checkout API", "Checkout API", "On-call (PagerDuty)",
                                                "On-call (PagerDuty)"]
    assert read.candidates[2].text == "Acknowledged by On-call (PagerDuty)."


@pytest.mark.parametrize(("text", "stage"), [
    ("PagerDuty: checkout 5xx alert firing", Stage.detection),
    ("customers report failed payments", Stage.detection),
    ("investigating, looks like the WAF rule is the cause", Stage.diagnosis),
    ("rolling back the WAF rule now", Stage.repair),
    ("status page updated: monitoring the fix", Stage.communication),
    ("lunch anyone?", None),
    ("thanks all", None),
])
def test_the_stage_of_a_message_follows_the_rules_table(text, stage):
    assert guess_stage(text) is stage


def test_every_stage_has_rules():
    assert {stage for stage, _ in STAGE_RULES} == set(Stage)


def test_mrkdwn_links_mentions_and_escapes_become_plain_words():
    users = {"U1": {"name": "Bot Builder", "bot": True}}
    assert render_mrkdwn("<https://x.example/d|the dashboard> &amp; <http://y.example> <#C1|ops> "
                         "<!channel> &lt;@U1&gt; <@U1>", users, {}) == (
        "the dashboard (https://x.example/d) & http://y.example #ops @channel <@U1> @Bot Builder")


def test_html_bodies_lose_tags_scripts_and_entities():
    assert html_text('<p>a&nbsp;<b>bold</b>&lt;b&gt;</p><script>alert(1)</script><br>next'
                     '<img src=x onerror=alert(1)>') == "a bold<b> next"


def test_a_bad_slack_workspace_or_evidence_link_is_refused():
    assert workspace_name("Acme.slack.com") == "acme"
    with pytest.raises(ExportInvalid, match="is not a workspace name"):
        workspace_name("acme.example.com/evil")
    with pytest.raises(ExportInvalid, match="evidence link must be a web address"):
        path = FIXTURES / "opsgenie" / "alert-logs.json"
        read_export({path.name: path.read_bytes()}, hide_names=True, link="javascript:alert(1)")


def test_the_fallback_link_is_given_only_to_messages_without_their_own():
    path = FIXTURES / "teams" / "chat-messages.json"
    read = read_export({path.name: path.read_bytes()}, hide_names=True, link="https://wiki.example/inc/4812")
    links = [c.link for c in read.candidates]
    assert links.count("https://wiki.example/inc/4812") == 4
    assert links[3].startswith("https://teams.microsoft.com/l/message/")


# --- the preview -----------------------------------------------------------------------------


def test_the_preview_ticks_marked_messages_not_yet_on_the_timeline_and_keeps_corrections():
    read = read_one("opsgenie")
    live = [TimelineEvent(at=read.candidates[0].at, text=read.candidates[0].event.text)]
    result, rows = export_preview(read, live, "Europe/Berlin")
    assert [row["Add"] for row in rows] == [False, False, True, True, True, True]
    assert rows[0]["Note"].startswith("already on the timeline")
    assert rows[0]["Time"] == "2019-07-02 15:42:01 CEST"
    chosen = chosen_events(result, rows, {"edited_rows": {"1": {"Add": True, "Kind": "Escalated"}}})
    assert [event.kind for event in chosen] == [EventKind.escalated, EventKind.acknowledged, EventKind.escalated,
                                                EventKind.mitigated, EventKind.resolved]


def test_names_typed_as_words_become_roles_but_words_that_contain_them_do_not():
    from canvas.incident.exports.common import Message, People, candidates, person

    people = People({"U1": "Alice Martin", "U2": "Bob Okafor"}, "Responder", aliases={"U2": ["bobo"]})
    at = TimelineEvent(at="2019-07-02T13:42:00Z", text="x").at
    [found] = candidates([Message(at=at, who=person("U2"), place="m1",
                                  text="thanks alice martin, Alice and BOBO; malice and alice stay")],
                         people, hide_names=True)
    assert found.text == "thanks Responder 2, Responder 2 and Responder 1; malice and alice stay"
    assert found.who == "Responder 1"
    named = candidates([Message(at=at, who=person("U1"), text="thanks Alice", place="m1")],
                       People({"U1": "Alice Martin"}, "Responder"), hide_names=False)
    assert named[0].text == "thanks Alice", "names stay as typed where the board shows authors"

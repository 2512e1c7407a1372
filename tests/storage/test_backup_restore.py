"""Backups on a real SQLite file: export, restore as a new board, export again."""

import copy
import json
import os
import sqlite3
from datetime import date
from pathlib import Path

import psycopg
import pytest

from canvas.actions import ActionDraft, ActionType, SourceKind, Status, TriggerDraft, TriggerKind
from canvas.exports.backup import BackupInvalid, parse_backup
from canvas.exports.export import export_document
from canvas.exports.importing import plan_incident_import
from canvas.models import (
    BoardDetails, BoardDraft, Cadence, DisseminationDraft, DisseminationPlan, NoteColour, NoteDraft, Roles,
)
from canvas.session.phases import Credentials, Phase
from canvas.templates import get_template
from canvas.incident.timeline import parse_incident_file
from canvas.learnings import DecisionDraft, DecisionKind, EvidenceKind, FactorCategory, LearningDraft, WhyStep
from storage import (
    actions, boards, clusters, dissemination, events, facilitation, learnings, notes, participants,
    restore, votes,
)

INCIDENTS = Path(os.environ.get("POSTMORTEM_INCIDENTS_DIR",
                                Path(__file__).resolve().parents[3] / "shared" / "incidents"))
INCIDENT_FILES = sorted(INCIDENTS.glob("*.json"))


def build_board(db, incident: Path):
    """An imported incident, then a session on it: people, notes, a note tied
    to an event, a cluster, votes (one placed before grouping), actions, a
    trigger, details and a focus. Returns (board id, secrets that must never
    leave the database)."""
    plan = plan_incident_import(parse_incident_file(incident.read_text("utf-8")), get_template("blameless"))
    board, key = restore.import_board(db, plan)
    ann, ann_token = participants.join_board(db, board.id, "Ann")
    bob, bob_token = participants.join_board(db, board.id, "Bob")
    as_ann = Credentials(participant_id=ann.id)
    as_bob = Credentials(participant_id=bob.id)
    first = notes.add_note(db, board.id, "detect", NoteDraft(text="Alert on the error rate, not CPU"), as_ann)
    second = notes.add_note(db, board.id, "detect",
                            NoteDraft(text="Page the owner of the change\nwithin 5 minutes", colour=NoteColour.blue),
                            as_bob)
    question = notes.add_note(db, board.id, "react", NoteDraft(text="Who may roll back?", colour=NoteColour.green),
                              as_bob)
    gone = notes.add_note(db, board.id, "prevent", NoteDraft(text="Deleted before the export"), as_ann)
    notes.delete_note(db, board.id, gone.id, as_ann)
    timeline = events.list_events(db, board.id)
    notes.link_note_to_event(db, board.id, second.id, timeline[-1].id, as_bob)

    facilitation.set_phase(db, board.id, key, Phase.vote)
    votes.cast_vote(db, board.id, as_ann, first.id, 0)  # before it is grouped
    votes.cast_vote(db, board.id, as_bob, question.id, 0)
    votes.cast_vote(db, board.id, as_bob, question.id, 1)
    facilitation.set_phase(db, board.id, key, Phase.group)
    cluster = clusters.create_cluster(db, board.id, "detect", "Alerting", as_ann)
    clusters.move_notes(db, board.id, "detect", {first.id: cluster.id, second.id: cluster.id}, as_ann)
    facilitation.set_phase(db, board.id, key, Phase.vote)
    votes.cast_vote(db, board.id, as_ann, cluster.id, 0)
    facilitation.set_phase(db, board.id, key, Phase.discuss)  # reveals the votes
    facilitation.set_focus(db, board.id, key, cluster.id)

    actions.add_action(db, board.id, ActionDraft(
        title="Add an alert on the 5xx rate", owner="Ann", due_date=date(2030, 1, 31),
        type=ActionType.detect, success_signal="Fires within 3 minutes in a game day",
        source_kind=SourceKind.cluster, source_id=cluster.id, review_date=date(2030, 2, 28)))
    actions.add_action(db, board.id, ActionDraft(
        title="Rewrite the deploy tool", owner="Bob", status=Status.wont_do,
        status_reason="Replaced by the staged rollout action"))
    as_facilitator = Credentials(facilitator_key=key)
    factor = notes.list_notes(db, board.id, "contributing-factors")[0]
    learnings.set_category(db, board.id, factor.id, FactorCategory.process, as_bob)
    learnings.save_whys(db, board.id, factor.id, [WhyStep(why="Why was it deployed everywhere?",
                                                          because="The rollout had one stage"),
                                                  WhyStep(why="Why one stage?")], as_facilitator)
    on_event = learnings.add_learning(db, board.id, LearningDraft(
        text="a single rule change reaches every machine at once", evidence_kind=EvidenceKind.event,
        evidence_id=timeline[0].id), as_ann)
    learnings.add_learning(db, board.id, LearningDraft(
        text="We learned that alerts watch CPU, not errors", evidence_kind=EvidenceKind.cluster,
        evidence_id=cluster.id), as_bob)
    learnings.add_learning(db, board.id, LearningDraft(
        text="roll-back rights are unclear", evidence_kind=EvidenceKind.note,
        evidence_id=question.id), as_bob)
    decision = learnings.set_decision(db, board.id, on_event.id, DecisionDraft(
        kind=DecisionKind.guardrail, text="Stage every rule change", trade_off="Slower rollouts"),
        as_ann)
    learnings.add_action_for_decision(db, board.id, decision.id, ActionDraft(
        title="Staged rollout for rule changes", owner="Dee", due_date=date(2030, 3, 1)), as_ann)
    actions.add_trigger(db, board.id, TriggerDraft(
        signal="Error rate above 2% for 5 minutes after a deploy", kind=TriggerKind.roll_back,
        response="Roll back without waiting for a diagnosis"))
    current = boards.get_board(db, board.id)
    boards.update_details(db, board.id, BoardDetails(
        title=current.title, summary=current.summary, impact="Customers saw errors.",
        incident_date=current.incident_date, review_date=date(2030, 1, 10), severity=current.severity,
        roles=Roles(facilitator="Fran", scribe="Sam", decision_owner="Dee"),
        other_participants="Support on call", timezone="Europe/Berlin"), current.details_version)
    token_hashes = [row[0] for row in db.execute("SELECT token_hash FROM participants")]
    key_hashes = [row[0] for row in db.execute("SELECT key_hash FROM facilitator_keys")]
    secrets = [key, ann_token, bob_token, ann.id, bob.id, *token_hashes, *key_hashes]
    return board.id, secrets


def export(db, board_id) -> dict:
    snapshot, by_person = restore.load_snapshot_and_votes(db, board_id)
    return json.loads(json.dumps(export_document(snapshot, by_person)))


def without_votes(document: dict) -> dict:
    """A backup with its format and vote sections left out: what a release
    before backup-2 (votes kept apart from names) wrote the same."""
    return {key: value for key, value in document.items() if key not in {"format", "votes", "tallies"}}


def without_identity(document: dict) -> dict:
    document = copy.deepcopy(document)
    del document["board"]["id"], document["board"]["created_at"]
    return document


@pytest.mark.parametrize("incident", INCIDENT_FILES, ids=lambda path: path.stem)
def test_export_restore_export_is_identical_apart_from_id_and_creation_time(db, incident):
    board_id, _ = build_board(db, incident)
    before = export(db, board_id)
    assert len(before["notes"]) >= 3 and before["clusters"] and before["votes"] and before["actions"]

    restored, key = restore.restore_board(db, parse_backup(json.dumps(before)))

    after = export(db, restored.id)
    assert restored.id != board_id and after["board"]["id"] == restored.id
    assert without_identity(after) == without_identity(before)
    assert facilitation.is_facilitator(db, restored.id, key)


def test_the_restored_board_has_the_same_votes_links_and_settings(db):
    board_id, _ = build_board(db, INCIDENT_FILES[0])
    restored, _ = restore.restore_board(db, parse_backup(json.dumps(export(db, board_id))))
    original, copy_ = boards.get_board(db, board_id), boards.get_board(db, restored.id)
    for field in ("title", "summary", "impact", "roles", "timezone", "phase", "vote_budget",
                  "vote_max_per_item", "votes_revealed", "review_date", "severity"):
        assert getattr(copy_, field) == getattr(original, field), field
    assert sorted(votes.tallies(db, restored.id).values()) == sorted(votes.tallies(db, board_id).values())
    linked = [note for note in notes.list_notes(db, restored.id) if note.event_id]
    assert [note.text for note in linked] == ["Page the owner of the change\nwithin 5 minutes"]
    assert linked[0].event_id in {event.id for event in events.list_events(db, restored.id)}
    focus = copy_.focus_item
    assert focus in {cluster.id for cluster in clusters.list_clusters(db, restored.id)}
    sourced = [action for action in actions.list_actions(db, restored.id) if action.source_id]
    assert [action.source_id for action in sourced] == [focus]  # still points at the cluster
    assert [p.display_name for p in participants.list_participants(db, restored.id)] == ["Ann", "Bob"]


def test_the_restored_board_keeps_factors_whys_learnings_and_decisions(db):
    board_id, _ = build_board(db, INCIDENT_FILES[0])
    restored, _ = restore.restore_board(db, parse_backup(json.dumps(export(db, board_id))))
    factors = notes.list_notes(db, restored.id, "contributing-factors")
    assert factors[0].category == FactorCategory.process
    [chain] = learnings.list_whys(db, restored.id)
    assert chain.item_id == factors[0].id and len(chain.steps) == 2
    found = learnings.list_learnings(db, restored.id)
    assert [learning.evidence_kind for learning in found] == [
        EvidenceKind.event, EvidenceKind.cluster, EvidenceKind.note]
    assert found[0].evidence_id in {event.id for event in events.list_events(db, restored.id)}
    [decision] = learnings.list_decisions(db, restored.id)
    assert decision.learning_id == found[0].id and decision.trade_off == "Slower rollouts"
    [action_id] = decision.action_ids
    assert actions.get_action(db, restored.id, action_id).title == "Staged rollout for rule changes"


def test_a_backup_holds_no_secrets_and_no_authors(db):
    board_id, secrets = build_board(db, INCIDENT_FILES[0])
    text = json.dumps(export(db, board_id))
    for secret in secrets:
        assert secret not in text
    assert '"author' not in text and "token" not in text and "key_hash" not in text
    assert "Deleted before the export" not in text


def test_a_closed_board_restores_closed_with_its_reason_for_closing(db):
    board_id, secrets = build_board(db, INCIDENT_FILES[0])
    facilitation.set_phase(db, board_id, secrets[0], Phase.closed, "Owners are picked on Monday")
    document = export(db, board_id)
    assert document["board"]["close_reason"] == "Owners are picked on Monday"
    restored, _ = restore.restore_board(db, parse_backup(json.dumps(document)))
    assert (restored.phase, restored.close_reason) == (Phase.closed, "Owners are picked on Monday")
    assert len(events.list_events(db, restored.id)) == len(events.list_events(db, board_id))


def test_follow_through_and_the_process_review_survive_export_and_restore(db):
    board_id, secrets = build_board(db, INCIDENT_FILES[0])
    key = secrets[0]
    dissemination.save_dissemination_plan(db, board_id, DisseminationPlan(
        follow_up_date=date(2030, 4, 1), impact_review=Cadence.fortnightly,
        impact_review_start=date(2030, 1, 20),
        entries=[DisseminationDraft(audience="Support", channel="#support", day=date(2030, 1, 12),
                                    owner="Sue"),
                 DisseminationDraft(audience="Customers", channel="Status page")]))
    actions.add_action(db, board_id, ActionDraft(
        title="Tell customers about the new status page alerts", owner="Cy",
        due_date=date(2030, 2, 1), customer_facing=True))
    facilitation.set_phase(db, board_id, key, Phase.closed, "Owners are picked on Monday")
    facilitation.record_process_review(db, board_id, key, "Send the draft timeline a day before")
    document = export(db, board_id)

    restored, _ = restore.restore_board(db, parse_backup(json.dumps(document)))

    board = boards.get_board(db, restored.id)
    assert (board.review_date, board.follow_up_date) == (date(2030, 1, 10), date(2030, 4, 1))
    assert (board.impact_review, board.impact_review_start) == (Cadence.fortnightly, date(2030, 1, 20))
    assert board.process_review == "Send the draft timeline a day before"
    assert [(e.audience, e.channel, e.day, e.owner)
            for e in dissemination.list_dissemination(db, restored.id)] == [
        ("Support", "#support", date(2030, 1, 12), "Sue"), ("Customers", "Status page", None, "")]
    assert [a.title for a in actions.list_actions(db, restored.id) if a.customer_facing] == [
        "Tell customers about the new status page alerts"]
    assert without_identity(export(db, restored.id)) == without_identity(document)


def test_a_backup_without_a_follow_up_date_follows_up_on_the_review_day_unless_it_says_none(db):
    board_id, _ = build_board(db, INCIDENT_FILES[0])
    document = export(db, board_id)
    # This board set a review meeting and no follow-up review: the backup says so.
    assert document["board"]["follow_up_date"] is None and document["board"]["review_date"]
    restored, _ = restore.restore_board(db, parse_backup(json.dumps(document)))
    assert boards.get_board(db, restored.id).follow_up_date is None
    # A backup made before the two dates were told apart: the upgrade's rule (0017).
    del document["board"]["follow_up_date"]
    restored, _ = restore.restore_board(db, parse_backup(json.dumps(document)))
    assert boards.get_board(db, restored.id).follow_up_date == date(2030, 1, 10)
    assert "follow_up_date" not in export(db, restored.id)["board"]


def test_a_lessons_learned_boards_engagement_roles_survive_export_and_restore(db):
    board = facilitation.start_board(db, BoardDraft(
        title="Acme migration engagement", template="lessons-learned", facilitator_name="Fran")).board
    boards.update_details(db, board.id, BoardDetails(title=board.title, roles=Roles(
        facilitator="Fran", engagement={"SAL": "Ana", "TAM": "", "Manager": "Mo"})),
        board.details_version)
    document = export(db, board.id)
    assert document["board"]["roles"]["engagement"] == {"SAL": "Ana", "Manager": "Mo"}
    restored, _ = restore.restore_board(db, parse_backup(json.dumps(document)))
    roles = boards.get_board(db, restored.id).roles
    assert roles.named() == [("facilitator", "Fran"), ("SAL", "Ana"), ("Manager", "Mo")]
    assert without_identity(export(db, restored.id)) == without_identity(document)


def test_a_restore_that_fails_halfway_writes_nothing(db):
    board_id, _ = build_board(db, INCIDENT_FILES[0])
    plan = parse_backup(json.dumps(export(db, board_id)))
    counts = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in ("boards", "participants", "notes", "events", "votes", "actions",
                             "learnings", "decisions", "whys")}
    # The last table restore writes refuses every row, as a full disk would.
    if db.is_postgres:
        db.execute("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql "
                   "AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$")
        db.execute("CREATE TRIGGER refuse BEFORE INSERT ON triggers FOR EACH ROW EXECUTE FUNCTION refuse()")
    else:
        db.execute("CREATE TRIGGER refuse BEFORE INSERT ON triggers BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.RaiseException), match="disk full"):
        restore.restore_board(db, plan)
    assert {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in counts} == counts


# --- reading a backup ------------------------------------------------------------------


@pytest.fixture
def document(db):
    board_id, _ = build_board(db, INCIDENT_FILES[0])
    return export(db, board_id)


def broken(document: dict, change) -> str:
    document = copy.deepcopy(document)
    change(document)
    return json.dumps(document)


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(format="postmortem-canvas/1"),
     "format: expected 'postmortem-canvas/backup-2' or 'postmortem-canvas/backup-1', found 'postmortem-canvas/1'"),
    (lambda d: d["board"].update(template="nope"), "board.template: There is no template called 'nope'"),
    (lambda d: d["board"].update(timezone="Mars/Olympus"), "board.timezone: unknown time zone"),
    (lambda d: d["board"].update(vote_budget=2, vote_max_per_item=3), "vote_max_per_item cannot exceed"),
    (lambda d: d["notes"][0].update(text="  "), "notes[0].text: A note cannot be empty"),
    (lambda d: d["notes"][0].update(step="nowhere"), "notes[0].step: template 'blameless' has no sticky-note"),
    (lambda d: d["notes"][1].update(cluster="cluster-9"), "notes[1].cluster: no cluster 'cluster-9'"),
    (lambda d: d["notes"][1].update(number=d["notes"][0]["number"]), "notes[1].number: note number"),
    (lambda d: d["events"][0].update(at="2019-07-02T13:42:00"), "events[0].at: time has no zone"),
    (lambda d: d["votes"][0].update(voter=7), "votes[0].voter: voter 7, but only 2 participants"),
    (lambda d: d["votes"][0].update(participant=0), "votes[0].participant: votes are not tied"),
    (lambda d: d.update(format="postmortem-canvas/backup-1"), "votes[0].participant: needed"),
    (lambda d: d["tallies"][0].update(count=d["tallies"][0]["count"] + 1), "but the votes hold"),
    (lambda d: d.update(votes=[], tallies=[{"item": "note-1", "count": 7}]),
     "tallies: 7 dots on 'note-1', more than 2 participants can hold with 3 per item"),
    (lambda d: d.update(votes=[], tallies=[{"item": "action-1", "count": 1}]),
     "tallies[0].item: no cluster or note 'action-1'"),
    (lambda d: d["votes"][0].update(item="action-1"), "votes[0].item: no cluster or note 'action-1'"),
    (lambda d: d["votes"][0].update(count=9), "the board allows 3"),
    (lambda d: d["actions"][0].update(source_kind="cluster", source="note-99"), "actions[0].source: no cluster 'note-99'"),
    (lambda d: d["participants"].append(""), "participants[2]: A display name cannot be empty"),
    (lambda d: d["learnings"][0].update(evidence="action-1"), "learnings[0].evidence: no event or note or cluster 'action-1'"),
    (lambda d: d["decisions"][0].update(kind="wish"), "decisions[0].kind"),
    (lambda d: d["decisions"][0].update(actions=["learning-2"]), "decisions[0].actions[0]: no action 'learning-2'"),
    (lambda d: d["whys"][0].update(item="note-1") if d["notes"][0]["step"] != "contributing-factors" else d["whys"][0].update(item="cluster-1"), "is not a contributing factor"),
    (lambda d: next(n for n in d["notes"] if n["step"] == "detect").update(category="tech"), "category: only contributing factors"),
])
def test_a_broken_backup_is_refused_naming_the_place(document, change, message):
    with pytest.raises(BackupInvalid) as caught:
        parse_backup(broken(document, change))
    assert message in str(caught.value)


def test_text_that_is_not_json_is_refused_with_its_line():
    with pytest.raises(BackupInvalid, match="line 1, column 2: not valid JSON"):
        parse_backup("{format")
    with pytest.raises(BackupInvalid, match="top level"):
        parse_backup("[]")

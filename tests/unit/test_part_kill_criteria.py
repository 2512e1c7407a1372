"""The kill criteria part as the board draws it: each criterion with its
signal, kind and response, the advice that keeps it observable, and a
fingerprint that changes whenever what it says changes."""

import json
from datetime import UTC, datetime

from canvas.actions import Trigger, TriggerKind, trigger_fingerprint
from canvas.models import Board, Note, Participant
from canvas.session.live_view import ViewBuilder
from canvas.session.parts import kill_criteria as part
from canvas.session.phases import Phase
from canvas.session.visibility import Viewer
from canvas.snapshot import BoardSnapshot

T0 = datetime(2024, 1, 1, tzinfo=UTC)
BOARD = "B" * 24
ANA, BEN = "p-ana", "p-ben"


def trigger(number: int, signal: str, response: str, kind: str = "pause") -> Trigger:
    return Trigger(id=f"k{number}", board_id=BOARD, created_at=T0, signal=signal, kind=kind, response=response)


def snapshot(triggers, phase: Phase = Phase.discuss, notes=()) -> BoardSnapshot:
    board = Board(id=BOARD, title="Checkout errors", template="blameless", created_at=T0, revision=3,
                  details_version=1, phase=phase)
    people = [Participant(id=pid, board_id=BOARD, display_name=pid, joined_at=T0, last_seen_at=T0)
              for pid in (ANA, BEN)]
    return BoardSnapshot(board=board, participants=people, triggers=list(triggers), notes=list(notes))


OBSERVABLE = trigger(1, "checkout errors above 2% for 10 minutes", "Roll back the release", "roll_back")
VAGUE = trigger(2, "things look bad", "Discuss it with the team")


def test_each_criterion_is_a_card_with_its_signal_kind_and_response():
    [card] = part.build(snapshot([OBSERVABLE]))["criteria"]
    assert {k: card[k] for k in ("id", "signal", "kind", "kind_label", "response", "tips")} == {
        "id": "k1", "signal": "checkout errors above 2% for 10 minutes", "kind": "roll_back",
        "kind_label": "Roll back", "response": "Roll back the release", "tips": []}
    assert card["seen"] == trigger_fingerprint(OBSERVABLE)


def test_a_signal_nobody_could_see_and_a_response_that_is_only_talk_get_the_tips():
    [card] = part.build(snapshot([VAGUE]))["criteria"]
    assert [tip.split(":")[0] for tip in card["tips"]] == [
        "Name a signal anyone can see happen", "“Discuss” is not a response decided in advance"]


def test_the_fingerprint_changes_with_the_signal_the_kind_or_the_response_and_only_then():
    seen = trigger_fingerprint(OBSERVABLE)
    assert trigger_fingerprint(OBSERVABLE.model_copy(update={"id": "k9"})) == seen
    for change in ({"signal": "checkout errors above 3% for 10 minutes"}, {"kind": TriggerKind.pause},
                   {"response": "Roll back the release now"}):
        assert trigger_fingerprint(OBSERVABLE.model_copy(update=change)) != seen


def test_the_kinds_offered_are_every_kind_with_its_label():
    kinds = part.build(snapshot([]))["kinds"]
    assert [k["key"] for k in kinds] == ["pause", "pivot", "kill", "escalate", "add_investment",
                                        "roll_back", "drop", "other"]
    assert kinds[4]["label"] == "Add investment" and kinds[5]["label"] == "Roll back"


def test_in_write_a_participants_part_holds_none_of_another_persons_note_text():
    note = Note(id="n1", board_id=BOARD, step_key="detect", text="ana-private-canary-idea", colour="yellow",
                author_id=ANA, created_at=T0, updated_at=T0, number=1, position=1)
    shot = snapshot([OBSERVABLE], Phase.write, notes=[note])
    view = ViewBuilder(shot).view(Viewer(participant_id=BEN), my_votes={}, present=[])
    raw = json.dumps(view["parts"]["kill_criteria"])
    assert "ana-private" not in raw and "checkout errors above 2%" in raw

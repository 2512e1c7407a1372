"""A deterministic pre-mortem board: before a launch, the team imagines it
failed, lists how and why, turns the likeliest causes into kill criteria
with who makes the call (one typed with a pipe, which must stay in its
cell), and sets next steps. No timeline, no learnings:
nothing has happened yet."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from canvas.actions import ActionType, FollowUp, Priority, Trigger, TriggerKind
from canvas.models import (
    Board, DisseminationEntry, Intake, Note, NoteColour, Participant, ReviewType, Roles, Severity,
)
from canvas.session.phases import Phase
from canvas.snapshot import BoardSnapshot

BOARD_ID = "PreMortemFixture00000001"
T0 = datetime(2026, 12, 14, 10, 0, tzinfo=UTC)
TODAY = date(2026, 12, 15)


def _note(number: int, step: str, text: str, assumption: bool = False) -> Note:
    stamp = T0 + timedelta(minutes=number)
    return Note(id=f"n{number}", board_id=BOARD_ID, step_key=step, text=text,
                colour=NoteColour.yellow, author_id="p2", created_at=stamp, updated_at=stamp,
                number=number, position=number, is_assumption=assumption)


def premortem_snapshot() -> BoardSnapshot:
    board = Board(
        id=BOARD_ID, template="pre-mortem", created_at=T0, revision=7, details_version=2,
        title="Pre-mortem: EU data residency launch", severity=Severity.none,
        review_type=ReviewType.premortem, review_date=date(2026, 12, 14),
        follow_up_date=date(2027, 1, 29),
        summary="By 31 March every EU customer's data is stored and processed in Frankfurt.",
        roles=Roles(facilitator="Noor", scribe="Ola", decision_owner="Pat"),
        invitees="Ola <ola@example.com>\nRui",
        intake=Intake(reviewed="The EU data residency launch", period_start=date(2027, 1, 4),
                      period_end=date(2027, 3, 31),
                      desired_outcome="Kill criteria and owners agreed before the work starts",
                      evidence="Launch plan\nVendor contract draft"),
        phase=Phase.discuss, votes_revealed=True, timezone="Europe/Berlin",
    )
    participants = [Participant(id=f"p{index}", board_id=BOARD_ID, display_name=name,
                                joined_at=T0, last_seen_at=T0)
                    for index, name in enumerate(["Noor", "Ola"], start=1)]
    notes = [
        _note(1, "how-it-failed", "Migration ran past the deadline and customers stayed in the US"),
        _note(2, "how-it-failed", "Latency doubled for EU users after the switch"),
        _note(3, "likely-causes", "The backup vendor has no Frankfurt region yet", assumption=True),
        _note(4, "likely-causes", "Two teams own the data path and neither owns the cut-over"),
        _note(5, "likely-causes", "Load tests ran on a tenth of the real traffic"),
        _note(6, "kill-criteria", "Would a slipped vendor date stop us?"),
    ]
    actions = [
        FollowUp(id="a1", board_id=BOARD_ID, created_at=T0, updated_at=T0,
                 title="Confirm the backup vendor's Frankfurt region in writing", owner="Pat",
                 due_date=date(2027, 1, 8), type=ActionType.prevent, priority=Priority.high,
                 success_signal="Signed region commitment on file"),
        FollowUp(id="a2", board_id=BOARD_ID, created_at=T0 + timedelta(minutes=1),
                 updated_at=T0, title="Name one owner for the cut-over", owner="Rui",
                 due_date=date(2026, 12, 18), type=ActionType.process, priority=Priority.medium,
                 success_signal="Owner named in the launch plan"),
        FollowUp(id="a3", board_id=BOARD_ID, created_at=T0 + timedelta(minutes=2),
                 updated_at=T0, title="Load test at full EU traffic", type=ActionType.prevent),
    ]
    triggers = [
        Trigger(id="t1", board_id=BOARD_ID, created_at=T0, kind=TriggerKind.pause,
                signal="Vendor region not confirmed by 2027-01-15",
                response="Pause the migration and move the launch by a quarter", owner="Pat"),
        Trigger(id="t2", board_id=BOARD_ID, created_at=T0, kind=TriggerKind.roll_back,
                signal="EU p95 latency above 400 ms for 30 minutes after a cut-over",
                response="Roll the tenant back to the US region the same day", owner="Rui"),
        Trigger(id="t3", board_id=BOARD_ID, created_at=T0, kind=TriggerKind.escalate,
                signal="Fewer than 20% of tenants migrated by 2027-02-28",
                response="Take the launch date to the leadership review that week",
                owner="Pat | launch lead"),
    ]
    dissemination = [
        DisseminationEntry(id="m1", board_id=BOARD_ID, position=0, audience="Launch team",
                           channel="Launch channel", day=date(2026, 12, 16), owner="Ola"),
    ]
    return BoardSnapshot(board=board, participants=participants, notes=notes, actions=actions,
                         triggers=triggers, dissemination=dissemination)

"""Each calendar UID's SEQUENCE, kept in the database: it starts at 0, rises
by one when what the event says changes, and never rises twice for one
change, even when several connections write the same file at once."""

import threading
from datetime import UTC, date, datetime

from canvas.exports.calendar import CalendarEvent
from storage import calendar_events
from storage.db import connect, write_transaction

MONDAY = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
TUESDAY = datetime(2026, 3, 3, 17, 40, tzinfo=UTC)
WEDNESDAY = datetime(2026, 3, 4, 11, 5, tzinfo=UTC)


def due(uid: str = "a1@postmortem-canvas", day: date = date(2026, 3, 20),
        summary: str = "Due: Add an alert") -> CalendarEvent:
    return CalendarEvent(uid=uid, day=day, summary=summary, description="Owner: Ann")


def test_an_event_seen_first_starts_at_zero_and_keeps_it_while_unchanged(db):
    first = calendar_events.revisions(db, [due()], MONDAY)
    again = calendar_events.revisions(db, [due()], TUESDAY)
    assert first == again
    assert (first[due().uid].sequence, first[due().uid].changed_at) == (0, MONDAY)


def test_a_moved_date_raises_the_sequence_and_moving_it_back_raises_it_again(db):
    calendar_events.revisions(db, [due()], MONDAY)
    moved = calendar_events.revisions(db, [due(day=date(2026, 3, 27))], TUESDAY)[due().uid]
    back = calendar_events.revisions(db, [due()], WEDNESDAY)[due().uid]
    assert (moved.sequence, moved.changed_at) == (1, TUESDAY)
    assert (back.sequence, back.changed_at) == (2, WEDNESDAY)


def test_only_the_event_that_changed_rises(db):
    others = [due(uid=f"a{n}@postmortem-canvas") for n in range(2, 5)]
    calendar_events.revisions(db, [due(), *others], MONDAY)
    after = calendar_events.revisions(db, [due(summary="Due: Add an alert, paging"), *others],
                                      TUESDAY)
    assert {uid: revision.sequence for uid, revision in after.items()} == {
        due().uid: 1, **{event.uid: 0 for event in others}}


def test_a_feed_larger_than_one_statement_is_read_and_written_whole(db):
    many = [due(uid=f"a{n}@postmortem-canvas") for n in range(calendar_events.CHUNK * 2 + 7)]
    assert {r.sequence for r in calendar_events.revisions(db, many, MONDAY).values()} == {0}
    many[-1] = due(uid=many[-1].uid, day=date(2026, 4, 1))
    after = calendar_events.revisions(db, many, TUESDAY)
    assert len(after) == len(many)
    assert [uid for uid, revision in after.items() if revision.sequence] == [many[-1].uid]


def test_nothing_is_written_when_nothing_changed(db_file, db):
    calendar_events.revisions(db, [due()], MONDAY)
    other = connect(db_file)
    try:
        # Another writer holds the database; an unchanged file must not wait for it.
        with write_transaction(other):
            other.execute('UPDATE "calendar_events" SET "changed_at" = "changed_at"')
            with connect(db_file) as reader:
                revision = calendar_events.revisions(reader, [due()], TUESDAY)[due().uid]
    finally:
        other.close()
    assert (revision.sequence, revision.changed_at) == (0, MONDAY)


def test_writers_at_once_raise_a_changed_event_once(db_file, db):
    writers = 6
    calendar_events.revisions(db, [due()], MONDAY)
    moved = due(day=date(2026, 3, 27))
    start = threading.Barrier(writers)
    seen, errors = [], []

    def write() -> None:
        try:
            with connect(db_file) as own:
                start.wait(timeout=30)
                seen.append(calendar_events.revisions(own, [moved], TUESDAY)[moved.uid].sequence)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and seen == [1] * writers
    assert calendar_events.revisions(db, [moved], WEDNESDAY)[moved.uid].sequence == 1

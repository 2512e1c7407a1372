"""What each page sends a participant while people write, and a power
revoked between drawing a page and clicking on it (AppTest)."""

import pytest
from streamlit.testing.v1 import AppTest

from canvas.session.phases import Credentials, Phase
from canvas.incident.timeline import TimelineEvent
from storage import events, facilitation, notes
from storage.db import connect
from tests.pages.conftest import ROOT, add_note, create_board, facilitator_key, join, page

ANN_TEXT = "Ann-secret-7f3: the canary skipped the EU shard?"
BOB_TEXT = "Bob-own-2c9: alert on the p99 of checkout"


def everything_drawn(at: AppTest) -> str:
    """Every element of the last run as protobuf text: what the page sent."""
    out: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


@pytest.fixture
def writing(app, db_file):
    """Fran's board in Write: Ann and Bob each wrote a note; Ann's is tied to an event."""
    board_id = create_board(app)
    ann, bob = join(board_id, "Ann"), join(board_id, "Bob")
    add_note(ann, ANN_TEXT)
    add_note(bob, BOB_TEXT)
    db = connect(db_file)
    moment = events.add_event(db, board_id, TimelineEvent(at="2019-07-02T13:42:00Z",
                                                          kind="detected", text="Paged"))
    [ann_note] = [n for n in notes.list_notes(db, board_id) if n.text == ANN_TEXT]
    notes.link_note_to_event(db, board_id, ann_note.id, moment.id,
                             Credentials(participant_id=ann_note.author_id))
    return board_id, db, bob


PAGES = ["board.py", "step.py", "check.py", "export.py", "timeline.py", "summary.py", "actions.py",
         "facilitate.py"]


@pytest.mark.parametrize("revealed", [False, True])
def test_in_write_no_page_sends_another_persons_note(app, writing, revealed):
    board_id, db, bob = writing
    if revealed:
        # Votes revealed early: the board then ranks items, but only Bob's own.
        facilitation.reveal_votes(db, board_id, facilitator_key(app), True)
    for name in PAGES:
        bob.switch_page(page(name)).run()
        assert not bob.exception, (name, bob.exception)
        sent = everything_drawn(bob)
        assert "Ann-secret-7f3" not in sent, name
    # The same capture does hold what Bob may see: the check can fail.
    bob.switch_page(page("export.py")).run()
    assert "Bob-own-2c9" in everything_drawn(bob)
    assert any("left out" in info.value for info in bob.info)


def test_in_write_the_facilitator_sees_counts_not_texts(app, writing):
    app.switch_page(page("step.py")).run()
    sent = everything_drawn(app)
    assert "Ann-secret-7f3" not in sent and "Bob-own-2c9" not in sent
    assert any("others have written 2 here" in c.value for c in app.caption)
    facilitation.set_phase(writing[1], writing[0], facilitator_key(app), Phase.group)
    app.run()
    assert "Ann-secret-7f3" in everything_drawn(app)


def test_a_co_facilitator_revoked_after_the_page_was_drawn_cannot_delete_a_note(app, db_file):
    board_id = create_board(app)
    ann = join(board_id, "Ann")
    add_note(ann, "Ann's note")
    db = connect(db_file)
    co_key = facilitation.issue_facilitator_key(db, board_id, facilitator_key(app),
                                                revoke_others=False)
    cole = AppTest.from_string((ROOT / "app.py").read_text(), default_timeout=30)
    cole.query_params["board"] = board_id
    cole.query_params["facilitator"] = co_key
    cole.run()
    cole.text_input(key="join_name").input("Cole")
    cole.button(key="FormSubmitter:join-Join the board").click().run()
    facilitation.set_phase(db, board_id, facilitator_key(app), Phase.group)
    cole.switch_page(page("step.py")).run()
    [note] = notes.list_notes(db, board_id)
    delete = cole.button(key=f"edit_delete_{note.id}")  # drawn: Cole facilitates now

    # Fran hands the session over, which revokes Cole's link; then Cole clicks.
    facilitation.issue_facilitator_key(db, board_id, facilitator_key(app), revoke_others=True)
    delete.click().run()
    assert not cole.exception
    assert [n.id for n in notes.list_notes(db, board_id)] == [note.id], "the note is still there"
    assert any("Only the person who wrote this note" in e.value for e in cole.error)
    assert not _has_button(cole, note.id), "once revoked, the control is no longer offered"


def _has_button(at: AppTest, note_id: str) -> bool:
    return any(button.key == f"edit_delete_{note_id}" for button in at.button)

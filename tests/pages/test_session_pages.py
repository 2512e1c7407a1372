"""Facilitator-only controls and participants' actions through the pages (AppTest)."""

from canvas.session.phases import Credentials, Phase
from storage import boards, facilitation, notes, participants, votes
from storage.db import connect
from tests.pages.conftest import (add_note, board_notes, create_board, facilitator_key, join,
                                  live_data, page)

def test_only_the_facilitator_gets_the_phase_controls(app):
    board_id = create_board(app)
    app.switch_page(page("facilitate.py")).run()
    assert app.button(key="facil_phase_group")
    assert live_data(app)["view"]["me"]["is_facilitator"] is True

    ann = join(board_id, "Ann")
    ann.switch_page(page("facilitate.py")).run()
    assert [b.key for b in ann.button if b.key and b.key.startswith("facil_")] == []
    assert live_data(ann)["view"]["me"]["is_facilitator"] is False
    assert "Only the facilitator" in ann.warning[0].value


def test_the_facilitator_advances_the_phase_and_participants_see_it(app, db_file):
    board_id = create_board(app)
    ann = join(board_id, "Ann")
    app.switch_page(page("facilitate.py")).run()
    app.button(key="facil_phase_group").click().run()
    assert boards.get_board(connect(db_file), board_id).phase == Phase.group
    ann.run()
    assert live_data(ann)["view"]["board"]["phase"] == "group"


def test_a_forged_facilitator_key_gives_no_controls(app, db_file):
    board_id = create_board(app)
    mallory = join(board_id, "Mallory")
    mallory.session_state["identities"][board_id]["facilitator_key"] = "forged-key"
    mallory.switch_page(page("facilitate.py")).run()
    assert "Only the facilitator" in mallory.warning[0].value
    assert boards.get_board(connect(db_file), board_id).phase == Phase.write


def test_write_phase_keeps_notes_private_until_group(app, db_file):
    board_id = create_board(app)
    ann, bob = join(board_id, "Ann"), join(board_id, "Bob")
    add_note(ann, "Ann's private idea")
    bob.switch_page(page("step.py")).run()
    assert "Ann's private idea" not in [t.value for t in bob.text]
    assert any("others have written 1" in c.value for c in bob.caption)
    assert "Ann's private idea" not in [n["text"] for n in board_notes(bob)]
    facilitation.set_phase(connect(db_file), board_id, facilitator_key(app), Phase.group)
    assert "Ann's private idea" in [n["text"] for n in board_notes(bob)]


def test_the_facilitator_sees_how_many_have_voted_and_not_for_what(app, db_file):
    board_id = create_board(app)
    ann = join(board_id, "Ann")
    join(board_id, "Bob")
    add_note(ann, "one")
    add_note(ann, "two")
    db = connect(db_file)
    facilitation.set_phase(db, board_id, facilitator_key(app), Phase.vote)
    first, second = notes.list_notes(db, board_id)
    ids = {person.display_name: person.id for person in participants.list_participants(db, board_id)}
    for name, item in (("Ann", first), ("Ann", second), ("Bob", first)):
        votes.cast_vote(db, board_id, Credentials(participant_id=ids[name]), item.id, 0)
    app.switch_page(page("facilitate.py")).run()
    assert "2 people have placed 3 votes so far." in [c.value for c in app.caption]
    assert not any("one" in t.value or "two" in t.value for t in app.text)


def test_the_timer_everyone_sees_and_its_end(app, db_file):
    board_id = create_board(app)
    ann = join(board_id, "Ann")
    app.switch_page(page("facilitate.py")).run()
    app.number_input(key="facil_minutes").set_value(2.0)
    app.button(key="facil_timer_start").click().run()
    ann.run()
    ends = live_data(ann)["view"]["board"]["timer_ends_at"]
    assert ends == boards.get_board(connect(db_file), board_id).timer_ends_at.isoformat()
    app.button(key="facil_timer_stop").click().run()
    ann.run()
    assert live_data(ann)["view"]["board"]["timer_ends_at"] is None


def test_authors_are_hidden_until_the_facilitator_shows_them(app, db_file):
    board_id = create_board(app)
    ann = join(board_id, "Ann")
    add_note(ann, "a note by Ann")
    facilitation.set_phase(connect(db_file), board_id, facilitator_key(app), Phase.group)
    assert [n["author"] for n in board_notes(app)] == [None]
    app.switch_page(page("facilitate.py")).run()
    app.toggle(key="facil_authors").set_value(True).run()
    assert [n["author"] for n in board_notes(ann)] == ["Ann"]

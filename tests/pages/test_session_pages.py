"""Facilitator-only controls and participants' actions through the pages (AppTest)."""

from canvas.session.phases import Credentials, Phase
from canvas.session.voting import VoteBudgetExceeded, VoteRules
from storage import boards, facilitation, notes, votes
from storage.db import connect
from tests.pages.conftest import add_note, create_board, facilitator_key, join, live_data, page

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
    facilitation.set_phase(connect(db_file), board_id, facilitator_key(app), Phase.group)
    bob.switch_page(page("overview.py")).run()
    assert "Ann's private idea" in [t.value for t in bob.text]


def test_a_vote_beyond_the_budget_is_refused_with_a_message(app, db_file):
    board_id = create_board(app)
    ann = join(board_id, "Ann")
    add_note(ann, "one")
    add_note(ann, "two")
    db = connect(db_file)
    key = facilitator_key(app)
    facilitation.set_phase(db, board_id, key, Phase.vote)
    facilitation.set_vote_rules(db, board_id, key, VoteRules(budget=1, max_per_item=1))
    first, second = notes.list_notes(db, board_id)
    ann.switch_page(page("vote.py")).run()
    ann.button(key=f"vote_add_{first.id}").click().run()
    assert any("0 of 1 votes left" in m.value for m in ann.markdown)
    assert ann.button(key=f"vote_add_{second.id}").disabled
    assert votes.my_votes(db, board_id, first.author_id) == {first.id: 1}
    # A click from a page drawn before that vote is refused by storage itself
    # (tests/storage/test_session.py); here the page shows the refusal.
    common_error = "You have used all 1 of your votes"
    try:
        votes.cast_vote(db, board_id, Credentials(participant_id=first.author_id), second.id, 0)
    except VoteBudgetExceeded as refusal:
        assert common_error in str(refusal)
    else:
        raise AssertionError("a vote beyond the budget was accepted")


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
    app.switch_page(page("overview.py")).run()
    assert not any("Ann" in c.value for c in app.caption)
    app.switch_page(page("facilitate.py")).run()
    app.toggle(key="facil_authors").set_value(True).run()
    ann.switch_page(page("overview.py")).run()
    assert any(c.value.endswith("· Ann") for c in ann.caption)

"""The live top bar on board pages, and the board screen a link lands on (AppTest)."""

from canvas.session.phases import Phase
from storage import facilitation
from storage.db import connect
from tests.pages.conftest import create_board, facilitator_key, join, live_data, page


def test_a_board_link_lands_on_the_live_board_with_this_persons_view(app, db_file):
    board_id = create_board(app)
    ann = join(board_id, "Ann")
    data = live_data(ann)
    assert data["mode"] == "board"
    assert data["view"]["me"]["name"] == "Ann"
    assert data["stream_url"] == f"/api/boards/{board_id}/stream"
    assert data["stream_ticket"] and data["action_ticket"], "a ticket for the stream, one for the actions"
    assert data["stream_ticket"] != data["action_ticket"]
    assert (data["ticket_seconds"], data["is_facilitator"]) == (600, False)


def test_other_board_pages_carry_the_top_bar_and_no_polling(app, db_file):
    board_id = create_board(app)
    ann = join(board_id, "Ann")
    ann.switch_page(page("step.py")).run()
    bar = live_data(ann)
    assert bar["mode"] == "bar"
    assert bar["view"]["board"]["phase"] == "write"
    facilitation.set_phase(connect(db_file), board_id, facilitator_key(app), Phase.group)
    ann.run()
    assert live_data(ann)["view"]["board"]["phase"] == "group"
    # The phase buttons live in the top bar now, not in the sidebar.
    assert [b.key for b in ann.sidebar.button if b.key and b.key.startswith("facil_")] == []

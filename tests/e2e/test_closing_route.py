"""The top bar's Closed button goes through the live actions route: with
draft actions left, the refusal comes back as the sentence that says what to do."""

import pytest

from canvas.actions import ActionDraft
from canvas.session.phases import Phase
from storage import actions, boards, facilitation
from tests.e2e.test_stream import act, session, ticket  # noqa: F401 - session is a fixture

pytestmark = pytest.mark.e2e


def test_closing_from_the_top_bar_with_drafts_is_refused_with_what_to_do(server, session):
    db, board_id = session["db"], session["board_id"]
    key = facilitation.create_facilitator_key(db, board_id, "test")
    actions.add_action(db, board_id, ActionDraft(title="Add a canary stage"))
    value = ticket(server, board_id, session["ben_token"])
    status, refused = act(server, board_id, value, key, type="set_phase", phase="closed")
    assert (status, refused["ok"]) == (409, False)
    assert refused["message"].startswith("The board cannot close yet: 1 draft action has no owner")
    assert "close anyway with a reason (under the board's Actions" in refused["message"]
    assert boards.get_board(db, board_id).phase == Phase.write
    status, answer = act(server, board_id, value, key, type="set_phase", phase="closed",
                         close_reason="Owners are picked at Monday's planning")
    assert status == 200 and answer["view"]["board"]["phase"] == "closed"
    assert boards.get_board(db, board_id).close_reason == "Owners are picked at Monday's planning"

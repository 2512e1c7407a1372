"""Text that shows nothing is empty on the live routes too: a note made only
of invisible characters is refused with the empty-note sentence."""

import pytest

from storage import notes


def action_ticket(client, board, name) -> str:
    response = client.post(f"/api/boards/{board.id}/tickets", json={"token": board.tokens[name]})
    assert response.status_code == 200, response.text
    return response.json()["action_ticket"]


def act(client, board, ticket, **intent):
    return client.post(f"/api/boards/{board.id}/actions", json={"ticket": ticket, **intent})


@pytest.mark.parametrize("text", ["\u2061", "\u200e\u2063\u00ad", " \ufe0f\U000e0041 \u2800 "],
                         ids=["function application", "marks and soft hyphen", "with spaces"])
def test_a_note_of_only_invisible_characters_is_refused_as_empty(client, board, text):
    ticket = action_ticket(client, board, "Ana")
    refused = act(client, board, ticket, type="add_note", step_key="detect", text=text)
    assert (refused.status_code, refused.json()) == (422, {"ok": False, "message": "A note cannot be empty."})
    assert notes.list_notes(board.db, board.id) == []


def test_a_note_cannot_be_edited_down_to_invisible_characters(client, board):
    ticket = action_ticket(client, board, "Ana")
    assert act(client, board, ticket, type="add_note", step_key="detect", text="Paged late").status_code == 200
    [note] = notes.list_notes(board.db, board.id)
    refused = act(client, board, ticket, type="edit_note", note_id=note.id, version=note.version,
                  text="\u2061\u2062")
    assert (refused.status_code, refused.json()["message"]) == (422, "A note cannot be empty.")
    assert [n.text for n in notes.list_notes(board.db, board.id)] == ["Paged late"]

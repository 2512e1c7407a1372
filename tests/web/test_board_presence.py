""""Here" on the board is true within seconds: an opened stream lists its
person (the facilitator too), a closed one leaves, and every other open
stream is told without waiting for a change to the board."""

import json
import time
from collections.abc import Iterator

from tests.web.conftest import Board, canvas_tickets

# Well inside the ten seconds a closed tab may stay listed.
WITHIN = 10.0


def events(client, board: Board, ticket: str) -> Iterator[tuple[str, dict]]:
    """(event, data) of a stream as they arrive: views and presence."""
    with client.stream("GET", f"/api/boards/{board.id}/stream", params={"ticket": ticket}) as response:
        assert response.status_code == 200
        event = None
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                yield event, json.loads(line[6:])
            elif line.startswith(":"):
                yield "ping", {}


def present_after(stream, wanted, seconds: float = WITHIN) -> list[str]:
    """Read the stream until who is here is `wanted`; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    last = None
    for event, data in stream:
        # A view or presence event says who is here; a patch, when it changed.
        said = data.get("set", {}) if event == "patch" else data if event in ("view", "presence") else {}
        if "present" in said:
            last = said["present"]
            if last == wanted:
                return last
        if time.monotonic() > deadline:
            break
    raise AssertionError(f"still {last}, not {wanted}, after {seconds} s")


def test_the_facilitator_is_listed_in_their_own_first_view(client, board):
    # Ana holds the facilitator key: her canvas is a facilitator's.
    tickets = canvas_tickets(client, board, "Ana", board.fran_key)
    stream = events(client, board, tickets["stream_ticket"])
    event, view = next(e for e in stream if e[0] == "view")
    stream.close()
    assert view["me"]["is_facilitator"] is True
    assert view["me"]["name"] in view["present"]


def test_a_closed_stream_leaves_here_and_the_others_are_told(client, board):
    ben = events(client, board, canvas_tickets(client, board, "Ben")["stream_ticket"])
    started = time.monotonic()
    assert present_after(ben, ["Ben"]) == ["Ben"]
    ana = events(client, board, canvas_tickets(client, board, "Ana")["stream_ticket"])
    next(e for e in ana if e[0] == "view")
    # No change to the board: the others hear of Ana from the stream itself.
    assert present_after(ben, ["Ana", "Ben"]) == ["Ana", "Ben"]
    ana.close()
    left = time.monotonic()
    assert present_after(ben, ["Ben"]) == ["Ben"]
    ben.close()
    assert time.monotonic() - left < WITHIN
    assert time.monotonic() - started < 3 * WITHIN


def test_one_person_with_two_tabs_is_listed_once_and_stays_while_one_is_open(client, board):
    first = events(client, board, canvas_tickets(client, board, "Ana")["stream_ticket"])
    assert present_after(first, ["Ana"]) == ["Ana"]
    second = events(client, board, canvas_tickets(client, board, "Ana")["stream_ticket"])
    _, view = next(e for e in second if e[0] == "view")
    assert view["present"] == ["Ana"]
    second.close()
    ben = events(client, board, canvas_tickets(client, board, "Ben")["stream_ticket"])
    # Ana's first tab is still open: she stays.
    assert present_after(ben, ["Ana", "Ben"]) == ["Ana", "Ben"]
    first.close()
    assert present_after(ben, ["Ben"]) == ["Ben"]
    ben.close()

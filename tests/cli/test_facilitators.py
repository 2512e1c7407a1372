"""`postmortem-canvas facilitators`: the operator lists, adds and removes a
board's facilitators by email; bad input is one line and exit 2, writing nothing."""

import pytest

from canvas.board_access import AccessList, AccessMode, SignedInPerson
from canvas.models import BoardDraft, NoteDraft
from canvas.session.phases import Credentials
from postmortem_canvas import main
from storage import board_access, boards, facilitation, notes
from storage.db import connect
from storage.migrations import migrate

ANN = SignedInPerson(email="ann@example.com", name="Ann Archer")


def run(capsys, *argv) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def board(tmp_path):
    path = tmp_path / "cli.db"
    migrate(path)
    with connect(path) as db:
        started = facilitation.start_board(db, BoardDraft(title="Outage", facilitator_name="Ann"), ANN)
    return str(path), started.board.id


def test_with_no_option_it_lists_the_creator_then_co_facilitators(capsys, board):
    path, board_id = board
    assert run(capsys, "facilitators", board_id, "--add", "Bob@Example.com", "--db", path)[0] == 0
    status, out, err = run(capsys, "facilitators", board_id, "--db", path)
    assert (status, err) == (0, "")
    assert out.splitlines() == ["ann@example.com\tcreator", "bob@example.com\tco-facilitator"]


def test_an_added_co_facilitator_facilitates_and_a_removed_one_no_longer_does(capsys, board):
    path, board_id = board
    status, out, _ = run(capsys, "facilitators", board_id, "--add", "bob@example.com", "--db", path)
    assert status == 0 and "bob@example.com\tco-facilitator" in out
    with connect(path) as db:
        assert board_access.is_facilitator(db, board_id, "bob@example.com")
    status, out, _ = run(capsys, "facilitators", board_id, "--remove", "bob@example.com", "--db", path)
    assert status == 0 and "bob@example.com" not in out
    with connect(path) as db:
        assert not board_access.is_facilitator(db, board_id, "bob@example.com")


def test_adding_someone_twice_says_so_and_keeps_one(capsys, board):
    path, board_id = board
    run(capsys, "facilitators", board_id, "--add", "bob@example.com", "--db", path)
    status, out, err = run(capsys, "facilitators", board_id, "--add", "BOB@example.com", "--db", path)
    assert status == 0 and err == "postmortem-canvas: bob@example.com already facilitates this board\n"
    assert out.count("bob@example.com") == 1


def test_a_board_without_sign_in_lists_nobody_and_says_its_link_still_works(capsys, tmp_path):
    path = tmp_path / "plain.db"
    migrate(path)
    with connect(path) as db:
        board_id = facilitation.start_board(db, BoardDraft(title="Plain", facilitator_name="Fran")).board.id
    status, out, err = run(capsys, "facilitators", board_id, "--db", str(path))
    assert (status, out) == (0, "")
    assert "facilitator link works as before" in err


@pytest.mark.parametrize("argv, message", [
    (["--add", "not-an-email"], "'not-an-email' is not an email address (name@example.com)."),
    (["--remove", "ann@"], "'ann@' is not an email address (name@example.com)."),
    (["--remove", "ann@example.com"], "The person who started the board always facilitates it"),
    (["--remove", "zed@example.com"], "zed@example.com is not a co-facilitator of this board."),
    (["--add", "a@example.com", "--remove", "b@example.com"], "not allowed with argument --add"),
])
def test_bad_input_is_one_line_and_exit_2_and_changes_nothing(capsys, board, argv, message):
    path, board_id = board
    with connect(path) as db:
        revision = boards.board_revision(db, board_id)
    status, out, err = run(capsys, "facilitators", board_id, *argv, "--db", path)
    assert status == 2 and out == ""
    assert err.startswith("postmortem-canvas: ") and message in err and err.count("\n") == 1
    assert "Traceback" not in err
    with connect(path) as db:
        assert boards.board_revision(db, board_id) == revision
        assert board_access.list_facilitators(db, board_id) == [("ann@example.com", True)]


def test_an_unknown_board_is_one_line_and_exit_2(capsys, board):
    path, _ = board
    status, out, err = run(capsys, "facilitators", "X" * 24, "--add", "bob@example.com", "--db", path)
    assert (status, out) == (2, "")
    assert err == "postmortem-canvas: This board does not exist, or it was deleted.\n"


@pytest.mark.parametrize("fmt", ["json", "md", "csv", "ics", "external", "brief"])
def test_no_export_of_a_board_tied_to_people_holds_an_email(capsys, board, fmt):
    path, board_id = board
    run(capsys, "facilitators", board_id, "--add", "cy@example.com", "--db", path)
    bob = SignedInPerson(email="bob@example.com", name="Bob Baker")
    with connect(path) as db:
        board_access.set_access(db, board_id, AccessList(
            mode=AccessMode.listed, people=frozenset({bob.email}),
            domains=frozenset({"partner.io"})), by=ANN)
        seat, _ = board_access.take_seat(db, board_id, bob)
        notes.add_note(db, board_id, "detect", NoteDraft(text="Alert sooner"),
                       Credentials(participant_id=seat.id))
    status, out, err = run(capsys, "export", board_id, "--format", fmt, "--db", path)
    assert status == 0, err
    assert out
    for part in ("@", "example.com", "partner.io"):
        assert part not in out

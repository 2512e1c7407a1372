"""The `postmortem-canvas` command line: import incidents, export boards."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from canvas.errors import CanvasError
from canvas.export import board_document
from canvas.importing import plan_incident_import
from canvas.models import Severity
from canvas.templates import DEFAULT_TEMPLATE, all_templates, get_template
from canvas.timeline import parse_incident_file
from storage import boards, events, notes, participants
from storage.db import DB_ENV, DEFAULT_DB_PATH, connect
from storage.migrations import migrate


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:
        # The reader went away (`| head`); nothing left to say to it.
        return 0
    except (CanvasError, ValidationError, OSError) as error:
        print(f"postmortem-canvas: {_message(error)}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="postmortem-canvas", description="Blameless postmortem boards, from the shell."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    db_help = f"SQLite file (default: ${DB_ENV} or {DEFAULT_DB_PATH})"

    importing = commands.add_parser("import", help="create a board from an incident file")
    importing.add_argument("file", help="incident JSON file (shared incident format), or - for stdin")
    importing.add_argument("--template", default=DEFAULT_TEMPLATE, choices=list(all_templates()))
    importing.add_argument("--severity", default=Severity.sev2.value,
                           choices=[sev.value for sev in Severity])
    importing.add_argument("--db", help=db_help)
    importing.set_defaults(run=_import)

    exporting = commands.add_parser("export", help="print a board")
    exporting.add_argument("board_id")
    exporting.add_argument("--format", default="json", choices=["json"])
    exporting.add_argument("--db", help=db_help)
    exporting.set_defaults(run=_export)
    return parser


def _import(args) -> int:
    text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
    # Everything is parsed and planned before the database is touched, so a
    # malformed file writes nothing.
    incident = parse_incident_file(text)
    plan = plan_incident_import(incident, get_template(args.template), Severity(args.severity))
    migrate(args.db)
    with connect(args.db) as db:
        board, key = boards.import_board(db, plan)
    print(board.id)
    # stdout stays the bare id for scripts; the secret goes to the terminal.
    print(f"facilitator link: /?board={board.id}&facilitator={key}", file=sys.stderr)
    return 0


def _export(args) -> int:
    migrate(args.db)
    with connect(args.db) as db:
        board = boards.get_board(db, args.board_id)
        document = board_document(
            board,
            participants.list_participants(db, board.id),
            notes.list_notes(db, board.id),
            events.list_events(db, board.id),
        )
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        detail = error.errors()[0]
        place = ".".join(str(part) for part in detail["loc"])
        return f"{place}: {detail['msg'].removeprefix('Value error, ')}"
    if isinstance(error, OSError):
        return f"{error.filename or ''}: {error.strerror or error}".lstrip(": ")
    return str(error)


if __name__ == "__main__":
    sys.exit(main())

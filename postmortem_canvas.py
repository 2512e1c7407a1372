"""The `postmortem-canvas` command line: import incidents and backups, export boards."""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from canvas.exports.actions_export import actions_csv, actions_ics
from canvas.exports.brief import brief
from canvas.errors import CanvasError, StorageProblem, decode_text, describe_validation_error
from canvas.exports.export import export_document
from canvas.exports.external_summary import external_summary
from canvas.exports.invite import DEFAULT_BASE_URL, review_invite
from canvas.review.language import format_finding, lint_text
from canvas.exports.importing import read_board_file
from canvas.exports.markdown_pack import markdown_pack
from canvas.models import Severity
from canvas.templates import DEFAULT_TEMPLATE, all_templates, get_template
from canvas.incident.timerange import today_in
from storage import restore
from storage.db import DB_ENV, DEFAULT_DB_PATH, connect, db_path
from storage.errors import named_error
from storage.migrations import migrate

FORMATS = {
    "json": "the whole board (a backup that `import` reads back) with its durations",
    "md": "a Markdown summary to paste into a wiki",
    "png": "a picture of the whole board (binary: use --output or a redirect)",
    "csv": "the board's actions as CSV",
    "ics": "the due dates of the board's actions as an iCalendar file",
    "external": "a summary for customers or the wider company (no names, no notes)",
    "brief": "a one-page internal shareout: TL;DR, impact, learnings, decisions, top actions",
    "invite": "an iCalendar invite to the review meeting (link, agenda, ground rules, invitees)",
}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for bad input, with
    one line on stderr saying what to fix)."""
    try:
        args = _parser().parse_args(argv)
    except UsageError as error:
        print(f"postmortem-canvas: {error}", file=sys.stderr)
        return 2
    try:
        return args.run(args)
    except BrokenPipeError:
        # The reader went away (`| head`); nothing left to say to it.
        return 0
    except (CanvasError, ValidationError, OSError, sqlite3.Error) as error:
        print(f"postmortem-canvas: {_message(error, getattr(args, 'db', None))}", file=sys.stderr)
        return 2


class UsageError(Exception):
    """A command line argparse refused (the usage text is what --help is for)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        # argparse prints the whole usage block and exits; one line says it.
        command = self.prog.removeprefix("postmortem-canvas").strip()
        raise UsageError(f"{command + ': ' if command else ''}{message} (see --help)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="postmortem-canvas", description="Blameless postmortem boards, from the shell."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    db_help = f"SQLite file (default: ${DB_ENV} or {DEFAULT_DB_PATH})"

    importing = commands.add_parser(
        "import", help="create a board from an incident file or from a backup (export --format json)")
    importing.add_argument("file", help="incident JSON file (shared incident format) or a board "
                           "backup, or - for stdin")
    importing.add_argument("--template", default=DEFAULT_TEMPLATE, choices=list(all_templates()),
                           help="for incident files (a backup names its own)")
    importing.add_argument("--severity", default=Severity.sev2.value,
                           choices=[sev.value for sev in Severity],
                           help="for incident files (a backup names its own)")
    importing.add_argument("--db", help=db_help)
    importing.set_defaults(run=_import)

    exporting = commands.add_parser(
        "export", help="print a board", formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="formats:\n" + "\n".join(f"  {name:8} {what}" for name, what in FORMATS.items()))
    exporting.add_argument("board_id")
    exporting.add_argument("--format", default="json", choices=list(FORMATS))
    exporting.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    exporting.add_argument("--width", type=_png_width, default=1600,
                           help="width of a PNG in pixels (600 to 6000; default 1600)")
    exporting.add_argument("--base-url", type=_base_url, default=DEFAULT_BASE_URL,
                           help="where the app is served, for the board link in an invite "
                                f"(default {DEFAULT_BASE_URL})")
    exporting.add_argument("--db", help=db_help)
    exporting.set_defaults(run=_export)

    linting = commands.add_parser(
        "lint", help="flag blame and hindsight language in a postmortem (Markdown or text)",
        description="Prints each flagged phrase with its line, an explanation and a suggestion; "
                    "exits 1 when anything is flagged, so a repository's CI can check postmortems.")
    linting.add_argument("file", help="the file to check, or - for standard input")
    linting.set_defaults(run=_lint)
    return parser


def _png_width(value: str) -> int:
    # Below about 600 px not even one column of notes fits beside the margins.
    if not value.isdigit() or not 600 <= int(value) <= 6000:
        raise argparse.ArgumentTypeError("a PNG is 600 to 6000 pixels wide")
    return int(value)


def _base_url(value: str) -> str:
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
        raise argparse.ArgumentTypeError("a base URL is an http:// or https:// address, "
                                         "e.g. https://postmortems.example.com")
    return value


def _read_text(name: str) -> str:
    """A file's text (or standard input's, for "-"), strictly UTF-8."""
    if name == "-":
        return decode_text("standard input", sys.stdin.buffer.read())
    return decode_text(name, Path(name).read_bytes())


def _import(args) -> int:
    text = _read_text(args.file)
    # Everything is parsed and planned before the database is touched, so a
    # malformed file writes nothing.
    plan = read_board_file(text, get_template(args.template), Severity(args.severity))
    migrate(args.db)
    with connect(args.db) as db:
        board, key = restore.create_board_from(db, plan)
    print(board.id)
    # stdout stays the bare id for scripts; the secret goes to the terminal.
    print(f"facilitator link: /?board={board.id}&facilitator={key}", file=sys.stderr)
    return 0


def _export(args) -> int:
    migrate(args.db)
    with connect(args.db) as db:
        snapshot, votes = restore.load_snapshot_and_votes(db, args.board_id)
    # "Overdue" is judged by the calendar where the team is.
    today = today_in(snapshot.board.timezone)
    rows = [(snapshot.board.title, action) for action in snapshot.actions]
    if args.format == "png":
        # Imported here: Pillow's font set-up is only needed for pictures.
        from canvas.exports.canvas_png import board_text, canvas_png, missing_glyphs

        if args.output is None and sys.stdout.isatty():
            print("postmortem-canvas: a PNG is binary; use --output FILE or redirect stdout",
                  file=sys.stderr)
            return 2
        data = canvas_png(snapshot, width=args.width, today=today)
        if missing := missing_glyphs(board_text(snapshot)):
            named = ", ".join(f"U+{ord(char):04X}" + (f" {char}" if char.isprintable() else "")
                              for char in missing[:12]) + (", …" if len(missing) > 12 else "")
            print(f"postmortem-canvas: warning: no installed font draws {named}; the PNG shows "
                  "boxes instead (install fonts for that script, e.g. Debian's fonts-noto-core, "
                  "or name a font file in $POSTMORTEM_CANVAS_FONTS)", file=sys.stderr)
    else:
        text = {
            "json": lambda: json.dumps(export_document(snapshot, votes), indent=2,
                                       ensure_ascii=False) + "\n",
            "md": lambda: markdown_pack(snapshot, today),
            "csv": lambda: actions_csv(rows),
            "ics": lambda: actions_ics(rows, today),
            "external": lambda: external_summary(snapshot, today),
            "brief": lambda: brief(snapshot, today),
            "invite": lambda: review_invite(snapshot, args.base_url, datetime.now(UTC)),
        }[args.format]()
        data = text.encode("utf-8")
    if args.output is not None:
        Path(args.output).write_bytes(data)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return 0


def _lint(args) -> int:
    name = "<stdin>" if args.file == "-" else args.file
    text = _read_text(args.file)
    findings = lint_text(text)
    for finding in findings:
        print(format_finding(finding, name))
    if findings:
        print(f"{len(findings)} phrase{'s' if len(findings) != 1 else ''} flagged in {name}",
              file=sys.stderr)
    return 1 if findings else 0


def _message(error: Exception, db: str | None) -> str:
    # Database problems name the file: here the reader is the one who runs it.
    problem = named_error(error, db_path(db)) if isinstance(error, sqlite3.Error) else error
    if isinstance(problem, StorageProblem):
        return f"{db_path(db)}: {problem.shell}"
    if problem is None:
        return f"{db_path(db)}: the database failed ({error})"
    if isinstance(error, ValidationError):
        return describe_validation_error(error, limit=1)
    if isinstance(error, OSError):
        return f"{error.filename or ''}: {error.strerror or error}".lstrip(": ")
    return " ".join(str(error).split())


if __name__ == "__main__":
    sys.exit(main())

"""The `postmortem-canvas` command line: import incidents and backups, export boards."""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import sys
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
from pydantic import TypeAdapter, ValidationError

from canvas.actions import Owner
from canvas.board_access import checked_email
from canvas.exports.actions_export import actions_calendar, actions_csv
from canvas.errors import (
    CanvasError, ExportTooBig, InvalidInput, SecretsUnreadable, StorageProblem, decode_text,
    describe_validation_error,
)
from canvas.exports.calendar import CalendarFile, ics_text
from canvas.exports.calendar_feed import FEED_PATH
from canvas.exports.digest import digest, digest_json, digest_markdown
from canvas.exports.review_issue import REVIEW_LABEL, checked_label
from canvas.exports.tracker_issue import Tracker
from canvas.exports.brief import brief
from canvas.exports.export import export_document
from canvas.exports.external_summary import external_summary
from canvas.exports.invite import DEFAULT_BASE_URL, impact_review_invite, review_invite
from canvas.review.language import format_finding, lint_text
from canvas.exports.importing import read_board_file
from canvas.exports.markdown_pack import markdown_pack
from canvas.exports.pack import retrospective_pack
from canvas.models import ReviewType, Severity
from canvas.patterns import PatternFilter, compute_patterns
from canvas.templates import DEFAULT_TEMPLATE, all_templates, get_template
from canvas.dates import EARLIEST_DAY, LATEST_DAY, clamp_day, today_in
from canvas.incident.exports.common import MAX_EXPORT_BYTES
from canvas.incident.timeline_import import rows_to_add, timeline_files
from integrations import publish, review_issue, tracker_sync, trackers, webhooks
from storage import (
    actions, board_access, boards, calendar_events, calendar_feeds, events, restore, tracker_links,
)
from storage.copying import copy_database, require_source
from storage.db import DB_ENV, DEFAULT_DB_PATH, connect, describe
from storage.errors import named_error
from storage.migrations import migrate
from storage.patterns import pattern_boards

FORMATS = {
    "json": "the whole board (a backup that `import` reads back) with its durations",
    "md": "a Markdown summary to paste into a wiki",
    "pack": "the retrospective pack: brief and agenda, facts, factors, learnings, actions, kill "
            "criteria, dissemination plan, risks and next steps, rubric score, in one Markdown file",
    "png": "a picture of the whole board (binary: use --output or a redirect)",
    "csv": "the board's actions as CSV",
    "ics": "the due dates of the board's actions as an iCalendar file",
    "external": "a summary for customers or the wider company (no names, no notes)",
    "brief": "a one-page internal shareout: TL;DR, impact, learnings, decisions, top actions",
    "invite": "an iCalendar invite to the review meeting (link, agenda, ground rules, invitees)",
    "review-invite": "an iCalendar invite to the recurring Impact & Learnings review the board "
                     "proposes (weekly or fortnightly)",
}


# The files the app's st.secrets reads, in Streamlit's order (a later file
# wins key by key): the user's, then the project's under the directory the
# command runs in, as `streamlit run` does.
SECRETS_FILES = (Path("~") / ".streamlit" / "secrets.toml", Path(".streamlit") / "secrets.toml")


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
    except (CanvasError, ValidationError, OSError, sqlite3.Error, psycopg.Error) as error:
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
    db_help = f"SQLite file or postgresql:// URL (default: ${DB_ENV} or {DEFAULT_DB_PATH})"

    importing = commands.add_parser(
        "import", help="create a board from an incident file or from a backup (export --format json)")
    importing.add_argument("file", help="incident JSON file (shared incident format) or a board "
                           "backup, or - for stdin")
    # A board of Jira cards is made on the home page, from a Jira board or a query.
    importing.add_argument("--template", default=DEFAULT_TEMPLATE,
                           choices=[slug for slug, template in all_templates().items()
                                    if template.jira is None],
                           help="for incident files (a backup names its own)")
    importing.add_argument("--severity", default=Severity.sev2.value,
                           choices=[sev.value for sev in Severity],
                           help="for incident files (a backup names its own)")
    importing.add_argument("--db", help=db_help)
    importing.set_defaults(run=_import)

    timeline = commands.add_parser(
        "import-timeline", help="add events to a board's timeline from a chat or pager export, "
                                "a chat log, a CSV or an incident file",
        description="Reads a Slack channel export (its folder or zip), a Microsoft Teams chat "
                    "(Graph messages JSON), a PagerDuty incident's log entries or an Opsgenie "
                    "alert's log (API JSON), and adds the messages that look like detection, "
                    "diagnosis, repair or communication (--all: every message), each with its "
                    "link as evidence. A chat log (.txt), CSV or incident file (.json) adds all its "
                    "events. Events already on the timeline are left out; people become roles "
                    "where the board hides authors. Nothing is written when any file is malformed.")
    timeline.add_argument("board_id")
    timeline.add_argument("files", nargs="+", metavar="FILE",
                          help="the export's folder, zip or JSON files (several pages may be given), "
                               "or one .txt, .csv or incident .json")
    timeline.add_argument("--slack-workspace", metavar="NAME",
                          help="the workspace in the messages' links, e.g. acme or acme.slack.com")
    timeline.add_argument("--slack-channel", metavar="NAME",
                          help="the incident's channel, when the export holds several")
    timeline.add_argument("--link", metavar="URL", help="the evidence link of messages without one")
    timeline.add_argument("--all", action="store_true", dest="everything",
                          help="add every message, not only the ones that look like a stage")
    timeline.add_argument("--dry-run", action="store_true",
                          help="print the preview as JSON (one object per message) and write nothing")
    timeline.add_argument("--db", help=db_help)
    timeline.set_defaults(run=_import_timeline)

    exporting = commands.add_parser(
        "export", help="print a board", formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="formats:\n" + "\n".join(f"  {name:13} {what}" for name, what in FORMATS.items()))
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

    pushing = commands.add_parser(
        "push", help="put a board's committed actions in GitLab, GitHub or Jira as issues",
        description="Creates an issue per committed action, or updates the one pushed before "
                    "(never a duplicate; labels and assignees set in the tracker stay). "
                    "Credentials come from the environment or, as in the app, .streamlit/secrets.toml "
                    "(the environment wins): GITLAB_TOKEN (GITLAB_URL), "
                    "GITHUB_TOKEN (GITHUB_API_URL), JIRA_URL with JIRA_USER and JIRA_TOKEN (Cloud) "
                    "or JIRA_PAT (Data Center); JIRA_DEPLOYMENT, JIRA_ISSUE_TYPE and JIRA_DUE_FIELD "
                    "are optional. Exits 1 when some actions could not be pushed (they are listed).")
    pushing.add_argument("board_id")
    pushing.add_argument("--to", required=True, choices=[t.value for t in Tracker])
    pushing.add_argument("--project", help="GitLab GROUP/NAME or Jira project KEY")
    pushing.add_argument("--repo", help="GitHub OWNER/NAME")
    pushing.add_argument("--base-url", default="",
                         help="the app's address, for a link back to the board in each issue")
    pushing.add_argument("--include-drafts", action="store_true",
                         help="also push drafts (no owner or due date) and parked ideas")
    pushing.add_argument("--db", help=db_help)
    pushing.set_defaults(run=_push)

    syncing = commands.add_parser(
        "sync", help="read pushed issues back: closed marks the action done, reopened opens it",
        description="Without BOARD, every board with pushed actions. An action done or reopened "
                    "on the board closes or reopens its issue. A status changed on both sides "
                    "since the last sync keeps the board's and is shown as a conflict.")
    syncing.add_argument("board_id", nargs="?")
    syncing.add_argument("--db", help=db_help)
    syncing.set_defaults(run=_sync)

    reviewing = commands.add_parser(
        "review-issue", help="open the review's own issue (brief, agenda, Post Mortem label), or "
                             "update it",
        description="Creates the review's issue in GitLab, GitHub or Jira from the board's brief "
                    "and agenda (purpose, roles, attendees, pre-reads, the board link), with the "
                    "review label and the board's labels; the board keeps its link, which the "
                    "invite carries. Running it again updates the same issue. Credentials come "
                    "from the environment, as for push.")
    reviewing.add_argument("board_id")
    reviewing.add_argument("--to", required=True, choices=[t.value for t in Tracker])
    reviewing.add_argument("--project", help="GitLab GROUP/NAME or Jira project KEY")
    reviewing.add_argument("--repo", help="GitHub OWNER/NAME")
    reviewing.add_argument("--label", default=REVIEW_LABEL,
                           help=f"the review label (default {REVIEW_LABEL!r})")
    reviewing.add_argument("--base-url", type=_base_url, default=DEFAULT_BASE_URL,
                           help=f"the app's address, for the board link (default {DEFAULT_BASE_URL})")
    reviewing.add_argument("--db", help=db_help)
    reviewing.set_defaults(run=_review_issue)

    publishing = commands.add_parser(
        "publish", help="put the write-up (Markdown) in a repository as a merge or pull request",
        description="Adds the board's Markdown as a file on a branch of its own and opens a "
                    "merge request (GitLab) or pull request (GitHub) linking the review issue. "
                    "Lessons marked as infrastructure as code get their own, in --iac-project. "
                    "Running it again updates the same branch and request; unchanged content "
                    "makes no commit.")
    publishing.add_argument("board_id")
    publishing.add_argument("--to", required=True, choices=[Tracker.gitlab.value, Tracker.github.value])
    publishing.add_argument("--project", help="GitLab GROUP/NAME")
    publishing.add_argument("--repo", help="GitHub OWNER/NAME")
    publishing.add_argument("--path", help="the file in the repository "
                                           "(default postmortems/<date>-<slug>.md)")
    publishing.add_argument("--branch", help="the branch (default postmortem/<date>-<slug>)")
    publishing.add_argument("--iac-project", metavar="PROJECT",
                            help="where lessons marked as infrastructure as code go (same host)")
    publishing.add_argument("--iac-as", choices=["merge-request", "issue"], default="merge-request",
                            help="a merge request (default) or an issue for those lessons")
    publishing.add_argument("--label", default=REVIEW_LABEL,
                            help=f"the label of an --iac-as issue (default {REVIEW_LABEL!r})")
    publishing.add_argument("--base-url", type=_base_url,
                            help="the app's address, for a link back to the board")
    publishing.add_argument("--db", help=db_help)
    publishing.set_defaults(run=_publish)

    digesting = commands.add_parser(
        "digest", help="per owner, actions overdue, due soon or up for review, on every board",
        description="Made for a cron job: exits 0 whether or not anything is due.")
    digesting.add_argument("--days", type=_digest_days, default=7,
                           help="the window ahead, in days (0 to 365; default 7)")
    digesting.add_argument("--owner", help="only this owner's actions")
    digesting.add_argument("--format", default="md", choices=["md", "json"])
    digesting.add_argument("--webhook", metavar="URL",
                           help="also post it to a Slack-compatible incoming webhook")
    digesting.add_argument("--db", help=db_help)
    digesting.set_defaults(run=_digest)

    feeding = commands.add_parser(
        "feed", help="make or revoke a live calendar feed link (a board's, or one owner's)",
        description="Prints the feed's address (the token is shown only now) and, on stderr, "
                    "its id for --revoke. Calendar apps subscribe to it; the app's server serves it.")
    which = feeding.add_mutually_exclusive_group(required=True)
    which.add_argument("--board", metavar="BOARD_ID", help="due and review dates of one board")
    which.add_argument("--owner", metavar="NAME", type=_owner_name,
                       help="one owner's dates across every board")
    which.add_argument("--revoke", metavar="FEED_ID", help="stop a feed link working")
    feeding.add_argument("--base-url", default="http://localhost:8501",
                         help="the app's address (default http://localhost:8501)")
    feeding.add_argument("--db", help=db_help)
    feeding.set_defaults(run=_feed)

    facilitating = commands.add_parser(
        "facilitators", help="list, add or remove a board's facilitators by email (where people sign in)",
        description="With neither --add nor --remove, lists who facilitates the board by "
                    "identity: its creator, then co-facilitators. Runs as the operator: no "
                    "sign-in is needed. The creator cannot be removed.")
    facilitating.add_argument("board_id", metavar="BOARD", help="the board's id")
    change = facilitating.add_mutually_exclusive_group()
    change.add_argument("--add", metavar="EMAIL", help="make this person a co-facilitator")
    change.add_argument("--remove", metavar="EMAIL",
                        help="stop this person co-facilitating (their facilitator links stop working)")
    facilitating.add_argument("--db", help=db_help)
    facilitating.set_defaults(run=_facilitators)

    patterning = commands.add_parser(
        "patterns", help="the Patterns page's figures across boards, as JSON",
        description="Incidents per month, response times (median and p90), factor categories, "
                    "recurring labels and factors, actions due, done and overdue, learnings and "
                    "decisions by kind, over every board whose day (incident date, or the day it "
                    "was made) falls in the period. Repeat --type, --severity or --label to "
                    "keep boards with any of them.")
    patterning.add_argument("--since", metavar="DATE", type=_day,
                            help="first day of the period, YYYY-MM-DD")
    patterning.add_argument("--until", metavar="DATE", type=_day,
                            help="last day of the period, YYYY-MM-DD")
    patterning.add_argument("--type", dest="review_types", action="append", default=[],
                            choices=[kind.value for kind in ReviewType], help="review type")
    patterning.add_argument("--severity", dest="severities", action="append", default=[],
                            choices=[sev.value for sev in Severity])
    patterning.add_argument("--label", dest="labels", action="append", default=[],
                            help="a board label (any spelling of its case)")
    patterning.add_argument("--db", help=db_help)
    patterning.set_defaults(run=_patterns)

    copying_db = commands.add_parser(
        "copy-db", help="copy every board from one database to another (SQLite <-> PostgreSQL)",
        description="Brings both databases to the current schema, copies every row that TO "
                    "does not hold yet in one transaction, prints the counts per table and "
                    "checks that every row of FROM is in TO. Running it again copies nothing.")
    copying_db.add_argument("source", metavar="FROM", help="SQLite file or postgresql:// URL")
    copying_db.add_argument("destination", metavar="TO", help="SQLite file or postgresql:// URL")
    copying_db.set_defaults(run=_copy_db)
    return parser


def _digest_days(value: str) -> int:
    if not value.isdigit() or int(value) > 365:
        raise argparse.ArgumentTypeError("days is a whole number from 0 to 365")
    return int(value)


def _day(value: str) -> date:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date written YYYY-MM-DD") from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise argparse.ArgumentTypeError(f"{value!r} is not a day from {EARLIEST_DAY} to {LATEST_DAY}")
    return day


def _png_width(value: str) -> int:
    # Below about 600 px not even one column of notes fits beside the margins.
    if not value.isdigit() or not 600 <= int(value) <= 6000:
        raise argparse.ArgumentTypeError("a PNG is 600 to 6000 pixels wide")
    return int(value)


# An owner's feed matches the owner field of actions, so a name follows its rules.
_OWNER = TypeAdapter(Owner)


def _owner_name(value: str) -> str:
    try:
        name = _OWNER.validate_python(value)
    except ValidationError as error:
        problem = describe_validation_error(error, limit=1, places=False).rstrip(".")
        raise argparse.ArgumentTypeError(f"the name {problem}") from None
    if not name:
        raise argparse.ArgumentTypeError("the name is empty")
    return " ".join(name.split())


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


def _export_files(names: list[str]) -> dict[str, bytes]:
    """The bytes of every file named, a folder read whole (paths relative to
    it), refused unread when the sizes pass the export limit."""
    paths: dict[str, Path] = {}
    for name in names:
        path = Path(name)
        if path.is_dir():
            for inner in sorted(path.rglob("*")):
                if inner.is_file():
                    paths[inner.relative_to(path).as_posix()] = inner
        else:
            paths[path.name] = path
    if sum(path.stat().st_size for path in paths.values()) > MAX_EXPORT_BYTES:
        raise ExportTooBig(f"the files are larger than {MAX_EXPORT_BYTES // (1024 * 1024)} MB; export "
                           "only the incident's channel and days")
    return {name: path.read_bytes() for name, path in paths.items()}


def _import_timeline(args) -> int:
    files = _export_files(args.files)
    migrate(args.db)
    with connect(args.db) as db:
        board = boards.get_board(db, args.board_id)
        live = events.list_events(db, board.id)
        # Everything is read and checked before the one write.
        source, result, rows = timeline_files(
            files, live, zone=board.timezone,
            day=clamp_day(board.incident_date) or today_in(board.timezone),
            hide_names=not board.show_authors, slack_workspace=args.slack_workspace,
            slack_channel=args.slack_channel, link=args.link)
        chosen = rows_to_add(result, rows, live, args.everything)
        if args.dry_run:
            added = {(event.at, event.text) for event in chosen}
            for event in result.events:
                print(json.dumps({"add": (event.at, event.text) in added,
                                  "at": event.at.isoformat().replace("+00:00", "Z"),
                                  "kind": event.kind.value, "text": event.text,
                                  "evidence_url": event.evidence_url}, ensure_ascii=False))
            return 0
        count = events.add_events(db, board.id, chosen)
    left_out = len(result.events) - count
    print(f"added {count} event{'s' if count != 1 else ''} from the {source}"
          + (f"; {left_out} left out (already on the timeline"
             + (" or not marked; --all adds them" if rows and not args.everything else "") + ")"
             if left_out else ""))
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
            "ics": lambda: _calendar_text(args.db, actions_calendar(rows)),
            "external": lambda: external_summary(snapshot, today),
            "brief": lambda: brief(snapshot, today),
            "invite": lambda: _calendar_text(args.db, review_invite(snapshot, args.base_url)),
            "review-invite": lambda: _calendar_text(
                args.db, impact_review_invite(snapshot, args.base_url)),
            "pack": lambda: retrospective_pack(snapshot, today),
        }[args.format]()
        data = text.encode("utf-8")
    if args.output is not None:
        Path(args.output).write_bytes(data)
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return 0


def _calendar_text(target: str | None, calendar: CalendarFile) -> str:
    """The file stamped now, each event with its SEQUENCE from the database."""
    moment = datetime.now(UTC)
    with connect(target) as db:
        return ics_text(calendar, calendar_events.revisions(db, calendar.events, moment), moment)


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


def _push(args) -> int:
    name = "--repo" if args.to == Tracker.github.value else "--project"
    project = args.repo if args.to == Tracker.github.value else args.project
    if not project:
        raise InvalidInput(f"push --to {args.to} needs {name}")
    if (args.repo if name == "--project" else args.project):
        raise InvalidInput(f"push --to {args.to} takes {name}, not "
                           f"{'--repo' if name == '--project' else '--project'}")
    client = trackers.client_for(args.to, project, _tracker_env())
    migrate(args.db)
    with connect(args.db) as db:
        board_url = (f"{args.base_url.rstrip('/')}/?{urlencode({'board': args.board_id})}"
                     if args.base_url else "")
        report = tracker_sync.push_actions(db, args.board_id, client, board_url=board_url,
                                           include_drafts=args.include_drafts)
    for kind, done in (("created", report.created), ("updated", report.updated)):
        for action, url in done:
            print(f"{kind}\t{url}\t{action.title}")
    for action, why in report.failed:
        print(f"postmortem-canvas: not pushed: {action.title}: {why}", file=sys.stderr)
    if report.skipped:
        print(f"postmortem-canvas: {len(report.skipped)} draft, parked or dropped action"
              f"{'s' * (len(report.skipped) != 1)} left out (--include-drafts pushes drafts "
              "and parked ideas)", file=sys.stderr)
    return 1 if report.failed else 0


def _tracker_env() -> dict[str, str]:
    """The tracker settings as the app reads them: Streamlit's secrets files,
    the environment winning over them, so cron jobs need no exported tokens."""
    secrets: dict = {}
    for path in SECRETS_FILES:
        path = path.expanduser()
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            continue
        try:
            secrets.update(tomllib.loads(decode_text(str(path), data)))
        except tomllib.TOMLDecodeError as error:
            raise SecretsUnreadable(str(path), str(error)) from None
    return trackers.tracker_env(os.environ, secrets)


def _sync(args) -> int:
    migrate(args.db)
    report = tracker_sync.SyncReport()
    env = _tracker_env()
    with connect(args.db) as db:
        board_ids = [args.board_id] if args.board_id else tracker_links.linked_board_ids(db)
        for board_id in board_ids:
            tracker_sync.sync_board(db, board_id, lambda kind, project: trackers.client_for(
                kind, project, env), report)
    for action, status in report.changed:
        print(f"{status.value}\t{action.title}")
    for action, verb in report.issues:
        print(f"{verb}\t{action.title}")  # the issue, closed or reopened from the board
    for action, why in report.conflicts:
        print(f"conflict\t{action.title}: {why}")
    for action, why in report.failed:
        print(f"postmortem-canvas: not synced: {action.title}: {why}", file=sys.stderr)
    moved = (f"; {len(report.issues)} issue{'s' * (len(report.issues) != 1)} closed or reopened"
             if report.issues else "")
    print(f"postmortem-canvas: {report.checked} issue{'s' * (report.checked != 1)} read, "
          f"{len(report.changed)} action{'s' * (len(report.changed) != 1)} changed, "
          f"{len(report.conflicts)} conflict{'s' * (len(report.conflicts) != 1)}{moved}",
          file=sys.stderr)
    return 1 if report.failed else 0


def _project_of(args, command: str) -> str:
    """The project the command names: --repo on GitHub, --project elsewhere."""
    name = "--repo" if args.to == Tracker.github.value else "--project"
    other = "--project" if name == "--repo" else "--repo"
    project = args.repo if name == "--repo" else args.project
    if not project:
        raise InvalidInput(f"{command} --to {args.to} needs {name}")
    if getattr(args, other.lstrip("-")):
        raise InvalidInput(f"{command} --to {args.to} takes {name}, not {other}")
    return project


def _board_url(base_url: str | None, board_id: str) -> str:
    return f"{base_url.rstrip('/')}/?{urlencode({'board': board_id})}" if base_url else ""


def _review_issue(args) -> int:
    project = _project_of(args, "review-issue")
    label = checked_label(args.label)
    client = trackers.client_for(args.to, project, _tracker_env())
    migrate(args.db)
    with connect(args.db) as db:
        outcome = review_issue.open_review_issue(
            db, args.board_id, client, board_url=_board_url(args.base_url, args.board_id),
            label=label)
    print(f"{outcome.state}\t{outcome.url}")
    if outcome.replaced_link:
        print(f"postmortem-canvas: the board's tracker link was {outcome.replaced_link}; it is now "
              "the review issue", file=sys.stderr)
    return 0


def _publish(args) -> int:
    project = _project_of(args, "publish")
    label = checked_label(args.label)
    env = _tracker_env()
    client = trackers.client_for(args.to, project, env)
    iac_client = trackers.client_for(args.to, args.iac_project, env) if args.iac_project else None
    migrate(args.db)
    with connect(args.db) as db:
        report = publish.publish_board(
            db, args.board_id, client, path=args.path or "", branch=args.branch or "",
            board_url=_board_url(args.base_url, args.board_id), iac_client=iac_client,
            iac_as=args.iac_as, label=label)
    kind = "merge request" if args.to == Tracker.gitlab.value else "pull request"
    outcome = report.write_up
    print(f"write-up\t{outcome.request_state}\t{outcome.request_url or outcome.branch}")
    if outcome.request_state == publish.MERGED:
        print(f"postmortem-canvas: {outcome.path} is already on the default branch as it is now; "
              f"no {kind} is needed", file=sys.stderr)
    if isinstance(report.iac, publish.PublishOutcome):
        print(f"iac\t{report.iac.request_state}\t{report.iac.request_url or report.iac.branch}")
    elif report.iac is not None:
        print(f"iac\t{report.iac.state}\t{report.iac.url}")
    if report.iac_left_out:
        print(f"postmortem-canvas: {report.iac_left_out} infrastructure-as-code lesson"
              f"{'s' * (report.iac_left_out != 1)} not published: name their project with "
              "--iac-project", file=sys.stderr)
    return 0


def _digest(args) -> int:
    if args.webhook and urlsplit(args.webhook).scheme not in ("http", "https"):
        raise InvalidInput("--webhook needs an http:// or https:// address")
    migrate(args.db)
    with connect(args.db) as db:
        rows = actions.dated_actions(db)
    moment = datetime.now(UTC)
    groups = digest(rows, moment, args.days, args.owner)
    text = (digest_json(groups, moment, args.days) if args.format == "json"
            else digest_markdown(groups, moment, args.days))
    sys.stdout.write(text)
    sys.stdout.flush()
    if args.webhook:
        webhooks.post_webhook(args.webhook, digest_markdown(groups, moment, args.days, slack=True))
    return 0


def _patterns(args) -> int:
    try:
        wanted = PatternFilter(since=args.since, until=args.until, review_types=args.review_types,
                               severities=args.severities, labels=args.labels)
    except ValidationError as error:
        raise InvalidInput(describe_validation_error(error, limit=1, places=False)) from None
    migrate(args.db)
    with connect(args.db) as db:
        # The operator's view: every live board, as on a trusted install.
        found, unreadable = pattern_boards(db, wanted)
    figures = compute_patterns(found, wanted, today_in("UTC"), unreadable=unreadable)
    json.dump(figures.as_json(), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def _feed(args) -> int:
    migrate(args.db)
    with connect(args.db) as db:
        if args.revoke:
            calendar_feeds.revoke_feed_token(db, args.revoke)
            return 0
        if args.board:
            boards.get_board(db, args.board)
        record, token = calendar_feeds.create_feed_token(
            db, "board" if args.board else "owner", args.board or args.owner)
    print(args.base_url.rstrip("/") + FEED_PATH.format(token=token))
    # Written with "=": an id may begin with "-", which would read as an option.
    print(f"postmortem-canvas: feed id {record.id} (postmortem-canvas feed --revoke={record.id})",
          file=sys.stderr)
    return 0


def _facilitators(args) -> int:
    # The address is checked before the database is opened, so a typo writes nothing.
    email = checked_email(args.add or args.remove) if (args.add or args.remove) else None
    migrate(args.db)
    with connect(args.db) as db:
        if args.add:
            if not board_access.add_co_facilitator(db, args.board_id, email):
                print(f"postmortem-canvas: {email} already facilitates this board", file=sys.stderr)
        elif args.remove:
            board_access.remove_co_facilitator(db, args.board_id, email)
        listed = board_access.list_facilitators(db, args.board_id)
    for address, is_creator in listed:
        print(f"{address}\t{'creator' if is_creator else 'co-facilitator'}")
    if not listed:
        print("postmortem-canvas: nobody facilitates this board by identity yet; its facilitator "
              "link works as before", file=sys.stderr)
    return 0


def _copy_db(args) -> int:
    # Before anything opens it: opening a missing SQLite file would create it.
    require_source(args.source)
    # Each database is opened first on its own, so a problem names the one it is in.
    for args.db in (args.source, args.destination):
        migrate(args.db)
    report = copy_database(args.source, args.destination)
    print(f"copied {describe(args.source)} -> {describe(args.destination)}")
    print(f"{'table':18} {'in FROM':>8} {'copied':>8} {'already in TO':>14}")
    for line in report:
        print(f"{line.table:18} {line.in_source:8} {line.copied:8} {line.already_there:14}")
    total = [sum(getattr(line, field) for line in report)
             for field in ("in_source", "copied", "already_there")]
    print(f"{'total':18} {total[0]:8} {total[1]:8} {total[2]:14}")
    print("checked: every row of FROM is in TO")
    return 0


def _message(error: Exception, db: str | None) -> str:
    # Database problems name the file: here the reader is the one who runs it.
    database_error = isinstance(error, (sqlite3.Error, psycopg.Error))
    problem = named_error(error, describe(db)) if database_error else error
    if isinstance(problem, StorageProblem):
        return f"{describe(db)}: {problem.shell}"
    if problem is None:
        return f"{describe(db)}: the database failed ({' '.join(str(error).split())})"
    if isinstance(error, ValidationError):
        return describe_validation_error(error, limit=1)
    if isinstance(error, OSError):
        return f"{error.filename or ''}: {error.strerror or error}".lstrip(": ")
    return " ".join(str(error).split())


if __name__ == "__main__":
    sys.exit(main())

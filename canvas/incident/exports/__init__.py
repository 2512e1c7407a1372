"""Chat and pager exports read into timeline candidates: a Slack channel
export, a Microsoft Teams chat, a PagerDuty incident's log entries and an
Opsgenie alert's log. The format is found from the files themselves.

Pure: callers hand in the files' bytes (a zip is opened in memory); a
malformed file is refused as a whole with the place of its problem, so
nothing is previewed, and nothing written, from a half-read export.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping

from pydantic import BaseModel

from canvas.errors import decode_text
from canvas.incident.exports.common import (
    MAX_EXPORT_BYTES, MAX_FILES, Candidate, ExportInvalid, ExportTooBig, Stage, candidates, load_concatenated,
    web_link,
)
from canvas.incident.exports.opsgenie import is_opsgenie_page, read_opsgenie
from canvas.incident.exports.pagerduty import is_pagerduty_page, read_pagerduty
from canvas.incident.exports.slack import DAY_FILE, is_slack_path, read_slack
from canvas.incident.exports.teams import is_teams_page, read_teams

__all__ = ["Candidate", "ExportInvalid", "ExportRead", "ExportTooBig", "Stage", "read_export"]

FORMATS = ("Slack channel export (folder or zip)", "Microsoft Teams chat (Graph chatMessage JSON)",
           "PagerDuty log entries (REST API JSON)", "Opsgenie alert log (Alert API JSON)")
UNKNOWN = ("is not a Slack, Teams, PagerDuty or Opsgenie export (expected a Slack export's "
           "YYYY-MM-DD.json day files, or JSON with \"value\", \"log_entries\" or \"data\")")
# Files a zip may hold that are no part of any export (macOS resource forks,
# folder entries, Slack's own integration log).
_IGNORED = re.compile(r"(?:^|/)(?:__MACOSX/|\.DS_Store\Z|integration_logs\.json\Z|"
                      r"(?:dms|groups|mpims|canvases)\.json\Z)")


class ExportRead(BaseModel):
    """An export read for the preview."""

    source: str  # "Slack export of #incident-4812", "PagerDuty log of ..."
    candidates: list[Candidate]


def read_export(files: Mapping[str, bytes], *, hide_names: bool, slack_workspace: str | None = None,
                slack_channel: str | None = None, link: str | None = None) -> ExportRead:
    """The candidates of an export handed in as `files` (name → bytes: JSON
    files, or a zip of them, as uploaded or read from a folder). People are
    named, or shown as roles when `hide_names` (the board hides authors).
    `link` is the evidence link of a message that has none of its own.
    Raises ExportInvalid (ExportTooBig for one past the limits) naming the
    file and the place of the problem."""
    if not files:
        raise ExportInvalid("choose the export's files (JSON, or a zip) first")
    texts = _texts(files)
    # Problems inside a file name that file; this names the export as a whole.
    source = "the export"
    kind = _detect(texts)
    if kind == "slack":
        messages, people, about = read_slack(_slack_tree(texts), source, channel=slack_channel,
                                             workspace=slack_workspace)
    else:
        reader = {"teams": read_teams, "pagerduty": read_pagerduty, "opsgenie": read_opsgenie}[kind]
        messages, people, about = reader(texts, source)
    if not messages:
        raise ExportInvalid(f"{source}: the export holds no messages")
    fallback = web_link(link) if link else None
    if link and link.strip() and fallback is None:
        raise ExportInvalid("the evidence link must be a web address starting with http:// or https://")
    found = candidates(messages, people, hide_names)
    if fallback:
        found = [c if c.link else c.model_copy(update={"link": fallback}) for c in found]
    return ExportRead(source=about, candidates=found)


def _texts(files: Mapping[str, bytes]) -> dict[str, str]:
    """Every JSON file's text, zips opened, within the size limits."""
    total = 0
    texts: dict[str, str] = {}
    for name, data in files.items():
        if data[:4] == b"PK\x03\x04" or name.lower().endswith(".zip"):
            members = _unzip(name, data)
        else:
            members = {name: data}
        for member, content in members.items():
            if _IGNORED.search(member):
                continue
            total += len(content)
            if total > MAX_EXPORT_BYTES:
                raise ExportTooBig(_too_big())
            if not member.lower().endswith(".json"):
                raise ExportInvalid(f"{member}: not a JSON file; an export is JSON files or a zip of them")
            texts[member] = decode_text(member, content)
            if len(texts) > MAX_FILES:
                raise ExportTooBig(f"the export holds more than {MAX_FILES:,} files; export only "
                                   "the incident's channel and days")
    if not texts:
        raise ExportInvalid(f"{', '.join(sorted(files))[:120]}: no JSON file in it")
    return texts


def _too_big() -> str:
    return (f"the export is larger than {MAX_EXPORT_BYTES // (1024 * 1024)} MB; export only the "
            "incident's channel and days")


def _unzip(name: str, data: bytes) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [info for info in archive.infolist() if not info.is_dir()]
        # The sizes the zip declares are checked before anything is inflated,
        # so a small zip that unpacks to gigabytes is refused unread.
        if sum(info.file_size for info in infos) > MAX_EXPORT_BYTES:
            raise ExportTooBig(_too_big())
        if len(infos) > MAX_FILES * 4:
            raise ExportTooBig(f"{name} holds more than {MAX_FILES:,} files; export only the "
                               "incident's channel and days")
        return {info.filename: archive.read(info)[:MAX_EXPORT_BYTES + 1] for info in infos}
    except ExportInvalid:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError,
            RuntimeError, ValueError) as error:
        raise ExportInvalid(f"{name}: not a readable zip file ({' '.join(str(error).split())[:80]})") from None


def _slack_tree(texts: dict[str, str]) -> dict[str, str]:
    """Paths relative to the export's top (where users.json sits), so a zip
    that wraps the export in a folder reads the same as the folder itself."""
    tops = sorted((path.rsplit("users.json", 1)[0] for path in texts
                   if path == "users.json" or path.endswith("/users.json")), key=len)
    if tops:
        top = tops[0]
        return {path[len(top):]: text for path, text in texts.items() if path.startswith(top)}
    # Day files alone: keep the last folder and the file name.
    return {"/".join(path.split("/")[-2:]): text for path, text in texts.items()}


def _detect(texts: dict[str, str]) -> str:
    if any(is_slack_path("/".join(path.split("/")[-2:])) or path.endswith("users.json")
           for path in texts):
        if any(DAY_FILE.search(path) for path in texts):
            return "slack"
    found = set()
    for name, text in texts.items():
        if DAY_FILE.search(name) and text.lstrip().startswith("["):
            found.add("slack")
            continue
        values = load_concatenated(name, text)
        first = values[0]
        if is_pagerduty_page(first):
            found.add("pagerduty")
        elif is_opsgenie_page(first):
            found.add("opsgenie")
        elif is_teams_page(first):
            found.add("teams")
        else:
            raise ExportInvalid(f"{name} {UNKNOWN}")
    if len(found) > 1:
        raise ExportInvalid("the files are of different formats; import one export at a time")
    return found.pop()

"""An Opsgenie alert's log: the Alert API's answer to `GET /v2/alerts/{id}/logs`.

The format, as Opsgenie documents it (Alert API, "List alert logs",
https://docs.opsgenie.com/docs/alert-api-continued#list-alert-logs, and the
ListAlertLogsResponse schema of its OpenAPI file,
https://github.com/opsgenie/opsgenie-python-sdk/blob/master/opsgenie-oas.json):
`{"data": [...], "paging": {"first": ..., "next": ...}, "took", "requestId"}`;
each log has `log` (the words, e.g. "Alert acknowledged via web"), `type`
(`system`, `alertRecipient`, `alertNote`, `alertAction`...), `owner` (the
user's e-mail, or "System", or an integration's name), `createdAt` (ISO 8601)
and `offset` (the paging cursor). Pages fetched by following `paging.next`
are accepted saved one after another, as a JSON list of pages, or as several files.
"""

from __future__ import annotations

import re
from typing import Any

from canvas.incident.exports.common import (
    Message, People, Speaker, Stage, clean_text, field, iso_time, paged_records, person,
)
from canvas.incident.timeline import EventKind

# Opsgenie writes its own log lines; these words say what happened, first
# match wins. A note ("alertNote") is left to the words of the note.
LOG_RULES: tuple[tuple[re.Pattern[str], EventKind, Stage | None], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind, stage) for pattern, kind, stage in (
        (r"\bunacknowledged\b", EventKind.other, None),
        (r"\backnowledged\b", EventKind.acknowledged, Stage.diagnosis),
        (r"\bclosed\b", EventKind.resolved, Stage.repair),
        (r"\bescalat\w*", EventKind.escalated, Stage.detection),
        (r"\balert created\b|\bcreated alert\b|\bcreated\b", EventKind.detected, Stage.detection),
        (r"\bnotif\w*|\bsent to\b|\bdelivered\b", EventKind.other, None),
        (r"\bsnoozed\b|\bassigned\b|\bowner(ship)?\b", EventKind.other, None),
    ))
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+\Z")


def is_opsgenie_page(value: Any) -> bool:
    """Whether a JSON value is a page (or a list of pages) of alert logs."""
    if isinstance(value, list):
        return bool(value) and is_opsgenie_page(value[0])
    return isinstance(value, dict) and isinstance(value.get("data"), list) and (
        "paging" in value or "requestId" in value
        or all(isinstance(item, dict) and "log" in item for item in value["data"]))


def read_opsgenie(files: dict[str, str], source: str) -> tuple[list[Message], People, str]:
    """The log of an Opsgenie alert (`files`: name → text), its people and a
    description. Raises ExportInvalid naming the file, page, log and field."""
    messages: list[Message] = []
    names: dict[str, str] = {}
    for record, place in paged_records(files, "data", "log", source, messages):
        messages.append(_log(record, place, names))
    return messages, People(names, "On-call (Opsgenie)", numbered=False), "Opsgenie alert log"


def _log(record: Any, place: str, names: dict[str, str]) -> Message:
    words = clean_text(field(record, "log", place, str))
    log_type = field(record, "type", place, str, required=False) or ""
    owner = clean_text(field(record, "owner", place, str, required=False) or "")
    field(record, "offset", place, str, required=False)
    at = iso_time(record, "createdAt", place)
    if _EMAIL.match(owner):
        names.setdefault(owner, owner)
        who = person(owner)
        # The log repeats the owner's address ("acknowledged by alice@...").
        words = words.replace(owner, who)
    else:
        who = owner or "Opsgenie"
    if log_type == "alertNote":
        kind, stage = None, None
    else:
        kind, stage = next(((kind, stage) for pattern, kind, stage in LOG_RULES if pattern.search(words)),
                           (None, None))
    remarks = tuple(dict.fromkeys(item for item in (
        log_type, Speaker.system.value if not _EMAIL.match(owner) else "") if item))
    return Message(at=at, who=who, text=words or "(empty log line)", place=place, kind=kind,
                   stage=stage, remarks=remarks)

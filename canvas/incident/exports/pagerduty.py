"""A PagerDuty incident's log entries: the REST API v2 answer to
`GET /incidents/{id}/log_entries`.

The format, as PagerDuty documents it ("List log entries for an incident",
https://developer.pagerduty.com/api-reference/367edfb2f1f3c-list-log-entries-for-an-incident,
and the LogEntry schema of https://github.com/PagerDuty/api-schema): a page is
`{"log_entries": [...], "limit", "offset", "more", "total"}`; each entry has
`id`, `type` (`trigger_log_entry`, `acknowledge_log_entry`,
`escalate_log_entry`, `resolve_log_entry`, `annotate_log_entry`,
`notify_log_entry`, `assign_log_entry`, `unacknowledge_log_entry`, ...),
`summary` (server-written words, e.g. "Acknowledged by Alice Example"),
`created_at` (ISO 8601), `html_url`, `agent` (a reference: `type` such as
`user_reference` or `service_reference`, `summary`, `id`, `html_url`),
`channel` (how it happened: `type` such as `api`, `web_trigger`, `note`,
`auto`, with a `summary`; a note's text is the channel's `summary`), `user`
(the person notified, on notify entries), `incident` and `event_details`.
Pages fetched with `offset` and `more` are accepted saved one after another,
as a JSON list of pages, or as several files.
"""

from __future__ import annotations

from typing import Any

from canvas.incident.exports.common import (
    ExportInvalid, Message, People, Speaker, Stage, clean_text, field, iso_time, paged_records,
    person, web_link,
)
from canvas.incident.timeline import EventKind

# Each entry type's kind and stage; None leaves the kind to the words (a
# note says what it says) or marks no stage (a notification is noise in a
# timeline unless someone picks it). Types not listed are kept as "other".
ENTRY_TYPES: dict[str, tuple[EventKind | None, Stage | None]] = {
    "trigger_log_entry": (EventKind.detected, Stage.detection),
    "acknowledge_log_entry": (EventKind.acknowledged, Stage.diagnosis),
    "unacknowledge_log_entry": (EventKind.other, None),
    "escalate_log_entry": (EventKind.escalated, Stage.detection),
    "assign_log_entry": (EventKind.escalated, None),
    "reach_trigger_limit_log_entry": (EventKind.other, None),
    "repeat_escalation_path_log_entry": (EventKind.escalated, None),
    "exhaust_escalation_path_log_entry": (EventKind.escalated, None),
    "notify_log_entry": (EventKind.other, None),
    "annotate_log_entry": (None, None),
    "resolve_log_entry": (EventKind.resolved, Stage.repair),
    "snooze_log_entry": (EventKind.other, None),
    "unsnooze_log_entry": (EventKind.other, None),
    "urgency_change_log_entry": (EventKind.other, None),
    "priority_change_log_entry": (EventKind.other, None),
    "responder_request_log_entry": (EventKind.escalated, Stage.detection),
    "status_update_log_entry": (EventKind.communication, Stage.communication),
}
_PEOPLE_REFERENCES = ("user_reference", "user")


def is_pagerduty_page(value: Any) -> bool:
    """Whether a JSON value is a page (or a list of pages) of log entries."""
    if isinstance(value, list):
        return bool(value) and is_pagerduty_page(value[0])
    return isinstance(value, dict) and "log_entries" in value


def read_pagerduty(files: dict[str, str], source: str) -> tuple[list[Message], People, str]:
    """The log entries of a PagerDuty incident (`files`: name → text), its
    people and a description. Raises ExportInvalid naming the file, page,
    entry and field."""
    messages: list[Message] = []
    names: dict[str, str] = {}
    incidents: set[str] = set()
    for record, place in paged_records(files, "log_entries", "log entry", source, messages):
        messages.append(_entry(record, place, names, incidents))
    about = f" of {sorted(incidents)[0]}" if len(incidents) == 1 else ""
    return messages, People(names, "On-call (PagerDuty)", numbered=False), f"PagerDuty log{about}"


def _reference(value: Any, place: str) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ExportInvalid(f"{place}: expected an object")
    return value


def _entry(record: Any, place: str, names: dict[str, str], incidents: set[str]) -> Message:
    entry_type = field(record, "type", place, str)
    at = iso_time(record, "created_at", place)
    summary = clean_text(field(record, "summary", place, str, required=False) or "")
    agent = _reference(field(record, "agent", place, dict, required=False), f"{place}, agent")
    channel = _reference(field(record, "channel", place, dict, required=False), f"{place}, channel")
    incident = field(record, "incident", place, dict, required=False) or {}
    if isinstance(incident.get("summary"), str) and incident["summary"].strip():
        incidents.add(clean_text(incident["summary"]))
    # The server writes people's names into its summaries ("Acknowledged by
    # Alice Example"): each named reference becomes the same person as its agent.
    known = {}
    for where, reference in (("agent", agent), ("user", record.get("user")),
                             ("assigned_user", record.get("assigned_user"))):
        if isinstance(reference, dict) and reference.get("type") in _PEOPLE_REFERENCES:
            name = clean_text(field(reference, "summary", f"{place}, {where}", str, required=False) or "")
            key = field(reference, "id", f"{place}, {where}", str, required=False) or name
            if key:
                names.setdefault(key, name or key)
                if name:
                    known[name] = person(key)
    if agent is None:
        who = "PagerDuty"
    elif agent.get("type") in _PEOPLE_REFERENCES:
        who = known.get(clean_text(agent.get("summary") or ""), "") or person(agent.get("id") or "")
    else:
        who = clean_text(field(agent, "summary", f"{place}, agent", str, required=False) or "") or "PagerDuty"
    text = summary or entry_type.removesuffix("_log_entry").replace("_", " ")
    details = ""
    if channel is not None:
        channel_words = clean_text(field(channel, "summary", f"{place}, channel", str, required=False) or "")
        if channel.get("type") == "note" or entry_type == "annotate_log_entry":
            details = channel_words
        elif entry_type == "trigger_log_entry" and channel_words and channel_words not in text:
            details = channel_words
    event_details = field(record, "event_details", place, dict, required=False) or {}
    if entry_type == "trigger_log_entry" and not details and isinstance(event_details.get("description"), str):
        details = clean_text(event_details["description"])
    if details:
        text = f"{text.rstrip('.')}: {details}"
    for name, placeholder in sorted(known.items(), key=lambda item: -len(item[0])):
        text = text.replace(name, placeholder)
    kind, stage = ENTRY_TYPES.get(entry_type, (EventKind.other, None))
    remarks = (entry_type,) + ((Speaker.system.value,) if agent is None or who == "PagerDuty" else ())
    link = web_link(record.get("html_url")) or web_link(incident.get("html_url"))
    return Message(at=at, who=who, text=text, place=place, link=link, kind=kind, stage=stage,
                   remarks=remarks)

"""What every chat and pager export becomes before the preview: messages with
a time, a speaker and words; the stage each looks like; people as names or
roles; and the limits and errors shared by the readers.

Pure: the readers hand in the text of files already read; nothing here opens
a file, a network connection or a database.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError

from canvas.errors import ExportInvalid, ExportTooBig
from canvas.incident.timeline import TEXT_MAX_CHARS, EventKind, TimelineEvent, guess_kind, phrase_pattern
from canvas.json_text import load_json
from canvas.text import WEB_ADDRESS

# A channel export of a long incident is a few thousand messages and a few
# megabytes; far beyond that is a whole workspace, which nobody can review
# message by message in a preview.
MAX_EXPORT_BYTES = 20 * 1024 * 1024
MAX_MESSAGES = 5000
MAX_FILES = 1000


class Stage(StrEnum):
    """Which part of the response a message looks like it belongs to."""

    detection = "detection"
    diagnosis = "diagnosis"
    repair = "repair"
    communication = "communication"

    @property
    def label(self) -> str:
        return self.value.capitalize()


# Checked in order, first match wins; a phrase ending in "*" matches any word
# starting with it. Communication comes first because a status update repeats
# the stage it reports ("status page: fix deployed"); repair before diagnosis
# because "found it, rolling back" is the repair; detection last because many
# later messages still mention the alert.
STAGE_RULES: tuple[tuple[Stage, tuple[str, ...]], ...] = (
    (Stage.communication, ("status page", "statuspage", "status update", "customers informed",
                           "informed customers", "told customers", "customer update",
                           "announce*", "update posted", "posted an update", "comms", "tweet*",
                           "support team", "informed", "incident update", "stakeholder*")),
    (Stage.repair, ("rolled back", "rolling back", "roll back", "rollback", "revert*", "restart*",
                    "hotfix*", "fix deployed", "deployed the fix", "deploying the fix", "patch*",
                    "mitigat*", "failover", "failed over", "fail over", "failing over", "scaled",
                    "scaling", "workaround", "fixed", "resolved", "recovered", "recovering",
                    "restored", "all clear", "disabled", "drained", "flushed", "closed")),
    (Stage.diagnosis, ("investigat*", "looking into", "looking at", "root cause", "cause",
                       "suspect*", "because", "found", "seeing", "debug*", "hypothes*", "logs",
                       "dashboard*", "trace*", "correlat*", "narrowed", "culprit", "acknowledg*",
                       "ack", "acked", "on it", "note added")),
    (Stage.detection, ("alert*", "alarm*", "page", "paged", "paging", "pagerduty", "opsgenie",
                       "detect*", "noticed", "report*", "firing", "triggered", "error rate",
                       "5xx", "500s", "latency", "spike*", "outage", "down", "timeouts",
                       "fail*", "broken", "escalat*")),
)


_STAGE_PATTERNS = tuple(
    (stage, re.compile("|".join(phrase_pattern(phrase) for phrase in phrases), re.IGNORECASE))
    for stage, phrases in STAGE_RULES
)


def guess_stage(text: str) -> Stage | None:
    """The stage the words of `text` suggest (see `STAGE_RULES`), or None for
    chatter that marks none."""
    return next((stage for stage, pattern in _STAGE_PATTERNS if pattern.search(text)), None)


# --- people ---------------------------------------------------------------------

# A person inside a message's text or speaker, by the key the reader gave them;
# replaced by a name or a role once every person of the export is known, so a
# role's number follows the order people first speak, not the order they are
# listed in users.json. Private-use characters: no export text holds them
# (`clean_text` removes any that do).
_PERSON = re.compile("\ue000([^\ue000\ue001]*)\ue001")


def person(key: str) -> str:
    """A placeholder for a person in a message, named or given a role later."""
    return f"\ue000{key}\ue001"


class Speaker(StrEnum):
    """What sent a message: the roles a hidden author becomes depend on it."""

    person = "person"
    bot = "bot"
    system = "system"


class Message(BaseModel):
    """One message or log entry as a reader found it, before people are named."""

    at: datetime
    who: str  # may hold `person` placeholders
    text: str  # may hold `person` placeholders
    place: str  # where it came from, for the preview and for errors
    link: str | None = None
    kind: EventKind | None = None  # set by pager logs, whose entry types say it
    stage: Stage | None = None  # likewise; chat messages are guessed from words
    remarks: tuple[str, ...] = ()  # "reply in a thread", "edited 13:50 UTC", "bot"


class Candidate(BaseModel):
    """A message offered in the preview, people named or given roles."""

    at: datetime
    kind: EventKind
    stage: Stage | None
    who: str
    text: str
    link: str | None
    place: str
    remarks: tuple[str, ...] = ()

    @property
    def event(self) -> TimelineEvent:
        """The timeline event this candidate becomes when ticked."""
        return TimelineEvent(at=self.at, kind=self.kind, text=event_text(self.who, self.text),
                             evidence_url=self.link)

    def golden(self) -> dict:
        """The candidate as plain JSON values, for golden files and `--dry-run`."""
        return {"at": self.at.isoformat().replace("+00:00", "Z"), "kind": self.kind.value,
                "stage": self.stage.value if self.stage else None, "who": self.who,
                "text": self.text, "link": self.link, "place": self.place,
                "remarks": list(self.remarks)}


def event_text(who: str, text: str) -> str:
    """"who: text", cut to what an event holds."""
    whole = f"{who}: {text}" if who else text
    return whole if len(whole) <= TEXT_MAX_CHARS else whole[:TEXT_MAX_CHARS - 1].rstrip() + "…"


class People:
    """The people of one export: their names, and the role each is shown as
    when the board hides authors ("Responder 1", "On-call (PagerDuty)")."""

    def __init__(self, names: dict[str, str], role: str, numbered: bool = True,
                 aliases: dict[str, list[str]] | None = None):
        self.names = names
        self.role = role
        self.numbered = numbered
        self.aliases = aliases or {}
        self.order: list[str] = []

    def mask(self, text: str) -> str:
        """`text` with the people's names typed as plain words ("thanks Alice",
        "ask alice.martin") turned into placeholders, so hidden authors are not
        named by others either. Full names, display and account names match
        in any case; a first name only capitalised, as people type it."""
        if not self.names:
            return text
        for pattern, key in self._patterns():
            text = pattern.sub(person(key), text)
        return text

    def _patterns(self) -> list[tuple[re.Pattern[str], str]]:
        found: dict[str, tuple[re.Pattern[str], str]] = {}
        for key, name in self.names.items():
            words = [name, *self.aliases.get(key, [])]
            for word in words:
                if len(word) >= 3 and word not in found:
                    found[word] = (re.compile(rf"(?<![\w@.\ue000]){re.escape(word)}(?![\w\ue001])",
                                              re.IGNORECASE), key)
            first = name.split()[0] if len(name.split()) > 1 else ""
            if len(first) >= 3 and first[0].isupper() and first not in found:
                found[first] = (re.compile(rf"(?<![\w@.\ue000]){re.escape(first)}(?![\w\ue001])"), key)
        # Longest first: "Alice Martin" before "Alice".
        return [found[word] for word in sorted(found, key=len, reverse=True)]

    def label(self, key: str, hide: bool) -> str:
        """The name (or the key, for someone the export does not name) or the role."""
        if not hide:
            return self.names.get(key) or key
        return self.roles()[key]

    def see(self, text: str) -> None:
        """Note the people of `text` in the order they appear."""
        for match in _PERSON.finditer(text):
            if match.group(1) not in self.order:
                self.order.append(match.group(1))

    def roles(self) -> dict[str, str]:
        if len(self.order) == 1 and not self.numbered:
            return {self.order[0]: self.role}
        head, _, tail = self.role.partition(" (")
        return {key: f"{head} {number}" + (f" ({tail}" if tail else "")
                for number, key in enumerate(self.order, start=1)}

    def render(self, text: str, hide: bool) -> str:
        return _PERSON.sub(lambda match: self.label(match.group(1), hide), text)


def candidates(messages: Iterable[Message], people: People, hide_names: bool) -> list[Candidate]:
    """The messages in time order (ties keep the export's order) as preview
    candidates: people named, or given roles when `hide_names`; the kind is
    the reader's or guessed from the words as for pasted lines; the stage
    likewise."""
    ordered = sorted(messages, key=lambda message: message.at)
    if hide_names:
        ordered = [message.model_copy(update={"text": people.mask(message.text)}) for message in ordered]
    for message in ordered:
        people.see(message.who)
        people.see(message.text)
    found = []
    for message in ordered:
        who = people.render(message.who, hide_names)
        text = people.render(message.text, hide_names)
        stage = message.stage if message.stage is not None or message.kind else guess_stage(text)
        found.append(Candidate(
            at=message.at, kind=message.kind or _kind_of(text, stage), stage=stage,
            who=who, text=text, link=message.link, place=message.place, remarks=message.remarks))
    return found


# When the words name no kind, a message that looks like detection or
# communication is most likely that moment; diagnosis and repair chatter is
# left as "other" for a person to place.
_KIND_OF_STAGE = {Stage.detection: EventKind.detected, Stage.communication: EventKind.communication}


def _kind_of(text: str, stage: Stage | None) -> EventKind:
    kind = guess_kind(text)
    return _KIND_OF_STAGE.get(stage, kind) if kind is EventKind.other else kind


# --- reading values, with places ------------------------------------------------------


def load(name: str, text: str) -> Any:
    """The JSON value of one file; raises ExportInvalid naming the file."""
    try:
        return load_json(text, ExportInvalid)
    except ExportInvalid as problem:
        raise ExportInvalid(f"{name}: {problem}") from None


def load_concatenated(name: str, text: str) -> list[Any]:
    """The JSON values of a file that holds one value, or several written one
    after another (pages of a paged API saved to one file)."""
    decoder = json.JSONDecoder()
    values, position = [], 0
    stripped = text.strip()
    if not stripped:
        raise ExportInvalid(f"{name}: the file is empty")
    while position < len(stripped):
        end = _value_end(decoder, stripped, position)
        if end is None:
            # Let the full reader name the line and column of the problem.
            load(name, stripped[position:])
            raise ExportInvalid(f"{name}: not valid JSON")  # pragma: no cover - load raised
        values.append(load(name, stripped[position:end]))
        position = end
        while position < len(stripped) and stripped[position].isspace():
            position += 1
    return values


def paged_records(files: dict[str, str], key: str, noun: str, source: str,
                  messages: Sequence) -> Iterator[tuple[Any, str]]:
    """Each record of a paged API's export (`files`: name → text; a file holds
    one page, pages one after another, or a list of pages), with its place
    ("incident.json, page 2, log entry 3"): the records are the list under
    `key` of each page. After each page, `messages` (what the caller made of
    them so far) is checked against the cap."""
    for name in sorted(files):
        pages = [page for value in load_concatenated(name, files[name])
                 for page in (value if isinstance(value, list) else [value])]
        for page_number, page in enumerate(pages, start=1):
            where = f"{name}, page {page_number}" if len(pages) > 1 else name
            for index, record in enumerate(field(page, key, where, list), start=1):
                yield record, f"{where}, {noun} {index}"
            check_count(messages, source)


def _value_end(decoder, text: str, start: int) -> int | None:
    try:
        return decoder.raw_decode(text, start)[1]
    except ValueError:
        return None


def field(record: Any, key: str, place: str, kinds: type | tuple[type, ...], *,
          required: bool = True) -> Any:
    """`record[key]`, which must be of `kinds`; raises ExportInvalid naming the
    place and the field."""
    if not isinstance(record, dict):
        raise ExportInvalid(f"{place}: expected an object, found {what(record)}")
    if key not in record or record[key] is None:
        if required:
            raise ExportInvalid(f"{place}: field {key} is missing")
        return None
    value = record[key]
    if not isinstance(value, kinds) or isinstance(value, bool) and bool not in _tuple(kinds):
        raise ExportInvalid(f"{place}: field {key} should be {_kind_names(kinds)}, "
                            f"found {what(value)}")
    return value


def _tuple(kinds) -> tuple:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _kind_names(kinds) -> str:
    names = {str: "text", int: "a number", float: "a number", list: "a list", dict: "an object",
             bool: "true or false"}
    return " or ".join(dict.fromkeys(names.get(kind, kind.__name__) for kind in _tuple(kinds)))


def what(value: Any) -> str:
    """How a JSON value is named in a message: "text", "a list", "an object"..."""
    if value is None:
        return "null"
    return {str: "text", bool: "true or false", int: "a number", float: "a number",
            list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def iso_time(record: Any, key: str, place: str) -> datetime:
    """An ISO-8601 time with a zone, in UTC; raises ExportInvalid at `place`."""
    value = field(record, key, place, str)
    try:
        at = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ExportInvalid(f"{place}: field {key} is not an ISO-8601 time ({value[:40]!r})") from None
    if at.utcoffset() is None:
        raise ExportInvalid(f"{place}: field {key} has no zone ({value[:40]!r})")
    return checked_time(at.astimezone(timezone.utc), place, key)


def checked_time(at: datetime, place: str, key: str) -> datetime:
    """`at` if the timeline accepts it; else ExportInvalid at `place`."""
    try:
        TimelineEvent(at=at, text="x")
    except ValidationError as error:
        reason = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise ExportInvalid(f"{place}: field {key}: {reason}") from None
    return at


def web_link(value: Any) -> str | None:
    """A web address the app may show as a link, else None (never a
    javascript: or file: link from a file someone handed in)."""
    if isinstance(value, str) and WEB_ADDRESS.match(value.strip()) and not any(
            unicodedata.category(char) == "Cc" for char in value):
        return value.strip()
    return None


def visible(text: str) -> str:
    """`text` without control and format characters (nor the placeholders'
    private-use marks); spacing is kept."""
    return "".join(char if char in "\n\t " or unicodedata.category(char)
                   not in ("Cc", "Cf", "Co", "Cs") else "" for char in text)


def clean_text(text: str) -> str:
    """One line of visible text: whitespace runs become one space, control and
    format characters (and the placeholders' private-use marks) are dropped."""
    return " ".join(visible(text).split())


def check_count(messages: Sequence, source: str) -> None:
    """Refuse an export with more messages than a preview can show."""
    if len(messages) > MAX_MESSAGES:
        raise ExportTooBig(f"{source} holds {len(messages):,} messages; at most {MAX_MESSAGES:,} "
                           "can be previewed at once. Export only the incident's days or "
                           "channel and try again.")


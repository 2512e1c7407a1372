"""A Microsoft Teams chat or channel export: Microsoft Graph's chatMessage list.

The format, as Microsoft Graph documents it (chatMessage resource type,
https://learn.microsoft.com/en-us/graph/api/resources/chatmessage, and "List
messages in a chat", https://learn.microsoft.com/en-us/graph/api/chat-list-messages):
a page is `{"@odata.context": ..., "@odata.nextLink": ..., "value": [...]}`;
each message has `id`, `messageType` (`message`, `systemEventMessage`,
`unknownFutureValue`), `createdDateTime`, `lastModifiedDateTime` (changes on
reactions too), `lastEditedDateTime` (set only when the text was edited),
`deletedDateTime`, `replyToId` (a reply in a channel thread), `from` (an
identity set: `user.displayName`, or `application.displayName` for a bot;
null for system messages), `body` (`contentType` `html` or `text`,
`content`), `mentions` (each `id` matching an `<at id="N">` tag of the body,
`mentioned.user`), `eventDetail` for system messages (its `@odata.type`
names the event, e.g. `#microsoft.graph.membersAddedEventMessageDetail`) and
`webUrl`. A paged export is accepted as pages saved one after another in one
file, as a JSON list of pages, or as several files.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from canvas.incident.exports.common import (
    ExportInvalid, Message, People, Speaker, clean_text, field, iso_time, paged_records, person,
    visible, web_link,
)

# Elements whose content is never text a person wrote.
_SKIPPED_ELEMENTS = frozenset({"script", "style", "head", "title", "template"})
# Elements that end a line: their text must not run into the next word.
_BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
                     "pre", "hr", "table"})


class _BodyText(HTMLParser):
    """The words of a message body. HTML is parsed, never rendered or kept:
    tags, attributes and scripts are dropped, entities decoded; `<at id="N">`
    mentions become the mentioned person."""

    def __init__(self, mentions: dict[str, str]):
        super().__init__(convert_charrefs=True)
        self.mentions = mentions
        self.parts: list[str] = []
        self.skipping = 0
        self.mention: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_ELEMENTS:
            self.skipping += 1
        elif tag in _BREAKS:
            self.parts.append(" ")
        elif tag == "at":
            key = dict(attrs).get("id")
            if key is not None and key in self.mentions:
                self.mention = key
        elif tag == "attachment":
            self.parts.append(" [attachment] ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_ELEMENTS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BREAKS:
            self.parts.append(" ")
        elif tag == "at" and self.mention is not None:
            self.parts.append(self.mentions[self.mention])
            self.mention = None

    def handle_data(self, data: str) -> None:
        # The mention's own text is replaced by the person, once, at its end tag.
        if not self.skipping and self.mention is None:
            self.parts.append(visible(data))

    def text(self) -> str:
        return " ".join("".join(self.parts).split())


def html_text(content: str, mentions: dict[str, str] | None = None) -> str:
    """The plain words of an HTML body (see `_BodyText`)."""
    parser = _BodyText(mentions or {})
    parser.feed(content)
    parser.close()
    return parser.text()


def is_teams_page(value: Any) -> bool:
    """Whether a JSON value looks like a page (or a list of pages) of chatMessages."""
    if isinstance(value, list):
        return bool(value) and is_teams_page(value[0])
    return isinstance(value, dict) and isinstance(value.get("value"), list) and (
        "@odata.context" in value or all(isinstance(item, dict) and "createdDateTime" in item
                                         for item in value["value"]))


def read_teams(files: dict[str, str], source: str) -> tuple[list[Message], People, str]:
    """The messages of a Teams export (`files`: name → text), its people, and
    a description. Raises ExportInvalid naming the file, page, message and field."""
    messages: list[Message] = []
    names: dict[str, str] = {}
    for record, place in paged_records(files, "value", "message", source, messages):
        message = _message(record, place, names)
        if message is not None:
            messages.append(message)
    return messages, People(names, "Responder"), "Teams chat export"


def _identity_name(identity: Any, place: str) -> str | None:
    if identity is None:
        return None
    name = field(identity, "displayName", place, str, required=False)
    return clean_text(name) if name else None


def _message(record: Any, place: str, names: dict[str, str]) -> Message | None:
    kind = field(record, "messageType", place, str, required=False) or "message"
    at = iso_time(record, "createdDateTime", place)
    if field(record, "deletedDateTime", place, str, required=False):
        return None  # deleted: Graph keeps the message with its body emptied
    remarks = []
    if field(record, "lastEditedDateTime", place, str, required=False):
        edited = iso_time(record, "lastEditedDateTime", place)
        remarks.append(f"edited {edited:%Y-%m-%d %H:%M:%S} UTC")
    elif field(record, "lastModifiedDateTime", place, str, required=False):
        iso_time(record, "lastModifiedDateTime", place)  # checked; a reaction also changes it
    if field(record, "replyToId", place, str, required=False):
        remarks.append("reply in a thread")
    link = web_link(field(record, "webUrl", place, str, required=False))
    if kind == "systemEventMessage":
        detail = field(record, "eventDetail", place, dict, required=False) or {}
        remarks.append(Speaker.system.value)
        return Message(at=at, who="Teams", text=_event_words(detail, f"{place}, eventDetail"),
                       place=place, link=link, remarks=tuple(remarks))
    sender = field(record, "from", place, dict, required=False) or {}
    who = _sender(sender, f"{place}, from", names)
    if who is None:
        raise ExportInvalid(f"{place}: field from has no user or application with a displayName")
    if who == "" or not who.startswith("\ue000"):
        remarks.append(Speaker.bot.value)
    body = field(record, "body", place, dict)
    content = field(body, "content", f"{place}, body", str, required=False) or ""
    content_type = (field(body, "contentType", f"{place}, body", str, required=False) or "text").lower()
    if content_type not in ("html", "text"):
        raise ExportInvalid(f"{place}, body: field contentType should be html or text, "
                            f"found {content_type[:20]!r}")
    mentions = _mentions(record, place, names)
    text = html_text(content, mentions) if content_type == "html" else clean_text(content)
    return Message(at=at, who=who, text=text or "(no text: a file or a card)", place=place,
                   link=link, remarks=tuple(remarks))


def _sender(sender: dict, place: str, names: dict[str, str]) -> str | None:
    user = field(sender, "user", place, dict, required=False)
    if user is not None:
        name = _identity_name(user, f"{place}.user")
        key = field(user, "id", f"{place}.user", str, required=False) or name
        if key is None:
            return None
        names.setdefault(key, name or key)
        return person(key)
    # An application (a bot or a connector) is no person: its name stays.
    application = field(sender, "application", place, dict, required=False)
    return _identity_name(application, f"{place}.application")


def _mentions(record: dict, place: str, names: dict[str, str]) -> dict[str, str]:
    found = {}
    for index, mention in enumerate(field(record, "mentions", place, list, required=False) or [],
                                    start=1):
        where = f"{place}, mention {index}"
        key = str(field(mention, "id", where, (int, str)))
        mentioned = field(mention, "mentioned", where, dict, required=False) or {}
        user = mentioned.get("user") if isinstance(mentioned.get("user"), dict) else None
        if user is not None:
            name = _identity_name(user, f"{where}.mentioned.user")
            person_key = user.get("id") if isinstance(user.get("id"), str) else name
            if person_key:
                names.setdefault(person_key, name or person_key)
                found[key] = "@" + person(person_key)
                continue
        text = field(mention, "mentionText", where, str, required=False)
        if text:
            found[key] = "@" + clean_text(text)
    return found


def _event_words(detail: dict, place: str) -> str:
    """"members added", "call started"... from the event's @odata.type."""
    kind = field(detail, "@odata.type", place, str, required=False) or ""
    name = kind.rsplit(".", 1)[-1].removesuffix("EventMessageDetail")
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower().strip()
    if topic := detail.get("chatDisplayName") or detail.get("channelDisplayName"):
        if isinstance(topic, str):
            words += f": {clean_text(topic)}"
    return words or "system event"

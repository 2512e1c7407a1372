"""A Slack channel export: the folder (or zip) Slack's workspace export writes.

The format, as Slack documents it ("Export your workspace data",
https://slack.com/help/articles/201658943-Export-your-workspace-data, and the
message object of the Web API, https://api.slack.com/events/message): at the
top `users.json` (a list of users: `id`, `name`, `real_name`,
`profile.real_name`, `profile.display_name`, `is_bot`) and `channels.json`
(a list of channels: `id`, `name`); then one folder per channel holding one
file per day, `YYYY-MM-DD.json`, each a list of messages. A message has `ts`
(seconds since the epoch in UTC with a six-digit fraction, "1562074920.000200",
which is also its id), `user`, `text` in Slack's mrkdwn (`<@U123>` mentions,
`<#C123|name>` channels, `<http://x|label>` links, `<!here>`, and `&amp;`
`&lt;` `&gt;` escaped), `thread_ts` (the thread's first message; a reply has
a `thread_ts` other than its own `ts`), `reply_count`/`replies` on a thread's
first message, `edited` (`user`, `ts`) once changed, and `subtype` for the
others: `bot_message` (with `bot_id` and `username`), `channel_join`...
A message's permalink is `https://<workspace>.slack.com/archives/<channel
id>/p<ts without its dot>`, with `?thread_ts=<ts>&cid=<channel id>` for a reply.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from canvas.incident.exports.common import (
    ExportInvalid, Message, People, Speaker, check_count, checked_time, clean_text, field, load,
    person, web_link, what,
)

DAY_FILE = re.compile(r"(?:(?P<channel>[^/]+)/)?(?P<day>\d{4}-\d{2}-\d{2})\.json\Z")
TS = re.compile(r"(?P<seconds>\d{1,11})\.(?P<micro>\d{6})\Z")
WORKSPACE = re.compile(r"(?:https?://)?(?P<name>[a-z0-9][a-z0-9-]{0,62})(?:\.(?:enterprise\.)?slack\.com)?/?\Z",
                       re.IGNORECASE)
# Members coming and going say nothing about the incident; a deleted
# message's tombstone has nothing left to say.
SKIPPED_SUBTYPES = frozenset({"channel_join", "channel_leave", "group_join", "group_leave",
                              "bot_add", "bot_remove", "tombstone", "message_deleted"})
_MARKUP = re.compile(r"<([^<>]*)>")


def is_slack_path(path: str) -> bool:
    """Whether a file's path inside the export is one of a Slack export's."""
    return path in ("users.json", "channels.json") or DAY_FILE.match(path) is not None


def workspace_name(value: str | None) -> str | None:
    """The workspace's name in its links ("acme" from "acme", "acme.slack.com"
    or "https://acme.slack.com"); raises ExportInvalid for anything else."""
    if value is None or not value.strip():
        return None
    match = WORKSPACE.match(value.strip())
    if match is None:
        raise ExportInvalid(f"Slack workspace {value.strip()[:60]!r} is not a workspace name such "
                            "as acme or acme.slack.com")
    return match.group("name").lower()


def read_slack(files: dict[str, str], source: str, *, channel: str | None = None,
               workspace: str | None = None) -> tuple[list[Message], People, str]:
    """The messages of one channel of a Slack export (`files`: path inside the
    export → text), its people, and a description of the source. Raises
    ExportInvalid naming the file, the message and the field of a problem."""
    workspace = workspace_name(workspace)
    users = _users(files)
    channel_ids = _channels(files)
    days = {path: DAY_FILE.match(path) for path in files if DAY_FILE.match(path)}
    folders = sorted({match.group("channel") or "" for match in days.values()})
    if not folders:
        raise ExportInvalid(f"{source}: a Slack export holds a folder per channel with one "
                            "YYYY-MM-DD.json file per day; none was found")
    chosen = _chosen_channel(folders, channel, source)
    messages: list[Message] = []
    for path in sorted(path for path, match in days.items() if (match.group("channel") or "") == chosen):
        value = load(path, files[path])
        if not isinstance(value, list):
            raise ExportInvalid(f"{path}: a day file holds a list of messages, found {what(value)}")
        for index, record in enumerate(value, start=1):
            message = _message(record, f"{path}, message {index}", users, channel_ids, chosen, workspace)
            if message is not None:
                messages.append(message)
        check_count(messages, source)
    # Bots are no people: their names stay, in their messages and in others'.
    people = {key: user for key, user in users.items() if not user["bot"]}
    names = {key: user["name"] for key, user in people.items()}
    aliases = {key: user["aliases"] for key, user in people.items()}
    where = f"#{chosen}" if chosen else "one channel"
    return messages, People(names, "Responder", aliases=aliases), f"Slack export of {where}"


def _chosen_channel(folders: list[str], channel: str | None, source: str) -> str:
    wanted = (channel or "").strip().lstrip("#")
    if wanted:
        if wanted not in folders:
            raise ExportInvalid(f"{source}: no channel {wanted!r} in the export; it holds "
                                f"{_listing(folders)}")
        return wanted
    if len(folders) > 1:
        raise ExportInvalid(f"{source}: the export holds several channels ({_listing(folders)}); "
                            "name the incident's channel")
    return folders[0]


def _listing(folders: list[str]) -> str:
    shown = ", ".join(f"#{name}" for name in folders[:10])
    return shown + (f" and {len(folders) - 10} more" if len(folders) > 10 else "")


def _users(files: dict[str, str]) -> dict[str, dict]:
    if "users.json" not in files:
        return {}
    value = load("users.json", files["users.json"])
    if not isinstance(value, list):
        raise ExportInvalid(f"users.json: expected a list of users, found {what(value)}")
    users = {}
    for index, record in enumerate(value, start=1):
        place = f"users.json, user {index}"
        key = field(record, "id", place, str)
        profile = field(record, "profile", place, dict, required=False) or {}
        # The name people know in the channel: the profile's real name, else
        # the display name they chose, else the account name.
        name = next((clean_text(candidate) for candidate in (
            profile.get("real_name"), record.get("real_name"), profile.get("display_name"),
            record.get("name")) if isinstance(candidate, str) and clean_text(candidate)), key)
        aliases = [clean_text(alias) for alias in (profile.get("display_name"), record.get("name"))
                   if isinstance(alias, str) and clean_text(alias)]
        users[key] = {"name": name, "bot": record.get("is_bot") is True, "aliases": aliases}
    return users


def _channels(files: dict[str, str]) -> dict[str, str]:
    """Channel name → id."""
    if "channels.json" not in files:
        return {}
    value = load("channels.json", files["channels.json"])
    if not isinstance(value, list):
        raise ExportInvalid(f"channels.json: expected a list of channels, found {what(value)}")
    ids = {}
    for index, record in enumerate(value, start=1):
        place = f"channels.json, channel {index}"
        ids[field(record, "name", place, str)] = field(record, "id", place, str)
    return ids


def read_ts(value: Any, place: str, key: str = "ts") -> datetime:
    """The UTC time of a Slack timestamp such as "1562074920.000200"."""
    match = TS.match(value) if isinstance(value, str) else None
    if match is None:
        raise ExportInvalid(f"{place}: field {key} is not a Slack timestamp like "
                            f"1562074920.000200 (found {str(value)[:40]!r})")
    at = datetime(1970, 1, 1, tzinfo=timezone.utc) + timedelta(
        seconds=int(match.group("seconds")), microseconds=int(match.group("micro")))
    return checked_time(at, place, key)


def _message(record: Any, place: str, users: dict, channel_ids: dict, channel: str,
             workspace: str | None) -> Message | None:
    subtype = field(record, "subtype", place, str, required=False)
    if subtype in SKIPPED_SUBTYPES:
        return None
    ts = field(record, "ts", place, str)
    at = read_ts(ts, place)
    text = field(record, "text", place, str, required=False) or ""
    if not text.strip():
        text = _attachment_text(record, place)
    remarks = []
    bot = subtype == "bot_message" or (field(record, "bot_id", place, str, required=False)
                                       and not record.get("user"))
    if bot:
        name = (field(record, "username", place, str, required=False)
                or (field(record, "bot_profile", place, dict, required=False) or {}).get("name")
                or field(record, "bot_id", place, str, required=False) or "bot")
        who = clean_text(str(name)) or "bot"
        remarks.append(Speaker.bot.value)
    else:
        who = _speaker(field(record, "user", place, str), users)
    thread = field(record, "thread_ts", place, str, required=False)
    if thread is not None:
        read_ts(thread, place, "thread_ts")
    if thread is not None and thread != ts:
        remarks.append("reply in a thread")
    elif replies := field(record, "reply_count", place, int, required=False):
        remarks.append(f"starts a thread of {replies} repl{'y' if replies == 1 else 'ies'}")
    if (edited := field(record, "edited", place, dict, required=False)) is not None:
        edited_at = read_ts(field(edited, "ts", f"{place}, edited", str), f"{place}, edited")
        remarks.append(f"edited {edited_at:%Y-%m-%d %H:%M:%S} UTC")
    # Cleaned before people are put in: the placeholders are characters
    # that cleaning removes from what a file says.
    words = render_mrkdwn(clean_text(text), users, channel_ids).strip()
    if not words:
        words = "(no text: a file or an attachment)"
    return Message(at=at, who=who, text=words, place=place, remarks=tuple(remarks),
                   link=permalink(workspace, channel_ids.get(channel), ts,
                                  thread if thread not in (None, ts) else None))


def _speaker(user: str, users: dict) -> str:
    known = users.get(user)
    # A bot's account is no person: its name is kept even where authors are hidden.
    return known["name"] if known and known["bot"] else person(user)


def _attachment_text(record: dict, place: str) -> str:
    attachments = field(record, "attachments", place, list, required=False) or []
    for attachment in attachments:
        if isinstance(attachment, dict):
            for key in ("fallback", "text", "pretext", "title"):
                if isinstance(attachment.get(key), str) and attachment[key].strip():
                    return attachment[key]
    return ""


def render_mrkdwn(text: str, users: dict, channel_ids: dict) -> str:
    """Slack's mrkdwn as plain words: mentions become people (placeholders),
    `<http://x|label>` becomes "label (http://x)", and the three escaped
    characters are unescaped last, so an escaped "&lt;@U1&gt;" stays text."""
    names_by_id = {key: name for name, key in channel_ids.items()}

    def replace(match: re.Match[str]) -> str:
        inside = match.group(1)
        target, _, label = inside.partition("|")
        if target.startswith("@"):
            return "@" + _speaker(target[1:], users)
        if target.startswith("#"):
            return "#" + (label or names_by_id.get(target[1:], target[1:]))
        if target.startswith("!"):
            special = target[1:].split("^")[0]
            return label or f"@{special}"
        if label and label != target:
            return f"{label} ({target})" if web_link(target) else label
        return target.removeprefix("mailto:")

    rendered = _MARKUP.sub(replace, text)
    # Slack escapes exactly these three; "&amp;" last, so "&amp;lt;" stays "&lt;".
    return rendered.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def permalink(workspace: str | None, channel_id: str | None, ts: str, thread_ts: str | None) -> str | None:
    """The message's address in Slack, when the workspace and channel are known."""
    if not workspace or not channel_id:
        return None
    link = f"https://{workspace}.slack.com/archives/{channel_id}/p{ts.replace('.', '')}"
    if thread_ts:
        link += f"?thread_ts={thread_ts}&cid={channel_id}"
    return link

"""The reminder digest: per owner, the actions overdue, due soon, or due for
their follow-up review, across every board. Each board's days are counted on
its own calendar (its time zone), so "overdue" means what it means there."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from canvas.actions import FollowUp, Status
from canvas.text import escape_for_documents

NO_OWNER = "(no owner)"
KINDS = ("overdue", "due", "review")  # the order a person should read them in

DigestRow = tuple[str, str, str, FollowUp]  # (board id, board title, board time zone, action)


@dataclass(frozen=True)
class DigestItem:
    kind: str  # overdue, due or review
    day: date
    days: int  # from the board's today: negative when overdue
    owner: str
    title: str
    action_id: str
    board_id: str
    board_title: str


def _owner_key(owner: str) -> str:
    return " ".join(owner.split()).casefold()


def digest(rows: Iterable[DigestRow], now: datetime, days: int,
           owner: str | None = None) -> dict[str, list[DigestItem]]:
    """What each owner should hear about, owners in alphabetical order (no
    owner last), each owner's items overdue first, then due, then reviews,
    by date. An action is overdue while open or in progress past its due
    date; due when its due date falls within `days` from the board's today;
    up for review when its follow-up review does (unless dropped or parked)."""
    groups: dict[str, list[DigestItem]] = {}
    names: dict[str, str] = {}  # "ann" and "Ann" are one person, shown as first written
    for board_id, board_title, zone, action in rows:
        name = names.setdefault(_owner_key(action.owner), " ".join(action.owner.split()) or NO_OWNER)
        if owner is not None and _owner_key(owner) != _owner_key(action.owner):
            continue
        today = now.astimezone(ZoneInfo(zone or "UTC")).date()
        horizon = today + timedelta(days=days)
        found: list[tuple[str, date]] = []
        if action.status.is_active and action.due_date is not None:
            if action.due_date < today:
                found.append(("overdue", action.due_date))
            elif action.due_date <= horizon:
                found.append(("due", action.due_date))
        if (action.review_date is not None and action.status not in (Status.wont_do, Status.parked)
                and today <= action.review_date <= horizon):
            found.append(("review", action.review_date))
        for kind, day in found:
            groups.setdefault(name, []).append(DigestItem(
                kind=kind, day=day, days=(day - today).days, owner=name, title=action.title,
                action_id=action.id, board_id=board_id, board_title=board_title))
    ordered = sorted(groups, key=lambda name: (name == NO_OWNER, name.casefold(), name))
    return {name: sorted(groups[name], key=lambda i: (KINDS.index(i.kind), i.day, i.title))
            for name in ordered}


def _when(item: DigestItem) -> str:
    if item.kind == "overdue":
        return f"overdue since {item.day.isoformat()} ({-item.days} day{'s' * (item.days != -1)})"
    label = "due" if item.kind == "due" else "follow-up review"
    if item.days == 0:
        return f"{label} today ({item.day.isoformat()})"
    return f"{label} {item.day.isoformat()} (in {item.days} day{'s' * (item.days != 1)})"


def _slack_escape(text: str) -> str:
    # Slack's mrkdwn reads <...> as links and mentions (<!channel>).
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def digest_markdown(groups: dict[str, list[DigestItem]], now: datetime, days: int, *,
                    slack: bool = False) -> str:
    """The digest as Markdown (or as Slack's mrkdwn, with titles escaped)."""
    bold = "*" if slack else "**"
    clean = _slack_escape if slack else (lambda text: escape_for_documents(" ".join(text.split())))
    heading = f"Postmortem actions: overdue, due or up for review within {days} days"
    lines = [f"{bold}{heading}{bold}" if slack else f"# {heading}",
             f"As of {now.astimezone(ZoneInfo('UTC')):%Y-%m-%d %H:%M} UTC.", ""]
    if not groups:
        lines.append("Nothing is due.")
    for name, items in groups.items():
        lines.append(f"{bold}{clean(name)}{bold}" if slack else f"## {clean(name)}")
        for item in items:
            lines.append(f"- {clean(item.title)}: {_when(item)} ({clean(item.board_title)})")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def digest_json(groups: dict[str, list[DigestItem]], now: datetime, days: int) -> str:
    """The digest as JSON: {"as_of", "days", "owners": [{"owner", "items": [...]}]}."""
    owners = [{"owner": name, "items": [
        {**asdict(item), "day": item.day.isoformat()} for item in items]}
        for name, items in groups.items()]
    return json.dumps({"as_of": now.astimezone(ZoneInfo("UTC")).isoformat(), "days": days,
                       "owners": owners}, indent=2, ensure_ascii=False) + "\n"

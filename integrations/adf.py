"""Atlassian Document Format (Jira Cloud's rich text) to Markdown and back.

A backlog card shows and edits an issue's description as Markdown; Jira Cloud
keeps it as an ADF document (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/).
Both directions cover what people write in acceptance criteria: paragraphs,
headings, bullet and numbered lists (nested), task lists, quotes, code
blocks, rules, and strong, emphasis, code, strike-through and links. Other
nodes (mentions, emoji, cards, panels, tables) are read as their text, so a
description is never lost on reading; writing sends only the nodes above.

The two are inverse on what `from_markdown` writes: a description saved from
a card reads back the same, so a later pull does not see a change that is
not there.
"""

from __future__ import annotations

import re
from typing import Any

_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^(\s*)(\d+)[.)]\s+(.*)$")
_TASK = re.compile(r"^\[( |x|X)\]\s+(.*)$")
_RULE = re.compile(r"^(-{3,}|\*{3,}|_{3,})$")
# Inline marks, the longest markers first: **strong**, ~~strike~~, `code`, *em*, _em_, [text](url).
_INLINE = re.compile(r"\*\*(?P<strong>.+?)\*\*|~~(?P<strike>.+?)~~|`(?P<code>[^`]+)`"
                     r"|\*(?P<em>[^*\s](?:.*?[^*\s])?)\*|(?<!\w)_(?P<em2>[^_\s](?:.*?[^_\s])?)_(?!\w)"
                     r"|\[(?P<label>[^\]]+)\]\((?P<href>[^)\s]+)\)")
_MARKS = {"strong": ("**", "**"), "em": ("*", "*"), "strike": ("~~", "~~"), "code": ("`", "`")}


# --- ADF to Markdown -----------------------------------------------------------------

def to_markdown(doc: Any) -> str:
    """The document as Markdown text ("" for none). A string (a site that
    answers in wiki markup or plain text) is taken as it is."""
    if doc is None:
        return ""
    if isinstance(doc, str):
        return doc
    return _blocks(doc.get("content") or [], "").strip("\n")


def _blocks(nodes: list[dict], indent: str) -> str:
    return "\n\n".join(text for text in (_block(node, indent) for node in nodes) if text != "")


def _block(node: dict, indent: str) -> str:
    kind = node.get("type")
    content = node.get("content") or []
    if kind == "paragraph":
        return _prefixed(_inline(content), indent)
    if kind == "heading":
        level = int((node.get("attrs") or {}).get("level", 1))
        return indent + "#" * max(1, min(level, 6)) + " " + _inline(content)
    if kind in ("bulletList", "orderedList", "taskList"):
        start = int((node.get("attrs") or {}).get("order", 1) or 1)
        items = []
        for number, item in enumerate(content, start):
            if kind == "bulletList":
                marker = "- "
            elif kind == "orderedList":
                marker = f"{number}. "
            else:
                done = (item.get("attrs") or {}).get("state") == "DONE"
                marker = "- [x] " if done else "- [ ] "
            items.append(_list_item(item, indent, marker))
        return "\n".join(items)
    if kind == "codeBlock":
        language = (node.get("attrs") or {}).get("language") or ""
        code = "".join(child.get("text", "") for child in content)
        return "\n".join(indent + line for line in [f"```{language}", *code.split("\n"), "```"])
    if kind == "blockquote":
        inner = _blocks(content, "")
        return "\n".join(indent + ("> " + line if line else ">") for line in inner.split("\n"))
    if kind == "rule":
        return indent + "---"
    if kind in ("text", "hardBreak", "mention", "emoji", "inlineCard", "date", "status"):
        return _prefixed(_inline([node]), indent)
    # Panels, expands, tables, media and whatever comes next: their text, in order.
    return _blocks(content, indent) if content else ""


def _list_item(item: dict, indent: str, marker: str) -> str:
    children = item.get("content") or []
    if item.get("type") == "taskItem":  # a task item holds inline nodes directly
        children = [{"type": "paragraph", "content": children}]
    first, rest = (children[0], children[1:]) if children else ({"type": "paragraph"}, [])
    head = _block(first, "") if first.get("type") == "paragraph" else _block(first, "")
    lines = head.split("\n")
    text = indent + marker + lines[0] + "".join("\n" + indent + "  " + line for line in lines[1:])
    for child in rest:
        text += "\n" + _block(child, indent + "  ")
    return text


def _prefixed(text: str, indent: str) -> str:
    return "\n".join(indent + line for line in text.split("\n"))


def _inline(nodes: list[dict]) -> str:
    out = []
    for node in nodes:
        kind = node.get("type")
        attrs = node.get("attrs") or {}
        if kind == "text":
            out.append(_marked(node.get("text", ""), node.get("marks") or []))
        elif kind == "hardBreak":
            out.append("\n")
        elif kind == "mention":
            out.append(str(attrs.get("text") or "@" + str(attrs.get("id", ""))))
        elif kind == "emoji":
            out.append(str(attrs.get("text") or attrs.get("shortName") or ""))
        elif kind in ("inlineCard", "blockCard"):
            out.append(str(attrs.get("url") or ""))
        elif kind == "date":
            out.append(str(attrs.get("timestamp") or ""))
        elif kind == "status":
            out.append(str(attrs.get("text") or ""))
        else:
            out.append(_inline(node.get("content") or []))
    return "".join(out)


def _marked(text: str, marks: list[dict]) -> str:
    link = next((m for m in marks if m.get("type") == "link"), None)
    for mark in marks:
        if mark.get("type") in _MARKS:
            before, after = _MARKS[mark["type"]]
            text = before + text + after
    if link is not None:
        text = f"[{text}]({(link.get('attrs') or {}).get('href', '')})"
    return text


# --- Markdown to ADF -----------------------------------------------------------------

def from_markdown(text: str) -> dict:
    """The Markdown as an ADF document (version 1). ADF refuses empty text
    nodes and empty paragraphs' text, so none is made."""
    lines = (text or "").replace("\r\n", "\n").split("\n")
    return {"type": "doc", "version": 1, "content": _parse_blocks(lines)}


def _parse_blocks(lines: list[str]) -> list[dict]:
    blocks: list[dict] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if not stripped:
            index += 1
        elif stripped.startswith("```"):
            language = stripped[3:].strip()
            end = index + 1
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            code = "\n".join(lines[index + 1:end])
            node: dict = {"type": "codeBlock", "content": [{"type": "text", "text": code}] if code else []}
            if language:
                node["attrs"] = {"language": language}
            blocks.append(node)
            index = end + 1
        elif (heading := _HEADING.match(stripped)) is not None:
            blocks.append({"type": "heading", "attrs": {"level": len(heading[1])},
                           "content": _parse_inline(heading[2])})
            index += 1
        elif _RULE.match(stripped):
            blocks.append({"type": "rule"})
            index += 1
        elif stripped.startswith(">"):
            end = index
            while end < len(lines) and lines[end].strip().startswith(">"):
                end += 1
            quoted = [re.sub(r"^\s*>\s?", "", line) for line in lines[index:end]]
            blocks.append({"type": "blockquote", "content": _parse_blocks(quoted)})
            index = end
        elif _BULLET.match(line) or _NUMBERED.match(line):
            node, index = _parse_list(lines, index, _indent(line))
            blocks.append(node)
        else:
            end = index
            while end < len(lines) and lines[end].strip() and not _starts_block(lines[end]):
                end += 1
            end = max(end, index + 1)
            blocks.append({"type": "paragraph",
                           "content": _parse_inline("\n".join(l.strip() for l in lines[index:end]))})
            index = end
    return blocks


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _starts_block(line: str) -> bool:
    stripped = line.strip()
    return bool(_HEADING.match(stripped) or _RULE.match(stripped) or stripped.startswith((">", "```"))
                or _BULLET.match(line) or _NUMBERED.match(line))


def _parse_list(lines: list[str], index: int, indent: int) -> tuple[dict, int]:
    first = lines[index]
    numbered = _NUMBERED.match(first)
    bullet_task = (bullet := _BULLET.match(first)) is not None and _TASK.match(bullet[2]) is not None
    kind = "orderedList" if numbered else ("taskList" if bullet_task else "bulletList")
    items: list[dict] = []
    while index < len(lines):
        line = lines[index]
        if not line.strip() or _indent(line) != indent:
            break
        match = _NUMBERED.match(line) if kind == "orderedList" else _BULLET.match(line)
        if match is None:
            break
        text = match[3] if kind == "orderedList" else match[2]
        index += 1
        children: list[dict] = []
        while index < len(lines) and lines[index].strip() and _indent(lines[index]) > indent:
            child = lines[index]
            if _BULLET.match(child) or _NUMBERED.match(child):
                nested, index = _parse_list(lines, index, _indent(child))
                children.append(nested)
            else:
                text += "\n" + child.strip()
                index += 1
        if kind == "taskList":
            task = _TASK.match(text)
            done = task is not None and task[1] in "xX"
            items.append({"type": "taskItem", "attrs": {"localId": str(len(items) + 1),
                                                        "state": "DONE" if done else "TODO"},
                          "content": _parse_inline(task[2] if task else text)})
        else:
            items.append({"type": "listItem", "content": [
                {"type": "paragraph", "content": _parse_inline(text)}, *children]})
    node: dict = {"type": kind, "content": items}
    if kind == "orderedList" and numbered and int(numbered[2]) != 1:
        node["attrs"] = {"order": int(numbered[2])}
    if kind == "taskList":
        node["attrs"] = {"localId": "tasks"}
    return node, index


def _parse_inline(text: str) -> list[dict]:
    nodes: list[dict] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            nodes.append({"type": "hardBreak"})
        nodes += _parse_marks(line, [])
    return nodes


def _parse_marks(text: str, marks: list[dict]) -> list[dict]:
    nodes: list[dict] = []
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            nodes.append(_text(text[position:match.start()], marks))
        if match["code"] is not None:
            nodes.append(_text(match["code"], [*marks, {"type": "code"}]))
        elif match["label"] is not None:
            link = {"type": "link", "attrs": {"href": match["href"]}}
            nodes += _parse_marks(match["label"], [*marks, link])
        else:
            name = next(n for n in ("strong", "strike", "em", "em2") if match[n] is not None)
            kind = "em" if name == "em2" else name
            nodes += _parse_marks(match[name], [*marks, {"type": kind}])
        position = match.end()
    if position < len(text):
        nodes.append(_text(text[position:], marks))
    return [node for node in nodes if node.get("text")]


def _text(text: str, marks: list[dict]) -> dict:
    node: dict = {"type": "text", "text": text}
    if marks:
        node["marks"] = list(marks)
    return node

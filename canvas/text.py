"""Keeping what people typed literal wherever it is shown or exported."""

from __future__ import annotations

import re
import string

_PUNCTUATION = frozenset(string.punctuation)


def escape_markdown(text: str) -> str:
    """Text that Markdown (CommonMark, and Streamlit's extras such as `:red[...]`
    and `$...$`) shows exactly as typed.

    CommonMark lets a backslash escape any ASCII punctuation character, so
    escaping all of them is simpler and safer than chasing which ones matter
    in which position (a leading `#`, a `1.` list, a `|` in a table cell).
    Line breaks are kept as hard breaks so a multi-line note stays multi-line.
    """
    escaped = "".join("\\" + char if char in _PUNCTUATION else char for char in text)
    return escaped.replace("\r\n", "\n").replace("\n", "  \n")


# Characters that are markup wherever they stand in CommonMark / GitHub
# Markdown; `_` and `&` are handled by context below.
_ALWAYS = frozenset("\\`*[]<>|~")
_LINE_MARKER = re.compile(r"^(\s*)(?:([#+=-])|(\d+)([.)]))")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def escape_for_documents(text: str) -> str:
    """Text for a Markdown file or a wiki (CommonMark, GitHub Markdown) that
    renders exactly as typed, escaping only what could be read as markup, so
    the file stays readable as plain text (`snake_case`, `CPU-bound`, `3.5`).

    Escaped: backslash, backtick, `*`, brackets, `<`, `>`, `|`, `~`; an `_`
    at a word's edge (inside a word it is never emphasis); an `&` that would
    start an entity; and at the start of each line the markers of headings,
    lists and setext underlines (`#`, `+`, `-`, `=`, `1.`, `1)`). Line breaks
    are kept as hard breaks.
    """
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        escaped = []
        for index, char in enumerate(line):
            if char in _ALWAYS:
                escaped.append("\\" + char)
            elif char == "_" and not _inside_word(line, index):
                escaped.append("\\_")
            else:
                escaped.append(char)
        line = _ENTITY.sub(r"\\&", "".join(escaped))
        lines.append(_LINE_MARKER.sub(_escape_marker, line, count=1))
    return "  \n".join(lines)


def _inside_word(line: str, index: int) -> bool:
    return 0 < index < len(line) - 1 and line[index - 1].isalnum() and line[index + 1].isalnum()


def _escape_marker(match: re.Match) -> str:
    indent, symbol, digits, closer = match.groups()
    if symbol:
        return f"{indent}\\{symbol}"
    return f"{indent}{digits}\\{closer}"

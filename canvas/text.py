"""Keeping what people typed literal wherever it is shown or exported."""

from __future__ import annotations

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

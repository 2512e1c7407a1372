"""Reading JSON that a person hands in (incident files, backups): every way the
text can be unreadable becomes the caller's named error, with a place."""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from canvas.errors import CanvasError

# Python reads JSON recursively; far below its own limit, so a hostile file
# never reaches it, and far above any real incident file or backup.
MAX_DEPTH = 64


def load_json(text: str, invalid: type[CanvasError]) -> Any:
    """The value in `text`; raises `invalid` with a message naming the problem
    (bad syntax with its line and column, nesting deeper than MAX_DEPTH, a
    number too long to read, a lone surrogate escape that is no character)."""
    if (depth := _nesting(text)) > MAX_DEPTH:
        raise invalid(f"nested {depth} levels deep; a valid file nests at most {MAX_DEPTH}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise invalid(
            f"line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})"
        ) from error
    except ValueError as error:
        # Integers longer than Python's conversion limit.
        raise invalid(f"a number has more than {sys.get_int_max_str_digits():,} digits; "
                      "no field takes one that long") from error
    _refuse_lone_surrogates(text, data, invalid)
    return data


def _nesting(text: str) -> int:
    """The deepest bracket nesting outside strings (an upper bound on the JSON's depth)."""
    deepest = depth = 0
    # Strings are removed first, so brackets inside them do not count.
    for match in re.finditer(r"[\[\]{}]", re.sub(r'"[^"\\]*(?:\\.[^"\\]*)*"', '""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _refuse_lone_surrogates(text: str, data: Any, invalid: type[CanvasError]) -> None:
    # "\ud800" alone is valid JSON syntax but no character: nothing can store
    # or print it, so it is refused here rather than failing at the database.
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        code = ord(error.object[error.start])
        escape = re.search(rf"\\u{code:04x}", text, re.IGNORECASE)
        line = text.count("\n", 0, escape.start()) + 1 if escape else None
        where = f"line {line}: " if line else ""
        raise invalid(f"{where}\\u{code:04x} is half of a surrogate pair, not a character")

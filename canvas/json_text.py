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


def load_json(text: str, invalid: type[CanvasError], *, max_depth: int = MAX_DEPTH) -> Any:
    """The value in `text`; raises `invalid` with a message naming the problem
    (bad syntax with its line and column, nesting deeper than `max_depth`, a
    number too long to read, a lone surrogate escape that is no character)."""
    if _nests_deeper(text, max_depth):
        raise invalid(f"nested more than {max_depth} levels deep")
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


# A string from its opening quote to its closing one, or to the end of the
# text when it is never closed. It never fails once it starts, so each
# character is read once: a pattern that must find the closing quote is
# tried again from every later quote of a text that has none, which took
# 46 s for 64 KiB of `\"`.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)


def _nests_deeper(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than `limit` (an upper
    bound on the JSON's depth); it stops reading at the first one too deep."""
    depth = 0
    # Strings are removed first, so brackets inside them do not count.
    for match in re.finditer(r"[\[\]{}]", _STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


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

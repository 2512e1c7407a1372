"""What people may type, and keeping it literal wherever it is shown or exported.

The rules for every text field live here, as the annotated types the models
use (`RequiredLine`, `RequiredText`, `OptionalLine`, `OptionalText`): no
control characters (a line break and a tab only where the field has several
lines), no lone surrogates, no text that shows nothing, only whitespace and
invisible characters such as zero-width spaces, direction marks or variation
selectors (optional fields store it as empty), and a length limit. Values
read back from storage skip them (canvas.validation).
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Annotated

from canvas.validation import entry_rule

# A web address: what the app shows as a link. Other schemes (javascript:,
# file:) rendered as a link would be a way to attack whoever clicks it.
WEB_ADDRESS = re.compile(r"https?://[^\s/?#]+\S*\Z", re.IGNORECASE)

# Characters that show nothing, yet make a field look filled while it says
# nothing. The rule is Unicode's Default_Ignorable_Code_Point (what a font
# draws as nothing): every format character (category Cf: zero-width spaces
# and joiners, direction marks and controls, the soft hyphen, invisible math
# operators, tag characters) except the few that draw a sign ...
_FORMAT_SHOWN = (
    (0x0600, 0x0605), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2),
    (0x110BD, 0x110BD), (0x110CD, 0x110CD),  # number signs and marks written before digits
    (0xFFF9, 0xFFFB),  # interlinear annotation marks: shown when not understood
    (0x13430, 0x1343F),  # Egyptian hieroglyph format controls: they arrange visible signs
)
# ... and the invisible characters of other categories: the combining
# grapheme joiner, the Hangul fillers, Khmer's inherent vowels, variation
# selectors (Mongolian, standard, ideographic), code points reserved as
# invisible. The braille blank is not default-ignorable but shows as a space.
_BLANK_OTHERWISE = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2065, 0x2065),
    (0x2800, 0x2800), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0FFF),
)


def shows_nothing(char: str) -> bool:
    """True for whitespace and for a character that is drawn as nothing
    (see `_FORMAT_SHOWN` and `_BLANK_OTHERWISE` for the rule)."""
    if char.isspace():
        return True
    code = ord(char)
    if unicodedata.category(char) == "Cf":
        return not any(low <= code <= high for low, high in _FORMAT_SHOWN)
    return any(low <= code <= high for low, high in _BLANK_OTHERWISE)


def is_blank(text: str) -> bool:
    """True when the text shows nothing: only whitespace and invisible
    characters (`shows_nothing`). Invisible characters inside visible text
    stay where they are: a zero-width joiner builds an emoji sequence, a
    zero-width non-joiner shapes a Persian or Indic word."""
    return all(shows_nothing(char) for char in text)


def check_visible(value: str, multiline: bool = False) -> str:
    """`value` itself; raises ValueError if it holds a control character (a
    line break or tab allowed when `multiline`) or a lone surrogate."""
    _refuse_hidden(value, multiline)
    return value


def _refuse_hidden(value: str, multiline: bool) -> None:
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc" and not (multiline and char in "\n\t"):
            if char in "\r\n":
                raise ValueError("must fit on one line.")
            # Invisible in the app, but they drive terminals (ESC) and cut
            # strings short in other programs (NUL).
            raise ValueError(f"contains an invisible control character (U+{ord(char):04X}).")
        if category == "Cs":
            raise ValueError("contains a broken character (a lone surrogate).")


def _checked(value: str, multiline: bool, max_chars: int, label: str | None,
             empty: str | None) -> str:
    if multiline:
        # Browsers send \n, pasted text may carry Windows or old Mac line ends.
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.strip()
    if is_blank(value):
        if label is None:
            return ""
        raise ValueError(empty or f"{label} cannot be empty.")
    _refuse_hidden(value, multiline)
    if len(value) > max_chars:
        prefix = f"{label} is" if label else "is"
        raise ValueError(f"{prefix} {len(value):,} characters long; the limit is {max_chars:,}.")
    return value


def required_text(label: str, max_chars: int, *, multiline: bool = False,
                  empty: str | None = None):
    """The validator of a text field that must say something: `label` names
    it in messages ("A title cannot be empty."), `empty` replaces that
    message. Surrounding whitespace is dropped."""
    return entry_rule(lambda value: _checked(value, multiline, max_chars, label, empty))


def optional_text(max_chars: int, *, multiline: bool = False):
    """The validator of a text field that may stay empty; text with nothing
    visible in it is stored as empty."""
    return entry_rule(lambda value: _checked(value, multiline, max_chars, None, None))


def RequiredLine(label: str, max_chars: int, empty: str | None = None):
    """A one-line text field that must say something."""
    return Annotated[str, required_text(label, max_chars, empty=empty)]


def RequiredText(label: str, max_chars: int, empty: str | None = None):
    """A multi-line text field that must say something."""
    return Annotated[str, required_text(label, max_chars, multiline=True, empty=empty)]


def OptionalLine(max_chars: int):
    """A one-line text field that may stay empty."""
    return Annotated[str, optional_text(max_chars)]


def OptionalText(max_chars: int):
    """A multi-line text field that may stay empty."""
    return Annotated[str, optional_text(max_chars, multiline=True)]


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
# A heading drops a run of `#` at its end ("Fix it ##" reads "Fix it").
_CLOSING_HASHES = re.compile(r"(\s)(#+)(\s*)$")


def escape_for_documents(text: str) -> str:
    """Text for a Markdown file or a wiki (CommonMark, GitHub Markdown) that
    renders exactly as typed, escaping only what could be read as markup, so
    the file stays readable as plain text (`snake_case`, `CPU-bound`, `3.5`).

    Escaped: backslash, backtick, `*`, brackets, `<`, `>`, `|`, `~`; an `_`
    at a word's edge (inside a word it is never emphasis); an `&` that would
    start an entity; at the start of each line the markers of headings,
    lists and setext underlines (`#`, `+`, `-`, `=`, `1.`, `1)`), and at its
    end a run of `#` after a space (a heading's closing sequence). `<` is
    always escaped, so `<https://x>` stays text, never a link. A control
    character (refused on entry, but older data may hold one) becomes its
    visible symbol (ESC -> U+241B). Line breaks are kept as hard breaks.
    """
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        escaped = []
        for index, char in enumerate(line):
            if char in _ALWAYS:
                escaped.append("\\" + char)
            elif char == "_" and not _inside_word(line, index):
                escaped.append("\\_")
            elif unicodedata.category(char) in ("Cc", "Cs") and char != "\t":
                # Older data may hold them: shown as a visible stand-in, so a
                # file printed to a terminal never carries an escape sequence.
                escaped.append(_stand_in(char))
            else:
                escaped.append(char)
        line = _ENTITY.sub(r"\\&", "".join(escaped))
        line = _CLOSING_HASHES.sub(lambda match: match[1] + "\\#" * len(match[2]) + match[3], line)
        lines.append(_LINE_MARKER.sub(_escape_marker, line, count=1))
    return "  \n".join(lines)


def visible(text: str) -> str:
    """`text` with every control character but line breaks and tabs replaced
    by a visible symbol (ESC -> U+241B): for files that may be printed to a
    terminal, when older data still holds such characters."""
    return "".join(_stand_in(char) if unicodedata.category(char) in ("Cc", "Cs")
                   and char not in "\n\t" else char for char in text.replace("\r\n", "\n"))


def _stand_in(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␀, ␛, ...
    return "\u2421" if code == 0x7F else "\ufffd"


def _inside_word(line: str, index: int) -> bool:
    return 0 < index < len(line) - 1 and line[index - 1].isalnum() and line[index + 1].isalnum()


def _escape_marker(match: re.Match) -> str:
    indent, symbol, digits, closer = match.groups()
    if symbol:
        return f"{indent}\\{symbol}"
    return f"{indent}{digits}\\{closer}"


def plural(count: int, word: str, many: str | None = None) -> str:
    """"1 note", "2 notes": a count with its word as the count wants it."""
    return f"{count} {word if count == 1 else (many or word + 's')}"

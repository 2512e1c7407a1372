import pytest
from pydantic import ValidationError

from canvas.ids import hash_secret, is_well_formed_board_id, new_board_id, new_secret
from canvas.models import NOTE_MAX_CHARS, BoardDraft, NoteColour, NoteDraft
from canvas.text import escape_markdown


def test_note_text_is_trimmed_and_kept_literally():
    draft = NoteDraft.model_validate({"text": "  <script>alert(1)</script> **x**  "})
    assert draft.text == "<script>alert(1)</script> **x**"
    assert draft.colour == NoteColour.yellow


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n"])
def test_empty_note_is_refused_with_a_clear_message(text):
    with pytest.raises(ValidationError, match="A note cannot be empty"):
        NoteDraft.model_validate({"text": text})


def test_note_over_the_limit_is_refused_saying_the_limit():
    with pytest.raises(ValidationError, match=f"the limit is {NOTE_MAX_CHARS:,}"):
        NoteDraft.model_validate({"text": "x" * (NOTE_MAX_CHARS + 1)})
    assert NoteDraft.model_validate({"text": "x" * NOTE_MAX_CHARS})


def test_note_with_a_control_character_is_refused():
    with pytest.raises(ValidationError, match="control character"):
        NoteDraft.model_validate({"text": "bell\x07"})


def test_unknown_colour_is_refused():
    with pytest.raises(ValidationError):
        NoteDraft.model_validate({"text": "ok", "colour": "chartreuse"})


def test_board_needs_a_title_and_a_facilitator_name():
    with pytest.raises(ValidationError, match="A title cannot be empty"):
        BoardDraft.model_validate({"title": " ", "facilitator_name": "Ann"})
    with pytest.raises(ValidationError, match="A display name cannot be empty"):
        BoardDraft.model_validate({"title": "Outage", "facilitator_name": ""})
    with pytest.raises(ValidationError, match="one line"):
        BoardDraft.model_validate({"title": "a\nb", "facilitator_name": "Ann"})


def test_board_with_an_unknown_template_is_refused():
    with pytest.raises(ValidationError, match="no template called"):
        BoardDraft.model_validate({"title": "x", "facilitator_name": "Ann", "template": "nope"})


def test_board_ids_are_long_random_and_checked_for_shape():
    ids = {new_board_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(board_id) == 24 and is_well_formed_board_id(board_id) for board_id in ids)
    # An id that starts with "-" would be read as an option on the command line.
    assert all(board_id[0].isalnum() for board_id in ids)
    for bad in ["", None, "short", "x" * 23, "a" * 23 + "!", "../../etc/passwd", "' OR 1=1 --"]:
        assert not is_well_formed_board_id(bad)


def test_secrets_are_stored_as_hashes_only():
    secret = new_secret()
    assert len(secret) >= 43
    assert hash_secret(secret) != secret
    assert hash_secret(secret) == hash_secret(secret)


@pytest.mark.parametrize(
    "typed",
    ["# heading", "| a | b |", "`code`", "<b>bold</b>", "**x** _y_", "[link](http://e.com)",
     ":red[alert]", "$x^2$", "1. list", "- item", "back\\slash"],
)
def test_markdown_escaping_leaves_no_unescaped_markup(typed):
    escaped = escape_markdown(typed)
    # Every ASCII punctuation character is preceded by a backslash.
    index = 0
    while index < len(escaped):
        char = escaped[index]
        if char == "\\":
            index += 2
            continue
        assert char.isalnum() or char.isspace(), (typed, escaped)
        index += 1


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("CPU-bound snake_case 3.5 ok?", "CPU-bound snake_case 3.5 ok?"),
        ("# heading", "\\# heading"),
        ("1. first", "1\\. first"),
        ("- item", "\\- item"),
        ("| a | b |", "\\| a \\| b \\|"),
        ("<b>x</b>", "\\<b\\>x\\</b\\>"),
        ("[a](javascript:x)", "\\[a\\](javascript:x)"),
        ("**x** _y_ `z` ~~s~~", "\\*\\*x\\*\\* \\_y\\_ \\`z\\` \\~\\~s\\~\\~"),
        ("&amp; AT&T", "\\&amp; AT&T"),
        ("line one\n# two", "line one  \n\\# two"),
    ],
)
def test_document_escaping_escapes_markup_and_nothing_else(typed, expected):
    from canvas.text import escape_for_documents

    assert escape_for_documents(typed) == expected

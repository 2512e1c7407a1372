"""Reading handed-in JSON: nesting is bounded before Python's recursive reader
sees it, and the check reads each character once, whatever the text."""

import pytest

from canvas.errors import BackupInvalid
from canvas.json_text import _STRING, load_json


def test_nesting_deeper_than_the_limit_is_refused_by_name():
    with pytest.raises(BackupInvalid, match="nested more than 32 levels deep"):
        load_json("[" * 1000 + "]" * 1000, BackupInvalid, max_depth=32)


def test_nesting_up_to_the_limit_is_read():
    value = load_json("[" * 32 + "]" * 32, BackupInvalid, max_depth=32)
    for _ in range(31):
        (value,) = value
    assert value == []


def test_brackets_inside_strings_do_not_count_even_after_escaped_quotes():
    text = '{"a": "[[[[\\"[[[[", "b": "\\\\", "c": [["{{{{"]]}'
    assert load_json(text, BackupInvalid, max_depth=3) == {"a": '[[[["[[[[', "b": "\\", "c": [["{{{{"]]}


@pytest.mark.parametrize("text", ['"' + '\\"' * 50_000, '"never closed [[[[', '"ends in a backslash\\'],
                         ids=["escaped quotes, never closed", "never closed", "trailing backslash"])
def test_a_string_left_open_is_read_once_to_the_end_of_the_text(text):
    # A pattern that must find the closing quote starts again from every later
    # quote when there is none, which made 64 KiB of \" take 46 s to check.
    assert _STRING.match(text).end() == len(text)
    with pytest.raises(BackupInvalid, match="not valid JSON"):
        load_json(text, BackupInvalid)

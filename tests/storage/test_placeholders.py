"""Statements are written once, with `?` for each value, and run on both
drivers: a `?` or `%` that is text (in a string literal, a quoted name or a
comment) stays text, on SQLite and on PostgreSQL alike."""

import pytest

from storage.db import _for_driver

TRICKY = ("SELECT 'why?' AS q, 'it''s 100% ?' AS p, ? AS value, \"what?\" , '--?' AS d "
          "/* a ? here */ FROM t -- and ? there\nWHERE x = ?")


def test_only_placeholders_outside_literals_names_and_comments_become_psycopgs():
    assert _for_driver(TRICKY, postgres=True) == (
        "SELECT 'why?' AS q, 'it''s 100%% ?' AS p, %s AS value, \"what?\" , '--?' AS d "
        "/* a ? here */ FROM t -- and ? there\nWHERE x = %s")


def test_sqlite_gets_the_statement_as_written():
    assert _for_driver(TRICKY, postgres=False) == TRICKY


@pytest.mark.parametrize("literal", ["?", "why?", "100%", "%s", "?%?", "it''s ?", "%%", "--?", "/*?*/"])
def test_a_literal_holding_placeholder_characters_comes_back_as_written(db, literal):
    row = db.execute(f"SELECT '{literal}' AS text, ? AS value /* ? */", [7]).fetchone()
    assert tuple(row) == (literal.replace("''", "'"), 7)


def test_a_quoted_name_holding_a_question_mark_is_a_name_not_a_value(db):
    row = next(db.query('SELECT ? AS "done?", \'?\' AS "50%"', ["yes"]))
    assert row == {"done?": "yes", "50%": "?"}

"""Golden files, and the fixture board they are made from."""

import difflib
import os
from pathlib import Path

import pytest

FOLDER = Path(__file__).parent


def assert_matches_golden(name: str, produced: str) -> None:
    """`produced` equals the golden file `name` to the character; with
    UPDATE_GOLDEN=1 in the environment it rewrites the file first (then read
    the diff in git before committing it)."""
    path = FOLDER / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(produced.encode("utf-8"))
    expected = path.read_bytes().decode("utf-8")
    if produced != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True),
                                            produced.splitlines(keepends=True), str(path), "produced"))
        pytest.fail(f"{name} differs from the golden file (UPDATE_GOLDEN=1 rewrites it):\n{diff}")

"""The app's own words never trip its blame checker: in the Markdown of a
board made from every incident file, a flag can only sit in text the file
itself supplied (a published postmortem may word a factor as "removed by
mistake"), never in a label, a prompt or a completeness sentence."""

import json

import pytest

from canvas.review.language import format_finding, lint_text
from tests.cli.test_command_line import INCIDENT_FILES, run


@pytest.mark.parametrize("incident", INCIDENT_FILES, ids=lambda p: p.stem)
def test_the_markdown_of_an_imported_incident_has_no_blame_flags(tmp_path, capsys, incident):
    db_path = str(tmp_path / "cli.db")
    status, out, err = run(capsys, "import", str(incident), "--db", db_path)
    assert status == 0, err
    status, markdown, err = run(capsys, "export", out.strip(), "--format", "md", "--db", db_path)
    assert status == 0, err
    assert "## Summary" in markdown
    source = json.loads(incident.read_text("utf-8"))
    supplied = [" ".join(text.split()) for text in _texts(source)]
    lines = markdown.splitlines()
    own = [format_finding(finding, incident.stem) for finding in lint_text(markdown)
           if not any(_phrase_in(lines[finding.line - 1], finding.flag.phrase, text) for text in supplied)]
    assert own == []


def _texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


def _phrase_in(line: str, phrase: str, text: str) -> bool:
    # The flagged phrase is in the file's own words, and that text is on the line.
    return phrase in text and text[:40] in line

"""One set of text rules for every field a person types: no control
characters (a line break only where the field has several lines), no text
that is empty once whitespace and zero-width characters are removed."""

import pytest
from pydantic import ValidationError

from canvas.actions import ActionDraft, TriggerDraft
from canvas.backup import BackupCluster, BackupPlan
from canvas.errors import TextRefused
from canvas.models import BoardDetails, BoardDraft, NoteDraft, checked_name
from canvas.text import is_blank
from canvas.timeline import IncidentFile, TimelineEvent

EVENT = {"at": "2019-07-02T13:42:00Z", "text": "Paged"}
BACKUP = {"format": "postmortem-canvas/backup-1", "board": {"title": "t", "template": "blameless"}}


def _names(kind):
    def build(value):
        return checked_name(kind, value)
    return build


# field -> (build a model from a value in that field, required?, several lines?)
FIELDS = {
    "board title": (lambda v: BoardDraft.model_validate({"title": v, "facilitator_name": "F"}).title, True, False),
    "facilitator name": (lambda v: BoardDraft.model_validate({"title": "t", "facilitator_name": v}).facilitator_name, True, False),
    "summary title": (lambda v: BoardDetails.model_validate({"title": v}).title, True, False),
    "summary": (lambda v: BoardDetails.model_validate({"title": "t", "summary": v}).summary, False, True),
    "impact": (lambda v: BoardDetails.model_validate({"title": "t", "impact": v}).impact, False, True),
    "other participants": (lambda v: BoardDetails.model_validate({"title": "t", "other_participants": v}).other_participants, False, True),
    "role: facilitator": (lambda v: BoardDetails.model_validate({"title": "t", "roles": {"facilitator": v}}).roles.facilitator, False, False),
    "role: scribe": (lambda v: BoardDetails.model_validate({"title": "t", "roles": {"scribe": v}}).roles.scribe, False, False),
    "role: decision owner": (lambda v: BoardDetails.model_validate({"title": "t", "roles": {"decision_owner": v}}).roles.decision_owner, False, False),
    "note": (lambda v: NoteDraft(text=v).text, True, True),
    "display name": (_names("display name"), True, False),
    "cluster name": (_names("cluster name"), True, False),
    "action title": (lambda v: ActionDraft(title=v).title, True, False),
    "action owner": (lambda v: ActionDraft(title="Add", owner=v).owner, False, False),
    "success signal": (lambda v: ActionDraft(title="Add", success_signal=v).success_signal, False, True),
    "status reason": (lambda v: ActionDraft(title="Add", status_reason=v).status_reason, False, True),
    "trigger signal": (lambda v: TriggerDraft(signal=v, response="roll back").signal, True, True),
    "trigger response": (lambda v: TriggerDraft(signal="5xx > 2%", response=v).response, True, True),
    "event text": (lambda v: TimelineEvent(**{**EVENT, "text": v}).text, True, True),
    "incident title": (lambda v: IncidentFile(title=v, events=[EVENT]).title, True, False),
    "incident summary": (lambda v: IncidentFile(title="t", events=[EVENT], summary=v).summary, False, True),
    "incident factor": (lambda v: IncidentFile(title="t", events=[EVENT], contributing_factors=[v]).contributing_factors[0], True, True),
    "incident action": (lambda v: IncidentFile(title="t", events=[EVENT], actions_published=[v]).actions_published[0], True, True),
    "backup participant": (lambda v: BackupPlan.model_validate({**BACKUP, "participants": [v]}).participants[0], True, False),
    "backup cluster": (lambda v: BackupCluster.model_validate({"ref": "c", "step": "detect", "name": v, "created_at": "2019-07-02T13:42:00Z"}).name, True, False),
}
REFUSED = (ValidationError, TextRefused)
CONTROL = {"NUL": "\x00", "ESC": "\x1b[31m", "BEL": "\x07", "DEL": "\x7f", "C1 NEL": "\x85"}
INVISIBLE = {"zero-width space": "\u200b", "zero-width joiners": "\u200c\u200d",
             "word joiner": "\u2060", "byte-order mark": "\ufeff",
             "mixed with whitespace": " \u200b\n\t\ufeff "}


@pytest.mark.parametrize("control", CONTROL.values(), ids=CONTROL.keys())
@pytest.mark.parametrize("field", FIELDS)
def test_control_characters_are_refused_in_every_field(field, control):
    build, _, _ = FIELDS[field]
    with pytest.raises(REFUSED, match="control character"):
        build(f"Checkout {control}errors")


@pytest.mark.parametrize("invisible", INVISIBLE.values(), ids=INVISIBLE.keys())
@pytest.mark.parametrize("field", FIELDS)
def test_text_with_nothing_visible_is_empty_in_every_field(field, invisible):
    build, required, multiline = FIELDS[field]
    if "\n" in invisible and not multiline:
        invisible = invisible.replace("\n", "")
    if required:
        with pytest.raises(REFUSED, match="empty"):
            build(invisible)
    else:
        assert build(invisible) == "", "stored as empty, so it counts as not written"


@pytest.mark.parametrize("field", FIELDS)
def test_line_breaks_only_where_the_field_has_several_lines(field):
    build, _, multiline = FIELDS[field]
    if multiline:
        assert build("first line\r\nsecond\tline") == "first line\nsecond\tline"
    else:
        with pytest.raises(REFUSED, match="one line"):
            build("first line\nsecond line")


@pytest.mark.parametrize("field", FIELDS)
def test_visible_text_with_zero_width_joiners_inside_is_kept(field):
    build, _, _ = FIELDS[field]
    family = "Family \U0001F468\u200d\U0001F469\u200d\U0001F467 on call"
    assert build(f"  {family}  ") == family


def test_a_lone_surrogate_is_refused():
    with pytest.raises(ValidationError, match="broken character"):
        NoteDraft(text="half \ud800 a character")


def test_an_evidence_link_with_a_control_character_is_refused():
    with pytest.raises(ValidationError, match="control character"):
        TimelineEvent(**EVENT, evidence_url="https://example.com/\x1b[2J")


def test_blank_means_nothing_visible():
    assert is_blank(" \u200b\u2060\ufeff\n") and not is_blank("\u200bx")


def test_text_already_stored_is_read_as_it_is_to_be_corrected():
    from datetime import UTC, datetime

    from canvas.actions import FollowUp
    from canvas.models import Board
    from canvas.validation import STORED

    now = datetime(2024, 3, 1, tzinfo=UTC)
    board = Board.model_validate({"id": "B" * 24, "title": "\u200b", "summary": "a\x1bb",
                                  "template": "blameless", "created_at": now, "revision": 1,
                                  "details_version": 1}, context=STORED)
    assert (board.title, board.summary) == ("\u200b", "a\x1bb")
    action = FollowUp.model_validate({"id": "a", "board_id": "B" * 24, "title": "\x00",
                                      "status": "wont_do", "created_at": now, "updated_at": now},
                                     context=STORED)
    assert action.title == "\x00"
    with pytest.raises(ValidationError):
        Board.model_validate(board.model_dump() | {"title": "\u200b"})

"""One set of text rules for every field a person types: no control
characters (a line break only where the field has several lines), no text
that shows nothing (only whitespace and characters drawn as nothing, such as
zero-width spaces, direction marks and variation selectors)."""

import pytest
from pydantic import ValidationError

from canvas.actions import ActionDraft, TriggerDraft
from canvas.exports.backup import BackupCluster, BackupPlan
from canvas.errors import TextRefused
from canvas.models import BoardDetails, BoardDraft, NoteDraft, checked_name
from canvas.text import is_blank
from canvas.incident.timeline import IncidentFile, TimelineEvent

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
             "mixed with whitespace": " \u200b\n\t\ufeff ",
             "direction marks": "\u200e\u200f", "soft hyphen": "\u00ad",
             "invisible operators": "\u2061\u2062\u2063\u2064",
             "tag characters": "\U000e0067\U000e0062\U000e007f",
             "variation selector and grapheme joiner": "\ufe0f\u034f",
             "Hangul filler": "\u3164", "braille blank": "\u2800"}
# Characters drawn as nothing, one by one: each alone is an empty text.
SHOWS_NOTHING = {
    "U+200B zero-width space": "\u200b", "U+200C zero-width non-joiner": "\u200c",
    "U+200D zero-width joiner": "\u200d", "U+2060 word joiner": "\u2060",
    "U+FEFF byte-order mark": "\ufeff", "U+200E left-to-right mark": "\u200e",
    "U+200F right-to-left mark": "\u200f", "U+00AD soft hyphen": "\u00ad",
    "U+061C Arabic letter mark": "\u061c", "U+180E Mongolian vowel separator": "\u180e",
    "U+2061 function application": "\u2061", "U+2062 invisible times": "\u2062",
    "U+2063 invisible separator": "\u2063", "U+2064 invisible plus": "\u2064",
    "U+202A left-to-right embedding": "\u202a", "U+202B right-to-left embedding": "\u202b",
    "U+202C pop directional formatting": "\u202c", "U+202D left-to-right override": "\u202d",
    "U+202E right-to-left override": "\u202e", "U+2066 left-to-right isolate": "\u2066",
    "U+2067 right-to-left isolate": "\u2067", "U+2068 first strong isolate": "\u2068",
    "U+2069 pop directional isolate": "\u2069", "U+206A inhibit symmetric swapping": "\u206a",
    "U+206F nominal digit shapes": "\u206f", "U+E0001 language tag": "\U000e0001",
    "U+E0020 tag space": "\U000e0020", "U+E0041 tag capital A": "\U000e0041",
    "U+E007F cancel tag": "\U000e007f", "U+FE00 variation selector-1": "\ufe00",
    "U+FE0F variation selector-16": "\ufe0f", "U+E0100 variation selector-17": "\U000e0100",
    "U+E01EF variation selector-256": "\U000e01ef", "U+180B Mongolian free variation selector": "\u180b",
    "U+034F combining grapheme joiner": "\u034f", "U+115F Hangul choseong filler": "\u115f",
    "U+1160 Hangul jungseong filler": "\u1160", "U+3164 Hangul filler": "\u3164",
    "U+FFA0 halfwidth Hangul filler": "\uffa0", "U+17B4 Khmer vowel inherent aq": "\u17b4",
    "U+1BCA0 shorthand format letter overlap": "\U0001bca0",
    "U+1D173 musical symbol begin beam": "\U0001d173", "U+2800 braille pattern blank": "\u2800",
    "U+3000 ideographic space": "\u3000",
}
# Format characters that draw a sign of their own: text, not emptiness.
DRAWN = {"U+0600 Arabic number sign": "\u0600", "U+06DD Arabic end of ayah": "\u06dd",
         "U+070F Syriac abbreviation mark": "\u070f", "U+110BD Kaithi number sign": "\U000110bd"}
# Invisible characters doing their job inside visible text.
KEPT = {"family emoji (zero-width joiners)": "\U0001F468\u200d\U0001F469\u200d\U0001F467",
        "Persian word (zero-width non-joiner)": "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
        "Hindi conjunct shown half (zero-width joiner)": "\u0915\u094d\u200d\u0937",
        "heart as emoji (variation selector-16)": "\u2764\ufe0f",
        "flag of England (tag characters)": "\U0001F3F4\U000e0067\U000e0062\U000e0065"
                                            "\U000e006e\U000e0067\U000e007f",
        "Hebrew between right-to-left marks": "\u200f\u05e9\u05dc\u05d5\u05dd\u200f",
        "a word with a soft hyphen": "post\u00admortem"}


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


@pytest.mark.parametrize("invisible", SHOWS_NOTHING.values(), ids=SHOWS_NOTHING.keys())
@pytest.mark.parametrize("field", ["note", "display name", "board title", "summary"])
def test_a_character_drawn_as_nothing_is_empty_alone_and_repeated(field, invisible):
    build, required, _ = FIELDS[field]
    for text in (invisible, invisible * 3, f" {invisible} {invisible} "):
        if required:
            with pytest.raises(REFUSED, match="empty"):
                build(text)
        else:
            assert build(text) == ""


@pytest.mark.parametrize("drawn", DRAWN.values(), ids=DRAWN.keys())
def test_a_format_character_that_draws_a_sign_is_text(drawn):
    assert not is_blank(drawn)
    assert NoteDraft(text=drawn).text == drawn


@pytest.mark.parametrize("text", KEPT.values(), ids=KEPT.keys())
@pytest.mark.parametrize("field", ["note", "display name", "cluster name"])
def test_invisible_characters_inside_visible_text_are_kept(field, text):
    build, _, _ = FIELDS[field]
    assert build(f"  {text}  ") == text


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

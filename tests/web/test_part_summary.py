"""The summary card's one intent through the actions route: a field saved
against the board's details version, checked by BoardDetails as the Summary
page's form is, refused while the board is closed, and the later of two
people editing at once hearing so while the earlier one's text stays."""

from datetime import date

import pytest

from canvas.models import Severity
from canvas.session.phases import Phase
from storage import boards, facilitation
from storage.db import write_transaction
from tests.web.conftest import act

CHANGED = ("Someone changed the summary while you were editing: theirs is shown under your text, "
           "which is kept. Save again to put yours in its place.")


def refusal(response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.json()["ok"] is False
    return response.json()["message"]


def edit(client, board, person: str, field: str, value: str, version: int | None = None):
    if version is None:
        version = boards.get_board(board.db, board.id).details_version
    return act(client, board, person, "edit_summary_field", field=field, value=value, version=version)


def shown(reply, key: str) -> str:
    fields = reply.json()["view"]["parts"]["summary"]["fields"]
    return next(field["value"] for field in fields if field["key"] == key)


@pytest.mark.parametrize("field, value, stored", [
    ("summary", "DNS answers stopped for 40 minutes.", lambda b: b.summary),
    ("impact", "Checkout failed for EU customers.", lambda b: b.impact),
    ("incident_date", "2026-11-30", lambda b: b.incident_date.isoformat()),
    ("review_date", "2026-12-08", lambda b: b.review_date.isoformat()),
    ("severity", "SEV1", lambda b: b.severity.value),
    ("roles.scribe", "Kim", lambda b: b.roles.scribe),
    ("roles.decision_owner", "Lee", lambda b: b.roles.decision_owner),
    ("intake.reviewed", "The DNS outage of 30 November", lambda b: b.intake.reviewed),
    ("intake.privacy", "Customer names stay in the room", lambda b: b.intake.privacy),
])
def test_a_field_is_saved_and_the_card_shows_it(client, board, field, value, stored):
    before = boards.get_board(board.db, board.id)
    reply = edit(client, board, "Ana", field, value)
    assert reply.status_code == 200, reply.text
    after = boards.get_board(board.db, board.id)
    assert stored(after) == value
    assert after.details_version == before.details_version + 1
    assert shown(reply, field) == value
    assert reply.json()["view"]["parts"]["summary"]["version"] == after.details_version
    # Nothing else moved: the title and the other fields are as they were.
    assert after.title == before.title
    if field != "summary":
        assert after.summary == before.summary


def test_an_emptied_date_is_unknown_again(client, board):
    assert edit(client, board, "Ana", "review_date", "2026-12-08").status_code == 200
    reply = edit(client, board, "Ana", "review_date", "")
    assert reply.status_code == 200, reply.text
    assert boards.get_board(board.db, board.id).review_date is None
    assert shown(reply, "review_date") == ""


def test_answering_an_intake_question_takes_it_off_the_unknowns(client, board):
    first = edit(client, board, "Ana", "intake.audience", "")
    assert "Audience" in first.json()["view"]["parts"]["summary"]["unanswered"]
    reply = edit(client, board, "Ana", "intake.audience", "The platform team")
    assert "Audience" not in reply.json()["view"]["parts"]["summary"]["unanswered"]


@pytest.mark.parametrize("field, value, message", [
    ("incident_date", "0001-01-01", "Incident date: 0001-01-01 is outside the supported dates "
                                    "(1970-01-01 to 2200-12-31)."),
    ("review_date", "9999-12-31", "Review meeting date: 9999-12-31 is outside the supported dates "
                                  "(1970-01-01 to 2200-12-31)."),
    ("incident_date", "30/11/2026", None),
    ("summary", "x" * 4001, "Summary is 4,001 characters long; the limit is 4,000."),
    ("roles.scribe", "Kim\x1b[31m", "Scribe contains an invisible control character (U+001B)."),
    ("roles.facilitator", "A" * 41, "Facilitator is 41 characters long; the limit is 40."),
    ("severity", "SEV9", None),
], ids=["year 1", "year 9999", "not a date", "huge text", "escape in a name", "long name", "no such severity"])
def test_bad_input_is_422_with_the_fields_sentence_and_changes_nothing(client, board, field, value, message):
    before = boards.get_board(board.db, board.id)
    said = refusal(edit(client, board, "Ana", field, value), 422)
    if message is not None:
        assert said == message
    else:
        label = {"incident_date": "Incident date", "severity": "Severity"}[field]
        assert said.startswith(label + ": ") and said.endswith(".")
    after = boards.get_board(board.db, board.id)
    assert after.details_version == before.details_version
    assert (after.incident_date, after.review_date, after.summary, after.roles) == (
        before.incident_date, before.review_date, before.summary, before.roles)


def test_invisible_text_alone_is_kept_as_nothing_said(client, board):
    reply = edit(client, board, "Ana", "impact", "\u200b \u200b")
    assert reply.status_code == 200, reply.text
    assert boards.get_board(board.db, board.id).impact == ""
    assert shown(reply, "impact") == ""


def test_a_field_the_card_does_not_have_is_422(client, board):
    said = refusal(edit(client, board, "Ana", "title", "Renamed"), 422)
    assert said.startswith("The action's “field” is not right")
    assert boards.get_board(board.db, board.id).title == "Routes"


def test_a_closed_board_refuses_with_409(client, board):
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.closed)
    said = refusal(edit(client, board, "Ana", "summary", "Too late"), 409)
    assert said.endswith(".")
    assert boards.get_board(board.db, board.id).summary == ""


def test_two_people_editing_at_once_the_later_hears_it_and_nothing_is_lost(client, board):
    opened_at = boards.get_board(board.db, board.id).details_version
    first = edit(client, board, "Ana", "summary", "Ana's account of it", version=opened_at)
    assert first.status_code == 200, first.text
    said = refusal(edit(client, board, "Ben", "summary", "Ben's account of it", version=opened_at), 409)
    assert said == CHANGED
    assert boards.get_board(board.db, board.id).summary == "Ana's account of it"
    # Having seen theirs, Ben saves again at the version he was shown.
    again = edit(client, board, "Ben", "summary", "Ben's account of it")
    assert again.status_code == 200, again.text
    assert boards.get_board(board.db, board.id).summary == "Ben's account of it"


def test_a_stale_version_is_refused_even_for_another_field(client, board):
    opened_at = boards.get_board(board.db, board.id).details_version
    assert edit(client, board, "Ana", "roles.scribe", "Kim", version=opened_at).status_code == 200
    refusal(edit(client, board, "Ben", "severity", Severity.sev2.value, version=opened_at), 409)
    after = boards.get_board(board.db, board.id)
    assert (after.roles.scribe, after.severity) == ("Kim", Severity.sev3)


def test_a_date_stored_out_of_range_does_not_refuse_another_field(client, board):
    board.db["boards"].update(board.id, {"incident_date": date(1901, 1, 1).isoformat()})
    reply = edit(client, board, "Ana", "summary", "Still editable")
    assert reply.status_code == 200, reply.text
    assert boards.get_board(board.db, board.id).summary == "Still editable"


# --- who edits the card ---------------------------------------------------------------


def choose(client, board, everyone: bool, *names: str):
    return act(client, board, "Ana", "choose_summary_editors", facilitator_key=board.fran_key,
               everyone=everyone, participant_ids=[board.ids[name] for name in names])


def test_the_facilitator_chooses_who_edits_and_the_server_holds_everyone_else_to_it(client, board):
    assert choose(client, board, False, "Ana").status_code == 200
    # Ben is not chosen: his save is refused with the rule's sentence, and nothing changes.
    said = refusal(edit(client, board, "Ben", "summary", "Ben's account"), 409)
    assert said == "The facilitator chose who edits the summary: ask them to add you."
    assert boards.get_board(board.db, board.id).summary == ""
    # Ana was chosen; the facilitator always may.
    assert edit(client, board, "Ana", "summary", "Ana's account").status_code == 200
    reply = act(client, board, "Ben", "edit_summary_field", facilitator_key=board.fran_key, field="impact",
                value="Checkout failed", version=boards.get_board(board.db, board.id).details_version)
    assert reply.status_code == 200
    # The card says who edits it.
    editors = reply.json()["view"]["parts"]["summary"]["editors"]
    assert editors["everyone"] is False
    assert {p["name"]: p["chosen"] for p in editors["people"]} == {"Fran": False, "Ana": True, "Ben": False}


def test_my_view_says_whether_i_may_edit_the_summary(client, board):
    choose(client, board, False, "Ana")
    mine = {name: act(client, board, name, "edit_summary_field", field="roles.scribe", value=name,
                      version=boards.get_board(board.db, board.id).details_version).status_code
            for name in ("Ana", "Ben")}
    assert mine == {"Ana": 200, "Ben": 409}
    from canvas.session.live_view import build_view
    from canvas.session.visibility import Viewer
    from storage.snapshot import load_snapshot
    snap = load_snapshot(board.db, board.id)
    for name, may in (("Ana", True), ("Ben", False)):
        view = build_view(snap, Viewer(participant_id=board.ids[name]), my_votes={}, present=[])
        assert view["me"]["may_edit_summary"] is may
    fran = build_view(snap, Viewer(participant_id=None, is_facilitator=True), my_votes={}, present=[])
    assert fran["me"]["may_edit_summary"] is True and fran["can"]["choose_summary_editors"] is True


def test_everyone_again_and_a_stranger_or_a_participant_cannot_choose(client, board):
    said = refusal(act(client, board, "Ben", "choose_summary_editors", everyone=False,
                       participant_ids=[board.ids["Ben"]]), 409)
    assert "facilitator" in said.lower()
    assert boards.get_board(board.db, board.id).summary_editors is None
    refusal(act(client, board, "Ana", "choose_summary_editors", facilitator_key=board.fran_key,
                everyone=False, participant_ids=["not-a-person-here"]), 403)
    assert boards.get_board(board.db, board.id).summary_editors is None
    choose(client, board, False)
    assert refusal(edit(client, board, "Ana", "summary", "x"), 409)
    choose(client, board, True)
    assert boards.get_board(board.db, board.id).summary_editors is None
    assert edit(client, board, "Ben", "summary", "Everyone may again").status_code == 200


def test_a_role_the_template_offers_is_on_the_card_and_saved_beside_the_boards_own(client, board):
    with write_transaction(board.db):
        # The same board, as made from the lessons-learned template (no notes to move).
        # A board made before boards kept a copy of their steps follows its template's file.
        board.db.execute("UPDATE boards SET template = 'lessons-learned', template_copy = NULL "
                         "WHERE id = ?", [board.id])
    reply = edit(client, board, "Ana", "roles.engagement.TAM", "Tam")
    assert reply.status_code == 200, reply.text
    fields = reply.json()["view"]["parts"]["summary"]["fields"]
    roles = [field["key"] for field in fields if field["group"] == "roles"]
    assert roles[-4:] == ["roles.engagement.SAL", "roles.engagement.TAM", "roles.engagement.IE",
                          "roles.engagement.Manager"]
    assert shown(reply, "roles.engagement.TAM") == "Tam" and shown(reply, "roles.engagement.SAL") == ""
    after = boards.get_board(board.db, board.id)
    assert after.roles.engagement == {"TAM": "Tam"} and after.roles.facilitator == "Fran"
    # A role the template does not offer is refused, and nothing changes.
    said = refusal(edit(client, board, "Ana", "roles.engagement.CEO", "Cy"), 422)
    assert said == "This board's template offers no such role."
    assert boards.get_board(board.db, board.id).roles.engagement == {"TAM": "Tam"}


def test_a_board_whose_template_offers_no_roles_has_none_on_its_card(client, board):
    said = refusal(edit(client, board, "Ana", "roles.engagement.SAL", "Sal"), 422)
    assert said == "This board's template offers no such role."
    reply = edit(client, board, "Ana", "roles.scribe", "Kim")
    keys = [field["key"] for field in reply.json()["view"]["parts"]["summary"]["fields"]]
    assert not [key for key in keys if key.startswith("roles.engagement.")]

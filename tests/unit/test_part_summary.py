"""The summary card's view: the Summary page's fields with their stored
values, *unknown* ("") where nothing is answered, the dates the review type
asks for, and the version a save is checked against."""

from datetime import UTC, date, datetime

from canvas.models import Board, Intake, ReviewType, Roles, Severity
from canvas.session.parts.summary import FIELDS, build
from canvas.snapshot import BoardSnapshot

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def snapshot(**changes) -> BoardSnapshot:
    return BoardSnapshot(board=Board(id="B" * 24, title="Checkout errors", template="blameless",
                                     created_at=T0, revision=3, details_version=4, **changes))


def values(part) -> dict:
    return {field["key"]: field["value"] for field in part["fields"]}


def test_an_unanswered_board_shows_every_field_empty_and_every_question_unknown():
    part = build(snapshot())
    shown = values(part)
    assert shown["summary"] == shown["impact"] == shown["roles.scribe"] == shown["intake.audience"] == ""
    assert shown["severity"] == "SEV3"
    assert part["version"] == 4
    assert len(part["unanswered"]) == part["intake_questions"] == 8


def test_answers_are_shown_as_stored():
    part = build(snapshot(summary="DNS stopped", impact="EU checkout failed", incident_date=date(2024, 1, 2),
                          severity=Severity.sev1, roles=Roles(scribe="Kim"),
                          intake=Intake(reviewed="The outage", audience="Platform")))
    shown = values(part)
    assert (shown["summary"], shown["impact"], shown["incident_date"], shown["severity"]) == (
        "DNS stopped", "EU checkout failed", "2024-01-02", "SEV1")
    assert (shown["roles.scribe"], shown["intake.reviewed"], shown["intake.audience"]) == (
        "Kim", "The outage", "Platform")
    assert "What is reviewed" not in part["unanswered"] and "Audience" not in part["unanswered"]
    assert "Time window" not in part["unanswered"] and "Roles" not in part["unanswered"]


def test_an_incident_has_an_incident_date_and_a_period_review_its_period():
    incident = values(build(snapshot()))
    assert "incident_date" in incident and "intake.period_start" not in incident
    period = values(build(snapshot(review_type=ReviewType.okr)))
    assert "incident_date" not in period
    assert "intake.period_start" in period and "intake.period_end" in period


def test_the_intent_takes_exactly_the_fields_the_card_shows():
    from typing import get_args

    from canvas.session.parts.summary import FieldKey

    assert set(get_args(FieldKey)) == {field.key for field in FIELDS}
    assert {field.group for field in FIELDS} == {"what", "when", "roles", "intake"}


def test_the_card_nudges_on_blame_and_on_a_request_the_practice_refuses_in_its_title_too():
    seen = snapshot(summary="The engineer didn't check the canary before deploying.",
                    impact="Checkout failed for 27 minutes.")
    seen.board.title = "Prove that Person X caused the incident"
    part = build(seen)
    [title] = part["title_nudge"]
    assert title["boundary"] is True and title["referral"]
    nudges = {field["key"]: field["nudge"] for field in part["fields"]}
    assert [flag["phrase"] for flag in nudges["summary"]] == ["didn't check"]
    assert "boundary" not in nudges["summary"][0]
    # Plain facts, dates and choices carry none.
    assert nudges["impact"] == [] and nudges["severity"] == [] and nudges["incident_date"] == []
    assert build(snapshot())["title_nudge"] == []

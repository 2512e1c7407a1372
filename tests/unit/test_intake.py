"""Review types and the intake questions: what a board asks for, and how an
unanswered question reads in the exports."""

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from canvas.exports.external_summary import external_summary
from canvas.exports.markdown_pack import markdown_pack
from canvas.incident.timeline import TimelineEvent
from canvas.models import Board, BoardDetails, BoardDraft, Intake, ReviewType, Roles
from canvas.review.intake import (
    UNKNOWN, awaits_stabilisation, intake_answers, shows_durations, time_window, unanswered,
)
from canvas.snapshot import BoardSnapshot

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
TODAY = date(2024, 3, 2)


def board(**fields) -> Board:
    return Board(id="I" * 24, template="blameless", created_at=T0, revision=1, details_version=1,
                 title="Checkout errors", **fields)


def event(kind: str) -> TimelineEvent:
    return TimelineEvent(at=T0, kind=kind, text=f"{kind} happened")


def intake_section(text: str) -> list[str]:
    lines = text.split("## Intake\n\n", 1)[1].split("\n\n", 1)[0]
    return lines.splitlines()


def test_a_fresh_board_answers_no_intake_question_and_the_markdown_says_unknown_for_each():
    text = markdown_pack(BoardSnapshot(board=board()), TODAY)

    section = intake_section(text)
    assert len(section) == len(intake_answers(board())) == 8
    for line in section:
        assert line.endswith(f":** *{UNKNOWN}*"), line
    assert "Roles" in unanswered(board())


def test_answered_questions_show_their_answers_and_only_the_rest_say_unknown():
    answered = board(intake=Intake(reviewed="The checkout outage", desired_outcome="Safer deploys",
                                   privacy="No customer names"),
                     roles=Roles(facilitator="Fran", support="Sue"),
                     incident_date=date(2024, 2, 28))

    section = intake_section(markdown_pack(BoardSnapshot(board=answered), TODAY))

    assert "- **What is reviewed:** The checkout outage" in section
    assert "- **Desired outcome:** Safer deploys" in section
    assert "- **Privacy constraints:** No customer names" in section
    assert "- **Roles:** Fran (facilitator), Sue (support)" in section
    assert "- **Time window:** incident on 2024-02-28" in section
    assert [line for line in section if UNKNOWN in line] == [
        f"- **Key dates:** *{UNKNOWN}*", f"- **Available evidence:** *{UNKNOWN}*",
        f"- **Audience:** *{UNKNOWN}*"]


def test_whitespace_only_answers_count_as_unanswered():
    blank = board(intake=Intake(reviewed="  \n ", audience="\u200b"))
    assert {"What is reviewed", "Audience"} <= set(unanswered(blank))


def test_a_period_with_one_end_missing_names_the_missing_end_unknown():
    half = board(review_type=ReviewType.okr, intake=Intake(period_start=date(2024, 1, 1)))
    assert time_window(half) == f"2024-01-01 to {UNKNOWN}"
    text = markdown_pack(BoardSnapshot(board=half), TODAY)
    assert f"- **Period:** 2024-01-01 to *{UNKNOWN}*" in text


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValidationError, match="ends before it starts"):
        Intake(period_start=date(2024, 3, 1), period_end=date(2024, 2, 1))


@pytest.mark.parametrize("kind, has_period", [(ReviewType.incident, False), (ReviewType.project, True),
                                              (ReviewType.okr, True), (ReviewType.team, True)])
def test_only_incident_reviews_are_framed_by_an_incident_date(kind, has_period):
    assert kind.has_period is has_period


def test_a_new_board_is_an_incident_review_unless_told_otherwise():
    assert BoardDraft(title="t", facilitator_name="Fran").review_type is ReviewType.incident
    assert BoardDetails(title="t").review_type is ReviewType.incident
    assert BoardDraft(title="t", facilitator_name="Fran", review_type="okr").review_type is ReviewType.okr


def test_a_project_review_without_a_timeline_shows_no_incident_date_and_no_durations():
    project = board(review_type=ReviewType.project,
                    intake=Intake(period_start=date(2024, 1, 1), period_end=date(2024, 3, 31)))
    text = markdown_pack(BoardSnapshot(board=project), TODAY)

    assert not shows_durations(project, [])
    assert "- **Review type:** Project" in text
    assert "- **Period:** 2024-01-01 to 2024-03-31" in text
    assert "Incident date" not in text
    assert "## Timeline" not in text and "Durations" not in text
    assert "- **Time window:** 2024-01-01 to 2024-03-31" in text


def test_a_project_review_with_a_timeline_shows_its_durations():
    project = board(review_type=ReviewType.project)
    events = [event("impact_start"), event("resolved")]
    assert shows_durations(project, events)
    assert "### Durations" in markdown_pack(BoardSnapshot(board=project, events=events), TODAY)


def test_an_incident_review_always_shows_its_timeline_and_durations():
    assert "### Durations" in markdown_pack(BoardSnapshot(board=board()), TODAY)


@pytest.mark.parametrize("kinds, waits", [([], True), (["impact_start", "detected"], True),
                                          (["impact_start", "mitigated"], False),
                                          (["resolved"], False)])
def test_an_incident_without_mitigation_or_resolution_awaits_stabilisation(kinds, waits):
    assert awaits_stabilisation(board(), [event(kind) for kind in kinds]) is waits


def test_other_review_types_never_wait_for_stabilisation():
    for kind in (ReviewType.project, ReviewType.okr, ReviewType.team):
        assert not awaits_stabilisation(board(review_type=kind), [])


def test_the_external_summary_gives_a_periods_unknown_end_as_unknown():
    okr = board(review_type=ReviewType.okr, intake=Intake(period_start=date(2024, 1, 1)))
    text = external_summary(BoardSnapshot(board=okr), TODAY)
    assert f"**Period:** 2024-01-01 to *{UNKNOWN}*" in text
    assert "## What happened" not in text


def test_labels_are_kept_once_each_in_order():
    assert BoardDetails(title="t", labels=["sev1", "db", "sev1"]).labels == ["sev1", "db"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com/x", "https://exa mple.com"])
def test_a_tracker_link_must_be_a_web_address(url):
    with pytest.raises(ValidationError, match="web address"):
        BoardDetails(title="t", tracker_url=url)


def test_an_incident_file_whose_source_is_not_a_web_address_is_refused_by_field():
    from canvas.errors import IncidentFileInvalid
    from canvas.exports.importing import plan_incident_import
    from canvas.incident.timeline import IncidentFile
    from canvas.templates import get_template

    incident = IncidentFile(title="t", source_url="javascript:alert(1)",
                            events=[event("impact_start")])
    with pytest.raises(IncidentFileInvalid, match="source_url"):
        plan_incident_import(incident, get_template("blameless"))


def test_published_figures_keep_value_qualifier_and_what_they_measure():
    from canvas.exports.importing import incident_source
    from canvas.incident.timeline import IncidentFile

    incident = IncidentFile(title="t", organisation="Org", source_url="https://example.com/pm",
                            events=[event("impact_start")],
                            published_figures={"p99": {"value": 2.29, "measures": "seconds"},
                                               "rows": {"value": 3.0, "qualifier": "about",
                                                        "measures": "rows lost"}})
    source = incident_source(incident)
    assert [(f.name, f.value, f.qualifier, f.measures) for f in source.figures] == [
        ("p99", "2.29", "", "seconds"), ("rows", "3", "about", "rows lost")]
    assert (source.organisation, source.url) == ("Org", "https://example.com/pm")


def test_a_project_review_without_a_timeline_is_not_asked_for_incident_anchors():
    from canvas.review.completeness import check_completeness

    def anchors(snapshot):
        report = check_completeness(snapshot, TODAY)
        return {item.id: item for item in report.items if item.id.startswith("timeline-")}

    project = anchors(BoardSnapshot(board=board(review_type=ReviewType.project)))
    incident = anchors(BoardSnapshot(board=board()))
    assert project and all(not item.applies for item in project.values())
    assert incident and all(item.applies for item in incident.values())

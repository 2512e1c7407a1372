"""An incident file's timeline never lands silently on a board that cannot show it."""

import pytest

from canvas.errors import TemplateWithoutTimeline
from canvas.exports.importing import plan_incident_import
from canvas.incident.timeline import parse_incident_file
from canvas.templates import all_templates, get_template
from tests.cli.test_command_line import INCIDENT_FILES


@pytest.mark.parametrize("slug", [slug for slug, template in all_templates().items()
                                  if all(step.kind != "timeline" for step in template.steps)])
def test_an_incident_with_events_into_a_template_without_a_timeline_asks_for_another(slug):
    incident = parse_incident_file(INCIDENT_FILES[0].read_text("utf-8"))
    with pytest.raises(TemplateWithoutTimeline) as refused:
        plan_incident_import(incident, get_template(slug))
    assert refused.value.suggested == {"blameless": get_template("blameless").name}
    assert f"{len(incident.events)} timeline events" in str(refused.value)
    assert "(blameless)" in str(refused.value)


def test_an_incident_without_events_fits_any_template():
    incident = parse_incident_file(INCIDENT_FILES[0].read_text("utf-8"))
    incident = incident.model_copy(update={"events": []})
    plan = plan_incident_import(incident, get_template("mad-sad-glad"))
    assert plan.events == []

"""Editing a team's copy of a template as plain values: the copy's key and
name, new steps, moves, drops and the edited fields checked in one sentence."""

import pytest

from canvas.errors import TemplateInvalid
from canvas.template_editing import (
    follow_ups_from_text, moved, new_step, reordered, sort_key, step_labels, team_copy,
    team_template,
)
from canvas.templates import get_template


def test_a_shipped_template_is_copied_under_a_key_and_name_of_its_own():
    copy = team_copy(get_template("blameless"), {"blameless", "blameless-team"})
    assert (copy.slug, copy.name) == ("blameless-team-2", "Blameless postmortem (9 steps) (team)")
    assert copy.steps == get_template("blameless").steps
    assert copy.steps is not get_template("blameless").steps


def test_a_long_name_keeps_within_the_limit_when_copied():
    long = get_template("dmaic").model_copy(update={"name": "x" * 60})
    assert len(team_copy(long, set()).name) == 60


def test_a_new_step_gets_a_key_nobody_has():
    assert new_step(["summary", "step-3"]).key == "step-4"
    assert new_step(["a1", "step-3", "step-4"]).key == "step-5"


@pytest.mark.parametrize("index, offset, expected", [
    (1, -1, ["b", "a", "c"]), (1, 1, ["a", "c", "b"]), (0, -1, ["a", "b", "c"]),
    (2, 1, ["a", "b", "c"]), (0, 2, ["b", "c", "a"]),
])
def test_moving_a_step_up_or_down_stays_within_the_list(index, offset, expected):
    assert moved(["a", "b", "c"], index, offset) == expected


def test_a_drop_reorders_the_steps_and_a_stale_drop_changes_nothing():
    steps = [{"key": "summary", "title": "Summary"}, {"key": "detect", "title": "Detect"},
             {"key": "next", "title": ""}]
    labels = step_labels(steps)
    assert labels == ["Summary · summary", "Detect · detect", "Untitled · next"]
    assert reordered(steps, labels, [labels[2], labels[0], labels[1]]) == [steps[2], steps[0],
                                                                           steps[1]]
    assert reordered(steps, labels, ["Old title · detect", labels[0], labels[2]]) == steps
    assert reordered(steps, labels, None) == steps
    assert sort_key(labels) != sort_key(list(reversed(labels)))
    assert sort_key(labels) == sort_key(list(labels))


def test_follow_ups_are_typed_one_per_line():
    assert follow_ups_from_text("Who?\r\n\n  When?  \n ") == ["Who?", "When?"]


def test_edited_fields_become_a_template_or_one_sentence():
    steps = [{"uid": "s1", **step.model_dump(mode="json")}
             for step in get_template("mad-sad-glad").steps]
    fields = {"slug": "moods", "name": "Moods", "description": "", "order": 100}
    template = team_template(fields, steps)
    assert [step.key for step in template.steps] == [step["key"] for step in steps]
    with pytest.raises(TemplateInvalid, match=r"^Step 2: A prompt cannot be empty\.$"):
        team_template(fields, [steps[0], {**steps[1], "prompt": "  "}, *steps[2:]])
    with pytest.raises(TemplateInvalid, match="shipped template's"):
        team_template({**fields, "slug": "mad-sad-glad"}, steps)

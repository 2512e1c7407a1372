"""Kill criteria that work: a signal anyone can see happen, and a response
that is a deed decided in advance, not another discussion."""

from datetime import UTC, datetime

import pytest

from canvas.actions import Trigger, TriggerKind, response_is_only_talk, trigger_is_observable, trigger_warnings
from canvas.review.completeness import check_completeness
from tests.unit.golden.fixture_board import TODAY, cloudflare_snapshot


@pytest.mark.parametrize("signal", [
    "checkout error rate > 2% for 10 minutes",
    "p99 latency of the search API above the SLO for an hour",
    "the canary alert fires after a rule deploy",
    "a second customer reports a duplicate charge",
    "weekly sign-ups below 400 for two weeks in a row",
    "Edge CPU above 90% for 2 minutes after a WAF rule deploy",
])
def test_a_measure_a_threshold_or_an_event_is_observable(signal):
    assert trigger_is_observable(signal)


@pytest.mark.parametrize("signal", [
    "customers are unhappy",
    "things go wrong again",
    "latency gets worse",
    "the project seems off track",
    "if the migration feels risky",
    "we lose confidence in the vendor",
])
def test_vague_words_without_a_measure_are_not_observable(signal):
    assert not trigger_is_observable(signal)
    assert any("signal anyone can see" in advice for advice in trigger_warnings(signal, "roll back"))


@pytest.mark.parametrize("response, only_talk", [
    ("discuss", True),
    ("Discuss it at the next retro", True),
    ("talk about it with the vendor", True),
    ("revisit the rollout plan", True),
    ("roll back the WAF rule set", False),
    ("pause the rollout, then discuss at the retro", False),
    ("page the database owner", False),
])
def test_a_response_that_is_only_talk_gets_a_tip(response, only_talk):
    assert response_is_only_talk(response) is only_talk
    tips = trigger_warnings("error rate above 2%", response)
    assert bool(tips) is only_talk
    if only_talk:
        assert tips[0].startswith("“Discuss” is not a response")


def _trigger(signal: str, response: str) -> Trigger:
    return Trigger(id=signal[:8], board_id="b", created_at=datetime(2024, 1, 1, tzinfo=UTC),
                   kind=TriggerKind.other, signal=signal, response=response)


def test_completeness_counts_the_triggers_that_need_work():
    snapshot = cloudflare_snapshot()
    snapshot = snapshot.model_copy(update={"triggers": [
        *snapshot.triggers, _trigger("error budget burn above 5% in a day", "pause the rollout"),
        _trigger("CI pool-size check not merged by its due date", "escalate to the platform lead")]})
    good = check_completeness(snapshot, TODAY).item("kill-criteria-observable")
    assert good.applies and good.done
    snapshot = snapshot.model_copy(update={"triggers": [
        *snapshot.triggers, _trigger("customers are unhappy", "roll back"),
        _trigger("errors above 2%", "discuss")]})
    item = check_completeness(snapshot, TODAY).item("kill-criteria-observable")
    assert not item.done
    assert "2 kill criteria need" in item.missing
    assert item.details == ["customers are unhappy", "errors above 2%"]


def test_a_board_without_kill_criteria_is_not_scored_on_them():
    snapshot = cloudflare_snapshot().model_copy(update={"triggers": []})
    assert not check_completeness(snapshot, TODAY).item("kill-criteria-observable").applies

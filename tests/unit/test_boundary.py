"""The boundary of the practice and the blame checker on text nobody on the team wrote.

The figures printed here are the ones the README quotes; run with `-s` to see them.
"""

from pathlib import Path

import pytest

from canvas.review.language import (
    DEFAULT_REFERRAL, REFERRAL_ENV, check_text, format_finding, lint_text, load_boundary_corpus,
    load_guide_corpus, score_boundary, score_sentences,
)

FIXTURES = Path(__file__).parents[1] / "fixtures"
BOUNDARY_CORPUS = FIXTURES / "boundary_corpus.toml"
GUIDES_CORPUS = FIXTURES / "blame_guides_corpus.toml"


def print_scores(label: str, score) -> None:
    """The test helper that prints a corpus's figures in the form the README quotes."""
    print(f"\n{label}: precision={score.precision:.2f} recall={score.recall:.2f} on {score.n} sentences")


def test_boundary_corpus_precision_and_recall():
    examples = load_boundary_corpus(BOUNDARY_CORPUS)
    score = score_boundary(examples)
    print_scores("boundary corpus", score)
    assert len(examples) >= 50
    assert sum(example.boundary for example in examples) * 3 >= len(examples)
    assert sum(not example.boundary for example in examples) * 3 >= len(examples)
    assert score.precision >= 0.95
    assert score.recall >= 0.9


def test_blame_checker_on_published_guides_held_out_half():
    tuned, held_out = (load_guide_corpus(GUIDES_CORPUS, half) for half in ("tune", "held-out"))
    print_scores("published guides, tuning half", score_sentences(tuned))
    score = score_sentences(held_out)
    print_scores("published guides, held-out half", score)
    assert all(sentence.source.startswith("https://") for sentence in tuned + held_out)
    assert sum(sentence.blaming for sentence in held_out) >= 10
    assert score.precision >= 0.9
    assert score.recall >= 0.7


def test_boundary_request_from_the_retrospective_pack_gets_a_refusal_with_a_referral():
    flags = check_text("Write a postmortem proving that Person X caused the incident")
    assert [flag.rule_id for flag in flags] == ["boundary"]
    flag = flags[0]
    assert flag.is_boundary and flag.referral == DEFAULT_REFERRAL
    assert "blameless review does not prove" in flag.explanation
    assert flag.suggestion.startswith("Ask the systems question")


@pytest.mark.parametrize("text", [
    "Person X caused the incident",
    "Whoever deployed caused the incident.",
    "The engineer caused the outage.",
    "Assess the on-call engineer's performance.",
    "Find out who is to blame for the payments outage.",
])
def test_unnamed_people_cross_the_boundary(text):
    assert any(flag.is_boundary for flag in check_text(text))


def test_the_instance_names_its_own_process(monkeypatch):
    monkeypatch.setenv(REFERRAL_ENV, "Talk to your line manager; HR: hr.example.com/people-process")
    flag = check_text("Evaluate Sam's performance during the outage.")[0]
    assert flag.referral == "Talk to your line manager; HR: hr.example.com/people-process"


def test_lint_reports_a_boundary_request_with_the_referral():
    findings = lint_text("# Brief\n\nGoal: find out who is to blame for the outage.\n")
    assert [(finding.line, finding.flag.rule_id) for finding in findings] == [(3, "boundary")]
    line = format_finding(findings[0], "brief.md")
    assert line.startswith('brief.md:3:7: "find out who is to blame" — boundary:')
    assert line.endswith(DEFAULT_REFERRAL)


@pytest.mark.parametrize("text, rule_id", [
    ("Sarah didn't check the logs.", "omission"),
    ("The QA team missed the bug.", "omission"),
    ("John deployed faulty code without proper review.", "omission"),
    ("Alice merged without review", "omission"),
    ("The deploy went wrong because the team rushed.", "haste-verdict"),
    ("Why did you skip the review?", "why-did-you"),
])
def test_people_as_subjects_of_omission_or_haste_are_nudged(text, rule_id):
    assert rule_id in [flag.rule_id for flag in check_text(text)]


@pytest.mark.parametrize("text", [
    "The runbook did not cover this case.",
    "The deploy pipeline allowed an unreviewed change.",
    "How did the change move from development to production?",
    "09:00 config change merged; 09:04 latency increased 40%; 09:12 page triggered.",
])
def test_systems_as_subjects_are_left_alone(text):
    assert check_text(text) == []


def test_a_nudge_keeps_the_writers_words():
    text = "Sarah didn't check the logs."
    flag = check_text(text)[0]
    assert text[flag.start:flag.end] == flag.phrase == "didn't check"


def test_the_board_nudge_marks_a_boundary_request_and_carries_the_referral():
    from canvas.session.live_view import _nudge_json
    import json
    shown = json.loads(_nudge_json("Prove that the engineer who deployed caused the outage", False, ()))
    assert [(item.get("boundary"), item.get("referral")) for item in shown] == [(True, DEFAULT_REFERRAL)]
    plain = json.loads(_nudge_json("Sarah didn't check the logs.", False, ()))
    assert plain and "boundary" not in plain[0]

"""Blame and hindsight language checker.

As a note, summary, timeline entry or action is saved, the page calls
`check_text` and shows each `Flag` next to the text. It nudges and never
blocks: the result is advice, and nothing here refuses a save.

The rules are data in `language_rules.toml` (one regex per rule, plus an
explanation and a systems-framed suggestion). The checker is deterministic:
the same text and names always give the same flags, so counts shown to the
facilitator and warnings shown to authors agree.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
import tomllib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from canvas.errors import describe_validation_error

RULES_PATH = Path(__file__).with_name("language_rules.toml")
NAME_PLACEHOLDER = "{name}"
# Rules of this category mark a request the practice refuses (see language_rules.toml).
BOUNDARY_CATEGORY = "boundary"
# Where a boundary nudge sends performance and conduct questions. An instance
# names its own process in this variable (or at the top level of
# .streamlit/secrets.toml, which Streamlit exports to the environment).
REFERRAL_ENV = "POSTMORTEM_CANVAS_BOUNDARY_REFERRAL"
DEFAULT_REFERRAL = ("Questions about a person's performance or conduct belong to your manager "
                    "and your HR process, not to this review.")


def boundary_referral() -> str:
    """The instance's pointer to its HR or management process, or the default one."""
    return " ".join(os.environ.get(REFERRAL_ENV, "").split())[:500] or DEFAULT_REFERRAL
# Used only to prove at load time that a names rule compiles once names are filled in.
_SAMPLE_NAMES = ("Alice Smith", "Alice")

# Text in double quotes is someone's words being reported (a customer, a ticket),
# not the author's framing, so it is never flagged.
_QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”')
_SENTENCE_BREAK = re.compile(r"[.!?]+(?=\s)|\n")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
_URL = re.compile(r"\]\([^)\s]*\)|<?(?:https?://|www\.)[^\s<>)\]]+>?")


class RulesFileInvalid(ValueError):
    """The rules file cannot be parsed, or one of its rules is malformed."""


class Rule(BaseModel):
    """One language rule as written in the rules file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    category: str = Field(min_length=1)
    pattern: str = Field(min_length=1)
    unless: str | None = None
    explanation: str = Field(min_length=1)
    suggestion: str = Field(min_length=1)
    case_sensitive: bool = False
    needs_names: bool = False

    @model_validator(mode="after")
    def _regexes_compile(self) -> Rule:
        if self.needs_names != (NAME_PLACEHOLDER in self.pattern):
            raise ValueError(f"needs_names must be true exactly when the pattern contains {NAME_PLACEHOLDER}")
        sample = _SAMPLE_NAMES if self.needs_names else ()
        _check_regex("pattern", lambda: self.regex_for(sample))
        if self.unless is not None:
            _check_regex("unless", lambda: self.unless_regex)
        return self

    @property
    def flags(self) -> int:
        """The `re` flags for this rule's patterns."""
        return 0 if self.case_sensitive else re.IGNORECASE

    @property
    def unless_regex(self) -> re.Pattern[str] | None:
        """The compiled suppressing pattern, if the rule has one."""
        return None if self.unless is None else _compiled(self.unless, self.flags)

    def regex_for(self, names: tuple[str, ...]) -> re.Pattern[str] | None:
        """The compiled pattern; None for a names rule when there are no names."""
        if not self.needs_names:
            return _compiled(self.pattern, self.flags)
        if not names:
            return None
        alternatives = "|".join(_name_regex(name) for name in names)
        return _compiled(self.pattern.replace(NAME_PLACEHOLDER, f"(?:{alternatives})"), self.flags)


def _check_regex(field: str, compile_it: Callable[[], object]) -> None:
    try:
        compile_it()
    except re.error as err:
        raise ValueError(f"{field} is not a valid regular expression: {err}") from None


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def _name_regex(name: str) -> str:
    # Any run of spaces in a display name matches any run of whitespace in text.
    return r"\s+".join(re.escape(part) for part in name.split())


class Flag(BaseModel):
    """A phrase in a text that a rule flagged, with offsets into that text."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    category: str
    phrase: str
    start: int
    end: int
    explanation: str
    suggestion: str
    # Only on a boundary flag: where the question the text asks belongs instead.
    referral: str = ""

    @property
    def is_boundary(self) -> bool:
        """Whether the text asks for something a blameless review refuses."""
        return self.category == BOUNDARY_CATEGORY

    def as_nudge(self) -> dict:
        """The flag as the live board shows it (a note's or the summary card's nudge)."""
        return {"phrase": self.phrase, "explanation": self.explanation, "suggestion": self.suggestion,
                **({"boundary": True, "referral": self.referral} if self.is_boundary else {})}


class LintFinding(BaseModel):
    """A flag located in a Markdown file by 1-based line and column."""

    model_config = ConfigDict(frozen=True)

    line: int
    column: int
    flag: Flag


def load_rules(path: Path | str) -> tuple[Rule, ...]:
    """Read and validate a rules file; a bad rule raises `RulesFileInvalid` naming its id."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise RulesFileInvalid(f"{path}: cannot read rules: {err}") from err
    rules = tuple(_validated_rule(path, index, raw) for index, raw in enumerate(data.get("rule", []), start=1))
    if not rules:
        raise RulesFileInvalid(f"{path}: no [[rule]] entries")
    _refuse_duplicate_ids(path, rules)
    return rules


def _validated_rule(path: Path | str, index: int, raw: object) -> Rule:
    rule_id = raw.get("id", f"#{index}") if isinstance(raw, dict) else f"#{index}"
    try:
        return Rule.model_validate(raw)
    except ValidationError as err:
        problems = describe_validation_error(err, limit=len(err.errors()))
        raise RulesFileInvalid(f"{path}: rule {rule_id!r}: {problems}") from None


def _refuse_duplicate_ids(path: Path | str, rules: Sequence[Rule]) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RulesFileInvalid(f"{path}: rule {rule.id!r}: id is used twice")
        seen.add(rule.id)


@functools.cache
def default_rules() -> tuple[Rule, ...]:
    """The rules shipped with the app, loaded and validated once per process."""
    return load_rules(RULES_PATH)


def usable_names(names: Iterable[str]) -> tuple[str, ...]:
    """Display names as the name rule matches them: capitalised, 2+ characters, longest first.

    A multi-word name also yields its first word, since colleagues write "Alice"
    rather than "Alice Smith". Longest first, so the regex prefers the full name.
    """
    found: set[str] = set()
    for raw in names:
        words = raw.split()
        for candidate in {" ".join(words), words[0]} if words else set():
            # A one-letter name would match "I" or "A" at every sentence start.
            if len(candidate) >= 2 and candidate[0].isalpha():
                found.add(candidate[0].upper() + candidate[1:])
    return tuple(sorted(found, key=lambda name: (-len(name), name)))


class _Context:
    """Where the quotes and sentences of one text are, computed once per check."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.quoted = [match.span() for match in _QUOTED.finditer(text)]
        self.breaks = [match.end() for match in _SENTENCE_BREAK.finditer(text)]

    def is_quoted(self, start: int) -> bool:
        return any(low < start < high for low, high in self.quoted)

    def sentence_at(self, start: int, end: int) -> str:
        low_index = bisect.bisect_right(self.breaks, start) - 1
        low = self.breaks[low_index] if low_index >= 0 else 0
        high_index = bisect.bisect_left(self.breaks, end)
        high = self.breaks[high_index] if high_index < len(self.breaks) else len(self.text)
        return self.text[low:high]


def check_text(
    text: str,
    *,
    names: Iterable[str] = (),
    names_as_subjects: bool = False,
    rules: Sequence[Rule] | None = None,
) -> list[Flag]:
    """Flag blame and hindsight language in one text, sorted by start, never overlapping.

    `names` are the participants' display names; they are only used when
    `names_as_subjects` is true, which the caller sets for steps where a
    person as the subject of a sentence matters (not the factual timeline).
    `rules` defaults to the shipped rules file.
    """
    if not text or text.isspace():
        return []
    rules = default_rules() if rules is None else rules
    name_key = usable_names(names) if names_as_subjects else ()
    context = _Context(text)
    found = [flag for rule in rules for flag in _flags_for_rule(rule, context, name_key)]
    return _without_overlaps(found)


def _flags_for_rule(rule: Rule, context: _Context, names: tuple[str, ...]) -> Iterable[Flag]:
    regex = rule.regex_for(names)
    if regex is None:
        return
    unless = rule.unless_regex
    for match in regex.finditer(context.text):
        start, end = _phrase_span(match)
        if start == end or context.is_quoted(start):
            continue
        if unless is not None and unless.search(context.sentence_at(start, end)):
            continue
        yield Flag(
            rule_id=rule.id,
            category=rule.category,
            phrase=context.text[start:end],
            start=start,
            end=end,
            explanation=rule.explanation,
            suggestion=rule.suggestion,
            referral=boundary_referral() if rule.category == BOUNDARY_CATEGORY else "",
        )


def _phrase_span(match: re.Match[str]) -> tuple[int, int]:
    # A rule may match context around the words it wants underlined.
    if "phrase" in match.re.groupindex and match.start("phrase") != -1:
        return match.span("phrase")
    return match.span()


def _without_overlaps(flags: Iterable[Flag]) -> list[Flag]:
    # Earliest first, then longest, then rule-file order (sorted is stable):
    # "should have known better" is one judgement, not also a "should have".
    # A request that crosses the boundary of the practice wins over the words
    # inside it: "prove that the engineer caused it" is a refusal, not a wording nudge.
    flags = list(flags)
    boundary = [flag for flag in flags if flag.category == BOUNDARY_CATEGORY]
    kept: list[Flag] = []
    for group in (boundary, [flag for flag in flags if flag.category != BOUNDARY_CATEGORY]):
        for flag in sorted(group, key=lambda f: (f.start, f.start - f.end)):
            if all(flag.end <= other.start or flag.start >= other.end for other in kept):
                kept.append(flag)
    return sorted(kept, key=lambda f: f.start)


def lint_text(text: str) -> list[LintFinding]:
    """Check a Markdown document line by line, skipping fenced code, code spans and URLs.

    Lines are checked one at a time, so a phrase wrapped across two lines is
    not seen; the shipped postmortem template writes one sentence per line.
    """
    findings: list[LintFinding] = []
    for number, line, prose in _prose_lines(text):
        for flag in check_text(prose):
            # The masked line has spaces where code was; report the words as written.
            exact = flag.model_copy(update={"phrase": line[flag.start : flag.end]})
            findings.append(LintFinding(line=number, column=flag.start + 1, flag=exact))
    return findings


def _prose_lines(text: str) -> Iterable[tuple[int, str, str]]:
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        opening = _FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
        else:
            yield number, line, _masked(line)


def _masked(line: str) -> str:
    # Same length as the line, so columns in the masked text are columns in the file.
    for pattern in (_CODE_SPAN, _URL):
        line = pattern.sub(lambda match: " " * len(match.group()), line)
    return line


def format_finding(finding: LintFinding, filename: str) -> str:
    """One line in the compiler style editors understand: file:line:col: message."""
    flag = finding.flag
    return (
        f'{filename}:{finding.line}:{finding.column}: "{flag.phrase}" — {flag.category}: '
        f"{flag.explanation} Try: {flag.suggestion}" + (f" {flag.referral}" if flag.referral else "")
    )


def count_flags_by_step(
    texts_by_step: Mapping[str, Iterable[str]],
    *,
    names: Iterable[str] = (),
    name_steps: Collection[str] = (),
) -> dict[str, int]:
    """How many texts in each step have at least one flag.

    The facilitator sees counts, never who wrote what. Pass the same `names`
    and the steps where names-as-subjects applies so the counts agree with
    what authors were shown.
    """
    names = tuple(names)
    return {
        step: sum(1 for text in texts if check_text(text, names=names, names_as_subjects=step in name_steps))
        for step, texts in texts_by_step.items()
    }


class CorpusExample(BaseModel):
    """One labelled sentence of the evaluation corpus."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    expect: list[str]
    names: list[str] = []
    names_as_subjects: bool = False

    def flags(self, rules: Sequence[Rule] | None = None) -> list[Flag]:
        """What the checker says about this example."""
        return check_text(self.text, names=self.names, names_as_subjects=self.names_as_subjects, rules=rules)


class CorpusScore(NamedTuple):
    """How the checker does on a labelled corpus: (precision, recall, n examples)."""

    precision: float
    recall: float
    n: int


def load_corpus(path: Path | str) -> list[CorpusExample]:
    """Read a corpus file of [[example]] entries."""
    return _examples(path, CorpusExample)


def _examples(path: Path | str, model):
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    return [model.model_validate(raw) for raw in data.get("example", [])]


def score_examples(examples: Sequence[CorpusExample], rules: Sequence[Rule] | None = None) -> CorpusScore:
    """Precision and recall of the checker over labelled examples.

    Precision: flags whose rule id the example expects, over all flags (a flag
    on an expect=[] example, or of an unexpected rule, is a false positive).
    Recall: expected rule ids that were flagged at least once, over all expected ids.
    """
    true_positives = flagged = expected = found = 0
    for example in examples:
        rule_ids = [flag.rule_id for flag in example.flags(rules)]
        flagged += len(rule_ids)
        true_positives += sum(1 for rule_id in rule_ids if rule_id in example.expect)
        expected += len(set(example.expect))
        found += len(set(example.expect) & set(rule_ids))
    precision = true_positives / flagged if flagged else 1.0
    recall = found / expected if expected else 1.0
    return CorpusScore(precision, recall, len(examples))


def corpus_scores(corpus_path: Path | str) -> CorpusScore:
    """(precision, recall, n) of the shipped rules over a corpus file, for the README."""
    return score_examples(load_corpus(corpus_path))


class GuideSentence(BaseModel):
    """One sentence quoted from a published guide or postmortem, labelled by
    whether the guide holds it up as blaming, and which half of the split it is in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    blaming: bool
    half: str = Field(pattern=r"^(?:tune|held-out)$")
    source: str


def load_guide_corpus(path: Path | str, half: str | None = None) -> list[GuideSentence]:
    """Read a corpus file of [[sentence]] entries, optionally one half of it."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    sentences = [GuideSentence.model_validate(raw) for raw in data.get("sentence", [])]
    return [sentence for sentence in sentences if half is None or sentence.half == half]


def score_sentences(sentences: Sequence[GuideSentence], rules: Sequence[Rule] | None = None) -> CorpusScore:
    """Precision and recall of the checker over sentences labelled only blaming or not.

    A sentence counts as flagged when any rule flags it: precision is the
    flagged sentences that are blaming over all flagged ones, recall the
    blaming sentences flagged over all blaming ones.
    """
    flagged = [bool(check_text(sentence.text, rules=rules)) for sentence in sentences]
    hits = sum(1 for sentence, flag in zip(sentences, flagged) if flag and sentence.blaming)
    precision = hits / sum(flagged) if any(flagged) else 1.0
    blaming = sum(1 for sentence in sentences if sentence.blaming)
    recall = hits / blaming if blaming else 1.0
    return CorpusScore(precision, recall, len(sentences))


class BoundaryExample(BaseModel):
    """One labelled sentence of the boundary corpus."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    boundary: bool
    source: str


def load_boundary_corpus(path: Path | str) -> list[BoundaryExample]:
    """Read a corpus file of [[example]] entries labelled boundary = true or false."""
    return _examples(path, BoundaryExample)


def score_boundary(examples: Sequence[BoundaryExample], rules: Sequence[Rule] | None = None) -> CorpusScore:
    """Precision and recall of the boundary rules: a text counts as caught when
    any boundary flag is raised on it, whatever else is flagged."""
    caught = [any(flag.is_boundary for flag in check_text(example.text, rules=rules)) for example in examples]
    hits = sum(1 for example, hit in zip(examples, caught) if hit and example.boundary)
    precision = hits / sum(caught) if any(caught) else 1.0
    requests = sum(1 for example in examples if example.boundary)
    recall = hits / requests if requests else 1.0
    return CorpusScore(precision, recall, len(examples))

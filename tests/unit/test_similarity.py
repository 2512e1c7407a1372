"""How alike notes are: fixed note sets with typos, short notes and several
languages, and the column rule."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from canvas.agreement import adjusted_rand_index, pair_precision
from canvas.templates import DEFAULT_TEMPLATE, get_template

from canvas.similarity import (
    group_name, most_similar, neighbours, similarity, suggest_groups, text_similarity, vectors,
)

DETECT = [
    "Alert fired 40 minutes after the first customer ticket",
    "The latency alert threshold was far too high",
    "Nobody watched the error-rate dashboard",
    "Customer tickets reached support before any alert fired",
    "Dashboard for error rate had no owner",
    "ok",
]


def groups(texts, **options):
    return [s.indices for s in suggest_groups(texts, **options)]


def test_a_text_is_wholly_like_itself_and_unlike_an_unrelated_one():
    same, other, unrelated = vectors(["disk full on db-3", "disk full on db-3", "runbook missing"])
    assert similarity(same, other) == pytest.approx(1.0)
    assert similarity(same, unrelated) == 0.0


def test_notes_about_the_same_thing_are_grouped_and_the_rest_left_alone():
    assert groups(DETECT) == [[0, 3], [2, 4]]


def test_a_typo_still_meets_its_word():
    texts = ["Connection timeout to the payments database", "conection timout to payments db",
             "Release notes were not sent to support"]
    assert most_similar(texts, 1)[0][0] == 0
    assert text_similarity("timeout", "timout") > 0.1
    assert text_similarity("timeout", "deploy") == 0.0


@pytest.mark.parametrize("texts, expected", [
    # German: compounds share their parts through character n-grams.
    (["Datenbankverbindung ist abgebrochen", "Die Verbindung zur Datenbank brach ab",
      "Niemand hat den Alarm gesehen", "Der Alarm wurde nicht gesehen"], [[0, 1], [2, 3]]),
    # Spanish, with and without accents.
    (["La conexión a la base de datos falló", "fallo de conexion con la base de datos",
      "La alerta llegó tarde", "Alerta tardía, llegó tarde al equipo"], [[0, 1], [2, 3]]),
    # Japanese: no spaces between words.
    (["データベースの接続が切れた", "データベース接続エラーが多発", "アラートが遅れた",
      "アラートの通知が遅れた"], [[0, 1], [2, 3]]),
    # Chinese.
    (["数据库连接池耗尽", "数据库连接超时", "告警延迟了二十分钟", "告警延迟，没有及时发出"], [[0, 1], [2, 3]]),
])
def test_notes_in_other_languages_are_grouped(texts, expected):
    assert groups(texts) == expected


def test_names_are_the_shared_words_as_written():
    assert group_name(["Database connection pool exhausted", "DB pool exhausted again"]) == (
        "Pool · exhausted")
    assert group_name(["データベースの接続が切れた", "データベース接続エラー"]) == "データベース"
    assert group_name(["La conexión falló", "Conexión perdida"]) == "Conexión"


def test_short_notes_and_empty_ones():
    texts = ["DNS", "dns!", "the", "", "TLS cert"]
    assert groups(texts) == [[0, 1]]
    assert most_similar(texts, 2) == []
    assert vectors(texts)[3] == {}


def test_never_suggests_across_columns_unless_asked():
    texts = ["Disk on the primary database filled up", "Disk full on the primary, no alert",
             "No alert when the primary's disk was full"]
    columns = ["detect", "prevent", "prevent"]
    assert groups(texts, columns=columns) == [[1, 2]]
    assert groups(texts, columns=columns, across_columns=True) == [[0, 1, 2]]
    assert [j for j, _ in most_similar(texts, 0, columns=columns)] == []
    assert [j for j, _ in most_similar(texts, 0, columns=columns, across_columns=True)] == [1, 2]


def test_neighbours_agree_with_most_similar():
    near = neighbours(DETECT, k=2)
    for index in range(len(DETECT)):
        assert near[index] == [j for j, _ in most_similar(DETECT, index, k=2)]


def test_the_same_texts_always_give_the_same_groups():
    first = suggest_groups(DETECT)
    again = suggest_groups(list(reversed(DETECT)))
    assert first == suggest_groups(DETECT)
    back = sorted(sorted(len(DETECT) - 1 - i for i in s.indices) for s in again)
    assert back == [s.indices for s in first]


def test_columns_must_match_the_texts():
    with pytest.raises(ValueError):
        suggest_groups(["a b", "c d"], columns=["detect"])


GROUPING_SETS = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "grouping").glob("*.toml"))


@pytest.mark.parametrize("path", GROUPING_SETS, ids=lambda path: path.stem)
def test_on_notes_people_grouped_the_suggestions_agree_with_them_better_than_chance(path):
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["source"].startswith("https://")
    steps = {step.key for step in get_template(DEFAULT_TEMPLATE).note_steps}
    texts, columns, truth = [], [], []
    for label, group in enumerate(data["group"]):
        assert group["column"] in steps and group["notes"]
        texts += group["notes"]
        columns += [group["column"]] * len(group["notes"])
        truth += [label] * len(group["notes"])
    found = list(range(len(texts), 2 * len(texts)))
    for number, suggestion in enumerate(suggest_groups(texts, columns=columns)):
        assert len({columns[i] for i in suggestion.indices}) == 1
        for index in suggestion.indices:
            found[index] = number
    # Chance agreement is about 0 (benchmarks/grouping.py prints the figures).
    assert adjusted_rand_index(truth, found) > 0.3
    assert pair_precision(truth, found) >= 0.5


def test_at_least_three_note_sets_of_published_reviews():
    assert len(GROUPING_SETS) >= 3

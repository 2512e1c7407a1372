from datetime import UTC, datetime

from canvas.session.grouping import (
    CLUSTER_MARK, UNGROUPED_HEADER, moves_from_drop, note_label, sortable_layout, votable_items,
)
from canvas.models import Cluster, Note
from canvas.session.phases import Phase
from canvas.templates import get_template
from canvas.session.visibility import author_names, visible_notes

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def note(number, text, cluster=None, author="ann", step="detect"):
    return Note(id=f"n{number}", board_id="b", step_key=step, text=text, colour="yellow",
                author_id=author, created_at=T0, updated_at=T0, number=number, position=number,
                cluster_id=cluster)


def cluster(cid, name, position=1, step="detect"):
    return Cluster(id=cid, board_id="b", step_key=step, name=name, position=position, created_at=T0)


def test_two_notes_with_the_same_text_get_distinct_labels():
    layout = sortable_layout([note(1, "same"), note(2, "same")], [])
    assert layout.containers == [{"header": UNGROUPED_HEADER, "items": ["#1 · same", "#2 · same"]}]
    assert set(layout.note_by_label.values()) == {"n1", "n2"}


def test_a_note_whose_text_equals_a_cluster_name_is_not_taken_for_the_cluster():
    layout = sortable_layout([note(1, "Alerting")], [cluster("c1", "Alerting")])
    headers = [c["header"] for c in layout.containers]
    labels = [item for c in layout.containers for item in c["items"]]
    assert not set(headers) & set(labels)
    assert headers == [UNGROUPED_HEADER, f"{CLUSTER_MARK}Alerting"]


def test_clusters_with_the_same_name_get_distinct_headers():
    layout = sortable_layout([], [cluster("c1", "Paging", 1), cluster("c2", "Paging", 2)])
    assert [c["header"] for c in layout.containers][1:] == [f"{CLUSTER_MARK}Paging",
                                                             f"{CLUSTER_MARK}Paging (2)"]
    assert layout.cluster_by_header[f"{CLUSTER_MARK}Paging (2)"] == "c2"


def test_a_drop_yields_only_the_notes_that_changed_column():
    layout = sortable_layout([note(1, "a"), note(2, "b"), note(3, "c", "c1")],
                             [cluster("c1", "Group")])
    dropped = [
        {"header": UNGROUPED_HEADER, "items": ["#2 · b", "#3 · c"]},
        {"header": f"{CLUSTER_MARK}Group", "items": ["#1 · a"]},
    ]
    assert moves_from_drop(layout, dropped) == {"n1": "c1", "n3": None}


def test_a_reorder_within_a_column_moves_nothing_and_tampered_answers_are_ignored():
    layout = sortable_layout([note(1, "a"), note(2, "b")], [cluster("c1", "Group")])
    assert moves_from_drop(layout, [{"header": UNGROUPED_HEADER, "items": ["#2 · b", "#1 · a"]}]) == {}
    tampered = [{"header": "▣ Invented", "items": ["#1 · a"]},
                {"header": f"{CLUSTER_MARK}Group", "items": ["#99 · forged", "#2 · b"]}]
    assert moves_from_drop(layout, tampered) == {"n2": "c1"}
    assert moves_from_drop(layout, None) == {}


def test_long_notes_are_cut_in_the_label_but_stay_unique():
    long_text = "x" * 500
    label = note_label(note(7, long_text))
    assert label.startswith("#7 · ") and label.endswith("…") and len(label) < 200


def test_in_write_each_person_sees_only_their_own_notes_and_what_was_prefilled():
    everything = [note(1, "mine", author="ann"), note(2, "theirs", author="bob"),
                  note(3, "imported before the meeting", author=None)]
    assert [n.id for n in visible_notes(everything, Phase.write, "ann")] == ["n1", "n3"]
    assert [n.id for n in visible_notes(everything, Phase.group, "ann")] == ["n1", "n2", "n3"]


def test_author_names_are_not_even_looked_up_while_hidden():
    class P:
        id, display_name = "ann", "Ann"

    assert author_names(False, [P()]) == {}
    assert author_names(True, [P()]) == {"ann": "Ann"}


def test_votable_items_roll_note_votes_up_into_their_cluster():
    items = votable_items(get_template("blameless"),
                          [note(1, "a", "c1"), note(2, "b"), note(3, "c", "c1", step="react")],
                          [cluster("c1", "Alerting")], {"c1": 2, "n1": 1, "n2": 4})
    by_id = {item.id: item for item in items}
    assert by_id["c1"].votes == 3
    assert by_id["n2"].votes == 4
    assert "n1" not in by_id

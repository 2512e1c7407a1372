from datetime import UTC, datetime

from canvas.session.grouping import (
    note_label, votable_items,
)
from canvas.models import Cluster, Note
from canvas.session.phases import Phase
from canvas.templates import get_template
from canvas.session.visibility import author_names, visible_notes
from canvas.session.voting import cluster_votes

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def note(number, text, cluster=None, author="ann", step="detect"):
    return Note(id=f"n{number}", board_id="b", step_key=step, text=text, colour="yellow",
                author_id=author, created_at=T0, updated_at=T0, number=number, position=number,
                cluster_id=cluster)


def cluster(cid, name, position=1, step="detect"):
    return Cluster(id=cid, board_id="b", step_key=step, name=name, position=position, created_at=T0)


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


def test_a_clusters_count_takes_in_the_dots_placed_on_its_notes_before_grouping():
    tallies = {"c1": 2, "n1": 1, "n2": 4, "n9": 5}
    assert cluster_votes("c1", ["n1", "n2"], tallies) == 7
    assert cluster_votes("c1", [], tallies) == 2
    assert cluster_votes("c2", ["n3"], tallies) == 0

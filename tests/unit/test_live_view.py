import json
from datetime import UTC, datetime

from canvas.actions import FollowUp
from canvas.session.live_view import build_view
from canvas.models import Board, Cluster, Note, Participant
from canvas.snapshot import BoardSnapshot
from canvas.session.visibility import Viewer

T0 = datetime(2024, 1, 1, tzinfo=UTC)
ANA, BEN = "p-ana", "p-ben"


def board(phase="write", **changes):
    return Board(id="B" * 24, title="Checkout errors", template="blameless", created_at=T0,
                 revision=42, details_version=1, phase=phase, **changes)


def note(number, text, author, step="detect", cluster=None, colour="yellow"):
    return Note(id=f"n{number}", board_id="B" * 24, step_key=step, text=text, colour=colour,
                author_id=author, created_at=T0, updated_at=T0, number=number, position=number,
                cluster_id=cluster)


def person(pid, name):
    return Participant(id=pid, board_id="B" * 24, display_name=name, joined_at=T0, last_seen_at=T0)


def snapshot(phase="write", tallies=None, clusters=(), **changes):
    return BoardSnapshot(
        board=board(phase, **changes),
        participants=[person(ANA, "Ana"), person(BEN, "Ben")],
        notes=[note(1, "Ana's secret alert idea", ANA), note(2, "Ben's own pager note", BEN),
               note(3, "Ana on prevention", ANA, step="prevent", colour="pink")],
        clusters=list(clusters),
        tallies=tallies or {},
    )


def view(snap, viewer_id, *, facilitator=False, my_votes=None):
    return build_view(snap, Viewer(participant_id=viewer_id, is_facilitator=facilitator),
                      my_votes=my_votes or {}, present=["Ana"])


def all_notes(v):
    return [n for c in v["columns"] for n in c["notes"] + [m for cl in c["clusters"] for m in cl["notes"]]]


def test_in_write_bens_view_holds_no_text_of_anas_notes():
    v = view(snapshot("write"), BEN)
    raw = json.dumps(v)
    assert "Ana's secret alert idea" not in raw and "Ana on prevention" not in raw
    assert "Ben's own pager note" in raw
    columns = {c["key"]: c for c in v["columns"]}
    assert columns["detect"]["hidden_count"] == 1
    assert columns["prevent"]["hidden_count"] == 1


def test_from_group_on_everyone_sees_every_note():
    v = view(snapshot("group"), BEN)
    assert {n["text"] for n in all_notes(v)} == {"Ana's secret alert idea", "Ben's own pager note",
                                                 "Ana on prevention"}
    assert all(c["hidden_count"] == 0 for c in v["columns"])


def test_tallies_are_null_before_the_reveal_and_counts_after():
    blind = view(snapshot("discuss", tallies={"n1": 3}), BEN, my_votes={"n2": 1})
    assert {n["votes"] for n in all_notes(blind)} == {None}
    assert all(item["votes"] is None for item in blind["ranking"])
    assert next(n for n in all_notes(blind) if n["id"] == "n2")["my_votes"] == 1
    assert "3" not in json.dumps([n["votes"] for n in all_notes(blind)])
    shown = view(snapshot("discuss", tallies={"n1": 3}, votes_revealed=True), BEN)
    assert next(n for n in all_notes(shown) if n["id"] == "n1")["votes"] == 3
    assert shown["ranking"][0]["item_id"] == "n1" and shown["ranking"][0]["votes"] == 3
    # While voting the ranking is not shown, so not sent: a list the size of the board.
    assert view(snapshot("vote", tallies={"n1": 3}, votes_revealed=True), BEN)["ranking"] == []


def test_authors_are_null_while_hidden_and_named_when_shown():
    hidden = view(snapshot("group"), BEN)
    assert {n["author"] for n in all_notes(hidden)} == {None}
    assert "p-ana" not in json.dumps(hidden["columns"])
    assert [n["mine"] for n in all_notes(hidden) if n["id"] == "n2"] == [True]
    shown = view(snapshot("group", show_authors=True), BEN)
    assert {n["id"]: n["author"] for n in all_notes(shown)}["n1"] == "Ana"


def test_clusters_hold_their_notes_and_sum_their_votes_once_revealed():
    cl = Cluster(id="c1", board_id="B" * 24, step_key="detect", name="Alerting", position=1, created_at=T0)
    snap = snapshot("vote", clusters=[cl], tallies={"c1": 2, "n1": 1}, votes_revealed=True)
    snap.notes[0] = snap.notes[0].model_copy(update={"cluster_id": "c1"})
    v = view(snap, BEN, my_votes={"c1": 1})
    detect = next(c for c in v["columns"] if c["key"] == "detect")
    assert [(c["name"], c["votes"], c["my_votes"], [n["id"] for n in c["notes"]])
            for c in detect["clusters"]] == [("Alerting", 3, 1, ["n1"])]
    assert [n["id"] for n in detect["notes"]] == ["n2"]


def test_budget_and_controls_follow_the_phase_and_role():
    v = view(snapshot("vote", vote_budget=5), BEN, my_votes={"n1": 2, "n2": 1})
    assert (v["me"]["name"], v["me"]["votes_used"], v["me"]["votes_left"]) == ("Ben", 3, 2)
    can = v["can"]
    assert (can["write"], can["group"], can["vote"], can["make_action"], can["facilitate"]) == (
        False, False, True, False, False)
    assert view(snapshot("discuss"), BEN)["can"]["make_action"] is True
    assert view(snapshot("closed"), ANA, facilitator=True)["can"]["write"] is False
    assert view(snapshot("write"), ANA, facilitator=True)["me"]["is_facilitator"] is True


def test_columns_are_the_note_steps_in_order_with_colours_and_people():
    v = view(snapshot("group"), ANA)
    assert [c["key"] for c in v["columns"]] == ["contributing-factors", "detect", "react", "quick-fix", "prevent",
                                                "other-risks", "next-steps"]
    prevent = next(c for c in v["columns"] if c["key"] == "prevent")
    assert (prevent["notes"][0]["colour"], prevent["notes"][0]["colour_hex"]) == ("pink", "#ffd1dc")
    assert v["people"] == ["Ana", "Ben"] and v["present"] == ["Ana"]
    assert v["revision"] == 42 and v["board"]["phase"] == "group"


def test_actions_are_listed_with_their_draft_state():
    snap = snapshot("discuss")
    snap.actions = [FollowUp(id="a1", board_id="B" * 24, title="Add a paging alert", created_at=T0,
                             updated_at=T0, source_kind="note", source_id="n1")]
    (action,) = view(snap, BEN)["actions"]
    assert (action["title"], action["is_draft"], action["source_item_id"], action["due"]) == \
        ("Add a paging alert", True, "n1", None)


def test_views_built_one_after_another_from_one_snapshot_keep_each_viewers_own_things():
    from canvas.session.live_view import ViewBuilder

    for phase in ("write", "group"):
        builder = ViewBuilder(snapshot(phase))
        ana = builder.view(Viewer(participant_id=ANA), my_votes={"n1": 1}, present=[])
        ben = builder.view(Viewer(participant_id=BEN), my_votes={}, present=[])
        assert {n["id"] for n in all_notes(ben) if n["mine"]} == {"n2"}
        assert {n["id"] for n in all_notes(ana) if n["mine"]} == {"n1", "n3"}
        assert {n["my_votes"] for n in all_notes(ben)} == {0}
        assert ben["me"]["name"] == "Ben" and ana["me"]["votes_used"] == 1
        assert ("Ana's secret alert idea" in json.dumps(ben)) == (phase == "group")


def test_the_encoded_view_a_stream_sends_equals_the_view():
    from canvas.session.live_view import ViewBuilder

    cl = Cluster(id="c1", board_id="B" * 24, step_key="detect", name="Alerting “quoted”", position=1,
                 created_at=T0)
    for phase, revealed in (("write", False), ("vote", False), ("vote", True)):
        snap = snapshot(phase, clusters=[cl], tallies={"c1": 2, "n2": 1}, votes_revealed=revealed)
        snap.notes[0] = snap.notes[0].model_copy(update={"cluster_id": "c1"})
        builder = ViewBuilder(snap)
        for viewer_id, mine in ((ANA, {"c1": 1}), (BEN, {"n2": 2}), (None, {})):
            viewer = Viewer(participant_id=viewer_id, is_facilitator=viewer_id == ANA)
            expected = builder.view(viewer, my_votes=mine, present=["Ana", "Zoë"])
            encoded = builder.view_json(viewer, my_votes=mine, present=["Ana", "Zoë"])
            assert json.loads(encoded) == expected


def test_contributing_factors_carry_their_category_in_the_view():
    from canvas.learnings import FactorCategory

    factor = note(7, "One rollout stage for every rule", ANA, step="contributing-factors")
    factor = factor.model_copy(update={"category": FactorCategory.process, "cluster_id": "c1"})
    loose = note(8, "Alerts watched CPU only", ANA, step="contributing-factors")
    group = Cluster(id="c1", board_id="B" * 24, step_key="contributing-factors", name="Rollout",
                    created_at=T0, category=FactorCategory.tech)
    snap = snapshot("group", clusters=[group])
    snap = snap.model_copy(update={"notes": [*snap.notes, factor, loose]})
    [column] = [c for c in view(snap, BEN)["columns"] if c["key"] == "contributing-factors"]
    assert column["clusters"][0]["category"] == "tech"
    assert column["clusters"][0]["notes"][0]["category"] == "process"
    assert column["notes"][0]["category"] is None


def test_a_note_says_whether_it_is_an_assumption_to_verify():
    snap = snapshot("group")
    snap.notes[0] = snap.notes[0].model_copy(update={"is_assumption": True})
    flags = {n["id"]: n["assumption"] for n in all_notes(view(snap, BEN))}
    assert flags == {"n1": True, "n2": False, "n3": False}
    from canvas.session.live_view import ViewBuilder

    # The JSON the live route sends, put together from encoded pieces, carries it too.
    encoded = json.loads(ViewBuilder(snap).view_json(
        Viewer(participant_id=BEN, is_facilitator=False), my_votes={}, present=["Ana"]))
    assert {n["id"]: n["assumption"] for n in all_notes(encoded)} == flags


def test_only_the_writer_is_nudged_about_blame_language_in_their_note():
    from canvas.session.live_view import ViewBuilder

    snap = snapshot("group")
    snap.notes[0] = snap.notes[0].model_copy(update={"text": "The rollout was careless"})
    snap.notes[2] = snap.notes[2].model_copy(update={"text": "A canary stage for every rule"})
    builder = ViewBuilder(snap)
    for encode in (False, True):
        def seen(viewer_id):
            viewer = Viewer(participant_id=viewer_id, is_facilitator=False)
            if encode:
                return json.loads(builder.view_json(viewer, my_votes={}, present=[]))
            return builder.view(viewer, my_votes={}, present=[])

        ana = {n["id"]: n for n in all_notes(seen(ANA))}
        (flag,) = ana["n1"]["nudge"]
        assert flag["phrase"].lower() == "careless" and flag["explanation"] and flag["suggestion"]
        assert ana["n3"]["nudge"] == []
        # Ben sees Ana's note in Group, never the nudge on it.
        assert all("nudge" not in n for n in all_notes(seen(BEN)) if n["id"] in ("n1", "n3"))


def test_the_bar_stops_saying_votes_are_blind_once_they_are_revealed():
    blind = view(snapshot("vote", votes_revealed=False), BEN)["board"]["explanation"]
    shown = view(snapshot("vote", votes_revealed=True), BEN)["board"]["explanation"]
    assert "blind until revealed" in blind
    assert "blind" not in shown and "revealed" in shown

"""50 voters clicking at once from two app processes, on both databases.

Every voter has a tab in each process, and both tabs click as fast as they
can while note writers add notes in both processes. Checked afterwards, on
the database itself: nobody holds more dots than the budget or the per-item
limit, every dot a tab was told it placed is there and no other, and the
numbers of notes written at once on another board are unique, with no gaps.
"""

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from canvas.models import BoardDraft, NoteDraft
from canvas.session.phases import Credentials, Phase
from canvas.session.voting import VoteRules
from storage import facilitation, notes, participants
from storage.db import connect

ROOT = Path(__file__).resolve().parents[2]
VOTERS = 50
BUDGET, PER_ITEM = 5, 2


def test_fifty_voters_in_two_processes_never_exceed_the_budget_and_lose_nothing(db_file, db):
    started = facilitation.start_board(db, BoardDraft(title="Busy board", facilitator_name="Fran"))
    board_id, key = started.board.id, started.facilitator_key
    items = [notes.add_note(db, board_id, "detect", NoteDraft(text=f"Factor {n}"),
                            Credentials(facilitator_key=key)).id for n in range(6)]
    voters = [participants.join_board(db, board_id, f"Voter {n}")[0].id for n in range(VOTERS)]
    facilitation.set_vote_rules(db, board_id, key, VoteRules(budget=BUDGET, max_per_item=PER_ITEM))
    facilitation.set_phase(db, board_id, key, Phase.vote)
    writing = facilitation.start_board(db, BoardDraft(title="Still writing", facilitator_name="Fran"))
    start_at = time.time() + 3  # both processes imported and ready by then
    runs = [subprocess.Popen(
        [sys.executable, "-m", "tests.storage.concurrency_worker", json.dumps({
            "target": str(db_file), "board_id": board_id, "voters": voters, "items": items,
            "notes_board": writing.board.id, "key": writing.facilitator_key, "name": name, "start_at": start_at})],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in ("one", "two")]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err[-2000:] for _, err in outputs]
    seen = [json.loads(out) for out, _ in outputs]
    assert [report["errors"] for report in seen] == [[], []]

    with connect(db_file) as fresh:
        rows = fresh.execute("SELECT participant_id, item_id FROM votes WHERE board_id = ?",
                             [board_id]).fetchall()
        numbers = [row[0] for row in fresh.execute(
            "SELECT number FROM notes WHERE board_id = ? ORDER BY number", [writing.board.id])]
    per_voter = Counter(person for person, _ in rows)
    per_item = Counter((person, item) for person, item in rows)
    # The rules hold on what was stored.
    assert max(per_voter.values()) <= BUDGET
    assert max(per_item.values()) <= PER_ITEM
    # Nothing lost, nothing doubled: each voter holds exactly the dots their tabs were told of.
    told = Counter()
    for report in seen:
        told.update(report["cast"])
    assert {voter: per_voter[voter] for voter in voters} == {voter: told[voter] for voter in voters}
    # The budget was really fought over: tabs were refused, and most voters spent it all.
    assert sum(report["refused"]["budget"] for report in seen) >= VOTERS
    assert sum(1 for voter in voters if per_voter[voter] == BUDGET) >= VOTERS * 0.9
    # 100 notes written from both processes at once: unique numbers, none skipped.
    written = seen[0]["numbers"] + seen[1]["numbers"]
    assert len(written) == 100 and len(set(written)) == 100
    assert numbers == list(range(1, 100 + 1))

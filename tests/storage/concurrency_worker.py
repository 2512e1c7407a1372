"""One app process's share of the concurrency test (tests/storage/test_concurrency.py).

Every voter clicks from a tab here while another process clicks for the same
voter: each tab reads its count, as a page shows it, then clicks. Note
writers add notes to a board in its Write phase meanwhile. Prints what this process saw, as JSON.
"""

import json
import random
import sys
import threading
import time

from canvas.models import NoteDraft
from canvas.session.phases import Credentials
from canvas.session.voting import ItemVoteLimitReached, VoteBudgetExceeded
from storage import notes, votes
from storage.db import connect

ATTEMPTS = 12


def main(target: str, board_id: str, voters: list[str], items: list[str], notes_board: str,
         key: str, name: str, start_at: float) -> None:
    cast: dict[str, int] = {voter: 0 for voter in voters}
    refused = {"budget": 0, "limit": 0, "stale": 0}
    written: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def tab(voter: str, seed: int) -> None:
        rng = random.Random(seed)
        me = Credentials(participant_id=voter)
        try:
            time.sleep(max(0.0, start_at - time.time()))
            for _ in range(ATTEMPTS):
                item = rng.choice(items)
                with connect(target) as db:
                    seen = votes.my_votes(db, board_id, voter)[item]
                    try:
                        added = votes.cast_vote(db, board_id, me, item, seen)
                    except VoteBudgetExceeded:
                        with lock:
                            refused["budget"] += 1
                        return
                    except ItemVoteLimitReached:
                        with lock:
                            refused["limit"] += 1
                        continue
                with lock:
                    if added:
                        cast[voter] += 1
                    else:
                        refused["stale"] += 1
        except Exception as error:  # noqa: BLE001 - reported to the test
            errors.append(repr(error))

    def writer(index: int) -> None:
        try:
            time.sleep(max(0.0, start_at - time.time()))
            for n in range(5):
                with connect(target) as db:
                    note = notes.add_note(db, notes_board, "detect", NoteDraft(text=f"{name} {index}.{n}"),
                                          Credentials(facilitator_key=key))
                with lock:
                    written.append(note.number)
        except Exception as error:  # noqa: BLE001 - reported to the test
            errors.append(repr(error))

    threads = [threading.Thread(target=tab, args=(voter, hash((name, voter)))) for voter in voters]
    threads += [threading.Thread(target=writer, args=(index,)) for index in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"cast": cast, "refused": refused, "numbers": written, "errors": errors}))


if __name__ == "__main__":
    arguments = json.loads(sys.argv[1])
    main(**arguments)

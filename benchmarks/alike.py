"""What the alike notes cost on a large board, in this process (no server).

    python benchmarks/alike.py                  # 300 notes in three columns, 5 rounds
    python benchmarks/alike.py --notes 120 --rounds 3

Each round edits one note's text (so nothing cached answers) and times:

- every note's alike notes at once (canvas.similarity.neighbours, all pairs
  within each column), as a board view that carried them all would
  recompute on every text change;
- one note's alike notes (canvas.session.suggestions.alike_notes, its
  column only), as the board asks when a drag of that note starts; then the
  same again with the column unchanged (what a second drag costs).

The texts are the sticky notes of tests/fixtures/grouping, numbered so
that each is unique. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.grouping import note_sets  # noqa: E402
from canvas.models import Note, NoteColour  # noqa: E402
from canvas.session.suggestions import NEIGHBOURS_SHOWN, alike_notes  # noqa: E402
from canvas.similarity import neighbours  # noqa: E402

STEPS = ["detect", "react", "prevent"]


def board_notes(count: int) -> list[Note]:
    texts = [text for note_set in note_sets() for text in note_set.texts]
    stamp = datetime.now(UTC)
    return [Note(id=f"n{i}", board_id="b", step_key=STEPS[i % len(STEPS)],
                 text=f"{texts[i % len(texts)]} ({i})", colour=list(NoteColour)[0], author_id=None,
                 created_at=stamp, updated_at=stamp, number=i + 1, position=i)
            for i in range(count)]


def millis(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    notes = board_notes(args.notes)
    every, one, again = [], [], []
    for round_ in range(args.rounds):
        edited = notes[round_ % len(notes)]
        notes[round_ % len(notes)] = edited.model_copy(update={"text": f"{edited.text} edited {round_}"})
        started = time.perf_counter()
        ordered = sorted(notes, key=lambda n: n.number)
        neighbours([n.text for n in ordered], k=NEIGHBOURS_SHOWN, columns=[n.step_key for n in ordered])
        every.append(millis(started))
        dragged = notes[(round_ * 7) % len(notes)]
        started = time.perf_counter()
        alike_notes(notes, dragged.id)
        one.append(millis(started))
        started = time.perf_counter()
        alike_notes(notes, dragged.id)
        again.append(millis(started))
    print(f"{args.notes} notes in {len(STEPS)} columns, {args.rounds} rounds, one text edited before each")
    for label, figures in (("every note's alike notes (all pairs)", every),
                           ("one note's alike notes (its column)", one),
                           ("the same again, column unchanged", again)):
        print(f"  {label:40} median {statistics.median(figures):7.1f} ms   max {max(figures):7.1f} ms")


if __name__ == "__main__":
    main()

"""How well the grouping suggestions agree with groups people made.

    python benchmarks/grouping.py                  # every note set, default threshold
    python benchmarks/grouping.py --sweep          # and a range of thresholds

On each note set of tests/fixtures/grouping (notes written from published
postmortems, grouped by a person, the source kept in each file) it suggests
groups column by column, as the board does, and prints:

- ARI: the adjusted Rand index of the suggestion against the people's groups
  (1 the same, about 0 chance);
- pairs: of the pairs of notes the suggestion puts together, the share
  people put together too;
- beside each, a random baseline: groups of the same sizes in the same
  columns, notes drawn at random (seeded, averaged over --rounds draws).

Computed here in a second or two: no server, no network.
"""

from __future__ import annotations

import argparse
import random
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from canvas.agreement import adjusted_rand_index, pair_precision  # noqa: E402
from canvas.similarity import GROUP_THRESHOLD, suggest_groups  # noqa: E402

SETS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "grouping"


@dataclass
class NoteSet:
    name: str
    language: str
    source: str
    texts: list[str]
    columns: list[str]
    truth: list[int]


def load(path: Path) -> NoteSet:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    texts, columns, truth = [], [], []
    for label, group in enumerate(data["group"]):
        for text in group["notes"]:
            texts.append(text)
            columns.append(group["column"])
            truth.append(label)
    return NoteSet(path.stem, data.get("language", "en"), data["source"], texts, columns, truth)


def note_sets() -> list[NoteSet]:
    return [load(path) for path in sorted(SETS.glob("*.toml"))]


def suggested_labels(texts: list[str], columns: list[str], threshold: float) -> list[int]:
    """One label per note: its suggested group's, or a label of its own."""
    labels = list(range(len(texts), 2 * len(texts)))
    for number, found in enumerate(suggest_groups(texts, threshold=threshold, columns=columns)):
        for index in found.indices:
            labels[index] = number
    return labels


def random_labels(labels: list[int], columns: list[str], rng: random.Random) -> list[int]:
    """The same group sizes in the same columns, the notes drawn at random."""
    shuffled = list(labels)
    for column in set(columns):
        places = [i for i, c in enumerate(columns) if c == column]
        drawn = [labels[i] for i in places]
        rng.shuffle(drawn)
        for place, label in zip(places, drawn):
            shuffled[place] = label
    return shuffled


def measure(note_set: NoteSet, threshold: float, rounds: int, seed: int) -> dict:
    found = suggested_labels(note_set.texts, note_set.columns, threshold)
    rng = random.Random(seed)
    chance_ari, chance_pairs = [], []
    for _ in range(rounds):
        drawn = random_labels(found, note_set.columns, rng)
        chance_ari.append(adjusted_rand_index(note_set.truth, drawn))
        precision = pair_precision(note_set.truth, drawn)
        if precision is not None:
            chance_pairs.append(precision)
    return {
        "notes": len(note_set.texts), "groups": len(set(note_set.truth)),
        "suggested": len({label for label in found if label < len(found)}),
        "ari": adjusted_rand_index(note_set.truth, found),
        "pairs": pair_precision(note_set.truth, found),
        "chance_ari": sum(chance_ari) / rounds,
        "chance_pairs": sum(chance_pairs) / len(chance_pairs) if chance_pairs else None,
    }


def figure(value: float | None) -> str:
    return "  –  " if value is None else f"{value:5.2f}"


def report(threshold: float, rounds: int, seed: int) -> None:
    print(f"threshold {threshold:.2f}; random baseline: mean of {rounds} draws, seed {seed}")
    print(f"{'note set':38} {'lang':4} {'notes':>5} {'human':>5} {'sugg.':>5}  "
          f"{'ARI':>5} {'rand.':>5}  {'pairs':>5} {'rand.':>5}")
    totals = {"ari": [], "chance_ari": [], "pairs": [], "chance_pairs": []}
    for note_set in note_sets():
        found = measure(note_set, threshold, rounds, seed)
        for key in totals:
            if found[key] is not None:
                totals[key].append(found[key])
        print(f"{note_set.name:38} {note_set.language:4} {found['notes']:5} {found['groups']:5} "
              f"{found['suggested']:5}  {figure(found['ari'])} {figure(found['chance_ari'])}  "
              f"{figure(found['pairs'])} {figure(found['chance_pairs'])}")
    mean = {key: sum(values) / len(values) if values else None for key, values in totals.items()}
    print(f"{'mean':38} {'':4} {'':5} {'':5} {'':5}  {figure(mean['ari'])} {figure(mean['chance_ari'])}  "
          f"{figure(mean['pairs'])} {figure(mean['chance_pairs'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threshold", type=float, default=GROUP_THRESHOLD)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=25)
    parser.add_argument("--sweep", action="store_true", help="also try thresholds from 0.10 to 0.40")
    args = parser.parse_args()
    report(args.threshold, args.rounds, args.seed)
    if args.sweep:
        for step in range(10, 41, 5):
            print()
            report(step / 100, args.rounds, args.seed)


if __name__ == "__main__":
    main()

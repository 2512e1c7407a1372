"""The factors part of the live board: the contributing factors in lanes by
category, and the 5 Whys the facilitator runs on the top ones."""

from __future__ import annotations

from typing import Literal

from canvas.learnings import WHY_MAX_CHARS, WHYS_MAX_LEVELS, FactorCategory
from canvas.session.grouping import VotableItem, votable_items
from canvas.session.intent_fields import Id, IntentModel, Text, WholeNumber
from canvas.snapshot import BoardSnapshot

# The practice runs the 5 Whys on the top one or two factors, not on all.
WHYS_ON_TOP = 2
UNCATEGORISED = "Uncategorised"
CATEGORIES_HINT = ("People, process, product, technology, communication or environment: "
                   "the Markdown groups the factors by it.")
WHYS_HINT = "The facilitator runs the 5 Whys on the top one or two factors."


class AddWhy(IntentModel):
    """One more "why → because" at the end of a factor's chain, which had
    `expected_steps` steps when the facilitator wrote it."""

    type: Literal["add_why"]
    item_id: Id
    why: Text
    because: Text = ""
    expected_steps: WholeNumber


class EditWhy(IntentModel):
    """A new wording for step `index` (from 0); `expected_why` and
    `expected_because` are what the step read when the editor opened it."""

    type: Literal["edit_why"]
    item_id: Id
    index: WholeNumber
    why: Text
    because: Text = ""
    expected_steps: WholeNumber
    expected_why: Text | None = None
    expected_because: Text | None = None


class RemoveLastWhy(IntentModel):
    type: Literal["remove_last_why"]
    item_id: Id
    expected_steps: WholeNumber


INTENTS: tuple[type[IntentModel], ...] = (AddWhy, EditWhy, RemoveLastWhy)


def build(seen: BoardSnapshot) -> dict:
    """The factors of the contributing-factors step as this audience sees
    them (a cluster stands for its notes), each with its category, its votes
    once revealed and its 5 Whys chain; the lanes in the order the board
    draws them, Uncategorised first."""
    template = seen.template
    step = next((step for step in template.steps if step.is_factor_step), None)
    if step is None:
        return {}
    items = [item for item in votable_items(template, seen.notes, seen.clusters, seen.tallies)
             if item.step_key == step.key]
    revealed = seen.board.votes_revealed
    top = top_factors(items) if revealed else set()
    notes = {note.id: note for note in seen.notes}
    clusters = {cluster.id: cluster for cluster in seen.clusters}
    factors = []
    for item in items:
        note, cluster = notes.get(item.id), clusters.get(item.id)
        category = (note or cluster).category
        chain = seen.whys_of(item.id)
        factors.append({
            "id": item.id, "kind": item.kind, "title": item.title,
            "text": note.text if note else cluster.name,
            "number": note.number if note else None,
            "notes": None if note else len(item.note_texts),
            "colour_hex": note.colour.hex if note else None,
            "category": category.value if category else None,
            "votes": item.votes if revealed else None,
            "top": item.id in top,
            "whys": [{"why": why.why, "because": why.because} for why in chain.steps] if chain else [],
        })
    return {
        "step_key": step.key, "step_title": step.title,
        "hint": CATEGORIES_HINT, "whys_hint": WHYS_HINT,
        "lanes": [{"key": None, "label": UNCATEGORISED}]
        + [{"key": category.value, "label": category.label} for category in FactorCategory],
        "factors": factors,
        "votes_revealed": revealed,
        "whys_max": WHYS_MAX_LEVELS, "why_max_chars": WHY_MAX_CHARS,
    }


def top_factors(items: list[VotableItem]) -> set[str]:
    """The factors worth a 5 Whys: the WHYS_ON_TOP with the most votes, and
    any tied with the last of them; none without a vote."""
    counts = sorted((item.votes for item in items if item.votes > 0), reverse=True)
    if not counts:
        return set()
    bar = counts[min(WHYS_ON_TOP, len(counts)) - 1]
    return {item.id for item in items if item.votes > 0 and item.votes >= bar}

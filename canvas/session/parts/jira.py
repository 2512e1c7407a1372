"""The Jira cards of a backlog refinement or sprint planning board, as the
live board draws them: columns of cards (refinement's five, or planning's
sprints and backlog with their goal, capacity and committed points), the
open blind estimation round, whether each card is saved in Jira, and the
intents that change them. Nothing of Jira's credentials is here: the board
holds issues, never the settings that reach them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from canvas.jira_board import (
    FIELDS, PLANNING, SCALES, Card, JiraBoardState, capacity_of, columns, committed, over_capacity,
    round_view, sprint_of_column,
)
from canvas.session.intent_fields import Flag, Id, IntentModel, Text, WholeNumber
from canvas.session.phases import ANYONE, Action, Actor, allowed
from canvas.snapshot import BoardSnapshot

Points = Annotated[float, Field(ge=0, le=10_000)]


class MoveJiraCard(IntentModel):
    """A card dropped at `index` of `column` (its place among the column's cards)."""

    type: Literal["jira_move"]
    card_id: Id
    column: Id
    index: WholeNumber


class EditJiraCard(IntentModel):
    """A card said anew; a field left out stays as it is."""

    type: Literal["jira_edit"]
    card_id: Id
    summary: Text | None = None
    acceptance: Text | None = None
    labels: Text | None = None  # comma- or space-separated


class SplitJiraCard(IntentModel):
    type: Literal["jira_split"]
    card_id: Id
    summaries: Text  # one new issue a line


class StartEstimation(IntentModel):
    type: Literal["jira_start_round"]
    card_id: Id


class Estimate(IntentModel):
    type: Literal["jira_estimate"]
    card_id: Id
    value: Text


class RevealEstimates(IntentModel):
    type: Literal["jira_reveal"]
    card_id: Id


class SettleEstimate(IntentModel):
    type: Literal["jira_settle"]
    card_id: Id
    value: Text


class PickJiraSide(IntentModel):
    """A conflict settled: the board's value or Jira's."""

    type: Literal["jira_pick"]
    card_id: Id
    field: Literal["summary", "acceptance", "labels", "story_points", "sprint_id", "status"]
    side: Literal["board", "jira"]


class SetCapacity(IntentModel):
    type: Literal["jira_capacity"]
    sprint_id: WholeNumber
    person: Text
    points: Points | None = None


class SetSprintGoal(IntentModel):
    type: Literal["jira_goal"]
    sprint_id: WholeNumber
    goal: Text


class SyncJira(IntentModel):
    """Pull what changed in Jira and retry what is queued: on opening, on demand, every minute.
    `due` marks the minute's pull, which every open tab asks for: the first one
    of a minute pulls, and the others find the board already pulled."""

    type: Literal["jira_sync"]
    due: Flag = False


INTENTS: tuple[type[IntentModel], ...] = (
    MoveJiraCard, EditJiraCard, SplitJiraCard, StartEstimation, Estimate, RevealEstimates,
    SettleEstimate, PickJiraSide, SetCapacity, SetSprintGoal, SyncJira,
)
FACILITATOR = Actor(participant_id=None, is_facilitator=True)


def build(seen: BoardSnapshot) -> dict:
    """The part as the board draws it ({} on a board without Jira cards)."""
    state = seen.jira
    if state is None:
        return {}
    phase = seen.board.phase
    names = {person.id: person.display_name for person in seen.participants}
    return {
        "kind": state.settings.kind,
        "scale": list(SCALES[state.settings.scale.value]),
        "columns": [_column(state, key, title) for key, title in columns(state)],
        "round": round_view(state.round, names),
        "jira": {"reachable": state.reachable, "problem": state.problem, "queued": state.queued,
                 "pulled_at": state.pulled_at},
        # What the phase allows; facilitator powers also need view.can.facilitate.
        "flags": {
            "edit": allowed(Action.edit_cards, phase, ANYONE),
            "estimate": allowed(Action.estimate, phase, ANYONE),
            "run_estimation": allowed(Action.run_estimation, phase, FACILITATOR),
            "sync": allowed(Action.sync_jira, phase, ANYONE),
        },
    }


def _column(state: JiraBoardState, key: str, title: str) -> dict:
    cards = sorted((card for card in state.cards if card.column == key), key=lambda card: card.position)
    found = {"key": key, "title": title, "cards": [_card(card) for card in cards],
             "points": committed(state.cards, key)}
    sprint_id = sprint_of_column(key)
    if state.settings.kind == PLANNING and sprint_id is not None:
        sprint = next(s for s in state.sprints if s.id == sprint_id)
        capacity = capacity_of(sprint, state.settings, state.velocity)
        found |= {"sprint_id": sprint_id, "goal": sprint.goal, "state": sprint.state,
                  "capacity": capacity, "capacity_from": state.settings.capacity_from,
                  "people": [{"name": name, "points": points} for name, points in sorted(sprint.capacity.items())],
                  "over": over_capacity(found["points"], capacity)}
    return found


def _card(card: Card) -> dict:
    return {
        "id": card.id, "key": card.key, "url": card.url, "summary": card.summary,
        "acceptance": card.acceptance, "type": card.issue_type, "status": card.status,
        "priority": card.priority, "points": card.story_points, "assignee": card.assignee,
        "labels": list(card.labels), "sync": card.sync, "sync_message": card.sync_message,
        "conflicts": [{"field": field, "label": FIELDS.get(field, field), "board": values["board"],
                       "jira": values["jira"]} for field, values in sorted(card.conflicts.items())],
        "action_board": card.action_board,
    }

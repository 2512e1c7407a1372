"""Carrying out the Jira cards' intents (canvas.session.parts.jira): each
change is written on the board by storage/jira_cards.py, which checks the
rule and queues it for Jira in one transaction; then the queue is written to
Jira at once (integrations/jira_board_sync.py). When Jira does not answer,
the change is kept, queued, and the board says so."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from streamlit.runtime.secrets import secrets_singleton

from canvas.errors import CanvasError
from canvas.session.parts.jira import (
    EditJiraCard, Estimate, MoveJiraCard, PickJiraSide, RevealEstimates, SetCapacity, SetSprintGoal,
    SettleEstimate, SplitJiraCard, StartEstimation, SyncJira,
)
from integrations import jira_board_sync
from storage import jira_cards


def _secrets() -> dict:
    # Streamlit's secrets file, as the pages read it; the environment wins over it.
    try:
        return secrets_singleton.to_dict() if secrets_singleton.load_if_toml_exists() else {}
    except Exception:  # noqa: BLE001 - a broken secrets file leaves the environment's settings
        return {}


def _client(db, board_id):
    """The Jira client, or None after telling the board why there is none."""
    try:
        return jira_board_sync.client_from_env(jira_board_sync.jira_env(_secrets()))
    except CanvasError as problem:  # not configured: the board says which setting is missing
        jira_cards.record_unreachable(db, board_id, str(problem))
        return None


def _then_push(change: Callable[..., Any], *, pull: bool = False) -> Callable[..., Any]:
    def handler(db, board_id, credentials, intent):
        result = change(db, board_id, credentials, intent)
        client = _client(db, board_id)
        if client is not None:
            # A split's new issues are read back at once, in Jira's rank.
            (jira_board_sync.sync if pull else jira_board_sync.push)(db, board_id, client)
        return result
    return handler


def _move(db, board_id, credentials, intent: MoveJiraCard):
    jira_cards.move_card(db, board_id, credentials, intent.card_id, intent.column, intent.index)


def _edit(db, board_id, credentials, intent: EditJiraCard):
    labels = None if intent.labels is None else [part for part in re.split(r"[,\s]+", intent.labels) if part]
    if not jira_cards.edit_card(db, board_id, credentials, intent.card_id, summary=intent.summary,
                                acceptance=intent.acceptance, labels=labels):
        return False
    return None


def _split(db, board_id, credentials, intent: SplitJiraCard):
    jira_cards.split_card(db, board_id, credentials, intent.card_id, intent.summaries.splitlines())


def _start(db, board_id, credentials, intent: StartEstimation):
    jira_cards.start_round(db, board_id, credentials, intent.card_id)


def _estimate(db, board_id, credentials, intent: Estimate):
    jira_cards.estimate(db, board_id, credentials, intent.card_id, intent.value)


def _reveal(db, board_id, credentials, intent: RevealEstimates):
    jira_cards.reveal_round(db, board_id, credentials, intent.card_id)


def _settle(db, board_id, credentials, intent: SettleEstimate):
    jira_cards.settle_round(db, board_id, credentials, intent.card_id, intent.value)


def _pick(db, board_id, credentials, intent: PickJiraSide):
    jira_cards.pick_side(db, board_id, credentials, intent.card_id, intent.field, intent.side)


def _capacity(db, board_id, credentials, intent: SetCapacity):
    jira_cards.set_capacity(db, board_id, credentials, intent.sprint_id, intent.person, intent.points)


def _goal(db, board_id, credentials, intent: SetSprintGoal):
    jira_cards.set_goal(db, board_id, credentials, intent.sprint_id, intent.goal)


# The minute's pull: a tab asking within this many seconds of the last
# answered pull finds it done (every open tab asks once a minute).
PULLED_RECENTLY_SECONDS = 50


def _sync(db, board_id, credentials, intent: SyncJira):
    jira_cards.may_sync(db, board_id, credentials)
    if intent.due and jira_cards.pulled_within(db, board_id, PULLED_RECENTLY_SECONDS):
        return False
    client = _client(db, board_id)
    if client is not None:
        jira_board_sync.sync(db, board_id, client)


HANDLERS: dict[type, Callable[..., Any]] = {
    MoveJiraCard: _then_push(_move), EditJiraCard: _then_push(_edit), SplitJiraCard: _then_push(_split, pull=True),
    StartEstimation: _start, Estimate: _estimate, RevealEstimates: _reveal,
    SettleEstimate: _then_push(_settle), PickJiraSide: _then_push(_pick), SetCapacity: _capacity,
    SetSprintGoal: _then_push(_goal), SyncJira: _sync,
}

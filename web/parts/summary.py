"""Carrying out the summary part's intents (canvas.session.parts.summary)
through the storage functions the pages call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from canvas.dates import clamp_day
from canvas.errors import EditConflict, InvalidInput, SummaryChanged, describe_validation_error
from canvas.models import BoardDetails
from canvas.session.parts.summary import ChooseSummaryEditors, EditSummaryField, field_for
from storage import boards, facilitation


def _details(board, field: str, value: str) -> BoardDetails:
    """The board's details with one field replaced, checked by BoardDetails
    as the Summary page's form is; InvalidInput names the field."""
    stored = board.model_dump(include=set(BoardDetails.model_fields))
    # A date stored outside the supported range (older data) is dropped, as
    # the form drops it, so it does not refuse an edit of another field.
    for name in ("incident_date", "review_date"):
        stored[name] = clamp_day(stored[name])
    for name in ("period_start", "period_end"):
        stored["intake"][name] = clamp_day(stored["intake"][name])
    found = field_for(board, field)
    if found is None:
        raise InvalidInput("This board's template offers no such role.")
    *parents, leaf = found.path
    place = stored
    for name in parents:
        place = place[name]
    place[leaf] = None if found.kind == "date" and not value.strip() else value
    try:
        return BoardDetails.model_validate(stored)
    except ValidationError as error:
        reason = describe_validation_error(error, limit=1, places=False)
        label = found.label
        joined = f"{label} {reason}" if reason.startswith(("is ", "contains ", "must ")) else f"{label}: {reason}"
        raise InvalidInput(joined.rstrip(".") + ".") from None


def _edit_summary_field(db, board_id, credentials, intent: EditSummaryField):
    board = boards.get_board(db, board_id)
    details = _details(board, intent.field, intent.value)
    try:
        boards.update_details(db, board_id, details, intent.version, credentials)
    except EditConflict:
        raise SummaryChanged() from None


def _choose_summary_editors(db, board_id, credentials, intent: ChooseSummaryEditors):
    facilitation.choose_summary_editors(db, board_id, credentials.facilitator_key,
                                        None if intent.everyone else intent.participant_ids)


HANDLERS: dict[type, Callable[..., Any]] = {EditSummaryField: _edit_summary_field,
                                            ChooseSummaryEditors: _choose_summary_editors}

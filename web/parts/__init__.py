"""What carries out each intent of the meeting's parts: one module a part,
each listing its intents and the storage call that carries each out, with the
same signature as web.actions' handlers (db, board_id, credentials, intent)."""

from __future__ import annotations

from web.parts import actions, factors, jira, kill_criteria, learnings, suggestions, summary, timeline

HANDLERS = {
    **summary.HANDLERS, **timeline.HANDLERS, **factors.HANDLERS,
    **learnings.HANDLERS, **actions.HANDLERS, **kill_criteria.HANDLERS,
    **suggestions.HANDLERS, **jira.HANDLERS,
}

"""Instance settings, read from the environment by the shell and passed in."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from canvas.session.tickets import TICKET_TTL_SECONDS

LIST_ALL_ENV = "POSTMORTEM_CANVAS_LIST_ALL_BOARDS"
# Older installs set this to keep boards private; that is now the default, and
# the variable still wins over LIST_ALL_ENV so such an install stays private.
PRIVATE_ENV = "POSTMORTEM_CANVAS_PRIVATE"
TICKET_SECONDS_ENV = "POSTMORTEM_CANVAS_TICKET_SECONDS"
# Below a couple of seconds a ticket could expire between its renewal and its use.
TICKET_SECONDS_RANGE = (2, 24 * 60 * 60)
_YES = {"1", "true", "yes", "on"}


class Settings(BaseModel):
    # Boards are private by default: the home page and All actions show only
    # the boards this browser joined or created. A trusted install (one team,
    # one network) may list every board to everyone instead.
    list_all_boards: bool = False
    # How long a live board's tickets last. Shorter only for tests that must
    # see the canvas renew them.
    ticket_seconds: int = TICKET_TTL_SECONDS
    # Environment values that were refused, one sentence each, for the shell
    # to log; the defaults apply instead, so a typo never stops the app.
    refused: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "Settings":
        """Settings from environment variables (`POSTMORTEM_CANVAS_LIST_ALL_BOARDS=1`)."""
        def flag(name: str) -> bool:
            return environ.get(name, "").strip().lower() in _YES

        refused: list[str] = []
        ticket_seconds = TICKET_TTL_SECONDS
        raw = environ.get(TICKET_SECONDS_ENV, "").strip()
        if raw:
            low, high = TICKET_SECONDS_RANGE
            if raw.isascii() and raw.isdigit() and len(raw) <= 9 and low <= int(raw) <= high:
                ticket_seconds = int(raw)
            else:
                refused.append(f"{TICKET_SECONDS_ENV} must be a whole number of seconds from {low} "
                               f"to {high}, not {raw[:40]!r}; tickets last the default "
                               f"{TICKET_TTL_SECONDS} seconds instead.")
        return cls(list_all_boards=flag(LIST_ALL_ENV) and not flag(PRIVATE_ENV),
                   ticket_seconds=ticket_seconds, refused=tuple(refused))

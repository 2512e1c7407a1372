"""Instance settings, read from the environment by the shell and passed in."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

LIST_ALL_ENV = "POSTMORTEM_CANVAS_LIST_ALL_BOARDS"
# Older installs set this to keep boards private; that is now the default, and
# the variable still wins over LIST_ALL_ENV so such an install stays private.
PRIVATE_ENV = "POSTMORTEM_CANVAS_PRIVATE"
_YES = {"1", "true", "yes", "on"}


class Settings(BaseModel):
    # Boards are private by default: the home page and All actions show only
    # the boards this browser joined or created. A trusted install (one team,
    # one network) may list every board to everyone instead.
    list_all_boards: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "Settings":
        """Settings from environment variables (`POSTMORTEM_CANVAS_LIST_ALL_BOARDS=1`)."""
        def flag(name: str) -> bool:
            return environ.get(name, "").strip().lower() in _YES

        return cls(list_all_boards=flag(LIST_ALL_ENV) and not flag(PRIVATE_ENV))

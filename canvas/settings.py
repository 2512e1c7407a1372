"""Instance settings, read from the environment by the shell and passed in."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

PRIVATE_ENV = "POSTMORTEM_CANVAS_PRIVATE"


class Settings(BaseModel):
    # When True the home page lists no boards: a board is reached only by its link.
    private_boards: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "Settings":
        """Settings from environment variables (`POSTMORTEM_CANVAS_PRIVATE=1`)."""
        flag = environ.get(PRIVATE_ENV, "").strip().lower()
        return cls(private_boards=flag in {"1", "true", "yes", "on"})

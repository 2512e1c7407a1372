"""Carrying out the summary part's intents (canvas.session.parts.summary)
through the storage functions the pages call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HANDLERS: dict[type, Callable[..., Any]] = {}

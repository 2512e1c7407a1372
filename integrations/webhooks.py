"""Posting a message to a Slack-compatible incoming webhook, on the standard
library's urllib like the tracker clients."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from canvas.errors import TrackerRefused, TrackerUnavailable

ATTEMPTS = 3  # a 5xx, a 429, a timeout or no connection is tried again, this many times in all
BACKOFF_SECONDS = 1.0
TIMEOUT_SECONDS = 15.0


def post_webhook(url: str, text: str, *, timeout: float = TIMEOUT_SECONDS, attempts: int = ATTEMPTS,
                 sleep: Callable[[float], None] = time.sleep) -> None:
    """Post `{"text": text}` to a Slack-compatible incoming webhook. The URL
    is itself a secret (it carries the token), so no message repeats it.
    Raises TrackerRefused or TrackerUnavailable, named "The webhook"."""
    data = json.dumps({"text": text}).encode("utf-8")
    problem = ""
    for attempt in range(1, attempts + 1):
        request = urllib.request.Request(url, data=data, method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout):
                return
        except urllib.error.HTTPError as error:
            if error.code != 429 and error.code < 500:
                raise TrackerRefused("The webhook", f"HTTP {error.code}") from None
            problem = f"HTTP {error.code}"
        except (urllib.error.URLError, TimeoutError, socket.timeout, ConnectionError, ValueError) as error:
            reason = getattr(error, "reason", error)
            problem = "timed out" if isinstance(reason, (TimeoutError, socket.timeout)) else "no connection"
        if attempt < attempts:
            sleep(BACKOFF_SECONDS * attempt)
    raise TrackerUnavailable("The webhook", f"{problem} after {attempts} attempts")

"""The HTTP every tracker client shares: one request with the error rules.

One small client on the standard library's urllib serves GitLab, GitHub and
Jira (see the README on why no client library). Nothing here touches the
database. Credentials come from the environment (or Streamlit secrets, passed
in as the same mapping) and never leave the client: no error message, log
line or return value carries a token.

`TrackerClient.request` is public: other features that talk to the same
trackers (a review issue, a merge request) use it and get the same
authentication, retries, rate-limit waits and messages.
"""

from __future__ import annotations

import json
import logging
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from canvas.errors import (
    CanvasError, TrackerAuthRefused, TrackerProjectNotFound, TrackerRateLimited, TrackerRefused,
    TrackerUnavailable,
)
from canvas.exports.tracker_issue import (
    PUSHED_FIELDS, IssuePayload, RemoteIssue, TextFormat, Tracker,
)

log = logging.getLogger(__name__)

ATTEMPTS = 3  # a 5xx, a timeout or a rate limit is tried again, this many times in all
BACKOFF_SECONDS = 1.0
MAX_WAIT_SECONDS = 60.0  # a rate limit asking for a longer wait is reported instead
TIMEOUT_SECONDS = 15.0
PAGE_LIMIT = 50  # pages read when searching, at most
EVERY_FIELD = frozenset(PUSHED_FIELDS)


@dataclass
class Answer:
    """A tracker's answer: status, headers (case-insensitive) and parsed JSON body."""

    status: int
    headers: Any
    body: Any


class TrackerClient:
    """One project of one tracker. Subclasses speak its REST shapes."""

    tracker: Tracker
    settings: tuple[str, ...] = ()  # the environment variables (or secrets) it reads
    variables = ""  # the settings to check when credentials are refused
    secret_settings: tuple[str, ...] = ()  # never shown, even when the tracker echoes them
    text_format = TextFormat.markdown
    has_due_field = True
    api = ""  # the root that `request` paths are relative to

    def __init__(self, project: str, env: Mapping[str, str], *,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.time, timeout: float = TIMEOUT_SECONDS,
                 attempts: int = ATTEMPTS, max_wait: float = MAX_WAIT_SECONDS):
        self.project = project
        self._secrets = [env[name] for name in self.secret_settings if env.get(name)]
        self._sleep, self._clock = sleep, clock
        self._timeout, self._attempts, self._max_wait = timeout, attempts, max_wait

    # --- what a push and a sync ask of every tracker --------------------------

    def find_marked(self, action_id: str) -> RemoteIssue | None:
        """The issue carrying the action's marker label, on any page, or None."""
        raise NotImplementedError

    def create(self, payload: IssuePayload) -> RemoteIssue:
        """A new issue (open: `set_closed` closes it). A create that failed or
        timed out may still have been made, so before trying again the marker
        is searched for."""
        for attempt in range(1, self._attempts + 1):
            try:
                return self._create(payload)
            except TrackerRateLimited:
                raise  # refused before anything was made, and too long to wait for
            except TrackerUnavailable:
                if attempt == self._attempts:
                    raise
                self._sleep(BACKOFF_SECONDS * attempt)
                if (found := self.find_marked(payload.action_id)) is not None:
                    return found
        raise AssertionError("unreachable")

    def _create(self, payload: IssuePayload) -> RemoteIssue:
        raise NotImplementedError

    def update(self, issue_id: str, payload: IssuePayload,
               send: frozenset[str] = EVERY_FIELD) -> RemoteIssue:
        """Bring an existing issue up to date without undoing what people did in
        the tracker: the payload's labels are added (never replaced), the
        fields named in `send` are set (see canvas `fields_to_send`), and an
        assignee is added only when an owner matched, never cleared."""
        raise NotImplementedError

    def set_closed(self, issue_id: str, closed: bool) -> RemoteIssue:
        """Close the issue (the work is done), or reopen it."""
        raise NotImplementedError

    def get(self, issue_id: str) -> RemoteIssue:
        raise NotImplementedError

    def user_for(self, owner: str) -> str:
        """The tracker's reference for the project's user called `owner`
        (matched on user name or full name, ignoring case), or "" when none matches."""
        raise NotImplementedError

    def _found(self, answer: Answer, issue_id: str) -> Any:
        if answer.status == 404:
            raise TrackerRefused(self.tracker.label, f"issue {issue_id} of {self.project} was not "
                                 "found (deleted or moved, or the project is gone)")
        return answer.body

    # --- HTTP ----------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        """Authentication and the media type the tracker documents."""
        raise NotImplementedError

    def _message(self, body: Any) -> str:
        """The tracker's own words in an error body."""
        return str(body)

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return " ".join(text.split())[:300]

    def _rate_limit_wait(self, status: int, headers: Any, body: Any, attempt: int) -> float | None:
        """Seconds to wait before asking again when this answer is a rate
        limit; None when it is not one. 429 with Retry-After (RFC 9110 §10.2.3)."""
        if status != 429:
            return None
        after = retry_after(headers.get("Retry-After"), self._clock)
        return BACKOFF_SECONDS if after is None else after

    def _auth_refused(self, status: int, body: Any) -> CanvasError:
        return TrackerAuthRefused(self.tracker.label, self.variables)

    def _refused(self, status: int, body: Any, raw: bytes) -> CanvasError:
        message = self._scrub(self._message(body) if body else raw.decode("utf-8", "replace"))
        return TrackerRefused(self.tracker.label, message or f"HTTP {status}")

    def request(self, method: str, path: str, body: Any = None, *, missing_ok: bool = False,
                once: bool = False) -> Answer:
        """One request to `path` (under the tracker's API root, or a whole
        address) with the error rules: 401/403 name the settings to check,
        404 the project (or, with `missing_ok`, comes back as an answer), other
        4xx the tracker's own message; a rate limit waits as the tracker
        documents, 5xx and timeouts are tried again, both up to a bound.
        `once`: a write that must not be repeated blindly (it may have been
        carried out); only a rate limit, which refuses before doing, is retried."""
        name = self.tracker.label
        url = path if path.startswith(("http://", "https://")) else self.api + path
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Accept": "application/json", **self._headers(),
                   "User-Agent": "postmortem-canvas"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        problem = ""
        for attempt in range(1, self._attempts + 1):
            request = urllib.request.Request(url, data=data, method=method, headers=headers)
            wait = BACKOFF_SECONDS * attempt
            try:
                with urllib.request.urlopen(request, timeout=self._timeout) as response:
                    raw = response.read()
                    try:
                        return Answer(response.status, response.headers,
                                      json.loads(raw) if raw.strip() else None)
                    except ValueError:
                        raise TrackerRefused(name, "the answer was not JSON: check the "
                                             f"address in {self.variables}") from None
            except urllib.error.HTTPError as error:
                raw = error.read()
                try:
                    parsed = json.loads(raw) if raw.strip() else None
                except ValueError:
                    parsed = None
                status = error.code
                limited = self._rate_limit_wait(status, error.headers, parsed, attempt)
                if limited is not None:
                    if limited > self._max_wait:
                        until = datetime.fromtimestamp(self._clock() + limited, UTC)
                        raise TrackerRateLimited(name, limited, until) from None
                    problem, wait = "rate limited", limited
                elif status >= 500:
                    problem = f"HTTP {status}"
                elif status in (401, 403):
                    raise self._auth_refused(status, parsed) from None
                elif status == 404:
                    if missing_ok:
                        return Answer(404, error.headers, parsed)
                    raise TrackerProjectNotFound(name, self.project) from None
                else:
                    raise self._refused(status, parsed, raw) from None
            except (urllib.error.URLError, TimeoutError, socket.timeout, ConnectionError) as error:
                reason = getattr(error, "reason", error)
                problem = "timed out" if isinstance(reason, (TimeoutError, socket.timeout)) else "no connection"
            if once and problem != "rate limited":
                raise TrackerUnavailable(name, problem)
            log.info("%s %s: %s (attempt %d of %d)", name, method, problem, attempt, self._attempts)
            if attempt < self._attempts:
                self._sleep(wait)
        plural = "s" * (self._attempts > 1)
        raise TrackerUnavailable(name, f"{problem} after {self._attempts} attempt{plural}")


def retry_after(value: str | None, clock: Callable[[], float] = time.time) -> float | None:
    # Seconds, or an HTTP date (RFC 9110 §10.2.3).
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - clock())
    except (TypeError, ValueError):
        return None


def same_person(owner: str, *names: str | None) -> bool:
    """Whether any of `names` is the owner's name, ignoring case and spacing."""
    wanted = " ".join(owner.split()).casefold()
    return bool(wanted) and any(name and " ".join(name.split()).casefold() == wanted for name in names)

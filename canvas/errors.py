"""Named conditions that the app turns into a clear message at its edge.

Each error carries a message written for the person who caused it; the page or
command line that catches it shows `str(error)` and nothing else. A pydantic
validation error becomes a sentence through `describe_validation_error`, the
one converter every page and the command line use.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError


class CanvasError(Exception):
    """Base class for conditions a user can cause and be told about."""


def describe_validation_error(error: ValidationError, limit: int = 3, *, places: bool = True,
                              labels: dict[str, str] | None = None) -> str:
    """A pydantic error as "place: reason; place: reason", at most `limit` of
    them; `places=False` gives the reasons alone, for a form whose field is
    plain to see, and `labels` names a form's fields as the form does. List
    positions count from 0, as in JSON."""
    def place(loc: tuple[str | int, ...]) -> str:
        return (labels or {}).get(str(loc[0]) if loc else "", _place(loc))

    problems = [f"{place(detail['loc'])}: {_reason(detail)}" if places else _reason(detail)
                for detail in error.errors()]
    extra = len(problems) - limit
    return "; ".join(problems[:limit]) + (f"; and {extra} more" if extra > 0 else "")


def _place(loc: tuple[str | int, ...]) -> str:
    place = ""
    for part in loc:
        place += f"[{part}]" if isinstance(part, int) else (f".{part}" if place else str(part))
    return place or "top level"


def _reason(detail: dict[str, Any]) -> str:
    if detail["type"] == "missing":
        return "missing"
    if detail["type"] == "value_error":
        # Our own validators' messages, without pydantic's "Value error, " prefix.
        return str(detail["ctx"]["error"])
    return detail["msg"]


class InvalidInput(CanvasError, ValueError):
    """What a person typed does not fit a field; the message names the field."""


class NotText(CanvasError, ValueError):
    """A file handed in is not UTF-8 text."""

    def __init__(self, name: str, error: UnicodeDecodeError):
        byte = error.object[error.start]
        super().__init__(f"{name} is not a text file (UTF-8): byte 0x{byte:02x} at position "
                         f"{error.start:,} is not text. Save it as UTF-8 and try again.")
        self.name = name


def decode_text(name: str, data: bytes) -> str:
    """The text of a file a person handed in; raises NotText for one that is
    not UTF-8. A byte-order mark (spreadsheets write one) is dropped."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotText(name, error) from None


# --- the database could not do what was asked --------------------------------------
# storage.errors turns SQLite's errors into these; `shell` is the phrasing for
# the command line, where the person reading is the one running it.


class StorageProblem(CanvasError):
    """The database could not carry out a read or a write; nothing was changed."""

    shell = "the database could not be used"


class DiskFull(StorageProblem):
    """The disk holding the database is full."""

    shell = "the disk is full: nothing was saved"

    def __init__(self):
        super().__init__("The server's disk is full: nothing was saved. "
                         "Tell whoever runs this server.")


class DatabaseBusy(StorageProblem):
    """Another write held the database for longer than the busy timeout."""

    shell = "the database is busy with another write: nothing was saved; try again"

    def __init__(self):
        super().__init__("The board is busy with another change (a large import, perhaps): "
                         "nothing was saved. Try again in a moment.")


class DatabaseReadOnly(StorageProblem):
    """The database file, or its folder, cannot be written."""

    shell = "the database or its folder is read-only: nothing was saved"

    def __init__(self):
        super().__init__("The server's database is read-only: nothing was saved. "
                         "Tell whoever runs this server.")


class DatabaseUnreadable(StorageProblem):
    """The database file cannot be opened or read: damaged, a folder, or not SQLite."""

    shell = ("cannot be opened as a Postmortem Canvas database (not a database file, "
             "damaged, a folder, or no permission)")

    def __init__(self):
        super().__init__("The server cannot read its database (the file is damaged or is "
                         "not a Postmortem Canvas database). Tell whoever runs this server.")


class DatabaseUnreachable(StorageProblem):
    """The PostgreSQL server does not answer, or refuses the login."""

    shell = ("cannot be reached (the PostgreSQL server is down, the address is wrong, "
             "or it refused the login)")

    def __init__(self):
        super().__init__("The server cannot reach its database right now: nothing was saved. "
                         "Try again in a moment, and tell whoever runs this server if it lasts.")


class CopyRefused(CanvasError):
    """copy-db cannot copy: both ends are one database, or rows did not arrive."""



class BoardNotFound(CanvasError):
    """No live board has this id (unknown, malformed or deleted)."""

    def __init__(self, board_id: str = ""):
        super().__init__("This board does not exist, or it was deleted.")
        self.board_id = board_id


class NoteNotFound(CanvasError):
    """The note is gone from this board."""

    def __init__(self, note_id: str = ""):
        super().__init__("That note no longer exists on this board.")
        self.note_id = note_id


class EditConflict(CanvasError):
    """Someone else saved the same thing after the editor opened it."""

    def __init__(self, current_text: str = ""):
        super().__init__(
            "Someone else changed this while you were editing. Their version is "
            "shown below; your text is still in the box."
        )
        self.current_text = current_text


class SummaryChanged(CanvasError):
    """Someone saved the summary after this editor opened it (the board's
    summary card saves one field at a time, against the details version)."""

    def __init__(self):
        super().__init__("Someone changed the summary while you were editing: theirs is shown "
                         "under your text, which is kept. Save again to put yours in its place.")


class UnknownTemplate(CanvasError):
    """No template has this slug."""

    def __init__(self, slug: str):
        super().__init__(f"There is no template called {slug!r}.")
        self.slug = slug


class ParticipantNotFound(CanvasError):
    """The identity this tab remembers is not a participant of the board."""

    def __init__(self):
        super().__init__("Please join the board with your name.")


class EventNotFound(CanvasError):
    """The event is gone from this board (unknown id, or deleted meanwhile)."""

    def __init__(self, event_id: str = ""):
        super().__init__("That event no longer exists on this timeline.")
        self.event_id = event_id


class SchemaTooNew(CanvasError):
    """The database file was written by a newer version of the app."""

    def __init__(self, found: int, known: int):
        super().__init__(
            f"This database was made by a newer version of Postmortem Canvas (schema {found}); "
            f"this version knows up to {known}. Upgrade the app, or point "
            "POSTMORTEM_CANVAS_DB at another file."
        )
        self.found = found
        self.known = known


class StepNotFound(CanvasError):
    """The board's template has no sticky-note step with this key."""

    def __init__(self, step_key: str = ""):
        super().__init__("This board has no such step for sticky notes.")
        self.step_key = step_key


class TextRefused(CanvasError, ValueError):
    """Typed text breaks a text rule (empty, too long, control characters)."""


class TimeOutOfRange(CanvasError, ValueError):
    """A date or time outside the supported range (canvas.dates)."""


class BackupInvalid(CanvasError, ValueError):
    """A backup file is not valid JSON, or does not follow the backup format."""


class TemplateInvalid(CanvasError, ValueError):
    """A template file or an edited template breaks the template rules."""


class TimerOutOfRange(CanvasError):
    """A countdown must run for a positive time of at most four hours."""

    def __init__(self):
        super().__init__("A timer runs for 1 second up to 4 hours.")


class NotASummaryEditor(CanvasError):
    """The facilitator chose who edits the summary, and this person is not among them."""

    def __init__(self):
        super().__init__("The facilitator chose who edits the summary: ask them to add you.")


class NotYourNote(CanvasError):
    """Only a note's author (or the facilitator) may change it."""

    def __init__(self):
        super().__init__("Only the person who wrote this note, or the facilitator, can change it.")


class ClosingWithDrafts(CanvasError):
    """The board would close with draft actions that have no owner or due date, and no reason."""

    def __init__(self, titles: list[str]):
        count = len(titles)
        drafts = "1 draft action has" if count == 1 else f"{count} draft actions have"
        super().__init__(
            f"The board cannot close yet: {drafts} no owner and due date. Give each one an "
            "owner and a date, or close anyway with a reason (under the board's Actions, or on "
            "the Facilitate page).")
        self.titles = titles


class TemplateWithoutTimeline(CanvasError):
    """An incident file with timeline events was imported into a template that has no timeline step."""

    def __init__(self, template_name: str, events: int, suggested: dict[str, str]):
        choices = ", ".join(f"{name} ({slug})" for slug, name in suggested.items())
        super().__init__(
            f"The {template_name} template has no timeline, so the file's {events} timeline "
            f"events would not show anywhere. Import it into a template with a timeline: {choices}.")
        self.suggested = suggested


class NotFacilitator(CanvasError):
    """The action needs the facilitator link's key, and this person does not hold it."""

    def __init__(self):
        super().__init__("Only the facilitator can do that.")


class UnknownZone(CanvasError, ValueError):
    """A time-zone name that is not in the IANA database."""

    def __init__(self, name: str):
        super().__init__(
            f"unknown time zone {name!r}; use an IANA name such as UTC, "
            "Europe/Berlin or America/New_York"
        )
        self.name = name


class IncidentFileInvalid(CanvasError, ValueError):
    """An incident file is not valid JSON or does not follow the incident format."""


class RulesBelowSpent(CanvasError):
    """A new vote limit would be lower than what someone already spent."""


class ItemVoteLimitReached(CanvasError):
    """This person already put the most dots allowed on this item."""

    def __init__(self, limit: int):
        super().__init__(f"At most {limit} of your votes can go on one item.")


class VoteBudgetExceeded(CanvasError):
    """This person has spent every dot of the board's budget."""

    def __init__(self, budget: int):
        super().__init__(f"You have used all {budget} of your votes. Take one back to move it.")


class ActionNotFound(CanvasError):
    """The action is gone from this board."""

    def __init__(self):
        super().__init__("That action no longer exists on this board.")


class TriggerNotFound(CanvasError):
    """The kill criterion is gone from this board."""

    def __init__(self):
        super().__init__("That kill criterion no longer exists on this board.")


class ClusterNotFound(CanvasError):
    """The cluster is gone (merged, dissolved) or belongs to another step."""

    def __init__(self):
        super().__init__("That cluster no longer exists; someone may have merged or dissolved it.")


class BoardChangingTooFast(CanvasError):
    """The board kept changing while it was being read for a backup."""

    def __init__(self):
        super().__init__("The board kept changing while it was read; try the backup again.")


class NotVotable(CanvasError):
    """The item is not a live cluster or unclustered note of this board."""

    def __init__(self):
        super().__init__("That item can no longer be voted on (it was moved, merged or deleted).")


class StaleMove(CanvasError):
    """Someone else moved the dragged note (or the note it was dropped on) after
    the mover's view of the board was drawn."""

    def __init__(self, number: int | None = None, onto: int | None = None):
        # Name what moved: the dragged note, or the one it was dropped on.
        if onto is not None:
            super().__init__(f"Someone else moved #{onto}, the note you dropped "
                             f"{'#' + str(number) if number is not None else 'yours'} on, while you "
                             "were dragging; your note stayed where it was. Look again and drop it anew.")
        else:
            super().__init__(f"Someone else moved that note{f' (#{number})' if number is not None else ''} "
                             "while you were dragging it; look again at where it is now.")


class NotANoteStep(CanvasError):
    """Notes can only be moved to a step of the board that holds sticky notes."""

    def __init__(self):
        super().__init__("That step holds no sticky notes; notes go in the sticky-note columns.")


class BadTicket(CanvasError):
    """The ticket is malformed, forged, for another board, or expired."""

    def __init__(self):
        super().__init__("This page's access to the board has expired. Reload the page.")


class MalformedAction(CanvasError):
    """The request is not shaped like any action the canvas sends."""


class UnreadableRequest(MalformedAction):
    """A request body that is not UTF-8 JSON the board can read (bad syntax,
    nested too deep, a number too long, half a surrogate pair)."""

    def __init__(self, detail: str):
        super().__init__(f"The request is not JSON the board can read: {detail}.")


class RequestTooLarge(CanvasError):
    """A request body larger than the route accepts; it was not read to its end."""

    def __init__(self, limit_bytes: int):
        super().__init__(f"The request is too large: the board reads at most "
                         f"{limit_bytes // 1024:,} KiB per request.")
        self.limit_bytes = limit_bytes


class NotAPlace(InvalidInput):
    """Everyone can be brought only to a part or a column of this board."""

    def __init__(self):
        super().__init__("That is not a part of this board, so nobody can be brought there.")


class NotFocusable(CanvasError):
    """The item to focus is not a live cluster or loose note of this board."""

    def __init__(self):
        super().__init__("That item is not on this board any more (it was moved, merged or "
                         "deleted), so it cannot be in focus.")


class LearningNotFound(CanvasError):
    """The learning (or its decision) is not on this board, or was deleted."""

    def __init__(self):
        super().__init__("That learning is no longer on this board.")


class EvidenceNotFound(CanvasError):
    """A learning points at a timeline event, note or cluster this board does not hold."""

    def __init__(self, kind: str = "item"):
        super().__init__(f"That {kind} is not on this board any more: pick the evidence again.")
        self.kind = kind


class NotAFactorStep(CanvasError):
    """Categories and 5 Whys belong to the contributing-factors step only."""

    def __init__(self):
        super().__init__("Only notes and clusters in the contributing-factors step carry a "
                         "category or a 5 Whys chain.")


class WhysChanged(CanvasError):
    """A 5 Whys chain changed after the person changing it last saw it."""

    def __init__(self, steps: int):
        count = f"{steps} step" + ("" if steps == 1 else "s")
        super().__init__(f"Someone changed these 5 Whys meanwhile (the chain now has {count}): "
                         "it is shown as it is now, and your text is still in the box.")
        self.steps = steps


class InviteNeedsReviewDate(CanvasError):
    """A review meeting invite was asked for a board without a usable review date."""

    def __init__(self, stored: str | None = None):
        if stored is None:
            message = ("The board has no review date for the meeting: set it on the Summary "
                       "page, then make the invite.")
        else:
            message = (f"The board's review date, {stored}, is outside the supported dates: "
                       "pick a new one on the Summary page, then make the invite.")
        super().__init__(message)


class ImpactReviewNotProposed(CanvasError):
    """The recurring review's invite was asked for a board that proposes none."""

    def __init__(self):
        super().__init__("The board proposes no recurring Impact & Learnings review: choose weekly "
                         "or fortnightly and its first day in the dissemination plan (Export page).")


class TrackerNotConfigured(CanvasError):
    """A tracker was asked for but its settings are missing from the environment."""

    def __init__(self, variable: str):
        super().__init__(f"Set {variable} in the environment or in Streamlit secrets "
                         "to use this tracker.")


class TrackerSettingInvalid(CanvasError):
    """A tracker setting holds a value the app does not know (JIRA_DEPLOYMENT=onprem)."""

    def __init__(self, variable: str, value: str, expected: str):
        super().__init__(f"{variable} is {value!r}: set it to {expected}.")


class TrackerAuthRefused(CanvasError):
    """The tracker refused the credentials (401 or 403), or said the token has expired."""

    def __init__(self, tracker: str, variables: str, *, expired: str = ""):
        if expired:
            super().__init__(f"{tracker} refused the credentials because the token has expired: "
                             f"make a new token and set it in {expired}.")
        else:
            super().__init__(f"{tracker} refused the credentials: check {variables}.")


class TrackerProjectNotFound(CanvasError):
    """The tracker has no such project or repository (or the token cannot see it)."""

    def __init__(self, tracker: str, project: str):
        super().__init__(f"{tracker}: project {project!r} not found (or the token cannot see it).")


class TrackerRefused(CanvasError):
    """The tracker refused one issue (422 or a validation error); its own message says why."""

    def __init__(self, tracker: str, message: str):
        super().__init__(f"{tracker} refused it: {message}")
        self.detail = message  # the tracker's own words


class TrackerSettingRefused(CanvasError):
    """The tracker refused something every issue would carry (the issue type, the
    due-date field): the message names the setting to change, and the push stops."""


class TrackerUnavailable(CanvasError):
    """The tracker kept failing (5xx, timeouts, rate limit) after the retries allowed."""

    def __init__(self, tracker: str, detail: str):
        super().__init__(f"{tracker} is not answering ({detail}); try again later.")


class TrackerRateLimited(TrackerUnavailable):
    """The tracker's rate limit asks for a longer wait than a push is allowed to make."""

    def __init__(self, tracker: str, seconds: float, until: datetime):
        CanvasError.__init__(self, f"{tracker} is rate limited for {round(seconds):,} seconds "
                                   f"(until {until:%H:%M} UTC), longer than a push waits: "
                                   "try again after that.")
        self.seconds = seconds


class JiraBoardNotFound(CanvasError):
    """Jira has no board with this id, or the credentials cannot see it."""

    def __init__(self, board_id: int):
        super().__init__(f"Jira has no board {board_id} (or the credentials cannot see it): "
                         "check the board's number in its address (…/boards/NUMBER).")


class JiraSprintNotFound(CanvasError):
    """Jira has no sprint with this id, or the credentials cannot see it."""

    def __init__(self, sprint_id: int):
        super().__init__(f"Jira has no sprint {sprint_id} (or the credentials cannot see it); "
                         "it may have been deleted.")


class JiraIssueNotFound(CanvasError):
    """Jira has no issue with this key, or the credentials cannot see it."""

    def __init__(self, key: str):
        super().__init__(f"Jira has no issue {key} (or the credentials cannot see it); "
                         "it may have been deleted or moved.")


class JiraFieldMissing(CanvasError):
    """The site has no story-points field to estimate with."""

    def __init__(self):
        super().__init__("Jira has no story-points field (a field named \"Story Points\" or "
                         "\"Story point estimate\"): add one, or estimate in Jira.")


class FeedNotFound(CanvasError):
    """No calendar feed link has this id."""

    def __init__(self, feed_id: str = ""):
        # repr: an id typed in a shell may hold anything, even an escape sequence.
        super().__init__(f"There is no calendar feed with the id {feed_id!r}: nothing was revoked.")
        self.feed_id = feed_id


class SecretsUnreadable(CanvasError):
    """A Streamlit secrets file is there but is not TOML that can be read."""

    def __init__(self, path: str, problem: str):
        # `problem` is the parser's: a place in the file, never its text.
        super().__init__(f"{path} is not valid TOML ({problem}): fix it, or set the tracker "
                         "variables in the environment.")


class BranchRefused(CanvasError):
    """The repository refused to create or write the branch (protected, or a name it will not take)."""

    def __init__(self, host: str, branch: str, why: str):
        super().__init__(f"{host} refused the branch {branch!r} ({why.rstrip('.')}): name another "
                         "branch, or let the token push to this one.")
        self.branch = branch


class NotAnIacItem(CanvasError):
    """No live learning or action of the board has this id."""

    def __init__(self, item_id: str = ""):
        super().__init__(f"There is no learning or action {item_id!r} on this board to mark as "
                         "infrastructure as code.")


class NotesStillPrivate(CanvasError):
    """Publishing now would leave out the notes others are still writing in private."""

    def __init__(self, hidden: int):
        super().__init__(f"{hidden} note{'s' if hidden != 1 else ''} by others "
                         f"{'are' if hidden != 1 else 'is'} still private while people write: "
                         "publish once the facilitator has started grouping.")


# Boards tied to signed-in people (canvas/board_access.py).


class InvalidEmail(InvalidInput):
    """Not an email address as an identity provider gives one."""


class InvalidDomain(InvalidInput):
    """Not an email domain (example.com)."""


class BoardClosedToPerson(CanvasError):
    """The board is restricted, and this signed-in person is not on its list."""


class NotAFacilitatorOf(CanvasError):
    """A facilitator-only change asked by a signed-in person who does not facilitate the board."""

    def __init__(self, whom: str):
        super().__init__(f"Only this board's facilitators can change who facilitates it or who "
                         f"may open it; ask {whom}.")


class CreatorStaysFacilitator(CanvasError):
    """The board's creator cannot be removed from its facilitators."""

    def __init__(self):
        super().__init__("The person who started the board always facilitates it; only "
                         "co-facilitators can be removed.")


class NotACoFacilitator(CanvasError):
    """A removal named someone who is not a co-facilitator of the board."""

    def __init__(self, email: str):
        super().__init__(f"{email} is not a co-facilitator of this board.")


class NameNotFromProvider(InvalidInput):
    """A board name that is not the person's own name, shortened."""


class NotSignedIn(CanvasError):
    """Sign-in is on and the request carries no valid identity cookie."""

    def __init__(self) -> None:
        super().__init__("Sign in to use this board: your sign-in has ended or was never made here.")


class PersonRefused(CanvasError):
    """The signed-in person is not admitted by this install's allow-lists."""


class SignInUnreadable(CanvasError):
    """The secrets file that says whether sign-in is on cannot be read."""

    def __init__(self) -> None:
        super().__init__("The server's sign-in settings cannot be read, so nobody can be let in; "
                         "tell whoever runs Postmortem Canvas.")


class ExportInvalid(CanvasError, ValueError):
    """A chat or pager export is malformed, too big, or not a known format; the
    message names the file and the place of the problem."""


class ExportTooBig(ExportInvalid):
    """An export holds more bytes, files or messages than one preview can show."""


class TimelineFileRefused(CanvasError, ValueError):
    """A file handed to the command line's timeline import cannot be used as a
    whole (a line of a chat log or CSV is unreadable); nothing is imported."""


class SuggestionGone(CanvasError):
    """The suggested cluster was accepted or dismissed, or fewer than two of
    its notes are still ungrouped where they were."""

    def __init__(self):
        super().__init__("That suggestion no longer holds: someone accepted or dismissed it, "
                         "or grouped its notes by hand.")


# Boards of Jira cards (canvas/jira_board.py).

class NotAnEstimate(CanvasError):
    """A value that is not on the board's estimation scale."""

    def __init__(self, scale: str, values: tuple[str, ...]):
        super().__init__(f"Pick a value of the {scale} scale: {', '.join(values)}.")


class NoEstimationRound(CanvasError):
    """An estimate for a card that has no open round."""

    def __init__(self):
        super().__init__("This card has no estimation round open; the facilitator starts one.")


class EstimatesNotRevealed(CanvasError):
    """A settle before the estimates were revealed."""

    def __init__(self):
        super().__init__("Reveal the estimates before settling a value, so everyone sees them first.")


class CardNotFound(CanvasError):
    """A card this board does not have."""

    def __init__(self):
        super().__init__("That card is not on this board any more; the board shows what is.")


class NotAColumn(CanvasError):
    """A drop on a column this board does not have."""

    def __init__(self):
        super().__init__("That column is not on this board.")


class SprintNotFound(CanvasError):
    """A sprint this board does not show."""

    def __init__(self):
        super().__init__("That sprint is not on this board; pull from Jira to see its sprints.")


class NoConflict(CanvasError):
    """A pick for a field that has no conflict."""

    def __init__(self):
        super().__init__("There is nothing to pick: that field has no conflict any more.")


class NotAJiraBoard(CanvasError):
    """An action for Jira cards on a board that has none."""

    def __init__(self):
        super().__init__("This board does not hold Jira cards.")

"""Named conditions that the app turns into a clear message at its edge.

Each error carries a message written for the person who caused it; the page or
command line that catches it shows `str(error)` and nothing else.
"""


class CanvasError(Exception):
    """Base class for conditions a user can cause and be told about."""


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

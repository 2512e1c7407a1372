"""The whole board as one PNG, drawn with Pillow (no browser, no network).

A header (title, dates, severity), the sticky-note steps as columns side by
side (wrapping to more rows beyond five), clusters as labelled frames around
their notes, vote dots once votes are revealed, and a strip of the timeline
with the impact window shaded and the derived durations underneath.

Fonts. Pillow has no font fallback (python-pillow/Pillow#4808), and its
built-in font (`ImageFont.load_default(size=...)`, Aileron) draws Latin only.
So text is split into runs, each drawn with the first font of a chain that
has glyphs for it: DejaVu Sans (Latin, Greek, Cyrillic, Arabic, Hebrew), then
Noto Sans CJK (Japanese, Chinese, Korean), then other fonts found in the
usual system folders of Linux, macOS and Windows (or named in
$POSTMORTEM_CANVAS_FONTS), then the built-in font. A character no font has is
drawn as the first font's empty box, and `missing_glyphs` lists such
characters so a caller can say which fonts to install.
"""

from __future__ import annotations

import functools
import io
import math
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from canvas.actions import FollowUp, Status
from canvas.exports.status_tables import every_status
from canvas.session.grouping import votable_items
from canvas.models import NOTE_HEX, Cluster, Note
from canvas.snapshot import BoardSnapshot
from canvas.templates import Step, StepKind
from canvas.dates import EARLIEST_TIME
from canvas.incident.timeline import (
    OUT_OF_RANGE, EventKind, TimelineEvent, anchor, compute_metrics, describe_metric, in_range,
    in_time_order, out_of_range, resolve_zone,
)

# --- fonts ----------------------------------------------------------------------

FONTS_ENV = "POSTMORTEM_CANVAS_FONTS"

# In order of preference; a name is looked up case-insensitively in the font
# folders below. Latin-first fonts lead so Latin text keeps one look; the
# rest only fill in what the earlier ones lack.
REGULAR_FONTS = (
    "DejaVuSans.ttf", "NotoSans-Regular.ttf", "segoeui.ttf", "Arial.ttf",
    "NotoSansCJK-Regular.ttc", "NotoSansCJKjp-Regular.otf", "NotoSansCJKsc-Regular.otf",
    "NotoSansJP-Regular.otf", "NotoSansJP-Regular.ttf", "NotoSansSC-Regular.otf",
    "DroidSansFallbackFull.ttf", "wqy-microhei.ttc", "wqy-zenhei.ttc",
    "NotoSansArabic-Regular.ttf", "NotoSansHebrew-Regular.ttf", "NotoSansDevanagari-Regular.ttf",
    "NotoSansBengali-Regular.ttf", "NotoSansTamil-Regular.ttf", "NotoSansThai-Regular.ttf",
    "NotoSansSymbols-Regular.ttf", "NotoSansSymbols2-Regular.ttf",
    "Arial Unicode.ttf", "Hiragino Sans GB.ttc", "AppleSDGothicNeo.ttc",
    "msyh.ttc", "msgothic.ttc", "malgun.ttf", "Nirmala.ttf", "seguisym.ttf",
)
BOLD_FONTS = (
    "DejaVuSans-Bold.ttf", "NotoSans-Bold.ttf", "segoeuib.ttf", "Arial Bold.ttf", "arialbd.ttf",
    "NotoSansCJK-Bold.ttc", "NotoSansCJKjp-Bold.otf", "NotoSansJP-Bold.otf", "NotoSansJP-Bold.ttf",
)
FONT_FOLDERS = (
    "/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
    "/System/Library/Fonts", "/Library/Fonts", "~/Library/Fonts",
    os.path.join(os.environ.get("WINDIR", "C:\\Windows"), "Fonts"),
)
_PROBE_SIZE = 32
# A code point no font maps (the last private-use one): what "missing" looks like.
_NOT_A_GLYPH = "\U0010fffd"
# Characters that belong to the run before them: combining marks, joiners,
# variation selectors. Splitting them off would detach an accent from its letter.
_ATTACHED = frozenset({"Mn", "Mc", "Me", "Cf"})


@dataclass(frozen=True)
class FontFace:
    """One font file of the chain (path None: Pillow's built-in font)."""

    path: str | None
    index: int = 0

    @property
    def name(self) -> str:
        return Path(self.path).name if self.path else "Pillow built-in (Aileron, Latin only)"

    def font(self, size: int) -> ImageFont.FreeTypeFont:
        return _load(self, size, basic=False)

    def covers(self, char: str) -> bool:
        """Whether this font has a glyph of its own for `char`."""
        return _covers(self, char)


@functools.lru_cache(maxsize=512)
def _load(face: FontFace, size: int, basic: bool) -> ImageFont.FreeTypeFont:
    if face.path is None:
        return ImageFont.load_default(size=size)
    # Basic layout for probing: Raqm would add a dotted circle to a lone
    # combining mark, which looks like a glyph even when the font has none.
    engine = ImageFont.Layout.BASIC if basic else None
    return ImageFont.truetype(face.path, size, index=face.index, layout_engine=engine)


def _mask_key(font: ImageFont.FreeTypeFont, text: str) -> tuple:
    mask = font.getmask(text, mode="L")
    return mask.size, bytes(mask)


@functools.lru_cache(maxsize=65536)
def _covers(face: FontFace, char: str) -> bool:
    # Pillow does not expose a font's character map, but a missing character
    # renders as the font's "missing glyph"; compare with that.
    probe = _load(face, _PROBE_SIZE, basic=True)
    return _mask_key(probe, char) != _missing_glyph(face)


@functools.lru_cache(maxsize=128)
def _missing_glyph(face: FontFace) -> tuple:
    return _mask_key(_load(face, _PROBE_SIZE, basic=True), _NOT_A_GLYPH)


def _font_files() -> dict[str, str]:
    """File name (lower case) -> path, for every font in the usual folders."""
    found: dict[str, str] = {}
    for folder in FONT_FOLDERS:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        for directory, _, files in os.walk(root):
            for name in files:
                if name.lower().endswith((".ttf", ".otf", ".ttc")):
                    found.setdefault(name.lower(), os.path.join(directory, name))
    return found


def _usable(path: str) -> bool:
    try:
        ImageFont.truetype(path, _PROBE_SIZE)
    except OSError:
        return False
    return True


@functools.cache
def font_chain(bold: bool = False) -> tuple[FontFace, ...]:
    """The fonts text is drawn with, in order of preference; the last is
    Pillow's built-in font, so the chain is never empty."""
    files = _font_files()
    named = [path for path in os.environ.get(FONTS_ENV, "").split(os.pathsep) if path]
    wanted = (BOLD_FONTS + REGULAR_FONTS) if bold else REGULAR_FONTS
    paths = named + [files[name.lower()] for name in wanted if name.lower() in files]
    faces: list[FontFace] = []
    for path in dict.fromkeys(paths):
        if _usable(path):
            faces.append(FontFace(path))
    faces.append(FontFace(None))
    return tuple(faces)


def font_for(char: str, bold: bool = False) -> FontFace | None:
    """The first font of the chain with a glyph for `char`, or None."""
    return next((face for face in font_chain(bold) if face.covers(char)), None)


def missing_glyphs(text: str) -> str:
    """The distinct characters of `text` that no available font can draw
    (they come out as empty boxes), in order of first appearance."""
    missing = []
    for char in dict.fromkeys(text):
        if char.isspace() or unicodedata.category(char) in _ATTACHED:
            continue
        if font_for(char) is None:
            missing.append(char)
    return "".join(missing)


def board_text(snapshot: BoardSnapshot) -> str:
    """Every piece of text the PNG of this board shows, for `missing_glyphs`."""
    board = snapshot.board
    parts = [board.title, board.summary, *(note.text for note in snapshot.notes),
             *(cluster.name for cluster in snapshot.clusters), *(event.text for event in snapshot.events)]
    return "\n".join(parts)


def _runs(text: str, bold: bool) -> list[tuple[FontFace, str]]:
    chain = font_chain(bold)
    runs: list[tuple[FontFace, list[str]]] = []
    for char in text:
        if runs and (char.isspace() or unicodedata.category(char) in _ATTACHED):
            runs[-1][1].append(char)
            continue
        face = font_for(char, bold) or chain[0]
        if runs and runs[-1][0] == face:
            runs[-1][1].append(char)
        else:
            runs.append((face, [char]))
    return [(face, "".join(chars)) for face, chars in runs]


def text_width(text: str, size: int, bold: bool = False) -> float:
    """How wide `text` is when drawn with the font chain."""
    return sum(face.font(size).getlength(run) for face, run in _runs(text, bold))


def draw_text(draw: ImageDraw.ImageDraw, x: float, baseline: float, text: str, size: int,
              fill: str, bold: bool = False) -> float:
    """Draw one line of `text` from its left end on `baseline`; returns the x where it ends."""
    for face, run in _runs(text, bold):
        font = face.font(size)
        # "ls" (left, baseline) keeps runs of different fonts on one baseline.
        draw.text((x, baseline), run, font=font, fill=fill, anchor="ls")
        x += font.getlength(run)
    return x


def wrap(text: str, size: int, width: float, max_lines: int, bold: bool = False) -> list[str]:
    """`text` broken into lines no wider than `width`; the user's own line
    breaks are kept, words longer than a line (or text without spaces, as in
    Japanese) are broken between characters, and text beyond `max_lines` is
    cut with a visible "…"."""
    lines: list[str] = []
    truncated = False
    for paragraph in text.splitlines():
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, bold) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for char in word:
                if line and text_width(line + char, size, bold) > width:
                    lines.append(line)
                    line = ""
                line += char
        if line:
            lines.append(line)
        if len(lines) > max_lines:
            break
    if len(lines) > max_lines:
        lines, truncated = lines[:max_lines], True
    if truncated:
        last = lines[-1]
        while last and text_width(last.rstrip() + "…", size, bold) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


# --- look -------------------------------------------------------------------------

BACKGROUND = "#fbf8f1"
PANEL = "#f3ecdc"
INK = "#2b2a27"
MUTED = "#6b665c"
ACCENT = "#c2410c"
FRAME = "#b3a68c"
SHADOW = "#e0d6c2"
SEVERITY_COLOURS = {"SEV1": "#b91c1c", "SEV2": "#c2410c", "SEV3": "#b45309", "SEV4": "#4d7c0f",
                    "n/a": "#57534e"}
# As on the timeline page (canvas/timeline_chart.py), so both pictures agree.
KIND_COLOURS = {
    EventKind.trigger: "#6b6b6b", EventKind.impact_start: "#c62828", EventKind.detected: "#ef6c00",
    EventKind.acknowledged: "#b8860b", EventKind.escalated: "#8e24aa",
    EventKind.communication: "#1e66c8", EventKind.action: "#00897b", EventKind.mitigated: "#43a047",
    EventKind.resolved: "#1b5e20", EventKind.impact_end: "#8d1c1c", EventKind.other: "#9e9e9e",
}
IMPACT_SHADE = "#f1d9d0"  # the impact red at about 15% over the panel colour

MARGIN = 40
COLUMN_GAP = 24
COLUMN_PAD = 14
MAX_COLUMNS = 5
MIN_COLUMN_WIDTH = 250
NOTE_MIN_WIDTH = 200
NOTE_GAP = 12
NOTE_PAD = 12
NOTE_TEXT = 16
NOTE_LINES = 7
CLUSTER_PAD = 10
TITLE_SIZE, META_SIZE, SUMMARY_SIZE = 34, 17, 16
COLUMN_TITLE, PROMPT_SIZE, SMALL = 20, 14, 13
DOT_RADIUS = 5
MAX_DOTS = 10
LABEL_LEVELS = 6
LABEL_HEIGHT = 25


def _line_height(size: int) -> int:
    return round(size * 1.4)


Box = tuple[int, int, int, int]


@dataclass
class NoteShape:
    note: Note
    box: Box
    lines: list[str]
    votes: int | None  # dots drawn on the note; None when none are shown


@dataclass
class ClusterShape:
    cluster: Cluster
    box: Box
    label: str
    votes: int | None
    empty: bool = False


@dataclass
class ActionShape:
    action: FollowUp
    box: Box
    lines: list[str]
    meta: str
    warning: str  # "overdue", "draft: no owner", or ""


@dataclass
class ColumnShape:
    step: Step
    box: Box
    title: list[str]
    prompt: list[str]
    counts: str  # "3 notes", "0 notes · 6 actions"
    empty: bool


@dataclass
class EventMark:
    event: TimelineEvent
    x: int
    label: str
    level: int | None  # None: no room for a label, only the marker


@dataclass
class TimelineShape:
    box: Box
    axis_y: int
    start: datetime
    end: datetime
    marks: list[EventMark]
    impact: tuple[int, int] | None
    impact_open: bool  # impact start known, impact end not
    ticks: list[tuple[int, str, str]]  # x, time label, date label ("" unless the day changes)
    first_day: str  # the date where the axis starts, shown at its left end
    metrics: list[str]


@dataclass
class CanvasLayout:
    """Where everything goes; `canvas_png` only paints it."""

    width: int
    height: int
    title: list[str]
    meta: list[str]
    summary: list[str]
    columns: list[ColumnShape] = field(default_factory=list)
    clusters: list[ClusterShape] = field(default_factory=list)
    notes: list[NoteShape] = field(default_factory=list)
    actions: list[ActionShape] = field(default_factory=list)
    timeline: TimelineShape | None = None


# --- layout -----------------------------------------------------------------------


def layout(snapshot: BoardSnapshot, width: int = 1600) -> list[tuple[str, Box]]:
    """Each note's rectangle on the PNG, as (note id, (left, top, right, bottom))."""
    return [(shape.note.id, shape.box) for shape in plan(snapshot, width).notes]


def plan(snapshot: BoardSnapshot, width: int = 1600, today: date | None = None) -> CanvasLayout:
    """The full layout of the PNG: header, columns, clusters, notes, actions, timeline."""
    board = snapshot.board
    inner = width - 2 * MARGIN
    title = wrap(board.title, TITLE_SIZE, inner - 140, 2, bold=True)
    meta = " · ".join(part for part in (
        f"Incident {board.incident_date.isoformat()}" if board.incident_date else "",
        f"review {board.review_date.isoformat()}" if board.review_date else "",
        snapshot.template.name,
        f"{len(snapshot.participants)} participants" if snapshot.participants else "",
    ) if part)
    summary = wrap(board.summary, SUMMARY_SIZE, inner, 3)
    meta = wrap(meta, META_SIZE, inner, 2)
    y = MARGIN + len(title) * _line_height(TITLE_SIZE) + len(meta) * _line_height(META_SIZE) + 8
    y += len(summary) * _line_height(SUMMARY_SIZE) + 24
    canvas = CanvasLayout(width=width, height=0, title=title, meta=meta, summary=summary)
    y = _lay_columns(snapshot, canvas, y, today)
    canvas.timeline = _lay_timeline(snapshot, width, y + 12)
    canvas.height = canvas.timeline.box[3] + MARGIN
    return canvas


def _grid(count: int, inner: int) -> tuple[int, int]:
    """(columns per row, column width) for `count` steps in `inner` pixels."""
    most = max(1, min(MAX_COLUMNS, (inner + COLUMN_GAP) // (MIN_COLUMN_WIDTH + COLUMN_GAP)))
    rows = math.ceil(count / most)
    per_row = math.ceil(count / rows)
    return per_row, (inner - (per_row - 1) * COLUMN_GAP) // per_row


def _lay_columns(snapshot: BoardSnapshot, canvas: CanvasLayout, top: int, today: date | None) -> int:
    steps = snapshot.template.note_steps
    if not steps:
        return top
    per_row, column_width = _grid(len(steps), canvas.width - 2 * MARGIN)
    # Actions show under the first actions step (a template has one).
    actions_step = next((step for step in steps if step.kind == StepKind.actions), None)
    show_votes = snapshot.board.votes_revealed
    live = {cluster.id for cluster in snapshot.clusters}
    # A note whose cluster is gone is drawn (and counted) as ungrouped.
    notes = [note if note.cluster_id is None or note.cluster_id in live
             else note.model_copy(update={"cluster_id": None}) for note in snapshot.notes]
    totals = {item.id: item.votes for item in votable_items(
        snapshot.template, notes, snapshot.clusters, snapshot.tallies)}
    y = top
    for row_start in range(0, len(steps), per_row):
        bottoms = []
        row_columns = []
        for offset, step in enumerate(steps[row_start:row_start + per_row]):
            x = MARGIN + offset * (column_width + COLUMN_GAP)
            with_actions = step == actions_step
            bottom = _lay_column(snapshot, canvas, step, x, y, column_width,
                                 totals if show_votes else None, with_actions)
            if with_actions and snapshot.actions:
                bottom = _lay_actions(snapshot.actions, canvas, x, bottom - COLUMN_PAD + 6,
                                      column_width, today) + COLUMN_PAD
            row_columns.append(canvas.columns[-1])
            bottoms.append(bottom)
        # Columns of a row share one height, so the board reads as a grid.
        row_bottom = max(bottoms)
        for column in row_columns:
            column.box = (column.box[0], column.box[1], column.box[2], row_bottom)
        y = row_bottom + COLUMN_GAP
    return y


def _notes_per_row(width: int) -> tuple[int, int]:
    per_row = max(1, (width + NOTE_GAP) // (NOTE_MIN_WIDTH + NOTE_GAP))
    return per_row, (width - (per_row - 1) * NOTE_GAP) // per_row


def _note_height(lines: list[str], with_dots: bool) -> int:
    height = NOTE_PAD + _line_height(SMALL) + len(lines) * _line_height(NOTE_TEXT) + NOTE_PAD
    if with_dots:
        height += 2 * DOT_RADIUS + 6
    return max(height, 90)


def _lay_notes(notes: list[Note], x: int, y: int, width: int, votes: dict[str, int] | None,
               canvas: CanvasLayout) -> int:
    """Place notes in a grid from (x, y); returns the bottom of the last row."""
    per_row, note_width = _notes_per_row(width)
    for start in range(0, len(notes), per_row):
        row = notes[start:start + per_row]
        shapes = []
        for offset, note in enumerate(row):
            lines = wrap(note.text, NOTE_TEXT, note_width - 2 * NOTE_PAD, NOTE_LINES)
            count = votes.get(note.id, 0) if votes is not None else 0
            shapes.append((note, offset, lines, count or None))
        height = max(_note_height(lines, bool(count)) for _, _, lines, count in shapes)
        for note, offset, lines, count in shapes:
            left = x + offset * (note_width + NOTE_GAP)
            canvas.notes.append(NoteShape(note, (left, y, left + note_width, y + height), lines, count))
        y += height + NOTE_GAP
    return y - NOTE_GAP if notes else y


ACTION_STATUS_COLOURS = every_status({
    Status.open: ACCENT, Status.in_progress: "#1e66c8", Status.done: "#43a047",
    Status.wont_do: "#9e9e9e",
    # A later idea, not a commitment: a quiet colour apart from the active ones.
    Status.parked: "#8e7cc3",
})


def _lay_actions(actions: list[FollowUp], canvas: CanvasLayout, x: int, y: int, width: int,
                 today: date | None) -> int:
    """Action cards under the notes of the actions step; returns their bottom."""
    content = width - 2 * COLUMN_PAD
    for action in actions:
        lines = wrap(action.title, PROMPT_SIZE + 1, content - 2 * NOTE_PAD - 6, 2)
        meta = " · ".join(part for part in (
            action.owner, f"due {action.due_date.isoformat()}" if action.due_date else "",
            action.status.label) if part)
        warning = ""
        if action.is_open_draft:
            missing = " or ".join(what for what, value in (("owner", action.owner),
                                                           ("date", action.due_date)) if not value)
            warning = f"draft: no {missing}"
        elif today is not None and action.is_overdue(today):
            warning = "overdue"
        height = 2 * 8 + len(lines) * _line_height(PROMPT_SIZE + 1) + _line_height(SMALL)
        box = (x + COLUMN_PAD, y, x + width - COLUMN_PAD, y + height)
        canvas.actions.append(ActionShape(action, box, lines, meta, warning))
        y += height + 8
    return y - 8


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _dots_width(count: int) -> int:
    if count > MAX_DOTS:
        return int(text_width(f"×{count}", SMALL, bold=True)) + 4 + 2 * DOT_RADIUS
    return count * (2 * DOT_RADIUS + 3)


def _lay_column(snapshot: BoardSnapshot, canvas: CanvasLayout, step: Step, x: int, y: int,
                width: int, votes: dict[str, int] | None, with_actions: bool) -> int:
    content = width - 2 * COLUMN_PAD
    prompt = wrap(step.prompt, PROMPT_SIZE, content, 3)
    notes = sorted(snapshot.notes_of(step.key), key=lambda note: (note.position, note.number))
    actions = len(snapshot.actions) if with_actions else 0
    counts = _plural(len(notes), "note") + (f" · {_plural(actions, 'action')}" if actions else "")
    title = wrap(step.title, COLUMN_TITLE, content - text_width(counts, SMALL) - 12, 2, bold=True)
    column = ColumnShape(step, (x, y, x + width, y), title, prompt, counts,
                         empty=not notes and not actions)
    canvas.columns.append(column)
    cursor = (y + COLUMN_PAD + len(title) * _line_height(COLUMN_TITLE)
              + len(prompt) * _line_height(PROMPT_SIZE) + 10)
    clusters = sorted(snapshot.clusters_of(step.key), key=lambda c: (c.position, c.created_at, c.id))
    live = {cluster.id for cluster in clusters}
    for cluster in clusters:
        members = [note for note in notes if note.cluster_id == cluster.id]
        count = votes.get(cluster.id, 0) if votes is not None else 0
        label = wrap(cluster.name, NOTE_TEXT, content - 2 * CLUSTER_PAD - _dots_width(count) - 8, 1,
                     bold=True)[0]
        top = cursor
        inner_top = top + CLUSTER_PAD + _line_height(NOTE_TEXT) + 6
        bottom = _lay_notes(members, x + COLUMN_PAD + CLUSTER_PAD, inner_top,
                            content - 2 * CLUSTER_PAD, None, canvas)
        if not members:
            bottom = inner_top + _line_height(SMALL)
        canvas.clusters.append(ClusterShape(cluster, (x + COLUMN_PAD, top, x + width - COLUMN_PAD,
                                                      bottom + CLUSTER_PAD), label, count or None,
                                            empty=not members))
        cursor = bottom + CLUSTER_PAD + NOTE_GAP
    loose = [note for note in notes if note.cluster_id not in live]
    cursor = _lay_notes(loose, x + COLUMN_PAD, cursor, content, votes, canvas)
    if column.empty:
        cursor += _line_height(PROMPT_SIZE)
    return cursor + COLUMN_PAD


_TICK_STEPS = [timedelta(minutes=m) for m in (1, 2, 5, 10, 15, 30)] + \
    [timedelta(hours=h) for h in (1, 2, 3, 6, 12)] + [timedelta(days=d) for d in (1, 2, 7, 14, 30)]


def _ticks(start: datetime, end: datetime, zone: str, most: int) -> list[datetime]:
    span = end - start
    step = next((s for s in _TICK_STEPS if span / s <= most), _TICK_STEPS[-1])
    local = start.astimezone(resolve_zone(zone))
    if step < timedelta(hours=1):
        minutes = int(step.total_seconds() // 60)
        first = local.replace(minute=local.minute - local.minute % minutes, second=0, microsecond=0)
    elif step < timedelta(days=1):
        hours = int(step.total_seconds() // 3600)
        first = local.replace(hour=local.hour - local.hour % hours, minute=0, second=0, microsecond=0)
    else:
        first = local.replace(hour=0, minute=0, second=0, microsecond=0)
    ticks = []
    moment = first
    while moment <= end:
        if moment >= start:
            ticks.append(moment)
        moment += step
    return ticks


def _event_label(event: TimelineEvent) -> str:
    about = "≈ " if event.approximate else ""
    # A question mark: the label is short, and the Markdown spells out what it means.
    unsure = " (?)" if event.is_assumption else ""
    if event.kind in (EventKind.other, EventKind.action):
        words = " ".join(event.text.split())
        return about + (words if len(words) <= 28 else words[:27].rstrip() + "…") + unsure
    return about + event.kind.label + unsure


def _lay_timeline(snapshot: BoardSnapshot, width: int, top: int) -> TimelineShape:
    zone = snapshot.board.timezone
    # An event stored outside the supported dates (older data) would stretch
    # the axis off the calendar: it is counted below the axis, not drawn.
    events = in_range(in_time_order(snapshot.events))
    left, right = MARGIN + 16, width - MARGIN - 16
    title_height = _line_height(COLUMN_TITLE) + 8
    metrics = []
    for metric in compute_metrics(events):
        metrics.append(f"{metric.label}: {describe_metric(metric)}")
    if skipped := len(out_of_range(snapshot.events)):
        metrics.append(f"{skipped} event{'s' if skipped != 1 else ''} {OUT_OF_RANGE}, not drawn")
    metric_lines = _metric_lines(metrics, right - left)
    if not events:
        bottom = top + COLUMN_PAD + title_height + _line_height(SUMMARY_SIZE) + COLUMN_PAD
        # No axis is drawn; any fixed instant fills the unused fields.
        return TimelineShape((MARGIN, top, width - MARGIN, bottom), bottom, EARLIEST_TIME,
                             EARLIEST_TIME, [], None, False, [], "", [])
    first, last = events[0].at, events[-1].at
    span = last - first
    if span < timedelta(minutes=10):
        first, last = first - timedelta(minutes=30), last + timedelta(minutes=30)
        span = last - first
    start, end = first - span * 0.03, last + span * 0.03

    def x_of(moment: datetime) -> int:
        return round(left + (moment - start) / (end - start) * (right - left))

    marks: list[EventMark] = []
    level_ends = [-math.inf] * LABEL_LEVELS
    for event in events:
        x = x_of(event.at)
        label = _event_label(event)
        label_width = text_width(label, SMALL) + 8
        # Label to the right of the marker, or to its left near the right edge.
        span_left, span_right = (x, x + label_width) if x + label_width <= right else (x - label_width, x)
        level = next((index for index, end_x in enumerate(level_ends) if end_x + 6 < span_left), None)
        if level is not None:
            level_ends[level] = span_right
        marks.append(EventMark(event, x, label, level))
    used_levels = 1 + max((mark.level for mark in marks if mark.level is not None), default=0)
    axis_y = top + COLUMN_PAD + title_height + used_levels * LABEL_HEIGHT + 14
    start_anchor = anchor(events, EventKind.impact_start)
    end_anchor = anchor(events, EventKind.impact_end)
    impact = None
    if start_anchor is not None:
        impact_end = x_of(end_anchor.at) if end_anchor is not None else right
        impact = (x_of(start_anchor.at), max(impact_end, x_of(start_anchor.at) + 2))
    local_zone = resolve_zone(zone)
    ticks = []
    local_start = start.astimezone(local_zone)
    first_day = f"{local_start.day} {local_start:%b %Y}"
    previous_day = local_start.date()
    for moment in _ticks(start, end, zone, max(2, (right - left) // 110)):
        local = moment.astimezone(local_zone)
        day = local.date()
        # The left end already names the first day; a tick says when a new one starts.
        date_label = f"{local.day} {local:%b %Y}" if day != previous_day else ""
        previous_day = day
        ticks.append((x_of(moment), local.strftime("%H:%M"), date_label))
    bottom = axis_y + 10 + 2 * _line_height(SMALL) + 10 + len(metric_lines) * _line_height(PROMPT_SIZE)
    bottom += COLUMN_PAD
    return TimelineShape((MARGIN, top, width - MARGIN, bottom), axis_y, start, end, marks, impact,
                         start_anchor is not None and end_anchor is None, ticks, first_day, metric_lines)


def _metric_lines(parts: Sequence[str], width: int) -> list[str]:
    lines, line = [], ""
    for part in parts:
        candidate = f"{line}    {part}" if line else part
        if line and text_width(candidate, PROMPT_SIZE) > width:
            lines.append(line)
            line = part
        else:
            line = candidate
    return lines + ([line] if line else [])


# --- painting ---------------------------------------------------------------------


def canvas_png(snapshot: BoardSnapshot, width: int = 1600, today: date | None = None) -> bytes:
    """The board as PNG bytes, `width` pixels wide (the height follows the
    content). With `today`, actions past their due date are marked overdue."""
    shapes = plan(snapshot, width, today)
    image = Image.new("RGB", (width, shapes.height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    _paint_header(draw, snapshot, shapes)
    for column in shapes.columns:
        _paint_column(draw, column)
    for cluster in shapes.clusters:
        _paint_cluster(draw, cluster)
    for note in shapes.notes:
        _paint_note(draw, note)
    for action in shapes.actions:
        _paint_action(draw, action)
    _paint_timeline(draw, snapshot, shapes.timeline)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _paint_header(draw: ImageDraw.ImageDraw, snapshot: BoardSnapshot, shapes: CanvasLayout) -> None:
    y = MARGIN
    for line in shapes.title:
        y += _line_height(TITLE_SIZE)
        draw_text(draw, MARGIN, y - 10, line, TITLE_SIZE, INK, bold=True)
    severity = snapshot.board.severity
    badge = severity.value.upper()
    badge_width = text_width(badge, META_SIZE, bold=True) + 20
    top = MARGIN + 4
    right = shapes.width - MARGIN
    draw.rounded_rectangle((right - badge_width, top, right, top + 30), radius=6,
                           fill=SEVERITY_COLOURS.get(severity.value, MUTED))
    draw_text(draw, right - badge_width + 10, top + 21, badge, META_SIZE, "#ffffff", bold=True)
    for line in shapes.meta:
        y += _line_height(META_SIZE)
        draw_text(draw, MARGIN, y - 4, line, META_SIZE, MUTED)
    y += 8
    for line in shapes.summary:
        y += _line_height(SUMMARY_SIZE)
        draw_text(draw, MARGIN, y - 5, line, SUMMARY_SIZE, INK)


def _paint_column(draw: ImageDraw.ImageDraw, column: ColumnShape) -> None:
    left, top, right, bottom = column.box
    draw.rounded_rectangle(column.box, radius=10, fill=PANEL)
    y = top + COLUMN_PAD
    for index, line in enumerate(column.title):
        y += _line_height(COLUMN_TITLE)
        draw_text(draw, left + COLUMN_PAD, y - 8, line, COLUMN_TITLE, INK, bold=True)
        if index == 0:
            draw_text(draw, right - COLUMN_PAD - text_width(column.counts, SMALL), y - 8,
                      column.counts, SMALL, MUTED)
    for line in column.prompt:
        y += _line_height(PROMPT_SIZE)
        draw_text(draw, left + COLUMN_PAD, y - 5, line, PROMPT_SIZE, MUTED)
    if column.empty:
        draw_text(draw, left + COLUMN_PAD, y + 10 + _line_height(PROMPT_SIZE) - 5, "No notes",
                  PROMPT_SIZE, MUTED)


def _dots(draw: ImageDraw.ImageDraw, right: int, centre_y: int, count: int) -> None:
    """Vote dots ending at `right`; many votes become one dot and "×n"."""
    step = 2 * DOT_RADIUS + 3
    if count > MAX_DOTS:
        label = f"×{count}"
        width = text_width(label, SMALL, bold=True)
        draw_text(draw, right - width, centre_y + 5, label, SMALL, ACCENT, bold=True)
        right -= int(width) + 4
        count = 1
    for index in range(count):
        cx = right - DOT_RADIUS - index * step
        draw.ellipse((cx - DOT_RADIUS, centre_y - DOT_RADIUS, cx + DOT_RADIUS, centre_y + DOT_RADIUS),
                     fill=ACCENT)


def _paint_cluster(draw: ImageDraw.ImageDraw, cluster: ClusterShape) -> None:
    left, top, right, bottom = cluster.box
    draw.rounded_rectangle(cluster.box, radius=8, outline=FRAME, width=2, fill="#ede4d0")
    baseline = top + CLUSTER_PAD + _line_height(NOTE_TEXT) - 6
    draw_text(draw, left + CLUSTER_PAD, baseline, cluster.label, NOTE_TEXT, INK, bold=True)
    if cluster.votes:
        _dots(draw, right - CLUSTER_PAD, baseline - 5, cluster.votes)
    if cluster.empty:
        draw_text(draw, left + CLUSTER_PAD, bottom - CLUSTER_PAD - 4, "No notes", SMALL, MUTED)


def note_header(note: Note) -> str:
    """The small line above a note's text: its number, and whether it is an assumption."""
    return f"#{note.number}" + (" · assumption to verify" if note.is_assumption else "")


def _paint_note(draw: ImageDraw.ImageDraw, shape: NoteShape) -> None:
    left, top, right, bottom = shape.box
    draw.rounded_rectangle((left + 2, top + 3, right + 2, bottom + 3), radius=6, fill=SHADOW)
    draw.rounded_rectangle(shape.box, radius=6, fill=NOTE_HEX[shape.note.colour])
    y = top + NOTE_PAD + _line_height(SMALL) - 4
    draw_text(draw, left + NOTE_PAD, y, note_header(shape.note), SMALL, MUTED)
    for line in shape.lines:
        y += _line_height(NOTE_TEXT)
        draw_text(draw, left + NOTE_PAD, y, line, NOTE_TEXT, INK)
    if shape.votes:
        _dots(draw, right - NOTE_PAD, bottom - NOTE_PAD - DOT_RADIUS, shape.votes)


def _paint_action(draw: ImageDraw.ImageDraw, shape: ActionShape) -> None:
    left, top, right, bottom = shape.box
    draw.rounded_rectangle(shape.box, radius=6, fill="#fffdf8", outline=SHADOW, width=1)
    draw.rounded_rectangle((left, top, left + 5, bottom), radius=2,
                           fill=ACTION_STATUS_COLOURS[shape.action.status])
    y = top + 8
    for line in shape.lines:
        y += _line_height(PROMPT_SIZE + 1)
        draw_text(draw, left + NOTE_PAD + 2, y - 5, line, PROMPT_SIZE + 1, INK)
    y += _line_height(SMALL)
    end = draw_text(draw, left + NOTE_PAD + 2, y - 5, shape.meta, SMALL, MUTED)
    if shape.warning:
        colour = KIND_COLOURS[EventKind.impact_start] if shape.warning == "overdue" else ACCENT
        draw_text(draw, end + 8, y - 5, shape.warning, SMALL, colour, bold=True)


def _paint_timeline(draw: ImageDraw.ImageDraw, snapshot: BoardSnapshot, shape: TimelineShape) -> None:
    left, top, right, bottom = shape.box
    draw.rounded_rectangle(shape.box, radius=10, fill=PANEL)
    zone = snapshot.board.timezone
    baseline = top + COLUMN_PAD + _line_height(COLUMN_TITLE) - 8
    draw_text(draw, left + COLUMN_PAD, baseline, "Timeline", COLUMN_TITLE, INK, bold=True)
    caption = f"times in {zone}"
    x = left + COLUMN_PAD + text_width("Timeline", COLUMN_TITLE, bold=True) + 12
    x = draw_text(draw, x, baseline, caption, SMALL, MUTED)
    key = "impact (end not recorded)" if shape.impact_open else "impact, from impact start to impact end"
    if shape.impact and x + 54 + text_width(key, SMALL) <= right - COLUMN_PAD:
        # A key rather than a label in the chart, where the chips would cover it.
        x += 24
        draw.rectangle((x, baseline - 11, x + 22, baseline + 1), fill=IMPACT_SHADE,
                       outline=KIND_COLOURS[EventKind.impact_start])
        draw_text(draw, x + 30, baseline, key, SMALL, MUTED)
    if not shape.marks:
        draw_text(draw, left + COLUMN_PAD, baseline + _line_height(SUMMARY_SIZE) + 4,
                  "No timeline events yet.", SUMMARY_SIZE, MUTED)
        return
    area_top = top + COLUMN_PAD + _line_height(COLUMN_TITLE) + 4
    if shape.impact:
        start_x, end_x = shape.impact
        draw.rectangle((start_x, area_top, end_x, shape.axis_y), fill=IMPACT_SHADE)
    axis_left, axis_right = left + 16, right - 16
    draw.line((axis_left, shape.axis_y, axis_right, shape.axis_y), fill=MUTED, width=2)
    day_baseline = shape.axis_y + 6 + 2 * _line_height(SMALL) - 4
    draw_text(draw, axis_left, day_baseline, shape.first_day, SMALL, MUTED)
    first_day_end = axis_left + text_width(shape.first_day, SMALL)
    for x, clock, day in shape.ticks:
        draw.line((x, shape.axis_y, x, shape.axis_y + 6), fill=MUTED, width=1)
        label_width = text_width(clock, SMALL)
        draw_text(draw, x - label_width / 2, shape.axis_y + 6 + _line_height(SMALL) - 4, clock,
                  SMALL, MUTED)
        if day:
            # Centred under its tick, unless that would run into the first day's label.
            day_x = max(x - text_width(day, SMALL) / 2, first_day_end + 16)
            draw_text(draw, day_x, day_baseline, day, SMALL, MUTED)
    # Stems first, then the labels as chips on top: a stem that passes
    # behind a neighbour's label disappears under it instead of striking it out.
    chips = []
    for mark in shape.marks:
        colour = KIND_COLOURS[mark.event.kind]
        if mark.level is not None:
            label_baseline = shape.axis_y - 16 - mark.level * LABEL_HEIGHT
            draw.line((mark.x, shape.axis_y, mark.x, label_baseline - 8), fill=colour, width=1)
            label_width = text_width(mark.label, SMALL) + 8
            chip_left = mark.x if mark.x + label_width <= axis_right else mark.x - label_width
            chips.append((chip_left, label_baseline, label_width, mark))
    for chip_left, label_baseline, label_width, mark in chips:
        colour = KIND_COLOURS[mark.event.kind]
        text_colour = MUTED if mark.event.kind in (EventKind.other, EventKind.action) else colour
        draw.rounded_rectangle((chip_left, label_baseline - 14, chip_left + label_width, label_baseline + 5),
                               radius=4, fill="#fffdf8", outline=colour, width=1)
        draw_text(draw, chip_left + 4, label_baseline, mark.label, SMALL, text_colour)
    for mark in shape.marks:
        radius = 6
        draw.ellipse((mark.x - radius, shape.axis_y - radius, mark.x + radius, shape.axis_y + radius),
                     fill=KIND_COLOURS[mark.event.kind], outline="#ffffff", width=2)
    y = shape.axis_y + 6 + 2 * _line_height(SMALL) + 10
    for line in shape.metrics:
        y += _line_height(PROMPT_SIZE)
        draw_text(draw, left + COLUMN_PAD, y - 5, line, PROMPT_SIZE, INK)

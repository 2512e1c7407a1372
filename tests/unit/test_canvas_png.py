"""The PNG of a whole board, decoded again with Pillow and looked at."""

import io
import os
from collections import Counter
from datetime import UTC, datetime

import pytest
from PIL import Image, ImageColor

from canvas.exports.canvas_png import canvas_png, layout, missing_glyphs, plan, wrap
from canvas.models import NOTE_HEX, Board, Note
from canvas.snapshot import BoardSnapshot
from tests.unit.golden.fixture_board import TODAY, cloudflare_snapshot

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


@pytest.fixture(scope="module")
def fixture_png():
    snapshot = cloudflare_snapshot()
    return snapshot, decode(canvas_png(snapshot, today=TODAY))


def board_with_notes(texts, template="blameless", step="detect") -> BoardSnapshot:
    board = Board(id="P" * 24, template=template, created_at=T0, revision=1, details_version=1,
                  title="Fonts")
    notes = [Note(id=f"n{index}", board_id=board.id, step_key=step, text=text, colour="yellow",
                  author_id=None, created_at=T0, updated_at=T0, number=index, position=index)
             for index, text in enumerate(texts, start=1)]
    return BoardSnapshot(board=board, notes=notes)


def test_the_png_is_1600_wide_and_far_from_blank(fixture_png):
    _, image = fixture_png
    assert image.width == 1600
    assert 1000 < image.height < 4000
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 200  # text anti-aliasing, six note colours, kinds on the timeline
    # No single colour (the background) covers nearly everything.
    assert max(count for count, _ in colours) < 0.6 * image.width * image.height


def test_each_note_is_one_rectangle_in_its_own_colour(fixture_png):
    snapshot, image = fixture_png
    boxes = layout(snapshot, 1600)
    assert sorted(note_id for note_id, _ in boxes) == sorted(note.id for note in snapshot.notes)
    colour_of = {note.id: ImageColor.getrgb(NOTE_HEX[note.colour]) for note in snapshot.notes}
    for note_id, (left, top, right, bottom) in boxes:
        assert 0 <= left < right <= image.width and 0 <= top < bottom <= image.height
        centre = ((left + right) // 2, (top + bottom) // 2)
        # Text may cross the centre; the paper colour still dominates a small patch.
        patch = image.crop((centre[0] - 6, centre[1] - 6, centre[0] + 7, centre[1] + 7))
        paper = max(patch.getcolors())[1]
        assert paper == colour_of[note_id], note_id
    # No two notes overlap.
    for index, (_, one) in enumerate(boxes):
        for _, other in boxes[index + 1:]:
            assert one[2] <= other[0] or other[2] <= one[0] or one[3] <= other[1] or other[3] <= one[1]


def test_seven_steps_wrap_into_two_rows(fixture_png):
    snapshot, _ = fixture_png
    columns = plan(snapshot, 1600).columns
    assert [column.step.key for column in columns] == [step.key for step in snapshot.template.note_steps]
    tops = Counter(column.box[1] for column in columns)
    assert len(columns) == 7 and sorted(tops.values()) == [3, 4]


def test_cluster_frames_hold_their_notes_and_carry_the_votes_of_their_notes(fixture_png):
    snapshot, _ = fixture_png
    shapes = plan(snapshot, 1600)
    frames = {shape.cluster.id: shape for shape in shapes.clusters}
    assert frames["c1"].votes == 3  # 2 on the cluster, 1 on note 1 before grouping
    for shape in shapes.notes:
        if shape.note.cluster_id:
            frame = frames[shape.note.cluster_id].box
            assert frame[0] < shape.box[0] and shape.box[2] < frame[2]
            assert frame[1] < shape.box[1] and shape.box[3] < frame[3]
            assert shape.votes is None  # counted on the frame instead
    loose = {shape.note.id: shape.votes for shape in shapes.notes if not shape.note.cluster_id}
    assert loose["n9"] == 4 and loose["n3"] is None


def test_votes_are_not_drawn_before_they_are_revealed():
    snapshot = cloudflare_snapshot()
    snapshot.board.votes_revealed = False
    shapes = plan(snapshot, 1600)
    assert all(shape.votes is None for shape in [*shapes.notes, *shapes.clusters])


def test_a_long_note_wraps_and_ends_in_an_ellipsis():
    lines = wrap("word " * 400, 16, 200, 7)
    assert len(lines) == 7 and lines[-1].endswith("…")
    assert wrap("short note", 16, 200, 7) == ["short note"]
    assert wrap("first\nsecond", 16, 200, 7) == ["first", "second"]
    # Text without spaces (Japanese, a long URL) breaks between characters.
    assert len(wrap("x" * 300, 16, 200, 20)) > 5


def test_an_empty_board_still_draws():
    image = decode(canvas_png(board_with_notes([]), width=1200))
    assert image.width == 1200 and image.height > 300


# Pairs of different strings of the same length in one script: if the font
# had no glyphs, both would come out as the same row of empty boxes.
SCRIPTS = {
    "japanese": ("障害対応", "監視強化"),
    "chinese": ("回滚太慢", "告警延迟"),
    "korean": ("장애대응", "복구완료"),
    "cyrillic": ("Сбой", "Граф"),
    "arabic": ("خطأ", "عطل"),
}


@pytest.mark.parametrize("script", SCRIPTS)
def test_non_latin_notes_render_real_glyphs(script):
    one, other = SCRIPTS[script]
    if missing := missing_glyphs(one + other):
        message = f"no installed font draws {missing!r} (CI installs fonts-noto-cjk and fonts-dejavu-core)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    crops = []
    for text in (one, other):
        snapshot = board_with_notes([text])
        (_, box), = layout(snapshot)
        crops.append(decode(canvas_png(snapshot)).crop(box))
    assert crops[0].tobytes() != crops[1].tobytes()
    # And something is written at all: the note is not plain paper.
    assert len(crops[0].getcolors(maxcolors=1 << 16)) > 10


def test_characters_no_font_has_are_reported():
    assert missing_glyphs("plain ASCII text") == ""
    # U+0378 is unassigned: no font has it.
    assert missing_glyphs("a\u0378b\u0378") == "\u0378"


def test_an_assumption_note_and_event_are_labelled_in_the_picture():
    from canvas.exports.canvas_png import _event_label, note_header

    snapshot = cloudflare_snapshot()
    marked = [note for note in snapshot.notes if note.is_assumption]
    plain = [note for note in snapshot.notes if not note.is_assumption]
    assert note_header(marked[0]) == f"#{marked[0].number} · assumption to verify"
    assert note_header(plain[0]) == f"#{plain[0].number}"
    [event] = [event for event in snapshot.events if event.is_assumption]
    assert _event_label(event).endswith(" (?)")
    assert not _event_label(event.model_copy(update={"is_assumption": False})).endswith("(?)")

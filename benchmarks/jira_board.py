"""A backlog refinement board of Jira cards fed by a paginated search: the
import, the view the stream sends, and drawing it in real Chromium.

    python benchmarks/jira_board.py                     # 500 issues, about a minute
    python benchmarks/jira_board.py --issues 50 --repeats 2 --changes 5

A refinement board (template backlog-refinement, issues from a JQL query) on
a fresh temporary SQLite file, against the emulated Jira Cloud site of the
tests (tests/jira_agile_emulator.py) on loopback, seeded with --issues issues
and answering 100 a page, as benchmarks/jira_import.py serves them.

1. the import: `jira_board_sync.pull` onto a new board each time (the JQL
   search, paged by nextPageToken, then `jira_cards.record_pull` writing the
   cards), with a new client each time as the board's route makes one; and
   the minute's pull of the same board when nothing changed. Beside it: the
   same search alone, `record_pull` alone with those issues in memory, and
   the floor of writing as many rows into a plain SQLite table in one
   transaction.
2. the view a participant's stream sends first (the board read, then its
   pieces assembled: web/stream.py's own calls) and the patch it sends after
   a card is moved; sizes as JSON, gzipped alone, and (the patch) in the
   stream's one gzip member after the view, as web/stream.py sends them.
   Beside it: json.loads and json.dumps of the same bytes.
3. drawing in Chromium (/usr/bin/chromium, headless, through Playwright): the
   canvas's own JavaScript and CSS (pages/live/component.py joins them) in a
   page served from memory, with no server: EventSource is a stand-in the
   benchmark dispatches the stream's events on, and the actions route never
   answers. From the component being handed the view's JSON (as Streamlit
   hands it) to its return with every card in the DOM, and on to the next
   frame painted: first in a fresh page each time (as when the board is
   opened), then again in the same page. Then --changes cards moved in
   turn (half to the top of their column, half to another column), each
   move's patch dispatched as the stream's event and timed as
   benchmarks/browser.py times a change (its HOOKS: the listener's parse
   and redraw, then the next frame). Beside them: the same board with no
   cards, as many plain elements made from the same JSON, and a listener
   that only parses the same patches and writes one line.

Every move is made on the board (queued for Jira, not written to it): the
change measured is the one every other tab draws. Figures are printed,
never asserted: a benchmark, not a test. The load average is printed at the
start and the end: the machine may be doing other work.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import HOOKS, playwright_chromium_version, stats  # noqa: E402
from jira_import import JQL  # noqa: E402
from parts import load_average  # noqa: E402
from server import machine  # noqa: E402

from canvas.jira_board import DROP, NEEDS_DETAIL, READY, TO_REFINE, JiraBoardSettings  # noqa: E402
from canvas.models import BoardDraft  # noqa: E402
from canvas.session.live_view import assemble_view, remember_pieces, view_patch  # noqa: E402
from canvas.session.phases import Credentials  # noqa: E402
from canvas.session.visibility import Viewer  # noqa: E402
from integrations import jira_board_sync  # noqa: E402
from pages.live.component import board_css, board_js  # noqa: E402
from storage import facilitation, jira_cards, participants  # noqa: E402
from storage.db import connect  # noqa: E402
from storage.live import load_live_board  # noqa: E402
from storage.migrations import migrate  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.jira_agile_emulator import JiraAgileEmulator  # noqa: E402
from web.board_cache import Loaded  # noqa: E402
from web.stream import _gzipped  # noqa: E402

SETTINGS = JiraBoardSettings(kind="refinement", jql=JQL, ready_transition="Start progress", drop_value="Won't Do")
ORIGIN = "http://jira-board.bench"
CARD = ".pc-jira-card"

# Before the page's scripts (and before HOOKS, which wraps this class's
# listeners): an EventSource that never connects, whose events the benchmark
# dispatches, and a fetch that never answers (the part asks to pull from Jira
# on opening; no reply keeps the view the benchmark gave).
STAND_INS = """
(() => {
  const sources = [];
  Object.defineProperty(window, "__sources", { value: sources });
  class StandInSource extends EventTarget {
    constructor(url) { super(); this.url = url; this.readyState = 1; sources.push(this); }
    close() { this.readyState = 2; }
  }
  StandInSource.CONNECTING = 0; StandInSource.OPEN = 1; StandInSource.CLOSED = 2;
  window.EventSource = StandInSource;
  window.fetch = () => new Promise(() => {});
})();
"""

PAGE = f"""<!doctype html>
<html><head><meta charset="utf-8"><link rel="stylesheet" href="{ORIGIN}/board.css"></head>
<body><script type="module">
import board from "{ORIGIN}/board.js";
window.__board = board;
</script></body></html>"""

# The component handed a view, as Streamlit hands it (JSON text in data.view).
DRAW = """
(args) => new Promise((done) => {
  for (const old of document.querySelectorAll(".bench-host")) old.remove();
  // The board drawn before lets go of its stream and timers (as on unmount).
  if (window.__unmount) window.__unmount();
  const host = document.createElement("div");
  host.className = "bench-host";
  document.body.appendChild(host);
  const start = performance.now();
  window.__unmount = window.__board({ parentElement: host, data: { ...args.data, view: args.view },
                                      setTriggerValue() {} });
  const drawn = performance.now();
  const cards = host.querySelectorAll(args.card).length;
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => done({ dom: drawn - start, frame: performance.now() - start, cards });
    channel.port2.postMessage(null);
  });
})
"""

# The floor any drawing of these cards pays: the same JSON parsed and one
# plain element per card, with its key and summary, put in the page.
PLAIN = """
(args) => new Promise((done) => {
  for (const old of document.querySelectorAll(".bench-host")) old.remove();
  if (window.__unmount) window.__unmount();
  window.__unmount = null;
  const host = document.createElement("div");
  host.className = "bench-host";
  document.body.appendChild(host);
  const start = performance.now();
  const view = JSON.parse(args.view);
  const made = document.createDocumentFragment();
  for (const column of view.parts.jira.columns) {
    for (const card of column.cards) {
      const box = document.createElement("div");
      box.dataset.issue = card.key;
      box.textContent = card.key + " " + card.summary;
      made.appendChild(box);
    }
  }
  host.appendChild(made);
  const drawn = performance.now();
  const cards = host.querySelectorAll("[data-issue]").length;
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => done({ dom: drawn - start, frame: performance.now() - start, cards });
    channel.port2.postMessage(null);
  });
})
"""

# The stream's event on the newest source, as EventSource dispatches it.
DISPATCH = """
([type, data, id]) => {
  const source = window.__sources[window.__sources.length - 1];
  source.dispatchEvent(new MessageEvent(type, { data, lastEventId: String(id) }));
}
"""

# A listener that only parses the event and writes one line.
TRIVIAL_LISTENER = """
() => {
  for (const old of document.querySelectorAll(".bench-host")) old.remove();
  if (window.__unmount) window.__unmount();
  window.__unmount = null;
  const out = document.createElement("p");
  out.className = "bench-host";
  document.body.appendChild(out);
  const source = new EventSource("/trivial");
  source.addEventListener("patch", (event) => {
    const patch = JSON.parse(event.data);
    out.textContent = "revision " + patch.revision;
  });
}
"""


# Chromium's counters of the renderer's time (CDP Performance.getMetrics), in seconds.
SPENT = {"ScriptDuration": "script", "RecalcStyleDuration": "style", "LayoutDuration": "layout"}


def renderer_counters(session) -> dict[str, float]:
    return {metric["name"]: metric["value"] for metric in session.send("Performance.getMetrics")["metrics"]}


def ms(seconds: list[float]) -> list[float]:
    return [s * 1000 for s in seconds]


def timed(run, repeats: int, before=None) -> list[float]:
    """Seconds each of `repeats` runs took; `before` (untimed) prepares each."""
    times = []
    for _ in range(repeats):
        if before:
            before()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def new_board(db) -> tuple[str, str]:
    """A refinement board on the JQL query, Ann joined: its id and Ann's id."""
    started = facilitation.start_board(db, BoardDraft(title="Refinement", facilitator_name="Fran",
                                                      template="backlog-refinement"))
    jira_cards.make_jira_board(db, started.board.id, SETTINGS)
    ann, _ = participants.join_board(db, started.board.id, "Ann")
    return started.board.id, ann.id


def gzipped(*events: str) -> list[int]:
    """Bytes on the wire per event, as web/stream.py gzips one stream."""
    async def source():
        for event in events:
            yield event

    async def collect():
        return [len(chunk) async for chunk in _gzipped(source())]

    return asyncio.run(collect())


def plain_table(path: Path) -> sqlite3.Connection:
    """A plain table on a file set as the app sets its own (WAL, synchronous NORMAL)."""
    plain = sqlite3.connect(path, isolation_level=None)
    plain.execute("PRAGMA journal_mode = WAL")
    plain.execute("PRAGMA synchronous = NORMAL")
    plain.execute("CREATE TABLE cards (key TEXT PRIMARY KEY, summary TEXT, labels TEXT)")
    return plain


def plain_rows(plain: sqlite3.Connection, issues: list) -> None:
    """The floor of writing the cards: as many rows in one transaction."""
    plain.execute("BEGIN IMMEDIATE")
    plain.execute("DELETE FROM cards")
    plain.executemany("INSERT INTO cards VALUES (?, ?, ?)",
                      [(issue.key, issue.summary, json.dumps(list(issue.labels))) for issue in issues])
    plain.execute("COMMIT")


def import_figures(db, folder: Path, jira, issues: int, repeats: int):
    rows = []
    boards = []

    def pull_into_new_board():
        jira_board_sync.pull(db, boards[-1][0], jira_board_sync.client_from_env(jira.env()))

    # One pull first, not counted: the modules and connections a running server has warm.
    boards.append(new_board(db))
    pull_into_new_board()
    pulled = timed(pull_into_new_board, repeats, before=lambda: boards.append(new_board(db)))
    board_id, ann = boards[-1]
    state = jira_cards.load_state(db, board_id)
    if len(state.cards) != issues or not state.reachable:
        raise SystemExit(f"the board holds {len(state.cards)} cards, not {issues}: {state.problem}")
    again = timed(lambda: jira_board_sync.pull(db, board_id, jira_board_sync.client_from_env(jira.env())),
                  repeats)
    found = []
    search = timed(lambda: found.append(jira_board_sync.client_from_env(jira.env()).search(JQL)), repeats)
    spare = []
    record = timed(lambda: jira_cards.record_pull(db, spare[-1], found[-1]), repeats,
                   before=lambda: spare.append(new_board(db)[0]))
    plain = plain_table(folder / "plain.db")
    try:
        floor = timed(lambda: plain_rows(plain, found[-1]), repeats)
    finally:
        plain.close()
    rows += [
        (f"import: pull of {issues} issues onto a new board (search + record_pull)", stats(ms(pulled))),
        ("  the minute's pull of the same board, nothing changed", stats(ms(again))),
        ("  of which: the paginated search alone", stats(ms(search))),
        ("  of which: record_pull alone, the issues in memory", stats(ms(record))),
        (f"  baseline: {issues} rows into a plain SQLite table, one transaction", stats(ms(floor))),
    ]
    return board_id, ann, rows


def view_figures(db, board_id: str, ann: str, repeats: int, changes: int, issues: int):
    """The first view Ann's stream sends, and the patches after `changes` moves."""
    viewer = Viewer(participant_id=ann, is_facilitator=False)
    present = ["Ann"]
    read = timed(lambda: load_live_board(db, board_id), repeats)
    live = load_live_board(db, board_id)
    made = []

    def first_view():
        loaded = Loaded(live)
        made.append((loaded.revision, assemble_view(loaded.revision, loaded.view_pieces(viewer, present, whole=True)),
                     remember_pieces(loaded.view_pieces(viewer, present, whole=False))))

    build = timed(first_view, repeats)
    revision, view, sent = made[-1]
    raw = view.encode()
    parse = timed(lambda: json.loads(raw), repeats)
    parsed = json.loads(raw)
    encode = timed(lambda: json.dumps(parsed, separators=(",", ":"), ensure_ascii=False), repeats)
    # The same board with no cards: what the rest of the board costs to draw.
    empty = json.loads(raw)
    for column in empty["parts"]["jira"]["columns"]:
        column["cards"] = []
    empty_view = json.dumps(empty, separators=(",", ":"), ensure_ascii=False)

    credentials = Credentials(participant_id=ann)
    patches, patch_build = [], []
    for k in range(changes):
        order = [card for column in parsed["parts"]["jira"]["columns"] for card in column["cards"]]
        card = order[(k * 37 + 11) % len(order)]
        # Half to the top of its column (a new rank), half to another column.
        target = (TO_REFINE, 0) if k % 2 == 0 else ((NEEDS_DETAIL, READY, DROP)[k % 3], 0)
        jira_cards.move_card(db, board_id, credentials, card["id"], *target)
        loaded = Loaded(load_live_board(db, board_id))
        start = time.perf_counter()
        patch = view_patch(loaded.revision, loaded.view_pieces(viewer, present, whole=False), sent)
        patch_build.append(time.perf_counter() - start)
        patches.append((loaded.revision, patch, card["key"], target[0]))
        parsed = json.loads(assemble_view(loaded.revision, loaded.view_pieces(viewer, present, whole=True)))
    first_event = f"id: {revision}\nevent: view\ndata: {view}\n\n"
    patch_event = f"id: {patches[0][0]}\nevent: patch\ndata: {patches[0][1]}\n\n"
    view_wire, patch_in_stream = gzipped(first_event, patch_event)
    patch_alone, = gzipped(patch_event)
    patch_bytes = statistics.median(len(p.encode()) for _, p, _, _ in patches)
    rows = [
        ("view: reading the board (load_live_board)", stats(ms(read))),
        (f"view: Ann's first stream view assembled from it, {len(raw) / 1024:.0f} KiB as JSON, "
         f"{view_wire / 1024:.1f} KiB gzipped", stats(ms(build))),
        ("  baseline: json.loads of the same bytes", stats(ms(parse))),
        ("  baseline: json.dumps of the same data", stats(ms(encode))),
        (f"view: the patch after a card is moved, {patch_bytes / 1024:.0f} KiB as JSON (median of {changes}), "
         f"{patch_alone / 1024:.1f} KiB gzipped alone, {patch_in_stream / 1024:.1f} KiB in the stream after the view",
         stats(ms(patch_build))),
    ]
    return view, revision, empty_view, patches, rows


def browser_figures(view: str, revision: int, empty_view: str, patches, repeats: int, issues: int):
    from playwright.sync_api import sync_playwright

    files = {f"{ORIGIN}/": ("text/html", PAGE), f"{ORIGIN}/board.js": ("text/javascript", board_js()),
             f"{ORIGIN}/board.css": ("text/css", board_css())}
    data = {"mode": "board", "board_id": "bench", "stream_ticket": "stream", "action_ticket": "action",
            "ticket_seconds": 600, "stream_url": "/stream", "actions_url": "/actions", "tickets_url": "/tickets"}
    rows, notes = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            made = browser.new_context(viewport={"width": 1440, "height": 900})
            made.set_default_timeout(60_000)
            made.route(f"{ORIGIN}/**", lambda route: route.fulfill(
                status=200, content_type=files[route.request.url][0], body=files[route.request.url][1]))
            made.add_init_script(STAND_INS)
            made.add_init_script(HOOKS % json.dumps(CARD))
            page = made.new_page()
            page.goto(f"{ORIGIN}/")
            page.wait_for_function("window.__board !== undefined")

            def draws(script: str, text: str, count: int) -> list[dict]:
                page.evaluate(script, {"data": data, "view": text, "card": CARD})  # warm, not counted
                return [page.evaluate(script, {"data": data, "view": text, "card": CARD}) for _ in range(count)]

            def first_draws(script: str, text: str, count: int) -> list[dict]:
                """Each in a fresh page, as when the board is opened: nothing compiled or laid out yet;
                with where the renderer's time went (Chromium's own counters, CDP Performance)."""
                found = []
                for _ in range(count):
                    fresh = made.new_page()
                    fresh.goto(f"{ORIGIN}/")
                    fresh.wait_for_function("window.__board !== undefined")
                    counters = made.new_cdp_session(fresh)
                    counters.send("Performance.enable")
                    before = renderer_counters(counters)
                    drawn = fresh.evaluate(script, {"data": data, "view": text, "card": CARD})
                    after = renderer_counters(counters)
                    drawn |= {name: (after[name] - before[name]) * 1000 for name in SPENT}
                    drawn["elements"] = fresh.evaluate("document.querySelectorAll('*').length")
                    found.append(drawn)
                    fresh.close()
                return found

            cold = first_draws(DRAW, view, repeats)
            cold_bare = first_draws(DRAW, empty_view, repeats)
            full = draws(DRAW, view, repeats)
            bare = draws(DRAW, empty_view, repeats)
            plain = draws(PLAIN, view, repeats)
            counts = "/".join(str(n) for n in sorted({d["cards"] for d in cold + full}))
            rows += [
                (f"first draw in a fresh page: the board handed its view, to its return with {counts} cards "
                 "in the DOM", stats([d["dom"] for d in cold])),
                ("  ... to the next frame painted", stats([d["frame"] for d in cold])),
                *[(f"  ... of which {label} (Chromium's own count)", stats([d[name] for d in cold]))
                  for name, label in SPENT.items()],
                ("  baseline: the same board with no cards, fresh page, to the DOM",
                 stats([d["dom"] for d in cold_bare])),
                ("  ... to the next frame painted", stats([d["frame"] for d in cold_bare])),
                (f"draw again in the same page (code warm): to its return with {counts} cards in the DOM",
                 stats([d["dom"] for d in full])),
                ("  ... to the next frame painted", stats([d["frame"] for d in full])),
                ("  baseline: the same board with no cards, to the DOM", stats([d["dom"] for d in bare])),
                ("  ... to the next frame painted", stats([d["frame"] for d in bare])),
                (f"  baseline: the same JSON parsed and {issues} plain elements made, to the DOM",
                 stats([d["dom"] for d in plain])),
                ("  ... to the next frame painted", stats([d["frame"] for d in plain])),
            ]

            notes.append(f"elements in the page: {statistics.median(d['elements'] for d in cold):.0f} with the "
                         f"cards, {statistics.median(d['elements'] for d in cold_bare):.0f} without them")

            # The moves, as Ann's stream brings them to a page drawn at the first view.
            page.evaluate(DRAW, {"data": data, "view": view, "card": CARD})
            page.evaluate("window.__applied.length = 0")
            # The stream's first view: the revision drawn, so it only becomes
            # what the patches are laid over.
            page.evaluate(DISPATCH, ["view", view, revision])
            page.wait_for_function("window.__applied.length >= 1", polling="raf")
            page.evaluate("window.__applied.length = 0; window.__longTasks.length = 0")
            for k, (number, patch, _, _) in enumerate(patches):
                page.evaluate(DISPATCH, ["patch", patch, number])
                page.wait_for_function("(n) => window.__applied.length >= n", arg=k + 1, polling="raf")
            applied = page.evaluate("window.__applied")
            long = page.evaluate("window.__longTasks")
            _, _, key, column = patches[-1]
            shown = page.evaluate(f"""() => {{
                const first = document.querySelector('.pc-jira-column[data-column="{column}"] {CARD}');
                return [first ? first.dataset.issue : null, document.querySelectorAll("{CARD}").length];
            }}""")
            notes.append(f"after the moves the page shows {key} at the top of {column}: "
                         f"{'yes' if shown[0] == key else 'no, ' + str(shown[0])}; {shown[1]} cards")
            rows += [
                (f"change: a card moved, patch dispatched to DOM updated (parse + redraw), {len(applied)} patches",
                 stats([a["dom"] for a in applied])),
                ("  ... of which JSON.parse of the patch", stats([a["parse"] for a in applied])),
                ("  ... to the next frame painted", stats([a["frame"] for a in applied])),
            ]
            notes.append(f"long tasks (over 50 ms) during the moves: {len(long)}, longest {max(long, default=0):.0f} ms")

            page.evaluate(TRIVIAL_LISTENER)
            page.evaluate("window.__applied.length = 0")
            for k, (number, patch, _, _) in enumerate(patches):
                page.evaluate(DISPATCH, ["patch", patch, number])
                page.wait_for_function("(n) => window.__applied.length >= n", arg=k + 1, polling="raf")
            trivial = page.evaluate("window.__applied")
            rows += [
                ("  baseline: a listener that parses the same patches and writes one line",
                 stats([a["dom"] for a in trivial])),
                ("  ... to the next frame painted", stats([a["frame"] for a in trivial])),
            ]
            made.close()
        finally:
            browser.close()
    return rows, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--changes", type=int, default=30)
    args = parser.parse_args()
    if args.issues < 1 or args.repeats < 1 or args.changes < 1:
        parser.error("--issues, --repeats and --changes must be at least 1")
    print(f"{os.cpu_count()} CPUs; load average (1, 5, 15 min) at the start: {load_average()}", flush=True)
    rows, notes = [], []
    with tempfile.TemporaryDirectory(prefix="jira-board-bench-") as folder, \
            JiraAgileEmulator(cloud=True, search_page_size=100) as jira:
        folder = Path(folder)
        jira.seed(args.issues)
        target = str(folder / "board.db")
        migrate(target)
        db = connect(target)
        try:
            board_id, ann, found = import_figures(db, folder, jira, args.issues, args.repeats)
            rows += found
            view, revision, empty_view, patches, found = view_figures(
                db, board_id, ann, args.repeats, args.changes, args.issues)
            rows += found
        finally:
            db.close()
    print("\n".join(f"{label}  {value}" for label, value in rows), flush=True)
    found, notes = browser_figures(view, revision, empty_view, patches, args.repeats, args.issues)
    rows += found
    print()
    print(f"Figures p50 / p95 / max: the import and the view over {args.repeats} runs, "
          f"Chromium's draws over {args.repeats} each, a change over {args.changes} moves.")
    print("The live board's target for applying one change in Chromium: p95 <= 16 ms.")
    print()
    print("| measured | p50 / p95 / max |")
    print("| --- | --- |")
    for label, value in rows:
        print(f"| {label} | {value} |")
    for note in notes:
        print(note)
    print()
    print("\n".join(line for line in machine() if line))
    version = playwright_chromium_version()
    if version:
        print(version)
    print(f"Load average (1, 5, 15 min) at the end: {load_average()}")


if __name__ == "__main__":
    main()

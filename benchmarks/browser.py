"""Live board benchmark in real Chromium: applying an incoming change, and the
first board screen after opening a share link.

    python benchmarks/browser.py                    # about 2 minutes
    python benchmarks/browser.py --notes 300 --changes 60 --opens 10

Against the real server (`python -m streamlit run app.py`, started as
benchmarks/load.py starts it) on a fresh temporary SQLite database, a board of
--notes notes in Group, and Chromium (/usr/bin/chromium, headless, through
Playwright) as one participant whose browser already holds their identity.

1. applying a change: another participant makes --changes changes through
   the actions route (a note moved to another column, then a note edited by
   its author, in turn), each after the page has applied the one before. An
   init script wraps the page's EventSource 'view' and 'patch' listeners: from the
   event's dispatch (its data has arrived) to the listener's return (the JSON
   parsed, the canvas redrawn and its DOM morphed), and on to the next frame
   (a requestAnimationFrame, then a message posted from it: style, layout
   and paint are done), each a performance.measure; and, parsed again after
   the frame, how much of it JSON.parse of the view takes. Long tasks (over
   50 ms, PerformanceObserver) during the changes are counted.
2. first board screen: --opens fresh pages of the participant open the share
   link on a warm server (one open first, not measured); from navigation
   start (performance.timeOrigin) to the first frame in which a
   `.pc-column` is laid out with a size, checked every animation frame; and
   the browser's own first-contentful-paint.

Beside each, the same for load.py's trivial st.App served the same way in
the same run: its page ("Hello", first paint the same way), and an
EventSource on its SSE route whose listener writes the event into the page,
applying as many pokes as the board gets changes. The app's home page is
timed too.

The browser and the server share the machine (and with it whatever else it
does: the load average is printed at the start and the end). Figures are
printed, never asserted: a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import ROOT, TRIVIAL_APP, start  # noqa: E402
from parts import NOTE_STEPS, load_average, prepare_notes_board  # noqa: E402
from server import machine, server_log_problems, stop_server  # noqa: E402

from storage import participants  # noqa: E402
from storage.db import connect  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

# Runs before any of the page's scripts: wraps every 'view' and 'patch'
# listener of an EventSource (the first event is the whole view, later ones
# patches), and notes the first frame in which a selector is laid out
# (in the document or a shadow root).
HOOKS = """
(() => {
  const applied = [];
  Object.defineProperty(window, "__applied", { value: applied });
  const add = EventTarget.prototype.addEventListener;
  EventSource.prototype.addEventListener = function (type, listener, options) {
    if ((type !== "view" && type !== "patch") || typeof listener !== "function") {
      return add.call(this, type, listener, options);
    }
    const wrapped = function (event) {
      const start = performance.now();
      try {
        return listener.call(this, event);
      } finally {
        const handled = performance.now();
        const revision = Number(event.lastEventId);
        const bytes = event.data.length;
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            const painted = performance.now();
            const dom = performance.measure("view-applied", { start, end: handled });
            const frame = performance.measure("view-painted", { start, end: painted });
            // The JSON.parse share of the listener's time, parsed again once
            // the frame is out, so the figures above do not include it twice.
            const parsing = performance.now();
            JSON.parse(event.data);
            const parse = performance.now() - parsing;
            applied.push({ revision, bytes, dom: dom.duration, frame: frame.duration, parse });
          };
          channel.port2.postMessage(null);
        });
      }
    };
    return add.call(this, type, wrapped, options);
  };
  const long = [];
  Object.defineProperty(window, "__longTasks", { value: long });
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) long.push(entry.duration);
    }).observe({ type: "longtask", buffered: true });
  } catch (error) { /* no long task timing: none counted */ }
  // The canvas draws inside its component's shadow root: note every root
  // made, to look in them too.
  const roots = [document];
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    roots.push(root);
    return root;
  };
  const look = () => {
    let found = null;
    for (const root of roots) if ((found = root.querySelector(%s))) break;
    const box = found && found.getBoundingClientRect();
    if (box && box.width > 0 && box.height > 0) {
      performance.mark("first-drawn");
      window.__firstDrawn = performance.now();
    } else {
      requestAnimationFrame(look);
    }
  };
  requestAnimationFrame(look);
})();
"""

TRIVIAL_STREAM = """
() => new Promise((ready) => {
  const out = document.createElement("p");
  document.body.appendChild(out);
  const source = new EventSource("/api/stream");
  source.addEventListener("view", (event) => {
    const view = JSON.parse(event.data);
    out.textContent = "revision " + view.revision;
    out.dataset.revision = String(view.revision);
  });
  source.addEventListener("open", () => ready());
})
"""


def post_json(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return {"ok": False, "status": error.code, **json.loads(error.read() or b"{}")}


def stats(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"{statistics.median(ordered):.1f} / {p95:.1f} / {ordered[-1]:.1f} ms"


def context(browser, selector: str, board_id: str = "", token: str = ""):
    """A person's browser: their identity on this board held as the app keeps
    it, and the hooks, waiting for `selector` to be drawn."""
    made = browser.new_context(viewport={"width": 1440, "height": 900})
    made.set_default_timeout(60_000)
    if board_id:
        made.add_init_script(f"localStorage.setItem({json.dumps('postmortem-canvas:' + board_id)}, "
                             f"{json.dumps(token)});")
    made.add_init_script(HOOKS % json.dumps(selector))
    return made


def first_drawn(made, url: str, opens: int) -> tuple[list[float], list[float]]:
    """Open `url` in a fresh page `opens` + 1 times (the first not counted):
    navigation start to the selector drawn, and to the first contentful paint."""
    drawn, painted = [], []
    for k in range(opens + 1):
        page = made.new_page()
        page.goto(url)
        page.wait_for_function("window.__firstDrawn !== undefined", polling="raf")
        at = page.evaluate("window.__firstDrawn")
        fcp = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime")
        page.close()
        if k:
            drawn.append(at)
            if fcp is not None:
                painted.append(fcp)
    return drawn, painted


def apply_changes(page, make_change, changes: int) -> tuple[list[dict], list[float], list[str]]:
    """Make `changes` changes from elsewhere, each after the page applied the last."""
    page.evaluate("window.__applied.length = 0; window.__longTasks.length = 0")
    failures, made = [], set()
    for k in range(changes):
        revision, failure = make_change(k)
        if failure:
            failures.append(failure)
            continue
        made.add(revision)
        page.wait_for_function("(r) => window.__applied.some((a) => a.revision >= r)", arg=revision,
                               polling="raf")
        # A gap as between two people's changes, so one frame never carries two.
        time.sleep(0.1)
    # Only the views these changes made: not the one a stream sends as it (re)opens.
    applied = [a for a in page.evaluate("window.__applied") if a["revision"] in made]
    return applied, page.evaluate("window.__longTasks"), failures


def board_changes(url: str, board_id: str, tokens: list[str], board_notes):
    tickets = [post_json(f"{url}/api/boards/{board_id}/tickets", {"token": token})["action_ticket"]
               for token in tokens]
    candidates = [note for note in board_notes if note[2] < len(tickets)]
    versions = {note_id: version for note_id, _, _, version in candidates}
    latest = {"revision": 0}

    def change(k: int) -> tuple[int, str]:
        note_id, step, author, _ = candidates[(k * 7) % len(candidates)]
        if k % 2 == 0:
            body = {"ticket": tickets[(author + 1) % len(tickets)], "type": "move_note", "note_id": note_id,
                    "step_key": NOTE_STEPS[(NOTE_STEPS.index(step) + 1 + k) % len(NOTE_STEPS)],
                    "revision": latest["revision"]}
        else:
            body = {"ticket": tickets[author], "type": "edit_note", "note_id": note_id,
                    "text": f"Edited {k}: the canary was red for ten minutes", "version": versions[note_id]}
        answer = post_json(f"{url}/api/boards/{board_id}/actions", body)
        if not answer.get("ok"):
            return 0, f"{body['type']} refused: {answer.get('message', answer)}"
        latest["revision"] = answer["view"]["revision"]
        if body["type"] == "edit_note":
            versions[note_id] += 1
        return latest["revision"], ""

    return change


def trivial_changes(url: str):
    def change(k: int) -> tuple[int, str]:
        answer = post_json(f"{url}/api/poke", {"k": k})
        return answer["view"]["revision"], ""

    return change


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--changes", type=int, default=60)
    parser.add_argument("--opens", type=int, default=10)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"Load average (1, 5, 15 min) at the start: {load_average()}", flush=True)
    rows: list[tuple[str, str, str]] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="browser-bench-") as folder:
        folder = Path(folder)
        trivial = folder / "trivial" / "trivial_app.py"
        trivial.parent.mkdir()
        trivial.write_text(textwrap.dedent(TRIVIAL_APP))
        target = str(folder / "board.db")
        board_id, tokens, _, board_notes = prepare_notes_board(target, 10, args.notes)
        with connect(target) as db:
            _, viewer_token = participants.join_board(db, board_id, "Viewer")
        app = start(ROOT / "app.py", target, folder / "app.log")
        other = start(trivial, str(folder / "trivial.db"), folder / "trivial.log")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    share = f"{app.url}/?board={board_id}"
                    made = context(browser, ".pc-column", board_id, viewer_token)
                    drawn, painted = first_drawn(made, share, args.opens)
                    rows.append((f"first board screen after opening the share link ({args.notes} notes), "
                                 "navigation start to the first .pc-column drawn", stats(drawn),
                                 f"{len(drawn)} opens"))
                    rows.append(("... and to the first contentful paint", stats(painted), ""))
                    print(f"board first drawn {stats(drawn)}", flush=True)
                    page = made.new_page()
                    page.goto(share)
                    page.wait_for_function("window.__firstDrawn !== undefined", polling="raf")
                    applied, long, problems = apply_changes(
                        page, board_changes(app.url, board_id, tokens, board_notes), args.changes)
                    failures += problems
                    rows.append((f"applying a change on the {args.notes}-note board: event dispatched "
                                 "to DOM updated (parse + redraw)", stats([a["dom"] for a in applied]),
                                 f"{len(applied)} views, {statistics.median(a['bytes'] for a in applied) / 1024:.0f}"
                                 f" KiB each; {len(long)} long tasks, longest "
                                 f"{max(long, default=0):.0f} ms"))
                    rows.append(("... of which JSON.parse of the view", stats([a["parse"] for a in applied]), ""))
                    rows.append(("... to the next frame painted", stats([a["frame"] for a in applied]), ""))
                    print(f"board change applied {stats([a['dom'] for a in applied])}", flush=True)
                    made.close()

                    home = context(browser, ".st-key-home_title input")
                    drawn, painted = first_drawn(home, app.url, args.opens)
                    rows.append(("app home page, navigation start to its title field drawn", stats(drawn),
                                 f"{len(drawn)} opens"))
                    rows.append(("... and to the first contentful paint", stats(painted), ""))
                    home.close()

                    plain = context(browser, "[data-testid=stMarkdownContainer] p")
                    drawn, painted = first_drawn(plain, other.url, args.opens)
                    rows.append(("trivial st.App page, navigation start to its \"Hello\" drawn", stats(drawn),
                                 f"{len(drawn)} opens"))
                    rows.append(("... and to the first contentful paint", stats(painted), ""))
                    page = plain.new_page()
                    page.goto(other.url)
                    page.wait_for_function("window.__firstDrawn !== undefined", polling="raf")
                    page.evaluate(TRIVIAL_STREAM)
                    applied, long, _ = apply_changes(page, trivial_changes(other.url), args.changes)
                    rows.append(("trivial app: applying an event, dispatched to DOM updated",
                                 stats([a["dom"] for a in applied]), f"{len(applied)} events; {len(long)} long tasks"))
                    rows.append(("... to the next frame painted", stats([a["frame"] for a in applied]), ""))
                    plain.close()
                finally:
                    browser.close()
        finally:
            stop_server(app)
            stop_server(other)
        failures += server_log_problems(app.log_path) + server_log_problems(other.log_path)

    print()
    print("Targets: applying a change p95 <= 16 ms; first board screen p95 <= 1.5 s.")
    print()
    print("| measured in Chromium | p50 / p95 / max | over |")
    print("| --- | --- | --- |")
    for name, figures, over in rows:
        print(f"| {name} | {figures} | {over} |")
    for failure in failures[:10]:
        print(f"  failure: {failure}")
    print(f"failures: {len(failures)}")
    print()
    print("\n".join(machine()))
    version = playwright_chromium_version()
    if version:
        print(version)
    print(f"Load average (1, 5, 15 min) at the end: {load_average()}")


def playwright_chromium_version() -> str:
    import subprocess

    try:
        return subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


if __name__ == "__main__":
    main()

"""A real server on a free port against a temp database, and real Chromium."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("POSTMORTEM_CANVAS_CHROMIUM", "/usr/bin/chromium")
# The machine has no internet: without these, Chromium keeps trying to reach
# Google's services and floods the log with refused connections.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    _one_browser_group(items)
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: apt-get install chromium")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


def _one_browser_group(items) -> None:
    """Under `pytest -n auto --dist loadgroup`, the browser tests run as one
    group on one worker, with one server and one Chromium, while the other
    workers run the rest of the suite. Two groups at once (two servers, two
    Chromiums) oversubscribe a two-core machine: the run took longer. One
    worker also never runs another test while its Chromium is open
    (Playwright's sync API holds an event loop in the main thread)."""
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(pytest.mark.xdist_group("browser"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db_path: Path, port: int, extra_env: dict | None = None) -> subprocess.Popen:
    env = {**os.environ, "POSTMORTEM_CANVAS_DB": str(db_path), **(extra_env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )


def eventually(check: Callable[[], object], timeout: float, what: str) -> object:
    """Poll `check` (something outside the browser: a process, a port, a log
    file) until it returns a true value; fail with `what` after `timeout` s.
    Browser state is never polled this way: Playwright waits on it."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() >= deadline:
            raise TimeoutError(what)
        time.sleep(POLL_SECONDS)
    return result


POLL_SECONDS = 0.05


def wait_healthy(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    def healthy() -> bool:
        if process.poll() is not None:
            raise RuntimeError(process.stdout.read().decode(errors="replace"))
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=5) as r:
                return r.status == 200
        except OSError:
            return False

    eventually(healthy, timeout, "streamlit did not become healthy")


@contextmanager
def app_server(db, extra_env: dict | None = None) -> Iterator[tuple[int, subprocess.Popen]]:
    """The app serving `db` (a file path or a postgresql:// URL) on a free
    port, healthy; yields the port and the process, stopped afterwards."""
    port = free_port()
    process = start_server(db, port, extra_env)
    try:
        wait_healthy(port, process)
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="package")
def server(tmp_path_factory):
    """Base URL of a running app; the database file is at `server.db`.

    One for the browser tests (stopped when they are done): starting the app
    and its first page runs costs seconds on a busy machine, and every test
    makes its own boards. A module whose tests read across boards starts its
    own (see test_calendar_feed)."""
    db_path = tmp_path_factory.mktemp("e2e") / "e2e.db"
    with app_server(db_path) as (port, _):
        yield Server(f"http://127.0.0.1:{port}", db_path)


class Server:
    def __init__(self, url: str, db: Path):
        self.url = url
        self.db = db


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests; each person gets a fresh context of it.

    Closed when they are done, not at the end of the run: while Playwright's
    sync API is open it keeps an event loop running in the main thread, and
    every later test that calls asyncio.run() would fail."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def new_context(browser, width: int = 1400, height: int = 1000):
    """A separate person (their own storage and cookies) whose pages `settle` can follow."""
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(20_000)
    context.add_init_script(RUN_TRACKER)
    return context


@pytest.fixture
def new_person(browser):
    """Open a fresh browser context (a separate person with their own storage)."""
    contexts = []

    def make(width: int = 1400, height: int = 1000):
        context = new_context(browser, width, height)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


# Streamlit's `data-test-script-state` says whether a script run is going on,
# but not whether one has been asked for: a widget or component that reports
# its value (the identity component does on a page's first run) sends a rerun
# request that shows on the page only once the server starts it. So each page
# counts, on Streamlit's own websocket, the rerun requests it sends (BackMsg
# field 11, rerun_script) and the runs the server reports finished (ForwardMsg
# field 6, script_finished; a run stopped early for a rerun does not count).
# A component reports after its code has loaded, which may be after the run
# that drew it: Streamlit shows a skeleton until an element's code is there,
# and each component's script is counted when made and again once it has run
# and Streamlit has sent what it reported (widget values go out in a
# setTimeout(0) after the call; two timers later, they have gone).
RUN_TRACKER = """
(() => {
  // requested and finished: when each last happened (a count of events);
  // requests: how many runs the page has asked for since it loaded;
  // scripts, scriptsRun: components' scripts made, and run.
  const runs = { event: 0, requested: 0, finished: 0, requests: 0, scripts: 0, scriptsRun: 0 };
  Object.defineProperty(window, "__streamlitRuns", { value: runs });
  // Streamlit imports a component's script from a Blob it makes of the
  // script's text and a sourceURL line naming the component.
  window.Blob = new Proxy(window.Blob, {
    construct(Native, [parts, options]) {
      const text = parts && parts.length === 1 && typeof parts[0] === "string" ? parts[0] : "";
      if (options && options.type === "text/javascript" && text.includes("//# sourceURL=st-bidi-")) {
        runs.scripts += 1;
        parts = [text + "\\n;setTimeout(() => setTimeout(() => { window.__streamlitRuns.scriptsRun += 1; }));\\n"];
      }
      return Reflect.construct(Native, options === undefined ? [parts] : [parts, options]);
    },
  });
  // The value of a top-level field of a protobuf message: the number for a
  // varint, true for a length-delimited one, undefined when it is absent.
  function field(bytes, wanted) {
    let at = 0;
    const varint = () => {
      let value = 0, scale = 1, byte;
      do { byte = bytes[at++]; value += (byte & 0x7f) * scale; scale *= 128; }
      while (byte & 0x80 && at < bytes.length);
      return value;
    };
    while (at < bytes.length) {
      const tag = varint(), number = Math.floor(tag / 8), wire = tag % 8;
      if (wire === 0) { const value = varint(); if (number === wanted) return value; }
      else if (wire === 2) { const length = varint(); if (number === wanted) return true; at += length; }
      else if (wire === 1) at += 8;
      else if (wire === 5) at += 4;
      else return undefined;
    }
    return undefined;
  }
  const bytesOf = (data) => data instanceof ArrayBuffer ? new Uint8Array(data)
    : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
  const FINISHED_EARLY_FOR_RERUN = 2;
  window.WebSocket = class extends window.WebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (message) => {
        const bytes = bytesOf(message.data);
        const status = bytes && field(bytes, 6);
        if (status !== undefined && status !== true && status !== FINISHED_EARLY_FOR_RERUN) {
          runs.finished = ++runs.event;
        }
      });
    }
    send(data) {
      const bytes = bytesOf(data);
      if (bytes && field(bytes, 11) === true) {
        runs.requested = ++runs.event;
        runs.requests += 1;
      }
      return super.send(data);
    }
  };
})();
"""

# Whether the page is at rest: its last rerun request has been answered by a
# finished run, the app says it is not running, every element's code has
# loaded, every component's script has run, and no live top bar knows of a
# newer board than the page was drawn with (it asks for a run when it does).
_SETTLE = """
async (patience) => {
  const runs = window.__streamlitRuns;
  if (!runs) throw new Error("settle() follows pages of contexts made by new_context() only");
  const atRest = () => {
    const app = document.querySelector("[data-testid=stApp]");
    return Boolean(app) && app.dataset.testScriptState === "notRunning"
      && app.dataset.testConnectionState === "CONNECTED" && runs.finished > runs.requested
      && !document.querySelector("[data-testid=stSkeleton]") && runs.scriptsRun === runs.scripts
      && [...document.querySelectorAll(".pc-root[data-mode=bar][data-drawn]")].every(
        (bar) => Number(bar.dataset.drawn) >= Number(bar.dataset.revision));
  };
  // One turn of the page's event loop: a frame is drawn (React commits what
  // it has), and what was queued before, such as Streamlit sending a value a
  // click or a component just set, has run.
  const turn = () => new Promise((done) => requestAnimationFrame(() => setTimeout(() => setTimeout(done))));
  const started = performance.now();
  for (let calm = 0; calm < 3;) {
    await turn();
    calm = atRest() ? calm + 1 : 0;
    if (performance.now() - started > patience) {
      throw new Error("the page did not settle: " + JSON.stringify(runs));
    }
  }
}
"""


def settle(page) -> None:
    """Wait until Streamlit has finished running the script for this page and
    nothing has asked for another run: at rest for three turns of its event loop."""
    page.evaluate(_SETTLE, SETTLE_PATIENCE_MS)


# A bound for a page that never settles (a test that fails), not a pause.
SETTLE_PATIENCE_MS = 20_000


def shoot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Transitions run to their end first, so a picture never catches one halfway.
    page.screenshot(path=str(path), full_page=True, animations="disabled")
    return path


def create_board(page, base_url: str, title: str, name: str | None) -> str:
    """Create a board from the home page; returns its share link."""
    page.goto(base_url)
    settle(page)
    page.locator(".st-key-home_title input").fill(title)
    # Signed in, the facilitator's name comes from the identity provider.
    if name is not None:
        page.locator(".st-key-home_name input").fill(name)
    page.get_by_role("button", name="Create board").click()
    settle(page)
    page.wait_for_selector(".pc-column[data-step=detect]")
    return page.locator(".st-key-share_link code").inner_text().strip()


def join(page, share: str, name: str):
    """Open a share link in `page` and join with `name`."""
    page.goto(share)
    settle(page)
    page.locator(".st-key-join_name input").fill(name)
    page.get_by_role("button", name="Join the board").click()
    settle(page)
    return page


def add_note(page, text: str) -> None:
    page.locator(".st-key-step_text textarea").fill(text)
    page.get_by_role("button", name="Add note").click()
    settle(page)


def seat(server, new_person, title: str, names=("Fran", "Ann", "Bob"), size=(1400, 1000)):
    """A board made through storage with `names[0]` as its facilitator and the
    others joined, each person's page opened on the board screen holding who
    they are, as a browser that joined before does (the join and create forms
    have tests of their own). Returns the board's id and the pages, all live."""
    from canvas.models import BoardDraft
    from storage import facilitation, participants
    from storage.db import connect

    db = connect(server.db)
    try:
        started = facilitation.start_board(db, BoardDraft(title=title, facilitator_name=names[0]))
        board_id = started.board.id
        seats = [(started.token, started.facilitator_key)]
        seats += [(participants.join_board(db, board_id, name)[1], None) for name in names[1:]]
    finally:
        db.close()
    pages = []
    for token, key in seats:
        page = new_person(*size)
        remembered = {f"postmortem-canvas:{board_id}": token}
        if key:
            remembered[f"postmortem-canvas:facilitator:{board_id}"] = key
        page.context.add_init_script(
            "".join(f"localStorage.setItem({json.dumps(k)}, {json.dumps(v)});" for k, v in remembered.items()))
        page.goto(f"{server.url}/?board={board_id}")
        pages.append(page)
    # Generous: on a busy two-core machine the other workers' tests share
    # the cores, and three pages open their streams at once.
    for page in pages:
        settle(page)
        page.locator(".pc-connection-live").wait_for(timeout=60_000)
    return board_id, pages

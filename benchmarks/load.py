"""Load benchmark: N participants on one board, each a websocket tab.

    python benchmarks/load.py --participants 10 30 50      # about 4 minutes

This measures the earlier design, where every tab polled the board with a
1-second `run_every` rerun. The live board now pushes changes as server-sent
events and board links land on the canvas, so these tabs (Streamlit protocol
clients without a browser's JavaScript) no longer sign in or receive changes
by themselves: `benchmarks/live.py` measures the live board as a browser uses it.

For each N it starts the real server (`python -m streamlit run app.py` on a
free loopback port, against a fresh temporary database), creates one board
through the storage layer and moves it to the Group phase (in Write, notes
are private to their author), joins N participants (each gets a token), opens
N `StreamlitClient` tabs on the board overview (st_client.py) and checks that
each one is signed in. Then, with all N connected:

1. idle: nothing changes for --idle seconds (what the polling tabs cost);
2. latency: --changes notes written at random moments 0.5-2.5 s apart, each
   followed until every other tab has it (or --change-timeout);
3. busy: a note every --interval seconds for --busy seconds.

A change is `storage.notes.add_note` called in this process, which is what
the step page's "Add note" handler does; its text is a unique marker. A tab
has the change when a ForwardMsg delta carrying the marker arrives on its
socket. The tabs only listen, and send the run_every ticks the page asks for
(as a browser's timers do), so whatever propagation they see is the app's own
live sync.

Printed at the end, one table per figure: propagation latency (from the start
of the write until the slowest other tab has the delta: p50/p95/max over the
changes; per-tab: over every tab's arrival), server CPU (process CPU seconds /
wall seconds from /proc/<pid>/stat, % of one core, so 200 % is both cores of
a 2-core machine) idle and busy, script run durations, server RSS, failures
(join failures, exceptions and st.error alerts in ForwardMsgs, disconnects,
deliveries later than --change-timeout, errors in the server log), and the
machine. Figures are printed, never asserted: a benchmark, not a test.

Options: --changes 20 --idle 20 --busy 15 --interval 0.5 --change-timeout 10
--force-rerun (every tab also sends a full rerun after each change, as if
everyone pressed R: a check of the protocol client that works without live
sync, and a measure of the rerun fan-out) --keep (keep the temporary
directory with the databases and server logs).

Caveats: the clients run in this process on the same machine and take CPU
from the server (the "bench CPU" column says how much); arrival times are
taken when a listener thread reads the frame, so under heavy client load they
include some queueing here. The server runs with --server.fileWatcherType
none (see start_server).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import tomllib
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

import streamlit  # noqa: E402
import websocket  # noqa: E402

from canvas.ids import hash_secret  # noqa: E402
from canvas.templates import StepKind  # noqa: E402
from canvas.models import BoardDraft, NoteDraft  # noqa: E402
from canvas.session.phases import Credentials, Phase  # noqa: E402
from st_client import StreamlitClient  # noqa: E402
from storage import boards, facilitation, notes, participants  # noqa: E402
from storage.db import connect  # noqa: E402
from storage.migrations import migrate  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
# A key that only the signed-in overview renders, and one only the join form does.
SIGNED_IN_MARK = "overview_column_"
JOIN_FORM_MARK = "join_name"


# --- the server -----------------------------------------------------------------


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def cpu_seconds(self) -> float:
        """User + system CPU of the server process (all its threads)."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        # Fields after the command name, which is in parentheses and may hold spaces.
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def status(self, field_name: str = "VmRSS") -> int:
        """A number from /proc/<pid>/status: VmRSS and VmHWM in KiB, Threads."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
        return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db_path: Path, log_path: Path, timeout: float = 30.0) -> Server:
    port = free_port()
    # A file, not a pipe: nobody reads the server's output while it runs, and
    # a full pipe would block the server.
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         # The checkout may be edited while this runs. On a change the watcher
         # evicts the app's modules while other sessions import them
         # (ImportError: cannot import name 'common' from 'pages'); deployed
         # files do not change, so the watcher would only add noise here.
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env={**os.environ, "POSTMORTEM_CANVAS_DB": str(db_path)},
        stdout=log, stderr=subprocess.STDOUT,
    )
    log.close()
    server = Server(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive:
            raise RuntimeError(f"server exited: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=1) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise TimeoutError(f"server not healthy within {timeout:.0f} s")


def stop_server(server: Server) -> None:
    if server.alive:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


def server_log_problems(log_path: Path) -> list[str]:
    """The last line of every traceback in the server log, and ERROR log lines."""
    lines = log_path.read_text(errors="replace").splitlines()
    problems = []
    for index, line in enumerate(lines):
        if line.startswith("Traceback"):
            tail = next((l for l in lines[index + 1 :] if l and not l.startswith((" ", "\t"))), "")
            problems.append(tail.strip() or "Traceback")
        elif " ERROR " in line or line.startswith("ERROR"):
            problems.append(line.strip())
    return problems


# --- the board and its people ---------------------------------------------------


@dataclass
class Tab:
    """One participant's open overview tab, and what reached it."""

    index: int
    participant_id: str
    token: str
    client: StreamlitClient
    seen: dict[str, float] = field(default_factory=dict)  # marker -> monotonic arrival
    join_error: str | None = None
    thread: threading.Thread | None = None


def prepare_board(db_path: Path, n: int):
    """A fresh board in the Group phase and n joined participants (id, token)."""
    migrate(db_path)
    db = connect(db_path)
    try:
        board = boards.create_board(db, BoardDraft(title=f"Load benchmark, {n} people",
                                                   facilitator_name="Bench facilitator"))
        # Notes are private to their author during Write (canvas/visibility.py);
        # only from Group on does a new note reach everyone's page.
        key = facilitation.create_facilitator_key(db, board.id, "benchmark")
        facilitation.set_phase(db, board.id, key, Phase.group)
        people = [participants.join_board(db, board.id, f"Person {i:02d}") for i in range(n)]
        return boards.get_board(db, board.id), [(p.id, token) for p, token in people]
    finally:
        db.close()


def identity_state(token: str) -> dict:
    """The state pages/common.py's identity component reports for a browser
    whose localStorage holds `token`: setStateValue("identity", {...})."""
    return {"identity": {"token": token, "facilitator_key": ""}}


def open_tab(tab: Tab, board_id: str, timeout: float) -> None:
    """Open the board like a returning browser: load, report the token, check.

    The first run has no component state yet, so the page shows the join form
    and renders the identity component; its element carries the widget id the
    server assigned. A browser's component then reports the token from
    localStorage as that widget's state, which triggers the second run.
    """
    deadline = time.monotonic() + timeout
    client = tab.client
    try:
        client.connect(timeout=timeout)
        client.rerun()
        first = client.wait_for_run(deadline)
        if first is None:
            tab.join_error = "first run did not finish: " + (client.counters.disconnected or "timeout")
            return
        key = f"identity_{hash_secret(board_id)[:16]}"
        widget_id = next((e.bidi_component.id for e in first.elements("bidi_component")
                          if e.bidi_component.id.endswith(key)), None)
        if widget_id is None:
            tab.join_error = f"no identity component ({key}) in the first run"
            return
        client.set_widget_json(widget_id, identity_state(tab.token))
        client.rerun()
        second = client.wait_for_run(deadline)
        if second is None:
            tab.join_error = "second run did not finish: " + (client.counters.disconnected or "timeout")
        elif not second.contains(SIGNED_IN_MARK):
            shown = "join form" if second.contains(JOIN_FORM_MARK) else "neither overview nor join form"
            tab.join_error = f"token not accepted: the page shows the {shown}"
    except (OSError, websocket.WebSocketException) as error:
        tab.join_error = f"{type(error).__name__}: {error}"


# --- listening for changes ------------------------------------------------------


class Changes:
    """The markers written so far that tabs should look for. `looking_for` is
    a tuple replaced whole, so listener threads read it without a lock."""

    def __init__(self):
        self.looking_for: tuple[tuple[str, bytes], ...] = ()
        self.written_at: dict[str, float] = {}

    def add(self, marker: str, at: float) -> None:
        self.written_at[marker] = at
        self.looking_for = (*self.looking_for, (marker, marker.encode()))

    def forget(self, markers) -> None:
        gone = set(markers)
        self.looking_for = tuple(m for m in self.looking_for if m[0] not in gone)


def listen(tab: Tab, changes: Changes, stop: threading.Event, deadline: float) -> None:
    """Read this tab's socket until stopped; note when each marker first arrives.

    The marker is searched in the raw frame: protobuf keeps strings as UTF-8
    bytes, so a note's text appears verbatim in the delta that shows it.
    """
    for received in tab.client.messages(deadline, stop):
        if received.kind != "delta":
            continue
        for marker, data in changes.looking_for:
            if marker not in tab.seen and data in received.raw:
                tab.seen[marker] = received.at


@dataclass
class Sample:
    """Server, client and machine counters at one moment, to diff over a phase."""

    at: float
    server_cpu: float
    bench_cpu: float
    machine_cpu: float  # busy CPU seconds of the whole machine, all cores
    runs: int
    ticks: int

    @classmethod
    def take(cls, server: Server, tabs: list[Tab]) -> "Sample":
        return cls(time.monotonic(), server.cpu_seconds(), time.process_time(), machine_cpu_seconds(),
                   sum(t.client.counters.full_runs + t.client.counters.fragment_runs for t in tabs),
                   sum(t.client.counters.auto_rerun_ticks for t in tabs))


def machine_cpu_seconds() -> float:
    """Busy CPU time of all cores since boot, from /proc/stat."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


@dataclass
class Window:
    """CPU and rerun rate over one phase."""

    seconds: float
    server_cpu_pct: float
    bench_cpu_pct: float
    # Everything else on the machine: other people's servers, browsers, tests.
    # It competes with the server for the same cores, so a busy neighbour
    # makes every figure of the phase worse.
    others_cpu_pct: float
    runs_per_s: float
    ticks_per_s: float

    @classmethod
    def between(cls, a: Sample, b: Sample) -> "Window":
        wall = max(b.at - a.at, 1e-9)
        server = 100 * (b.server_cpu - a.server_cpu) / wall
        bench = 100 * (b.bench_cpu - a.bench_cpu) / wall
        machine = 100 * (b.machine_cpu - a.machine_cpu) / wall
        return cls(wall, server, bench, max(0.0, machine - server - bench),
                   (b.runs - a.runs) / wall, (b.ticks - a.ticks) / wall)


@dataclass
class Delivery:
    """One change: when it was written and when each other tab had it."""

    marker: str
    written_at: float
    arrivals: dict[int, float]  # tab index -> seconds after the write started
    missing: int  # tabs that did not get it in time

    @property
    def complete(self) -> bool:
        return self.missing == 0 and bool(self.arrivals)

    @property
    def slowest(self) -> float:
        return max(self.arrivals.values())


@dataclass
class Level:
    """Everything measured for one N."""

    n: int
    joined: int = 0
    join_errors: list[str] = field(default_factory=list)
    join_seconds: float = 0.0
    poll_intervals: set[float] = field(default_factory=set)
    idle: Window | None = None
    busy: Window | None = None
    spaced: list[Delivery] = field(default_factory=list)
    loaded: list[Delivery] = field(default_factory=list)
    spaced_skipped: str = ""
    rss_kib: dict[str, int] = field(default_factory=dict)
    exceptions: list[str] = field(default_factory=list)
    error_alerts: list[str] = field(default_factory=list)
    disconnects: list[str] = field(default_factory=list)
    log_problems: list[str] = field(default_factory=list)
    server_gone: str = ""  # why the server ended early, if it did
    bytes_per_tab_run: float = 0.0
    full_runs: list[float] = field(default_factory=list)  # seconds, after sign-in
    cut_short: int = 0  # full runs ended early for another rerun, after sign-in
    threads: int = 0  # server threads at the end of the busy phase
    fragment_runs: list[float] = field(default_factory=list)


def write_note(db, board, author_id: str, marker: str, step_keys: list[str], i: int) -> None:
    notes.add_note(db, board.id, step_keys[i % len(step_keys)], NoteDraft(text=marker),
                   Credentials(participant_id=author_id))


def collect(changes: Changes, marker: str, others: list[Tab], timeout: float) -> Delivery:
    """Who had the change within `timeout` of its write, and how long it took."""
    written = changes.written_at[marker]
    arrivals = {t.index: t.seen[marker] - written for t in others
                if marker in t.seen and t.seen[marker] - written <= timeout}
    return Delivery(marker, written, arrivals, len(others) - len(arrivals))


class ServerGone(Exception):
    """The server process ended while the benchmark was still using it."""


def ensure_alive(server: Server, doing: str) -> None:
    if not server.alive:
        code = server.process.returncode
        if code < 0:
            how = f"killed by {signal.Signals(-code).name}"
        elif code == 0:
            # Streamlit exits cleanly on SIGTERM/SIGINT: someone stopped it.
            how = "stopped from outside (exit status 0)"
        else:
            how = f"exited with status {code}"
        raise ServerGone(f"server {how} during {doing}")


def pause(server: Server, seconds: float, doing: str) -> None:
    """Sleep, noticing within a quarter second if the server goes away."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        ensure_alive(server, doing)
        time.sleep(min(left, 0.25))


def wait_delivered(server: Server, marker: str, others: list[Tab], deadline: float) -> None:
    while time.monotonic() < deadline:
        waiting = [t for t in others if marker not in t.seen and t.client.counters.disconnected is None]
        if not waiting:
            return
        ensure_alive(server, "propagation")
        time.sleep(0.01)


def force_reruns(tabs: list[Tab]) -> None:
    for tab in tabs:
        try:
            tab.client.rerun()
        except (OSError, websocket.WebSocketException):
            pass  # shows up as a disconnect


# --- one N ------------------------------------------------------------------------


def run_level(n: int, args, workdir: Path) -> Level:
    """Start a server, sign in n tabs, measure, and always stop the server."""
    level = Level(n)
    db_path = workdir / f"n{n}.db"
    log_path = workdir / f"server-n{n}.log"
    board, people = prepare_board(db_path, n)
    server = start_server(db_path, log_path)
    tabs = [Tab(i, pid, token, StreamlitClient(server.url, f"board={board.id}", name=f"tab{i:02d}"))
            for i, (pid, token) in enumerate(people)]
    stop = threading.Event()
    db = connect(db_path)
    try:
        live = sign_in(level, server, board, tabs, args)
        if live:
            measure(level, server, db, board, live, stop, args)
    except ServerGone as gone:
        level.server_gone = str(gone)
        print(f"  N={n}: {gone}; the rest of this N is skipped", flush=True)
    finally:
        stop.set()
        for tab in tabs:
            if tab.thread is not None:
                tab.thread.join(timeout=2)
            tab.client.close()
        if not level.server_gone and not server.alive:
            level.server_gone = f"server exited with status {server.process.returncode}"
        stop_server(server)
        db.close()
        level.log_problems = server_log_problems(log_path)
    counters = [t.client.counters for t in tabs]
    runs = sum(c.full_runs + c.fragment_runs for c in counters)
    level.bytes_per_tab_run = sum(c.bytes for c in counters) / max(runs, 1)
    level.full_runs = [x for c in counters for x in c.full_run_seconds]
    level.fragment_runs = [x for c in counters for x in c.fragment_run_seconds]
    level.cut_short += sum(t.client.counters.interrupted_full_runs for t in tabs if t.thread is not None)
    level.exceptions = [f"tab{t.index:02d}: {e}" for t in tabs for e in t.client.counters.exceptions]
    level.error_alerts = [f"tab{t.index:02d}: {e}" for t in tabs for e in t.client.counters.error_alerts]
    level.disconnects = [f"tab{t.index:02d}: {t.client.counters.disconnected}" for t in tabs
                         if t.client.counters.disconnected and not level.server_gone]
    return level


def note_rss(level: Level, server: Server, stage: str, field_name: str = "VmRSS") -> None:
    if server.alive:
        level.rss_kib[stage] = server.status(field_name)


def sign_in(level: Level, server: Server, board, tabs: list[Tab], args) -> list[Tab]:
    """Open every tab on the board overview; the ones signed in."""
    note_rss(level, server, "no sessions")
    started = time.monotonic()
    # The first tab alone: it pays for the app's imports and the migration
    # check, so the memory step from 1 to N tabs is what sessions cost.
    open_tab(tabs[0], board.id, args.join_timeout)
    note_rss(level, server, "1 signed in")
    with ThreadPoolExecutor(max_workers=args.join_workers) as pool:
        list(pool.map(lambda tab: open_tab(tab, board.id, args.join_timeout), tabs[1:]))
    ensure_alive(server, "sign-in")
    level.join_seconds = time.monotonic() - started
    level.join_errors = [f"tab{t.index:02d}: {t.join_error}" for t in tabs if t.join_error]
    live = [t for t in tabs if t.join_error is None]
    level.joined = len(live)
    for tab in live:
        level.poll_intervals.update(tab.client.auto_rerun_intervals.values())
    note_rss(level, server, f"{level.n} signed in")
    print(f"  N={level.n}: {len(live)}/{level.n} tabs signed in after {level.join_seconds:.1f} s; "
          f"run_every timers: {sorted(level.poll_intervals) or 'none'}", flush=True)
    return live


def measure(level: Level, server: Server, db, board, live: list[Tab], stop: threading.Event,
            args) -> None:
    """Idle, then changes at random moments, then a change every interval."""
    n = level.n
    # Sticky-note steps only: the actions step shows actions, not notes.
    step_keys = [step.key for step in board.template_model.steps if step.kind == StepKind.notes]
    changes = Changes()
    # The listeners stop at `stop`, and at the latest at this deadline.
    end_of_all = time.monotonic() + args.idle + args.busy + 3 * args.change_timeout \
        + args.changes * (args.change_timeout + 1) + 60
    for tab in live:
        # Only runs after sign-in count.
        tab.client.counters.full_run_seconds.clear()
        tab.client.counters.fragment_run_seconds.clear()
        level.cut_short -= tab.client.counters.interrupted_full_runs
        tab.thread = threading.Thread(target=listen, args=(tab, changes, stop, end_of_all),
                                      name=f"listen-{tab.index}", daemon=True)
        tab.thread.start()

    # 1. idle
    first = Sample.take(server, live)
    pause(server, args.idle, "the idle phase")
    level.idle = Window.between(first, Sample.take(server, live))
    note_rss(level, server, "after idle")
    print(f"  N={n}: idle {level.idle.server_cpu_pct:.0f} % server CPU, "
          f"{level.idle.runs_per_s:.1f} runs/s", flush=True)

    # 2. latency: changes at random moments, 0.5 to 2.5 s apart, so that they
    # fall at random points of every tab's poll cycle (a change written just
    # after the tabs polled would always wait a whole interval). Each change is
    # followed until every other tab has it.
    author, others = live[0], live[1:] or live
    spaced: list[str] = []
    for i in range(args.changes):
        if i:
            pause(server, random.uniform(0.5, 2.5), "the latency phase")
        marker = f"pmc-bench-n{n}-spaced-{i:02d}-{secrets.token_hex(4)}"
        changes.add(marker, time.monotonic())
        write_note(db, board, author.participant_id, marker, step_keys, i)
        spaced.append(marker)
        if args.force_rerun:
            force_reruns(live)
        if i == 0:
            # Without live sync nothing would ever arrive: find out once.
            wait_delivered(server, marker, others, changes.written_at[marker] + args.change_timeout)
            if not any(marker in t.seen for t in others):
                level.spaced_skipped = (f"stopped: no other tab received the first change "
                                        f"within {args.change_timeout:g} s")
                break
    for marker in spaced:
        wait_delivered(server, marker, others, changes.written_at[marker] + args.change_timeout)
    level.spaced = [collect(changes, m, others, args.change_timeout) for m in spaced]
    changes.forget(spaced)
    done = [d for d in level.spaced if d.complete]
    if done:
        print(f"  N={n}: latency p50 {1000 * percentile([d.slowest for d in done], 50):.0f} ms "
              f"over {len(done)} changes", flush=True)

    # 3. busy: a change every interval
    first = Sample.take(server, live)
    busy_markers = []
    count = max(1, int(args.busy / args.interval))
    for i in range(count):
        pause(server, first.at + i * args.interval - time.monotonic(), "the busy phase")
        marker = f"pmc-bench-n{n}-busy-{i:03d}-{secrets.token_hex(4)}"
        changes.add(marker, time.monotonic())
        write_note(db, board, author.participant_id, marker, step_keys, i)
        busy_markers.append(marker)
        if args.force_rerun:
            force_reruns(live)
    pause(server, first.at + count * args.interval - time.monotonic(), "the busy phase")
    level.busy = Window.between(first, Sample.take(server, live))
    note_rss(level, server, "after busy")
    note_rss(level, server, "peak (VmHWM)", "VmHWM")
    level.threads = server.status("Threads")
    print(f"  N={n}: busy {level.busy.server_cpu_pct:.0f} % server CPU, "
          f"{level.busy.runs_per_s:.1f} runs/s", flush=True)
    if not level.spaced_skipped:
        for marker in busy_markers:
            wait_delivered(server, marker, others, changes.written_at[marker] + args.change_timeout)
        level.loaded = [collect(changes, m, others, args.change_timeout) for m in busy_markers]


# --- reporting --------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def table(title: str, header: list[str], rows: list[list[str]], note: str = "") -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    print(f"\n{title}")
    print("  " + "  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(header, widths))))
    print("  " + "  ".join("-" * w for w in widths))
    for row in rows:
        print("  " + "  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                               for i, (c, w) in enumerate(zip(row, widths))))
    if note:
        print(textwrap.fill(note, width=100, initial_indent="  ", subsequent_indent="  "))


def ms(seconds: float) -> str:
    return f"{1000 * seconds:,.0f}"


def latency_row(n: int, deliveries: list[Delivery], skipped: str = "") -> list[str]:
    complete = [d for d in deliveries if d.complete]
    if not complete:
        reason = "not propagated" if deliveries else "not measured"
        return [str(n), str(len(deliveries)), "0", "-", "-", "-", "-", "-", skipped or reason]
    slowest = [d.slowest for d in complete]
    each = [s for d in deliveries for s in d.arrivals.values()]
    return [str(n), str(len(deliveries)), str(len(complete)), ms(percentile(slowest, 50)),
            ms(percentile(slowest, 95)), ms(max(slowest)), ms(percentile(each, 50)),
            ms(percentile(each, 95)), skipped]


def summarize(lines: list[str]) -> list[tuple[str, int]]:
    """Identical problems once, with how many tabs (or times) had them, first seen first."""
    counts: dict[str, int] = {}
    for line in lines:
        message = re.sub(r"^tab\d+: ", "", line)
        counts[message] = counts.get(message, 0) + 1
    return list(counts.items())


def machine() -> list[str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    mem = re.search(r"^MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text(), re.M)
    config = ROOT / ".streamlit" / "config.toml"
    gc = tomllib.loads(config.read_text()).get("runner", {}).get("postScriptGC", True) \
        if config.exists() else True
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True,
                               text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        head, dirty = "?", ""
    return [
        f"CPU: {os.cpu_count()} × {model.group(1) if model else platform.processor()}, "
        f"{int(mem.group(1)) / 1024 / 1024:.0f} GiB RAM" if mem else "",
        f"Python {platform.python_version()}, Streamlit {streamlit.__version__}, "
        f"websocket-client {websocket.__version__}, {platform.system()} {platform.release()}",
        f"App: commit {head}{' + uncommitted changes' if dirty else ''}, "
        f"runner.postScriptGC={str(gc).lower()}",
    ]


def report(levels: list[Level], args) -> None:
    print("\n" + "=" * 78)
    timers = sorted({i for level in levels for i in level.poll_intervals})
    sync = (f"st.fragment(run_every={', '.join(f'{t:g}' for t in timers)} s) timers registered by the page"
            if timers else "no run_every timer registered by the page: tabs see changes only on a rerun")
    print(f"Live sync: {sync}" + ("; --force-rerun: every tab reruns after each change" if args.force_rerun else ""))
    print(f"Tabs: board overview, Group phase (every note visible to everyone); {args.changes} changes "
          f"0.5-2.5 s apart, then a change every {args.interval:g} s for {args.busy:g} s")

    header = ["N", "changes", "reached all", "p50 ms", "p95 ms", "max ms",
              "per-tab p50", "per-tab p95", "note"]
    how = (f"p50/p95/max: over the changes that reached every other tab within "
           f"{args.change_timeout:g} s; per-tab: over every arrival within that time.")
    table("Propagation latency, changes 0.5-2.5 s apart (write start -> the slowest other tab has the delta)",
          header, [latency_row(l.n, l.spaced, l.spaced_skipped) for l in levels], note=how)
    table(f"Propagation latency under load (a change every {args.interval:g} s)",
          header, [latency_row(l.n, l.loaded) for l in levels], note=how)

    def cpu(phase: Window | None, attr: str, fmt: str) -> str:
        return "-" if phase is None else format(getattr(phase, attr), fmt)

    table(f"Server CPU (process CPU s / wall s, % of one core; {os.cpu_count()} cores = "
          f"{100 * (os.cpu_count() or 1)} %)",
          ["N", "idle %", "busy %", "idle runs/s", "busy runs/s", "poll ticks/s", "KiB/run",
           "bench idle/busy %", "others idle/busy %"],
          [[str(l.n), cpu(l.idle, "server_cpu_pct", ".1f"), cpu(l.busy, "server_cpu_pct", ".1f"),
            cpu(l.idle, "runs_per_s", ".1f"), cpu(l.busy, "runs_per_s", ".1f"),
            cpu(l.idle, "ticks_per_s", ".1f"), f"{l.bytes_per_tab_run / 1024:.1f}",
            f"{cpu(l.idle, 'bench_cpu_pct', '.0f')} / {cpu(l.busy, 'bench_cpu_pct', '.0f')}",
            f"{cpu(l.idle, 'others_cpu_pct', '.0f')} / {cpu(l.busy, 'others_cpu_pct', '.0f')}"]
           for l in levels],
          note=f"idle: {args.idle:g} s with nothing changing; busy: {args.busy:g} s with a change "
               f"every {args.interval:g} s; runs/s: script runs (full and fragment) the tabs "
               f"received; poll ticks/s: run_every reruns the tabs sent; KiB/run: bytes a tab "
               f"receives per run; bench: this process (the clients); others: the rest of the "
               f"machine, which competes for the same cores.")

    def spread(values: list[float]) -> list[str]:
        if not values:
            return ["0", "-", "-", "-"]
        return [str(len(values)), ms(percentile(values, 50)), ms(percentile(values, 95)), ms(max(values))]

    table("Script runs as the tabs saw them (new_session -> script_finished, ms; after sign-in)",
          ["N", "full runs", "p50", "p95", "max", "fragment runs", "p50", "p95", "max",
           "full runs cut short", "server threads"],
          [[str(l.n)] + spread(l.full_runs) + spread(l.fragment_runs)
           + [str(l.cut_short), str(l.threads or "-")] for l in levels],
          note="full: the whole overview page; fragment: the run_every poll alone (a poll that "
               "finds a change ends in st.rerun and is not counted); cut short: full runs "
               "ended early by another rerun request; server threads: at the end of the busy phase.")

    rows = []
    for l in levels:
        one, signed = l.rss_kib.get("1 signed in"), l.rss_kib.get(f"{l.n} signed in")
        per = f"{(signed - one) / 1024 / (l.joined - 1):.2f}" if one and signed and l.joined > 1 else "-"
        rows.append([str(l.n)] + [f"{l.rss_kib[s] / 1024:.0f}" if s in l.rss_kib else "-"
                                   for s in ("no sessions", "1 signed in", f"{l.n} signed in",
                                             "after idle", "after busy", "peak (VmHWM)")] + [per])
    table("Server memory (RSS, MiB; a fresh server per N)",
          ["N", "no sessions", "1 tab", "N tabs", "after idle", "after busy", "peak",
           "MiB/extra tab"], rows,
          note="1 tab: after the first tab signed in (the app's imports are loaded); "
               "MiB/extra tab: (N tabs - 1 tab) / (N - 1).")

    def missed(deliveries: list[Delivery]) -> int:
        return sum(d.missing for d in deliveries)

    table("Failures",
          ["N", "join failed", "exceptions", "st.error", "disconnects", "missed (spaced)",
           "missed (load)", "server log errors", "server gone"],
          [[str(l.n), str(len(l.join_errors)), str(len(l.exceptions)), str(len(l.error_alerts)),
            str(len(l.disconnects)), str(missed(l.spaced)), str(missed(l.loaded)),
            str(len(l.log_problems)), "yes" if l.server_gone else "no"] for l in levels],
          note=f"missed: a tab that had not received a change {args.change_timeout:g} s after it "
               f"was written.")
    for l in levels:
        details = [l.server_gone] * bool(l.server_gone) + l.join_errors + l.exceptions \
            + l.error_alerts + l.disconnects + [f"server log: {p}" for p in l.log_problems]
        for line, count in summarize(details)[:10]:
            print(f"    N={l.n}: {line}" + (f"  (x{count})" if count > 1 else ""))

    print("\nMachine")
    for line in machine():
        if line:
            print("  " + line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, nargs="+", default=[10, 30, 50])
    parser.add_argument("--changes", type=int, default=20, help="changes for the latency phase")
    parser.add_argument("--idle", type=float, default=20.0, help="idle seconds")
    parser.add_argument("--busy", type=float, default=15.0, help="busy seconds")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between busy changes")
    parser.add_argument("--change-timeout", type=float, default=10.0)
    parser.add_argument("--join-timeout", type=float, default=60.0, help="per tab")
    parser.add_argument("--join-workers", type=int, default=8, help="tabs opened at once")
    parser.add_argument("--force-rerun", action="store_true",
                        help="every tab reruns after each change (diagnostic; not live sync)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (db, server logs)")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="pmc-load-"))
    levels: list[Level] = []
    started = time.monotonic()
    try:
        for n in args.participants:
            print(f"N={n}: starting a server and {n} tabs", flush=True)
            levels.append(run_level(n, args, workdir))
    except KeyboardInterrupt:
        print("interrupted; reporting what was measured", flush=True)
    finally:
        if levels:
            report(levels, args)
            print(f"\nTotal time {time.monotonic() - started:.0f} s")
        if args.keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

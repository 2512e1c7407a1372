"""Live board benchmark: N participants on one board, each an open event stream.

    python benchmarks/load.py                       # 50 and 100 participants, ack at 30; ~6 minutes
    python benchmarks/load.py --db postgresql://user:password@127.0.0.1/db --servers 2
                                                    # the same on PostgreSQL, side by side

Measured through the routes as a browser uses them: every participant gets a
ticket (POST /api/boards/<id>/tickets) and opens the board's event stream
(GET .../stream, read raw over HTTP/1.1, as an EventSource does); every
change is an action POSTed by a random participant (POST .../actions, as the
canvas sends it). All on loopback, against the real server
(`python -m streamlit run app.py`) on a fresh temporary database.

For each N:
1. memory: server RSS before the streams open and after, per tab;
2. idle: server CPU while nothing changes for --idle seconds (pings and
   presence only), per open tab;
3. fan-out: --changes notes, one every --interval seconds, each followed until
   every OTHER tab's stream has carried a view with that revision or later
   (p50/p95/max over the changes of the slowest tab; "every change delivered"
   counts tabs that never got it within --change-timeout);
4. ack: the POST round trip of each change, until its reply carries the
   author's view with the new note (the canvas draws from that reply);
5. votes: --vote-seconds of up to 50 voters clicking as fast as their replies
   come back, each placing one dot more than the budget allows and then
   taking them all back; accepted clicks per second, refusals, and whether
   the database holds anyone over the budget afterwards.

Each board run is on a SQLite file and, with --db postgresql://..., on a new
schema of that PostgreSQL database, printed side by side. With --servers 2
the tabs are spread over two app processes on the one database, so "another
tab" is often served by the other process: the change crosses processes
(SQLite: the file's data_version; PostgreSQL: LISTEN/NOTIFY).

Beside each, the same figures for a trivial app served the same way
(`streamlit run` of an st.App whose one SSE route broadcasts a 40-byte event
to every open stream on each POST): the floor that Streamlit, Starlette and
this client impose, so the ratio to it is visible.

The clients run in this process (asyncio, one socket per tab) on the same
machine and take CPU from the server; "client CPU" says how much. Figures are
printed, never asserted: a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

from server import (  # noqa: E402
    Server, free_port, fresh_database, machine, server_log_problems, stop_server,
)

from canvas.models import BoardDraft, NoteDraft  # noqa: E402
from canvas.session.phases import Credentials, Phase  # noqa: E402
from storage import facilitation, notes, participants  # noqa: E402
from storage.db import connect, describe  # noqa: E402
from storage.migrations import migrate  # noqa: E402


SEED_NOTES = 40
NOTE_STEPS = ["detect", "react", "quick-fix", "prevent", "other-risks"]

TRIVIAL_APP = '''
"""A trivial st.App: one page, one SSE route that broadcasts each POST to every stream."""
import asyncio
import json

import streamlit as st

if __name__ == "__main__":
    st.write("Hello")
else:
    from starlette.responses import JSONResponse, StreamingResponse
    from starlette.routing import Route

    queues = set()
    revision = 0

    async def stream(request):
        queue = asyncio.Queue()
        queues.add(queue)

        async def events():
            try:
                yield f"id: {revision}\\nevent: view\\ndata: {json.dumps({'revision': revision})}\\n\\n"
                while True:
                    try:
                        yield await asyncio.wait_for(queue.get(), 15)
                    except TimeoutError:
                        yield ": ping\\n\\n"
            finally:
                queues.discard(queue)

        return StreamingResponse(events(), media_type="text/event-stream")

    async def poke(request):
        global revision
        await request.body()
        revision += 1
        message = f"id: {revision}\\nevent: view\\ndata: {json.dumps({'revision': revision})}\\n\\n"
        for queue in queues:
            queue.put_nowait(message)
        return JSONResponse({"ok": True, "view": {"revision": revision}})

    app = st.App(__file__, routes=[Route("/api/stream", stream), Route("/api/poke", poke, methods=["POST"])])
'''


# --- server -----------------------------------------------------------------------


def start(script: Path, db_path: str, log_path: Path, timeout: float = 40.0) -> Server:
    port = free_port()
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=script.parent, env={**os.environ, "POSTMORTEM_CANVAS_DB": str(db_path)},
        stdout=log, stderr=subprocess.STDOUT,
    )
    log.close()
    server = Server(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive:
            raise RuntimeError(log_path.read_text(errors="replace")[-2000:])
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=1) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise TimeoutError("server not healthy")


# --- raw HTTP/1.1 over asyncio (one socket per request or stream) ------------------


async def _read_head(reader) -> tuple[int, dict]:
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    headers = {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers


async def _chunks(reader):
    while True:
        size = int((await reader.readline()).strip() or b"0", 16)
        if size == 0:
            return
        data = await reader.readexactly(size)
        await reader.readexactly(2)
        yield data


async def post(port: int, path: str, body: dict) -> tuple[int, dict]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    payload = json.dumps(body).encode()
    writer.write(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode() + payload)
    status, headers = await _read_head(reader)
    if "content-length" in headers:
        data = await reader.readexactly(int(headers["content-length"]))
    else:
        data = b"".join([chunk async for chunk in _chunks(reader)])
    writer.close()
    return status, json.loads(data)


@dataclass
class Tab:
    index: int
    ticket: str = ""  # for actions; the stream has its own
    stream_ticket: str = ""
    arrivals: list[tuple[int, float]] = field(default_factory=list)  # (revision, monotonic)
    first: asyncio.Event = field(default_factory=asyncio.Event)
    bytes_read: int = 0  # on the wire
    encoding: str = "identity"  # the stream's Content-Encoding
    error: str | None = None


async def listen(port: int, path: str, tab: Tab, *, gzip: bool = False,
                 on_view: Callable[[bytes], None] | None = None) -> None:
    """Read one event stream until cancelled; note when each view event is
    complete. With `gzip` the stream is asked for it (and inflated when it
    answers so). Each view event's JSON is parsed, as the browser would before
    drawing, or, with `on_view`, handed over whole instead."""
    writer = None
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        accept = "Accept-Encoding: gzip\r\n" if gzip else ""
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                     f"{accept}\r\n".encode())
        status, headers = await _read_head(reader)
        if status != 200:
            tab.error = f"stream answered {status}"
            return
        tab.encoding = headers.get("content-encoding", "identity")
        inflate = zlib.decompressobj(wbits=47) if tab.encoding == "gzip" else None
        buffer = b""
        event_id = None
        async for chunk in _chunks(reader):
            tab.bytes_read += len(chunk)
            buffer += inflate.decompress(chunk) if inflate else chunk
            while b"\n\n" in buffer:
                message, buffer = buffer.split(b"\n\n", 1)
                is_view = False
                for line in message.split(b"\n"):
                    if line.startswith(b"id: "):
                        event_id = int(line[4:])
                    elif line in (b"event: view", b"event: patch"):
                        is_view = True
                if is_view and event_id is not None:
                    if on_view is None:
                        json.loads(message[message.index(b"data: ") + 6:])
                    else:
                        on_view(message)
                    tab.arrivals.append((event_id, time.monotonic()))
                    tab.first.set()
        tab.error = "stream ended"
    except asyncio.CancelledError:
        if writer is not None:
            writer.close()
        raise
    except Exception as error:  # noqa: BLE001 - reported in the table
        tab.error = repr(error)


# --- one run ---------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    n: int
    latencies: list[float]
    fastest: list[float]  # until the first other tab has the change
    undelivered: int
    acks: list[float]
    ack_failures: int
    idle_cpu: float
    busy_cpu: float
    rss_before: int
    rss_after: int
    client_cpu: float
    failures: list[str]
    db: str = ""
    servers: int = 1
    cross: list[float] = field(default_factory=list)  # until every tab on another process has it
    vote_rate: float = 0.0
    vote_refused: int = 0
    vote_cpu: float = 0.0
    budget_held: bool | None = None


def prepare_board(db_path: str, n: int):
    migrate(db_path)
    db = connect(db_path)
    started = facilitation.start_board(db, BoardDraft(title="Benchmark board", facilitator_name="Fran"))
    board_id = started.board.id
    people = [participants.join_board(db, board_id, f"Person {i}") for i in range(n)]
    for i in range(SEED_NOTES):
        author = people[i % n][0]
        notes.add_note(db, board_id, NOTE_STEPS[i % len(NOTE_STEPS)],
                       NoteDraft(text=f"Seed note {i}: the alert fired late because the threshold was too high"),
                       Credentials(participant_id=author.id))
    # In Group every note is visible to everyone, so every change reaches every tab.
    facilitation.set_phase(db, board_id, started.facilitator_key, Phase.group)
    db.close()
    return board_id, [token for _, token in people], started.facilitator_key


def cpu(servers: list[Server]) -> float:
    return sum(server.cpu_seconds() for server in servers)


async def run_one(label: str, servers: list[Server], n: int, args, *, board_id: str | None,
                  tokens: list[str], key: str = "", target: str = "") -> Result:
    ports = [int(server.url.rsplit(":", 1)[1]) for server in servers]
    failures: list[str] = []
    tabs = [Tab(i) for i in range(n)]
    # Tab i is served by process i mod K, as a load balancer spreads browsers.
    port_of = {tab.index: ports[tab.index % len(ports)] for tab in tabs}
    port = ports[0]
    if board_id is not None:
        answers = await asyncio.gather(*(post(port_of[i], f"/api/boards/{board_id}/tickets", {"token": t})
                                         for i, t in enumerate(tokens)))
        for tab, (status, answer) in zip(tabs, answers):
            if status != 200:
                failures.append(f"ticket refused: {answer}")
            tab.ticket, tab.stream_ticket = answer.get("action_ticket", ""), answer.get("stream_ticket", "")
        stream_path = lambda tab: f"/api/boards/{board_id}/stream?ticket={tab.stream_ticket}"  # noqa: E731
    else:
        stream_path = lambda tab: "/api/stream"  # noqa: E731
    await asyncio.sleep(1)
    rss_before = sum(server.status("VmRSS") for server in servers)
    client_cpu_start = time.process_time()
    listeners = [asyncio.create_task(listen(port_of[tab.index], stream_path(tab), tab)) for tab in tabs]
    await asyncio.wait_for(asyncio.gather(*(tab.first.wait() for tab in tabs)), 60)
    # One change first, not measured: the first action of a process imports and
    # reads what later ones find ready.
    if board_id is not None:
        await post(port, f"/api/boards/{board_id}/actions", {
            "ticket": tabs[0].ticket, "type": "add_note", "step_key": "detect", "text": "Warm-up"})
    else:
        await post(port, "/api/poke", {})
    await asyncio.sleep(2)
    rss_after = sum(server.status("VmRSS") for server in servers)

    # Idle: nothing changes; the streams only ping and record presence.
    start_cpu, start_wall = cpu(servers), time.monotonic()
    await asyncio.sleep(args.idle)
    idle_cpu = (cpu(servers) - start_cpu) / (time.monotonic() - start_wall)

    # Fan-out and acknowledgement: one change every --interval seconds.
    changes: list[tuple[int, int, float]] = []  # (author tab, revision, started)
    acks: list[float] = []
    ack_failures = 0
    rng = random.Random(7)
    start_cpu, start_wall = cpu(servers), time.monotonic()

    async def change(k: int) -> None:
        nonlocal ack_failures
        author = rng.randrange(n)
        started = time.monotonic()
        if board_id is not None:
            status, answer = await post(port_of[author], f"/api/boards/{board_id}/actions", {
                "ticket": tabs[author].ticket, "facilitator_key": "", "type": "add_note",
                "step_key": NOTE_STEPS[k % len(NOTE_STEPS)], "text": f"Change {k} from person {author}"})
        else:
            status, answer = await post(port, "/api/poke", {"k": k})
        if status != 200 or not answer.get("ok"):
            ack_failures += 1
            failures.append(f"action refused: {answer}")
            return
        acks.append(time.monotonic() - started)
        changes.append((author, answer["view"]["revision"], started))

    pending = []
    for k in range(args.changes):
        pending.append(asyncio.create_task(change(k)))
        await asyncio.sleep(args.interval)
    await asyncio.gather(*pending)
    await asyncio.sleep(min(args.change_timeout, 3))
    busy_cpu = (cpu(servers) - start_cpu) / (time.monotonic() - start_wall)
    client_cpu = (time.process_time() - client_cpu_start) / (time.monotonic() - start_wall)
    for listener in listeners:
        listener.cancel()
    await asyncio.gather(*listeners, return_exceptions=True)

    latencies, fastest, cross, undelivered = [], [], [], 0
    for author, revision, started in changes:
        slowest, first, slowest_elsewhere = 0.0, None, 0.0
        for tab in tabs:
            if tab.index == author:
                continue
            arrived = next((at for rev, at in tab.arrivals if rev >= revision), None)
            if arrived is None or arrived - started > args.change_timeout:
                undelivered += 1
            else:
                slowest = max(slowest, arrived - started)
                first = arrived - started if first is None else min(first, arrived - started)
                if port_of[tab.index] != port_of[author]:
                    slowest_elsewhere = max(slowest_elsewhere, arrived - started)
        latencies.append(slowest)
        if len(ports) > 1:
            cross.append(slowest_elsewhere)
        if first is not None:
            fastest.append(first)
    failures += [f"tab {tab.index}: {tab.error}" for tab in tabs if tab.error]
    result = Result(label, n, latencies, fastest, undelivered, acks, ack_failures, idle_cpu, busy_cpu,
                    rss_before, rss_after, client_cpu, failures, servers=len(servers), cross=cross)
    if board_id is not None and args.vote_seconds > 0:
        await vote_storm(result, servers, board_id, key, target, tabs, port_of, args)
    for server in servers:
        failures += server_log_problems(server.log_path)
    return result


BUDGET = 5


async def vote_storm(result: Result, servers: list[Server], board_id: str, key: str, target: str,
                     tabs: list[Tab], port_of: dict[int, int], args) -> None:
    """Up to 50 voters click for --vote-seconds: one dot more than the budget, then all back."""
    with connect(target) as db:
        facilitation.set_phase(db, board_id, key, Phase.vote)
        items = [note.id for note in notes.list_notes(db, board_id)][:BUDGET * 2]
    accepted, refused = 0, 0
    deadline = time.monotonic() + args.vote_seconds
    start_cpu, started = cpu(servers), time.monotonic()

    async def voter(tab: Tab) -> None:
        nonlocal accepted, refused
        mine: dict[str, int] = {}
        rng = random.Random(tab.index)
        path = f"/api/boards/{board_id}/actions"
        while time.monotonic() < deadline:
            for _ in range(BUDGET + 1):
                item = rng.choice(items)
                status, answer = await post(port_of[tab.index], path, {
                    "ticket": tab.ticket, "type": "vote", "item_id": item, "seen": mine.get(item, 0)})
                if status == 200 and answer.get("done"):
                    mine[item] = mine.get(item, 0) + 1
                    accepted += 1
                else:
                    refused += 1
            for item in [item for item, count in mine.items() for _ in range(count)]:
                status, answer = await post(port_of[tab.index], path, {
                    "ticket": tab.ticket, "type": "unvote", "item_id": item, "seen": mine[item]})
                if status == 200 and answer.get("done"):
                    mine[item] -= 1
                    accepted += 1

    await asyncio.gather(*(voter(tab) for tab in tabs[:50]))
    elapsed = time.monotonic() - started
    result.vote_rate = accepted / elapsed
    result.vote_refused = refused
    result.vote_cpu = (cpu(servers) - start_cpu) / elapsed
    with connect(target) as db:
        spent = db.execute("SELECT count(*) FROM votes WHERE board_id = ? GROUP BY participant_id "
                           "ORDER BY count(*) DESC LIMIT 1", [board_id]).fetchone()
    result.budget_held = spent is None or spent[0] <= BUDGET


def percentiles(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return f"{statistics.median(ordered) * 1000:.0f} / {p95 * 1000:.0f} / {ordered[-1] * 1000:.0f} ms"


def report(results: list[Result], args) -> None:
    print()
    print(f"A change every {args.interval} s, {args.changes} changes; idle window {args.idle} s; "
          f"votes for {args.vote_seconds} s.")
    print()
    print("| app | database | processes | tabs | change reaching every other tab p50 / p95 / max "
          "| ... every tab on another process | every change delivered? "
          "| own change acknowledged p50 / p95 / max | idle server CPU per tab (% of a core) "
          "| server CPU busy | vote clicks/s (refused; budget held?) | server CPU voting "
          "| memory per tab | client CPU | failures |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        delivered = "yes" if r.undelivered == 0 else f"no: {r.undelivered} tab-deliveries missing"
        per_tab_kib = (r.rss_after - r.rss_before) / r.n
        voting = "-" if r.budget_held is None else (
            f"{r.vote_rate:.0f} ({r.vote_refused} refused; {'yes' if r.budget_held else 'NO'})")
        print(f"| {r.label} | {r.db or '-'} | {r.servers} | {r.n} | {percentiles(r.latencies)} "
              f"| {percentiles(r.cross) if r.cross else '-'} | {delivered} | {percentiles(r.acks)} "
              f"| {100 * r.idle_cpu / r.n:.3f} % ({100 * r.idle_cpu:.1f} % in all) "
              f"| {100 * r.busy_cpu:.0f} % | {voting} "
              f"| {'-' if r.budget_held is None else f'{100 * r.vote_cpu:.0f} %'} "
              f"| {per_tab_kib:.0f} KiB (RSS {r.rss_after / 1024:.0f} MiB) "
              f"| {100 * r.client_cpu:.0f} % | {len(r.failures)} |")
    for r in results:
        for failure in r.failures[:5]:
            print(f"  {r.label} {r.db} {r.n}: {failure}")
    print()
    print("\n".join(machine()))
    print(f"Load average (1, 5, 15 min) at the end: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, nargs="+", default=[50, 100])
    parser.add_argument("--ack-participants", type=int, default=30)
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--idle", type=float, default=20.0)
    parser.add_argument("--change-timeout", type=float, default=10.0)
    parser.add_argument("--vote-seconds", type=float, default=10.0)
    parser.add_argument("--db", metavar="POSTGRESQL_URL",
                        help="also run every board on a new schema of this PostgreSQL database")
    parser.add_argument("--servers", type=int, default=1,
                        help="app processes on the one database, tabs spread over them (default 1)")
    args = parser.parse_args()
    if args.db and not args.db.startswith(("postgresql://", "postgres://")):
        parser.error("--db takes a postgresql:// URL (SQLite always runs)")

    sizes = sorted({args.ack_participants, *args.participants})
    kinds = ["sqlite"] + (["postgresql"] if args.db else [])
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="live-bench-") as folder:
        folder = Path(folder)
        trivial = folder / "trivial" / "trivial_app.py"
        trivial.parent.mkdir()
        trivial.write_text(textwrap.dedent(TRIVIAL_APP))
        for n in sizes:
            for kind in kinds:
                with fresh_database(kind, folder, f"board-{n}", args.db) as target:
                    board_id, tokens, key = prepare_board(target, n)
                    servers = [start(ROOT / "app.py", target, folder / f"{kind}-{n}-{k}.log")
                               for k in range(args.servers)]
                    try:
                        result = asyncio.run(run_one("board", servers, n, args, board_id=board_id,
                                                     tokens=tokens, key=key, target=target))
                    finally:
                        for server in servers:
                            stop_server(server)
                result.db = kind
                results.append(result)
                print(f"board on {kind} {n}: every other tab {percentiles(result.latencies)}, "
                      f"on another process {percentiles(result.cross) if result.cross else '-'}, "
                      f"ack {percentiles(result.acks)}, votes {result.vote_rate:.0f}/s "
                      f"(budget held: {result.budget_held})", flush=True)
            server = start(trivial, str(folder / f"trivial-{n}.db"), folder / f"trivial-{n}.log")
            try:
                result = asyncio.run(run_one("trivial SSE app", [server], n, args, board_id=None, tokens=[]))
            finally:
                stop_server(server)
            results.append(result)
            print(f"trivial SSE app {n}: every other tab {percentiles(result.latencies)}, "
                  f"ack {percentiles(result.acks)}", flush=True)
    if args.db:
        print(f"PostgreSQL: {describe(args.db)}")
    report(results, args)


if __name__ == "__main__":
    main()

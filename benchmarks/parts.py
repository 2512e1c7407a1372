"""Live board benchmark of the meeting's parts and of a large Group board.

    python benchmarks/parts.py                      # both runs, 50 tabs; about 3 minutes
    python benchmarks/parts.py --only parts         # or --only notes

Measured through the routes as a browser uses them, with the helpers of
benchmarks/load.py: every participant gets a ticket (POST
/api/boards/<id>/tickets) and opens the board's event stream (GET
.../stream, read raw over HTTP/1.1, as an EventSource does); every change is
an intent POSTed to .../actions, as the canvas sends it. All on loopback,
against the real server (`python -m streamlit run app.py`) on a fresh
temporary SQLite database.

1. parts: --participants tabs on a board in Discuss (40 notes, 6 contributing
   factors); every --parts-interval seconds one edit of a meeting's part, in
   turn: add a timeline event, set a factor's category, add a why (the
   facilitator), add a learning, edit an action's owner, add a kill
   criterion. Each is followed until every OTHER tab's stream has carried a
   view with its revision or later: p50 / p95 / max of the slowest tab, over
   all edits and per kind.
2. notes: a board of --notes notes in Group, the same tabs; every
   --notes-interval seconds a note is moved to another column or edited by
   its author, in turn; the same figure. Beside it, the bytes of each view
   event as the stream sent it. Every stream asks for gzip
   (Accept-Encoding: gzip) and the table says what came back; what gzip
   would make of the same events is computed here too, per event on its own
   and as one gzip stream flushed after each event (how a compressed event
   stream would go out).

Each table says too how much CPU the server process and this client used
while the changes were made and followed (% of one core; the machine has
two), and how long its threads were ready to run but found no CPU free
(/proc/<pid>/task/*/schedstat, summed over the threads): on a machine busy with other work, that wait
is part of every figure. A server that falls behind sends each stream the
newest view, skipping those in between.

Beside both, the same figures for load.py's trivial st.App (one SSE route
relaying a 40-byte event to every stream on each POST) with as many tabs and
changes at the same pace, from the same run: the floor that Streamlit,
Starlette and this client impose.

The clients run in this process (asyncio, one socket per tab) on the same
machine and take CPU from the server. One tab parses each view's JSON, as a
browser would; the others only find where each event ends (fifty copies of a
300-note view parsed here would measure this client, not the server). The load average is printed at the
start and the end: the machine may be doing other work. Figures are printed,
never asserted: a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import statistics
import sys
import tempfile
import textwrap
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import (  # noqa: E402
    NOTE_STEPS, ROOT, TRIVIAL_APP, Tab, percentiles, post, prepare_board, start,
)
from load import listen as load_listen  # noqa: E402
from server import machine, server_log_problems, stop_server  # noqa: E402

from canvas.learnings import FactorCategory  # noqa: E402
from canvas.models import NoteDraft  # noqa: E402
from canvas.session.phases import Credentials, Phase  # noqa: E402
from storage import facilitation, notes, participants  # noqa: E402
from storage.db import connect  # noqa: E402

FACTORS = 6
PART_EDITS = ["add_event", "set_category", "add_why", "add_learning", "edit_action", "add_kill_criterion"]


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- the streams -------------------------------------------------------------------------


async def listen(port: int, path: str, tab: Tab, views: list[bytes], keep: bool) -> None:
    """Read one event stream, asking for gzip, until cancelled; when `keep`,
    parse each view event and keep it (an empty entry counts it otherwise).
    Fifty browsers each parse their own copy on their own machine; fifty
    copies of a large view parsed in this one process would measure this client."""
    def seen(message: bytes) -> None:
        if keep:
            json.loads(message[message.index(b"data: ") + 6:])
        views.append(message + b"\n\n" if keep else b"")

    await load_listen(port, path, tab, gzip=True, on_view=seen)


@dataclass
class Run:
    label: str
    n: int
    kinds: list[str] = field(default_factory=list)  # of each measured change
    latencies: list[float] = field(default_factory=list)  # until the slowest other tab has it
    undelivered: int = 0
    acks: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    tabs: list[Tab] = field(default_factory=list)
    views: list[list[bytes]] = field(default_factory=list)  # per tab, each view event (empty unless kept)
    seconds: float = 0.0
    server_cpu: float = 0.0  # share of a core while the changes were made and followed
    server_waited: float = 0.0  # share of that time its threads were ready to run but had no CPU
    client_cpu: float = 0.0


async def follow(label: str, port: int, n: int, stream_path, warm_up, change, *,
                 changes: int, interval: float, timeout: float, cpu) -> Run:
    """Open n streams, make one unmeasured change, then `changes` changes, one
    every `interval` s; `change(k)` returns (author tab, kind, status, answer)."""
    run = Run(label, n)
    tabs = [Tab(i) for i in range(n)]
    run.tabs, run.views = tabs, [[] for _ in tabs]
    listeners = [asyncio.create_task(listen(port, stream_path(tab), tab, run.views[tab.index], tab.index == 1))
                 for tab in tabs]
    await asyncio.wait_for(asyncio.gather(*(tab.first.wait() for tab in tabs)), 60)
    # The first change of a process imports and reads what later ones find ready.
    await warm_up()
    await asyncio.sleep(1)
    done: list[tuple[int, str, int, float]] = []

    async def one(k: int) -> None:
        started = time.monotonic()
        author, kind, status, answer = await change(k)
        if status != 200 or not answer.get("ok"):
            run.failures.append(f"{kind} refused ({status}): {answer.get('message', answer)}")
            return
        run.acks.append(time.monotonic() - started)
        done.append((author, kind, answer["view"]["revision"], started))

    began, (cpu_began, waited_began), client_began = time.monotonic(), cpu(), time.process_time()
    pending = []
    for k in range(changes):
        pending.append(asyncio.create_task(one(k)))
        await asyncio.sleep(interval)
    await asyncio.gather(*pending)
    await asyncio.sleep(min(timeout, 3))
    run.seconds = time.monotonic() - began
    cpu_now, waited_now = cpu()
    run.server_cpu = (cpu_now - cpu_began) / run.seconds
    run.server_waited = (waited_now - waited_began) / run.seconds
    run.client_cpu = (time.process_time() - client_began) / run.seconds
    for listener in listeners:
        listener.cancel()
    await asyncio.gather(*listeners, return_exceptions=True)
    for author, kind, revision, started in done:
        slowest = 0.0
        for tab in tabs:
            if tab.index == author:
                continue
            arrived = next((at for rev, at in tab.arrivals if rev >= revision), None)
            if arrived is None or arrived - started > timeout:
                run.undelivered += 1
            else:
                slowest = max(slowest, arrived - started)
        run.kinds.append(kind)
        run.latencies.append(slowest)
    run.failures += [f"tab {tab.index}: {tab.error}" for tab in tabs if tab.error]
    return run


async def tickets(port: int, board_id: str, tokens: list[str], key: str) -> list[Tab]:
    """Tab 0 is the facilitator's; every other tab a participant's."""
    answers = await asyncio.gather(*(
        post(port, f"/api/boards/{board_id}/tickets", {"token": token, "facilitator_key": key if i == 0 else ""})
        for i, token in enumerate(tokens)))
    tabs = []
    for i, (status, answer) in enumerate(answers):
        if status != 200:
            raise RuntimeError(f"ticket refused: {answer}")
        tabs.append(Tab(i, answer["action_ticket"], answer["stream_ticket"]))
    return tabs


# --- 1. the meeting's parts -----------------------------------------------------------------


def prepare_parts_board(target: str, n: int):
    board_id, tokens, key = prepare_board(target, n)
    db = connect(target)
    people = participants.list_participants(db, board_id)
    factors = [notes.add_note(db, board_id, "contributing-factors",
                              NoteDraft(text=f"Factor {i}: the runbook did not name the fallback"),
                              Credentials(participant_id=people[i % len(people)].id)).id
               for i in range(FACTORS)]
    facilitation.set_phase(db, board_id, key, Phase.discuss)
    db.close()
    return board_id, tokens, key, factors


async def parts_run(port: int, cpu, board_id: str, tokens: list[str], key: str, factors: list[str], args) -> Run:
    tabs = await tickets(port, board_id, tokens, key)
    path = f"/api/boards/{board_id}/actions"
    action = {}
    categories = list(FactorCategory)
    whys = dict.fromkeys(factors, 0)

    def send(tab: int, kind: str, **fields):
        return post(port, path, {"ticket": tabs[tab].ticket, "facilitator_key": key if tab == 0 else "",
                                 "type": kind, **fields})

    async def warm_up() -> None:
        status, answer = await send(1, "add_action", title="Add a fallback to the runbook", owner="Person 1")
        if status != 200:
            raise RuntimeError(f"add_action refused: {answer}")
        card = answer["view"]["parts"]["actions"]["actions"][0]
        action.update(id=card["id"], version=card["version"])

    async def change(k: int):
        kind = PART_EDITS[k % len(PART_EDITS)]
        author = 1 + k % (len(tabs) - 1)
        if kind == "add_event":
            fields = {"day": "2026-12-01", "time": f"{10 + k // 60:02d}:{k % 60:02d}", "zone": "UTC",
                      "text": f"Moment {k}: the error rate crossed the alert threshold"}
        elif kind == "set_category":
            fields = {"item_id": factors[k % FACTORS], "category": categories[k % len(categories)].value}
        elif kind == "add_why":
            author = 0
            item = min(whys, key=whys.get)
            fields = {"item_id": item, "why": f"Why {k}: nobody saw the queue grow?",
                      "because": "The dashboard showed averages only", "expected_steps": whys[item]}
            whys[item] += 1
        elif kind == "add_learning":
            fields = {"text": f"Learning {k}: averages hide a growing queue"}
        elif kind == "edit_action":
            fields = {"action_id": action["id"], "version": action["version"], "owner": f"Person {author}"}
        else:
            fields = {"signal": f"Queue depth above {1000 + k} for 5 minutes",
                      "response": "Pause the rollout and page the on-call"}
        status, answer = await send(author, kind, **fields)
        if kind == "edit_action" and status == 200:
            card = next(a for a in answer["view"]["parts"]["actions"]["actions"] if a["id"] == action["id"])
            action["version"] = card["version"]
        return author, kind, status, answer

    return await follow("board: parts", port, len(tabs),
                        lambda tab: f"/api/boards/{board_id}/stream?ticket={tabs[tab.index].stream_ticket}",
                        warm_up, change, changes=args.parts_changes, interval=args.parts_interval,
                        timeout=args.change_timeout, cpu=cpu)


# --- 2. a large board in Group --------------------------------------------------------------


def prepare_notes_board(target: str, n: int, count: int):
    board_id, tokens, key = prepare_board(target, n)
    db = connect(target)
    people = participants.list_participants(db, board_id)
    present = len(notes.list_notes(db, board_id))
    for i in range(present, count):
        notes.add_note(db, board_id, NOTE_STEPS[i % len(NOTE_STEPS)],
                       NoteDraft(text=f"Note {i}: the deploy went out while the canary was still red"),
                       Credentials(participant_id=people[i % len(people)].id))
    order = {participants.participant_by_token(db, board_id, token).id: index
             for index, token in enumerate(tokens)}
    board_notes = [(note.id, note.step_key, order[note.author_id], note.version)
                   for note in notes.list_notes(db, board_id) if note.author_id in order]
    db.close()
    return board_id, tokens, key, board_notes


async def notes_run(port: int, cpu, board_id: str, tokens: list[str], key: str, board_notes, args) -> Run:
    tabs = await tickets(port, board_id, [tokens[0], *tokens], key)  # tab i + 1 is token i
    # Only a note's author edits it, from their own tab.
    board_notes = [note for note in board_notes if note[2] + 1 < len(tabs)]
    path = f"/api/boards/{board_id}/actions"
    latest = {"revision": 0}
    versions = {note_id: version for note_id, _, _, version in board_notes}

    def send(tab: int, kind: str, **fields):
        return post(port, path, {"ticket": tabs[tab].ticket, "facilitator_key": "", "type": kind, **fields})

    async def warm_up() -> None:
        status, answer = await send(1, "add_note", step_key="detect", text="Warm-up")
        latest["revision"] = answer["view"]["revision"]

    async def change(k: int):
        note_id, step, author, _ = board_notes[(k * 7) % len(board_notes)]
        if k % 2 == 0:
            kind, tab = "move_note", 1 + (k % (len(tabs) - 1))
            fields = {"note_id": note_id, "step_key": NOTE_STEPS[(NOTE_STEPS.index(step) + 1 + k)
                                                                  % len(NOTE_STEPS)],
                      "revision": latest["revision"]}
        else:
            kind, tab = "edit_note", author + 1
            fields = {"note_id": note_id, "text": f"Edited {k}: the canary was red for ten minutes",
                      "version": versions[note_id]}
        status, answer = await send(tab, kind, **fields)
        if status == 200:
            latest["revision"] = max(latest["revision"], answer["view"]["revision"])
            if kind == "edit_note":
                versions[note_id] += 1
        return tab, kind, status, answer

    return await follow("board: notes", port, len(tabs),
                        lambda tab: f"/api/boards/{board_id}/stream?ticket={tabs[tab.index].stream_ticket}",
                        warm_up, change, changes=args.notes_changes, interval=args.notes_interval,
                        timeout=args.change_timeout, cpu=cpu)


async def trivial_run(port: int, cpu, n: int, changes: int, interval: float, timeout: float) -> Run:
    async def poke(k: int = -1):
        status, answer = await post(port, "/api/poke", {"k": k})
        return 0, "poke", status, answer

    return await follow("trivial SSE app", port, n, lambda tab: "/api/stream", poke, poke,
                        changes=changes, interval=interval, timeout=timeout, cpu=cpu)


# --- the figures ----------------------------------------------------------------------------


def size(count: float) -> str:
    return f"{count:.0f} B" if count < 1024 else f"{count / 1024:.1f} KiB"


def sizes(run: Run) -> str:
    """Bytes of each view event as sent, what came back for Accept-Encoding: gzip,
    and what gzip would make of the same events."""
    views = [view for view in run.views[1] if view]
    if not views:
        return "no view events"
    encodings = sorted({tab.encoding for tab in run.tabs})
    plain = statistics.median(len(view) for view in views)
    alone = statistics.median(len(gzip.compress(view, 6)) for view in views)
    deflate = zlib.compressobj(6, zlib.DEFLATED, 31)
    flushed = [len(deflate.compress(view) + deflate.flush(zlib.Z_SYNC_FLUSH)) for view in views]
    wire = sum(tab.bytes_read for tab in run.tabs) / max(1, sum(len(views) for views in run.views))
    return (f"{size(plain)} per view event (median of {len(views)}; {size(wire)} on the wire "
            f"per event, pings included); Accept-Encoding: gzip answered with Content-Encoding: "
            f"{', '.join(encodings)}; gzip would make it {size(alone)} per event alone, "
            f"{size(statistics.median(flushed[1:] or flushed))} in one gzip stream flushed per event")


def line(run: Run) -> str:
    delivered = "yes" if run.undelivered == 0 else f"no: {run.undelivered} tab-deliveries missing"
    return (f"| {run.label} | {run.n} | {len(run.latencies)} | {percentiles(run.latencies)} "
            f"| {delivered} | {percentiles(run.acks)} | {100 * run.server_cpu:.0f} % "
            f"| {100 * run.server_waited:.0f} % "
            f"| {100 * run.client_cpu:.0f} % | {len(run.failures)} |")


def per_kind(run: Run) -> list[str]:
    rows = []
    for kind in dict.fromkeys(run.kinds):
        values = [v for k, v in zip(run.kinds, run.latencies) if k == kind]
        rows.append(f"  {kind}: {percentiles(values)} ({len(values)} changes)")
    return rows


def table(title: str, runs: list[Run]) -> None:
    print()
    print(title)
    print()
    print("| app | tabs | changes | change reaching every other tab p50 / p95 / max | every change delivered? "
          "| own change acknowledged p50 / p95 / max | server CPU (% of a core) "
          "| server threads waiting for a CPU (% of the time) | client CPU | failures |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for run in runs:
        print(line(run))
    for run in runs:
        for failure in run.failures[:5]:
            print(f"  {run.label}: {failure}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["parts", "notes"])
    parser.add_argument("--participants", type=int, default=50)
    parser.add_argument("--parts-changes", type=int, default=36)
    parser.add_argument("--parts-interval", type=float, default=0.5)
    parser.add_argument("--notes", type=int, default=300)
    parser.add_argument("--notes-changes", type=int, default=60)
    parser.add_argument("--notes-interval", type=float, default=0.2)
    parser.add_argument("--change-timeout", type=float, default=10.0)
    args = parser.parse_args()
    print(f"Load average (1, 5, 15 min) at the start: {load_average()}", flush=True)
    n = args.participants
    with tempfile.TemporaryDirectory(prefix="parts-bench-") as folder:
        folder = Path(folder)
        trivial = folder / "trivial" / "trivial_app.py"
        trivial.parent.mkdir()
        trivial.write_text(textwrap.dedent(TRIVIAL_APP))
        if args.only in (None, "parts"):
            target = str(folder / "parts.db")
            board_id, tokens, key, factors = prepare_parts_board(target, n)
            runs = [bench(ROOT / "app.py", target, folder / "parts.log",
                          lambda port, cpu: parts_run(port, cpu, board_id, tokens[:n], key, factors, args)),
                    bench(trivial, str(folder / "trivial-a.db"), folder / "trivial-a.log",
                          lambda port, cpu: trivial_run(port, cpu, n, args.parts_changes, args.parts_interval,
                                                   args.change_timeout))]
            table(f"1. Edits of the meeting's parts on a board in Discuss, {n} tabs, one every "
                  f"{args.parts_interval} s (target: p95 <= 150 ms)", runs)
            print("Per kind of edit, every other tab p50 / p95 / max:")
            print("\n".join(per_kind(runs[0])))
            print(f"View event size: {sizes(runs[0])}")
        if args.only in (None, "notes"):
            target = str(folder / "notes.db")
            board_id, tokens, key, board_notes = prepare_notes_board(target, n, args.notes)
            runs = [bench(ROOT / "app.py", target, folder / "notes.log",
                          lambda port, cpu: notes_run(port, cpu, board_id, tokens[:n - 1], key, board_notes, args)),
                    bench(trivial, str(folder / "trivial-b.db"), folder / "trivial-b.log",
                          lambda port, cpu: trivial_run(port, cpu, n, args.notes_changes, args.notes_interval,
                                                   args.change_timeout))]
            table(f"2. A {args.notes}-note board in Group, {n} tabs, a note moved or edited every "
                  f"{args.notes_interval} s (target: p95 <= 100 ms)", runs)
            print("Per kind of change, every other tab p50 / p95 / max:")
            print("\n".join(per_kind(runs[0])))
            print(f"Board view event: {sizes(runs[0])}")
            print(f"Trivial app event: {sizes(runs[1])}")
    print()
    print("\n".join(machine()))
    print(f"Load average (1, 5, 15 min) at the end: {load_average()}")


def waited(pid: int) -> float:
    """Seconds the process's threads have spent ready to run while no CPU was
    free for them (/proc/<pid>/task/*/schedstat, second field; threads that
    ended are not counted)."""
    total = 0
    for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        try:
            total += int(stat.read_text().split()[1])
        except (OSError, IndexError, ValueError):
            pass
    return total / 1e9


def bench(script: Path, db_path: str, log_path: Path, body) -> Run:
    server = start(script, db_path, log_path)
    try:
        run = asyncio.run(body(int(server.url.rsplit(":", 1)[1]),
                               lambda: (server.cpu_seconds(), waited(server.pid))))
    finally:
        stop_server(server)
    run.failures += server_log_problems(log_path)
    print(f"{run.label}: every other tab {percentiles(run.latencies)}, ack {percentiles(run.acks)}", flush=True)
    return run


if __name__ == "__main__":
    main()

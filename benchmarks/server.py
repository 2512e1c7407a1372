"""The real server for benchmarks: start it on a free loopback port, stop it,
read its log, and describe the machine the figures came from."""

from __future__ import annotations

import os
import platform
import re
import secrets
import socket
import subprocess
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import streamlit

ROOT = Path(__file__).resolve().parents[1]
CLK_TCK = os.sysconf("SC_CLK_TCK")


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
        f"{platform.system()} {platform.release()}",
        f"App: commit {head}{' + uncommitted changes' if dirty else ''}, "
        f"runner.postScriptGC={str(gc).lower()}",
    ]


@contextmanager
def fresh_database(kind: str, folder: Path, name: str, postgres_url: str | None) -> Iterator[str]:
    """A new database for one run: a SQLite file in `folder`, or a new schema
    on the PostgreSQL server at `postgres_url` (dropped afterwards)."""
    if kind == "sqlite":
        yield str(folder / f"{name}.db")
        return
    import psycopg

    schema = "bench_" + secrets.token_hex(4)
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in postgres_url else "?"
    try:
        yield f"{postgres_url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")

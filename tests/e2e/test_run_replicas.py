"""deploy/run-replicas: N app processes on consecutive ports, started and stopped together."""

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.e2e.conftest import ROOT, eventually, wait_healthy

SCRIPT = ROOT / "deploy" / "run-replicas"
SECRET = "s" * 32


def consecutive_free_ports(count: int) -> int:
    """The first of `count` free ports in a row."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            for port in range(first, first + count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError("no free ports in a row")


def environment(db: Path, **extra: str) -> dict[str, str]:
    # The script runs `python3 -m streamlit`: this interpreter's, as from an activated virtualenv.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {k: v for k, v in os.environ.items() if k != "STREAMLIT_SERVER_COOKIE_SECRET"}
    return {**env, "PATH": path, "POSTMORTEM_CANVAS_DB": str(db), **extra}


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return json.load(response) == {"ok": True, "database": "reachable"}
    except OSError:
        return False


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def wait_until_silent(ports: list[int], timeout: float = 15) -> None:
    eventually(lambda: not any(answers(port) for port in ports), timeout, "a process still answers")


def test_without_a_shared_cookie_secret_it_refuses_to_start(tmp_path):
    result = subprocess.run([str(SCRIPT), "2", "8501"], env=environment(tmp_path / "x.db"),
                            capture_output=True, text=True, timeout=10)
    assert result.returncode != 0
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in result.stderr
    assert not (tmp_path / "x.db").exists()


def start_two(db: Path) -> tuple[subprocess.Popen, list[int]]:
    """deploy/run-replicas starting two processes; returns it once both are healthy."""
    first = consecutive_free_ports(2)
    ports = [first, first + 1]
    script = subprocess.Popen([str(SCRIPT), "2", str(first)],
                              env=environment(db, STREAMLIT_SERVER_COOKIE_SECRET=SECRET),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for port in ports:
            wait_healthy(port, script)
    except BaseException:
        script.kill()
        raise
    return script, ports


def test_it_starts_n_processes_that_answer_and_stops_them_all_on_sigterm(tmp_path):
    script, ports = start_two(tmp_path / "board.db")
    try:
        assert all(answers(port) for port in ports)
        assert len(children(script.pid)) == 2
        script.send_signal(signal.SIGTERM)
        assert script.wait(timeout=15) == 143
        wait_until_silent(ports)
    finally:
        if script.poll() is None:
            script.kill()


def test_when_one_process_dies_the_others_are_stopped_too(tmp_path):
    script, ports = start_two(tmp_path / "board.db")
    try:
        os.kill(children(script.pid)[0], signal.SIGKILL)
        assert script.wait(timeout=15) != 0
        wait_until_silent(ports)
    finally:
        if script.poll() is None:
            script.kill()

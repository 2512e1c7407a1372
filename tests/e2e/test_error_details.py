"""Over the real server: what a browser receives when something fails holds a
sentence, never a stack trace, an exception's text or a server path."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, free_port, settle, start_server, wait_healthy

pytestmark = pytest.mark.e2e

LEAKS = ("Traceback", 'File "', "RuntimeError", "DatabaseError", "OperationalError",
         "site-packages", str(ROOT))


def received(page) -> list[bytes]:
    """Every websocket frame the page receives from now on (Streamlit's protobuf)."""
    frames: list[bytes] = []

    def on_socket(socket) -> None:
        socket.on("framereceived", lambda payload: frames.append(
            payload if isinstance(payload, bytes) else payload.encode()))

    page.on("websocket", on_socket)
    return frames


def assert_no_leak(frames: list[bytes], main_script: Path, *secrets: str) -> None:
    sent = b"".join(frames)
    assert sent, "the server sent nothing"
    # Streamlit names the main script in every new session (its protocol, not
    # an error); any other path of the server would be a leak.
    sent = sent.replace(str(main_script).encode(), b"")
    for leak in (*LEAKS, *secrets):
        assert leak.encode() not in sent, f"the browser received {leak!r}"


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def test_an_unreadable_database_shows_a_sentence_and_sends_no_traceback(tmp_path, new_person):
    foreign = tmp_path / "foreign.db"
    foreign.write_text("these are meeting notes, not a database\n" * 200)
    port = free_port()
    server = start_server(foreign, port)
    try:
        wait_healthy(port, server)
        page = new_person()
        frames = received(page)
        page.goto(f"http://127.0.0.1:{port}/")
        settle(page)
        alert = page.locator("[data-testid=stAlertContentError]")
        alert.wait_for()
        assert "cannot read its database" in alert.inner_text()
        assert_no_leak(frames, ROOT / "app.py", str(tmp_path))
    finally:
        stop(server)


def test_an_error_nobody_caught_reaches_the_browser_without_its_details(tmp_path, new_person):
    # The app's own settings file, beside a script that fails: what Streamlit
    # itself sends for an uncaught error under this configuration.
    (tmp_path / ".streamlit").mkdir()
    shutil.copy(ROOT / ".streamlit" / "config.toml", tmp_path / ".streamlit" / "config.toml")
    script = tmp_path / "failing.py"
    script.write_text("import streamlit as st\nst.write('before')\n"
                      "raise RuntimeError('secret value at /srv/private/keys')\n")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
         "--server.address", "127.0.0.1"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_healthy(port, server)
        page = new_person()
        frames = received(page)
        page.goto(f"http://127.0.0.1:{port}/")
        settle(page)
        page.locator("[data-testid=stException]").wait_for()
        assert "redacted" in page.locator("[data-testid=stException]").inner_text()
        assert_no_leak(frames, script, "secret value", "/srv/private", str(tmp_path))
    finally:
        stop(server)
    # The details went to the server's log instead.
    assert b"secret value at /srv/private/keys" in server.stdout.read()

"""A real server on a free port against a temp database, and real Chromium."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
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
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: apt-get install chromium")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


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


def wait_healthy(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stdout.read().decode(errors="replace"))
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("streamlit did not become healthy")


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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Base URL of a running app; the database file is at `server.db`."""
    db_path = tmp_path_factory.mktemp("e2e") / "e2e.db"
    with app_server(db_path) as (port, _):
        yield Server(f"http://127.0.0.1:{port}", db_path)


class Server:
    def __init__(self, url: str, db: Path):
        self.url = url
        self.db = db


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_person(browser):
    """Open a fresh browser context (a separate person with their own storage)."""
    contexts = []

    def make(width: int = 1400, height: int = 1000):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def settle(page) -> None:
    """Wait until Streamlit has finished rerunning the script for this page."""
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    # A rerun can be queued right after the previous one finished (a widget
    # reporting its value); give it a moment to start, then wait again.
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")


def shoot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def create_board(page, base_url: str, title: str, name: str) -> str:
    """Create a board from the home page; returns its share link."""
    page.goto(base_url)
    settle(page)
    page.locator(".st-key-home_title input").fill(title)
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

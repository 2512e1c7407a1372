"""Two app processes on one database behind nginx, with the shipped deploy/nginx.conf.

The database is $POSTMORTEM_CANVAS_TEST_PG (a postgresql:// URL) when set,
otherwise one SQLite file that both processes share.
"""

import os
import pwd
import re
import secrets
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.databases import PG_ENV, postgres_schema
from tests.e2e.conftest import (
    ROOT, create_board, eventually, free_port, join, new_context, shoot, start_server, wait_healthy,
)

pytestmark = pytest.mark.e2e

NGINX = Path("/usr/sbin/nginx")
SITE = ROOT / "deploy" / "nginx.conf"
STICKY_COOKIE = "pmc_upstream"
# A change travels browser -> one process -> database -> the other process -> stream.
LIVE = 10_000

if not NGINX.exists():
    if os.environ.get("CI"):
        pytest.fail(f"the replica tests need nginx at {NGINX} (apt-get install nginx)", pytrace=False)
    pytest.skip(f"no nginx at {NGINX}: apt-get install nginx", allow_module_level=True)


# --- the shipped config, rendered to free ports -----------------------------------


def render_site(listen_port: int, app_ports: list[int]) -> str:
    """deploy/nginx.conf with its `listen` line and upstream `server` lines
    replaced; fails loudly if the file no longer has them."""
    text = SITE.read_text()
    text, listens = re.subn(r"(?m)^(\s*)listen 80;$", rf"\g<1>listen 127.0.0.1:{listen_port};", text)
    servers = re.findall(r"(?m)^\s*server 127\.0\.0\.1:\d+;\n", text)
    assert listens == 1 and len(servers) >= 2, "deploy/nginx.conf lost its listen or server lines"
    indent = re.match(r"\s*", servers[0]).group(0)
    ours = "".join(f"{indent}server 127.0.0.1:{port};\n" for port in app_ports)
    text = text.replace("".join(servers), ours, 1)
    assert ours in text, "the upstream's server lines are no longer together"
    return text


def main_config(folder: Path) -> str:
    """The rest of an nginx.conf around the site file, all inside `folder`."""
    temp = "\n".join(f"    {kind}_temp_path {folder / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    # Run as root (CI), nginx's workers would switch to an account that cannot
    # write the temp folders; `user` is ignored, with a warning, otherwise.
    return (f"daemon off;\nuser {pwd.getpwuid(os.geteuid()).pw_name};\nworker_processes 1;\n"
            f"pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n"
            f"events {{ worker_connections 256; }}\n"
            f"http {{\n    log_format upstreams '$cookie_{STICKY_COOKIE} $upstream_addr $status $uri';\n"
            f"    access_log {folder / 'access.log'} upstreams;\n{temp}\n"
            f"    include {folder / 'site.conf'};\n}}\n")


def start_nginx(folder: Path, listen_port: int, app_ports: list[int]) -> subprocess.Popen:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.conf").write_text(render_site(listen_port, app_ports))
    (folder / "nginx.conf").write_text(main_config(folder))
    command = [str(NGINX), "-p", str(folder), "-c", str(folder / "nginx.conf"),
               "-e", str(folder / "error.log")]
    checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str]]:
    """Status and headers (lower-case names); Set-Cookie as one string."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Replicas:
    url: str
    upstreams: list[str]
    folder: Path
    # Cookie values nginx hashes onto each upstream, found by asking it.
    cookie_for: dict[str, str] = field(default_factory=dict)


@contextmanager
def shared_database(folder: Path) -> Iterator[str]:
    """A new PostgreSQL schema when the tests have a server, else a SQLite
    file. Not migrated: both processes start at once and each migrates it."""
    if not os.environ.get(PG_ENV):
        yield str(folder / "shared.db")
        return
    with postgres_schema(migrated=False) as url:
        yield url


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    folder = tmp_path_factory.mktemp("replicas")
    with shared_database(folder) as database:
        yield from _replicas(folder, database)


def _replicas(folder: Path, database: str):
    # Every process must sign cookies with the same secret.
    env = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32)}
    app_ports = [free_port(), free_port()]
    apps = [start_server(database, port, env) for port in app_ports]
    nginx = None
    try:
        for port, app in zip(app_ports, apps):
            wait_healthy(port, app)
        listen = free_port()
        nginx = start_nginx(folder / "nginx", listen, app_ports)
        url = f"http://127.0.0.1:{listen}"

        def answers() -> bool:
            assert nginx.poll() is None, nginx.stdout.read().decode(errors="replace")
            try:
                return get(f"{url}/healthz")[0] == 200
            except OSError:
                return False

        eventually(answers, 10, "nginx did not answer")
        found = Replicas(url, [f"127.0.0.1:{port}" for port in app_ports], folder / "nginx")
        for n in range(200):
            value = f"person-{n}"
            upstream = get(f"{url}/healthz", f"{STICKY_COOKIE}={value}")[1]["x-upstream"]
            found.cookie_for.setdefault(upstream, value)
            if len(found.cookie_for) == len(app_ports):
                break
        yield found
    finally:
        if nginx is not None:
            stop(nginx)
        for app in apps:
            stop(app)


# --- nginx, without a browser --------------------------------------------------------


def test_both_processes_answer_healthz_through_nginx_each_cookie_always_to_the_same(replicas):
    assert sorted(replicas.cookie_for) == sorted(replicas.upstreams)
    for upstream, value in replicas.cookie_for.items():
        for _ in range(6):
            status, headers = get(f"{replicas.url}/healthz", f"{STICKY_COOKIE}={value}")
            assert (status, headers["x-upstream"]) == (200, upstream)


def test_the_first_response_sets_the_cookie_that_keeps_a_browser_on_its_process(replicas):
    status, headers = get(f"{replicas.url}/")
    assert status == 200
    cookie = headers["set-cookie"]
    assert re.fullmatch(rf"{STICKY_COOKIE}=[0-9a-f]{{32}}; Path=/; HttpOnly; SameSite=Lax", cookie)
    first = headers["x-upstream"]
    sticky = cookie.split(";")[0]
    for path in ("/", "/healthz", "/_stcore/health", "/_stcore/host-config"):
        status, headers = get(f"{replicas.url}{path}", sticky)
        assert (status, headers["x-upstream"]) == (200, first), path
        # Once the browser has the cookie, nginx does not set it again.
        assert "set-cookie" not in headers or STICKY_COOKIE not in headers["set-cookie"]


# --- two people on two processes, in Chromium ----------------------------------------


def person(browser, replicas: Replicas, upstream: str, size: tuple[int, int]):
    """A browser context pinned to `upstream`, and the upstreams that served it."""
    context = new_context(browser, *size)
    context.add_cookies([{"name": STICKY_COOKIE, "value": replicas.cookie_for[upstream],
                          "url": replicas.url}])
    served: list[tuple[str, str]] = []

    def record(response) -> None:
        if response.url.startswith(replicas.url + "/"):  # not blob: or data: addresses
            served.append((response.url, response.headers.get("x-upstream", "")))

    context.on("response", record)
    return context, context.new_page(), served


def write(page, text: str) -> None:
    area = page.locator('.pc-column[data-step="detect"] textarea')
    area.fill(text)
    area.press("Enter")
    expect(area).to_have_value("")


def test_notes_written_through_one_process_appear_live_on_the_other(replicas, browser):
    upstream_a, upstream_b = replicas.upstreams
    context_a, ann, served_a = person(browser, replicas, upstream_a, (1440, 900))
    context_b, bob, served_b = person(browser, replicas, upstream_b, (1024, 768))
    try:
        share = create_board(ann, replicas.url, "Replicas behind nginx", "Ann")
        assert share.startswith(replicas.url + "/?board=")
        join(bob, share, "Bob")
        for page in (ann, bob):
            expect(page.locator(".pc-connection-live")).to_be_visible(timeout=LIVE)
        # Notes are private while people write: move on to Group, where everyone sees them.
        ann.locator(".pc-facilitation").get_by_role("button", name="Group ▶").click()
        for page in (ann, bob):
            expect(page.locator('.pc-step[aria-current="step"]')).to_have_text("Group", timeout=LIVE)
        # A page that reloads loses this mark.
        for page in (ann, bob):
            page.evaluate("window.pmcStayed = true")

        write(ann, "Written through the first process")
        expect(bob.locator(".pc-note", has_text="Written through the first process")).to_be_visible(
            timeout=LIVE)
        write(bob, "Written through the second process")
        expect(ann.locator(".pc-note", has_text="Written through the second process")).to_be_visible(
            timeout=LIVE)
        for page in (ann, bob):
            assert page.evaluate("window.pmcStayed") is True

        shoot(ann, "replicas-ann-1440x900")
        shoot(bob, "replicas-bob-1024x768")
    finally:
        context_a.close()
        context_b.close()

    # Every response each person got came from their own process, the live
    # board's event stream and actions included.
    for served, upstream in ((served_a, upstream_a), (served_b, upstream_b)):
        assert {u for _, u in served} == {upstream}
        assert any(re.search(r"/api/boards/[^/]+/stream\?", url) for url, _ in served)
        assert any(re.search(r"/api/boards/[^/]+/actions$", url) for url, _ in served)
    assert upstream_a != upstream_b
    # The WebSockets too, which the browser's response events do not show:
    # nginx logs each when it closes.
    for upstream in (upstream_a, upstream_b):
        expected = f"{replicas.cookie_for[upstream]} {upstream} 101 /_stcore/stream"
        sockets = eventually(lambda: websockets_of(replicas, replicas.cookie_for[upstream]), 10,
                             "nginx logged no WebSocket")
        assert set(sockets) == {expected}


def websockets_of(replicas: Replicas, cookie: str) -> list[str]:
    lines = (replicas.folder / "access.log").read_text().splitlines()
    return [line for line in lines if line.startswith(cookie + " ") and line.endswith(" /_stcore/stream")]


def test_nginx_logged_no_errors(replicas):
    log = (replicas.folder / "error.log").read_text()
    assert not re.search(r"\[(error|crit|alert|emerg)\]", log), log

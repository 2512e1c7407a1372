"""Importing a Jira backlog: a paginated JQL search of N issues, timed.

    python benchmarks/jira_import.py                    # 500 issues, Cloud and Data Center
    python benchmarks/jira_import.py --issues 50 --repeats 1

The import a refinement board runs (JiraAgile.search, as the board calls it)
against the emulated Jira site of the tests (tests/jira_agile_emulator.py) on
loopback, seeded with --issues issues and answering 100 a page, as Jira Cloud
does with fields asked for: Cloud's /rest/api/3/search/jql paged by
nextPageToken, Data Center's /rest/api/2/search paged by startAt. The site's
field list and flavour are read once before timing, as a board that is
already open has them.

Beside it, two baselines on the very same pages (the bytes the site sent,
recorded after the timed runs):
- the pages parsed from memory and made into cards: the client's own work,
  with no HTTP at all;
- the pages fetched from a static loopback server that only hands out those
  bytes, then parsed and made into cards: the floor HTTP on this machine
  puts under any import.
The difference between the import and the second baseline is what the
emulated site and the client's request handling add.

The emulator runs in this process and shares its CPU: it is a stand-in for
Jira, whose own time over the internet will dominate a real import (tens to
hundreds of milliseconds a page). Figures are printed, never asserted: a
benchmark, not a test. The load average is printed at the start and the
end: the machine may be doing other work.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from integrations.jira_agile import JiraAgile  # noqa: E402
from tests.jira_agile_emulator import JiraAgileEmulator  # noqa: E402

JQL = "project = OPS ORDER BY rank ASC"


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def figures(seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return f"median {statistics.median(ms):7.1f} ms   min {min(ms):7.1f} ms   max {max(ms):7.1f} ms"


def timed(run, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


class StaticPages:
    """A loopback server that answers each recorded path with its recorded bytes."""

    def __init__(self, pages: dict[str, bytes]):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                data = pages[self.path]
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def recorded_pages(jira: JiraAgileEmulator, count: int) -> dict[str, bytes]:
    """The last `count` search pages the site answered, fetched again as they were."""
    searched = [(path, query) for path, query in jira.queries if "/search" in path][-count:]
    headers = {"Authorization": jira.headers_seen[-1]["Authorization"], "Accept": "application/json"}
    pages = {}
    for path, query in searched:
        address = f"{path}?{urllib.parse.urlencode(query)}"
        with urllib.request.urlopen(urllib.request.Request(jira.url + address, headers=headers)) as answer:
            pages[address] = answer.read()
    return pages


def run(cloud: bool, issues: int, repeats: int) -> list[tuple[str, str]]:
    with JiraAgileEmulator(cloud=cloud, search_page_size=100) as jira:
        jira.seed(issues)
        agile = JiraAgile(jira.env())
        agile.story_points_field()
        assert agile.cloud == cloud
        before = len(jira.requests)
        count = len(agile.search(JQL))
        pages_per_import = len(jira.requests) - before
        if count != issues:
            raise SystemExit(f"the search found {count} issues, not {issues}")
        imported = timed(lambda: agile.search(JQL), repeats)
        pages = recorded_pages(jira, pages_per_import)

        def parse(bodies):
            cards = [agile._card(issue) for body in bodies for issue in json.loads(body)["issues"]]
            assert len(cards) == issues

        from_memory = timed(lambda: parse(pages.values()), repeats)
        static = StaticPages(pages)
        try:
            def fetch_and_parse():
                bodies = []
                for address in pages:
                    with urllib.request.urlopen(static.url + address) as answer:
                        bodies.append(answer.read())
                parse(bodies)
            from_static = timed(fetch_and_parse, repeats)
        finally:
            static.close()
    name = "Cloud (search/jql, nextPageToken)" if cloud else "Data Center (search, startAt)"
    size = sum(len(body) for body in pages.values())
    plural = "s" * (pages_per_import > 1)
    return [
        (f"{name}: import of {issues} issues, {pages_per_import} page{plural}, {size / 1024:.0f} KiB",
         figures(imported)),
        ("  baseline: the same pages parsed from memory into cards", figures(from_memory)),
        ("  baseline: the same pages from a static loopback server, parsed", figures(from_static)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--flavour", choices=("cloud", "datacenter", "both"), default="both")
    args = parser.parse_args()
    if args.issues < 1 or args.repeats < 1:
        parser.error("--issues and --repeats must be at least 1")
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
          f"load average (1, 5, 15 min) at the start: {load_average()}", flush=True)
    flavours = {"cloud": [True], "datacenter": [False], "both": [True, False]}[args.flavour]
    rows = [row for cloud in flavours for row in run(cloud, args.issues, args.repeats)]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print(f"{args.repeats} runs each. Load average at the end: {load_average()}")


if __name__ == "__main__":
    main()

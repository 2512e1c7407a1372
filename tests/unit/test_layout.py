"""The house rules of the code's layout, read from the source itself:
canvas/ is pure, the project's modules import without cycles, pages/ and web/ hold no SQL."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The project's own code: every module here is a node of the import graph.
PACKAGES = ("canvas", "storage", "pages", "web", "integrations", "benchmarks")
TOP_LEVEL_MODULES = ("app.py", "postmortem_canvas.py")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, wherever the import stands: at the top,
    inside a function, or under `if TYPE_CHECKING:`. An import deferred into
    a function or kept for type checking still makes the two modules depend
    on each other; it only hides that from the interpreter."""
    tree = ast.parse(path.read_text(), filename=str(path))
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # `from . import x` inside package a.b is `from a.b import x`
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*parts, *([module] if module else [])])
            found.add(module)
            # `from storage import votes` imports storage.votes.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(files: list[Path]) -> dict[str, set[str]]:
    """Module -> the modules among `files` it imports (its own name left out)."""
    names = {module_name(path) for path in files}
    return {module_name(path): {m for m in imported_modules(path) if m in names} - {module_name(path)}
            for path in files}


def package_graph(package: str) -> dict[str, set[str]]:
    return import_graph(sorted((ROOT / package).rglob("*.py")))


def project_files() -> list[Path]:
    files = [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]
    return files + [ROOT / name for name in TOP_LEVEL_MODULES]


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return visiting[visiting.index(node):] + [node]
        if node in done:
            return None
        visiting.append(node)
        for target in sorted(graph.get(node, ())):
            if cycle := visit(target):
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        if cycle := visit(node):
            return cycle
    return None


def all_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each group of modules that import each other, so a
    failure names every circle at once rather than the first found."""
    cycles = []
    remaining = dict(graph)
    while cycle := find_cycle(remaining):
        cycles.append(cycle)
        tangled = set(cycle)
        remaining = {node: targets - tangled for node, targets in remaining.items()
                     if node not in tangled}
    return cycles


def test_find_cycle_sees_a_loop_and_passes_a_tree():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_imports_under_type_checking_and_inside_functions_are_edges(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.b import B\n")
    (tmp_path / "pkg" / "b.py").write_text("def f():\n    from . import a\n")
    graph = import_graph(sorted((tmp_path / "pkg").rglob("*.py")))
    assert graph["pkg.a"] == {"pkg.b"} and graph["pkg.b"] == {"pkg", "pkg.a"}
    assert all_cycles(graph) == [["pkg.a", "pkg.b", "pkg.a"]]


def test_the_project_imports_without_a_cycle():
    """No module of canvas/, storage/, pages/, web/, integrations/, benchmarks/,
    app.py or postmortem_canvas.py reaches itself through its imports.

    Every import counts: at the top, inside a function and under `if
    TYPE_CHECKING:`. A circle that only a function-local or type-checking
    import keeps from failing at start-up is still two modules that cannot be
    understood, tested or moved apart; the shared part belongs in a third."""
    graph = import_graph(project_files())
    assert {"storage.votes", "canvas.session.phases", "pages.shared.widgets", "web.routes", "app"} <= set(graph)
    assert all_cycles(graph) == []


def test_canvas_imports_neither_streamlit_nor_a_database_library():
    forbidden = ("streamlit", "sqlite3", "sqlalchemy", "psycopg", "storage", "pages")
    offenders = {
        module_name(path): sorted(m for m in imported_modules(path) if m.split(".")[0] in forbidden)
        for path in (ROOT / "canvas").rglob("*.py")
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_pages_speak_no_sql():
    offenders = {
        module_name(path): sorted(m for m in imported_modules(path)
                                  if m.split(".")[0] in ("sqlite3", "sqlalchemy", "psycopg"))
        for path in [*(ROOT / "pages").rglob("*.py"), ROOT / "app.py"]
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_the_web_edge_speaks_no_sql_and_asks_storage():
    """web/ turns requests into calls of storage/ and canvas/; it opens no
    database itself, and nothing beneath it reaches back up into it."""
    sql = ("sqlite3", "sqlalchemy", "psycopg")
    speaking = {
        module_name(path): sorted(m for m in imported_modules(path) if m.split(".")[0] in sql)
        for path in (ROOT / "web").rglob("*.py")
    }
    assert {name: mods for name, mods in speaking.items() if mods} == {}
    assert "storage" in {m.split(".")[0] for path in (ROOT / "web").rglob("*.py") for m in imported_modules(path)}
    reaching_up = {
        module_name(path): sorted(m for m in imported_modules(path) if m.split(".")[0] in ("web", "pages"))
        for package in ("canvas", "storage") for path in (ROOT / package).rglob("*.py")
    }
    assert {name: mods for name, mods in reaching_up.items() if mods} == {}


def test_every_url_is_listed_in_web_routes():
    """Only web/routes.py makes a Route; app.py hands its list to st.App."""
    makers = sorted(module_name(path) for path in [*(ROOT / "web").rglob("*.py"), *(ROOT / "pages").rglob("*.py")]
                    for node in ast.walk(ast.parse(path.read_text()))
                    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Route")
    assert makers == ["web.routes"] * len(makers) and makers


def test_every_named_error_lives_in_canvas_errors_but_the_phase_refusal_beside_its_table():
    import importlib
    import pkgutil

    from canvas.errors import CanvasError

    for package in ("canvas", "storage"):
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
            importlib.import_module(info.name)
    found, queue = set(), [CanvasError]
    while queue:
        for sub in queue.pop().__subclasses__():
            found.add(sub)
            queue.append(sub)
    assert len(found) > 10
    assert sorted(f"{e.__module__}.{e.__name__}" for e in found
                  if e.__module__ != "canvas.errors") == ["canvas.session.phases.PhaseForbids"]


def test_what_pages_share_is_split_by_job_without_cycles():
    graph = package_graph("pages")
    shared = {name: targets for name, targets in graph.items() if name.startswith("pages.shared.")}
    assert {"pages.shared.board_page", "pages.shared.feedback", "pages.shared.identity"} <= set(shared)
    assert not (ROOT / "pages" / "common.py").exists()
    assert find_cycle(shared) is None


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen, queue = set(), [start]
    while queue:
        for target in graph.get(queue.pop(), ()):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return seen


def test_the_board_models_stand_on_foundations_not_on_the_timeline():
    """canvas/models.py takes its dates and zones from canvas/dates.py, and
    nothing it imports reaches the timeline or the exports."""
    reached = reachable(package_graph("canvas"), "canvas.models")
    assert "canvas.dates" in reached
    assert sorted(m for m in reached if m.startswith(("canvas.incident", "canvas.exports"))) == []


def test_every_date_input_offers_the_supported_range_from_one_place():
    """Pages ask widgets.date_picker for a date, which bounds it by canvas/dates.py;
    a page calling Streamlit's date_input itself could offer days a board refuses."""
    callers = sorted(module_name(path) for path in (ROOT / "pages").rglob("*.py")
                     for node in ast.walk(ast.parse(path.read_text()))
                     if isinstance(node, ast.Attribute) and node.attr == "date_input")
    assert callers == ["pages.shared.widgets"]


def test_storage_speaks_sql_and_leaves_outside_services_to_integrations():
    """Tracker and webhook clients live in integrations/; storage/ makes no
    HTTP request and does not reach for a client."""
    outside = ("integrations", "urllib.request", "urllib.error", "http", "socket", "ssl",
               "httpx", "requests", "starlette")
    offenders = {
        module_name(path): sorted(m for m in imported_modules(path)
                                  if any(m == o or m.startswith(o + ".") for o in outside))
        for path in (ROOT / "storage").rglob("*.py")
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}
    assert (ROOT / "integrations" / "trackers.py").exists()


PHASE_NAMES = "write|group|vote|discuss|closed"
# A comparison with a phase's name, whichever side it stands on:
# `board.phase === "vote"`, `"vote" !== view.board.phase`, `phase == 'group'`.
PHASE_DECISION = re.compile(
    rf"""phase[A-Za-z_.\]\["']*\s*[!=]==?\s*['"`]({PHASE_NAMES})['"`]"""
    rf"""|['"`]({PHASE_NAMES})['"`]\s*[!=]==?\s*[A-Za-z_.]*phase"""
    # a switch on the phase, or a lookup of a phase's name in a list
    rf"""|switch\s*\([^)]*phase|case\s+['"`]({PHASE_NAMES})['"`]"""
    rf"""|\[[^\]]*['"`]({PHASE_NAMES})['"`][^\]]*\]\s*\.\s*includes\s*\(""",
    re.IGNORECASE,
)


def test_the_live_canvas_decides_nothing_by_the_name_of_a_phase():
    """Which controls the board offers is the server's decision, sent as flags;
    the canvas may draw a phase's name, never branch on it."""
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "pages" / "live").glob("*.js"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if PHASE_DECISION.search(line)
    ]
    assert found == []

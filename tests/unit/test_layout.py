"""The house rules of the code's layout, read from the source itself:
canvas/ is pure, storage/ imports without cycles, pages/ hold no SQL."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function (not the
    ones imported only for type checking, which never run)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    typing_only = {id(inner) for node in ast.walk(tree)
                   if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
                   for inner in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from storage import votes` imports storage.votes.
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_graph(package: str) -> dict[str, set[str]]:
    files = sorted((ROOT / package).rglob("*.py"))
    names = {module_name(path) for path in files}
    return {module_name(path): {m for m in imported_modules(path) if m in names} - {module_name(path)}
            for path in files}


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


def test_find_cycle_sees_a_loop_and_passes_a_tree():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_storage_modules_import_each_other_without_a_cycle():
    graph = package_graph("storage")
    assert "storage.votes" in graph
    assert find_cycle(graph) is None


def test_canvas_modules_import_each_other_without_a_cycle():
    assert find_cycle(package_graph("canvas")) is None


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


def test_every_named_error_lives_in_canvas_errors():
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
                  if e.__module__ != "canvas.errors") == []


def test_what_pages_share_is_split_by_job_without_cycles():
    graph = package_graph("pages")
    shared = {name: targets for name, targets in graph.items() if name.startswith("pages.shared.")}
    assert {"pages.shared.board_page", "pages.shared.feedback", "pages.shared.identity"} <= set(shared)
    assert not (ROOT / "pages" / "common.py").exists()
    assert find_cycle(shared) is None

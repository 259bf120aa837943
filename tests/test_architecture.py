"""The layout that docs/architecture.md promises, checked on every module's imports (read with ast, so imports inside
functions count too)."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "events"
DOC = ROOT / "docs" / "architecture.md"
WIRING = {"events", "events.app", "events.cli", "events.asgi", "events.demo", "events.piccolo_conf"}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
# Generated or data-only modules the size rules do not apply to.
SIZE_EXEMPT = re.compile(r"(piccolo_migrations/|/demo\.py$)")
OUTSIDE = "../" + "shared"  # the design folder beside the repository (written so this file does not name it)
REASONED_NOQA = re.compile(r"#\s*noqa:[^#]*PLC0415\s*[-–:]\s*\S")


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    lines: list[str]
    imports: list[tuple[str, int, bool]] = field(default_factory=list)  # (target, line, inside a function)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(name: str, known: set[str]) -> str | None:
    """The longest known module that `name` names (an attribute import names its module)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


@cache
def modules() -> dict[str, Module]:
    found: dict[str, Module] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "piccolo_migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        found[_module_name(path)] = Module(_module_name(path), path, ast.parse(text), text.splitlines())
    known = set(found)
    for module in found.values():
        _collect_imports(module, known)
    return found


def _collect_imports(module: Module, known: set[str]) -> None:
    is_package = module.path.name == "__init__.py"

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            targets: list[str] = []
            if isinstance(child, ast.Import):
                targets = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = module.name.split(".")
                    anchor = anchor if is_package else anchor[:-1]
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [f"{base}.{alias.name}" for alias in child.names]
            for target in targets:
                resolved = _resolve(target, known)
                if resolved and resolved != module.name:
                    module.imports.append((resolved, child.lineno, in_function))
            visit(child, inside)

    visit(module.tree, False)


def domain_of(name: str) -> str:
    """`kernel`, `web`, a domain's name, or `wiring` for the top-level modules."""
    if name in WIRING:
        return "wiring"
    return name.split(".")[1]


@cache
def allowed_edges() -> dict[str, set[str]]:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- domain-table")[1].split("<!-- /domain-table -->")[0]
    allowed: dict[str, set[str]] = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        allowed[cells[0].strip("`")] = set(re.findall(r"`([a-z_]+)`", cells[2]))
    return allowed


def _is_route_module(name: str) -> bool:
    parts = name.split(".")
    return (
        name in ("events.app", "events.cli")
        or parts[-1] in ("routes", "sockets", "plugin")
        or "routes" in parts[2:-1]
        or "sockets" in parts[2:-1]
    )


def test_the_domain_table_names_every_domain_folder():
    folders = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()} - {"kernel"}
    assert set(allowed_edges()) == folders


def test_no_import_cycles_between_modules():
    graph = {name: {target for target, _line, _inside in module.imports} for name, module in modules().items()}
    cycles = [sorted(component) for component in _strongly_connected(graph) if len(component) > 1]
    assert cycles == []


def test_domains_import_only_what_the_architecture_allows():
    allowed = allowed_edges()
    wrong = []
    for name, module in modules().items():
        source = domain_of(name)
        if source == "wiring":
            continue
        for target, line, _inside in module.imports:
            goal = domain_of(target)
            if goal in (source, "kernel"):
                continue
            if goal == "web" and _is_route_module(name):
                continue
            if source == "kernel" or goal not in allowed.get(source, set()):
                wrong.append(f"{module.path.relative_to(ROOT)}:{line} imports {target}")
    assert wrong == []


def test_web_is_imported_only_by_routes_sockets_plugins_app_and_cli():
    wrong = [
        f"{module.path.relative_to(ROOT)}:{line} imports {target}"
        for name, module in modules().items()
        if domain_of(name) != "web" and not _is_route_module(name)
        for target, line, _inside in module.imports
        if domain_of(target) == "web"
    ]
    assert wrong == []


def test_the_kernel_imports_no_domain():
    wrong = [
        f"{module.path.relative_to(ROOT)}:{line} imports {target}"
        for name, module in modules().items()
        if domain_of(name) == "kernel"
        for target, line, _inside in module.imports
        if domain_of(target) != "kernel"
    ]
    assert wrong == []


def test_imports_inside_functions_give_their_reason():
    unexplained = []
    for module in modules().values():
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    lines = module.lines[inner.lineno - 1 : (inner.end_lineno or inner.lineno)]
                    if not any(REASONED_NOQA.search(line) for line in lines):
                        unexplained.append(f"{module.path.relative_to(ROOT)}:{inner.lineno}")
    assert sorted(set(unexplained)) == []


def test_modules_stay_under_the_size_limit():
    long_modules = [
        f"{module.path.relative_to(ROOT)}: {len(module.lines)} lines"
        for module in modules().values()
        if not SIZE_EXEMPT.search(module.path.as_posix()) and len(module.lines) > MAX_MODULE_LINES
    ]
    assert long_modules == []


def test_functions_stay_under_the_size_limit():
    long_functions = []
    for module in modules().values():
        if SIZE_EXEMPT.search(module.path.as_posix()):
            continue
        for node in ast.walk(module.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = (node.end_lineno or node.lineno) - start + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{module.path.relative_to(ROOT)}:{node.lineno} {node.name}: {length} lines")
    assert long_functions == []


def test_the_readme_links_the_architecture_and_nothing_points_outside_the_repository():
    assert "docs/architecture.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    outside = []
    for path in ROOT.rglob("*"):
        if not path.is_file() or any(part.startswith(".") or part in ("node_modules", "var") for part in path.relative_to(ROOT).parts):
            continue
        if path.suffix not in (".py", ".md", ".html", ".txt", ".toml", ".cfg", ".js", ".css", ".po") and path.name != "Makefile":
            continue
        if OUTSIDE in path.read_text(encoding="utf-8", errors="ignore"):
            outside.append(str(path.relative_to(ROOT)))
    assert outside == []


def test_the_checker_sees_a_cycle_and_a_forbidden_edge():
    """The rules above must be able to fail: a made-up graph with a cycle and a table row that refuses an edge."""
    components = _strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert sorted(sorted(c) for c in components if len(c) > 1) == [["a", "b", "c"]]
    assert "registration" not in allowed_edges()["programme"]
    assert domain_of("events.kernel.database") == "kernel" and domain_of("events.cli") == "wiring"
    assert _is_route_module("events.quiz.routes.api") and not _is_route_module("events.quiz.service.runs")


def _strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iterative (the module graph is deep enough to matter for recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[set[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    components.append(component)
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, ())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return components


def test_the_domain_table_itself_has_no_cycle():
    graph = {domain: uses for domain, uses in allowed_edges().items()}
    assert [sorted(c) for c in _strongly_connected(graph) if len(c) > 1] == []

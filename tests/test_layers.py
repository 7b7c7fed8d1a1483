"""The import graph keeps the layers of DESIGN.md: calls flow downward only.

Every module under src/pulso is parsed with `ast`; every import counts, at module level or inside
a function (a late import is still an arrow), and so does `importlib.import_module("pulso...")`.
Modules are grouped into areas (the first name under `pulso`: store, engine, web...; the CLI's
modules, `cli.py` and `*_cli.py` or a `cli/` package, are one area). Inside an area anything goes
(the engine package imports itself freely); between areas:

- a lower layer (store, catalog, engine) never imports a higher one (goals, alerts, reports, jobs,
  web, CLI), and the catalog never imports the engine, nor the store the catalog or the engine;
- reports and alerts never import the web or the CLI;
- there is no cycle between areas.

An arrow that could not be removed yet is listed in KNOWN, with why; the test fails when a listed
arrow is gone too, so the list only shrinks.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "pulso"

LOWER = ("store", "catalog", "engine")
HIGHER = ("goals", "alerts", "reports", "jobs", "web", "cli")
#: area → areas it must never import, beyond the rules above.
NEVER = {
    "store": {"catalog", "engine", "ingest"},
    "catalog": {"engine", "ingest"},
    "reports": {"web", "cli", "jobs"},
    "alerts": {"web", "cli", "jobs"},
    "events": set(HIGHER) | {"ingest", "engine", "store"},
    "formatting": set(HIGHER) | {"store", "engine", "catalog"},
    "errors": {"store", "catalog", "engine", *HIGHER},
}

#: (from area, to area): arrows still there, each with the reason. Keep it short.
KNOWN: dict[tuple[str, str], str] = {}


def area(module: str) -> str:
    """The area of a dotted module name under pulso ("pulso.web.kpis" → "web")."""
    parts = module.split(".")
    if len(parts) < 2:
        return "pulso"
    name = parts[1]
    if name == "cli" or name.endswith("_cli") or name == "__main__":
        return "cli"
    return name


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Every pulso module `path` imports, wherever the import is."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names)  # `from pulso import alerts`
        elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.add(node.args[0].value)
    return {m for m in found if m == "pulso" or m.startswith("pulso.")}


def known_modules() -> set[str]:
    return {module_name(p) for p in ROOT.rglob("*.py")}


def area_graph() -> dict[tuple[str, str], list[str]]:
    """(from area, to area) → the modules that import across, as 'a.b → c.d'."""
    modules = known_modules()
    arrows: dict[tuple[str, str], list[str]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        source = module_name(path)
        for target in imports(path):
            while target not in modules and "." in target:  # `from pulso.x import name`: module pulso.x
                target = target.rsplit(".", 1)[0]
            if target == "pulso":  # the version string
                continue
            a, b = area(source), area(target)
            if a != b and a != "pulso":
                arrows.setdefault((a, b), []).append(f"{source} → {target}")
    return arrows


def forbidden(a: str, b: str) -> bool:
    if a in LOWER and b in HIGHER:
        return True
    return b in NEVER.get(a, ())


def cycles(edges) -> list[list[str]]:
    """The strongly connected groups of more than one area (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def test_the_parser_sees_late_relative_and_importlib_imports(tmp_path):
    assert area("pulso.kpi_cli") == area("pulso.cli") == area("pulso.cli.goals") == "cli"
    assert area("pulso.engine.compile") == "engine"
    found = imports(ROOT / "web" / "app.py")
    assert "pulso.jobs" in found and "pulso.web.routes" in found  # the routes are imported inside create_app


def test_no_arrow_runs_upward():
    arrows = area_graph()
    wrong = {edge: where for edge, where in arrows.items() if forbidden(*edge) and edge not in KNOWN}
    assert not wrong, "\n".join(f"{a} → {b}: {', '.join(w[:3])}" for (a, b), w in sorted(wrong.items()))


def test_no_cycle_between_areas():
    edges = [e for e in area_graph() if e not in KNOWN]
    found = cycles(edges)
    arrows = area_graph()
    detail = [" ⇄ ".join(g) + ": " + "; ".join(w for e in arrows if e[0] in g and e[1] in g for w in arrows[e][:2])
              for g in found]
    assert not found, "\n".join(detail)


def test_known_exceptions_are_still_needed():
    arrows = area_graph()
    gone = [edge for edge in KNOWN if edge not in arrows]
    assert not gone, f"these arrows are gone: remove them from KNOWN: {gone}"


# -- the web asks the store; it never writes SQL ------------------------------------------------

WEB = ROOT / "web"
#: What a web module may read of pulso.store.schema: descriptions of the tables, not SQL.
SCHEMA_DESCRIPTIONS = {"CANONICAL_TABLES", "ROLES", "table", "references"}
#: Signs of SQL run by hand or a connection held: none of them appears in a web module.
SQL_SIGNS = (".execute(", "exec_driver_sql", "raw_connection", "driver_connection", ".connect(", ".begin(")


def web_sql(path: Path) -> list[str]:
    """What in one module under pulso/web imports SQLAlchemy or the store's tables for SQL, or runs
    SQL / holds a connection."""
    source = path.read_text(encoding="utf-8")
    found = [f"contains '{sign}'" for sign in SQL_SIGNS if sign in source]
    schema_names: set[str] = set()
    for node in ast.walk(ast.parse(source, str(path))):
        modules: list[tuple[str, str | None, str]] = []  # (module, imported name, bound as)
        if isinstance(node, ast.Import):
            modules = [(a.name, None, a.asname or a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules = [(node.module, a.name, a.asname or a.name) for a in node.names]
        for module, name, bound in modules:
            full = f"{module}.{name}" if name else module
            if module.split(".")[0] == "sqlalchemy":
                found.append(f"imports {module}")
            elif full.startswith("pulso.store.tables_") or module.startswith("pulso.store.tables_"):
                found.append(f"imports {full}")
            elif full == "pulso.store.schema":
                schema_names.add(bound)
            elif module == "pulso.store.schema" and name not in SCHEMA_DESCRIPTIONS:
                found.append(f"imports pulso.store.schema.{name}")
    for node in ast.walk(ast.parse(source, str(path))):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in schema_names
                and node.attr not in SCHEMA_DESCRIPTIONS):
            found.append(f"uses schema.{node.attr} (line {node.lineno})")
    return found


def test_the_check_for_sql_in_the_web_sees_it(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import sqlalchemy as sa\nfrom pulso.store import schema, tables_api\n"
                      "from pulso.store.schema import ROLES, users\n"
                      "names = schema.CANONICAL_TABLES\nq = sa.select(schema.deals)\n"
                      "with store.engine.connect() as conn:\n    conn.execute(q)\n", encoding="utf-8")
    assert sorted(web_sql(sample)) == sorted([
        "contains '.execute('", "contains '.connect('", "imports sqlalchemy", "imports pulso.store.tables_api",
        "imports pulso.store.schema.users", "uses schema.deals (line 5)"])


def test_nothing_under_web_builds_sql_or_touches_a_connection():
    found = {str(p.relative_to(ROOT)): what for p in sorted(WEB.rglob("*.py")) if (what := web_sql(p))}
    assert not found, "\n".join(f"{p}: {', '.join(w)}" for p, w in found.items())


# -- modules stay small ------------------------------------------------------------------------

#: The most lines a module under src/pulso may have (issue 14 item 7). Migrations are left aside.
MAX_LINES = 400
NOT_COUNTED = ("migrations",)


def long_modules(root: Path) -> dict[str, int]:
    """Modules under `root` (outside NOT_COUNTED folders) longer than MAX_LINES, with their length."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if set(rel.parts[:-1]) & set(NOT_COUNTED):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            found[str(rel)] = lines
    return found


def test_the_length_check_counts_lines_and_leaves_migrations_aside(tmp_path):
    for rel, lines in (("web/long.py", 401), ("web/fits.py", 400), ("store/migrations/versions/0001.py", 900),
                       ("engine/compile.py", 900), ("ingest/long.py", 450)):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x = 1\n" * lines, encoding="utf-8")
    assert long_modules(tmp_path) == {"engine/compile.py": 900, "ingest/long.py": 450, "web/long.py": 401}


def test_every_module_is_at_most_400_lines():
    found = long_modules(ROOT)
    assert not found, "split these modules along a seam: " + ", ".join(f"{p} ({n} lines)" for p, n in found.items())

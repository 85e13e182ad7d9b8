"""The package's structure, checked from the code: stages in folders, arrows one way, no cycles."""
from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "tools" / "manualkit"

FORBIDDEN = {  # folder -> packages it must not import
    "core": ("manualkit.outputs", "manualkit.cli", "manualkit.editing", "manualkit.a11y", "mkdocs", "material",
             "typst", "pypandoc", "subprocess", "playwright"),
    "outputs": ("manualkit.core.load", "manualkit.core.validate", "manualkit.core.project", "manualkit.cli"),
    # the Word round's import reads the export's record format (outputs/docx), so the two cannot drift
    "editing": ("manualkit.outputs.site", "manualkit.outputs.pdf", "manualkit.outputs.reports", "manualkit.cli"),
    "a11y": ("manualkit.outputs",),
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


# entry points that plain tools call, which load the project themselves (like the CLI does)
ENTRY_POINTS = {"manualkit.outputs.site.mkdocs_hook"}  # `mkdocs serve` at the repository root


def _type_checking_only(tree: ast.AST) -> set[int]:
    """Ids of import nodes inside ``if TYPE_CHECKING:`` blocks: they do not run."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            skip |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return skip


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    skip = _type_checking_only(tree)
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def test_each_folder_imports_only_what_it_may():
    wrong = []
    for name, path in _modules().items():
        if name in ENTRY_POINTS:
            continue
        folder = name.split(".")[1] if name.count(".") else ""
        for imported in _imports(path):
            for banned in FORBIDDEN.get(folder, ()):
                if imported == banned or imported.startswith(banned + "."):
                    wrong.append(f"{name} imports {imported}")
    assert wrong == []


# the folders as layers, lowest first: a folder imports only folders below it (and itself); see
# docs/architecture.md. editing/ reads the Word export's record format (outputs/docx); release/
# builds bundles with the outputs; a11y/ checks what was built without importing outputs/.
LAYERS = ("core", "outputs", "editing", "a11y", "release", "cli")


def test_folders_are_layers_each_imports_only_those_below_it():
    rank = {folder: i for i, folder in enumerate(LAYERS)}
    folders = {p.name for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert folders == set(LAYERS), f"a folder without a layer (add it to LAYERS and docs/architecture.md): {folders ^ set(LAYERS)}"
    upward = []
    for name, path in _modules().items():
        if name in ENTRY_POINTS or name.count(".") < 1:
            continue
        folder = name.split(".")[1]
        for imported in _imports(path):
            parts = imported.split(".")
            if parts[0] == "manualkit" and len(parts) > 1 and parts[1] in rank and rank[parts[1]] > rank[folder]:
                upward.append(f"{path.relative_to(PKG)} ({folder}/) imports {imported} ({parts[1]}/ is above it)")
    assert upward == []


def test_no_import_cycles():
    modules = _modules()
    graph = {name: {i for i in _imports(path) if i in modules and i != name} for name, path in modules.items()}
    # a package's __init__ is not an edge target for its own submodules
    for name in graph:
        graph[name] = {t for t in graph[name] if not name.startswith(t + ".")}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_core_prints_nothing_starts_nothing_writes_nothing():
    wrong = []
    for path in (PKG / "core").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                fn = node.func
                name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
                if name in ("print", "write_text", "write_bytes", "mkdir", "unlink", "rmtree", "rename", "replace_file",
                            "Popen", "run", "system"):
                    if name == "run" and not (isinstance(fn, ast.Attribute) and getattr(fn.value, "id", "") == "subprocess"):
                        continue
                    wrong.append(f"{path.relative_to(PKG)}:{node.lineno}: {name}()")
                if name == "open" and any(isinstance(a, ast.Constant) and isinstance(a.value, str) and set(a.value) & set("wax+")
                                          for a in node.args[1:2]):
                    wrong.append(f"{path.relative_to(PKG)}:{node.lineno}: open(..., write)")
    assert wrong == []

"""The package's structure, checked from the code: stages in folders, arrows one way, no cycles."""
from __future__ import annotations

import ast
import os
import sys
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


# ---------------------------------------------------------------------------------------------
# Outputs read only the ResolvedVariant: every file an output opens is one the build made, a
# temporary file, the toolkit's own package data or the installed tools. The load stage reads
# the sources (text, images, logo, mkdocs.yml, the date) into the variant before any output runs.

_AUDIT: dict = {"on": False, "opened": [], "started": []}
_HOOKED: list[bool] = []


def _audit(event: str, args: tuple) -> None:
    if not _AUDIT["on"]:
        return
    if event == "open" and not isinstance(args[0], int):
        _AUDIT["opened"].append(os.path.abspath(os.fsdecode(args[0])))
    elif event == "subprocess.Popen":
        _AUDIT["started"].append([os.fsdecode(a) for a in (args[1] if isinstance(args[1], (list, tuple)) else [args[1]])])


# the mkdocs process runs under the same audit hook, writing what it opens to a file the test reads
_CHILD = """
import os, runpy, sys
log = open(sys.argv[1], "a", encoding="utf-8")
def hook(event, args):
    if event == "open" and not isinstance(args[0], int):
        log.write(os.path.abspath(os.fsdecode(args[0])) + "\\n")
sys.addaudithook(hook)
sys.argv = ["mkdocs"] + sys.argv[2:]
runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
"""

# a 2×2 PNG, so that the fixture shows an image the outputs must take from the variant
def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x10\x60\xa0" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _allowed(path: str, root: Path, build: Path) -> bool:
    import site
    import sysconfig
    import tempfile

    real = Path(os.path.realpath(path))
    if real.is_relative_to(os.path.realpath(root)):  # the project itself: only what the build made
        return real.is_relative_to(os.path.realpath(build))
    allowed = {tempfile.gettempdir(), PKG, sys.prefix, sys.base_prefix, sys.exec_prefix,
               *site.getsitepackages(), sysconfig.get_paths()["stdlib"]}
    if any(real.is_relative_to(os.path.realpath(a)) for a in allowed):
        return True
    # matplotlib (outputs/figures.py) keeps its list of the machine's fonts in its own cache folder
    # (~/.cache/matplotlib or MPLCONFIGDIR), read when it is imported: the library's cache, no project input
    import matplotlib

    if real.is_relative_to(os.path.realpath(matplotlib.get_cachedir())) and real.name.startswith("fontlist-"):
        return True
    # what the interpreter and the libraries look at on any machine (locale, MIME types, devices)
    return str(real).startswith(("/dev/", "/proc/", "/sys/", "/etc/", "/usr/share/", "/usr/lib/"))


def test_outputs_open_no_file_outside_the_build_and_their_own_package_data(tmp_path, monkeypatch):
    import io
    import shutil

    sys.path.insert(0, str(Path(__file__).parent))
    from conftest import FIXTURES, copy_locales

    from manualkit.core.project import load_project
    from manualkit.outputs.docx.export import export, select
    from manualkit.outputs.registry import in_order
    from manualkit.outputs.runner import build_output
    from manualkit.outputs.site import build as site_build

    root = tmp_path / "bilingual"
    shutil.copytree(FIXTURES / "bilingual", root)
    copy_locales(root)
    shutil.copy(PKG.parent.parent / "mkdocs.yml", root / "mkdocs.yml")
    (root / "manual/basics/bilder").mkdir()
    (root / "manual/basics/bilder/plan.png").write_bytes(_png())
    welcome = root / "manual/basics/welcome.nb.md"
    welcome.write_text(welcome.read_text(encoding="utf-8") + "\n![Plan for besøket](bilder/plan.png)\n", encoding="utf-8")
    for lang in ("nb", "en"):  # and a picture drawn from the model: from the variant, with no file read
        page = root / f"manual/basics/welcome.{lang}.md"
        page.write_text(page.read_text(encoding="utf-8").rstrip("\n") + "\n\n## Forløpet {#timeline}\n\n{{ figure.timeline }}\n",
                        encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    project = load_project(root, ["base", "testby"])
    assert [p for p in project.errors] == []
    variant = project.resolutions["testby"]
    assert variant.images["manual/basics/bilder/plan.png"].data == _png() and variant.assets["logo"].data
    assert variant.site_settings is not None and variant.timestamp == 1767225600

    child_log = tmp_path / "mkdocs-opened.txt"
    plain = site_build.mkdocs_command
    monkeypatch.setattr(site_build, "mkdocs_command", lambda config, dirty=False: [
        sys.executable, "-c", _CHILD, str(child_log)] + plain(config, dirty)[3:])
    build = root / "build"
    # an empty working folder: a relative name (shutil.rmtree opens names relative to a folder it
    # holds open, which the audit event does not show) then maps into the temporary folder, and a
    # relative read of a project file could not succeed from here anyway
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    if not _HOOKED:
        sys.addaudithook(_audit)
        _HOOKED.append(True)
    from manualkit.core import doctree

    read_again: list[str] = []  # the outputs walk the trees load made: none reads Markdown again
    real_read = doctree.read
    monkeypatch.setattr(doctree, "read", lambda text: read_again.append(text) or real_read(text))
    _AUDIT.update(on=True, opened=[], started=[])
    try:
        for output in in_order():
            build_output(variant, output.name, build, io.StringIO())
        for lang in variant.manuals:
            export(variant, lang, select(variant, lang), build / variant.id / "docx" / f"book.{lang}.docx")
    finally:
        _AUDIT["on"] = False
    # what an output reads is only what it writes itself (the research page, the accessibility
    # statement, a picture's block in Word), never a module's text, filled in or not
    written = {t for rm in variant.manuals.values() for mod in rm.modules() if not mod.generated
               for sec in mod.sections for t in (sec.text, sec.source)}
    written |= {t for rm in variant.manuals.values() for mod in rm.modules() for t in (mod.preamble, mod.preamble_source) if t}
    assert [text[:50] for text in read_again if text in written] == []
    assert read_again  # (the check itself sees what is read: the research page is)
    assert (build / "testby/site/_media/manual/basics/bilder/plan.png").read_bytes() == _png()
    assert (build / "testby/pdf/nb/manual.pdf").is_file() and (build / "testby/docx/book.nb.docx").is_file()
    assert (build / "testby/site/_media/figures/nb/course-timeline.svg").read_bytes().lstrip().startswith(b"<?xml")
    opened = _AUDIT["opened"] + child_log.read_text(encoding="utf-8").split()
    assert any(p.endswith("mkdocs.yml") and Path(p).is_relative_to(build) for p in opened)  # the generated one
    assert sorted({p for p in opened if not _allowed(p, root, build)}) == [], "\n".join(sorted({p for p in opened if not _allowed(p, root, build)}))
    # the tools the outputs start are given only paths of the build, temporary files or installed tools
    assert not [cmd for cmd in _AUDIT["started"] if Path(cmd[0]).name == "git"]  # the date came with the variant
    given = [part for cmd in _AUDIT["started"] for arg in cmd for part in arg.split("=") if part.startswith("/")]
    assert given and sorted({p for p in given if not _allowed(p, root, build)}) == []

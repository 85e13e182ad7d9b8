"""The build cache: an unchanged input is not rebuilt, and a changed one rebuilds exactly what shows it.

Each kind of input is changed once (a module body, a variable, an overlay, a template, a locale
string, the glossary); the test asserts which outputs of which variant were rebuilt (the runner's
"built"/"unchanged" lines) and which PDFs inside them were typeset again (the cache's record of the
pieces it made), and that the rebuilt PDFs show the change.
"""
from __future__ import annotations

import io
import pickle
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from manualkit.core.project import load_project
from manualkit.outputs import cache
from manualkit.outputs.registry import OUTPUTS, Output
from manualkit.outputs.runner import build_all

VARIANTS = ["base", "testby"]
ALL_DOCS = {f"{kind} ({v}, {lang})" for kind in ("the book", "the session guide 'session-play'", "the handout 'handout-play'")
            for v in VARIANTS for lang in ("nb", "en")}


def _echo(variant, out_dir, log, inputs):
    """A cheap stand-in for the site: the default fingerprint, and it needs the PDFs."""
    (out_dir / "pages.txt").write_text("\n".join(m.id for m in variant.manuals["nb"].modules()), encoding="utf-8")


OUTS = (next(o for o in OUTPUTS if o.name == "pdf"), Output("echo", "test", "echo", _echo, needs=("pdf",)))


def _build(root: Path) -> tuple[set[str], set[str], str]:
    """Build both variants; returns (outputs rebuilt as 'variant name', PDFs typeset, the log)."""
    project = load_project(root, VARIANTS)
    assert not project.errors, project.errors
    log = io.StringIO()
    cache.made_here.clear()
    failures = build_all([project.resolutions[v] for v in VARIANTS], root / "build", None, log, OUTS, jobs=1)
    assert failures == [], log.getvalue()
    text = log.getvalue()
    built = set(re.findall(r"^built (\S+ \S+) →", text, re.M))
    unchanged = set(re.findall(r"^unchanged (\S+ \S+)$", text, re.M))
    assert built | unchanged == {f"{v} {o}" for v in VARIANTS for o in ("pdf", "echo")}
    return built, {name for kind, name in cache.made_here if kind == "typst"}, text


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() or "" for page in PdfReader(path).pages).split())


def _docs(kinds: tuple[str, ...], variants: tuple[str, ...], langs: tuple[str, ...]) -> set[str]:
    return {f"{kind} ({v}, {lang})" for kind in kinds for v in variants for lang in langs}


BOOK, SESSION, HANDOUT = "the book", "the session guide 'session-play'", "the handout 'handout-play'"


@pytest.fixture
def built(fixture_copy, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # the PDFs' date would follow the files' times
    root = fixture_copy("bilingual")
    outputs, docs, _ = _build(root)
    assert outputs == {"base pdf", "base echo", "testby pdf", "testby echo"}
    assert docs == ALL_DOCS
    return root


def test_nothing_changed_nothing_rebuilt(built):
    outputs, docs, log = _build(built)
    assert outputs == set() and docs == set()
    assert "unchanged base pdf\nunchanged base echo\nunchanged testby pdf\nunchanged testby echo\n" in log


def test_each_kind_of_input_rebuilds_exactly_what_shows_it(built, monkeypatch, tmp_path):
    root = built
    # a module body (a translation: the source and its stale mark stay as they are)
    _edit(root / "manual/training/handout-play.en.md", "Play brings joy.", "Play brings laughter.")
    outputs, docs, _ = _build(root)
    assert outputs == {"base pdf", "base echo", "testby pdf", "testby echo"}
    assert docs == _docs((BOOK, SESSION, HANDOUT), ("base", "testby"), ("en",))
    assert "Play brings laughter." in _pdf_text(root / "build/testby/pdf/en/handouts/handout-play.pdf")

    # a variable that the municipality sets itself: only the base manual shows the default
    _edit(root / "manual/manual.yml", "name: {nb: kommunen,", "name: {nb: kommunen vår,")
    outputs, docs, _ = _build(root)
    assert outputs == {"base pdf", "base echo"}
    assert docs == _docs((BOOK,), ("base",), ("nb",))
    assert "kommunen vår" in _pdf_text(root / "build/base/pdf/nb/manual.pdf")

    # an overlay: only the municipality's version, only where the replaced section is
    _edit(root / "adaptations/testby/overlays/local-records.nb.md", "\n\n", "\n\nOppdatert rutine.\n\n")
    outputs, docs, _ = _build(root)
    assert outputs == {"testby pdf", "testby echo"}
    assert docs == _docs((BOOK,), ("testby",), ("nb",))
    assert "Oppdatert rutine." in _pdf_text(root / "build/testby/pdf/nb/manual.pdf")

    # a locale string: every PDF of that language, in both variants; the other language stays
    _edit(root / "locales/en.yml", "contents: Contents", "contents: Table of contents")
    outputs, docs, _ = _build(root)
    assert outputs == {"base pdf", "base echo", "testby pdf", "testby echo"}
    assert docs == _docs((BOOK, SESSION, HANDOUT), ("base", "testby"), ("en",))
    assert "Table of contents" in _pdf_text(root / "build/base/pdf/en/manual.pdf")

    # the glossary: a Norwegian definition is shown only by the Norwegian books (sessions and handouts
    # have no glossary; the English glossary shows the Norwegian term, not its definition)
    _edit(root / "locales/glossary.yml", "Tiltak som skal gi barnet og familien støtte.",
          "Tiltak som skal gi barnet og hele familien støtte.")
    outputs, docs, _ = _build(root)
    assert outputs == {"base pdf", "base echo", "testby pdf", "testby echo"}
    assert docs == _docs((BOOK,), ("base", "testby"), ("nb",))
    assert "hele familien" in _pdf_text(root / "build/testby/pdf/nb/manual.pdf")

    # a template of the toolkit: every output (the toolkit changed), but only the handouts are typeset again
    package = tmp_path / "manualkit"
    shutil.copytree(cache.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    _edit(package / "outputs/pdf/templates/handout.typ", "\n", "\n// a change to the handout template\n")
    from manualkit.outputs.pdf import documents

    monkeypatch.setattr(cache, "PACKAGE", package)
    monkeypatch.setattr(documents, "TEMPLATES", package / "outputs/pdf/templates")
    cache.toolkit_digest.cache_clear()
    documents.template.cache_clear()
    try:
        outputs, docs, log = _build(root)
    finally:
        cache.toolkit_digest.cache_clear()
        documents.template.cache_clear()
    assert outputs == {"base pdf", "base echo", "testby pdf", "testby echo"}
    assert docs == _docs((HANDOUT,), ("base", "testby"), ("nb", "en"))
    assert "testby pdf: typeset 2 of 6 documents" in log


def test_no_cache_rebuilds_everything(built):
    project = load_project(built, VARIANTS)
    log = io.StringIO()
    cache.made_here.clear()
    build_all([project.resolutions[v] for v in VARIANTS], built / "build", None, log, OUTS, use_cache=False, jobs=1)
    assert not re.search(r"^unchanged", log.getvalue(), re.M)
    assert {name for kind, name in cache.made_here if kind == "typst"} == ALL_DOCS


def test_a_key_is_removed_before_its_output_is_replaced(built):
    """Killed between the swap and the new key, the next build must rebuild, not trust the old key."""
    from manualkit.core.problems import BuildError

    def broken(variant, out_dir, log, inputs):
        assert not cache.key_file(built / "build", variant.id, "pdf").exists()
        raise BuildError("stopped", hint="")

    project = load_project(built, ["base"])
    outs = (Output("pdf", "", "pdf", broken),)
    _edit(built / "manual/basics/welcome.en.md", "The manual", "This manual")
    log = io.StringIO()
    build_all([load_project(built, ["base"]).resolutions["base"]], built / "build", None, log, outs, jobs=1)
    assert "FAILED base pdf" in log.getvalue() and "the last good output was kept" in log.getvalue()
    assert cache.stored_key(built / "build", "base", "pdf") is None
    assert project.resolutions["base"] is not None


def test_variants_pickle_for_the_process_pool(fixture_copy):
    root = fixture_copy("bilingual")
    variant = load_project(root, VARIANTS).resolutions["testby"]
    again = pickle.loads(pickle.dumps(variant))
    assert again == variant
    assert cache.variant_fingerprint(again) == cache.variant_fingerprint(variant)


def test_variants_build_side_by_side_with_one_block_of_lines_each(built):
    _edit(built / "manual/basics/welcome.en.md", "The manual", "This manual")
    project = load_project(built, VARIANTS)
    log = io.StringIO()
    failures = build_all([project.resolutions[v] for v in VARIANTS], built / "build", None, log, OUTS, jobs=2)
    text = log.getvalue()
    assert failures == [], text
    assert text.startswith("building 2 variants, 2 at a time\n")
    lines = [ln.split()[1] for ln in text.splitlines()[1:] if ln.startswith("built ")]
    assert sorted(lines) == ["base", "base", "testby", "testby"]
    assert lines[0] == lines[1] and lines[2] == lines[3]  # each variant's lines together
    assert "This manual" in _pdf_text(built / "build/testby/pdf/en/manual.pdf")
    again = io.StringIO()
    build_all([project.resolutions[v] for v in VARIANTS], built / "build", None, again, OUTS, jobs=2)
    assert again.getvalue() == "".join(f"unchanged {v} {o}\n" for v in VARIANTS for o in ("pdf", "echo"))


def test_the_theme_template_cache_never_serves_old_code(tmp_path, monkeypatch):
    """Compiled templates are reused only for the same source and the same environment settings."""
    from jinja2 import DictLoader, Environment

    from manualkit.outputs.site import template_cache

    monkeypatch.setenv(template_cache.ENV_VAR, str(tmp_path / "templates"))
    first = template_cache.attach(Environment(loader=DictLoader({"page.html": "old {{ x }}"})))
    assert first.get_template("page.html").render(x=1) == "old 1"
    assert list((tmp_path / "templates").iterdir())  # written to disk for the next process
    edited = template_cache.attach(Environment(loader=DictLoader({"page.html": "new {{ x }}"})))
    assert edited.get_template("page.html").render(x=2) == "new 2"
    other = template_cache.attach(Environment(loader=DictLoader({"page.html": "<< x >>"}),
                                              variable_start_string="<<", variable_end_string=">>"))
    assert other.get_template("page.html").render(x=3) == "3"


def test_the_real_outputs_travel_to_the_variant_processes(fixture_copy):
    """The registry itself must pickle, or `manual build` quietly builds variants one at a time."""
    from manualkit.outputs.runner import _picklable

    assert _picklable(OUTPUTS)
    again = pickle.loads(pickle.dumps(OUTPUTS))
    assert [o.name for o in again] == [o.name for o in OUTPUTS]
    root = fixture_copy("bilingual")
    variant = load_project(root, ["base"]).resolutions["base"]
    made = {}
    for label, table in (("here", OUTPUTS), ("unpickled", again)):
        (root / label).mkdir()
        next(o for o in table if o.name == "ledger").render(variant, root / label, io.StringIO(), {})
        made[label] = {p.name: p.read_bytes() for p in (root / label).iterdir()}
    assert made["here"] and made["here"] == made["unpickled"]


def test_manual_build_builds_the_variants_side_by_side(fixture_copy, monkeypatch):
    """From the command line, with the real outputs: two processes, each variant's lines together,
    and each variant's own text in its PDFs."""
    from conftest import run_cli

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = fixture_copy("bilingual")
    code, out, err = run_cli("--root", str(root), "build", "--only", "pdf", "--jobs", "2")
    assert code == 0, out + err
    assert "building 2 variants, 2 at a time" in out
    built = [line.split()[1] for line in out.splitlines() if line.startswith("built ")]
    assert sorted(built) == ["base", "testby"]
    base, testby = (_pdf_text(root / f"build/{v}/pdf/nb/manual.pdf") for v in ("base", "testby"))
    assert "Testby" in testby and base != testby

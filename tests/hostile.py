"""A small manual full of the hostile inputs in tests/fixtures/hostile/, for the security tests.

Every place an editor can write ends up holding something hostile: module bodies, titles and
summaries, part and manual titles, the glossary, a municipality's name and an overlay.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES, REPO, copy_locales, minimal_files, write_tree

HOSTILE = FIXTURES / "hostile"
NB = "manual/basics/intro.nb.md"
OVERLAY = "adaptations/evil/overlays/more.nb.md"


def tiny_png() -> bytes:
    """A real 1×1 PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


def fragment(name: str) -> str:
    return (HOSTILE / name).read_text(encoding="utf-8")


def titles() -> list[str]:
    return [t for t in fragment("titles.txt").splitlines() if t.strip()]


def _yaml(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


ADAPTATION = """\
id: evil
name: {{nb: {name}, en: Evil}}
status: example
base_version: 1.0.0
languages: [nb, en]
changes:
  - id: more
    operation: append
    target: intro
    overlay: more
    frame:
      when: implementation
      planned: planned-proactive
      decided_by: [programme-manager]
      modified: content
      level: organisation
      nature: adding
      fidelity: consistent
      goals: [improve-fit]
      reasons: {{text: {reason}, level: organisation}}
    description: {{nb: {description}, en: More}}
    approved_by: {approved}
    date: 2026-11-01
"""


def hostile_files(body: str | None = None, title: str | None = None) -> dict[str, str | bytes]:
    """The minimal manual with hostile text in every field (``body``: the hostile part of the body)."""
    t = titles()
    files: dict[str, str | bytes] = dict(minimal_files())
    if body is None:
        body = "\n\n".join(fragment(n) for n in ("html.md", "attributes.md", "links.md"))
    nb = files[NB]
    nb = nb.replace("title: Innledning", "title: " + _yaml(title or t[3]))
    nb = nb.replace("status: draft\n", "status: draft\nsummary: " + _yaml(t[1]) + "\n")
    files[NB] = nb + "\n## Farlig {#danger}\n\n" + body + "\n"
    files["manual/manual.yml"] = (files["manual/manual.yml"]
                                  .replace("{nb: Grunnlag, en: Basics}", "{nb: " + _yaml(t[1]) + ", en: Basics}")
                                  .replace("title: {nb: Minimanual", "title: {nb: " + _yaml(t[0])))
    files["manual/basics/images/pic.png"] = tiny_png()
    files["locales/glossary.yml"] = ("terms:\n  - id: evil\n    nb: {term: " + _yaml(t[2]) + ", definition: " + _yaml(t[0])
                                     + "}\n    en: {term: innledning, definition: " + _yaml(t[4]) + "}\n")
    files["adaptations/evil/adaptation.yml"] = ADAPTATION.format(
        name=_yaml(t[3]), reason=_yaml(t[0]), description=_yaml(t[2]), approved=_yaml(t[1]))
    files[OVERLAY] = "Mer tekst.\n\n" + fragment("html.md")
    files["adaptations/evil/overlays/more.en.md"] = "More text.\n"
    return files


def hostile_tree(root: Path, **kw) -> Path:
    shutil.rmtree(root, ignore_errors=True)
    write_tree(root, hostile_files(**kw))
    copy_locales(root)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def clean_tree(root: Path) -> Path:
    """The same manual without anything hostile (for the theme's own scripts)."""
    shutil.rmtree(root, ignore_errors=True)
    write_tree(root, minimal_files())
    copy_locales(root)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def unchecked(project):
    """The project with the checker's verdict thrown away: what a renderer gets if the check is skipped."""
    project.problems = []
    return project

"""docs/journeys.md, followed step by step on a copy of the repository.

Each journey (a '## ' section) runs in a fresh copy. In it, a ```console block holds commands
(`$ manual ...`) each followed by lines that must appear in what it prints ('…' stands for any
text); a ```yaml block whose first line is '# PATH: change' replaces the lines above '# to' with
the lines below it; a ```text block whose first line is '# PATH shows' (text of a page or PDF)
or '# PATH contains' (the file's source) lists what must be in it.
"""
from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from conftest import REPO, run_cli

DOC = REPO / "docs" / "journeys.md"


def _journeys() -> list[tuple[str, list[tuple[str, list[str]]]]]:
    out: list[tuple[str, list[tuple[str, list[str]]]]] = []
    kind, block = None, []
    for line in DOC.read_text(encoding="utf-8").split("\n"):
        if kind is None and line.startswith("## "):
            out.append((line[3:].strip(), []))
        elif kind is None and line.startswith("```") and len(line) > 3:
            kind, block = line[3:].strip(), []
        elif kind is not None and line.startswith("```"):
            out[-1][1].append((kind, block))
            kind = None
        elif kind is not None:
            block.append(line)
    return out


JOURNEYS = _journeys()


def _pattern(expected: str) -> re.Pattern:
    parts = [re.escape(p) for p in expected.split("…")]
    return re.compile(".*?".join(parts) + ("" if expected.endswith("…") else "$"))


def _expect(lines: list[str], printed: str, what: str) -> None:
    shown = printed.split("\n")
    for expected in lines:
        if expected.strip():
            pat = _pattern(expected)
            assert any(pat.match(line) for line in shown), f"{what}: no line like {expected!r} in:\n{printed}"


def _console(root: Path, block: list[str]) -> None:
    steps: list[tuple[str, list[str]]] = []
    for line in block:
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    for command, expected in steps:
        words = shlex.split(command)
        assert words[0] == "manual", command
        code, out, err = run_cli("--root", str(root), *words[1:])
        assert code in (0, 1, 2) and "internal error" not in err, (command, out, err)
        _expect(expected, out + err, command)


def _change(root: Path, block: list[str]) -> None:
    head = re.match(r"^# (\S+): change$", block[0])
    assert head, block[0]
    cut = block.index("# to")
    old, new = "\n".join(block[1:cut]), "\n".join(block[cut + 1:])
    path = root / head.group(1)
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{head.group(1)} has no {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _page_text(path: Path) -> str:
    if path.suffix == ".pdf":
        from pypdf import PdfReader
        return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)
    html = path.read_text(encoding="utf-8")
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _look(root: Path, block: list[str]) -> None:
    head = re.match(r"^# (\S+) (shows|contains)$", block[0])
    assert head, block[0]
    path = root / head.group(1)
    assert path.is_file(), f"{head.group(1)} was not made"
    found = _page_text(path) if head.group(2) == "shows" else path.read_text(encoding="utf-8")
    for expected in block[1:]:
        if expected.strip():
            assert expected.strip() in found, f"{head.group(1)} does not {head.group(2)} {expected.strip()!r}"


def test_every_journey_is_written_down():
    roles = ["adviser", "editor", "translator", "trainer", "researcher", "visitor"]
    assert len(JOURNEYS) == len(roles)
    assert all(role in name.split() for role, (name, _) in zip(roles, JOURNEYS)), [n for n, _ in JOURNEYS]
    assert all(any(kind == "console" for kind, _ in blocks) for _, blocks in JOURNEYS)


@pytest.mark.parametrize("name,blocks", JOURNEYS, ids=[n.split(".")[0] for n, _ in JOURNEYS])
def test_journey(tmp_path, monkeypatch, name, blocks):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = tmp_path / "repo"
    for folder in ("manual", "locales", "adaptations"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for kind, block in blocks:
        if kind == "console":
            _console(root, block)
        elif kind == "yaml":
            _change(root, block)
        elif kind == "text":
            _look(root, block)

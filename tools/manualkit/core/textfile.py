"""Reading text files as people save them: UTF-8 with or without BOM, LF or CRLF.

:func:`read_text` decodes; :func:`split_front_matter` separates the YAML block between the
two ``---`` lines from the Markdown body and reads it with file line numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from manualkit.core.controls import find as find_controls
from manualkit.core.problems import Problem, make
from manualkit.core.yamlread import Marks, read_yaml


def read_text(path: Path, rel: str) -> tuple[str | None, list[Problem]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [make("E109", rel, 0, 0, what=rel, fix=f"the file could not be read: {exc.strerror}")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [make("E101", rel, line, 0, pos=exc.start)]
    if "\x00" in text:
        return None, [make("E101", rel, text[: text.index("\x00")].count("\n") + 1, 0, pos=text.index("\x00"))]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # control characters and escape sequences (ESC [ ...) would act on a terminal or a viewer: E1302
    found = [make("E1302", rel, line, col, char=name, column=col) for line, col, name in find_controls(text)[:20]]
    return text, found


@dataclass(frozen=True)
class Document:
    meta: Any
    marks: Marks
    body: str
    body_line: int  # file line of the first body line


def split_front_matter(text: str, rel: str) -> tuple[Document | None, list[Problem]]:
    if not text.strip():
        return None, [make("E102", rel, 1, 1)]
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None, [make("E103", rel, 1, 1)]
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        return None, [make("E104", rel, 1, 1)]
    yaml_text = "\n".join(lines[1:end])
    meta, marks, problems = read_yaml(yaml_text, rel, line_offset=1)
    if meta is None and not problems:
        meta = {}
    if meta is not None and not isinstance(meta, dict):
        kind = "a list" if isinstance(meta, list) else "a single value"
        problems.append(make("E110", rel, 2, 1, kind=kind))
        meta = None
    body = "\n".join(lines[end + 1:])
    doc = Document(meta, marks, body, end + 2) if meta is not None else None
    return doc, problems


def read_yaml_file(path: Path, rel: str) -> tuple[Any, Marks, list[Problem]]:
    text, problems = read_text(path, rel)
    if text is None:
        return None, Marks(), problems
    data, marks, more = read_yaml(text, rel)
    return data, marks, problems + more

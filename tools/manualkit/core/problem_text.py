"""Problems as text a person or a tool reads: terminal lines, GitHub annotations, or JSON.

Pure formatting: the command line (cli/format.py) and the release bundle (release/bundle.py)
write the text where they print.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from typing import Iterable

from manualkit.core.controls import visible
from manualkit.core.problems import Problem, format_problem


def ci_annotations() -> bool:
    """True on GitHub Actions, where problems become annotations on the changed lines."""
    return bool(os.environ.get("GITHUB_ACTIONS"))


def summary(problems: list[Problem]) -> str:
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
    files = len({p.path for p in problems})
    if not problems:
        return "No problems found."

    def n(k: int, word: str) -> str:
        return f"{k} {word}{'' if k == 1 else 's'}"

    return f"{n(errors, 'error')}, {n(warnings, 'warning')} in {n(files, 'file')}"


format_text = format_problem


def format_github(p: Problem) -> str:
    def esc(s: str) -> str:
        s = visible(s)
        return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    kind = "error" if p.is_error else "warning"
    loc = f"file={p.path}" + (f",line={p.line}" if p.line else "") + (f",col={p.col}" if p.col else "")
    msg = f"[{p.code}] {p.message}" + (f" (hint: {p.hint})" if p.hint else "")
    return f"::{kind} {loc}::{esc(msg)}"


def as_json(problems: Iterable[Problem]) -> str:
    rows = [{"path": p.path, "line": p.line, "col": p.col, "code": p.code, "severity": p.severity.value,
             "message": p.message, "hint": p.hint} for p in problems]
    return json.dumps(rows, ensure_ascii=False, indent=2)


# Warnings that say a text is shown in another language (a module without a translation, a
# glossary term without an entry): when a language is new there are a hundred of them, and they
# would bury the few that matter, so the terminal shows them as one line per language.
FALLBACKS = ("W502", "W509")
GROUP_FROM = 4  # this many of one kind and language make one line


def _shape(p: Problem) -> tuple[str, str]:
    """The kind of a fallback warning: its code and its message with the named module or term left out."""
    return p.code, re.sub(r"'[^']*'", "'…'", p.message, count=1)


def grouped(problems: list[Problem]) -> list[Problem]:
    """``problems`` with the fallback warnings of one kind and language folded into one problem each."""
    kinds: dict[tuple[str, str], list[Problem]] = {}
    for p in problems:
        if p.code in FALLBACKS:
            kinds.setdefault(_shape(p), []).append(p)
    out: list[Problem] = []
    for p in problems:
        same = kinds.get(_shape(p), []) if p.code in FALLBACKS else []
        if len(same) < GROUP_FROM:
            out.append(p)
        elif p is same[0]:
            out.append(replace(p, message=f"{len(same)} times: {_shape(p)[1]} (the first: {p.message})",
                               hint="'manual check --verbose' lists each one; " + p.hint))
    return out


def problems_text(problems: list[Problem], fmt: str = "text", group: bool = False) -> str:
    """Every problem and the summary line (``fmt`` "json": the JSON list), ending in a newline.

    ``group`` folds many fallback warnings of one kind into one line (the summary still counts each)."""
    if fmt == "json":
        return as_json(problems) + "\n"
    gh = ci_annotations()
    shown = grouped(problems) if group and not gh else problems
    return "".join((format_github(p) if gh else format_text(p)) + "\n" for p in shown) + summary(problems) + "\n"


__all__ = ["ci_annotations", "summary", "format_text", "format_github", "as_json", "problems_text", "grouped"]

"""Showing problems: terminal text, GitHub annotations, or JSON for tools (formatted by core/problem_text.py)."""
from __future__ import annotations

from typing import TextIO

from manualkit.core.problem_text import as_json, ci_annotations, format_github, format_text, problems_text, summary
from manualkit.core.problems import Problem


def print_problems(problems: list[Problem], fmt: str, out: TextIO, group: bool = False) -> None:
    out.write(problems_text(problems, fmt, group))


__all__ = ["print_problems", "summary", "format_text", "format_github", "as_json", "ci_annotations"]

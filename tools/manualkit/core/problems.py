"""One problem type for everything the checker finds.

A check returns a list of :class:`Problem`; it never raises for bad content. The wording of
each rule (label and hint) lives in :mod:`manualkit.core.rules`, keyed by code.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from manualkit.core.rules import RULES
from manualkit.core.severity import Severity


@dataclass(frozen=True, order=True)
class Problem:
    path: str  # relative to the repository root, with forward slashes
    line: int  # 1-based; 0 when the problem concerns the whole file
    col: int  # 1-based; 0 when unknown
    code: str
    message: str
    hint: str = field(default="", compare=False)
    severity: Severity = field(default=Severity.ERROR, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def make(code: str, path: str, line: int = 0, col: int = 0, *, hint: str | None = None,
         **fmt: object) -> Problem:
    """Build a problem from the rule table: the message and default hint come from the rule."""
    rule = RULES[code]
    message = rule.message.format(**fmt)
    if hint is None:
        hint = rule.hint.format(**fmt) if rule.hint else ""
    return Problem(path=path, line=line, col=col, code=code, message=message, hint=hint,
                   severity=rule.severity)


class ManualkitError(Exception):
    """Root of the toolkit's errors. Carries a message a person can act on."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(ManualkitError):
    """The command was called wrongly (exit 2)."""


class BuildError(ManualkitError):
    """A renderer failed (pandoc, Typst, mkdocs); the last good output was kept."""


class BuildRefused(ManualkitError):
    """The manual has errors, so nothing is built; ``problems`` are the errors to show."""

    def __init__(self, problems: list[Problem], what: str = "nothing was built", shown: list[Problem] | None = None) -> None:
        self.problems = problems
        self.shown = problems if shown is None else shown  # what to show the person: the errors and the warnings
        super().__init__(f"the manual has errors, so {what}; the last good output in build/ is unchanged",
                         hint="fix the errors above (manual check lists them)")


def format_problem(p: Problem) -> str:
    """``path:line:col: error[CODE]: message`` and the hint on the next line: what a person reads."""
    from manualkit.core.controls import visible  # content quoted in a message never reaches a terminal raw

    where = visible(p.path, one_line=True) + (f":{p.line}" if p.line else "") + (f":{p.col}" if p.line and p.col else "")
    out = f"{where}: {p.severity.value}[{p.code}]: {visible(p.message, one_line=True)}"
    if p.hint:
        out += f"\n    hint: {visible(p.hint)}"
    return out

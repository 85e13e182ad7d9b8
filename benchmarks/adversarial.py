"""Every checker scanner on 1 MB of adversarial text: the time each takes, per MB.

    .venv/bin/python benchmarks/adversarial.py            # table of seconds per MB
    .venv/bin/python benchmarks/adversarial.py --quiet    # only the slowest (used by the tests)

The inputs are the shapes that make regular expressions or a naive parser super-linear: runs of
one character that opens something (``[``, backticks, ``<a ``, ``{``), long runs of spaces
before a character that fails the match, deep nesting, and the same text repeated without
blank lines. The test (tests/test_security.py) runs this script under a generous timeout and
asserts that it returned; the figures below are what it measured on the project's machine.

Measured (December 2026, 2 shared cores under load, CPU time): the slowest pair 0.5–0.7 s per
MB (module body, 1 MB of '::: {.note a=b}' lines), most under 0.3 s (docs/security.md).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

MB = 1_000_000


def _fill(unit: str, size: int = MB) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def inputs() -> dict[str, str]:
    hostile = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "hostile"
    corpus = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(hostile.glob("*.md")) if p.name != "README.md")
    return {
        "brackets": _fill("["),
        "image brackets": _fill("!["),
        "nested brackets line": _fill("[a"),
        "backticks": _fill("`"),
        "backtick pairs": _fill("`` a `"),
        "open tags": _fill("<a "),
        "svg slash": _fill("<svg/onload=x "),
        "braces": _fill("{"),
        "attribute openers": _fill("{: "),
        "spaces then no brace": "{" + _fill(" ", MB - 2) + "x",
        "link then spaces": "](" + _fill(" ", MB - 3) + "x",
        "heading hashes": "# " + _fill("a #"),
        "heading spaces": "# a" + _fill(" ", MB - 4) + "b",
        "callout spaces": "::: note" + _fill(" ", MB - 10) + "}x",
        "callout braces": _fill("::: {.note a=b}\n"),
        "table rows": _fill("| a | b |\n"),
        "table delimiter": "| a |\n" + _fill("| --- "),
        "list without blank lines": _fill("- a\n"),
        "nested quotes": _fill("> "),
        "emphasis": _fill("*a"),
        "underscores": _fill("_"),
        "phone-like digits": _fill("12 34 56 78 "),
        "digit run": _fill("1"),
        "e-mail-like": _fill("a.b@c"),
        "dots after at": "a@" + _fill("b."),
        "variables": _fill("{{ a.b }} "),
        "open variables": _fill("{{ a."),
        "entities": _fill("&#x6a;"),
        "one long line of prose": _fill("Familien og familiepartneren snakker sammen. "),
        "hostile corpus repeated": _fill(corpus + "\n"),
    }


def scanners():
    from manualkit.core.body import field_findings, parse_body
    from manualkit.core.variables import scan
    from manualkit.core.yamlread import read_yaml

    from manualkit.core import doctree
    from manualkit.outputs.pdf.markdown_prep import scoped_text

    return {
        "module body": lambda text: parse_body(text, "x.nb.md", 1),
        # the one document tree, filled in and walked as the outputs walk it (link rewriting)
        "tree": lambda text: list(doctree.read(text).filled(lambda t: t.replace("{{", "{ {")).walk(lambda k: "x")),
        "pdf links": lambda text: scoped_text(text, "m", "manual/x/m.nb.md"),
        "text field": lambda text: field_findings(text[:100_000]) and None,  # fields are short; 100 kB is plenty
        "variables": lambda text: scan(text, "x.nb.md", 1),
        "yaml": lambda text: read_yaml("title: " + repr(text[:200_000]), "x.yml"),
    }


def run(quiet: bool = False) -> float:
    worst = 0.0
    rows = []
    for name, text in inputs().items():
        for scanner, fn in scanners().items():
            started = time.process_time()  # CPU time: the machine is shared, wall time is noise
            fn(text)
            spent = (time.process_time() - started) * MB / max(1, len(text))
            worst = max(worst, spent)
            rows.append((spent, name, scanner))
    if not quiet:
        for spent, name, scanner in sorted(rows, reverse=True):
            print(f"{spent:7.3f} s/MB  {scanner:12}  {name}")
    print(f"slowest: {worst:.3f} s per MB")
    return worst


if __name__ == "__main__":
    run(quiet="--quiet" in sys.argv)

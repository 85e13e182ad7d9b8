"""Shared test helpers: write small manuals from dicts, copy fixture manuals, run the CLI, assert problems."""
from __future__ import annotations

import io
import re
import shutil
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``{relative path: text}`` under root (dedented text, bytes written as is)."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


MANUAL_YML = """\
id: mini
title: {nb: Minimanual, en: Mini manual}
version: 1.0.0
default_language: nb
languages: [nb, en]
parts:
  - id: basics
    title: {nb: Grunnlag, en: Basics}
    modules:
      - intro
variables:
  service:
    child_welfare: {nb: barnevernstjenesten, en: the child welfare service}
"""

INTRO_NB = """\
---
id: intro
title: Innledning
type: chapter
component: general
status: draft
---

Kort innledning.

## Første del {#first}

Tekst om {{ service.child_welfare }}.
"""

INTRO_EN = """\
---
id: intro
title: Introduction
translation:
  from: nb
  source_hash: {hash}
---

Short introduction.

## First part {#first}

Text about {{ service.child_welfare }}.
"""


def intro_hash() -> str:
    from manualkit.core.model import body_hash
    return body_hash(INTRO_NB.split("---\n", 2)[2])


def minimal_files() -> dict[str, str]:
    return {
        "manual/manual.yml": MANUAL_YML,
        "manual/basics/intro.nb.md": INTRO_NB,
        "manual/basics/intro.en.md": INTRO_EN.replace("{hash}", intro_hash()),
    }


def copy_locales(root: Path) -> None:
    (root / "locales").mkdir(parents=True, exist_ok=True)
    for name in ("nb.yml", "en.yml", "frame.yml"):
        if not (root / "locales" / name).exists():
            shutil.copy(REPO / "locales" / name, root / "locales" / name)


@pytest.fixture
def tree(tmp_path: Path):
    """A function that writes the minimal valid manual plus ``changes`` and returns its root."""
    def make(changes: dict[str, str | bytes | None] | None = None) -> Path:
        files: dict = minimal_files()
        files.update(changes or {})
        write_tree(tmp_path, {k: v for k, v in files.items() if v is not None})
        copy_locales(tmp_path)
        return tmp_path
    return make


@pytest.fixture
def fixture_copy(tmp_path: Path):
    """Copy a fixture manual from tests/fixtures/<name> into a fresh folder."""
    count = iter(range(1000))

    def make(name: str) -> Path:
        n = next(count)
        dest = tmp_path / (name if n == 0 else f"{name}-{n}")
        shutil.copytree(FIXTURES / name, dest)
        copy_locales(dest)
        return dest
    return make


def run_cli(*args: str) -> tuple[int, str, str]:
    from manualkit.cli.main import main
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        import manualkit.cli.commands as commands
        old = commands.OUT
        commands.OUT = out
        try:
            code = main(list(args))
        finally:
            commands.OUT = old
    return code, out.getvalue(), err.getvalue()


def frame(nature: str = "tailoring", fidelity: str = "consistent",
          reasons: str = "Lokale forhold") -> str:
    """The FRAME coding of one change, as adaptation tests append it to a change record."""
    return f"""\
    frame:
      when: implementation
      planned: planned-proactive
      decided_by: [programme-manager]
      modified: content
      level: organisation
      nature: {nature}
      fidelity: {fidelity}
      goals: [improve-fit]
      reasons: {{text: {reasons}, level: organisation}}
    description: {{nb: En endring, en: A change}}
    approved_by: Programansvarlig (eksempel)
    date: 2026-11-01
"""


FRAME = frame()


def stand_in_decap_server(root, got: list | None = None, written: dict | None = None):
    """A stand-in for decap-server that writes whatever it is sent (as the real one does) into
    ``root``: every request goes into ``got``, every file written into ``written``. Returns the
    running server (its address in ``server_address``); it stops with the test process."""
    import http.server
    import json
    import os
    import threading

    class Backend(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            msg = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if got is not None:
                got.append(msg)
            for d in (msg.get("params") or {}).get("dataFiles") or []:
                if written is not None:
                    written[d["path"]] = d["raw"]
                with open(os.path.join(root, d["path"]), "w", encoding="utf-8") as fh:
                    fh.write(d["raw"])
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Backend)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    return backend


def copy_repository(dest: Path) -> Path:
    """The repository's manual, locales, adaptations and mkdocs.yml in ``dest`` (to build or edit
    them without touching the repository)."""
    for name in ("manual", "locales", "adaptations"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


# ---------------------------------------------------------------------------------------------
# Problems: assert what a rule found and where, not the wording of its message

# a problem as manualkit.core.problems.format_problem prints it: "path:line:col: error[E401]: message",
# its hint on the next line ("    hint: ...", or "    tips (hint): ..." in the editor's answers)
_PROBLEM_LINE = re.compile(r"^(?P<where>[^:\s][^:]*?(?::\d+){0,2}): (?P<severity>error|warning)\[(?P<code>[A-Z]+\d+)\]: "
                           r"(?P<message>.*)$")
_HINT_LINE = re.compile(r"^ {4}(?:tips \(hint\)|hint): (?P<hint>.*)$")
# the same run together on one line, as a browser shows the editor's answer in a toast
_AT = r"[\w./-]+(?::\d+){0,2}: (?:error|warning)\["
_RUN_IN = re.compile(r"(?:^|\s)(?P<where>[\w./-]+(?::\d+){0,2}): (?P<severity>error|warning)\[(?P<code>[A-Z]+\d+)\]: "
                     r"(?P<message>.*?)(?:\s+(?:tips \(hint\)|hint): (?P<hint>.*?))?(?=\s+" + _AT + r"|$)")
_RUN_ON = re.compile(r"\s(?:tips \(hint\)|hint): |\s" + _AT)  # a message line that holds its hint or the next problem


@dataclass(frozen=True)
class SeenProblem:
    """One problem as a person sees it: where ("path:line:col", as far as known), code, words."""
    where: str
    code: str
    severity: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.severity}[{self.code}]: {self.message}" + (f" (hint: {self.hint})" if self.hint else "")


def problems_seen(seen: str | Iterable) -> list[SeenProblem]:
    """The problems in printed output (``manual check``'s text, an error on stderr, the editor's
    answer) or in a list of :class:`manualkit.core.problems.Problem`."""
    if isinstance(seen, str):
        found: list[SeenProblem] = []
        for line in seen.splitlines():
            m = _PROBLEM_LINE.match(line)
            if m and not _RUN_ON.search(m["message"]):
                found.append(SeenProblem(m["where"], m["code"], m["severity"], m["message"]))
            elif _RUN_IN.search(line):
                found += [SeenProblem(m["where"], m["code"], m["severity"], m["message"], m["hint"] or "")
                          for m in _RUN_IN.finditer(line)]
            elif found and (h := _HINT_LINE.match(line)) and not found[-1].hint:
                found[-1] = SeenProblem(**{**found[-1].__dict__, "hint": h["hint"]})
            elif found and found[-1].hint and line.startswith(" "):  # a hint of several lines
                found[-1] = SeenProblem(**{**found[-1].__dict__, "hint": found[-1].hint + "\n" + line})
        return found
    out = []
    for p in seen:
        where = p.path + (f":{p.line}" if p.line else "") + (f":{p.col}" if p.line and p.col else "")
        out.append(SeenProblem(where, p.code, p.severity.value, p.message, p.hint))
    return out


def assert_problem(seen: str | Iterable, *, code: str, where: str, says: str, hint: str | None = None) -> SeenProblem:
    """Assert that ``seen`` (printed output or a list of problems) has a problem ``code`` at
    ``where`` whose message contains the key phrase ``says`` (and whose hint contains ``hint``).

    ``where`` is "path", "path:line" or "path:line:col"; a shorter one matches any line or column
    below it. Only the rule, the place and one phrase are pinned, so rewording a message does not
    break a test, while a problem with another code, at another line, or about something else does.
    Returns the problem found, for further checks."""
    __tracebackhide__ = True  # pytest shows the test's line and the problems seen, not this helper
    assert code and where and says, "name the rule, the place and a phrase: an empty one would match anything"
    found = problems_seen(seen)
    for p in found:
        if (p.code == code and (p.where == where or p.where.startswith(where + ":"))
                and says in p.message and (hint is None or hint in p.hint)):
            return p
    with_code = [p for p in found if p.code == code]
    listed = "\n  ".join(str(p) for p in with_code or found) or "(none)"
    wanted = f"{code} at {where} saying {says!r}" + (f" with a hint saying {hint!r}" if hint is not None else "")
    kind = f"{code} problems" if with_code else "problems"
    raise AssertionError(f"no {wanted}; the {kind} seen:\n  {listed}")


# A subgroup of the bilingual fixture's families who have session-play at 75 minutes (every other
# family: 60), as the body of a change, and the steps of its own plan {#plan-far} (nb, en).
SUBGROUP_SESSION = """\
operation: set
target: model
field: subgroups.far
value:
  title: {nb: Med tolk, en: With an interpreter}
  who: {nb: Familier som har økten med tolk, en: Families who have the session with an interpreter}
  phases: {}
  sessions: {session-play: 75}
"""
FAR_PLAN = ("## Med tolk {#plan-far}\n\n1. Velkommen (15 min)\n2. Lek og samtale (45 min)\n3. Avslutning (15 min)\n",
            "## With an interpreter {#plan-far}\n\n1. Welcome (15 min)\n2. Play and talk (45 min)\n3. Closing (15 min)\n")

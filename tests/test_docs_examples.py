"""The `manual …` commands in README.md and docs/ are true: each one names a real command with real
options, and those that only read the repository run on it (offline) without a traceback.

A command is taken from a fenced code block (a line that starts with ``manual`` or ``$ manual``)
or from inline code (`` `manual …` ``). A synopsis (``[--variant X]``, ``md|csv``, ``VARIANT``)
cannot run as it is, but every option it names must exist on its command.
"""
from __future__ import annotations

import argparse
import re
import shlex
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from manualkit.core.problems import UsageError

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
_FENCE = re.compile(r"^\s*(```|~~~)")
_INLINE = re.compile(r"`(manual [^`]+)`")
# a synopsis, not a command line: optional groups, alternatives, placeholders, ellipses
_SYNOPSIS = re.compile(r"[\[\]|<>…]|\.\.\.|\b[A-Z][A-Z_.]{1,}\b")
# commands that only read the repository (and its cache), so a test can run them on it
READ_ONLY = ("check", "adaptations", "diff", "status", "report")
NOT_RUN = ("--demo", "--from", "-o", "--output", "accept")  # write files or need a private export


def documented() -> list[tuple[str, str]]:
    """(where, command) for every `manual …` command in the docs, in the order they appear."""
    found: list[tuple[str, str]] = []
    for path in DOCS:
        fence = False
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.relative_to(REPO)}:{n}"
            if _FENCE.match(line):
                fence = not fence
                continue
            if fence:
                text = re.sub(r"^\$\s+", "", line.strip())
                if text.startswith("manual "):
                    found.append((where, text.split(" #", 1)[0].split(" > ", 1)[0].strip()))
            else:
                found += [(where, m.group(1).replace("\\|", "|").strip()) for m in _INLINE.finditer(line)]
    # a sentence in code that is not a command ("manual and the build …") has no command word
    return [(w, c) for w, c in found if " && " not in c or all(p.strip().startswith("manual ") for p in c.split(" && "))]


def _parser() -> argparse.ArgumentParser:
    from manualkit.cli.main import build_parser
    return build_parser()


def _chain(parser: argparse.ArgumentParser, words: list[str]) -> list[argparse.ArgumentParser]:
    """The parser of the command and of each subcommand the words name."""
    chain = [parser]
    for word in words:
        subs = [a for a in chain[-1]._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs or word not in subs[0].choices:
            break
        chain.append(subs[0].choices[word])
    return chain


def _single(commands: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for where, cmd in commands:
        out += [(where, part.strip()) for part in cmd.split(" && ")]
    return out


COMMANDS = _single(documented())


def test_the_docs_name_commands_at_all() -> None:
    assert len(COMMANDS) > 60
    assert any(c.startswith("manual report delivery") for _, c in COMMANDS)


@pytest.mark.parametrize("where,cmd", COMMANDS, ids=[f"{w} {c}" for w, c in COMMANDS])
def test_every_documented_command_and_option_exists(where: str, cmd: str) -> None:
    parser = _parser()
    words = cmd.split()[1:]
    chain = _chain(parser, words)
    assert len(chain) > 1, f"{where}: '{cmd}' names no command of manual"
    options = {o for p in chain for a in p._actions for o in a.option_strings}
    named = {w.split("=", 1)[0].strip("[]") for w in re.split(r"[\s|]+", cmd) if w.strip("[]").startswith("-")}
    assert named - options == set(), f"{where}: '{cmd}' names options that '{' '.join(words[:len(chain) - 1])}' does not have"
    if _SYNOPSIS.search(cmd) or len(chain) == len(words) + 1:
        return  # a synopsis, or prose naming a command ("`manual publish` refuses …")
    with redirect_stdout(StringIO()), redirect_stderr(StringIO()) as err:
        try:
            parser.parse_args(shlex.split(cmd)[1:])
        except (SystemExit, UsageError) as stop:
            raise AssertionError(f"{where}: '{cmd}' does not parse: {stop} {err.getvalue().strip()}") from stop


RUNNABLE = sorted({c for _, c in COMMANDS if not _SYNOPSIS.search(c) and c.split()[1] in READ_ONLY
                   and not any(w in NOT_RUN for w in c.split()) and c != "manual report"})


def test_some_documented_commands_can_run_here() -> None:
    assert {"manual check", "manual check --variant lillehammer", "manual adaptations lillehammer"} <= set(RUNNABLE)


@pytest.mark.parametrize("cmd", RUNNABLE)
def test_documented_read_only_command_runs_on_the_repository(cmd: str) -> None:
    code, out, err = run_cli("--root", str(REPO), *shlex.split(cmd)[1:])
    assert "Traceback" not in out + err
    # check passes on the repository (with --strict its warnings fail it); the others answer (0),
    # or refuse in plain words (1)
    assert code == 0 if cmd.split()[1:] == ["check"] else code in (0, 1), (cmd, code, err[-2000:])
    assert out.strip() or err.strip(), cmd


# A place quoted in the docs: `path:line` "words". Lines move when the text is edited; the words
# must still stand in the file (a quote may run over a line break of the file).
_PLACE = re.compile(r'`((?:manual|adaptations|locales|tools|tests)/[^`:]+):(\d+)` "([^"]+)"')


def quoted_places() -> list[tuple[str, str, int, str]]:
    out = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for m in _PLACE.finditer(" ".join(text.split())):
            out.append((str(path.relative_to(REPO)), m.group(1), int(m.group(2)), m.group(3)))
    return out


def test_the_docs_quote_places_at_all() -> None:
    assert len([q for q in quoted_places() if q[0] == "docs/edition-0.3.md"]) > 100


def test_every_quoted_place_in_the_docs_says_what_the_docs_quote() -> None:
    wrong = []
    for doc, rel, line, words in quoted_places():
        target = REPO / rel
        text = " ".join(target.read_text(encoding="utf-8").split()) if target.is_file() else ""
        if words not in text:
            wrong.append(f"{doc}: {rel} (line {line}) does not say \"{words}\"" + ("" if text else ": no such file"))
    assert wrong == []

"""The one wrapper around the pandoc binary.

pandoc runs as a plain subprocess. We pin the 3.9 binary that the pypandoc-binary wheel ships:
pypandoc itself picks the highest-versioned pandoc on PATH, and Debian's 2.17 has no Typst
writer. Any failure becomes a :class:`BuildError` with the command and pandoc's own message.
"""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
from functools import lru_cache
from pathlib import Path

from manualkit.core.problems import BuildError

FILTERS = Path(__file__).resolve().parent / "filters"

# Markdown as the manual is written (docs/writing.md): no citations (`@word` would need a
# bibliography), no raw HTML/TeX/Typst (the checker refuses them; off here as well so nothing
# slips through), `$` is a dollar sign, not math; ids only where the author wrote them; an image
# is an image, not a figure whose caption repeats the alt text. Syntax that the website
# (Python-Markdown) does not know either is off too, so both show the same text: footnotes,
# definition lists, letter lists, grid/simple/multiline tables, line blocks, sub/superscript,
# strikeout, task lists, title blocks. That also makes pandoc's reader about 5 % faster.
READER = "markdown" + "".join("-" + ext for ext in (
    "citations", "raw_html", "raw_tex", "raw_attribute", "tex_math_dollars", "auto_identifiers",
    "implicit_figures", "implicit_header_references", "definition_lists", "example_lists", "fancy_lists",
    "footnotes", "inline_notes", "grid_tables", "multiline_tables", "simple_tables", "table_captions",
    "line_blocks", "latex_macros", "pandoc_title_block", "yaml_metadata_block", "subscript", "superscript",
    "strikeout", "task_lists", "native_divs", "native_spans", "markdown_in_html_blocks", "bracketed_spans",
    "inline_code_attributes"))
MIN_VERSION = (3, 1)  # the first pandoc with a Typst writer that does what we need


@lru_cache(maxsize=1)
def pandoc_binary() -> str:
    """Path of the pandoc to run: the wheel's own binary, else PYPANDOC_PANDOC if it is new enough."""
    spec = importlib.util.find_spec("pypandoc")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        for name in ("pandoc", "pandoc.exe"):
            cand = Path(folder) / "files" / name
            if cand.is_file() and os.access(cand, os.X_OK):
                return str(cand)
    env = os.environ.get("PYPANDOC_PANDOC")
    if env and _version(env) >= MIN_VERSION:
        return env
    raise BuildError("the pandoc binary of the pypandoc-binary package was not found",
                     hint="reinstall the toolkit (make build), or set PYPANDOC_PANDOC to a pandoc 3.1 or newer")


def _version(binary: str) -> tuple[int, ...]:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return (0,)
    found = re.match(r"pandoc\S*\s+(\d+)\.(\d+)", out)
    return (int(found[1]), int(found[2])) if found else (0,)


def _first_words(stderr: str) -> str:
    """pandoc's message on one line, without a Lua stack traceback."""
    return " ".join(stderr.split("stack traceback:")[0].split())


def markdown_to_typst(markdown: str, *, filters: tuple[str, ...] = ("manual.lua",), what: str = "the manual",
                      meta: dict[str, str] | None = None) -> str:
    """Convert Markdown (UTF-8 text) to a Typst body; ``what`` names the content in errors.

    ``meta`` is passed as document metadata (``-M key=value``): the filters read it, the Typst
    body does not show it."""
    # --quiet: the reader's "duplicate identifier" notes are expected (the filter scopes ids)
    cmd = [pandoc_binary(), "--quiet", "-f", READER, "-t", "typst", "--wrap=preserve"]
    cmd += [f"--lua-filter={FILTERS / name}" for name in filters]
    cmd += [f"--metadata={key}={value}" for key, value in (meta or {}).items()]
    try:
        done = subprocess.run(cmd, input=markdown.encode("utf-8"), capture_output=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as exc:
        raise BuildError(f"pandoc could not run for {what}: {exc}", hint=f"command: {' '.join(cmd)}") from None
    if done.returncode != 0:
        message = _first_words(done.stderr.decode("utf-8", "replace")) or f"exit status {done.returncode}"
        raise BuildError(f"pandoc failed on {what}: {message}", hint=f"command: {' '.join(cmd[:7])} …")
    return done.stdout.decode("utf-8")


__all__ = ["markdown_to_typst", "pandoc_binary", "READER"]

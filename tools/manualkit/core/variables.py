"""Variables: ``{{ service.child_welfare }}`` in module text, filled per variant and language.

Only plain dotted names are allowed: any other template logic (filters, calls, ``{% %}``
blocks) is refused by the checker, whose wording and lines come from Jinja2's own parser (run
in its sandbox, core/sandbox.py). Filling in never runs a template: each plain name is looked
up in the values, so content can never reach Python objects, files or the environment.
Jinja's comment syntax is moved out of the way because ``{#id}`` is a heading id here.
"""
from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from typing import Any

from manualkit.core.problems import Problem, make


@dataclass(frozen=True)
class Value:
    """One variable: its text per language, or a placeholder that still must be filled in."""

    texts: dict[str, str]
    fill: dict[str, str] | None  # set when the value is a placeholder
    origin: str  # file that defined it
    line: int
    block: bool = False  # a generated Markdown block (a table from the model, ``table.*``): filled in as it is


def environment():
    """A new sandbox, as the text is rendered in (core/sandbox.py)."""
    from manualkit.core.sandbox import environment as make

    return make()


@functools.lru_cache(maxsize=1)
def _env():
    """The sandbox (core/sandbox.py), made when a text first needs Jinja: a command that only reads
    a stored result (cli/project_cache.py) never imports Jinja."""
    return environment()




def _is_lang_map(d: dict, langs: tuple[str, ...]) -> bool:
    return bool(d) and all(k in langs for k in d) and all(isinstance(v, (str, int, float)) for v in d.values())


def flatten(tree: Any, langs: tuple[str, ...], origin: str, marks, prefix: tuple = (), key_base: tuple = ()) -> dict[str, Value]:
    """Turn the nested ``variables`` mapping into dotted names → :class:`Value`."""
    out: dict[str, Value] = {}
    if not isinstance(tree, dict):
        return out
    for key, val in tree.items():
        path = prefix + (str(key),)
        kpath = key_base + (key,)
        line = marks.at(kpath)[0] if marks is not None else 0
        name = ".".join(path)
        if isinstance(val, dict) and "fill" in val and len(val) == 1:
            f = val["fill"]
            fills = {lg: str(f.get(lg, next(iter(f.values()), ""))) for lg in langs} if isinstance(f, dict) else {lg: str(f) for lg in langs}
            out[name] = Value({}, fills, origin, line)
        elif isinstance(val, dict) and _is_lang_map(val, langs):
            first = str(next(iter(val.values())))
            out[name] = Value({lg: str(val.get(lg, first)) for lg in langs}, None, origin, line)
        elif isinstance(val, dict):
            out.update(flatten(val, langs, origin, marks, path, kpath))
        elif isinstance(val, (str, int, float)) and not isinstance(val, bool):
            out[name] = Value({lg: str(val) for lg in langs}, None, origin, line)
    return out


def merge(base: dict[str, Value], override: dict[str, Value]) -> dict[str, Value]:
    """A municipality's values over the base defaults (per language where it gives only some)."""
    out = dict(base)
    for name, val in override.items():
        old = base.get(name)
        if old is not None and val.fill is None and old.fill is None and len(val.texts) < len(old.texts):
            val = Value({**old.texts, **val.texts}, None, val.origin, val.line)
        out[name] = val
    return out


def _dotted(node) -> str | None:
    from jinja2 import nodes

    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        inner = _dotted(node.node)
        return f"{inner}.{node.attr}" if inner else None
    return None


_PLAIN = re.compile(r"\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}\}")


@functools.lru_cache(maxsize=16384)  # asked per text by scan and by render, in every variant
def _plain_only(text: str) -> tuple[tuple[str, int], ...] | None:
    """Names and line offsets when every tag is a plain ``{{ a.b }}``; None otherwise.

    The common case needs no Jinja parse; anything unusual goes through Jinja's own parser
    so that errors are worded and placed by it.
    """
    if "{%" in text:
        return None
    found: list[tuple[str, int]] = []
    line, pos = 0, 0
    for m in _PLAIN.finditer(text):  # lines counted as the matches go: linear
        line += text.count("\n", pos, m.start())
        pos = m.start()
        found.append((m.group(1), line))
    if len(found) != text.count("{{") or text.count("}}") != len(found):
        return None
    return tuple(found)


def scan(text: str, rel: str, first_line: int) -> tuple[list[tuple[str, int]], list[Problem]]:
    """The variables a text uses, with file lines; problems for syntax and forbidden logic."""
    if "{{" not in text and "{%" not in text:
        return [], []
    plain = _plain_only(text)
    if plain is not None:
        return [(name, first_line + off) for name, off in plain], []
    from jinja2 import TemplateSyntaxError, nodes

    try:
        tree = _env().parse(text)
    except TemplateSyntaxError as exc:
        return [], [make("E702", rel, first_line + (exc.lineno or 1) - 1, 0, detail=exc.message or "unreadable")]
    except (RecursionError, MemoryError):
        return [], [make("E702", rel, first_line, 0, detail="the braces nest too deeply to be read")]
    used: list[tuple[str, int]] = []
    problems: list[Problem] = []
    for node in tree.body:
        if not isinstance(node, nodes.Output):
            problems.append(make("E704", rel, first_line + node.lineno - 1, 0, what="'{% ... %}' blocks"))
            continue
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                continue
            name = _dotted(child)
            if name is None:
                what = type(child).__name__.lower()
                problems.append(make("E704", rel, first_line + child.lineno - 1, 0, what=f"an expression ({what})"))
            else:
                used.append((name, first_line + child.lineno - 1))
    return used, problems


_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|~])")


def escape_value(text: str) -> str:
    """A variable value as literal text in Markdown: no markup, no HTML can come through."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


_MD_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash before any ASCII punctuation (CommonMark)


def plain_text(text: str) -> str:
    """Escaped Markdown text (a title with variables filled in) as the words a reader sees: the
    inverse of :func:`escape_value`, and of the escapes an author types (``1\\.``), for every
    output that needs a title as text (navigation, PDF metadata, Word)."""
    return html.unescape(_MD_ESCAPED.sub(r"\1", text))


def escape_line(text: object) -> str:
    """Any text (a name, a title, a record's field) as one line of literal Markdown text."""
    return escape_value(" ".join(str(text).split()))


def context(values: dict[str, Value], lang: str, placeholder_label: str) -> dict[str, Any]:
    ctx: dict[str, Any] = {}
    for name, val in values.items():
        if val.fill is not None:
            text = f"**[{escape_value(placeholder_label)}: {escape_value(val.fill[lang])}]**"
        elif val.block:  # made by the toolkit from the model, every cell already escaped
            text = val.texts.get(lang, "")
        else:
            text = escape_value(val.texts.get(lang, ""))
        parts = name.split(".")
        d = ctx
        for p in parts[:-1]:
            d = d.setdefault(p, {})
            if not isinstance(d, dict):
                break
        else:
            d[parts[-1]] = text
    return ctx


def render(text: str, ctx: dict[str, Any]) -> str:
    """Fill in the variables. The caller has checked every name with :func:`scan`.

    Only text whose every tag is a plain ``{{ name }}`` is filled, by looking the dotted name up
    in the values; anything else (filters, calls, arithmetic, blocks: E704) is left as written.
    No template engine runs on content at all, even when the checker was skipped. A name that
    is not a value (unknown, or a group of values) leaves the text as written: the checker
    reports it, and such a manual is never built.
    """
    if "{{" not in text and "{%" not in text:
        return text
    if _plain_only(text) is None:
        return text
    try:
        return _PLAIN.sub(lambda m: _lookup(ctx, m.group(1)), text)
    except LookupError:
        return text


def _lookup(ctx: dict[str, Any], name: str) -> str:
    value: Any = ctx
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            raise LookupError(name)
        value = value[part]
    if isinstance(value, dict):
        raise LookupError(name)
    return str(value)

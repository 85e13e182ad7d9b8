"""Resolved modules → one Markdown document for pandoc, and pandoc's Typst back into fragments.

What needs the module's context is done here, walking the text's tree (core/doctree.py):
ids are scoped by module (``## Plan {#plan}`` in module ``safety`` gets the label
``safety--plan``: section ids are unique only within a module, and all modules of a book share
one Typst label namespace), ``ref:module#section`` links become internal links to those labels,
and image paths are made relative to the project root (an overlay's images lie beside the
overlay, not beside the base module). The Lua filter then only has to turn small marker divs
into Typst calls and style callouts and images, which keeps pandoc fast. Each module is
bracketed by markers that come out as ``// fp:begin <id>`` / ``// fp:end <id>``, so one pandoc
run serves every PDF.
"""
from __future__ import annotations

import posixpath
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Iterator

from manualkit.core.doctree import Block, Link, Tree, parse
from manualkit.core.markdown_syntax import heading_attr_col
from manualkit.core.model_tables import FIGURE_SCHEME
from manualkit.core.problems import BuildError
from manualkit.core.resolved import ResolvedModule
from manualkit.outputs.pdf.pandoc import READER, markdown_to_typst

FIGURE_FOLDER = "/_figures/"  # where a ``figure:`` picture lies in Typst's root (never a repository folder)
_MARK = re.compile(r"^// fp:(begin|end) (\S+)$", re.MULTILINE)
_ATTR_UNSAFE = re.compile(r'["\n\r{}]')
_ATTR_ID = re.compile(r"(^|\s)#([A-Za-z0-9_][\w.:-]*)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# The toolkit's marker divs carry this key; the Lua filter treats a marker without it as content
# (and drops its attributes). It is new in every run, so no text written beforehand can know it.
MARKER_KEY = "k" + secrets.token_hex(16)  # a letter first: pandoc reads -M values as YAML


def plain(text: str) -> str:
    """Markdown-escaped text (a title with variables filled in) as the words a reader sees, on one line."""
    from manualkit.core.variables import plain_text

    return " ".join(plain_text(text).split())


def _attr(value: str) -> str:
    return _ATTR_UNSAFE.sub("_", value)


def _folder(origin: str) -> str:
    return posixpath.dirname(origin) if "/" in origin else "."


def _target(target: str, image: bool, mid: str, folder: str) -> str:
    """A link or image target as the PDF needs it: module-scoped ids, image paths from the root."""
    if image:
        if target.startswith(FIGURE_SCHEME):  # a picture drawn from the model: staged by TypstRunner
            return FIGURE_FOLDER + target[len(FIGURE_SCHEME):]
        if not target or _SCHEME.match(target) or target.startswith("/"):
            return target
        path = "/" + posixpath.normpath(posixpath.join(folder, target)).lstrip("/")
        return f"<{path}>" if " " in path else path
    if target.startswith("ref:"):
        module, _, section = target[4:].partition("#")
        return f"#{module}--{section}" if section else f"#{module}"
    if target.startswith("#") and len(target) > 1:
        return f"#{mid}--{target[1:]}"
    return target


def scoped_blocks(tree: Tree, mid: str, origin: str, target=None) -> Iterator[tuple[Block, str]]:
    """Each block of the tree with heading ids and in-module links scoped by the module, ``ref:``
    links turned into internal links and image paths starting at the project root (the Typst
    root). ``target`` (link, its PDF target) -> the link as the caller writes it, for an output
    that needs more (the Word export); by default the link as written with the new target."""
    folder = _folder(origin)

    def link(found: Link) -> str:
        new = _target(found.target, found.image, mid, folder)
        return target(found, new) if target is not None else tree.with_target(found, new)

    for block, text in tree.walk(link):
        if block.kind == "heading" and block.id is not None:
            col = heading_attr_col(text.split("\n")[0])
            if col >= 0:
                inner = _ATTR_ID.sub(lambda m: f"{m.group(1)}#{mid}--{m.group(2)}", text[col + 1:])
                text = text[:col + 1] + inner
        yield block, text


def scoped(tree: Tree, mid: str, origin: str) -> str:
    """The tree's text as :func:`scoped_blocks` gives it."""
    return "\n".join(text for _block, text in scoped_blocks(tree, mid, origin))


def scoped_text(text: str, mid: str, origin: str) -> str:
    """:func:`scoped` for a text the toolkit made (it is read into its tree here)."""
    return scoped(parse(text), mid, origin)


def _mark(kind: str, **attrs: str) -> list[str]:
    """An empty div: a cheap marker for the Lua filter (a div holding the text would be copied
    into Lua and back as a whole, which makes pandoc markedly slower)."""
    extra = "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items())
    return [f"::: {{.fp-{kind}{extra} fp-key={MARKER_KEY}}}", ":::", ""]


def _after_heading(text: str, marker: list[str]) -> str:
    head, _, rest = text.partition("\n")
    return "\n".join([head, ""] + marker + [rest])


def module_markdown(mod: ResolvedModule) -> str:
    """One module: title heading, summary, preamble and sections, bracketed by markers."""
    out = _mark("begin", module=mod.id) + [f"# {mod.title} {{#{mod.id}}}", ""] + _mark("info", module=mod.id)
    if mod.summary.strip():
        out += _mark("summary") + [mod.summary.strip(), ""] + _mark("end")
    if mod.preamble.strip():
        out += [scoped(mod.preamble_tree.stripped(), mod.id, mod.origin), ""]
    for sec in mod.sections:
        text = scoped(sec.tree.stripped(), mod.id, sec.origin)
        if sec.core or sec.change:
            flags = {"core": "1" if sec.core and not sec.deviation else "0", "adapted": "1" if sec.change else "0",
                     "deviation": "1" if sec.deviation else "0"}
            out += _mark("section", **flags) + [_after_heading(text, _mark("tags", **flags)), ""] + _mark("end")
        else:
            out += [text, ""]
    out += _mark("finish", module=mod.id)
    return "\n".join(out)


@dataclass(frozen=True)
class Fragments:
    """Typst text per module id, as pandoc and the filter made it."""

    typst: dict[str, str]

    def __getitem__(self, mid: str) -> str:
        return self.typst[mid]


def split_fragments(typst: str) -> dict[str, str]:
    out: dict[str, str] = {}
    start: tuple[str, int] | None = None
    for found in _MARK.finditer(typst):
        kind, mid = found[1], found[2]
        if kind == "begin":
            start = (mid, found.end())
        elif start is not None and start[0] == mid:
            out[mid] = typst[start[1]:found.start()].strip("\n") + "\n"
            start = None
    return out


def _chunks(texts: list[str], count: int) -> list[list[int]]:
    """Split module indexes into at most ``count`` runs of about equal text length, in order."""
    target = sum(len(t) for t in texts) / max(1, count)
    out: list[list[int]] = [[]]
    size = 0
    for index, text in enumerate(texts):
        if size >= target and len(out) < count:
            out.append([])
            size = 0
        out[-1].append(index)
        size += len(text)
    return [c for c in out if c]


def _convert_run(modules: list[ResolvedModule], texts: list[str], what: str) -> str:
    """One pandoc run; when it fails, run the modules one by one to name the one that breaks it."""
    try:
        return markdown_to_typst("\n".join(texts), what=what, meta={"fp-key": MARKER_KEY})
    except BuildError as whole:
        for mod, text in zip(modules, texts):
            try:
                markdown_to_typst(text, what=f"module '{mod.id}'", meta={"fp-key": MARKER_KEY})
            except BuildError as exc:
                raise BuildError(f"{exc.message} (text from {mod.origin})", hint=exc.hint) from None
        raise whole


def _filters_digest() -> str:
    """The Lua filters pandoc runs (read anew each time: a long preview process sees an edit)."""
    from manualkit.outputs import cache
    from manualkit.outputs.pdf.pandoc import FILTERS

    return cache.digest([(p.name, cache.file_digest(p)) for p in sorted(FILTERS.glob("*")) if p.is_file()])


def convert(modules: list[ResolvedModule], what: str, workers: int = 1) -> Fragments:
    """All ``modules`` through pandoc: one run, or ``workers`` runs side by side on a part each.

    pandoc uses one core and is the slowest step of a build; modules convert independently,
    so a big manual is split into a few runs in parallel (each pandoc start costs ~50 ms, so
    small documents use one run).
    """
    if not modules:
        return Fragments({})
    from manualkit.outputs import cache

    store = cache.pieces()
    fragments: dict[str, str] = {}
    keys: dict[str, str] = {}
    if store is not None:  # a module whose pandoc input is unchanged is not converted again
        todo = []
        for mod in modules:
            # the marker key is new in every run and does not reach pandoc's output: leave it out
            keys[mod.id] = cache.digest("pandoc", READER, module_markdown(mod).replace(MARKER_KEY, "KEY"),
                                        _filters_digest(), cache.tool_versions())
            hit = store.get("pandoc", keys[mod.id], mod.id)
            if hit is not None:
                fragments[mod.id] = hit.decode("utf-8")
            else:
                todo.append(mod)
        modules = todo
        if not modules:
            return Fragments(fragments)
    texts = [module_markdown(mod) for mod in modules]
    runs = _chunks(texts, max(1, min(workers, len(modules) // 8)))
    if len(runs) == 1:
        typst = [_convert_run(modules, texts, what)]
    else:
        with ThreadPoolExecutor(max_workers=len(runs)) as pool:
            typst = list(pool.map(lambda run: _convert_run([modules[i] for i in run], [texts[i] for i in run], what), runs))
    made: dict[str, str] = {}
    for part in typst:
        made.update(split_fragments(part))
    missing = [mod.id for mod in modules if mod.id not in made]
    if missing:
        raise BuildError(f"pandoc's output for {what} lost module(s) {', '.join(missing)}",
                         hint="a Lua filter in manualkit/outputs/pdf/filters is broken; this is a bug in the toolkit")
    for mod in modules:
        fragments[mod.id] = made[mod.id]
        if store is not None and MARKER_KEY not in made[mod.id]:
            store.put("pandoc", keys[mod.id], made[mod.id].encode("utf-8"), mod.id)
    return Fragments(fragments)


__all__ = ["convert", "module_markdown", "split_fragments", "plain", "Fragments"]

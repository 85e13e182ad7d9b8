"""`manual fmt`: write a module's front matter the way the toolkit writes it, and fix what is safe.

The web editor (Decap CMS) rewrites the whole front matter when it saves: keys in its own order,
long texts folded over several lines, lists one item per line, empty fields as ``""``. This
formatter puts it back: keys in the order of the field tables (core/fields.py), one
``key: value`` per line, quotes only where YAML needs them, lists of words as ``[a, b]``.

Safe fixes (each one is reported):
- an empty optional field (``summary: ""``) is removed: empty means "not given";
- a source language file does not carry translation bookkeeping: ``translation: {from: <its own
  language>}`` without a hash is removed;
- a file in another language that has no ``translation`` key and no shared metadata is a
  translation of the source: ``translation: {from: <source language>}`` is added.

Nothing else in the file changes: the body is kept as it is (one blank line after the front
matter, one newline at the end), full-line comments stay above their key, line endings and a
byte-order mark are kept. The result is read back and must give the same data (apart from
the fixes); otherwise the file is left alone and the reason reported. A file that formatting
would change in a way that loses something is left alone too, and the line said: a comment after
a value or inside one (indented), a YAML anchor or alias (``&a``, ``*a``), line endings that are not all alike (CRLF and
LF mixed, a lone CR).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from manualkit.core import fields as f
from manualkit.core.model import SHARED_FIELDS
from manualkit.core.yamlread import read_yaml

@dataclass
class Result:
    text: str
    changed: bool
    fixes: list[str] = field(default_factory=list)
    refused: str = ""  # why the file was left as it is
    line: int = 0  # the line of the file the refusal is about (0: the whole file)


def _reads_back(text: str, value: str) -> bool:
    try:
        return yaml.safe_load(text) == {"k": value}
    except yaml.YAMLError:
        return False


def scalar(value: Any, in_flow: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if value is None:
        return ""
    s = str(value)
    plain_ok = (s == s.strip() and s != "" and "\n" not in s and not s.startswith(("'", '"', "-", "[", "{", "&", "*", "!", "|", ">", "%", "@", "`", "#", "?", ":"))
                and _reads_back(f"k: {s}", s))
    if in_flow and plain_ok:
        try:
            plain_ok = not any(c in s for c in ",[]{}") and yaml.safe_load(f"k: [{s}]") == {"k": [s]}
        except yaml.YAMLError:
            plain_ok = False
    return s if plain_ok else json.dumps(s, ensure_ascii=False)


def _emit(key: str, value: Any, indent: str = "") -> list[str]:
    if isinstance(value, dict):
        out = [f"{indent}{key}:"]
        for k, v in value.items():
            out += _emit(str(k), v, indent + "  ")
        return out if value else [f"{indent}{key}: {{}}"]
    if isinstance(value, list):
        if all(not isinstance(x, (dict, list)) for x in value):
            return [f"{indent}{key}: [" + ", ".join(scalar(x, in_flow=True) for x in value) + "]"]
        out = [f"{indent}{key}:"]
        for item in value:
            if isinstance(item, dict) and item:
                first = True
                for k, v in item.items():
                    lines = _emit(str(k), v, indent + "    ")
                    if first:
                        lines[0] = f"{indent}  - " + lines[0].lstrip()
                        first = False
                    out += lines
            else:
                dumped = yaml.safe_dump(item, allow_unicode=True, default_flow_style=True, width=10_000).strip()
                out.append(f"{indent}  - {dumped.removesuffix('...').strip()}")
        return out
    return [f"{indent}{key}: {scalar(value)}".rstrip()]


def _in_scalars(lines: list[str]) -> set[int]:
    """0-based numbers of the lines that continue a multi-line value (``summary: |`` and the like):
    a ``#`` there is text, not a comment."""
    inside: set[int] = set()
    try:
        for token in yaml.scan("\n".join(lines), Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken) and token.end_mark.line > token.start_mark.line:
                inside.update(range(token.start_mark.line + 1, token.end_mark.line + 1))
    except yaml.YAMLError:
        pass
    return inside


def _comments_before_keys(lines: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Full-line comments of a front matter, by the top-level key they stand above; and the trailing ones."""
    by_key: dict[str, list[str]] = {}
    pending: list[str] = []
    text = _in_scalars(lines)
    for i, line in enumerate(lines):
        if i in text:
            continue
        if line.lstrip().startswith("#"):
            pending.append(line)
            continue
        m = re.match(r"^([^\s#][^:]*):", line)
        if m and pending:
            by_key[m.group(1).strip()] = pending
            pending = []
    return by_key, pending


def _inline_comment(lines: list[str]) -> int:
    """The 1-based number of a front matter line with a comment after a value (0 when none)."""
    for i, line in enumerate(lines, 1):
        if line.lstrip().startswith("#"):
            continue
        quote = ""
        for j, ch in enumerate(line):
            if quote:
                if ch == quote:
                    quote = ""
            elif ch in "'\"" and (j == 0 or line[j - 1] in " :[{,"):
                quote = ch
            elif ch == "#" and j > 0 and line[j - 1] in " \t":
                return i
    return 0


def _mixed_line_ending(text: str) -> tuple[int, str]:
    """(1-based line, why) of the first line whose ending differs from the first line's, or that
    ends with a lone CR; (0, "") when every line ends alike."""
    first = ""
    for n, m in enumerate(re.finditer(r"\r\n|\r|\n", text), 1):
        kind = m.group()
        if kind == "\r":
            return n, "ends with a lone CR"
        if not first:
            first = kind
        elif kind != first:
            names = {"\n": "LF", "\r\n": "CRLF"}
            return n, f"ends with {names[kind]}, the lines before it with {names[first]}"
    return 0, ""


def _anchor(fm_lines: list[str]) -> tuple[int, str]:
    """(1-based line in the front matter, '&name' or '*name') of the first YAML anchor or alias."""
    try:
        for token in yaml.scan("\n".join(fm_lines), Loader=yaml.SafeLoader):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                sign = "&" if isinstance(token, yaml.AnchorToken) else "*"
                return token.start_mark.line + 1, f"{sign}{token.value}"
    except yaml.YAMLError:
        return 0, ""
    return 0, ""


def format_module(raw: str, *, lang: str, default_language: str, source_exists: bool = True) -> Result:
    """The canonical form of one module file's text (``raw`` as read, BOM and line endings included)."""
    bom = raw.startswith("\ufeff")
    text = raw[1:] if bom else raw
    n, why = _mixed_line_ending(text)
    if n:  # written back, every line would get the same ending
        return Result(raw, False, refused=f"this line {why}, which formatting would change; "
                      "give every line of the file the same line ending", line=n)
    crlf = "\r\n" in text
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return Result(raw, False, refused="it has no front matter (run: manual check)")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return Result(raw, False, refused="its front matter is not closed (run: manual check)")
    fm_lines = lines[1:end]
    meta, _marks, problems = read_yaml("\n".join(fm_lines), "front matter", 1)
    if problems or not isinstance(meta, dict) and meta is not None:
        return Result(raw, False, refused="its front matter cannot be read (run: manual check)")
    meta = dict(meta or {})
    fixes: list[str] = []
    is_source = "translation" not in meta
    tr = meta.get("translation")
    if lang == default_language and isinstance(tr, dict) and tr.get("from") == lang and not tr.get("source_hash"):
        del meta["translation"]
        is_source = True
        fixes.append(f"removed 'translation' (this is the source file, in {lang})")
    if (lang != default_language and is_source and source_exists
            and not any(k in meta for k in SHARED_FIELDS)):
        meta["translation"] = {"from": default_language}
        is_source = False
        fixes.append(f"added 'translation: {{from: {default_language}}}' (a translation of the {default_language} file)")
    table = f.SOURCE_FIELDS if is_source else f.TRANSLATION_FIELDS
    for key, spec in table.items():
        if key in meta and not spec.required and (meta[key] is None or meta[key] == ""):
            del meta[key]
            fixes.append(f"removed the empty '{key}'")
    if isinstance(meta.get("translation"), dict):  # the bookkeeping in the order the toolkit writes it
        t = meta["translation"]
        meta["translation"] = {**{k: t[k] for k in f.TRANSLATION_INFO_FIELDS if k in t},
                               **{k: v for k, v in t.items() if k not in f.TRANSLATION_INFO_FIELDS}}
    order = [k for k in table if k in meta] + [k for k in meta if k not in table]
    comments, trailing = _comments_before_keys(fm_lines)
    new_fm: list[str] = []
    for key in order:
        new_fm += comments.get(key, [])
        new_fm += _emit(key, meta[key])
    new_fm += trailing
    body = "\n".join(lines[end + 1:])
    body = body.lstrip("\n")
    body = body.rstrip("\n") + "\n" if body.strip() else ""
    new = "---\n" + "\n".join(new_fm) + ("\n" if new_fm else "") + "---\n" + ("\n" + body if body else "")
    check, _m, probs = read_yaml("\n".join(new_fm), "front matter", 1)
    if probs or (check or {}) != meta:
        return Result(raw, False, refused="it cannot be rewritten without changing its data; please tidy it by hand")
    if new_fm != fm_lines and _inline_comment(fm_lines):
        n = _inline_comment(fm_lines) + 1
        return Result(raw, False, refused="a comment after a value, which formatting would lose; "
                      "move the comment onto a line of its own", line=n)
    text_lines = _in_scalars(fm_lines)
    nested = next((i for i, line in enumerate(fm_lines) if i not in text_lines and line[:1] in (" ", "\t")
                   and line.lstrip().startswith("#")), None) if new_fm != fm_lines else None
    if nested is not None:  # it would move out of its value, to stand above the next key
        return Result(raw, False, refused="a comment inside a value (indented), which formatting would move; "
                      "move the comment above the key it belongs to", line=nested + 2)
    n, name = _anchor(fm_lines) if new_fm != fm_lines else (0, "")
    if n:
        return Result(raw, False, refused=f"the YAML anchor or alias '{name}', which formatting would lose; "
                      "write the value out where it is used", line=n + 1)
    if crlf:
        new = new.replace("\n", "\r\n")
    if bom:
        new = "\ufeff" + new
    changed = new != raw
    if changed and new_fm != fm_lines:
        fixes.append("front matter written the way the toolkit writes it")
    elif changed:
        fixes.append("one blank line after the front matter, one newline at the end")
    return Result(new, changed, fixes)


__all__ = ["format_module", "Result", "scalar"]

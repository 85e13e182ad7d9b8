"""Saving a YAML file from the web editor: only the values that changed change in the file.

Decap CMS re-serialises a whole YAML file on every save: every comment (the schema modeline too)
is gone, quoting and flow style change, and a one-character edit rewrites hundreds of lines. The
editor's server (cli/editor.py) therefore does not write Decap's text: it reads the file as it is
with ruamel.yaml's round-trip loader, merges the values Decap sent into that document (changed
values replaced, new keys and items added, removed ones removed) and writes the round-trip dump.
Comments, key order, quoting and every untouched line stay as they were.
"""
from __future__ import annotations

import io
from typing import Any

import yaml

# indentation styles tried, first one that gives the file back unchanged wins
_INDENTS = ((2, 2, 0), (2, 4, 2), (4, 4, 0), (4, 6, 4))


def _yaml(indent: tuple[int, int, int]):
    from ruamel.yaml import YAML

    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    return y


def _dump(y, doc: Any) -> str:
    out = io.StringIO()
    y.dump(doc, out)
    return out.getvalue()


def _empty(v: Any) -> bool:
    return v is None or v == "" or v == [] or v == {}


def _plain(node: Any) -> Any:
    """A round-trip node as plain Python values (for comparing with what Decap sent)."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


def _scalar(old: Any, new: Any) -> Any:
    """The new value, quoted the way the old one was when both are strings."""
    if isinstance(new, str) and isinstance(old, str) and type(old) is not str:
        try:
            return type(old)(new)
        except TypeError:
            return new
    return new


def _merge(old: Any, new: Any) -> Any:
    """``old`` (round-trip node) changed in place to hold ``new``; returns the node to keep."""
    if _plain(old) == new:
        return old
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [k for k in old if str(k) not in new]:
            del old[key]
        by_name = {str(k): k for k in old}
        for key, value in new.items():
            if key in by_name:
                k = by_name[key]
                old[k] = _merge(old[k], value)
            elif not _empty(value):
                old[key] = value
        return old
    if isinstance(old, list) and isinstance(new, list):
        for i, value in enumerate(new[: len(old)]):
            old[i] = _merge(old[i], value)
        del old[len(new):]
        old.extend(new[len(old):])
        return old
    return _scalar(old, new)


def merge_yaml(existing: str, saved: str) -> str | None:
    """``existing`` with the values of ``saved`` merged in (None: keep ``saved`` as it is).

    None when the existing text cannot be read back unchanged by the round-trip loader or
    either text is not a YAML mapping: then what Decap sent is written (and checked) as before.
    """
    try:
        new = yaml.safe_load(saved)
    except yaml.YAMLError:
        return None
    if not isinstance(new, dict):
        return None
    new = _plain(new)
    for indent in _INDENTS:
        y = _yaml(indent)
        try:
            doc = y.load(existing)
            if not isinstance(doc, dict) or _dump(y, doc) != existing:
                continue
            return _dump(y, _merge(doc, new))
        except Exception:  # noqa: BLE001 - ruamel's errors have no common base class; fall back to Decap's text
            continue
    return None

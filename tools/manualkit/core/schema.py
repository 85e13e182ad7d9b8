"""A small declared schema for hand-written YAML.

A schema is a dict of :class:`Field`. :func:`check` compares data against it and returns
problems (missing keys, wrong types, values outside a vocabulary, unknown keys with a
did-you-mean), each at the line of the key a person must edit.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Callable, Literal, get_args

from manualkit.core.problems import Problem, make
from manualkit.core.yamlread import Marks

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANG_RE = re.compile(r"^[a-z]{2,3}$")
# The one version pattern (release versions, base_version): always used with fullmatch, so a
# trailing newline or an option such as "--upload-pack=..." never passes.
SEMVER_RE = re.compile(r"^\d+\.\d+\.\d+$")


Kind = Literal["str", "id", "lang", "version", "int", "bool", "seq", "ids", "langs", "list", "text", "map", "any"]  # "any": checked by the caller
KINDS: tuple[str, ...] = get_args(Kind)


@dataclass(frozen=True)
class Field:
    kind: Kind
    required: bool = False
    allowed: tuple[str, ...] = ()
    example: str = ""
    check: Callable[..., list[Problem]] | None = None  # extra check(value, path) -> problems
    # where the allowed values' labels for people are: a key of locales/<lang>.yml (types, statuses, ...),
    # of locales/frame.yml (when, operation, ...) or of fields.VALUE_LABELS (the web editor's dropdowns)
    vocab: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:  # a typo here would accept anything: refuse it when the schema is declared
            raise ValueError(f"unknown field kind {self.kind!r}; kinds: {', '.join(KINDS)}")


def suggest(word: str, options: list[str] | tuple[str, ...], prefix: str = "did you mean") -> str:
    close = difflib.get_close_matches(str(word), [str(o) for o in options], n=1, cutoff=0.6)
    return f"{prefix} '{close[0]}'?" if close else ""


def key_name(path: tuple) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (yes/no)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of keys"
    return type(value).__name__


class Checker:
    """Collects problems for one YAML document."""

    def __init__(self, rel: str, marks: Marks, languages: tuple[str, ...] = ()) -> None:
        self.rel = rel
        self.marks = marks
        self.languages = languages
        self.problems: list[Problem] = []

    def add(self, code: str, path: tuple, *, at_key: bool = False, **fmt: Any) -> None:
        line, col = self.marks.key_at(path) if at_key else self.marks.at(path)
        self.problems.append(make(code, self.rel, line, col, **fmt))

    # -- scalar kinds -------------------------------------------------------------------
    def expect_str(self, value: Any, path: tuple, example: str, lang: bool = False) -> bool:
        if isinstance(value, str) and value.strip():
            return True
        if isinstance(value, bool) and path in self.marks.bools_from_words:
            raw = self.marks.bools_from_words[path]
            if lang and raw.lower() == "no":  # quoting it only leads to "'no' is not a language"
                line, col = self.marks.at(path)
                self.problems.append(make("E206", self.rel, line, col, key=key_name(path), got=str(value).lower(), raw=f"'{raw}'",
                                          quoted="", hint="'no' is not a language code here: Norwegian Bokmål is nb "
                                          "and Nynorsk nn; write nb (or nn)"))
                return False
            self.add("E206", path, key=key_name(path), got=str(value).lower(), raw=f"'{raw}'", quoted=f'"{raw}"')
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            return True  # a number where text is expected is harmless (e.g. a title "2024")
        else:
            self.add("E202", path, key=key_name(path), expected="text", got=_type_name(value) if value != "" else "empty", example=example)
        return False

    def field(self, value: Any, path: tuple, spec: Field) -> None:
        kind = spec.kind
        name = key_name(path)
        ex = spec.example or "see docs/writing.md"
        if kind in ("str", "id", "lang", "version"):
            if not self.expect_str(value, path, ex, lang=kind == "lang"):
                return
            value = str(value)
            if kind == "id" and not ID_RE.fullmatch(value):
                self.add("E204", path, key=name, value=value, example=ex)
            elif kind == "lang" and value.lower() == "no":
                self.add("E203", path, key=name, value=value, allowed="language codes such as nb, nn, en",
                         suggest=" (Norwegian Bokmål is nb, Nynorsk nn)")
            elif kind == "lang" and not LANG_RE.fullmatch(value):
                self.add("E203", path, key=name, value=value, allowed="language codes such as nb, nn, en", suggest="")
            elif kind == "version" and not SEMVER_RE.fullmatch(value):
                self.add("E207", path, key=name, value=value)
            elif spec.allowed and value not in spec.allowed:
                hint = suggest(value, spec.allowed)
                self.add("E203", path, key=name, value=value, allowed=", ".join(spec.allowed), suggest=f" ({hint})" if hint else "")
        elif kind == "int":
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                self.add("E202", path, key=name, expected="a whole number above 0", got=_type_name(value), example=ex)
        elif kind == "bool":
            if not isinstance(value, bool):
                self.add("E202", path, key=name, expected="true or false", got=_type_name(value), example=ex)
        elif kind == "seq":  # a list whose items are checked by the caller
            if not isinstance(value, list):
                self.add("E202", path, key=name, expected="a list", got=_type_name(value), example=ex)
        elif kind in ("ids", "langs", "list"):
            if not isinstance(value, list):
                self.add("E202", path, key=name, expected="a list", got=_type_name(value), example=ex)
                return
            sub = {"ids": "id", "langs": "lang", "list": "str"}[kind]
            for i, item in enumerate(value):
                self.field(item, path + (i,), Field(sub, allowed=spec.allowed, example=ex))
        elif kind == "text":  # one text, or one per language
            if isinstance(value, dict):
                for lang, text in value.items():
                    if self.languages and lang not in self.languages:
                        self.add("E205", path + (lang,), at_key=True, key=lang, where=f" in {name}",
                                 suggest=f"languages of this manual: {', '.join(self.languages)}")
                    else:
                        self.expect_str(text, path + (lang,), ex)
            else:
                self.expect_str(value, path, ex)
        elif kind == "map":
            if not isinstance(value, dict):
                self.add("E202", path, key=name, expected="a set of 'key: value' lines", got=_type_name(value), example=ex)
        if spec.check is not None:
            self.problems.extend(spec.check(value, path))

    def mapping(self, data: Any, path: tuple, fields: dict[str, Field], *, where: str = "",
                example: str = "") -> bool:
        """Check a mapping against ``fields``. Returns False when it is not a mapping at all."""
        if not isinstance(data, dict):
            self.add("E202", path, key=key_name(path) or "the file", expected="a set of 'key: value' lines",
                     got=_type_name(data), example=example or "id: my-id")
            return False
        for key, spec in fields.items():
            if key in data and data[key] is None and path + (key,) in self.marks.comments_as_null:
                comment = self.marks.comments_as_null[path + (key,)]
                self.add("E208", path + (key,), at_key=True, key=key_name(path + (key,)), comment=comment,
                         quoted=f"{key}: \"{comment}\"")
                continue
            if key not in data or data[key] is None and spec.required:
                if spec.required:
                    self.add("E201", path, key=key_name(path + (key,)), example=f"{key}: {spec.example or '...'}")
                continue
            if data[key] is None:
                continue
            self.field(data[key], path + (key,), spec)
        for key in data:
            if key not in fields:
                hint = suggest(key, list(fields)) or f"allowed keys: {', '.join(fields)}"
                self.add("E205", path + (key,), at_key=True, key=key, where=where, suggest=hint)
        return True

"""Safe YAML reading that keeps the file position of every value.

``read_yaml`` returns plain Python data plus a :class:`Marks` table: for every key path
(``("parts", 0, "id")``) the 1-based line and column in the *file*, and the raw text of
plain scalars that YAML 1.1 turned into booleans (``no`` → False), so a schema check can
say "quote it" instead of crashing or dropping the value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from manualkit.core.problems import Problem, make

Path = tuple  # a key path: strings and list indexes

# libyaml's C parser when the wheel has it (it does on the usual platforms): same marks, ~10x faster
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAX_NODES = 20_000
_MAX_DEPTH = 50
MAX_CHARS = 1_000_000  # a YAML file or front matter longer than this is refused (E108), not read
_FLOW_DEPTH_FOR_C = 100  # deeper bracket nesting goes to the pure-Python reader (see _loader_for)
_BRACKETS = re.compile(r"[\[\]{}]")
_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:timestamp",
}


@dataclass
class Marks:
    """Positions of values in the file, by key path."""

    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    bools_from_words: dict[Path, str] = field(default_factory=dict)
    comments_as_null: dict[Path, str] = field(default_factory=dict)  # `key: #abc` → None; the comment text

    def at(self, path: Path) -> tuple[int, int]:
        """Line and column of the value at ``path``, or of its nearest ancestor."""
        p = tuple(path)
        while p:
            if p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.positions.get((), (1, 1))

    def key_at(self, path: Path) -> tuple[int, int]:
        return self.key_positions.get(tuple(path)) or self.at(path)


class _TooLarge(Exception):
    pass


class _Converter:
    def __init__(self, rel: str, line_offset: int, problems: list[Problem], lines: list[str] | None = None) -> None:
        self.rel = rel
        self.lines = lines or []
        self.offset = line_offset
        self.problems = problems
        self.marks = Marks()
        self.count = 0
        self.constructor = yaml.SafeLoader("")  # only used for construct_scalar / resolving

    def pos(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1 + self.offset, node.start_mark.column + 1

    def _comment_as_value(self, key_node: yaml.Node, sub: Path) -> None:
        """`primary_colour: #b0122b` reads as an empty value and a comment: remember the comment."""
        mark = key_node.end_mark
        if mark.line >= len(self.lines):
            return
        rest = self.lines[mark.line][mark.column:].lstrip()
        if rest.startswith(":"):
            rest = rest[1:].lstrip()
        if rest.startswith("#") and len(rest) > 1:
            self.marks.comments_as_null[sub] = rest.rstrip()

    def convert(self, node: yaml.Node, path: Path, depth: int = 0) -> Any:
        self.count += 1
        if self.count > _MAX_NODES or depth > _MAX_DEPTH:
            raise _TooLarge
        self.marks.positions[path] = self.pos(node)
        if node.tag not in _ALLOWED_TAGS:
            line, col = self.pos(node)
            self.problems.append(make("E107", self.rel, line, col, tag=node.tag))
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    line, col = self.pos(key_node)
                    self.problems.append(make("E105", self.rel, line, col, detail="a key must be a plain word"))
                    continue
                key = key_node.value if key_node.tag != "tag:yaml.org,2002:null" else ""
                if key == "<<":
                    line, col = self.pos(key_node)
                    self.problems.append(make("E107", self.rel, line, col, tag="<< (merge key)"))
                    continue
                sub = path + (key,)
                if key in result:
                    line, col = self.pos(key_node)
                    self.problems.append(make("E106", self.rel, line, col, key=key))
                self.marks.key_positions[sub] = self.pos(key_node)
                result[key] = self.convert(value_node, sub, depth + 1)
                if result[key] is None and isinstance(value_node, yaml.ScalarNode) and not value_node.value:
                    self._comment_as_value(key_node, sub)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        # scalar
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:  # e.g. impossible dates
            line, col = self.pos(node)
            self.problems.append(make("E105", self.rel, line, col, detail=str(exc).splitlines()[0]))
            return node.value
        if isinstance(value, bool) and not node.style and node.value.lower() not in ("true", "false"):
            self.marks.bools_from_words[path] = node.value
        if hasattr(value, "isoformat"):  # dates are kept as the text the person wrote
            value = node.value
        return value


def _fallback(text: str, rel: str, line_offset: int) -> tuple[Any, Marks, list[Problem]]:
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        return None, Marks(), [make("E105", rel, line, (mark.column + 1) if mark else 0, detail=exc.problem or str(exc))]
    except yaml.YAMLError as exc:
        return None, Marks(), [make("E105", rel, line_offset + 1, 0, detail=str(exc).splitlines()[0])]
    return None, Marks(), [make("E105", rel, line_offset + 1, 0, detail="unreadable YAML")]


def _loader_for(text: str):
    """libyaml's composer recurses in C: a 40 000-deep ``[[[[...`` overflows the C stack and kills
    the process. Text whose brackets (counted without regard to quotes, so never too few) nest
    deeper than a hand-written file ever does is read by the pure-Python reader, whose recursion
    ends in a RecursionError that becomes E108."""
    if _LOADER is yaml.SafeLoader or ("[" not in text and "{" not in text):
        return _LOADER
    depth = deepest = 0
    for m in _BRACKETS.finditer(text):
        depth += 1 if m.group(0) in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > _FLOW_DEPTH_FOR_C:
                return yaml.SafeLoader
    return _LOADER


def read_yaml(text: str, rel: str, line_offset: int = 0) -> tuple[Any, Marks, list[Problem]]:
    """Parse ``text`` safely. Never raises for bad input: problems are returned.

    ``line_offset`` is added to every line so that positions point into the file (for a
    front matter block: the number of lines before it).
    """
    problems: list[Problem] = []
    if len(text) > MAX_CHARS:
        return None, Marks(), [make("E108", rel, line_offset + 1, 0)]
    try:
        node = yaml.compose(text, Loader=_loader_for(text))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        col = (mark.column + 1) if mark else 0
        detail = exc.problem or str(exc)
        if exc.context and "found character '\\t'" not in detail:
            detail = f"{detail} ({exc.context})"
        return None, Marks(), [make("E105", rel, line, col, detail=detail)]
    except yaml.YAMLError as exc:  # reader errors without marks (e.g. control characters)
        if _LOADER is not yaml.SafeLoader:  # the pure-Python reader says where: ask it
            return _fallback(text, rel, line_offset)
        return None, Marks(), [make("E105", rel, line_offset + 1, 0, detail=str(exc).splitlines()[0])]
    except RecursionError:
        return None, Marks(), [make("E108", rel, line_offset + 1, 0)]
    if node is None:
        return None, Marks(), []
    conv = _Converter(rel, line_offset, problems, text.splitlines())
    try:
        data = conv.convert(node, ())
    except (_TooLarge, RecursionError):
        return None, Marks(), problems + [make("E108", rel, line_offset + 1, 0)]
    return data, conv.marks, problems

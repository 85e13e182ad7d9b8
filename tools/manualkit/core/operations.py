"""The operations of an adaptation change, as a table: what each one needs, allows and checks.

A change in adaptation.yml names an ``operation`` (``replace-section``, ``add-module``, ``set``, …).
Each operation is declared once in :data:`OPERATION_TABLE`, as data like the tables of fields in
core/fields.py: the form of ``target`` it needs, whether it needs ``where`` and an ``anchor``, the
keys it cannot do without (:class:`Need`), its own checks, whether its new text comes from an
overlay, and the keys only it may set. :func:`check_operation` is the one reader that applies an
entry to a change and reports what is missing (E1007) or not allowed (E205, E203, E202, E309).

The keys every change has (id, frame, description, dates) are checked before, by the schema
(fields.CHANGE_FIELDS), and read by core/adaptation.py. Pure: no files, no printing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Union

from manualkit.core.fields import ADD_MODULE_ONLY, SETTABLE, WHERE
from manualkit.core.intervention import MODEL_TARGETS
from manualkit.core.schema import Checker, key_name, suggest


@dataclass(frozen=True)
class ChangeInput:
    """One change of adaptation.yml while it is read: the mapping, where it is, what it targets."""
    c: Checker
    raw: dict
    index: int  # its place in 'changes', from 0
    cid: str  # its id, or '#<number>' when it has none
    module: str
    section: str
    langs: tuple[str, ...]

    @property
    def path(self) -> tuple:
        return ("changes", self.index)

    def need(self, what: str, example: str) -> None:
        self.c.add("E1007", self.path, change=self.cid, what=what, example=example)


def _empty(value: Any) -> bool:
    return not value


def _absent(value: Any) -> bool:
    return value is None


@dataclass(frozen=True)
class Need:
    """Keys an operation cannot do without, and how the message asks for them."""
    keys: tuple[str, ...]
    what: str
    example: str
    missing: Callable[[Any], bool] = _empty  # when a value counts as missing (default: empty or absent)

    def unmet(self, raw: dict) -> bool:
        return any(self.missing(raw.get(key)) for key in self.keys)


Check = Union[Need, Callable[[ChangeInput], None]]


@dataclass(frozen=True)
class Operation:
    target: str = ""  # "section": module-id#section-id; "module": a module id without '#section'
    where: bool = False  # needs 'where' (before, after, first, last)
    anchor: bool = False  # and, with 'where: before' or 'after', the anchor it goes before or after
    checks: tuple[Check, ...] = ()  # its own needs and checks, in the order they are reported
    overlay: bool = False  # its new text comes from an overlay (overlays/<name>.<lang>.md)
    only: tuple[str, ...] = ()  # keys no other operation may set


def _own_module_id(ch: ChangeInput) -> None:
    """A municipality's own module cannot take an id the toolkit uses itself."""
    from manualkit.core.load import reserved

    why = reserved("module", ch.module, ch.langs)
    if why:
        ch.c.add("E309", ch.path + ("target",), id=ch.module, why=why, example=f"{ch.module}-local")


def _settable_field(ch: ChangeInput) -> None:
    """A module field 'set' may change, unless the target is the intervention model."""
    name = ch.raw.get("field")
    if ch.module not in MODEL_TARGETS and isinstance(name, str) and name not in SETTABLE:
        hint = suggest(name, SETTABLE)
        where = ch.path + ("field",)
        ch.c.add("E203", where, key=key_name(where), value=name,
                 allowed=", ".join(SETTABLE) + ", or a field of the intervention model with 'target: model'",
                 suggest=f" ({hint})" if hint else "")


def _whole_minutes(ch: ChangeInput) -> None:
    value = ch.raw.get("value")
    if ch.raw.get("field") == "duration_minutes" and (not isinstance(value, int) or isinstance(value, bool)):
        where = ch.path + ("value",)
        ch.c.add("E202", where, key=key_name(where), expected="a whole number", got=repr(value), example="45")


#: Every operation a change can name, in the order the schema lists them (fields.OPERATIONS).
OPERATION_TABLE: dict[str, Operation] = {
    "replace-section": Operation("section", overlay=True),
    "insert-section": Operation("section", where=True, overlay=True),
    "append": Operation("module", overlay=True),
    "remove-section": Operation("section"),
    "move-section": Operation("section", where=True, anchor=True),
    "add-module": Operation("module", where=True, anchor=True, overlay=True, only=ADD_MODULE_ONLY, checks=(
        _own_module_id,
        Need(("title",), "'title'", "title: {nb: Lokale rutiner, en: Local routines}"),
        Need(("part",), "'part'", "part: coordination"),
    )),
    "remove-module": Operation("module"),
    "set": Operation("module", checks=(
        Need(("field", "value"), "'field' and 'value'", "field: duration_minutes\n  value: 45", missing=_absent),
        _settable_field,
        _whole_minutes,
    )),
}
_UNKNOWN = Operation()  # an operation the schema has refused already: only the keys it may not set are said

#: The form of 'target' an operation needs: when it is wrong, what is missing, an example.
_TARGET: dict[str, tuple[Callable[[str], bool], str, str]] = {
    "section": (_empty, "a section in 'target' (module-id#section-id)", "target: safety-planning#review-every-visit"),
    "module": (bool, "a module id in 'target', without '#section'", "target: {module}"),
}
_WHERE = Need(("where",), "'where: before' or 'where: after'", "where: after", missing=lambda v: v not in WHERE)
_ANCHOR = Need(("anchor",), "an 'anchor' (the section or module it goes before or after)", "anchor: first-visit")
_OVERLAY = Need(("overlay",), "an 'overlay' with the new text",
                "overlay: local-routines   # overlays/local-routines.nb.md and .en.md")
_ONLY = {key: [name for name, op in OPERATION_TABLE.items() if key in op.only]
         for op in OPERATION_TABLE.values() for key in op.only}


def _apply(ch: ChangeInput, check: Check) -> None:
    if not isinstance(check, Need):
        check(ch)
    elif check.unmet(ch.raw):
        ch.need(check.what, check.example)


def check_operation(ch: ChangeInput) -> None:
    """What the change's operation needs and does not allow, by its entry in the table."""
    name = ch.raw.get("operation")
    op = OPERATION_TABLE.get(name, _UNKNOWN) if isinstance(name, str) else _UNKNOWN
    if op.target:
        wrong, what, example = _TARGET[op.target]
        if wrong(ch.section):
            ch.need(what, example.format(module=ch.module))
    if op.where:
        _apply(ch, _WHERE)
    if op.anchor and ch.raw.get("where") in ("before", "after"):
        _apply(ch, _ANCHOR)
    for check in op.checks:
        _apply(ch, check)
    for key, owners in _ONLY.items():
        if key in ch.raw and key not in op.only:
            ch.c.add("E205", ch.path + (key,), at_key=True, key=key,
                     where=f" in change {ch.index + 1} (only {', '.join(owners)} sets it)",
                     suggest="a base module's status, audience and core status are set in its source file")
    if op.overlay:
        _apply(ch, _OVERLAY)


__all__ = ["OPERATION_TABLE", "Operation", "Need", "ChangeInput", "check_operation"]

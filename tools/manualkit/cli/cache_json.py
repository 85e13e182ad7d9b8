"""The toolkit's own data kept as JSON in build/.cache, read back only as what its type says.

The project cache (cli/project_cache.py) keeps the loaded project, the result of a check and a
build's stamp. Nothing here is code: :func:`dumps` writes plain JSON, and :func:`loads` reads it
back *against a type* (a dataclass of the toolkit, ``tuple[Project, dict[str, Any]]``, …): every
field of every dataclass must have the type its annotation gives, every tuple, list, set and dict
the element types its annotation gives, and a class may only be one of the toolkit's own data
classes in ``manualkit.core`` (or the cache's own, in cli/project_cache.py). Objects are made
without running any constructor or other code of the class. Anything else (a wrong type, a
missing or extra field, a class from elsewhere, broken JSON) raises :class:`Invalid`; the cache
counts that as a miss.

The encoding: an entry is ``{"strings": [...], "value": ...}``; every string of 64 characters or
more is kept once in ``strings`` and written ``["r", index]`` where it occurs (a module's text
occurs in the project several times). ``null``, booleans, numbers and shorter strings are
themselves; a dict whose keys are all strings is a JSON object; everything else is a JSON array
that starts with a tag:
``["t", …]`` tuple, ``["l", …]`` list, ``["s", …]`` set, ``["f", …]`` frozenset,
``["d", [k, v], …]`` dict with other keys, ``["p", "…"]`` path, ``["e", "module.Class", value]``
enum member, ``["c", "module.Class", field values in field order…]`` dataclass.
"""
from __future__ import annotations

import dataclasses
import enum
import importlib
import json
import threading
import types
import typing
from pathlib import Path, PurePath
from typing import Any, Callable

ALLOWED_MODULES = ("manualkit.core.",)
ALLOWED_EXTRA = frozenset({"manualkit.cli.project_cache"})


class Invalid(ValueError):
    """The data is not what its type says (or not this encoding at all)."""


class Unstorable(TypeError):
    """A value this encoding does not hold (then nothing is stored)."""


# -- writing -------------------------------------------------------------------------------------

_LONG = 64  # a string this long is kept once, in the table, however often it occurs


def _enc(x: object, table: dict[str, int]) -> object:
    t = type(x)
    if t is str:
        if len(x) < _LONG:
            return x
        return ["r", table.setdefault(x, len(table))]
    if t is int or t is bool or t is float or x is None:
        return x
    if t is dict:
        if all(type(k) is str for k in x):
            return {k: _enc(v, table) for k, v in x.items()}
        return ["d", *[[_enc(k, table), _enc(v, table)] for k, v in x.items()]]
    if t is tuple:
        return ["t", *[_enc(v, table) for v in x]]
    if t is list:
        return ["l", *[_enc(v, table) for v in x]]
    if t is set or t is frozenset:
        return ["s" if t is set else "f", *[_enc(v, table) for v in x]]
    if isinstance(x, PurePath):
        return ["p", str(x)]
    if isinstance(x, enum.Enum):
        _check_class(t)
        return ["e", _name(t), _enc(x.value, table)]
    if dataclasses.is_dataclass(x) and isinstance(t, type):
        _check_class(t)
        return ["c", _name(t), *[_enc(getattr(x, f.name), table) for f in dataclasses.fields(x)]]
    raise Unstorable(f"{t.__module__}.{t.__qualname__} cannot be kept in the cache")


def dumps(value: object) -> bytes:
    """``value`` as JSON (UTF-8); :class:`Unstorable` when it holds something else than the
    toolkit's data (then the caller stores nothing)."""
    table: dict[str, int] = {}
    try:
        encoded = _enc(value, table)
        return json.dumps({"strings": list(table), "value": encoded}, ensure_ascii=False, separators=(",", ":"),
                          allow_nan=True).encode("utf-8")
    except RecursionError as exc:
        raise Unstorable("nested too deeply") from exc


# -- reading -------------------------------------------------------------------------------------

def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _check_class(cls: type) -> None:
    module = cls.__module__
    if not (module.startswith(ALLOWED_MODULES) or module in ALLOWED_EXTRA) or "." in cls.__qualname__:
        raise Unstorable(f"{_name(cls)} is not one of the toolkit's data classes")


def _class(name: object) -> type:
    """The toolkit's data class or enum called ``name``; Invalid for anything else."""
    if type(name) is not str or "." not in name:
        raise Invalid(f"not a class name: {name!r}")
    module, _, qualname = name.rpartition(".")
    if not (module.startswith(ALLOWED_MODULES) or module in ALLOWED_EXTRA) or not qualname.isidentifier():
        raise Invalid(f"{name} is not one of the toolkit's data classes")
    try:
        found = getattr(importlib.import_module(module), qualname)
    except (ImportError, AttributeError) as exc:
        raise Invalid(f"{name} does not exist") from exc
    if not isinstance(found, type) or found.__module__ != module or not (
            dataclasses.is_dataclass(found) or issubclass(found, enum.Enum)):
        raise Invalid(f"{name} is not one of the toolkit's data classes")
    return found


def _bad(what: str, v: object) -> Invalid:
    return Invalid(f"expected {what}, found {type(v).__name__}")


def _tagged(v: object, tag: str) -> list:
    if type(v) is list and v and v[0] == tag:
        return v
    raise _bad(f"[{tag!r}, …]", v)


def _any(v: object) -> object:
    """A value whose type says nothing more (``Any``, a bare ``dict``): decoded by its tags."""
    t = type(v)
    if t is str or t is int or t is bool or t is float or v is None:
        return v
    if t is dict:
        return {k: _any(x) for k, x in v.items()}
    if t is list and v and type(v[0]) is str:
        tag = v[0]
        if tag in _GENERIC:
            return _GENERIC[tag](v)
        if tag == "c" or tag == "e":
            return _decoder(_class(v[1] if len(v) > 1 else None))(v)
    raise _bad("a cached value", v)


def _pairs(v: list, kd: Callable, vd: Callable) -> dict:
    out = {}
    for pair in v[1:]:
        if type(pair) is not list or len(pair) != 2:
            raise _bad("a [key, value] pair", pair)
        out[kd(pair[0])] = vd(pair[1])
    return out


def _path(v: object) -> Path:
    v = _tagged(v, "p")
    if len(v) != 2:
        raise _bad("a path", v)
    return Path(_str(v[1]))


_TABLE: list[list[str]] = [[]]  # the strings of the entry being read (see loads)
_READING = threading.Lock()


def _ref(v: object) -> str:
    """A long string, kept once in the entry's table: ``["r", index]``."""
    if type(v) is list and len(v) == 2 and v[0] == "r" and type(v[1]) is int and 0 <= v[1] < len(_TABLE[0]):
        return _TABLE[0][v[1]]
    raise _bad("a string", v)


def _str(v: object) -> str:
    if type(v) is str:
        return v
    return _ref(v)
_PLAIN = {str: str, int: int, bool: bool}  # checked by exact type, in place (the fast path)


_GENERIC: dict[str, Callable[[list], object]] = {
    "t": lambda v: tuple(_any(x) for x in v[1:]),
    "l": lambda v: [_any(x) for x in v[1:]],
    "s": lambda v: {_any(x) for x in v[1:]},
    "f": lambda v: frozenset(_any(x) for x in v[1:]),
    "d": lambda v: _pairs(v, _any, _any),
    "p": _path,
    "r": _ref,
}

_DECODERS: dict[object, Callable[[object], object]] = {}
def _exact(cls: type, what: str) -> Callable[[object], object]:
    def decode(v: object) -> object:
        if type(v) is cls:
            return v
        raise _bad(what, v)
    return decode


def _float(v: object) -> object:
    if type(v) is float or type(v) is int:
        return v
    raise _bad("a number", v)


def _none(v: object) -> None:
    if v is None:
        return None
    raise _bad("null", v)


def _decoder(hint: object) -> Callable[[object], object]:
    """A function that decodes (and so checks) a value of type ``hint``."""
    try:
        return _DECODERS[hint]
    except KeyError:
        pass
    except TypeError:  # an unhashable hint
        return _compile(hint)
    found = _compile(hint)
    _DECODERS[hint] = found
    return found


def _compile(hint: object) -> Callable[[object], object]:
    if hint is Any or hint is object:
        return _any
    if hint is str:
        return _str
    if hint is bool:
        return _exact(bool, "true or false")
    if hint is int:
        return _exact(int, "an integer")
    if hint is float:
        return _float
    if hint is None or hint is type(None):
        return _none
    if isinstance(hint, type) and issubclass(hint, PurePath):
        return _path
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        choices = [_decoder(a) for a in args]

        def union(v: object) -> object:
            for choice in choices:
                try:
                    return choice(v)
                except Invalid:
                    continue
            raise _bad(str(hint), v)
        return union
    if origin is typing.Literal:
        def literal(v: object) -> object:
            if any(type(v) is type(a) and v == a for a in args):
                return v
            raise _bad(f"one of {args}", v)
        return literal
    if hint is dict or origin is dict:
        kd, vd = (_decoder(args[0]), _decoder(args[1])) if args else (_any, _any)
        plain = _PLAIN.get(args[1]) if args and args[0] is str else None

        def mapping(v: object) -> dict:
            if type(v) is dict:
                if plain is not None and all(type(x) is plain for x in v.values()):
                    return v  # a fresh dict from the parser, of plain values: checked already
                return {kd(k): vd(x) for k, x in v.items()}
            return _pairs(_tagged(v, "d"), kd, vd)
        return mapping
    if hint is tuple or origin is tuple:
        if not args:
            return lambda v: tuple(_any(x) for x in _tagged(v, "t")[1:])
        if len(args) == 2 and args[1] is Ellipsis:
            each, plain = _decoder(args[0]), _PLAIN.get(args[0])

            def many(v: object) -> tuple:
                items = _tagged(v, "t")[1:]
                if plain is not None and all(type(x) is plain for x in items):
                    return tuple(items)
                return tuple([each(x) for x in items])
            return many
        if args == ((),):
            args = ()
        parts = [_decoder(a) for a in args]
        plain_parts = [_PLAIN.get(a) for a in args]
        all_plain = None not in plain_parts

        if all_plain and len(parts) == 2:  # (line, column) pairs: many, so checked without a loop
            first, second = plain_parts

            def pair(v: object) -> tuple:
                if type(v) is list and len(v) == 3 and v[0] == "t" and type(v[1]) is first and type(v[2]) is second:
                    return (v[1], v[2])
                return fixed(v)  # a long string kept in the table, or not a pair at all
            fast = pair
        else:
            fast = None

        def fixed(v: object) -> tuple:
            v = _tagged(v, "t")
            if len(v) != len(parts) + 1:
                raise _bad(f"a tuple of {len(parts)}", v)
            items = v[1:]
            if all_plain and all(type(x) is t for t, x in zip(plain_parts, items)):
                return tuple(items)
            return tuple([d(x) for d, x in zip(parts, items)])
        return fast or fixed
    for container, tag in ((list, "l"), (set, "s"), (frozenset, "f")):
        if hint is container or origin is container:
            each = _decoder(args[0]) if args else _any
            return lambda v, c=container, t=tag: c([each(x) for x in _tagged(v, t)[1:]])
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        name = _name(hint)

        def member(v: object) -> enum.Enum:
            v = _tagged(v, "e")
            if len(v) != 3 or v[1] != name:
                raise _bad(name, v)
            try:
                return hint(_any(v[2]))
            except ValueError as exc:
                raise Invalid(f"{v[2]!r} is not a {name}") from exc
        return member
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass(hint)
    raise Unstorable(f"the cache cannot hold a value of type {hint!r}")


def _dataclass(cls: type) -> Callable[[object], object]:
    _check_class(cls)
    name = _name(cls)
    fields: list[tuple[str, type | None, Callable[[object], object]]] = []
    slots = "__slots__" in cls.__dict__
    new = object.__new__

    def decode(v: object) -> object:
        if not fields:  # the field types are looked at on first use (a class may name itself)
            hints = typing.get_type_hints(cls)
            fields.extend((f.name, _PLAIN.get(hints[f.name]), _decoder(hints[f.name]))
                          for f in dataclasses.fields(cls))
        if type(v) is not list or len(v) != len(fields) + 2 or v[0] != "c" or v[1] != name:
            raise _bad(name, v)
        values = {}
        for (field, plain, d), x in zip(fields, v[2:]):
            values[field] = x if plain is not None and type(x) is plain else d(x)
        obj = new(cls)  # no constructor runs: the fields are set as they were kept
        if slots:
            for field, x in values.items():
                object.__setattr__(obj, field, x)
        else:
            obj.__dict__.update(values)
        return obj
    return decode


def loads(data: bytes, hint: object) -> object:
    """The value of type ``hint`` kept in ``data``; :class:`Invalid` when it is not one."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Invalid("not JSON") from exc
    if not (type(raw) is dict and raw.keys() == {"strings", "value"} and type(raw["strings"]) is list
            and all(type(x) is str for x in raw["strings"])):
        raise Invalid("not an entry of this cache")
    with _READING:
        _TABLE[0] = raw["strings"]
        try:
            return _decoder(hint)(raw["value"])
        except (TypeError, AttributeError, IndexError, RecursionError) as exc:  # an unhashable set member, …
            raise Invalid(str(exc)) from exc
        finally:
            _TABLE[0] = []


__all__ = ["dumps", "loads", "Invalid", "Unstorable"]

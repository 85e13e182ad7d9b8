"""Load: adaptations/<municipality>/adaptation.yml and its overlays → :class:`Adaptation`.

Only the file itself is checked here (schema, FRAME vocabularies, overlay files). Whether the
targets exist and core content is protected depends on the base manual: see ``overlay.py``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from manualkit.core import model as m
from manualkit.core.assets import check_image
from manualkit.core.body import Body, field_findings, parse_body
from manualkit.core.colour import AA_TEXT, ratio_text, readable_on_white
from manualkit.core.links import image_hint, inside
from manualkit.core.fields import (ADAPTATION_FIELDS, ADAPTATION_STATUSES, ADD_MODULE_ONLY, BRANDING_FIELDS,
                                   CHANGE_FIELDS, COLOUR_PATTERN, DATE_PATTERN, OPERATIONS, frame_fields, reasons_fields)
from manualkit.core.frame import FrameRecord
from manualkit.core.intervention import MODEL_TARGETS
from manualkit.core.operations import ChangeInput, check_operation
from manualkit.core.problems import Problem, make
from manualkit.core.schema import Checker, key_name, suggest
from manualkit.core.textfile import read_text, read_yaml_file
from manualkit.core.yamlread import Marks

DATE_RE = re.compile(DATE_PATTERN)
STATUSES = ADAPTATION_STATUSES
COLOUR_RE = re.compile(COLOUR_PATTERN)


@dataclass(frozen=True)
class Overlay:
    lang: str
    path: str
    text: str
    body: Body
    body_line: int


@dataclass(frozen=True)
class Change:
    id: str
    index: int
    operation: str
    module: str
    section: str
    where: str
    anchor: str
    part: str
    overlays: dict[str, Overlay]
    builds_on: str
    base_hash: str
    field: str
    value: Any
    new_module: dict[str, Any]
    frame: FrameRecord
    description: dict[str, str]
    justification: str
    approved_by: str
    date: str
    line: int
    justifications: dict[str, str] = field(default_factory=dict)  # per language; {} when written as one text

    @property
    def on_model(self) -> bool:
        """A ``set`` on the intervention model (``target: model``), applied by core/intervention.py."""
        return self.operation == "set" and self.module in MODEL_TARGETS

    @property
    def target(self) -> str:
        return f"{self.module}#{self.section}" if self.section else self.module

    @property
    def inconsistent(self) -> bool:
        return self.frame.inconsistent


@dataclass(frozen=True)
class Adaptation:
    id: str
    path: str  # adaptations/<id>/adaptation.yml
    folder: str
    name: dict[str, str]
    status: str
    base_version: str
    languages: tuple[str, ...]
    branding: dict[str, str]
    variables: dict[str, Any]
    marks: Marks = field(repr=False, compare=False)
    default_language: str = ""  # the language at the root of the variant's site (default: the manual's)
    changes: tuple[Change, ...] = ()
    snapshots: dict[str, str] = field(default_factory=dict, repr=False, compare=False)  # change id -> base text reviewed
    site_url: str = ""  # where this municipality's site is published (sitemap, canonical links)
    frozen_for_trial: bool = False  # show the "frozen for the trial" note with the pinned release


def _snapshots(folder: Path, changes: list[Change]) -> dict[str, str]:
    """The base texts each change was last reviewed against (snapshots/<change>.md), for drift diffs."""
    out: dict[str, str] = {}
    for ch in changes:
        p = folder / "snapshots" / f"{ch.id}.md"
        if p.is_file():
            try:
                out[ch.id] = p.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                pass
    return out


def load_frame_vocab(root: Path) -> tuple[dict[str, dict[str, dict[str, str]]], list[Problem]]:
    rel = "locales/frame.yml"
    if not (root / rel).is_file():
        return {}, [make("E109", rel, 0, 0, what=rel, fix="restore locales/frame.yml from the repository")]
    data, _marks, problems = read_yaml_file(root / rel, rel)
    return (data if isinstance(data, dict) else {}), problems


def load_adaptations(root: Path, manual: m.Manual, only: str | None = None) -> tuple[list[Adaptation], list[Problem], list[str]]:
    """Every municipality's adaptation; also the folder names whose adaptation.yml cannot be used."""
    problems: list[Problem] = []
    out: list[Adaptation] = []
    broken: list[str] = []
    base = root / "adaptations"
    if not base.is_dir():
        return out, problems, broken
    vocab, vprobs = load_frame_vocab(root)
    problems += vprobs
    for folder in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if only and folder.name != only:
            continue
        rel = f"adaptations/{folder.name}/adaptation.yml"
        if not (folder / "adaptation.yml").is_file():
            problems.append(make("E109", rel, 0, 0, what=rel, fix=f"run: manual new municipality {folder.name}"))
            broken.append(folder.name)
            continue
        a, probs = load_adaptation(root, folder, manual, vocab)
        problems += probs
        if a is not None:
            out.append(a)
        else:
            broken.append(folder.name)
    return out, problems, broken


def load_adaptation(root: Path, folder: Path, manual: m.Manual, vocab: dict) -> tuple[Adaptation | None, list[Problem]]:
    rel = f"adaptations/{folder.name}/adaptation.yml"
    data, marks, problems = read_yaml_file(folder / "adaptation.yml", rel)
    if data is None:
        return None, problems
    c = Checker(rel, marks, manual.languages)
    fields = {**ADAPTATION_FIELDS, "id": replace(ADAPTATION_FIELDS["id"], example=folder.name),
              "base_version": replace(ADAPTATION_FIELDS["base_version"], example=manual.version)}
    ok = c.mapping(data, (), fields, where=" in adaptation.yml")
    if not ok:
        return None, problems + c.problems
    for key in ("name",):
        for sub, code, fmt in field_findings(data.get(key)):
            c.add(code, (key,) if sub is None else (key, sub), **fmt)
    aid = data.get("id") if isinstance(data.get("id"), str) else folder.name
    if aid != folder.name:
        c.add("E1009", ("id",), id=aid, folder=folder.name)
    version = str(data.get("base_version") or "")
    if re.match(r"^\d+\.\d+\.\d+$", version) and _ver(version) > _ver(manual.version):
        c.add("E1005", ("base_version",), version=version, manual_version=manual.version)
    langs = tuple(x for x in data.get("languages") or () if isinstance(x, str)) if isinstance(data.get("languages"), list) else ()
    for i, lang in enumerate(langs):
        if lang not in manual.languages:
            c.add("E307", ("languages", i), lang=lang, languages=", ".join(manual.languages))
    langs = tuple(lg for lg in langs if lg in manual.languages) or manual.languages
    default = data.get("default_language") if isinstance(data.get("default_language"), str) else ""
    if default and default not in langs:
        c.add("E307", ("default_language",), lang=default, languages=", ".join(langs),
              hint="the default language must be one of the variant's 'languages'")
        default = ""
    branding = _branding(root, folder, rel, data.get("branding"), c)
    changes: list[Change] = []
    seen: set[str] = set()
    raw_changes = data.get("changes") if isinstance(data.get("changes"), list) else []
    for i, raw in enumerate(raw_changes):
        cid = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(cid, str) and cid in seen:
            c.add("E1008", ("changes", i, "id"), id=cid)
            continue
        seen.add(cid)
        ch = _load_change(root, folder, rel, raw, i, c, vocab, langs)
        if ch is not None:
            changes.append(ch)
    c.problems.extend(_check_text_templates(manual, rel, data, marks))
    from manualkit.core.load import missing_texts  # its name and variables in each language it publishes
    c.problems.extend(missing_texts(rel, langs, default or (manual.default_language if manual.default_language in langs else langs[0]), data, marks,
                                    [(("name",), data.get("name"), "the municipality's name")], known=manual.languages))
    name = data.get("name")
    return Adaptation(
        id=aid, path=rel, folder=f"adaptations/{folder.name}",
        name=name if isinstance(name, dict) else {lg: str(name) for lg in manual.languages},
        status=str(data.get("status") or "draft"), base_version=version, languages=langs,
        default_language=default or (manual.default_language if manual.default_language in langs else langs[0]), branding=branding,
        variables=data.get("variables") if isinstance(data.get("variables"), dict) else {}, marks=marks,
        changes=tuple(changes), snapshots=_snapshots(folder, changes),
        site_url=_url(c, data, "site_url"), frozen_for_trial=data.get("frozen_for_trial") is True,
    ), problems + c.problems


def _check_text_templates(manual: m.Manual, rel: str, data: dict, marks: Marks) -> list[Problem]:
    """Variables in the texts of adaptation.yml (name, change titles, summaries, descriptions)
    are checked like those in a module: known names only, no template logic (E701, E702, E704)."""
    from manualkit.core import variables as v
    from manualkit.core.validate import base_variables, check_variables_used

    values = v.merge(base_variables(manual), v.flatten(data.get("variables"), manual.languages, rel, marks, (), ("variables",)))
    texts: list[tuple[tuple, Any]] = [(("name",), data.get("name"))]
    for i, raw in enumerate(data.get("changes") if isinstance(data.get("changes"), list) else []):
        if isinstance(raw, dict):
            texts += [(("changes", i, key), raw.get(key)) for key in ("title", "summary", "description", "justification")]
    out: list[Problem] = []
    for path, value in texts:
        items = value.items() if isinstance(value, dict) else [(None, value)]
        for lang, text in items:
            if isinstance(text, str) and ("{{" in text or "{%" in text):
                where = path if lang is None else path + (lang,)
                out += check_variables_used(text, rel, marks.at(where)[0], values)
    return out


def _url(c: Checker, data: dict, key: str) -> str:
    from manualkit.core.load import _url as url

    return url(c, data, key)


def _ver(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


def _branding(root: Path, folder: Path, rel: str, raw: Any, c: Checker) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    c.mapping(raw, ("branding",), BRANDING_FIELDS, where=" in branding")
    out: dict[str, str] = {}
    for key in ("primary_colour", "accent_colour"):
        val = raw.get(key)
        if isinstance(val, str):
            if COLOUR_RE.fullmatch(val):
                out[key] = val
                _say_if_darkened(c, key, val)
            else:
                c.add("E203", ("branding", key), key=f"branding.{key}", value=val, allowed="a colour like '#00567a' (in quotes)", suggest="")
    logo = raw.get("logo")
    if isinstance(logo, str):
        path = folder / logo
        if logo.startswith("/") or not inside(folder, path):
            c.add("E804", ("branding", "logo"), target=logo)
        elif not path.is_file():
            line, col = c.marks.at(("branding", "logo"))
            c.problems.append(make("E603", rel, line, col, src=logo, hint=image_hint(root, folder, logo)
                                   or f"put the logo in {folder.relative_to(root).as_posix()}/assets/ and write logo: assets/<file>"))
        elif check_image(path):
            c.add("E815", ("branding", "logo"), src=logo, why=check_image(path))
        else:
            out["logo"] = path.relative_to(root).as_posix()
    return out


def _say_if_darkened(c: Checker, key: str, colour: str) -> None:
    """The site darkens a brand colour for links until it reads on white (WCAG AA): say so, with both colours."""
    used = readable_on_white(colour)
    if used.lower() != colour.lower():
        c.add("W1011", ("branding", key), key=f"branding.{key}", colour=colour, ratio=ratio_text(colour),
              used=used, used_ratio=ratio_text(used), need=f"{AA_TEXT}:1")


def _load_change(root: Path, folder: Path, rel: str, raw: Any, i: int, c: Checker, vocab: dict,
                 langs: tuple[str, ...]) -> Change | None:
    """One change of adaptation.yml: its keys (the schema), what its operation needs and allows
    (core/operations.py's table), its texts, its FRAME record and its overlays. None when any of
    that has an error: the problems are reported and the change is kept out of resolve."""
    path = ("changes", i)
    n = len(c.problems)
    if not c.mapping(raw, path, CHANGE_FIELDS, where=f" in change {i + 1}"):
        return None
    cid = raw.get("id") if isinstance(raw.get("id"), str) else f"#{i + 1}"
    module, _, section = str(raw.get("target") or "").partition("#")
    check_operation(ChangeInput(c, raw, i, cid, module, section, langs))
    _check_change_texts(c, raw, path)
    frame = _check_frame(c, raw, path, vocab)
    overlays = _read_overlays(root, folder, raw, path, c, langs)
    if any(p.is_error for p in c.problems[n:]):
        return None
    desc, why = raw.get("description"), raw.get("justification")
    return Change(
        id=cid, index=i, operation=str(raw.get("operation")), module=module, section=section,
        overlays=overlays, value=raw.get("value"), frame=FrameRecord.from_mapping(frame),
        new_module={k: raw[k] for k in NEW_MODULE_KEYS if raw.get(k) is not None},
        description=desc if isinstance(desc, dict) else {lg: str(desc) for lg in langs},
        justification=m.text_in(why, langs[0] if langs else "") if why else "",
        justifications={str(k): str(v) for k, v in why.items()} if isinstance(why, dict) else {},
        line=c.marks.at(path)[0], **{k: str(raw.get(k) or "") for k in TEXT_KEYS},
    )


#: Keys of a change read as plain text ("" when absent), and those that describe a new module.
TEXT_KEYS = ("where", "anchor", "part", "builds_on", "base_hash", "field", "approved_by", "date")
NEW_MODULE_KEYS = ("title", "type", "component", "summary") + ADD_MODULE_ONLY


def _check_change_texts(c: Checker, raw: dict, path: tuple) -> None:
    """The texts a reader sees are checked like module text; the date is written 2026-11-01."""
    for key in ("title", "summary", "description", "justification", "approved_by"):
        for sub, code, fmt in field_findings(raw.get(key)):
            c.add(code, path + ((key,) if sub is None else (key, sub)), **fmt)
    date = raw.get("date")
    if isinstance(date, str) and not DATE_RE.fullmatch(date):
        c.add("E203", path + ("date",), key=key_name(path + ("date",)), value=date, allowed="a date written 2026-11-01", suggest="")


def _check_frame(c: Checker, raw: dict, path: tuple, vocab: dict) -> dict:
    """The change's FRAME record against the vocabularies in locales/frame.yml; the record as written."""
    frame = raw.get("frame") if isinstance(raw.get("frame"), dict) else {}
    if frame:
        c.mapping(frame, path + ("frame",), frame_fields(vocab), where=" in frame")
        for modified, key, example in (("content", "nature", "nature: tailoring"), ("context", "context", "context: [setting]")):
            if frame.get("modified") == modified and not frame.get(key):
                c.add("E201", path + ("frame",), key=key_name(path + ("frame", key)), example=example)
        reasons = frame.get("reasons")
        if isinstance(reasons, dict):
            for sub, code, fmt in field_findings(reasons.get("text")):
                c.add(code, path + ("frame", "reasons", "text") + (() if sub is None else (sub,)), **fmt)
            c.mapping(reasons, path + ("frame", "reasons"), reasons_fields(vocab), where=" in reasons")
    if frame.get("fidelity") == "inconsistent" and not raw.get("justification"):
        c.add("E201", path, key=key_name(path + ("justification",)), example="justification: Why the change is needed")
    return frame


def _read_overlays(root: Path, folder: Path, raw: dict, path: tuple, c: Checker, langs: tuple[str, ...]) -> dict[str, Overlay]:
    """The overlay files of a change, one per language, with the same section ids in each."""
    overlays: dict[str, Overlay] = {}
    oname = raw.get("overlay")
    if not isinstance(oname, str) or not oname:
        return overlays
    for lang in langs:
        opath = folder / "overlays" / f"{oname}.{lang}.md"
        orel = f"{folder.relative_to(root).as_posix()}/overlays/{oname}.{lang}.md"
        if "/" in oname or "\\" in oname or ".." in oname or not inside(folder, opath):
            c.add("E804", path + ("overlay",), target=oname)
            break
        if not opath.is_file():
            c.add("E1006", path + ("overlay",), file=orel)
            continue
        text, probs = read_text(opath, orel)
        c.problems.extend(probs)
        if text is None:
            continue
        body, bprobs = parse_body(text, orel, 1)
        c.problems.extend(bprobs)
        overlays[lang] = Overlay(lang, orel, text, body, 1)
    ids = {lg: [s.id for s in o.body.sections] for lg, o in overlays.items()}
    if len({tuple(v) for v in ids.values()}) > 1:
        first = next(iter(overlays.values()))
        for lg, o in overlays.items():
            if ids[lg] != ids[first.lang]:
                c.problems.append(make("E403", o.path, 1, 1, source=first.path, detail="section ids " + ", ".join(ids[lg]) + " vs " + ", ".join(ids[first.lang])))
    return overlays


__all__ = ["Adaptation", "Change", "Overlay", "load_adaptations", "load_frame_vocab", "suggest", "OPERATIONS"]

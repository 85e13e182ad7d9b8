"""Load: adaptations/<municipality>/adaptation.yml and its overlays → :class:`Adaptation`.

Only the file itself is checked here (schema, FRAME vocabularies, overlay files). Whether the
targets exist and core content is protected depends on the base manual: see ``overlay.py``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manualkit.core import model as m
from manualkit.core.body import Body, parse_body, unsafe_text
from manualkit.core.links import inside
from manualkit.core.frame import FrameRecord
from manualkit.core.problems import Problem, make
from manualkit.core.schema import Checker, Field, key_name, suggest
from manualkit.core.textfile import read_text, read_yaml_file
from manualkit.core.yamlread import Marks

OPERATIONS = ("replace-section", "insert-section", "append", "remove-section", "move-section",
              "add-module", "remove-module", "set")
NEEDS_OVERLAY = ("replace-section", "insert-section", "append", "add-module")
NEEDS_SECTION = ("replace-section", "insert-section", "remove-section", "move-section")
SETTABLE = ("duration_minutes", "title", "summary")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
STATUSES = ("example", "draft", "confirmed")


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


def _vocab_field(vocab: dict, name: str, many: bool, required: bool = True) -> Field:
    allowed = tuple(vocab.get(name, {}))
    return Field("list" if many else "str", required=required, allowed=allowed, example=(allowed[0] if allowed else ""))


def frame_fields(vocab: dict) -> dict[str, Field]:
    return {
        "when": _vocab_field(vocab, "when", False),
        "planned": _vocab_field(vocab, "planned", False),
        "decided_by": _vocab_field(vocab, "decided_by", True),
        "modified": _vocab_field(vocab, "modified", False),
        "level": _vocab_field(vocab, "level", False),
        "context": _vocab_field(vocab, "context", True, required=False),
        "nature": _vocab_field(vocab, "nature", False, required=False),
        "fidelity": _vocab_field(vocab, "fidelity", False),
        "goals": _vocab_field(vocab, "goals", True),
        "reasons": Field("map", required=True, example="{text: Lokale rutiner, level: organisation}"),
    }


def change_fields() -> dict[str, Field]:
    return {
        "id": Field("id", required=True, example="local-contacts"),
        "operation": Field("str", required=True, allowed=OPERATIONS, example="replace-section"),
        "target": Field("str", required=True, example="safety-planning#review-every-visit"),
        "where": Field("str", allowed=("before", "after", "first", "last"), example="after"),
        "anchor": Field("id", example="first-visit"),
        "part": Field("id", example="coordination"),
        "overlay": Field("str", example="local-routines"),
        "builds_on": Field("id", example="an earlier change id"),
        "base_hash": Field("str", example="written by: manual adaptations accept"),
        "field": Field("str", allowed=SETTABLE, example="duration_minutes"),
        "value": Field("any", example="45"),
        "title": Field("text", example="{nb: Lokale rutiner, en: Local routines}"),
        "type": Field("str", allowed=m.MODULE_TYPES, example="chapter"),
        "component": Field("str", allowed=m.COMPONENTS, example="general"),
        "summary": Field("text", example="{nb: ..., en: ...}"),
        "frame": Field("map", required=True, example="{when: implementation, ...}"),
        "description": Field("text", required=True, example="{nb: Hva som er endret, en: What changed}"),
        "justification": Field("str", example="Why a fidelity-inconsistent change is needed"),
        "approved_by": Field("str", required=True, example="Programansvarlig i kommunen"),
        "date": Field("str", required=True, example="2026-11-01"),
    }


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
    ok = c.mapping(data, (), {
        "id": Field("id", required=True, example=folder.name),
        "name": Field("text", required=True, example="{nb: Eksempel kommune, en: Example municipality}"),
        "status": Field("str", allowed=STATUSES, example="example"),
        "base_version": Field("version", required=True, example=manual.version),
        "languages": Field("langs", required=True, example="[nb, en]"),
        "branding": Field("map", example="{logo: assets/logo.svg, primary_colour: '#00567a'}"),
        "variables": Field("map", example="{municipality: {name: Eksempel kommune}}"),
        "changes": Field("seq", example="- id: local-contacts"),
        "site_url": Field("str", example="https://www.example.no/familiepartner/"),
        "frozen_for_trial": Field("bool", example="true"),
    }, where=" in adaptation.yml")
    if not ok:
        return None, problems + c.problems
    for key in ("name",):
        bad = unsafe_text(data.get(key))
        if bad:
            c.add("E801", (key,), tag=bad)
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
    name = data.get("name")
    return Adaptation(
        id=aid, path=rel, folder=f"adaptations/{folder.name}",
        name=name if isinstance(name, dict) else {lg: str(name) for lg in manual.languages},
        status=str(data.get("status") or "draft"), base_version=version, languages=langs, branding=branding,
        variables=data.get("variables") if isinstance(data.get("variables"), dict) else {}, marks=marks,
        changes=tuple(changes), snapshots=_snapshots(folder, changes),
        site_url=_url(c, data, "site_url"), frozen_for_trial=data.get("frozen_for_trial") is True,
    ), problems + c.problems


def _url(c: Checker, data: dict, key: str) -> str:
    from manualkit.core.load import _url as url

    return url(c, data, key)


def _ver(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


def _branding(root: Path, folder: Path, rel: str, raw: Any, c: Checker) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    c.mapping(raw, ("branding",), {
        "logo": Field("str", example="assets/logo.svg"),
        "primary_colour": Field("str", example="'#00567a'"),
        "accent_colour": Field("str", example="'#b3541e'"),
    }, where=" in branding")
    out: dict[str, str] = {}
    for key in ("primary_colour", "accent_colour"):
        val = raw.get(key)
        if isinstance(val, str):
            if re.match(r"^#[0-9a-fA-F]{6}$", val):
                out[key] = val
            else:
                c.add("E203", ("branding", key), key=f"branding.{key}", value=val, allowed="a colour like '#00567a' (in quotes)", suggest="")
    logo = raw.get("logo")
    if isinstance(logo, str):
        path = folder / logo
        if logo.startswith("/") or not inside(folder, path):
            c.add("E804", ("branding", "logo"), target=logo)
        elif not path.is_file():
            c.add("E603", ("branding", "logo"), src=logo)
        else:
            out["logo"] = path.relative_to(root).as_posix()
    return out


def _load_change(root: Path, folder: Path, rel: str, raw: Any, i: int, c: Checker, vocab: dict,
                 langs: tuple[str, ...]) -> Change | None:
    path = ("changes", i)
    fields = change_fields()
    fields["value"] = Field("any", example="45")
    n = len(c.problems)
    if not c.mapping(raw, path, fields, where=f" in change {i + 1}"):
        return None
    cid = raw.get("id") if isinstance(raw.get("id"), str) else f"#{i + 1}"
    op = raw.get("operation")
    target = str(raw.get("target") or "")
    module, _, section = target.partition("#")

    def need(what: str, example: str) -> None:
        c.add("E1007", path, change=cid, what=what, example=example)

    if op in NEEDS_SECTION and not section:
        need("a section in 'target' (module-id#section-id)", "target: safety-planning#review-every-visit")
    if op in ("append", "add-module", "remove-module", "set") and section:
        need("a module id in 'target', without '#section'", f"target: {module}")
    if op in ("insert-section", "move-section", "add-module") and raw.get("where") not in ("before", "after", "first", "last"):
        need("'where: before' or 'where: after'", "where: after")
    if op in ("move-section", "add-module") and raw.get("where") in ("before", "after") and not raw.get("anchor"):
        need("an 'anchor' (the section or module it goes before or after)", "anchor: first-visit")
    if op == "add-module":
        for key, ex in (("title", "{nb: Lokale rutiner, en: Local routines}"), ("part", "coordination")):
            if not raw.get(key):
                need(f"'{key}'", f"{key}: {ex}")
    if op == "set" and (raw.get("field") is None or raw.get("value") is None):
        need("'field' and 'value'", "field: duration_minutes\n  value: 45")
    if op == "set" and raw.get("field") == "duration_minutes" and (not isinstance(raw.get("value"), int) or isinstance(raw.get("value"), bool)):
        c.add("E202", path + ("value",), key=key_name(path + ("value",)), expected="a whole number", got=repr(raw.get("value")), example="45")
    if op in NEEDS_OVERLAY and not raw.get("overlay"):
        need("an 'overlay' with the new text", "overlay: local-routines   # overlays/local-routines.nb.md and .en.md")
    for key in ("title", "summary", "description", "justification", "approved_by"):
        bad = unsafe_text(raw.get(key))
        if bad:
            c.add("E801", path + (key,), tag=bad)
    date = raw.get("date")
    if isinstance(date, str) and not DATE_RE.match(date):
        c.add("E203", path + ("date",), key=key_name(path + ("date",)), value=date, allowed="a date written 2026-11-01", suggest="")

    frame = raw.get("frame") if isinstance(raw.get("frame"), dict) else {}
    if frame:
        c.mapping(frame, path + ("frame",), frame_fields(vocab), where=" in frame")
        if frame.get("modified") == "content" and not frame.get("nature"):
            c.add("E201", path + ("frame",), key=key_name(path + ("frame", "nature")), example="nature: tailoring")
        if frame.get("modified") == "context" and not frame.get("context"):
            c.add("E201", path + ("frame",), key=key_name(path + ("frame", "context")), example="context: [setting]")
        reasons = frame.get("reasons")
        if isinstance(reasons, dict):
            c.mapping(reasons, path + ("frame", "reasons"), {
                "text": Field("text", required=True, example="Lokale samarbeidsrutiner"),
                "level": Field("str", required=True, allowed=tuple(vocab.get("reason_level", {})), example="organisation"),
            }, where=" in reasons")
    if frame.get("fidelity") == "inconsistent" and not raw.get("justification"):
        c.add("E201", path, key=key_name(path + ("justification",)), example="justification: Why the change is needed")

    overlays: dict[str, Overlay] = {}
    oname = raw.get("overlay")
    if isinstance(oname, str) and oname:
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
    if len(c.problems) > n and any(p.is_error for p in c.problems[n:]):
        # keep the change out of resolve: its record is broken and reported
        return None
    line = c.marks.at(path)[0]
    new_module = {k: raw.get(k) for k in ("title", "type", "component", "summary") if raw.get(k) is not None}
    desc = raw.get("description")
    return Change(
        id=cid, index=i, operation=str(op), module=module, section=section,
        where=str(raw.get("where") or ""), anchor=str(raw.get("anchor") or ""), part=str(raw.get("part") or ""),
        overlays=overlays, builds_on=str(raw.get("builds_on") or ""), base_hash=str(raw.get("base_hash") or ""),
        field=str(raw.get("field") or ""), value=raw.get("value"), new_module=new_module, frame=FrameRecord.from_mapping(frame),
        description=desc if isinstance(desc, dict) else {lg: str(desc) for lg in langs},
        justification=str(raw.get("justification") or ""), approved_by=str(raw.get("approved_by") or ""),
        date=str(raw.get("date") or ""), line=line,
    )


__all__ = ["Adaptation", "Change", "Overlay", "load_adaptations", "load_frame_vocab", "suggest", "OPERATIONS"]

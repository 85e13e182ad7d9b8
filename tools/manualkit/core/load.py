"""Load: files → a :class:`Manual` plus every problem found while reading.

Nothing is raised for bad content: a file that cannot be read becomes a problem and is
left out of the model, so the other checks can still run and report everything at once.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from manualkit.core import model as m
from manualkit.core.body import parse_body, unsafe_text
from manualkit.core.problems import Problem, make
from manualkit.core.schema import Checker, Field, suggest
from manualkit.core.textfile import read_text, read_yaml_file, split_front_matter
from manualkit.core.yamlread import Marks

FILE_RE = re.compile(r"^(?P<id>[^.]+)\.(?P<lang>[^.]+)\.md$")


def _contributor_check(rel: str, marks: Marks):
    def check(value: Any, path: tuple) -> list[Problem]:
        c = Checker(rel, marks)
        if isinstance(value, list):
            for i, item in enumerate(value):
                c.mapping(item, path + (i,), {
                    "name": Field("str", required=True, example="Brukerrepresentantgruppen"),
                    "role": Field("str", required=True, allowed=m.CONTRIBUTOR_ROLES, example="user-representative"),
                }, where=" in contributors")
        return c.problems
    return check


def source_fields(rel: str, marks: Marks) -> dict[str, Field]:
    return {
        "id": Field("id", required=True, example="first-visit"),
        "title": Field("str", required=True, example="Første besøk"),
        "type": Field("str", required=True, allowed=m.MODULE_TYPES, example="chapter"),
        "component": Field("str", required=True, allowed=m.COMPONENTS, example="home-visiting"),
        "core": Field("bool", example="false"),
        "status": Field("str", required=True, allowed=m.STATUSES, example="draft"),
        "summary": Field("str", example="Hva modulen handler om, i én setning."),
        "audience": Field("list", allowed=m.AUDIENCES, example="[family-partners]"),
        "duration_minutes": Field("int", example="60"),
        "handouts": Field("ids", example="[handout-positive-time]"),
        "contributors": Field("seq", example="[{name: Forskergruppen, role: researcher}]",
                              check=_contributor_check(rel, marks)),
    }


def translation_fields(languages: tuple[str, ...]) -> dict[str, Field]:
    return {
        "id": Field("id", required=True, example="first-visit"),
        "title": Field("str", required=True, example="The first visit"),
        "summary": Field("str", example="What the module is about, in one sentence."),
        "translation": Field("map", required=True, example="{from: nb, source_hash: 3f1c9a0b2e7d}"),
    }


def _manual_fields() -> dict[str, Field]:
    return {
        "id": Field("id", required=True, example="family-partner"),
        "title": Field("text", required=True, example="{nb: Familiepartner, en: Family Partner}"),
        "version": Field("version", required=True, example="0.1.0"),
        "default_language": Field("lang", required=True, example="nb"),
        "languages": Field("langs", required=True, example="[nb, en]"),
        "parts": Field("seq", required=True, example="- id: foundations"),
        "variables": Field("map", example="{municipality: {name: kommunen}}"),
        "site_url": Field("str", example="https://example.org/familiepartner/"),
        "repository": Field("str", example="https://github.com/example/family-partner"),
        "license": Field("str", example="CC-BY-4.0"),
        "authors": Field("seq", example="[{name: Forskergruppen}]"),
    }


def load_manual(root: Path) -> tuple[m.Manual | None, list[Problem]]:
    """Read manual/manual.yml, every module file, the glossary and the locales."""
    root = Path(root)
    problems: list[Problem] = []
    rel_yml = "manual/manual.yml"
    if not (root / rel_yml).is_file():
        return None, [make("E109", rel_yml, 0, 0, what=rel_yml,
                           fix="run the command in the manual's repository (the folder with manual/ and adaptations/)")]
    data, marks, probs = read_yaml_file(root / rel_yml, rel_yml)
    problems += probs
    if data is None and probs:
        return None, problems
    c = Checker(rel_yml, marks)
    if not c.mapping(data, (), _manual_fields(), where=" in manual.yml"):
        return None, problems + c.problems
    raw_langs = data.get("languages") if isinstance(data.get("languages"), list) else []
    langs = tuple(str(x) for x in raw_langs if isinstance(x, str))
    c.languages = langs
    # re-check the per-language texts now that the languages are known
    c.problems.clear()
    c.mapping(data, (), _manual_fields(), where=" in manual.yml")
    default = data.get("default_language") if isinstance(data.get("default_language"), str) else "nb"
    if langs and default not in langs:
        c.add("E203", ("default_language",), key="default_language", value=default, allowed=", ".join(langs), suggest="")
    parts: list[m.Part] = []
    seen_parts: dict[str, tuple] = {}
    seen_modules: dict[str, tuple] = {}
    for i, pdata in enumerate(data.get("parts") or [] if isinstance(data.get("parts"), list) else []):
        if not c.mapping(pdata, ("parts", i), {
            "id": Field("id", required=True, example="home-visits"),
            "title": Field("text", required=True, example="{nb: Hjemmebesøk, en: Home visits}"),
            "modules": Field("ids", required=True, example="[first-visit, follow-up]"),
        }, where=f" in part {i + 1}"):
            continue
        pid = pdata.get("id")
        if not isinstance(pid, str):
            continue
        if pid in seen_parts:
            c.add("E303", ("parts", i, "id"), id=pid, other=f"line {marks.at(seen_parts[pid])[0]}")
        seen_parts.setdefault(pid, ("parts", i, "id"))
        mods: list[str] = []
        for j, mid in enumerate(pdata.get("modules") or [] if isinstance(pdata.get("modules"), list) else []):
            if not isinstance(mid, str):
                continue
            if mid in seen_modules:
                c.add("E303", ("parts", i, "modules", j), id=mid, other=f"line {marks.at(seen_modules[mid])[0]}")
                continue
            seen_modules[mid] = ("parts", i, "modules", j)
            mods.append(mid)
        title = pdata.get("title")
        parts.append(m.Part(pid, title if isinstance(title, dict) else {lang: str(title) for lang in langs}, tuple(mods)))
    problems += c.problems
    if not langs:
        return None, problems

    files, file_problems, unreadable = _load_module_files(root, langs)
    problems += file_problems
    modules = _assemble_modules(root, parts, seen_modules, files, langs, default, marks, problems, unreadable)

    site_url = _url(c, data, "site_url")
    citation = {k: data[k] for k in ("repository", "license", "authors") if data.get(k)}
    if "repository" in citation and not isinstance(citation["repository"], str):
        citation.pop("repository")
    title = data.get("title")
    manual = m.Manual(
        root=str(root), id=str(data.get("id", "")),
        title=title if isinstance(title, dict) else {lang: str(title) for lang in langs},
        version=str(data.get("version", "0.0.0")), default_language=default, languages=langs,
        parts=tuple(parts), variables=data.get("variables") if isinstance(data.get("variables"), dict) else {},
        modules=modules, variable_marks=marks, unreadable=frozenset(unreadable),
        site_url=site_url, citation=citation,
    )
    glossary, gprobs = load_glossary(root, langs)
    locales, lprobs = load_locales(root, langs, default)
    problems += gprobs + lprobs
    manual = m.Manual(**{**manual.__dict__, "glossary": glossary, "locales": locales})
    return manual, problems


def _load_module_files(root: Path, langs: tuple[str, ...]) -> tuple[dict[str, dict[str, m.ModuleFile]], list[Problem],
                                                                   set[tuple[str, str]]]:
    """Every module file that can be read; and (module, language) of those that exist but cannot."""
    problems: list[Problem] = []
    unreadable: set[tuple[str, str]] = set()
    out: dict[str, dict[str, m.ModuleFile]] = {}
    for path in sorted((root / "manual").rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            try:
                path.resolve().relative_to(root.resolve())
            except ValueError:
                problems.append(make("E804", rel, 0, 0, target=rel))
                continue
        fm = FILE_RE.match(path.name)
        if not fm or len(path.relative_to(root / "manual").parts) != 2:
            problems.append(make("E306", rel, 0, 0, name=path.relative_to(root / "manual").as_posix(), languages=", ".join(langs)))
            continue
        mid, lang = fm.group("id"), fm.group("lang")
        if lang not in langs:
            problems.append(make("E307", rel, 0, 0, lang=lang, languages=", ".join(langs)))
            continue
        mf, probs = load_module_file(path, rel, mid, lang, langs)
        problems += probs
        if mf is not None:
            out.setdefault(mid, {})[lang] = mf
        else:
            unreadable.add((mid, lang))
    return out, problems, unreadable


def load_module_file(path: Path, rel: str, mid: str, lang: str, langs: tuple[str, ...]) -> tuple[m.ModuleFile | None, list[Problem]]:
    text, problems = read_text(path, rel)
    if text is None:
        return None, problems
    doc, probs = split_front_matter(text, rel)
    problems += probs
    if doc is None:
        return None, problems
    meta, marks = doc.meta, doc.marks
    is_source = "translation" not in meta
    c = Checker(rel, marks, langs)
    if is_source:
        c.mapping(meta, (), source_fields(rel, marks), where=" in the front matter")
    else:
        for key in list(meta):
            if key in m.SHARED_FIELDS:
                c.add("E501", (key,), at_key=True, key=key, source=f"{mid}.<source language>.md")
        fields = translation_fields(langs)
        shared_free = {k: v for k, v in meta.items() if k not in m.SHARED_FIELDS}
        c.mapping(shared_free, (), fields, where=" in the front matter")
        tr = meta.get("translation")
        if isinstance(tr, dict):
            c.mapping(tr, ("translation",), {
                "from": Field("lang", required=True, example="nb"),
                "source_hash": Field("str", example="run: manual translations mark"),
            }, where=" in translation")
    for key in ("title", "summary"):
        bad = unsafe_text(meta.get(key))
        if bad:
            c.add("E801", (key,), tag=bad)
    if isinstance(meta.get("id"), str) and meta["id"] != mid:
        c.add("E304", ("id",), id=meta["id"], stem=mid)
    problems += c.problems
    body, bprobs = parse_body(doc.body, rel, doc.body_line)
    problems += bprobs
    tr = meta.get("translation") if isinstance(meta.get("translation"), dict) else {}
    return m.ModuleFile(
        module_id=mid, lang=lang, path=rel, is_source=is_source,
        title=str(meta.get("title") or mid), summary=str(meta.get("summary") or ""),
        meta=meta, marks=marks, body_text=doc.body, body_line=doc.body_line, body=body,
        translated_from=str(tr.get("from") or ""), source_hash=str(tr.get("source_hash") or ""),
    ), problems


def _assemble_modules(root: Path, parts: list[m.Part], listed: dict[str, tuple], files: dict[str, dict[str, m.ModuleFile]],
                      langs: tuple[str, ...], default: str, marks: Marks, problems: list[Problem],
                      unreadable: set[tuple[str, str]]) -> dict[str, m.Module]:
    # a file that exists but cannot be read has its own problem already: no "missing" on top
    broken = {mid for mid, _lang in unreadable}
    modules: dict[str, m.Module] = {}
    part_of = {mid: p.id for p in parts for mid in p.modules}
    for p in parts:
        for mid in p.modules:
            if mid not in files and mid not in broken:
                line, col = marks.at(listed[mid])
                problems.append(make("E301", "manual/manual.yml", line, col, module=mid,
                                     expected=f"manual/{p.id}/{mid}.{default}.md"))
    for mid, by_lang in files.items():
        some = next(iter(by_lang.values()))
        folder = some.path.split("/")[1]
        if mid not in part_of:
            problems.append(make("E302", some.path, 1, 1, module=mid, part=folder))
            continue
        if folder != part_of[mid]:
            problems.append(make("E308", some.path, 1, 1, module=mid, listed=part_of[mid], folder=folder))
        sources = [f for f in by_lang.values() if f.is_source]
        if not sources and mid in broken:
            continue
        if not sources:
            problems.append(make("E305", some.path, 1, 1, module=mid, lang=default,
                                 expected=f"manual/{part_of[mid]}/{mid}.{default}.md"))
            continue
        if len(sources) > 1:
            for extra in sources[1:]:
                problems.append(make("E501", extra.path, 1, 1, key="type/component/status",
                                     source=sources[0].path, hint=f"only one language file is the source ({sources[0].path}); "
                                     f"give this one 'translation: {{from: {sources[0].lang}}}' and remove the shared fields"))
        src = sources[0]
        meta = src.meta
        modules[mid] = m.Module(
            id=mid, part=part_of[mid],
            type=meta.get("type") if meta.get("type") in m.MODULE_TYPES else "chapter",
            component=meta.get("component") if meta.get("component") in m.COMPONENTS else "general",
            core=meta.get("core") is True,
            status=meta.get("status") if meta.get("status") in m.STATUSES else "draft",
            audience=tuple(a for a in meta.get("audience") or () if isinstance(a, str)) if isinstance(meta.get("audience"), list) else (),
            duration_minutes=meta.get("duration_minutes") if isinstance(meta.get("duration_minutes"), int) and not isinstance(meta.get("duration_minutes"), bool) else None,
            handouts=tuple(h for h in meta.get("handouts") or () if isinstance(h, str)) if isinstance(meta.get("handouts"), list) else (),
            contributors=tuple(c for c in meta.get("contributors") or () if isinstance(c, dict)) if isinstance(meta.get("contributors"), list) else (),
            source_lang=src.lang, files=dict(by_lang),
        )
    return modules


def load_glossary(root: Path, langs: tuple[str, ...]) -> tuple[tuple[m.GlossaryTerm, ...], list[Problem]]:
    rel = "locales/glossary.yml"
    if not (root / rel).is_file():
        return (), []
    data, marks, problems = read_yaml_file(root / rel, rel)
    if data is None:
        return (), problems
    c = Checker(rel, marks, langs)
    if not c.mapping(data, (), {"terms": Field("seq", required=True, example="- id: hjelpetiltak")}):
        return (), problems + c.problems
    terms: list[m.GlossaryTerm] = []
    seen: set[str] = set()
    entry = {"term": Field("str", required=True, example="hjelpetiltak"),
             "definition": Field("str", required=True, example="Tiltak som ...")}
    for i, t in enumerate(data.get("terms") if isinstance(data.get("terms"), list) else []):
        fields = {"id": Field("id", required=True, example="hjelpetiltak")}
        fields.update({lang: Field("map", required=True, example="{term: ..., definition: ...}") for lang in langs})
        if not c.mapping(t, ("terms", i), fields, where=" in a glossary term"):
            continue
        ok = True
        for lang in langs:
            if isinstance(t.get(lang), dict):
                n = len(c.problems)
                c.mapping(t[lang], ("terms", i, lang), entry)
                ok = ok and len(c.problems) == n
            else:
                ok = False
        tid = t.get("id")
        if isinstance(tid, str) and tid in seen:
            c.add("E303", ("terms", i, "id"), id=tid, other="in the glossary")
        if ok and isinstance(tid, str):
            seen.add(tid)
            terms.append(m.GlossaryTerm(tid, {lg: str(t[lg]["term"]) for lg in langs},
                                        {lg: str(t[lg]["definition"]) for lg in langs}))
    return tuple(terms), problems + c.problems


def _flat_keys(data: Any, prefix: str = "") -> set[str]:
    if not isinstance(data, dict):
        return {prefix}
    out: set[str] = set()
    for k, v in data.items():
        out |= _flat_keys(v, f"{prefix}.{k}" if prefix else str(k))
    return out


def load_locales(root: Path, langs: tuple[str, ...], default: str) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    problems: list[Problem] = []
    out: dict[str, dict[str, Any]] = {}
    for lang in langs:
        rel = f"locales/{lang}.yml"
        if not (root / rel).is_file():
            problems.append(make("E109", rel, 0, 0, what=rel, fix=f"copy locales/{default}.yml and translate the texts"))
            continue
        data, marks, probs = read_yaml_file(root / rel, rel)
        problems += probs
        if isinstance(data, dict):
            out[lang] = data
        elif data is not None:
            problems.append(make("E110", rel, 1, 1, kind="a list" if isinstance(data, list) else "a single value"))
    if default in out:
        want = _flat_keys(out[default])
        for lang, data in out.items():
            missing = sorted(want - _flat_keys(data))
            for key in missing:
                problems.append(make("E201", f"locales/{lang}.yml", 1, 1, key=key, example=f"the same keys as locales/{default}.yml"))
    return out, problems


__all__ = ["load_manual", "load_module_file", "suggest"]


def _url(c: Checker, data: dict, key: str) -> str:
    """A web address such as site_url: http(s)://…, always ending in '/' (mkdocs wants a folder)."""
    from manualkit.core.release import URL

    val = data.get(key)
    if not isinstance(val, str) or not val:
        return ""
    if not URL.match(val):
        c.add("E203", (key,), key=key, value=val, allowed="an address that starts with https://, such as "
              "https://www.example.no/familiepartner/", suggest="")
        return ""
    return val if val.endswith("/") else val + "/"

"""Load: files → a :class:`Manual` plus every problem found while reading.

Nothing is raised for bad content: a file that cannot be read becomes a problem and is
left out of the model, so the other checks can still run and report everything at once.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from manualkit.core import model as m
from manualkit.core.assets import outside_links
from manualkit.core.body import field_findings, parse_body, slugify
from manualkit.core.fields import (CONTRIBUTOR_FIELDS, GLOSSARY_ENTRY_FIELDS, GLOSSARY_FIELDS, MANUAL_FIELDS,
                                   PART_FIELDS, SOURCE_FIELDS, TRANSLATION_FIELDS, TRANSLATION_INFO_FIELDS,
                                   glossary_term_fields)
from manualkit.core.problems import Problem, make
from manualkit.core.schema import Checker, Field, suggest
from manualkit.core.textfile import read_text, read_yaml_file, split_front_matter
from manualkit.core.yamlread import Marks

FILE_RE = re.compile(r"^(?P<id>[^.]+)\.(?P<lang>[^.]+)\.md$")
# Ids the toolkit itself uses: a module or part with one of them would silently replace a
# generated page or a folder of the published site.
RESERVED_MODULES = {
    "about-this-version": "it is the generated page 'About this version'",
    "glossary": "it is the generated glossary page",
    "accessibility-statement": "it is the generated accessibility statement",
    "index": "it is the home page of the site",
}
RESERVED_PARTS = {"assets": "the site keeps the theme's files there", "search": "the site keeps its search index there",
                  "pdf": "the site keeps the PDFs there", "index": "it is the home page of the site"}


def reserved(kind: str, value: str, languages: tuple[str, ...]) -> str | None:
    """Why ``value`` cannot be the id of a module or part (None when it can)."""
    if kind == "module":
        return RESERVED_MODULES.get(value)
    if value in languages or value in ("nb", "nn", "no", "en", "se", "smj", "sma"):
        return f"a part named like a language code would share the site's /{value}/ folder with that language"
    return RESERVED_PARTS.get(value)


def _check_text(c: Checker, path: tuple, value: Any) -> None:
    """A text a reader sees (title, name, glossary entry): no HTML, attribute lists or unsafe links."""
    for sub, code, fmt in field_findings(value):
        c.add(code, path if sub is None else path + (sub,), **fmt)


def _contributor_check(rel: str, marks: Marks):
    def check(value: Any, path: tuple) -> list[Problem]:
        c = Checker(rel, marks)
        if isinstance(value, list):
            for i, item in enumerate(value):
                c.mapping(item, path + (i,), CONTRIBUTOR_FIELDS, where=" in contributors")
        return c.problems
    return check


def source_fields(rel: str, marks: Marks) -> dict[str, Field]:
    return {**SOURCE_FIELDS, "contributors": replace(SOURCE_FIELDS["contributors"], check=_contributor_check(rel, marks))}


def translation_fields() -> dict[str, Field]:
    return dict(TRANSLATION_FIELDS)


def _manual_fields() -> dict[str, Field]:
    return dict(MANUAL_FIELDS)


def load_manual(root: Path) -> tuple[m.Manual | None, list[Problem]]:
    """Read manual/manual.yml, every module file, the glossary and the locales."""
    root = Path(root)
    problems: list[Problem] = []
    rel_yml = "manual/manual.yml"
    if not (root / rel_yml).is_file():
        return None, [make("E109", rel_yml, 0, 0, what=rel_yml,
                           fix="run the command in the manual's repository (the folder with manual/ and adaptations/)")]
    problems += outside_links(root)  # a symbolic link to a host file is never read as content
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
    raw_partial = data.get("partial_languages") if isinstance(data.get("partial_languages"), list) else []
    partial: list[str] = []
    for i, lang in enumerate(raw_partial):
        if not isinstance(lang, str):
            continue
        if lang not in langs or lang == default:
            c.add("W1650", ("partial_languages", i), lang=lang, languages=", ".join(x for x in langs if x != default))
            continue
        partial.append(lang)
    parts: list[m.Part] = []
    seen_parts: dict[str, tuple] = {}
    seen_modules: dict[str, tuple] = {}
    for i, pdata in enumerate(data.get("parts") or [] if isinstance(data.get("parts"), list) else []):
        if not c.mapping(pdata, ("parts", i), PART_FIELDS, where=f" in part {i + 1}"):
            continue
        pid = pdata.get("id")
        if not isinstance(pid, str):
            continue
        if pid in seen_parts:
            c.add("E303", ("parts", i, "id"), id=pid, other=f"line {marks.at(seen_parts[pid])[0]}")
        why = reserved("part", pid, langs)
        if why:
            c.add("E309", ("parts", i, "id"), id=pid, why=why, example=f"{pid}-part")
        seen_parts.setdefault(pid, ("parts", i, "id"))
        mods: list[str] = []
        for j, mid in enumerate(pdata.get("modules") or [] if isinstance(pdata.get("modules"), list) else []):
            if not isinstance(mid, str):
                continue
            if mid in seen_modules:
                c.add("E303", ("parts", i, "modules", j), id=mid, other=f"line {marks.at(seen_modules[mid])[0]}")
                continue
            seen_modules[mid] = ("parts", i, "modules", j)
            why = reserved("module", mid, langs)
            if why:
                c.add("E309", ("parts", i, "modules", j), id=mid, why=why, example=f"{mid}-text")
            mods.append(mid)
        title = pdata.get("title")
        _check_text(c, ("parts", i, "title"), title)
        parts.append(m.Part(pid, title if isinstance(title, dict) else {lang: str(title) for lang in langs}, tuple(mods)))
    _check_text(c, ("title",), data.get("title"))
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
        site_url=site_url, citation=citation, partial_languages=tuple(partial),
    )
    problems += _missing_texts(manual, data, marks)
    glossary, gprobs = load_glossary(root, langs, default, skip=frozenset(manual.partial_languages))
    locales, lprobs = load_locales(root, langs, default)
    from manualkit.core.intervention import load_intervention
    intervention, iprobs = load_intervention(root, langs)
    problems += gprobs + lprobs + iprobs
    manual = m.Manual(**{**manual.__dict__, "glossary": glossary, "locales": locales, "intervention": intervention,
                         "translation_snapshots": _translation_snapshots(root, manual)})
    return manual, problems


def _missing_texts(manual: m.Manual, data: dict, marks) -> list[Problem]:
    """W1651: the title, a part title or a variable written per language lacks one of the languages."""
    titles = [(("title",), data.get("title"), "the manual's title")]
    for i, p in enumerate(data.get("parts") if isinstance(data.get("parts"), list) else []):
        if isinstance(p, dict):
            titles.append((("parts", i, "title"), p.get("title"), f"the title of part '{p.get('id')}'"))
    return missing_texts("manual/manual.yml", manual.languages, manual.default_language, data, marks, titles)


def missing_texts(rel: str, langs: tuple[str, ...], default: str, data: dict, marks,
                  titles: list[tuple[tuple, Any, str]], known: tuple[str, ...] = ()) -> list[Problem]:
    """W1651 in one file (manual.yml or a municipality's adaptation.yml): each of ``titles``
    (path, value, what it is) and each variable written per language that lacks one of ``langs``.
    A mapping counts as written per language when every key is one of ``langs`` or ``known``."""
    out: list[Problem] = []
    codes = set(langs) | set(known)

    def check(value, path: tuple, what: str) -> None:
        if not isinstance(value, dict) or not value or not all(isinstance(k, str) and k in codes for k in value):
            return
        for lang in langs:
            if value.get(lang) in (None, ""):
                line, col = marks.at(path) if marks is not None else (0, 0)
                out.append(make("W1651", rel, line, col, what=what, lang=lang, default=default, file=rel))

    for path, value, what in titles:
        check(value, path, what)

    def walk(node, path: tuple, name: str) -> None:
        if not isinstance(node, dict):
            return
        if "fill" in node and isinstance(node["fill"], dict):
            check(node["fill"], path + ("fill",), f"the variable '{name}' (its placeholder)")
            return
        if node and all(isinstance(k, str) and k in langs for k in node):
            check(node, path, f"the variable '{name}'")
            return
        for k, v in node.items():
            walk(v, path + (k,), f"{name}.{k}" if name else str(k))

    walk(data.get("variables"), ("variables",), "")
    return out


SNAPSHOTS = "manual/.translations"  # <module>.<lang>.md: the source body each translation was marked against


def _translation_snapshots(root: Path, manual: m.Manual) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    folder = root / SNAPSHOTS
    if not folder.is_dir():
        return out
    for mod in manual.modules.values():
        for lang, f in mod.files.items():
            p = folder / f"{mod.id}.{lang}.md"
            if f.is_source or not f.source_hash or not p.is_file():
                continue
            try:
                text = p.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # a damaged snapshot only loses the "what changed" hint
            if m.body_hash(text) == f.source_hash:
                out[(mod.id, lang)] = text
    return out


def _load_module_files(root: Path, langs: tuple[str, ...]) -> tuple[dict[str, dict[str, m.ModuleFile]], list[Problem],
                                                                   set[tuple[str, str]]]:
    """Every module file that can be read; and (module, language) of those that exist but cannot."""
    problems: list[Problem] = []
    unreadable: set[tuple[str, str]] = set()
    out: dict[str, dict[str, m.ModuleFile]] = {}
    for path in sorted((root / "manual").rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        if any(part.startswith(".") for part in path.relative_to(root / "manual").parts[:-1]):
            continue  # the toolkit's own records (manual/.translations/), not modules
        if path.is_symlink():
            try:
                path.resolve().relative_to(root.resolve())
            except ValueError:
                problems.append(make("E804", rel, 0, 0, target=rel))
                continue
        fm = FILE_RE.fullmatch(path.name)
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
        fields = translation_fields()
        shared_free = {k: v for k, v in meta.items() if k not in m.SHARED_FIELDS}
        c.mapping(shared_free, (), fields, where=" in the front matter")
        tr = meta.get("translation")
        if isinstance(tr, dict):
            c.mapping(tr, ("translation",), TRANSLATION_INFO_FIELDS, where=" in translation")
    for key in ("title", "summary"):
        _check_text(c, (key,), meta.get(key))
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


MISSING_ID = "(line "  # how parse_body names a section whose heading has no id


def _propose_ids_from_other_languages(src: m.ModuleFile, by_lang: dict[str, m.ModuleFile], problems: list[Problem]) -> None:
    """A heading without an id: a hint that leads to a clean check (no E403 once it is followed).

    The same section in another language has an id: propose that one. No language has one yet:
    propose one id for every language, made from the source language's heading. The section is
    only in the source: its id, and the same heading to add to each translation. Only in a
    translation: the source has no such section, so the id has to come from there."""
    files = [src] + [f for f in by_lang.values() if f is not src]
    files = [f for f in files if f.body is not None]
    for f in files:
        others = [g for g in files if g is not f]
        for i, sec in enumerate(f.body.sections):
            if not sec.id.startswith(MISSING_ID):
                continue
            same = [g for g in others if len(g.body.sections) == len(f.body.sections)]
            other = next((g.body.sections[i].id for g in same if not g.body.sections[i].id.startswith(MISSING_ID)), None)
            if other is not None:
                hint = f"end the heading with the id the other language uses: ## {sec.title} {{#{other}}}"
            elif not others:
                continue
            elif len(same) == len(others):  # no language has an id here yet: one id for all of them
                base = f if f is src or src not in same else src
                other = slugify(base.body.sections[i].title)
                rest = "; ".join(f"'## {g.body.sections[i].title} {{#{other}}}' in {g.path}" for g in others)
                hint = f"end the heading with an id, the same in every language: ## {sec.title} {{#{other}}}, and {rest}"
            elif f is src:
                other = slugify(sec.title)
                rest = ", ".join(g.path for g in others if len(g.body.sections) < len(f.body.sections))
                hint = (f"end the heading with an id: ## {sec.title} {{#{other}}}, and add the section with the same id "
                        f"(translated) to {rest}" if rest else f"end the heading with an id: ## {sec.title} {{#{other}}}")
            else:
                hint = (f"the source {src.path} has no section here: give the heading the id of the source section it "
                        f"translates, or add the section to {src.path} first and use its id here")
                other = slugify(sec.title)
            for k, p in enumerate(problems):
                if p.code == "E401" and p.path == f.path and p.line == sec.line:
                    problems[k] = make("E401", p.path, p.line, p.col, title=sec.title, proposal=other, hint=hint)


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
        _propose_ids_from_other_languages(src, by_lang, problems)
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


def load_glossary(root: Path, langs: tuple[str, ...], default: str | None = None,
                  skip: frozenset[str] = frozenset()) -> tuple[tuple[m.GlossaryTerm, ...], list[Problem]]:
    """``skip``: partial languages, whose missing terms fall back to the default language unwarned."""
    rel = "locales/glossary.yml"
    if not (root / rel).is_file():
        return (), []
    data, marks, problems = read_yaml_file(root / rel, rel)
    if data is None:
        return (), problems
    default = default or langs[0]
    c = Checker(rel, marks, langs)
    if not c.mapping(data, (), GLOSSARY_FIELDS):
        return (), problems + c.problems
    terms: list[m.GlossaryTerm] = []
    seen: set[str] = set()
    entry = GLOSSARY_ENTRY_FIELDS
    fields = glossary_term_fields(langs, default)
    for i, t in enumerate(data.get("terms") if isinstance(data.get("terms"), list) else []):
        if not c.mapping(t, ("terms", i), fields, where=" in a glossary term"):
            continue
        ok = True
        missing = [lang for lang in langs if lang != default and t.get(lang) is None]
        if missing and isinstance(t.get(default), dict):
            # a partial language falls back unwarned; without the fallback every term was dropped
            for lang in (lg for lg in missing if lg not in skip):
                c.add("W509", ("terms", i), at_key=True, id=t.get("id"), lang=lang, default=default)
            t = {**t, **{lang: t[default] for lang in missing}}
        for lang in langs:
            if isinstance(t.get(lang), dict):
                n = len(c.problems)
                c.mapping(t[lang], ("terms", i, lang), entry)
                for key in ("term", "definition"):
                    _check_text(c, ("terms", i, lang, key), t[lang].get(key))
                ok = ok and len(c.problems) == n
            else:
                ok = False
        deprecated: dict[str, tuple[str, ...]] = {}
        if isinstance(t.get("deprecated"), dict):
            for lang, words in t["deprecated"].items():
                if lang not in langs:
                    c.add("E205", ("terms", i, "deprecated", lang), at_key=True, key=lang, where=" in 'deprecated'",
                          suggest=f"languages of this manual: {', '.join(langs)}")
                    continue
                n = len(c.problems)
                c.field(words, ("terms", i, "deprecated", lang), Field("list", example="[programtroskap]"))
                if len(c.problems) == n:
                    deprecated[lang] = tuple(str(w) for w in words)
        tid = t.get("id")
        if isinstance(tid, str) and tid in seen:
            c.add("E303", ("terms", i, "id"), id=tid, other="in the glossary")
        if ok and isinstance(tid, str):
            seen.add(tid)
            terms.append(m.GlossaryTerm(tid, {lg: str(t[lg]["term"]) for lg in langs},
                                        {lg: str(t[lg]["definition"]) for lg in langs}, deprecated))
    return tuple(terms), problems + c.problems


def _strings(data: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """Every text in a YAML tree with its key path."""
    if isinstance(data, dict):
        return [item for k, v in data.items() for item in _strings(v, path + (k,))]
    if isinstance(data, list):
        return [item for i, v in enumerate(data) for item in _strings(v, path + (i,))]
    return [(path, data)] if isinstance(data, str) else []


def flat_keys(data: Any, prefix: str = "") -> set[str]:
    if not isinstance(data, dict):
        return {prefix}
    out: set[str] = set()
    for k, v in data.items():
        out |= flat_keys(v, f"{prefix}.{k}" if prefix else str(k))
    return out


def load_locales(root: Path, langs: tuple[str, ...], default: str) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """Every language's interface strings. The default language's file must be complete; another
    language may still be on its way (a new language is added step by step): what it lacks is a
    warning, and the default language's text is used for it."""
    problems: list[Problem] = []
    out: dict[str, dict[str, Any]] = {}
    absent: list[str] = []
    copied: dict[str, tuple[Any, tuple[int, int]]] = {}  # lang -> (its 'untranslated:' list, where it is)
    for lang in langs:
        rel = f"locales/{lang}.yml"
        if not (root / rel).is_file():
            if lang == default:
                problems.append(make("E109", rel, 0, 0, what=rel, fix=f"copy locales/{default}.yml and translate the texts"))
            else:
                absent.append(lang)
            continue
        data, marks, probs = read_yaml_file(root / rel, rel)
        problems += probs
        if isinstance(data, dict) and lang != default and "untranslated" in data:
            data = dict(data)
            listed = data.pop("untranslated")
            copied[lang] = (listed, marks.key_at(("untranslated",)))
        if isinstance(data, dict):
            out[lang] = data
            c = Checker(rel, marks)
            for path, text in _strings(data):  # interface texts reach every page: checked like titles
                _check_text(c, path, text)
            problems += c.problems
        elif data is not None:
            problems.append(make("E110", rel, 1, 1, kind="a list" if isinstance(data, list) else "a single value"))
    if default in out:
        base = out[default]
        want = flat_keys(base)
        for lang in absent:
            problems.append(make("W508", f"locales/{lang}.yml", 0, 0, lang=lang, default=default))
            out[lang] = _with_fallback({}, base, lang)
        for lang, data in list(out.items()):
            if lang == default or lang in absent:
                continue
            if lang in copied:
                problems += _still_copied(f"locales/{lang}.yml", lang, default, data, base, *copied[lang])
            missing = sorted(want - flat_keys(data))
            if missing:
                shown = ", ".join(missing[:4]) + (f" and {len(missing) - 4} more" if len(missing) > 4 else "")
                problems.append(make("W507", f"locales/{lang}.yml", 1, 1, lang=lang, count=len(missing), keys=shown,
                                     default=default, s="" if len(missing) == 1 else "s"))
                out[lang] = _with_fallback(data, base, lang)
    return out, problems


def _lookup(data: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _still_copied(rel: str, lang: str, default: str, data: dict[str, Any], base: dict[str, Any],
                  listed: Any, at: tuple[int, int]) -> list[Problem]:
    """W510: texts that `manual new language` copied from the default language (listed under
    ``untranslated:``) and that are still the same as there. A listed text that has been changed
    counts as translated; removing a key from the list marks its text as done as it is."""
    line, col = at
    if not isinstance(listed, list) or not all(isinstance(k, str) for k in listed):
        got = "text" if isinstance(listed, str) else "a mapping" if isinstance(listed, dict) else "another kind of value"
        return [make("E202", rel, line, col, key="untranslated", expected="a list of keys", got=got,
                     example="untranslated: [labels.duration, labels.minutes]")]
    same = [k for k in listed if _lookup(data, k) is not None and _lookup(data, k) == _lookup(base, k)]
    if not same:
        return []
    shown = ", ".join(same[:4]) + (f" and {len(same) - 4} more" if len(same) > 4 else "")
    return [make("W510", rel, line, col, lang=lang, count=len(same), keys=shown, default=default,
                 s="" if len(same) == 1 else "s")]


def _with_fallback(data: dict[str, Any], base: dict[str, Any], lang: str) -> dict[str, Any]:
    """``data`` completed from the default language's strings (nested keys merged one by one)."""
    out: dict[str, Any] = dict(data)
    for key, value in base.items():
        if key not in out:
            out[key] = value
        elif isinstance(value, dict) and isinstance(out[key], dict):
            out[key] = _with_fallback(out[key], value, lang)
    if "language_name" not in data:  # the switcher must not call two languages by one name
        names = base.get("language_names")
        out["language_name"] = str(names.get(lang)) if isinstance(names, dict) and names.get(lang) else lang
    return out


__all__ = ["load_manual", "load_module_file", "suggest", "flat_keys", "missing_texts"]


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

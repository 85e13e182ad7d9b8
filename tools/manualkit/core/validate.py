"""Validate: cross-checks on a loaded manual. Returns problems; never raises for content."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from manualkit.core import model as m
from manualkit.core import readability, terms
from manualkit.core import variables
from manualkit.core.body import parse_body
from manualkit.core.contacts import is_contact
from manualkit.core.links import check_link, split_ref
from manualkit.core.problems import Problem, make
from manualkit.core.schema import suggest


LIX_LIMIT = 40
SESSION_TITLES = {"goals": "Mål for økten / Goals of the session", "materials": "Materiell / Materials",
                  "plan": "Gjennomføring steg for steg / Step-by-step plan", "home-practice": "Hjemmeoppgave / Home practice"}


def section_index(manual: m.Manual) -> dict[str, set[str] | None]:
    """Module id → ids of its headings (from the source file); None when the file is unreadable."""
    out: dict[str, set[str] | None] = {mid: None for mid in manual.unreadable_modules}
    for mod in manual.modules.values():
        body = mod.source.body
        out[mod.id] = {h.id for h in body.headings if h.id} if body else set()
    return out


def validate_manual(manual: m.Manual) -> list[Problem]:
    root = Path(manual.root)
    problems: list[Problem] = []
    index = section_index(manual)
    base_values = base_variables(manual)
    for mod in manual.ordered_modules():
        problems += _check_languages(manual, mod)
        if mod.type == "session":
            problems += _check_session(manual, mod)
        for f in mod.files.values():
            if f.body is None:
                continue
            for link in f.body.links:
                problems += check_link(link, f.path, root, index)
            problems += check_variables_used(f.body_text, f.path, f.body_line, base_values)
            for key in ("title", "summary"):  # rendered like the body, so checked like it
                if isinstance(f.meta.get(key), str):
                    problems += check_variables_used(f.meta[key], f.path, f.marks.at((key,))[0], base_values)
        if mod.type == "handout":
            problems += _check_readability(mod)
        if mod.type == "handout" or mod.id.startswith("template-"):
            problems += _check_writing_prompts(mod)
    problems += terms.check_manual(manual)
    return problems


def base_variables(manual: m.Manual) -> dict[str, variables.Value]:
    """The manual's variables and the intervention model's values (``model.*``)."""
    from manualkit.core.dose import model_values
    values = variables.flatten(manual.variables, manual.languages, "manual/manual.yml", manual.variable_marks, (), ("variables",))
    values.update(model_values(manual.intervention, None, manual.languages))
    return values


def check_variables_used(text: str, rel: str, first_line: int, values: dict[str, variables.Value], variant: str = "") -> list[Problem]:
    used, problems = variables.scan(text, rel, first_line)
    where = f" for variant {variant}" if variant else ""
    for name, line in used:
        if name not in values:
            groups = {n.rsplit(".", 1)[0] for n in values}
            if name in groups:
                hint = f"'{name}' is a group; name one of its values, e.g. {name}.{next(n for n in values if n.startswith(name + '.')).rsplit('.', 1)[1]}"
            else:
                hint = suggest(name, sorted(values)) or "define it under 'variables' in manual/manual.yml"
            problems.append(make("E701", rel, line, 0, name=name, variant=where, suggest=hint))
    return problems


def _check_languages(manual: m.Manual, mod: m.Module) -> list[Problem]:
    out: list[Problem] = []
    src = mod.source
    src_ids = [s.id for s in src.body.sections] if src.body else []
    src_core = {s.id for s in src.body.sections if s.core} if src.body else set()
    for lang in manual.languages:
        f = mod.files.get(lang)
        if f is None and (mod.id, lang) in manual.unreadable:
            continue
        if f is None and lang in manual.partial_languages:
            if mod.type == "handout" and "parents" in mod.audience:
                out.append(make("W1652", src.path, 1, 1, module=mod.id, lang=lang, source_lang=mod.source_lang,
                                expected=src.path.rsplit(".", 2)[0] + f".{lang}.md"))
            continue  # the rest of a partial language falls back to the source text with its banner
        if f is None:
            out.append(make("W502", src.path, 1, 1, module=mod.id, lang=lang,
                            expected=src.path.rsplit(".", 2)[0] + f".{lang}.md", source_lang=mod.source_lang))
            continue
        if f.is_source or f.body is None:
            continue
        if f.translated_from and f.translated_from != mod.source_lang:
            line, col = f.marks.at(("translation", "from"))
            out.append(make("E505", f.path, line, col, value=f.translated_from, source_lang=mod.source_lang))
        ids = [s.id for s in f.body.sections]
        if len(ids) == len(src_ids):  # a heading without an id has its own error (E401): not a difference too
            ids = [b if a.startswith("(line ") else a for a, b in zip(ids, src_ids)]
            want = [a if b.startswith("(line ") else b for a, b in zip(ids, src_ids)]
        else:
            want = src_ids
        if ids != want:
            missing = [i for i in want if i not in ids]
            extra = [i for i in ids if i not in want]
            detail = []
            if missing:
                detail.append("missing " + ", ".join(f"#{i}" for i in missing))
            if extra:
                detail.append("not in the source " + ", ".join(f"#{i}" for i in extra))
            if not detail:
                detail.append("the order differs (source: " + ", ".join(want) + ")")
            line = next((s.line for s in f.body.sections if s.id in extra), f.body_line)
            out.append(make("E403", f.path, line, 1, source=src.path, detail="; ".join(detail)))
        core = {s.id for s in f.body.sections if s.core}
        if core != src_core and ids == src_ids:
            out.append(make("E403", f.path, f.body_line, 1, source=src.path,
                            detail="the .core marks differ (source: " + (", ".join(sorted(src_core)) or "none") + ")"))
        if not f.source_hash:
            line, col = f.marks.key_at(("translation",))
            out.append(make("W504", f.path, line, col, module=mod.id, lang=lang))
        elif f.source_hash != src.hash:
            line, col = f.marks.at(("translation", "source_hash"))
            out.append(make("W503", f.path, line, col, source=src.path, module=mod.id, lang=lang,
                            diff=source_changes(manual.translation_snapshots.get((mod.id, lang)), src.body_text, src.path)))
    return out


def source_changes(marked: str | None, current: str, source: str, limit: int = 12) -> str:
    """What changed in the source since a translation was marked, as diff lines for W503's hint."""
    if marked is None:
        return ""
    import difflib

    old = [ln.rstrip() for ln in marked.strip().split("\n")]
    new = [ln.rstrip() for ln in current.strip().split("\n")]
    lines = [x for x in list(difflib.unified_diff(old, new, lineterm="", n=0))[2:] if x[:1] in "+-" and x[1:].strip()]
    if not lines:
        return ""
    shown = [f"      {x[:1]} {x[1:].strip()[:120]}" for x in lines[:limit]]
    if len(lines) > limit:
        shown.append(f"      … and {len(lines) - limit} more lines")
    return f"\n    what changed in {source} since the translation was marked:\n" + "\n".join(shown)


def _check_session(manual: m.Manual, mod: m.Module) -> list[Problem]:
    out: list[Problem] = []
    src = mod.source
    for f in mod.files.values():
        ids = {s.id for s in f.body.sections} if f.body else set()
        for sid in m.SESSION_SECTIONS:
            if sid not in ids:
                out.append(make("E406", f.path, f.body_line, 1, id=sid, title=SESSION_TITLES[sid]))
    if mod.duration_minutes is None:
        line, col = src.marks.at(())
        out.append(make("E201", src.path, line or 1, col or 1, key="duration_minutes", example="duration_minutes: 60"))
    for i, hid in enumerate(mod.handouts):
        target = manual.modules.get(hid)
        line, col = src.marks.at(("handouts", i))
        if target is None or target.type != "handout":
            what = "not a module of the manual" if target is None else f"a {target.type}, not a handout"
            out.append(make("E605", src.path, line, col, id=hid, what=what))
        elif src.body and not any(link.target.split("#")[0] == f"ref:{hid}" for link in src.body.links):
            out.append(make("W607", src.path, line, col, id=hid))
    return out


def _check_readability(mod: m.Module) -> list[Problem]:
    out: list[Problem] = []
    for f in mod.files.values():
        if f.body is None:
            continue
        score = readability.lix(f.body_text)
        if score > LIX_LIMIT:
            longest = " | ".join(f'"{s}"' for s in readability.longest_sentences(f.body_text))
            out.append(make("W903", f.path, f.body_line, 1, lix=score, limit=LIX_LIMIT, longest=longest))
    return out


# a prompt that asks the reader to write: '…: …', '…:…', '…: ...', or «Skriv det ned her» / "Write it down here"
_PROMPT_END_RE = re.compile(r":[ \t]*(?:…|\.\.\.)[ \t]*$")
_PROMPT_WORDS_RE = re.compile(r"skriv det ned her|write it down here", re.IGNORECASE)
_LIST_ITEM_RE = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+")


def _check_writing_prompts(mod: m.Module) -> list[Problem]:
    """W1501: in a handout or template, a paragraph or list item that asks the reader to write,
    outside a '::: {.lines}' block, gets no room to write in print (read from the text's tree)."""
    out: list[Problem] = []
    for f in mod.files.values():
        if f.body is None:
            continue
        depth = 0  # open callouts
        in_lines = False
        parts = [(f.body.preamble_tree, f.body_line)] + [(sec.tree, sec.line) for sec in f.body.sections]
        for tree, first_line in parts:
            for block in tree.blocks if tree is not None else ():
                if block.kind == "callout":
                    depth += 1
                    in_lines = in_lines or block.name == "lines"
                elif block.kind == "close":
                    depth = max(depth - 1, 0)
                    in_lines = in_lines and depth > 0
                elif block.kind in ("para", "item") and not in_lines:
                    text = " ".join(line.strip() for line in block.lines)
                    if _PROMPT_END_RE.search(text) or _PROMPT_WORDS_RE.search(text):
                        prompt = _LIST_ITEM_RE.sub("", block.lines[0]).strip()
                        prompt = _PROMPT_END_RE.sub(":", prompt) if block.line_count == 1 else prompt
                        short = prompt if len(prompt) <= 60 else prompt[:57] + "..."
                        out.append(make("W1501", f.path, first_line + block.first, 1, prompt=short))
    return out


def _may_differ(link, index: dict, base_index: dict) -> bool:
    """Whether a link of the base text can check otherwise in a variant than in the base: only a
    cross-reference whose module is missing, added or has other sections there (images, addresses
    and files are the same files in every variant)."""
    if link.image or not link.target.startswith("ref:"):
        return False
    mod, _sec = split_ref(link.target)
    return (mod in index) != (mod in base_index) or index.get(mod) != base_index.get(mod)


def check_variant(manual: m.Manual, a: Any, mods: dict[str, Any],
                  values: dict[str, variables.Value]) -> list[Problem]:
    """Checks that depend on the variant, on its text after the overlay: references, variables
    and placeholders. Every text chunk is parsed once. ``a`` is the Adaptation and ``mods`` the
    overlay's working copy (core/overlay.py); not imported here, as both import this module."""
    root = Path(manual.root)
    problems: list[Problem] = []
    base_index = section_index(manual)
    index: dict[str, set[str] | None] = {mid: None for mid in manual.unreadable_modules}
    chunks: list[tuple[str, str, int, bool, object]] = []
    for mid, w in mods.items():
        ids: set[str] = set()
        for text in w.texts.values():
            parts = [(text.preamble, text.origin, text.preamble_line, False)]
            parts += [(s.text, s.origin, s.line, bool(s.change)) for s in text.sections]
            ids |= {s.id for s in text.sections}
            for chunk, origin, line, from_overlay in parts:
                body, _ = parse_body(chunk, origin, line, check=False)
                ids |= {h.id for h in body.headings if h.id}
                chunks.append((chunk, origin, line, from_overlay or origin.startswith("adaptations/"), body))
        index[mid] = ids
    seen: set[tuple] = set()
    used_placeholders: set[str] = set()
    used_names: set[str] = set()
    for w in mods.values():
        for text in w.texts.values():
            for extra in (getattr(text, "title", ""), getattr(text, "summary", "")):
                if isinstance(extra, str) and "{{" in extra:
                    used_names |= {name for name, _l in variables.scan(extra, text.origin, 1)[0]}
    for chunk, origin, line, from_overlay, body in chunks:
        for link in body.links:
            if not from_overlay and not _may_differ(link, index, base_index):
                continue  # checked with the base manual, and the same here (the common case: no work per variant)
            new = check_link(link, origin, root, index, a.id)
            if not from_overlay:
                old = {(p.code, p.line) for p in check_link(link, origin, root, base_index)}
                new = [p for p in new if (p.code, p.line) not in old]
            for p in new:
                if (p.path, p.line, p.col, p.code) not in seen:
                    seen.add((p.path, p.line, p.col, p.code))
                    problems.append(p)
        if from_overlay:
            for p in check_variables_used(chunk, origin, line, values, a.id):
                if (p.path, p.line, p.code, p.message) not in seen:
                    seen.add((p.path, p.line, p.code, p.message))
                    problems.append(p)
        used, _ = variables.scan(chunk, origin, line)
        used_placeholders |= {name for name, _l in used if name in values and values[name].fill is not None}
        used_names |= {name for name, _l in used}
    # the contact box on handouts and session guides shows every contact variable, used in the text or not
    boxed = any(w.meta.get("type") in ("handout", "session") for w in mods.values())
    in_box = {name for name, val in values.items() if boxed and val.fill is not None and is_contact(name)}
    for name in sorted(used_placeholders | in_box):
        val = values[name]
        line = val.line if val.origin == a.path else a.marks.key_at(("variables",))[0] or 1
        what = val.fill.get(manual.default_language, "")
        if name not in used_placeholders:
            what += " (shown in the contact box of every handout and session guide)"
        problems.append(make("W703", a.path, line, 0, name=name, variant=f" in variant {a.id}", what=what, where=a.path))
    # a variable the municipality defines that no text of the variant uses (nor the contact box shows)
    for name, val in sorted(values.items(), key=lambda kv: kv[1].line):
        if val.origin != a.path or name in used_names or name.startswith(("cost.", "model.", "table.")):
            continue
        if boxed and is_contact(name):
            continue
        if name in _base_defined(manual):
            continue  # overrides a value of the base manual: used or not is the base manual's matter
        problems.append(make("W1125", a.path, val.line, 0, name=name))
    return problems


def _base_defined(manual: m.Manual) -> set[str]:
    return set(variables.flatten(manual.variables, manual.languages, "manual/manual.yml", manual.variable_marks, (), ("variables",)))



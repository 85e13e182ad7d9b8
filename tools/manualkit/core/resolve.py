"""Resolve: base manual + a municipality's overlay + variables → one ResolvedVariant.

Pure: plain data in, plain data out (the files were read by load). The site and print renderers read only the result, so
they can never disagree about content. Cross-references stay as ``ref:module#section`` for
the renderers to turn into links of their own kind.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from manualkit.core import model as m
from manualkit.core import variables as v
from manualkit.core.adaptation import Adaptation
from manualkit.core.contacts import contact_rows
from manualkit.core.generated import about_module, glossary_module
from manualkit.core import doctree, model_checks
from manualkit.core.overlay import Applier, WModule, WSection, WText, base_text, working_copy
from manualkit.core.research import CHECKLIST_SECTION, indicator_table
from manualkit.core.problems import Problem, make
from manualkit.core.release import ReleaseInfo
from manualkit.core.resolved import (ABOUT_ID, BASE, GLOSSARY_ID, ResolvedChange, ResolvedManual, ResolvedModule,
                                     ResolvedPart, ResolvedSection, ResolvedVariant, string)
from manualkit.core.validate import base_variables, check_variant

MODEL_TITLE = {"nb": "Tiltaksmodellen", "nn": "Tiltaksmodellen", "en": "Intervention model"}


def resolve(manual: m.Manual, adaptation: Adaptation | None = None, frame_vocab: dict | None = None,
            *, render: bool = True, a11y_record: dict | None = None, release: ReleaseInfo | None = None) -> ResolvedVariant:
    """Resolve one variant (the base manual when ``adaptation`` is None) in all its languages.

    With ``render=False`` (used by ``manual check``) every problem is still found, but the
    variables are left unfilled in the text: nothing will be published from it.
    """
    root = Path(manual.root)
    langs = adaptation.languages if adaptation else manual.languages
    order, mods = working_copy(manual, manual.languages)
    problems: list[Problem] = []
    values = base_variables(manual)
    variant = adaptation.id if adaptation else BASE
    if adaptation is not None:
        applier = Applier(manual, adaptation, order, mods, adaptation.snapshots)
        applier.apply_all()
        problems += applier.problems
    intervention = model_checks.variant_model(manual, adaptation, order, mods, problems)
    if adaptation is not None:
        values = v.merge(values, v.flatten(adaptation.variables, manual.languages, adaptation.path, adaptation.marks, (), ("variables",)))
    values = v.merge(values, intervention.values)  # model.* comes from the model only (changed with `set`, FRAME-coded)
    if adaptation is not None:
        problems += check_variant(manual, adaptation, mods, values)
    manuals: dict[str, ResolvedManual] = {}
    contacts = {}
    # the language at the site root and of the first PDFs: a municipality may choose its own (nn);
    # text that is missing in a language still falls back to the manual's source language
    publish = adaptation.default_language if adaptation and adaptation.default_language else manual.default_language
    for lang in langs:
        strings = manual.locales.get(lang) or manual.locales.get(manual.default_language) or {}
        ctx = v.context(values, lang, string(strings, "labels.placeholder")) if render else None
        changes = _resolved_changes(manual, adaptation, mods, lang, frame_vocab or {}) if adaptation else ()
        name = m.text_in(adaptation.name, lang, manual.default_language) if adaptation else string(strings, "labels.base_version")
        parts: list[ResolvedPart] = []
        for p in manual.parts:
            rmods = [_with_checklist(_render_module(mods[mid], lang, ctx), intervention.model, mods, lang)
                     for mid in order[p.id] if mid in mods]
            parts.append(ResolvedPart(p.id, m.text_in(p.title, lang, manual.default_language), tuple(rmods)))
        glossary = tuple(sorted(
            ((t.term[lang], t.definition[lang], " / ".join(t.term[o] for o in manual.languages if o != lang)) for t in manual.glossary),
            key=lambda row: row[0].lower()))
        rm = ResolvedManual(
            manual_id=manual.id, variant=variant, variant_name=name,
            variant_status=adaptation.status if adaptation else "", lang=lang, languages=langs,
            default_language=publish, title=m.text_in(manual.title, lang, manual.default_language),
            version=manual.version, parts=tuple(parts), strings=strings,
            branding=dict(adaptation.branding) if adaptation else {}, changes=changes, glossary=glossary,
            release=release, frozen=_frozen(adaptation, release))
        rm = _with_generated(rm, lang, frame_vocab or {})
        manuals[lang] = rm
        contacts[lang] = tuple(contact_rows(values, lang, manual.default_language, strings))
    branding = dict(adaptation.branding) if adaptation else {}
    assets: dict = {}  # the logo's bytes are read by the load stage (core/variant_files.py)
    return ResolvedVariant(id=variant, root=root, languages=tuple(langs), default_language=publish,
                           manuals=manuals, values=values, contacts=contacts, branding=branding, assets=assets,
                           problems=tuple(problems), a11y_record=a11y_record, model=intervention.model,
                           sessions=intervention.sessions, base_model=intervention.base_model,
                           base_sessions=intervention.base_sessions, frame_vocab=frame_vocab or {},
                           site_url=_site_url(manual, adaptation, variant, release), release=release,
                           frozen=_frozen(adaptation, release))


def _site_url(manual, adaptation, variant: str, release) -> str:
    """The variant's own site_url, else the GitHub Pages address the Publish workflow deploys it to."""
    from manualkit.core.release import default_site_url
    own = adaptation.site_url if adaptation else manual.site_url
    if own:
        return own
    repo = manual.citation.get("repository") or ""
    return default_site_url(repo if isinstance(repo, str) else "", release.origin if release is not None else "", variant)


def _with_checklist(mod: ResolvedModule, model, mods: dict[str, WModule], lang: str) -> ResolvedModule:
    """A section with the id ``fidelity-checklist`` ends with the model's indicators as a table."""
    if model is None or not any(s.id == CHECKLIST_SECTION for s in mod.sections):
        return mod
    titles = {f"{w.id}#{s.id}": f"{w.texts[lang].title} – {s.title}" for w in mods.values() if lang in w.texts
              for s in w.texts[lang].sections}
    titles.update({w.id: w.texts[lang].title for w in mods.values() if lang in w.texts})
    table = indicator_table(model, lang, titles)
    secs = tuple(replace(s, text=s.text.rstrip("\n") + "\n\n" + table,
                         filled=s.tree.appended(doctree.parse(table)))
                 if s.id == CHECKLIST_SECTION else s for s in mod.sections)
    return ResolvedModule(**{**mod.__dict__, "sections": secs})


def _frozen(adaptation: Adaptation | None, release: ReleaseInfo | None) -> bool:
    """The "frozen for the trial" note: only when the variant asks for it and is built from a release."""
    return bool(adaptation and adaptation.frozen_for_trial and release is not None and release.released)


def _render_module(w: WModule, lang: str, ctx: dict[str, Any] | None) -> ResolvedModule:
    text = w.texts[lang]
    if ctx is None:
        ctx_render = lambda t: t  # noqa: E731 - check mode: structure only
    else:
        ctx_render = lambda t: v.render(t, ctx)  # noqa: E731
    # each text is read once (core/doctree.py); filling in the variables keeps its tree
    secs = tuple(ResolvedSection(s.id, ctx_render(s.title), s.core, ctx_render(s.text), s.origin, s.change,
                                 source=s.text, line=s.line, deviation=s.deviation,
                                 filled=s.tree.filled(ctx_render) if ctx is not None else None, source_cut=s.cut)
                 for s in text.sections)
    meta = w.meta
    return ResolvedModule(
        id=w.id, part=w.part, type=meta["type"], component=meta["component"], core=bool(meta["core"]),
        status=meta["status"], title=ctx_render(text.title), summary=ctx_render(text.summary),
        duration_minutes=meta["duration_minutes"], handouts=tuple(meta["handouts"]), audience=tuple(meta["audience"]),
        lang=lang, text_lang=text.lang, fallback=text.fallback, stale=text.stale, origin=text.origin,
        preamble=ctx_render(text.preamble), sections=secs, changes=tuple(w.changes), generated=w.generated,
        preamble_source=text.preamble, preamble_line=text.preamble_line,
        preamble_filled=text.preamble_tree.filled(ctx_render) if ctx is not None else None,
        preamble_source_cut=text.preamble_cut)


def _resolved_changes(manual: m.Manual, a: Adaptation, mods: dict[str, WModule], lang: str, vocab: dict) -> tuple[ResolvedChange, ...]:
    out = []
    for ch in a.changes:
        mod = manual.modules.get(ch.module)
        if mod is not None:
            f = mod.files.get(lang) or mod.source
            title = f.title
            if ch.section and f.body:
                title += " – " + next((s.title for s in f.body.sections if s.id == ch.section), ch.section)
        elif ch.on_model:
            title = f"{MODEL_TITLE.get(lang, MODEL_TITLE['en'])}: {ch.field}"
        else:
            title = m.text_in(ch.new_module.get("title"), lang, manual.default_language) or ch.module
        if ch.justifications:
            jlang = lang if lang in ch.justifications else (manual.default_language if manual.default_language in ch.justifications
                                                            else next(iter(ch.justifications)))
            justification = ch.justifications[jlang]
        else:
            jlang, justification = "", ch.justification
        core = False
        if mod is not None:
            core = mod.core or any(s.core for s in (mod.source.body.sections if mod.source.body else ()) if s.id == ch.section)
        if ch.on_model:  # the frame of the core components: phases, caseload, duration, supervision
            core = ch.field.split(".")[0] in ("phases", "caseload_max", "duration_months", "supervision")
        component = "model" if ch.on_model else (mod.component if mod else str(ch.new_module.get("component", "general")))
        base = base_text(manual, ch)
        review = "" if base is None else ("not-recorded" if not ch.base_hash else
                                          "reviewed" if m.body_hash(base) == ch.base_hash else "drift")
        out.append(ResolvedChange(ch.id, ch.operation, ch.target, v.escape_value(title), m.text_in(ch.description, lang, manual.default_language),
                                  ch.frame, justification, ch.approved_by, ch.date, field=ch.field if ch.operation == "set" else "",
                                  value="" if ch.operation != "set" else _set_value(ch.value, lang, manual),
                                  justification_lang=jlang, source_line=ch.line, source_path=a.path, core=core,
                                  component=component, review=review))
    out.sort(key=lambda c: (not c.inconsistent,))
    return tuple(out)


def _set_value(value: Any, lang: str, manual: Any) -> str:
    """A 'set' value as the ledger shows it: a number or a text in ``lang``; a mapping that is not
    a text in several languages (a subgroup of families: title, who, phases) as compact JSON with
    its texts in ``lang``."""
    def local(x: Any) -> Any:
        if isinstance(x, dict) and x and set(map(str, x)) <= set(manual.languages):
            return m.text_in(x, lang, manual.default_language)
        if isinstance(x, dict):
            return {str(k): local(v) for k, v in x.items()}
        if isinstance(x, list):
            return [local(v) for v in x]
        return x
    shown = local(value)
    return json.dumps(shown, ensure_ascii=False, separators=(", ", ": ")) if isinstance(shown, (dict, list)) else str(shown)


def _with_generated(rm: ResolvedManual, lang: str, vocab: dict) -> ResolvedManual:
    about = about_module(rm, lang, vocab)
    parts = list(rm.parts)
    if parts:
        first = list(parts[0].modules)
        pos = 1 if first and first[0].id == "about-this-manual" else 0
        first.insert(pos, about)
        parts[0] = ResolvedPart(parts[0].id, parts[0].title, tuple(first))
        if rm.glossary:
            last = parts[-1]
            parts[-1] = ResolvedPart(last.id, last.title, last.modules + (glossary_module(rm, lang),))
    return ResolvedManual(**{**rm.__dict__, "parts": tuple(parts)})


__all__ = ["resolve", "ResolvedVariant", "ResolvedManual", "ResolvedModule", "ResolvedPart", "ResolvedSection",
           "ResolvedChange", "string", "BASE", "ABOUT_ID", "GLOSSARY_ID", "WSection", "WText"]

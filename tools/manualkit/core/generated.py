"""Modules the resolve step writes itself: "About this version" and the glossary.

Their text is Markdown like any module, so the site and the book show them the same way.
Everything taken from adaptation.yml is escaped: it is shown as text, never as markup.
"""
from __future__ import annotations

from manualkit.core.frame import label, nature_label
from manualkit.core.release import dated_text, frozen_text
from manualkit.core.resolved import ABOUT_ID, GLOSSARY_ID, ResolvedManual, ResolvedModule, ResolvedSection, string
from manualkit.core.variables import escape_line as _esc


def about_module(rm: ResolvedManual, lang: str, vocab: dict) -> ResolvedModule:
    s = rm.strings
    out: list[ResolvedSection] = []
    if rm.is_base:
        intro = string(s, "about.base_intro", version=rm.version)
    else:
        intro = string(s, "about.variant_intro", variant=rm.variant_name, version=rm.version)
    text = f"## {string(s, 'about.title')} {{#about}}\n\n{_esc(intro)}\n"
    if rm.release is not None:
        text += f"\n**{_esc(dated_text(rm.release, s, rm.version))}**\n"
        if rm.frozen:
            text += f"\n::: note\n{_esc(frozen_text(rm.release, s))}\n:::\n"
    if not rm.is_base and rm.variant_status == "example":
        text += f"\n::: note\n{_esc(string(s, 'banners.example_variant', variant=rm.variant_name))}\n:::\n"
    out.append(ResolvedSection("about", string(s, "about.title"), False, text, "generated", ""))
    if not rm.is_base:
        title = string(s, "about.changes_title")
        lines = [f"## {title} {{#local-changes}}", ""]
        if not rm.changes:
            lines.append(_esc(string(s, "about.no_changes")))
        elif any(c.inconsistent for c in rm.changes):
            lines.append(_esc(string(s, "about.inconsistent_first")))
        for ch in rm.changes:
            fr = ch.frame
            lines += ["", f"### {_esc(ch.description)} {{#change-{ch.id}}}", ""]
            if ch.inconsistent:
                lines += ["::: warning", f"**{_esc(string(s, 'about.fidelity'))}:** {_esc(label(vocab, 'fidelity', fr.fidelity, lang))}. "
                          f"**{_esc(string(s, 'about.justification'))}:** {_esc(ch.justification)}", ":::", ""]
            why = fr.reason(lang, rm.default_language)
            rows = [
                (string(s, "about.where"), f"{ch.target_title} ({label(vocab, 'operation', ch.operation, lang).lower()})"),
                (string(s, "about.nature"), nature_label(vocab, fr, lang)),
                (string(s, "about.why"), f"{why} ({label(vocab, 'reason_level', fr.reason_level, lang).lower()})"),
                (string(s, "about.fidelity"), label(vocab, "fidelity", fr.fidelity, lang)),
                (string(s, "about.when"), label(vocab, "when", fr.when, lang)),
                (string(s, "about.decided_by"), label(vocab, "decided_by", list(fr.decided_by), lang)),
                (string(s, "about.approved_by"), f"{ch.approved_by}, {ch.date}"),
            ]
            lines += [f"- **{_esc(k)}:** {_esc(val)}" for k, val in rows]
        out.append(ResolvedSection("local-changes", title, False, "\n".join(lines) + "\n", "generated", ""))
    return ResolvedModule(
        id=ABOUT_ID, part=rm.parts[0].id if rm.parts else "", type="chapter", component="general", core=False,
        status="approved", title=string(s, "about.title"), summary=string(s, "about.summary"), duration_minutes=None,
        handouts=(), audience=(), lang=lang, text_lang=lang, fallback=False, stale=False, origin="generated",
        preamble="", sections=tuple(out), generated=True)


def glossary_module(rm: ResolvedManual, lang: str) -> ResolvedModule:
    s = rm.strings
    rows = [f"| {_esc(string(s, 'labels.term'))} | {_esc(string(s, 'labels.other_language'))} | {_esc(string(s, 'labels.definition'))} |",
            "| --- | --- | --- |"]
    for term, definition, other in rm.glossary:
        rows.append(f"| **{_esc(term)}** | {_esc(other)} | {_esc(definition)} |")
    text = f"## {string(s, 'glossary.title')} {{#terms}}\n\n{_esc(string(s, 'glossary.intro'))}\n\n" + "\n".join(rows) + "\n"
    return ResolvedModule(
        id=GLOSSARY_ID, part=rm.parts[-1].id, type="appendix", component="general", core=False, status="approved",
        title=string(s, "glossary.title"), summary=string(s, "glossary.summary"), duration_minutes=None, handouts=(),
        audience=(), lang=lang, text_lang=lang, fallback=False, stale=False, origin="locales/glossary.yml",
        preamble="", sections=(ResolvedSection("terms", string(s, "glossary.title"), False, text, "locales/glossary.yml", ""),),
        generated=True)

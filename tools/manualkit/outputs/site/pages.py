"""The Markdown of each site page: a module page and the home page of one variant and language.

A page is the resolved text plus what a reader needs around it: banners (draft, untranslated,
out-of-date translation, locally adapted, base version), the module's facts (type, component,
duration, core component), and links to the PDFs of the same variant and language. Every
word the toolkit adds comes from locales/<lang>.yml.
"""
from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field

from manualkit.core.resolved import ABOUT_ID, ResolvedManual, ResolvedModule, string
from manualkit.core.variables import escape_value
from manualkit.outputs.site.sanitise import text
from manualkit.outputs.site.markdown import Media, PageLinks, SiteText, abbreviations, plain


@dataclass(frozen=True)
class Pdfs:
    """The PDFs that exist for one language of a variant, as docs-relative paths."""

    book: str | None = None
    sessions: dict[str, str] = field(default_factory=dict)
    handouts: dict[str, str] = field(default_factory=dict)

    def for_module(self, mod: ResolvedModule) -> str | None:
        if mod.type == "session":
            return self.sessions.get(mod.id)
        if mod.type == "handout":
            return self.handouts.get(mod.id)
        return None


def _rel(from_page: str, dest: str) -> str:
    return posixpath.relpath(dest, posixpath.dirname(from_page) or ".")


def _front_matter(title: str, description: str = "") -> str:
    """YAML front matter; JSON strings are valid YAML and need no YAML emitter (which is slow)."""
    # the theme puts both into its templates as they are: escaped text (sanitise.text)
    lines = ["---", f"title: {json.dumps(text(plain(title)), ensure_ascii=False)}"]
    if description:
        lines.append(f"description: {json.dumps(text(' '.join(plain(description).split())), ensure_ascii=False)}")
    return "\n".join(lines + ["---"]) + "\n"


#: Marks a block the search index leaves out (Material's search skips elements with this
#: attribute); as an attr_list word it also becomes this attribute. Used on banners, badges and
#: the module facts, so a search result starts with the page's own words.
NOT_SEARCHED = 'data-search-exclude="data-search-exclude"'
_NOT_SEARCHED = " data-search-exclude"


def banner(kind: str, text: str) -> str:
    """A visible notice at the top of a page; role=note so screen readers announce it as one."""
    # data-search-exclude: the notice is about the page, not its subject; search shows the text itself
    return f'<div class="banner banner--{kind}" role="note" {NOT_SEARCHED} markdown>\n\n{text}\n\n</div>'


def _esc(text: str) -> str:
    return escape_value(" ".join(text.split()))


def module_banners(rm: ResolvedManual, mod: ResolvedModule, page: str, links: PageLinks) -> list[str]:
    s = rm.strings
    out: list[str] = []
    if mod.generated:
        return out
    if mod.status != "approved":
        out.append(banner("draft", _esc(string(s, "banners.draft"))))
    if mod.fallback:
        lang_name = string(s, f"language_names.{mod.text_lang}")
        out.append(banner("fallback", _esc(string(s, "banners.fallback", language=lang_name))))
    elif mod.stale:
        out.append(banner("stale", _esc(string(s, "banners.stale"))))
    if mod.adapted and not rm.is_base:
        about = links.href(page, f"ref:{ABOUT_ID}#local-changes")
        text = _esc(string(s, "banners.adapted", variant=plain(rm.variant_name)))
        out.append(banner("adapted", f"{text} [{_esc(string(s, 'about.title'))}]({about})"))
    return out


def module_facts(rm: ResolvedManual, mod: ResolvedModule, page: str, links: PageLinks) -> list[str]:
    """The module's type, component, duration and status, and a core-component mark."""
    if mod.generated:
        return []
    s = rm.strings
    out: list[str] = []
    if mod.core:
        out.append(f"**{_esc(string(s, 'labels.core_component'))}**\n{{: .core-label .core-label--module{_NOT_SEARCHED} }}")
    facts = [
        (string(s, "labels.type"), string(s, f"types.{mod.type_key}")),
        (string(s, "labels.component"), string(s, f"components.{mod.component}")),
    ]
    if mod.duration_minutes:
        facts.append((string(s, "labels.duration"), f"{mod.duration_minutes} {string(s, 'labels.minutes')}"))
    if mod.audience:
        facts.append((string(s, "labels.audience"), ", ".join(string(s, f"audiences.{a}") for a in mod.audience)))
    facts.append((string(s, "labels.status"), string(s, f"statuses.{mod.status}")))
    items = [f"**{_esc(k)}:** {_esc(v)}" for k, v in facts]
    if mod.handouts:
        refs = []
        for hid in mod.handouts:
            target = rm.module(hid)
            if target is not None:
                refs.append(f"[{target.title}]({links.href(page, f'ref:{hid}')})")
        if refs:
            items.append(f"**{_esc(string(s, 'labels.handouts'))}:** " + ", ".join(refs))
    out.append(" ·\n".join(items) + f"\n{{: .module-meta{_NOT_SEARCHED} }}")
    return out


def module_page(rm: ResolvedManual, mod: ResolvedModule, page: str, links: PageLinks, media: Media, pdfs: Pdfs) -> str:
    """The staged Markdown of one module page."""
    s = rm.strings
    # a page that falls back to another language marks its words with that language
    other = f' lang="{mod.text_lang}"' if mod.fallback and mod.text_lang != rm.lang else ""
    heading = f"# {mod.title}" + (f" {{:{other} }}" if other else "")
    blocks: list[str] = [_front_matter(mod.title, mod.summary), heading]
    blocks += module_banners(rm, mod, page, links)
    if mod.summary:
        blocks.append(" ".join(mod.summary.split()) + f"\n{{: .module-summary{other} }}")
    blocks += module_facts(rm, mod, page, links)
    pdf = pdfs.for_module(mod)
    if pdf:
        label = string(s, "labels.session_pdf" if mod.type == "session" else "labels.handout_pdf")
        blocks.append(f"**{_esc(string(s, 'labels.downloads'))}:** [{_esc(label)}]({_rel(page, pdf)})\n{{: .pdf-links{_NOT_SEARCHED} }}")
    blocks.append(module_body(rm, mod, page, links, media))
    if not mod.generated and rm.glossary:
        blocks.append(abbreviations(rm.glossary, "\n\n".join(blocks)))
    return "\n\n".join(b.strip("\n") for b in blocks if b.strip()) + "\n"


def module_body(rm: ResolvedManual, mod: ResolvedModule, page: str, links: PageLinks, media: Media) -> str:
    """The module's own text: links, callouts and core/adapted badges in their site form."""
    s = rm.strings
    labels = {k: str(v) for k, v in (s.get("callouts") or {}).items()}
    adapted: dict[str, str] = {}
    if not rm.is_base:
        for sec in mod.sections:
            if sec.change:
                href = links.href(page, f"ref:{ABOUT_ID}#change-{sec.change}")
                key = "labels.deviation_section" if sec.deviation else "labels.adapted_section"
                adapted[sec.id] = f"[{_esc(string(s, key))}]({href})"
    body = SiteText(page, links, media, labels, _esc(string(s, "labels.core_section")), adapted)
    body.add(mod.preamble_tree, mod.origin)
    for sec in mod.sections:  # a local deviation is not the core text
        body.add(sec.tree, sec.origin, deviation=sec.deviation)
    text = body.text()
    if mod.fallback and mod.text_lang != rm.lang:
        # the words are in another language than the page: say so for screen readers and search
        text = f'<div lang="{mod.text_lang}" markdown>\n\n{text}\n\n</div>'
    return text


def home_page(rm: ResolvedManual, page: str, links: PageLinks, pdfs: Pdfs) -> str:
    """index.<lang>.md: title, variant, base/adapted notice, introduction, parts and PDFs."""
    s = rm.strings
    version = f"{_esc(string(s, 'labels.version'))} {rm.version}"
    # no front-matter title: Material then titles the home page with the site name alone
    blocks: list[str] = [f"# {_esc(rm.title)}"]
    about = links.href(page, f"ref:{ABOUT_ID}")
    about_link = f"[{_esc(string(s, 'about.title'))}]({about})"
    if rm.is_base:
        blocks.append(f"**{_esc(string(s, 'labels.base_version'))}** · {version}\n{{: .variant-line{_NOT_SEARCHED} }}")
        blocks.append(banner("base", f"{_esc(string(s, 'banners.base'))} {about_link}"))
    else:
        name = plain(rm.variant_name)
        blocks.append(f"**{_esc(string(s, 'labels.adapted_for'))} {_esc(name)}** · {version}\n{{: .variant-line{_NOT_SEARCHED} }}")
        text = about_link
        if rm.variant_status == "example":
            text = f"{_esc(string(s, 'banners.example_variant', variant=name))} {about_link}"
        blocks.append(banner("adapted", text))
    blocks.append(_esc(string(s, "site.home_intro")))
    blocks.append(f"## {_esc(string(s, 'site.parts'))} {{#parts}}")
    core = _esc(string(s, "labels.core_component"))
    for part in rm.parts:
        if not part.modules:
            continue
        lines = [f"### {_esc(part.title)} {{#part-{part.id}}}", ""]
        for mod in part.modules:
            line = f"- [{mod.title}]({links.href(page, f'ref:{mod.id}')})"
            if mod.core:
                line += f" ({core})"
            if mod.summary:
                line += " – " + " ".join(mod.summary.split())
            lines.append(line)
        blocks.append("\n".join(lines))
    pdf_lines = _pdf_list(rm, page, pdfs)
    if pdf_lines:
        blocks.append(f"## {_esc(string(s, 'site.pdf_section'))} {{#pdf}}\n\n" + "\n".join(pdf_lines))
    if rm.glossary:
        blocks.append(abbreviations(rm.glossary, "\n\n".join(blocks)))
    return "\n\n".join(b.strip("\n") for b in blocks if b.strip()) + "\n"


def _pdf_list(rm: ResolvedManual, page: str, pdfs: Pdfs) -> list[str]:
    s = rm.strings
    out: list[str] = []
    if pdfs.book:
        out.append(f"- [{_esc(string(s, 'labels.book_pdf'))}]({_rel(page, pdfs.book)})")
    for key, found in (("labels.session_pdf", pdfs.sessions), ("labels.handout_pdf", pdfs.handouts)):
        items = [f"[{mod.title}]({_rel(page, found[mod.id])})" for mod in rm.modules() if mod.id in found]
        if items:
            out.append(f"- {_esc(string(s, key))}: " + ", ".join(items))
    return out


__all__ = ["Pdfs", "module_page", "home_page", "banner", "NOT_SEARCHED"]

"""The site renderer, checked on the built HTML a reader gets (no mocks).

The bilingual fixture (base + municipality `testby`) is built once for the module; tests that
break something work on their own copy.
"""
from __future__ import annotations

import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, assert_problem, copy_locales, run_cli

# ---------------------------------------------------------------------------------------------
# A small HTML tree, enough to ask what a reader sees


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: "Node | None") -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list["Node | str"] = []

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list["Node"]:
        return [n for n in self.iter() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)
                and all(n.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> "Node | None":
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "path"}


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.cur))

    def handle_endtag(self, tag):
        node = self.cur
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.cur = node.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def page(path: Path) -> Node:
    builder = _TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    return builder.root


def content(path: Path) -> Node:
    """The article of a page (without navigation, header and footer)."""
    node = page(path).find("article")
    assert node is not None, f"{path} has no article"
    return node


# ---------------------------------------------------------------------------------------------
# Fixture: the bilingual manual, built once

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MODULES = {  # module id -> part
    "about-this-version": "basics", "welcome": "basics", "safety": "basics", "session-play": "training",
    "handout-play": "training", "untranslated": "training", "glossary": "training",
    "accessibility-statement": "training",
}


def make_tree(dest: Path) -> Path:
    shutil.copytree(FIXTURES / "bilingual", dest)
    copy_locales(dest)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = make_tree(tmp_path_factory.mktemp("site") / "bilingual")
    # the Norwegian source of 'welcome' changed after it was translated → the English page is stale
    welcome = root / "manual/basics/welcome.nb.md"
    welcome.write_text(welcome.read_text(encoding="utf-8").replace(
        "Æ, ø og å skal vises riktig.", "Æ, ø og å skal vises riktig. En ny setning.\n\n"
        "![Modell av tiltaket](images/model.svg)"), encoding="utf-8")
    (root / "manual/basics/images").mkdir()
    shutil.copy(root / "adaptations/testby/assets/logo.svg", root / "manual/basics/images/model.svg")
    # an image in a municipality's overlay, relative to the overlay file
    overlay = root / "adaptations/testby/overlays/local-records.nb.md"
    overlay.write_text(overlay.read_text(encoding="utf-8") + "\n![Testby-logoen](../assets/logo.svg)\n", encoding="utf-8")
    # the print renderer runs first; pretend it made the Norwegian PDFs of testby
    pdf = root / "build/testby/pdf/nb"
    for rel in ("manual.pdf", "sessions/session-play.pdf", "handouts/handout-play.pdf"):
        (pdf / rel).parent.mkdir(parents=True, exist_ok=True)
        (pdf / rel).write_bytes(PDF)
    code, out, err = run_cli("--root", str(root), "build", "--only", "site")
    assert code == 0, out + err
    mask = os.umask(0)
    os.umask(mask)
    assert (root / "build/base/site").stat().st_mode & 0o777 == 0o777 & ~mask  # not private: a web server reads it
    assert "built base site → build/base/site" in out
    assert "built testby site → build/testby/site" in out
    return root


def site(root: Path, variant: str) -> Path:
    return root / "build" / variant / "site"


def html_pages(where: Path) -> list[Path]:
    return sorted(p for p in where.rglob("*.html"))


# ---------------------------------------------------------------------------------------------
# Pages, languages, switcher


@pytest.mark.parametrize("variant", ["base", "testby"])
def test_every_module_page_exists_in_both_languages(built, variant):
    s = site(built, variant)
    for mid, part in MODULES.items():
        assert (s / part / f"{mid}.html").is_file(), f"{variant}: no nb page for {mid}"
        assert (s / "en" / part / f"{mid}.html").is_file(), f"{variant}: no en page for {mid}"
    assert content(s / "basics/welcome.html").find("h1").text() == "Velkommen"
    assert content(s / "en/basics/welcome.html").find("h1").text() == "Welcome"
    assert content(s / "training/session-play.html").find("h1").text() == "Økt 1: Lek sammen"
    assert content(s / "en/training/session-play.html").find("h1").text() == "Session 1: Play together"


@pytest.mark.parametrize("variant", ["base", "testby"])
def test_html_lang_is_right_on_every_page(built, variant):
    s = site(built, variant)
    pages = [p for p in html_pages(s) if p.name != "404.html"]
    assert len(pages) == 2 * (len(MODULES) + 1)
    for p in pages:
        want = "en" if p.relative_to(s).parts[0] == "en" else "nb"
        assert page(p).find("html").attrs["lang"] == want, p
    # the untranslated page is English chrome around Norwegian words, and says so
    fallback = content(s / "en/training/untranslated.html")
    assert fallback.find("h1").attrs.get("lang") == "nb"
    assert "Denne modulen finnes bare på bokmål så langt." in fallback.find("div", lang="nb").text()


@pytest.mark.parametrize("variant", ["base", "testby"])
def test_language_switcher_keeps_the_page(built, variant):
    s = site(built, variant)
    for p in html_pages(s):
        if p.name == "404.html":
            continue
        rel = p.relative_to(s).as_posix()
        nb_rel = rel[3:] if rel.startswith("en/") else rel
        links = {a.attrs["hreflang"]: a.attrs["href"] for a in page(p).find_all("a", cls="md-select__link")}
        assert set(links) == {"nb", "en"}, rel
        targets = {lang: posixpath.normpath(posixpath.join(posixpath.dirname(rel), href)) for lang, href in links.items()}
        assert targets == {"nb": nb_rel, "en": "en/" + nb_rel}, rel
    switch = {a.text(): a.attrs["hreflang"] for a in page(s / "basics/safety.html").find_all("a", cls="md-select__link")}
    assert switch == {"norsk bokmål": "nb", "English": "en"}


def test_navigation_by_part_and_module_in_the_readers_language(built):
    s = site(built, "testby")
    nav = page(s / "en/basics/welcome.html").find("nav", cls="md-nav--primary")
    labels = [a.text() for a in nav.find_all("a", cls="md-nav__link") if "#" not in a.attrs.get("href", "#")]
    assert labels[:4] == ["Home", "About this version", "Welcome", "Safety"]
    sections = [lab.text() for lab in nav.find_all("label", cls="md-nav__link")]
    assert "Basics" in " ".join(sections) and "Training" in " ".join(sections)
    nb_nav = page(s / "basics/welcome.html").find("nav", cls="md-nav--primary")
    assert "Grunnlag" in nb_nav.text() and "Opplæring" in nb_nav.text()
    assert "Økt 1: Lek sammen" in nb_nav.text()


# ---------------------------------------------------------------------------------------------
# What a module page shows


def test_module_facts_and_core_marks(built):
    s = site(built, "base")
    session = content(s / "training/session-play.html")
    assert session.find("p", cls="module-meta").text() == (
        "Type: Økt · Komponent: Foreldreveiledning · Varighet: 60 minutter · Status: Utkast · "
        "Foreldreark: Ark 1: Ti minutter lek")
    assert session.find("p", cls="core-label--module").text() == "Kjernekomponent"
    plan = session.find("h2", id="plan")
    assert "core" in plan.classes
    badge = plan.parent.children[plan.parent.children.index(plan) + 1:]
    first = next(n for n in badge if isinstance(n, Node))
    assert first.text() == "Kjernekomponent – denne delen må gjennomføres slik den er beskrevet"
    en = content(s / "en/training/session-play.html")
    assert en.find("p", cls="module-meta").text() == (
        "Type: Session · Component: Parental guidance · Duration: 60 minutes · Status: Draft · "
        "Handouts: Sheet 1: Ten minutes of play")
    assert [p.text() for p in en.find_all("p", cls="core-label")] == [
        "Core component", "Core component – deliver this part as described"]
    welcome = content(s / "basics/welcome.html")
    assert welcome.find("p", cls="core-label") is None  # not a core module, no core section
    handout = content(s / "training/handout-play.html")
    assert "Målgruppe: foreldre" in handout.find("p", cls="module-meta").text()


def test_cross_references_and_callouts(built):
    s = site(built, "base")
    welcome = content(s / "basics/welcome.html")
    links = {a.text(): a.attrs["href"] for a in welcome.find_all("a")}
    assert links["sikkerhetsplanen"] == "safety.html#plan"
    assert links["øvelsen med lek"] == "../training/session-play.html"
    callout = welcome.find("div", cls="admonition")
    assert "example" in callout.classes
    assert callout.find("p", cls="admonition-title").text() == "Eksempel"
    assert "Familien Fjell er en oppdiktet familie" in callout.text()
    en = content(s / "en/basics/welcome.html")
    assert en.find("div", cls="admonition").find("p", cls="admonition-title").text() == "Example"
    assert {a.text(): a.attrs["href"] for a in en.find_all("a")}["safety plan"] == "safety.html#plan"


def test_images_are_copied_next_to_the_pages(built):
    s = site(built, "testby")
    img = content(s / "basics/welcome.html").find("img")
    assert img.attrs == {"src": "../_media/manual/basics/images/model.svg", "alt": "Modell av tiltaket"}
    assert (s / "_media/manual/basics/images/model.svg").is_file()
    assert content(s / "en/basics/welcome.html").find("img") is None  # the English text has no image
    local = content(s / "basics/safety.html").find("img")
    assert local.attrs == {"src": "../_media/adaptations/testby/assets/logo.svg", "alt": "Testby-logoen"}
    assert (s / "_media/adaptations/testby/assets/logo.svg").is_file()
    assert not (site(built, "base") / "_media/adaptations").exists()


def test_adapted_text_only_in_the_municipality_site(built):
    local = "I Testby skrives notatet i fagsystemet samme dag som besøket."
    base_text = "Skriv kort og saklig etter hvert besøk."
    testby, base = site(built, "testby"), site(built, "base")
    assert local in content(testby / "basics/safety.html").text()
    assert base_text not in content(testby / "basics/safety.html").text()
    assert base_text in content(base / "basics/safety.html").text()
    for p in html_pages(base):
        assert "Testby" not in p.read_text(encoding="utf-8"), p
    assert "In Testby the note is written in the records system" in content(testby / "en/basics/safety.html").text()
    assert "Varighet: 45 minutter" in content(testby / "training/session-play.html").text()
    assert "Varighet: 60 minutter" in content(base / "training/session-play.html").text()
    # the adapted section carries a visible label that links to its change record
    label = content(testby / "basics/safety.html").find("p", cls="adapted-label")
    assert label.text() == "Lokalt tilpasset"
    assert label.find("a").attrs["href"] == "about-this-version.html#change-local-records"


def test_municipality_name_logo_and_about_page(built):
    s = site(built, "testby")
    home = page(s / "index.html")
    assert home.find("title").text() == "Testmanual · Testby kommune"
    assert page(s / "en/index.html").find("title").text() == "Home - Test manual · Testby municipality"
    logo = home.find("a", cls="md-logo").find("img")
    assert logo.attrs["src"] == "assets/manualkit/logo.svg" and (s / "assets/manualkit/logo.svg").is_file()
    assert "Tilpasset for Testby kommune · Versjon 1.0.0" == content(s / "index.html").find("p", cls="variant-line").text()
    about = content(s / "basics/about-this-version.html")
    assert about.find("h2", id="local-changes").text() == "Lokale tilpasninger"
    assert about.find("h3", id="change-local-records").text() == "Lokale rutiner for dokumentasjon"
    assert about.find("h3", id="change-shorter-session").text() == "Kortere økt"
    assert "Forkortet/komprimert" in about.text()
    base_about = content(site(built, "base") / "basics/about-this-version.html")
    assert "Du leser basisversjonen av Familiepartner-manualen, versjon 1.0.0." in base_about.text()
    assert base_about.find("h2", id="local-changes") is None
    base_home = page(site(built, "base") / "index.html")
    assert base_home.find("title").text() == "Testmanual"
    assert base_home.find("a", cls="md-logo").find("img") is None  # no municipality logo on the base site


# ---------------------------------------------------------------------------------------------
# Banners, exactly where expected

BANNER_TEXT = {
    ("nb", "draft"): "Utkast: Denne teksten er et forslag fra samutviklingsgruppen og er ennå ikke godkjent.",
    ("en", "draft"): "Draft: this text is a proposal from the co-development group and has not been approved yet.",
    ("en", "fallback"): "This page has not been translated yet. You are reading the text in Norwegian (Bokmål).",
    ("en", "stale"): "The translation is older than the original text and may be out of date.",
    ("nb", "base"): "Dette er basisversjonen av manualen, uten lokale tilpasninger. Om denne versjonen",
    ("en", "base"): "This is the base version of the manual, without local adaptations. About this version",
}


def expected_banners(variant: str) -> dict[str, list[str]]:
    drafts = ["basics/welcome", "training/session-play", "training/handout-play", "training/untranslated"]
    out: dict[str, list[str]] = {}
    for prefix in ("", "en/"):
        for d in drafts:
            out.setdefault(prefix + d, []).append("draft")
        out[prefix + "index"] = ["base" if variant == "base" else "adapted"]
        if variant == "testby":
            for adapted in ("basics/safety", "training/session-play"):
                out.setdefault(prefix + adapted, []).append("adapted")
    out["en/training/untranslated"].append("fallback")
    out["en/basics/welcome"].append("stale")
    return {k: sorted(v) for k, v in out.items()}


@pytest.mark.parametrize("variant", ["base", "testby"])
def test_banners_exactly_where_expected(built, variant):
    s = site(built, variant)
    found: dict[str, list[str]] = {}
    texts: dict[tuple[str, str, str], str] = {}
    for p in html_pages(s):
        rel = p.relative_to(s).with_suffix("").as_posix()
        for b in content(p).find_all("div", cls="banner") if p.name != "404.html" else []:
            kind = next(c[len("banner--"):] for c in b.classes if c.startswith("banner--"))
            assert b.attrs.get("role") == "note"
            found.setdefault(rel, []).append(kind)
            texts[(rel, "en" if rel.startswith("en/") else "nb", kind)] = b.text()
    assert {k: sorted(v) for k, v in found.items()} == expected_banners(variant)
    for (rel, lang, kind), text in texts.items():
        if (lang, kind) in BANNER_TEXT:
            assert text == BANNER_TEXT[(lang, kind)], rel
    if variant == "testby":
        assert texts[("basics/safety", "nb", "adapted")] == "Denne siden er tilpasset lokalt i Testby kommune. Om denne versjonen"
        assert texts[("en/basics/safety", "en", "adapted")] == "This page has been adapted locally in Testby municipality. About this version"
        assert texts[("index", "nb", "adapted")] == (
            "Eksempel: Tilpasningene i denne versjonen er foreslåtte eksempler som Testby kommune må bekrefte. Om denne versjonen")


# ---------------------------------------------------------------------------------------------
# Glossary, search, PDFs, offline


def test_glossary_page_and_terms_on_hover(built):
    s = site(built, "base")
    gloss = content(s / "training/glossary.html")
    rows = [[td.text() for td in tr.find_all("td")] for tr in gloss.find_all("tr") if tr.find("td")]
    assert rows == [["familiepartner", "family partner", "Den som gir tett oppfølging i tiltaket."],
                    ["hjelpetiltak", "assistance measure", "Tiltak som skal gi barnet og familien støtte."]]
    en_rows = [[td.text() for td in tr.find_all("td")] for tr in content(s / "en/training/glossary.html").find_all("tr") if tr.find("td")]
    assert en_rows[0] == ["assistance measure", "hjelpetiltak", "A measure that gives the child and the family support."]
    abbrs = {a.text(): a.attrs["title"] for a in content(s / "index.html").find_all("abbr")}
    assert abbrs["Familiepartner"] == "Den som gir tett oppfølging i tiltaket."
    en_abbrs = {a.text(): a.attrs["title"] for a in content(s / "en/index.html").find_all("abbr")}
    assert en_abbrs["family partner"] == "The person who gives intensive follow-up in the intervention."


def test_search_finds_norwegian_and_english_words(built):
    # one index per language (outputs/site/search.py; searched in Chromium in test_site_visitor.py)
    index = json.loads((site(built, "testby") / "search/search_index.json").read_text(encoding="utf-8"))
    en_index = json.loads((site(built, "testby") / "en/search/search_index.json").read_text(encoding="utf-8"))
    assert (index["config"]["lang"], en_index["config"]["lang"]) == (["no"], ["en"])
    text = {d["location"]: d["text"] for d in index["docs"]}
    assert "fagsystemet" in text["basics/safety.html#records"]
    assert "records system" in {d["location"]: d["text"] for d in en_index["docs"]}["basics/safety.html#records"]
    assert "gjennomgås ved hvert besøk" in text["basics/safety.html#plan"]
    # the inlined copy the offline plugin makes, so search works from file://
    for folder in ("", "en"):
        js = site(built, "testby") / folder / "search/search_index.js"
        assert js.read_text(encoding="utf-8").startswith("var __index = ")


def test_pdf_links_when_the_pdfs_exist(built):
    s = site(built, "testby")
    home = content(s / "index.html")
    pdf_section = home.find("h2", id="pdf")
    assert pdf_section is not None and pdf_section.text() == "PDF-utgaver"
    hrefs = {a.text(): a.attrs["href"] for a in home.find_all("a") if a.attrs.get("href", "").endswith(".pdf")}
    assert hrefs == {"Hele manualen som PDF": "pdf/nb/manual.pdf",
                     "Økt 1: Lek sammen": "pdf/nb/sessions/session-play.pdf",
                     "Ark 1: Ti minutter lek": "pdf/nb/handouts/handout-play.pdf"}
    for href in hrefs.values():
        assert (s / href).read_bytes() == PDF
    session = content(s / "training/session-play.html").find("p", cls="pdf-links")
    assert session.text() == "Last ned: Øktguide som PDF"
    assert session.find("a").attrs["href"] == "../pdf/nb/sessions/session-play.pdf"
    handout = content(s / "training/handout-play.html").find("p", cls="pdf-links")
    assert handout.find("a").attrs["href"] == "../pdf/nb/handouts/handout-play.pdf"
    # no English PDFs, no base PDFs: no links to missing files
    assert content(s / "en/index.html").find("h2", id="pdf") is None
    assert content(s / "en/training/session-play.html").find("p", cls="pdf-links") is None
    assert content(site(built, "base") / "training/session-play.html").find("p", cls="pdf-links") is None


# anything a browser would load by itself: scripts, styles, images, fonts, frames
LOADED = re.compile(r"""(?:src|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", re.I)
EXTERNAL_HREF = re.compile(r"^(?:https?:)?//", re.I)


@pytest.mark.parametrize("variant", ["base", "testby"])
def test_works_offline_no_external_host(built, variant):
    s = site(built, variant)
    pages = html_pages(s)
    assert pages
    for p in pages:
        text = p.read_text(encoding="utf-8")
        assert not LOADED.findall(text), f"{p.relative_to(s)} loads something from another host: {LOADED.findall(text)[:3]}"
        doc = page(p)
        for link in doc.find_all("link"):
            assert not EXTERNAL_HREF.match(link.attrs.get("href", "")), (p, link.attrs)
        # the only links to other hosts are ones the text itself makes (the reader's choice to follow)
        article = doc.find("article")
        inside = {id(a) for a in article.find_all("a")} if article else set()
        for a in doc.find_all("a"):
            if EXTERNAL_HREF.match(a.attrs.get("href", "")):
                assert id(a) in inside, f"{p.relative_to(s)}: the page frame links to {a.attrs['href']}"
        scripts = [n.attrs["src"] for n in doc.find_all("script") if "src" in n.attrs]
        assert any(src.endswith("assets/manualkit/iframe-worker-shim.js") for src in scripts), p
        assert not any(EXTERNAL_HREF.match(src) for src in scripts), p
    for p in (s / "assets/manualkit").glob("*.css"):
        assert not LOADED.search(p.read_text(encoding="utf-8")), p
    # links use .html files, so navigation works from the file system
    assert page(s / "index.html").find("a", cls="md-nav__link", href="basics/welcome.html") is not None


def test_print_stylesheet_and_accessibility_css(built):
    s = site(built, "base")
    links = [n.attrs["href"] for n in page(s / "basics/safety.html").find_all("link", rel="stylesheet")]
    assert "../assets/manualkit/manual.css" in links and "../assets/manualkit/variant.css" in links
    css = (s / "assets/manualkit/manual.css").read_text(encoding="utf-8")
    assert "@media print" in css and ".md-sidebar" in css
    assert ".md-copyright" in css and "text-decoration: underline" in css
    assert ".md-search-result__meta" in css and ".md-nav__title" in css
    variant_css = (site(built, "testby") / "assets/manualkit/variant.css").read_text(encoding="utf-8")
    assert "--md-primary-fg-color: #00567a;" in variant_css


def test_a_handouts_room_to_write_prints_ruled_lines(tmp_path):
    root = make_tree(tmp_path / "bilingual")
    handout = root / "manual/training/handout-play.nb.md"
    handout.write_text(handout.read_text(encoding="utf-8") + "\n::: {.lines n=3}\nSlik gikk leken:\n:::\n\n"
                       "::: lines\nMine notater:\n:::\n", encoding="utf-8")
    code, out, err = run_cli("--root", str(root), "build", "--only", "site", "--variant", "base")
    assert code == 0, out + err
    s = site(root, "base")
    html = page(s / "training/handout-play.html")
    blocks = html.find("article").find_all("div", cls="lines")
    assert [(sorted(b.classes), b.text()) for b in blocks] == [
        (["admonition", "lines", "lines-3"], "Skriv her Slik gikk leken:"),
        (["admonition", "lines", "lines-4"], "Skriv her Mine notater:")]  # no n: 4 lines, as in the PDF
    links = [n.attrs["href"] for n in html.find_all("link", rel="stylesheet")]
    assert "../assets/manualkit/print.css" in links
    css = (s / "assets/manualkit/print.css").read_text(encoding="utf-8")
    assert css.count("@media print") == 1 and ".admonition.lines-3 { --writing-lines: 3; }" in css
    assert "calc(var(--writing-lines, 4) * 0.9cm)" in css  # 0.9 cm a line, as writing-lines() in common.typ


# ---------------------------------------------------------------------------------------------
# Failures keep the last good site


def test_failed_build_leaves_the_previous_site(tmp_path):
    from manualkit.core.problems import BuildError
    from manualkit.core.project import load_project
    from manualkit.outputs.site.build import build_site

    root = make_tree(tmp_path / "m")
    out = root / "build/testby/site"
    build_site(load_project(root, ["base", "testby"]).resolutions["testby"], out)
    before = (out / "basics/welcome.html").read_text(encoding="utf-8")

    # a module that passes the checker but breaks the site: a link to an anchor that is not there
    welcome = root / "manual/basics/welcome.nb.md"
    welcome.write_text(welcome.read_text(encoding="utf-8") + "\nSe [avsnittet](#finnes-ikke).\n", encoding="utf-8")
    project = load_project(root, ["base", "testby"])
    assert not project.errors
    with pytest.raises(BuildError) as info:
        build_site(project.resolutions["testby"], out)
    msg = info.value.message
    assert "the testby site did not build (mkdocs --strict)" in msg
    assert "'basics/welcome.nb.md' (module 'welcome', from manual/basics/welcome.nb.md)" in msg
    assert "#finnes-ikke" in msg
    assert (out / "basics/welcome.html").read_text(encoding="utf-8") == before
    # no half-written or staging folders (the lock file stays, empty when no build runs)
    assert sorted(p.name for p in out.parent.iterdir() if p.name != ".manualkit.lock") == ["site"]

    # content errors: nothing is built, the CLI says why, the old site stays
    welcome.write_text(welcome.read_text(encoding="utf-8") + "\n<div>rå HTML</div>\n", encoding="utf-8")
    code, stdout, err = run_cli("--root", str(root), "build", "--variant", "testby", "--only", "site")
    assert code == 1
    last = welcome.read_text(encoding="utf-8").count("\n")  # the line just added
    assert_problem(err, code="E801", where=f"manual/basics/welcome.nb.md:{last}:1", says="<div>")
    assert (out / "basics/welcome.html").read_text(encoding="utf-8") == before


def test_preview_rebuild_reports_problems_and_keeps_serving(tmp_path):
    from manualkit.cli.serve import Preview, start_url

    root = make_tree(tmp_path / "m")
    out = io.StringIO()
    preview = Preview(root, "base", out)
    assert preview.rebuild() is True
    served = root / "build/.serve/base/site/basics/safety.html"
    before = served.read_text(encoding="utf-8")
    safety = root / "manual/basics/safety.nb.md"
    safety.write_text(safety.read_text(encoding="utf-8").replace("{#records}", "{#records"), encoding="utf-8")
    assert preview.rebuild() is False
    log = out.getvalue()
    assert "manual/basics/safety.nb.md" in log and "not rebuilt" in log
    assert served.read_text(encoding="utf-8") == before
    assert start_url(8000, "en", "nb") == "http://127.0.0.1:8000/en/index.html"
    assert start_url(8000, None, "nb") == "http://127.0.0.1:8000/"


def test_plain_mkdocs_build_at_the_root_gives_the_base_manual(tmp_path):
    root = make_tree(tmp_path / "m")
    hook = root / "tools/manualkit/outputs/site/mkdocs_hook.py"
    hook.parent.mkdir(parents=True)
    shutil.copy(REPO / "tools/manualkit/outputs/site/mkdocs_hook.py", hook)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("MANUAL_VARIANT", None)
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    built_page = content(root / "site/basics/safety.html")
    assert "Skriv kort og saklig etter hvert besøk." in built_page.text()
    assert page(root / "site/index.html").find("title").text() == "Testmanual"
    assert page(root / "site/en/index.html").find("title").text() == "Home - Test manual"
    assert (root / "build/.mkdocs/base/docs/basics/safety.nb.md").is_file()


def test_generated_config_carries_the_shared_settings_and_overrides_only_what_differs(built):
    import yaml

    from manualkit.core.project import load_project
    from manualkit.core.site_settings import Tagged
    from manualkit.outputs.site.config import SANITISE_HOOK, TEMPLATE_CACHE_HOOK, config_text, generated, variant_config
    from manualkit.outputs.site.stage import stage

    project = load_project(built, ["base", "testby"])
    variant = project.resolutions["testby"]
    work = built / "build/.config-test"
    staged = stage(variant, work / "docs", None)
    own = generated(staged, work / "mkdocs.yml", work / "site")
    # copyright is the footer line with the release (here: none known, so the plain version)
    assert set(own) == {"docs_dir", "site_dir", "hooks", "site_name", "theme", "plugins", "copyright"}
    assert own["copyright"] == "Testmanual · versjon 1.0.0"
    # the root config's preview hook is replaced by the sanitiser and the theme's template cache
    assert own["hooks"] == [SANITISE_HOOK.as_posix(), TEMPLATE_CACHE_HOOK.as_posix()]
    assert own["theme"] == {"language": "nb", "logo": "assets/manualkit/logo.svg", "favicon": "assets/manualkit/logo.svg"}
    langs = own["plugins"]["i18n"]["languages"]
    assert [(entry["locale"], entry["default"]) for entry in langs] == [("nb", True), ("en", False)]
    assert langs[1]["nav"][1] == {"Basics": ["basics/about-this-version.md", "basics/welcome.md", "basics/safety.md"]}
    # what is written reads back the same (no YAML 1.1 surprises such as 'no' → false)
    assert yaml.safe_load(yaml.safe_dump(own, allow_unicode=True)) == own
    # the whole config is one file: the shared settings the load stage read, with the variant's merged
    # in as mkdocs merges an INHERITed file; mkdocs is never pointed at the repository's mkdocs.yml
    cfg = variant_config(staged, variant.site_settings, work / "mkdocs.yml", work / "site")
    assert "INHERIT" not in cfg and cfg["hooks"] == own["hooks"] and cfg["site_name"] == own["site_name"]
    assert cfg["theme"]["font"] is False and cfg["theme"]["language"] == "nb" and cfg["theme"]["logo"] == own["theme"]["logo"]
    assert list(cfg["plugins"]) == ["search", "i18n", "offline"] and cfg["plugins"]["i18n"]["docs_structure"] == "suffix"
    assert cfg["plugins"]["i18n"]["languages"] == langs
    slugify = cfg["markdown_extensions"][-1]["toc"]["slugify"]
    assert slugify == Tagged("tag:yaml.org,2002:python/object/apply:pymdownx.slugs.slugify", {"kwds": {"case": "lower"}})
    assert "slugify: !!python/object/apply:pymdownx.slugs.slugify\n" in config_text(cfg)  # written back with its tag
    root_cfg = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert "lang" not in (root_cfg["plugins"]["search"] or {})  # Material derives lunr's 'no' itself
    shutil.rmtree(work)


# ---------------------------------------------------------------------------------------------
# The repository's own manual


def test_repository_manual_builds_for_every_variant(tmp_path):
    from manualkit.cli.format import format_text
    from manualkit.core.project import load_project
    from manualkit.outputs.site.build import build_site

    root = tmp_path / "repo"
    for name in ("manual", "locales", "adaptations"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    project = load_project(root)
    # an error in the repository's content is exactly what this test is for: it fails, never skips
    shown = "; ".join(format_text(p).splitlines()[0] for p in project.errors[:3])
    assert project.manual is not None and not project.errors, (
        f"`manual check` reports {len(project.errors)} error(s) in the repository's content, e.g. {shown}")
    for variant in project.variants:
        out = build_site(project.resolutions[variant], root / "build" / variant / "site")
        for lang, rm in project.resolutions[variant].manuals.items():
            prefix = "" if lang == rm.default_language else f"{lang}/"
            assert (out / prefix / "index.html").is_file()
            for part in rm.parts:
                for mod in part.modules:
                    assert (out / f"{prefix}{part.id}/{mod.id}.html").is_file(), (variant, lang, mod.id)
    # Øvre Eiker's session 7: 75 minutes on the page, and the 90-minute plan for the families with an
    # interpreter after the base plan, its length taken from the model
    import re as _re
    page = (root / "build/ovre-eiker/site/parent-training/session-stress-and-conflict.html").read_text(encoding="utf-8")
    words = " ".join(_re.sub(r"<[^>]+>", " ", page).split())
    assert "75 minutter" in words and "Med tolk: steg for steg" in words and "den varer da 90 minutter" in words
    assert "{{" not in words
    assert words.index("Gjennomføring steg for steg") < words.index("Med tolk: steg for steg") < words.index("Hjemmeoppgave")



def test_no_sitemap_requests_404_and_404_page_links_go_home(built):
    import re as _re
    where = site(built, "testby")
    for page in where.rglob("*.html"):
        assert (page.parent / "sitemap.xml").is_file(), page
    links = _re.findall(r'href="([^"]*)" hreflang="([a-z]+)"', (where / "404.html").read_text(encoding="utf-8"))
    assert sorted(set(links)) == [("/", "nb"), ("/en/", "en")]

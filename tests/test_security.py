"""Nothing an editor writes reaches a published page as code (issue 10): the built site.

The hostile manual (tests/hostile.py) is built with the checker's verdict thrown away, and every
page of the result is parsed: no event attribute, no javascript:/data: address, no script but the
theme's own. The hypothesis test runs the sanitiser directly on Markdown made of hostile pieces.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import assert_problem
from hostile import NB, OVERLAY, clean_tree, fragment, hostile_tree, titles, unchecked
from manualkit.core.project import load_project
from manualkit.outputs.site.sanitise import clean, text
from manualkit.outputs.site.verify import unsafe_markup

BAD_URL = re.compile(r"^\s*(javascript|vbscript|data):", re.I)


class Page(HTMLParser):
    """Every element with its attributes, the scripts, and the title text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[tuple[str, str]] = []  # (src, inline text)
        self._in: str | None = None
        self.title = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a))
        if tag == "script":
            self.scripts.append((a.get("src", ""), ""))
        self._in = tag

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script" and self.scripts:
            src, old = self.scripts[-1]
            self.scripts[-1] = (src, old + data)
        elif self._in == "title":
            self.title += data


def problems_in(html: str, theme_scripts: set[str]) -> list[str]:
    page = Page(html)
    out = []
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            if name.startswith("on"):
                out.append(f"{name} on <{tag}>")
            if name in ("href", "src", "action", "formaction", "data", "xlink:href") and BAD_URL.match(value.replace("\t", "")):
                out.append(f"{name}={value!r} on <{tag}>")
        if tag in ("iframe", "object", "embed", "base", "frame", "applet"):
            out.append(f"<{tag}>")
    for src, inline in page.scripts:
        if src and (src.startswith("//") or re.match(r"^[a-z]+:", src, re.I) or "assets/" not in src):
            out.append(f"script src={src!r}")
        if not src and inline.strip() not in theme_scripts:
            out.append(f"inline script {inline[:60]!r}")
    # the theme draws icons (svg) and a search form; the page's own content has neither
    article = html.split("<article", 1)[-1].split("</article>", 1)[0] if "<article" in html else ""
    out += [f"<{m}> in the content" for m in re.findall(r"<(svg|math|form|style|script|input|button|textarea)\b", article, re.I)]
    return out


def _build(root: Path, variant: str = "base") -> Path:
    from manualkit.outputs.site.build import build_site

    project = unchecked(load_project(root, ["base", variant] if variant != "base" else ["base"]))
    return build_site(project.resolutions[variant], root / "build" / variant / "site")


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """The theme's inline scripts (from a clean build) and the hostile builds of base and 'evil'."""
    base = tmp_path_factory.mktemp("security")
    clean_site = _build(clean_tree(base / "clean"))
    theme = {inline.strip() for page in clean_site.rglob("*.html")
             for _src, inline in Page(page.read_text(encoding="utf-8")).scripts if inline.strip()}
    root = hostile_tree(base / "hostile")
    return theme, {"base": _build(root), "evil": _build(root, "evil")}


@pytest.mark.parametrize("variant", ["base", "evil"])
def test_hostile_manual_built_unchecked_has_no_active_content(sites, variant):
    theme, built = sites
    pages = sorted(built[variant].rglob("*.html"))
    assert len(pages) >= 6
    found = {p.relative_to(built[variant]).as_posix(): problems_in(p.read_text(encoding="utf-8"), theme) for p in pages}
    assert {k: v for k, v in found.items() if v} == {}
    assert all(unsafe_markup(p.read_text(encoding="utf-8")) == [] for p in pages)


def test_search_index_holds_only_clean_html(sites):
    import json

    _theme, built = sites
    docs = json.loads((built["evil"] / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    assert any("alert('title-img')" in d["title"] for d in docs)  # the hostile title is there, as text
    for d in docs:
        assert "<" not in d["title"]
        assert problems_in(d["text"], set()) == [] and unsafe_markup(d["text"]) == []
        assert not re.search(r"<(img|script|svg|iframe)\b", d["text"])


def test_hostile_titles_are_shown_as_text(sites):
    _theme, built = sites
    page = (built["evil"] / "basics" / "intro.html").read_text(encoding="utf-8")
    t = titles()
    parsed = Page(page)
    assert parsed.title.startswith(t[3])  # the module title, as the words it is
    assert t[3] in " ".join(Page(page).title.split()) and "alert('attr')" in parsed.title
    # the part title and the municipality name reach nav and header only as text
    assert "&lt;img src=x onerror=alert(&#x27;title-img&#x27;)&gt;" in page
    assert "<img src=x" not in page and "<script>alert" not in page


def test_hostile_text_keeps_its_words_but_loses_its_markup(sites):
    _theme, built = sites
    page = (built["base"] / "basics" / "intro.html").read_text(encoding="utf-8")
    assert "Tekst med" in page and "inni." in page  # the paragraph around a removed <img>
    assert "klikk" in page  # the text of a <div onclick>
    assert "et punkt" in page and "en lenke" in page


def test_mkdocs_itself_refuses_tab_and_entity_schemes(tmp_path):
    from manualkit.core.problems import BuildError

    root = hostile_tree(tmp_path / "m", body=fragment("links-mkdocs-refuses.md"))
    with pytest.raises(BuildError) as err:
        _build(root)
    assert "unrecognized relative link" in err.value.message
    assert not (root / "build" / "base" / "site").exists()


# -- the sanitiser on its own ------------------------------------------------------------------

MD = markdown.Markdown(extensions=["abbr", "admonition", "attr_list", "md_in_html", "tables", "toc"])

PIECES = [line for name in ("html.md", "attributes.md", "links.md") for line in fragment(name).split("\n") if line.strip()]
PIECES += titles() + ["<", ">", '"', "'", "`", "{:", "}", "[", "](", ")", "!", "*", "\n", "\n\n", ":::", "!!! note",
                      "    ", "<a ", "href=", "javascript:", "on", "load=", "&#x6a;", "&lt;", "/", "=", "svg", "img"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=25))
def test_sanitised_html_stays_clean_whatever_the_markdown(pieces):
    html = clean(MD.reset().convert("".join(pieces)))
    assert unsafe_markup(html) == []
    assert problems_in(html, set()) == []
    assert not re.search(r"<(script|style|iframe|object|svg|math|form)\b", html, re.I)


class _Items(HTMLParser):
    """The tags and (tag, attribute) pairs of an HTML fragment."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.items: set = set()
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.items.add(tag)
        self.items.update((tag, name) for name, _value in attrs)

    handle_startendtag = handle_starttag


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=10))
def test_whatever_the_sanitiser_removes_the_checker_reports(pieces):
    from manualkit.core.body import parse_body
    from manualkit.core.links import unsafe_scheme

    text = "".join(pieces)
    html = MD.reset().convert(text)
    removed = _Items(html).items - _Items(clean(html)).items - {("th", "style"), ("td", "style")}
    if removed:
        body, problems = parse_body(text, "manual/x/m.nb.md", 1)
        reported = [p for p in problems if p.code.startswith("E8") or p.code == "E408"]
        assert reported or any(unsafe_scheme(link.target) for link in body.links), (text, removed)


def test_text_is_escaped_once_whatever_comes_in():
    for t in titles():
        once = text(t)
        assert text(once) == once
        assert "<" not in once and '"' not in once
    assert text("Foreldre & barn") == "Foreldre &amp; barn"


def test_allow_list_keeps_what_the_manual_needs():
    html = ('<h2 id="plan">Plan<a class="headerlink" href="#plan" title="Permanent link">¶</a></h2>'
            '<div class="admonition note"><p class="admonition-title">Merk</p><p>x</p></div>'
            '<table><thead><tr><th style="text-align: left;">a</th></tr></thead></table>'
            '<p><a href="../basics/intro.html#x">a</a> <a href="mailto:a@b.no">m</a> <a href="tel:+4712345678">t</a> '
            '<img alt="Bilde" src="../_media/manual/basics/images/pic.png"> <abbr title="forklaring">ord</abbr></p>'
            '<div class="banner banner--draft" role="note" lang="en"><p>Utkast</p></div>')
    assert clean(html) == html.replace('style="text-align: left;"', 'style="text-align:left"')


# -- PDFs ----------------------------------------------------------------------------------------

SECRET = "manualkit-secret-7f3a9c"  # a file in the repository the PDFs must never show


def _pdf_texts(folder: Path) -> dict[str, str]:
    from pypdf import PdfReader

    return {p.relative_to(folder).as_posix(): "\n".join(page.extract_text() or "" for page in PdfReader(p).pages)
            for p in sorted(folder.rglob("*.pdf"))}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    import io

    from manualkit.outputs.runner import build_output

    body = "\n\n".join([fragment("typst.md"), fragment("attributes.md"), fragment("links.md")])
    body += '\n\n[Hemmelig](secret.txt) og `#read("/secret.txt")`{=typst} og #read("/secret.txt").\n'
    root = hostile_tree(tmp_path_factory.mktemp("pdf") / "m", body=body, title=titles()[8])
    (root / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    project = unchecked(load_project(root, ["base", "evil"]))
    out = {}
    for variant in ("base", "evil"):
        log = io.StringIO()
        out[variant] = _pdf_texts(build_output(project.resolutions[variant], "pdf", root / "build", log))
    return root, out


def test_hostile_typst_cannot_put_repository_or_host_files_into_pdfs(pdfs):
    root, built = pdfs
    manual_yml = (root / "manual" / "manual.yml").read_text(encoding="utf-8")
    leaks = [SECRET, "default_language", "root:x:0:0", "/bin/sh"]
    try:
        leaks.append(Path("/etc/hostname").read_text().strip())
    except OSError:
        pass
    assert "default_language" in manual_yml
    for variant, texts in built.items():
        assert texts, variant
        for name, text in texts.items():
            assert [leak for leak in leaks if leak and leak in text] == [], (variant, name)


def test_hostile_typst_shows_as_the_words_written(pdfs):
    _root, built = pdfs
    book = built["base"]["nb/manual.pdf"]
    squashed = " ".join(book.split())
    assert '#read("/etc/passwd")' in squashed  # the module title, as text
    assert "Tekst." in squashed and "Et avsnitt med attributter." in squashed


def test_typst_root_holds_only_the_images_a_document_shows(tmp_path):
    """Even Typst code that got through cannot read the repository: its root is a staging folder."""
    from manualkit.core.problems import BuildError
    from manualkit.outputs.pdf.documents import Document
    from manualkit.outputs.pdf.typst_compile import TypstRunner

    root = hostile_tree(tmp_path / "m")
    runner = TypstRunner(load_project(root, None).resolutions["base"], 1704067200)
    for target in ("/manual/manual.yml", "/../../../../etc/hostname", "/etc/hostname"):
        doc = Document("handout", "a test document", "T", f'#set document(title: "T")\n#read("{target}")\n', {}, (), 0)
        with pytest.raises(BuildError) as err:
            runner.pdf(doc)
        assert "not found" in err.value.message or "escape the project root" in err.value.message, err.value.message
    assert [p.name for p in runner.typst_root.rglob("*") if p.is_file()] == []


# -- the checker -----------------------------------------------------------------------------------


def _problems(root: Path) -> list[tuple[str, str, int]]:
    return [(p.code, p.path, p.line) for p in load_project(root, None).problems]


def _line_of(root: Path, rel: str, needle: str) -> int:
    return next(i for i, line in enumerate((root / rel).read_text(encoding="utf-8").split("\n"), 1) if needle in line)


def test_checker_refuses_every_hostile_class_at_its_line(tmp_path):
    body = "\n\n".join(fragment(n) for n in ("html.md", "attributes.md", "links.md", "typst.md"))
    root = hostile_tree(tmp_path / "m", body=body)
    got = _problems(root)
    expect = [
        ("E801", NB, "<svg/onload"), ("E801", NB, "<script>alert('script')"), ("E801", NB, "onerror=alert('img')"),
        ("E801", NB, "<iframe"), ("E801", NB, "<div onclick"), ("E801", NB, "<details"), ("E801", NB, "<!--"),
        ("E801", NB, "<math>"), ("E801", NB, "<object"), ("E801", NB, "<form"),
        ("E811", NB, "{: onclick"), ("E811", NB, "{: onmouseover"), ("E811", NB, "{: href="), ("E811", NB, "{: src="),
        ("E811", NB, "{: onfocus"), ("E408", NB, "## Overskrift med attributter"),
        ("E802", NB, "[r]: javascript:"), ("E802", NB, "[d]: data:"), ("E802", NB, "[v]: vbscript:"),
        ("E802", NB, "JaVaScRiPt:"), ("E802", NB, "<javascript:"), ("E802", NB, "![bilde](data:"),
        ("E802", NB, "[mellomrom]"),
        ("E803", NB, "```{=typst}"), ("E803", NB, "`{=typst}"), ("E811", NB, "::: {.note typst:text"),
        ("E808", NB, "::: {.fp-info"), ("E811", NB, "[ord]{typst:text"),
        ("E801", "manual/manual.yml", "title: {nb: '<script>"), ("E801", "manual/manual.yml", "{nb: '<img src=x"),
        ("E801", "locales/glossary.yml", "term: '<svg/onload"),
        ("E801", "adaptations/evil/adaptation.yml", "name: {nb:"), ("E801", "adaptations/evil/adaptation.yml", "reasons:"),
        ("E801", "adaptations/evil/adaptation.yml", "description:"), ("E801", "adaptations/evil/adaptation.yml", "approved_by:"),
        ("E801", OVERLAY, "<svg/onload"), ("E801", OVERLAY, "<script>alert('script')"),
    ]
    missing = [(code, rel, needle) for code, rel, needle in expect if (code, rel, _line_of(root, rel, needle)) not in got]
    assert missing == []


def test_title_and_summary_fields_are_checked_like_bodies(tree):
    from conftest import INTRO_NB

    text = INTRO_NB.replace("title: Innledning", "title: 'Innledning {: onclick=x}'").replace(
        "status: draft\n", "status: draft\nsummary: '[lenke](javascript:alert(1)) <svg/onload=x>'\n")
    got = _problems(tree({NB: text}))
    assert ("E811", NB, 3) in got and ("E802", NB, 7) in got and ("E801", NB, 7) in got


def test_every_scanner_returns_on_a_megabyte_of_adversarial_text():
    """Not a timing assertion: the benchmark runs every scanner on 1 MB of each adversarial input
    under a generous timeout, and must come back (a super-linear scanner would not)."""
    import subprocess
    import sys

    from conftest import REPO

    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "adversarial.py"), "--quiet"],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("slowest: ")


# -- assets, symbolic links, reserved ids ----------------------------------------------------------

SVG_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="5" height="5"/></svg>'
SVG_EVENT = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="5" height="5"/></svg>'
SVG_EXTERNAL = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><use xlink:href="https://evil.example/x.svg#a"/></svg>'
SVG_IFRAME = b'<svg xmlns="http://www.w3.org/2000/svg"><iframe src="https://evil.example/"/></svg>'


@pytest.mark.parametrize("data,why", [
    (SVG_SCRIPT, "<script>"),
    (SVG_EVENT, "the event attribute onload"),
    (SVG_EXTERNAL, "'https://evil.example/x.svg#a'"),
    (SVG_IFRAME, "the SVG contains the element <iframe>, which is not on the list of plain drawing elements"),
    (b"<html><body>not an image</body></html>", "not a PNG, JPEG, WebP or SVG image"),
    (b"id: mini\ntitle: x\n", "not a PNG, JPEG, WebP or SVG image"),
])
def test_logo_and_images_are_typed_by_content(tree, data, why):
    from conftest import INTRO_NB

    root = tree({NB: INTRO_NB + "\n![Et bilde](images/pic.png)\n", "manual/basics/images/pic.png": data})
    hits = [p for p in load_project(root, ["base"]).problems if p.code == "E815"]
    assert [(p.path, p.line) for p in hits] == [(NB, 15)]
    said = assert_problem(hits, code="E815", where=f"{NB}:15", says=why)  # the reason, from the file's content
    assert "'images/pic.png'" in said.message


_SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 96 96">'
#: Plain drawing of every kind the allow-list means to let through (what logo tools and matplotlib write).
SVG_DRAWING = _SVG_OPEN + """
 <metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/"
   xmlns:cc="http://creativecommons.org/ns#"><cc:Work><dc:type rdf:resource="http://purl.org/dc/dcmitype/StillImage"/>
   <dc:title>Eksempel</dc:title></cc:Work></rdf:RDF></metadata>
 <title>Eksempellogo</title><desc>Et hus og en sol</desc>
 <style type="text/css">*{stroke-linejoin: round} .sun{fill: url(#glow)}</style>
 <defs>
  <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#1f5f8b"/><stop offset="1" stop-color="#fff"/></linearGradient>
  <radialGradient id="glow" xlink:href="#sky" cx="0.5" cy="0.5" r="0.5"/>
  <clipPath id="frame"><rect width="96" height="96" rx="14"/></clipPath>
  <marker id="tip" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="4" markerHeight="4" orient="auto"><path d="M0 0 L10 5 L0 10 z"/></marker>
  <pattern id="dots" width="8" height="8" patternUnits="userSpaceOnUse"><circle cx="4" cy="4" r="1" fill="#333"/></pattern>
  <symbol id="house" viewBox="0 0 10 10"><polygon points="0,5 5,0 10,5 10,10 0,10"/></symbol>
 </defs>
 <g clip-path="url(#frame)" transform="translate(0 0)" style="opacity: 0.9">
  <rect width="96" height="96" fill="url(#sky)"/><rect width="96" height="20" fill="url( '#dots' )"/>
  <use href="#house" x="10" y="50" width="30" height="30"/><use xlink:href="#house" x="50" y="50" width="30" height="30"/>
  <ellipse class="sun" cx="70" cy="20" rx="10" ry="9"/><line x1="5" y1="90" x2="90" y2="90" stroke="#000" marker-end="url(#tip)"/>
  <polyline points="5,5 10,10" fill="none" stroke-width="2"/>
  <text x="48" y="88" xml:space="preserve" font-size="12" text-anchor="middle">eks<tspan dx="1">empel</tspan></text>
 </g>
</svg>"""


def test_plain_drawing_passes_the_svg_allow_list():
    from manualkit.core.assets import image_kind
    from manualkit.core.svg import svg_problem

    data = ('<?xml version="1.0" encoding="utf-8"?>\n<!-- made by hand -->\n' + SVG_DRAWING).encode("utf-8")
    assert image_kind(data) == "svg" and svg_problem(data) is None


@pytest.mark.parametrize("inside,named", [
    ("<script>alert(1)</script>", "the element <script>"),
    ('<foreignObject width="9" height="9"><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>',
     "the element <foreignObject>"),
    ('<rect width="5" height="5" onload="alert(1)"/>', "the event attribute onload"),
    ('<a href="javascript:alert(1)"><rect width="5" height="5"/></a>', "the element <a>"),
    ('<iframe src="https://evil.example/"/>', "the element <iframe>"),
    ('<rect width="5" height="5"><animate attributeName="href" to="javascript:alert(1)"/></rect>', "the element <animate>"),
    ('<rect width="5" height="5"><set attributeName="fill" to="red"/></rect>', "the element <set>"),
    ('<image xlink:href="data:image/png;base64,iVBORw0KGgo="/>', "the element <image>"),
    ("<style>rect{fill: url(https://evil.example/x.png)}</style>", "a style sheet with url(https://evil.example/x.png"),
    ("<style>@import 'https://evil.example/x.css';</style>", "a style sheet with @import"),
    (r"<style>rect{fill: \75 rl(https://evil.example/x)}</style>", "a style sheet with \\"),
    ('<rect width="5" height="5" style="fill: url(\'http://evil.example/x\')"/>',
     "the attribute style on <rect> with url('http://evil.example/x"),
    ('<rect width="5" height="5" fill="url(http://evil.example/x#g)"/>', "the attribute fill on <rect> with url(http"),
    ('<use xlink:href="https://evil.example/x.svg#a"/>', "a reference to 'https://evil.example/x.svg#a' outside the drawing"),
    ('<use href="#a" xml:base="https://evil.example/"/>', "the attribute xml:base on <use>"),
    ('<rect width="5" height="5" data-name="x"/>', "the attribute data-name on <rect>"),
    ('<x:widget xmlns:x="http://evil.example/ns"/>', "the element <widget (namespace 'http://evil.example/ns')>"),
    ('<rect xmlns:x="http://evil.example/ns" x:href="https://evil.example/"/>',
     "the attribute href (namespace 'http://evil.example/ns') on <rect>"),
    ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>', "the element <rdf:RDF> outside <metadata>"),
    ('<metadata><h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></metadata>',
     "the element <script (namespace 'http://www.w3.org/1999/xhtml')>"),
    ('<?xml-stylesheet href="https://evil.example/x.css"?>', "the processing instruction <?xml-stylesheet?>"),
])
def test_everything_else_in_an_svg_is_refused_with_the_thing_named(inside, named):
    from manualkit.core.svg import svg_problem

    said = svg_problem((_SVG_OPEN + inside + "</svg>").encode("utf-8"))
    assert said is not None and named in said, said


@pytest.mark.parametrize("data,named", [
    (b'<svg><rect width="5" height="5"/></svg>', 'an <svg> element without xmlns="http://www.w3.org/2000/svg"'),
    (b'<?xml-stylesheet href="https://evil.example/x.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
     "the processing instruction <?xml-stylesheet?>"),
    (b'<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg"/>', "a DOCTYPE or ENTITY declaration"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "text that cannot be read as XML"),
])
def test_an_svg_that_is_not_plain_xml_drawing_is_refused(data, named):
    from manualkit.core.svg import svg_problem

    said = svg_problem(data)
    assert said is not None and said.startswith(named), said


def test_the_svg_allow_list_is_data_in_one_place():
    """Every element has its attribute list; every drawing the toolkit ships uses only listed names."""
    from manualkit.core import svg

    assert set(svg.ATTRIBUTES) == svg.ELEMENTS | {"*"}
    assert not {"script", "foreignObject", "a", "image", "iframe", "animate", "set", "filter"} & svg.ELEMENTS
    assert not any(a.startswith("on") or a in ("href", "xlink:href") for a in svg.ATTRIBUTES["*"])


def test_a_hostile_logo_is_refused_and_never_copied_into_the_site(tmp_path):
    from manualkit.core.problems import BuildError

    root = hostile_tree(tmp_path / "m", body="Tekst.\n")
    (root / "adaptations/evil/assets").mkdir(parents=True)
    (root / "adaptations/evil/assets/logo.svg").write_bytes(SVG_SCRIPT)
    yml = root / "adaptations/evil/adaptation.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("status: example\n", "status: example\nbranding:\n  logo: assets/logo.svg\n"),
                   encoding="utf-8")
    got = [(p.code, p.path, p.line) for p in load_project(root, None).problems]
    assert ("E815", "adaptations/evil/adaptation.yml", 5) in got
    # with the checker bypassed the loader still keeps the logo out; the stage refuses it as well
    from dataclasses import replace

    from manualkit.outputs.site.stage import plan

    project = unchecked(load_project(root, ["base", "evil"]))
    assert "logo" not in project.adaptation("evil").branding
    variant = project.resolutions["evil"]
    assert "logo" not in variant.assets
    from manualkit.core.variant_files import read_asset

    logo = read_asset(root, "adaptations/evil/assets/logo.svg")
    assert logo.problem.startswith("the SVG contains") and logo.data == b""  # the load stage keeps no bytes of it
    with pytest.raises(BuildError):
        plan(replace(variant, assets={"logo": logo}), None)


def test_a_symbolic_link_out_of_the_repository_is_an_error_and_never_published(tmp_path):
    from manualkit.core.problems import BuildError

    root = hostile_tree(tmp_path / "m", body="![Vertsfil](images/host.png)\n")
    (root / "manual/basics/images/host.png").symlink_to("/etc/passwd")
    (root / "locales/other.yml").symlink_to("/etc/hostname")
    got = [(p.code, p.path) for p in load_project(root, None).problems]
    assert ("E804", "manual/basics/images/host.png") in got and ("E804", "locales/other.yml") in got
    assert ("E804", NB) in got  # and the image that uses it
    with pytest.raises(BuildError):
        _build(root)
    assert not (root / "build" / "base" / "site").exists()


def test_reserved_ids_are_refused_with_a_hint(tree):
    from conftest import MANUAL_YML

    yml = MANUAL_YML.replace("  - id: basics", "  - id: en").replace("      - intro\n", "      - intro\n      - about-this-version\n")
    problems = [p for p in load_project(tree({"manual/manual.yml": yml}), ["base"]).problems if p.code == "E309"]
    assert [(p.path, p.line) for p in problems] == [("manual/manual.yml", 7), ("manual/manual.yml", 11)]
    assert_problem(problems, code="E309", where="manual/manual.yml:7", says="'en' is reserved")
    assert "/en/ folder" in problems[0].message  # why: the site's folder for English
    assert_problem(problems, code="E309", where="manual/manual.yml:11", says="'about-this-version' is reserved",
                   hint="'about-this-version-text'")


# -- templates and YAML limits ---------------------------------------------------------------------


def test_templates_in_titles_summaries_and_adaptation_texts_are_checked(tmp_path):
    from conftest import INTRO_NB

    root = hostile_tree(tmp_path / "m", body="Tekst.\n")
    text = INTRO_NB.replace("title: Innledning", "title: 'Innledning {{ 7 * 7 }}'").replace(
        "status: draft\n", "status: draft\nsummary: 'Om {{ service.nowhere }}'\n")
    (root / NB).write_text(text, encoding="utf-8")
    yml = root / "adaptations/evil/adaptation.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("description: {nb: ", "description: {nb: '{{ municipality.nope }}', xx: "),
                   encoding="utf-8")
    got = [(p.code, p.path, p.line) for p in load_project(root, None).problems]
    assert ("E704", NB, 3) in got and ("E701", NB, 7) in got
    assert ("E701", "adaptations/evil/adaptation.yml", _line_of(root, "adaptations/evil/adaptation.yml", "description:")) in got


def test_template_logic_never_runs_even_when_the_check_is_skipped():
    from jinja2.exceptions import SecurityError

    from manualkit.core import variables as v

    for text in ("{{ range(10**9)|list }}", "{{ 9 ** 9 ** 9 }}", "{{ ''.__class__.__mro__ }}", "{% for i in range(9) %}x{% endfor %}"):
        assert v.render(text, {}) == text  # left as written: E704 tells the editor
    env = v.environment()
    with pytest.raises(SecurityError):
        env.from_string("{{ 9 ** 99 }}").render()
    with pytest.raises(SecurityError):
        env.from_string("{{ 'x' * 10 ** 13 }}").render()
    with pytest.raises(OverflowError):
        env.from_string("{{ range(100000)|list|length }}").render()
    assert v.render("{{ a.b }}", {"a": {"b": "ok"}}) == "ok"


def test_deeply_nested_template_is_a_problem_not_a_crash(tree):
    from conftest import INTRO_NB

    got = [(p.code, p.line) for p in load_project(tree({NB: INTRO_NB + "\n" + "{{ (" * 3000 + "\n"}), ["base"]).problems]
    assert ("E702", 8) in got  # the body starts on line 8


@pytest.mark.parametrize("where,text", [
    ("manual/manual.yml", "a: " + "[" * 40000 + "]" * 40000 + "\n"),
    ("manual/manual.yml", "{b: " * 40000 + "}" * 40000 + "\n"),
    (NB, "---\nid: intro\ntitle: " + "[" * 40000 + "\n---\n\nTekst.\n"),
    ("manual/manual.yml", "id: mini\n" + "# x\n" * 300_000),
])
def test_deep_or_huge_yaml_is_a_problem_not_a_crash(tmp_path, where, text):
    """In a child process: libyaml's C composer would overflow the C stack (SIGSEGV) on deep nesting."""
    import subprocess
    import sys

    from conftest import REPO

    root = clean_tree(tmp_path / "m")
    (root / where).write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "manualkit.cli", "check"], cwd=root, capture_output=True, text=True,
                          timeout=600, env={"PYTHONPATH": str(REPO / "tools"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 1, (done.returncode, done.stderr[-500:])
    assert_problem(done.stdout, code="E108", where=where, says="too large or nests too deeply")


# -- privacy ---------------------------------------------------------------------------------------

FNR = next(c for n in range(10000, 99999) if __import__("manualkit.core.privacy", fromlist=["x"]).fnr_is_valid(c := "010190" + str(n)))


@pytest.mark.parametrize("text,code", [
    ("Ring 41\u00a023\u00a045\u00a067 i dag.", "E807"),
    ("Ring 41\u202f23\u202f45\u202f67 i dag.", "E807"),
    ("Ring 41-23-45-67 i dag.", "E807"),
    ("Ring 412 34 567 i dag.", "E807"),
    ("Ring 4123 4567 i dag.", "E807"),
    ("Ring 9123\u00a04567 i dag.", "E807"),
    ("Ring +47 41 23 45 67 i dag.", "E807"),
    ("Ring 0047 41234567 i dag.", "E807"),
    ("Ring (+4741234567) i dag.", "E807"),
    ("Ring 41234567.", "E807"),
    (f"Nummer {FNR[:6]}\u00a0{FNR[6:]} her.", "E805"),
    (f"Nummer {FNR[:6]}-{FNR[6:]} her.", "E805"),
    (f"Nummer {FNR} her.", "E805"),
    ("Skriv til ola@kommunå.no i dag.", "E806"),
    ("Skriv til ola.nordmann@bærum.kommune.no.", "E806"),
])
def test_privacy_finds_what_people_write(text, code):
    from manualkit.core.privacy import find

    assert [c for c, _o, _v in find(text)] == [code]


@pytest.mark.parametrize("text", [
    "PMID 19293845", "PMID: 19293845", "ISBN 978-82-15-02123-4", "DOI 10.1186/s13063-021-05678-9",
    "https://doi.org/10.1186/s13063-021-05678-9", "Studien NCT04957394 gikk fra 2019 2020 til 2023.",
    "12.03.2024", "2019-2020", "1990–2024", "kapittel 3.2.1", "punkt 1, 2, 3, 4", "uke 12 13 14 15", "10 20 30 40",
    "sidene 22 23 24 25", "12 500 000 kroner", "org.nr. 974 760 673", "kl. 08-16", "Ring 110, 112 eller 113.",
    "Alarmtelefonen for barn og unge: 116 111.", "Legevakt: 116 117.", "Vold- og overgrepslinjen 116 006.",
    "Politiet: 02800.", "116\u00a0111", "versjon 1.2.3", "tabell 4 4", "n = 1234 5678 9012",
])
def test_privacy_leaves_public_facts_and_numbers_alone(text):
    from manualkit.core.privacy import find

    assert find(text) == []


def test_privacy_scans_every_text_field(tmp_path):
    from conftest import INTRO_NB

    root = hostile_tree(tmp_path / "m", body="Tekst.\n")
    (root / NB).write_text(INTRO_NB.replace("title: Innledning", "title: 'Ring 41 23 45 67'").replace(
        "status: draft\n", "status: draft\nsummary: 'Skriv til ola@example.no'\n"), encoding="utf-8")
    gl = root / "locales/glossary.yml"
    gl.write_text("terms:\n  - id: t\n    nb: {term: ord, definition: 'Ring 9123 4567'}\n    en: {term: word, definition: Call.}\n",
                  encoding="utf-8")
    yml = root / "adaptations/evil/adaptation.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("description: {nb: ", "description: {nb: 'Ring 412 34 567', xx: "),
                   encoding="utf-8")
    got = [(p.code, p.path, p.line) for p in load_project(root, None).problems]
    assert ("E807", NB, 3) in got and ("E806", NB, 7) in got
    assert ("E807", "locales/glossary.yml", 3) in got
    assert ("E807", "adaptations/evil/adaptation.yml", _line_of(root, "adaptations/evil/adaptation.yml", "description:")) in got


def test_interface_texts_in_locales_are_checked_like_titles(tree):
    root = tree()
    nb = root / "locales" / "nb.yml"
    lines = nb.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("draft:"))
    lines[index] = lines[index].split("draft:")[0] + "draft: \"Utkast <img src=x onerror=alert(1)> ring 41 23 45 67\""
    nb.write_text("\n".join(lines), encoding="utf-8")
    got = [(p.code, p.path, p.line) for p in load_project(root, ["base"]).problems]
    assert ("E801", "locales/nb.yml", index + 1) in got and ("E807", "locales/nb.yml", index + 1) in got


def test_a_fence_line_the_site_reads_as_text_is_checked_like_text():
    """'```<script>…' opens a code block for CommonMark but is a paragraph for Python-Markdown (the
    site): the checker scans such an opening line too (found by the hypothesis test above)."""
    from manualkit.core.body import parse_body

    for line, code in (("```<script>alert('x')</script>", "E801"),
                       ("```[a](https://example.org/){: onclick=\"alert(1)\" }", "E811"),
                       ("~~~ <img src=x onerror=alert(1)>", "E801")):
        _body, problems = parse_body(line + "\nx\n```\n", "manual/x/m.nb.md", 1)
        assert code in {p.code for p in problems}, line
    _body, problems = parse_body("```python\nprint(1)\n```\n", "manual/x/m.nb.md", 1)
    assert not problems


def test_the_checker_reads_a_reference_definition_where_the_site_s_renderer_does():
    """Python-Markdown takes '[r]: address' on any line of a paragraph as a reference definition
    (CommonMark does not): the checker uses the renderer's own pattern, so the two cannot disagree."""
    from markdown.blockprocessors import ReferenceProcessor

    from manualkit.core.body import parse_body
    from manualkit.core.markdown_scan import _LATE_REFERENCE

    assert _LATE_REFERENCE is ReferenceProcessor.RE
    for text in ("Se [skjemaet][r].\n[r]: javascript:alert(1)\n", "Se [skjemaet][r].\n[r]:\n   javascript:alert(1)\n"):
        html = MD.reset().convert(text)
        assert "javascript:" in html and "javascript:" not in clean(html)  # the renderer made it a link
        body, _ = parse_body(text, "manual/x/m.nb.md", 1)
        assert [(link.target, link.line) for link in body.links] == [("javascript:alert(1)", 2)], text
    # a line that only looks like one stays text, in the renderer and in the checker
    text = "Tekst.\n[Merk]: dette er viktig\n"
    assert "[Merk]: dette er viktig" in MD.reset().convert(text)
    assert parse_body(text, "manual/x/m.nb.md", 1)[0].links == ()

"""What a site visitor meets: search per language, clean search results, glossary marks, the
header on a phone, the language switcher keeping the section, and the preview showing problems.

The bilingual fixture (municipality `testby`) is built once with the real site renderer, with the
manual's real title (long enough to be cut off on a phone) and a glossary term used several times.
Browser tests run in Debian's Chromium and are skipped with the reason when it is missing.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, copy_locales
from manualkit.a11y.browser import FLAGS, INSTALL_HINT, find_chromium, missing_reason

NO_BROWSER = missing_reason()
needs_browser = pytest.mark.skipif(NO_BROWSER is not None,
                                   reason=f"browser tests skipped: {NO_BROWSER}; to run them, {INSTALL_HINT}")

ROLES_NB = """
## Familiepartner og hjelpetiltak {#roles}

En familiepartner følger familien tett. Hver familiepartner har få familier, og
familiepartner og familie avtaler besøkene sammen. Et hjelpetiltak kan komme i tillegg.
"""
ROLES_EN = """
## The family partner and the assistance measure {#roles}

A family partner follows the family closely. Every family partner has few families, and the
family partner and the family agree on the visits together. An assistance measure can come on top.
"""


def make_tree(dest: Path) -> Path:
    shutil.copytree(FIXTURES / "bilingual", dest)
    copy_locales(dest)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    manual = dest / "manual/manual.yml"
    manual.write_text(manual.read_text(encoding="utf-8").replace(
        "title: {nb: Testmanual, en: Test manual}", "title: {nb: Familiepartner – manual, en: Family Partner – manual}"),
        encoding="utf-8")
    for lang, text in (("nb", ROLES_NB), ("en", ROLES_EN)):
        path = dest / f"manual/basics/welcome.{lang}.md"
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    from manualkit.core.project import load_project
    from manualkit.outputs.site.build import build_site

    root = make_tree(tmp_path_factory.mktemp("visitor") / "bilingual")
    project = load_project(root, ["base", "testby"])
    assert not [p for p in project.problems if p.is_error], project.problems
    build_site(project.resolutions["testby"], root / "build" / "testby" / "site")
    return root


@pytest.fixture(scope="module")
def site(root) -> Path:
    return root / "build" / "testby" / "site"


def search_docs(site: Path, lang_root: str = "") -> list[dict]:
    index = site / lang_root / "search/search_index.json"
    return json.loads(index.read_text(encoding="utf-8"))["docs"] if index.is_file() else []


# ---- search results start with the page's own words ---------------------------------------------

def test_search_index_leaves_out_banners_badges_and_facts(site):
    nb = {d["location"]: d["text"] for d in search_docs(site)}
    # welcome is a draft: its banner and facts are on the page, not in its search entry
    assert nb["basics/welcome.html"].startswith("<p>Hva testmanualen handler om.</p>")
    every = " ".join(d["text"] for d in search_docs(site) + search_docs(site, "en"))
    for words in ("Utkast: Denne teksten er et forslag", "Draft: this text is a proposal from", "Komponent:",
                  "Component:", "Kjernekomponent – denne delen", "Core component – deliver", "Lokalt tilpasset", "Adapted locally",
                  "Denne siden er tilpasset lokalt", "Tilpasset for Testby kommune", "Nedlastinger:"):
        assert words not in every, words
    modules = " ".join(d["text"] for d in search_docs(site) + search_docs(site, "en") if "index.html" not in d["location"])
    assert "Kjernekomponent" not in modules and "Core component" not in modules  # the badges
    # the words of the page are still found
    assert "Sikkerhetsplanen lages sammen med foreldrene" in nb["basics/safety.html#plan"]
    assert "I Testby skrives notatet i fagsystemet" in nb["basics/safety.html#records"]


def test_banners_and_badges_are_still_on_the_page(site):
    page = (site / "basics/welcome.html").read_text(encoding="utf-8")
    assert "Utkast: Denne teksten er et forslag fra samutviklingsgruppen" in page
    assert "data-search-exclude" not in page  # a marker for the index only; the theme removes it


# ---- glossary terms: marked once, never in headings ---------------------------------------------

def _article(path: Path) -> str:
    page = path.read_text(encoding="utf-8")
    return page.split("<article", 1)[1].split("</article>", 1)[0]


@pytest.mark.parametrize("page, term, definition", [
    ("basics/welcome.html", "familiepartner", "Den som gir tett oppfølging i tiltaket."),
    ("en/basics/welcome.html", "family partner", "The person who gives intensive follow-up in the intervention."),
])
def test_glossary_term_marked_at_its_first_use_in_the_text_only(site, page, term, definition):
    import re

    article = _article(site / page)
    marks = re.findall(r'<abbr title="([^"]*)">([^<]*)</abbr>', article)
    assert [text for title, text in marks if title == definition] == [term]  # once, lower case: in the text
    heading = re.search(r'<h2 id="roles">(.*?)</h2>', article, re.S).group(1)
    assert "<abbr" not in heading and ("Familiepartner" in heading or "family partner" in heading)
    # the first use in running text carries the mark; the later ones are plain words
    roles = article.split('<h2 id="roles">', 1)[1].split("</h2>", 1)[1]
    first = roles.index(f'<abbr title="{definition}">{term}</abbr>')
    assert roles.count(term) >= 3 and roles.find(term) == first + len(f'<abbr title="{definition}">')


# ---- in the browser -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(site):
    """A headless Chromium and the site served on 127.0.0.1: yields (browser, base url)."""
    from playwright.sync_api import sync_playwright

    from manualkit.a11y.server import serve_site

    with serve_site(site, "/") as url, sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=find_chromium(), headless=True, args=FLAGS)
        try:
            yield chromium, url
        finally:
            chromium.close()


def open_page(browser, path: str, width: int = 1280, height: int = 900):
    chromium, url = browser
    page = chromium.new_page(viewport={"width": width, "height": height})
    page.goto(url + path)
    page.wait_for_load_state("load")
    return page


@needs_browser
@pytest.mark.parametrize("start, lang, expected", [
    ("basics/safety.html#records", "en", "en/basics/safety.html#records"),
    ("en/basics/welcome.html#further", "nb", "basics/welcome.html#further"),
])
def test_language_switcher_keeps_the_section(browser, start, lang, expected):
    page = open_page(browser, start)
    try:
        page.hover(".md-header__option .md-select")
        page.click(f"a.md-select__link[hreflang={lang}]")
        page.wait_for_load_state("load")
        assert page.url == browser[1] + expected
        assert page.evaluate("document.documentElement.lang") == lang
    finally:
        page.close()


@needs_browser
def test_language_switcher_follows_the_section_the_reader_moved_to(browser):
    page = open_page(browser, "basics/welcome.html")
    try:
        page.click('.md-sidebar--secondary a[href="#further"]')  # the table of contents
        page.hover(".md-header__option .md-select")
        page.click("a.md-select__link[hreflang=en]")
        page.wait_for_load_state("load")
        assert page.url == browser[1] + "en/basics/welcome.html#further"
    finally:
        page.close()


def search(page, query: str) -> list[str]:
    """Type ``query`` into the site's search box, key by key as a reader does; the addresses of all
    results (the nested ones too). The index loads in a web worker: a query typed before it is
    ready shows nothing, so it is typed again (as a11y/states.py does)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    field = page.locator("input.md-search__input")
    field.click()
    for _ in range(5):
        field.fill("")
        field.press_sequentially(query, delay=20)
        try:
            page.wait_for_function("() => /\\d|No matching|Ingen treff/.test("
                                   "document.querySelector('.md-search-result__meta').textContent)", timeout=4000)
            break
        except PlaywrightTimeout:
            continue
    return page.eval_on_selector_all("a.md-search-result__link", "links => links.map(a => a.href)")


@needs_browser
@pytest.mark.parametrize("query", ["safety plan", "Testby", "family partner"])
def test_search_on_the_english_site_finds_english_pages_only(browser, query):
    page = open_page(browser, "en/")
    try:
        found = search(page, query)
        assert found, f"no result for {query!r}"
        assert [url for url in found if not url.startswith(browser[1] + "en/")] == []
        for url in found:  # every result opens an English page that exists
            assert page.request.get(url.split("#")[0].split("?")[0]).ok, url
    finally:
        page.close()


@needs_browser
@pytest.mark.parametrize("query", ["sikkerhetsplan", "Testby", "familiepartner"])
def test_search_on_the_norwegian_site_finds_norwegian_pages_only(browser, query):
    page = open_page(browser, "")
    try:
        found = search(page, query)
        assert found, f"no result for {query!r}"
        assert [url for url in found if url.startswith(browser[1] + "en/")] == []
    finally:
        page.close()


@needs_browser
def test_a_word_only_the_other_language_uses_finds_nothing(browser):
    page = open_page(browser, "en/basics/safety.html")
    try:
        assert search(page, "fagsystemet") == []
        assert "No matching documents" in page.inner_text(".md-search-result__meta")
    finally:
        page.close()


def test_each_language_has_its_own_search_index(site):
    nb, en = search_docs(site), search_docs(site, "en")
    assert nb and en
    assert not [d["location"] for d in nb if d["location"].startswith("en/")]
    assert {"basics/safety.html#records", "index.html"} <= {d["location"] for d in en}
    assert "records system" in {d["location"]: d["text"] for d in en}["basics/safety.html#records"]
    for lang, lunr in (("", ["no"]), ("en", ["en"])):
        index = json.loads((site / lang / "search/search_index.json").read_text(encoding="utf-8"))
        assert index["config"]["lang"] == lunr
        # the copy the offline plugin loads from file://
        assert (site / lang / "search/search_index.js").read_text(encoding="utf-8").startswith("var __index = ")


# ---- the header on a phone ----------------------------------------------------------------------

_NAME_SHOWN = """() => {
  const name = document.querySelector('.md-header__topic:first-child .md-ellipsis');
  const box = name.getBoundingClientRect();
  return {text: name.textContent.trim(), cut: name.scrollWidth > name.clientWidth || name.scrollHeight > name.clientHeight,
          left: box.left, right: box.right, top: box.top, bottom: box.bottom, visible: name.checkVisibility()};
}"""


@needs_browser
@pytest.mark.parametrize("path, name", [("basics/safety.html", "Familiepartner – manual · Testby kommune"),
                                        ("en/basics/safety.html", "Family Partner – manual · Testby municipality")])
def test_phone_header_shows_the_municipality_name_and_logo(browser, tmp_path, path, name):
    page = open_page(browser, path, width=390, height=844)
    try:
        page.screenshot(path=str(tmp_path / "header-390.png"), clip={"x": 0, "y": 0, "width": 390, "height": 48})
        shown = page.evaluate(_NAME_SHOWN)
        assert shown["text"] == name
        assert shown["visible"] and not shown["cut"], shown  # the whole name, not "Familiepartner – man…"
        assert 0 <= shown["left"] and shown["right"] <= 390 and 0 <= shown["top"] and shown["bottom"] <= 48
        logo = page.locator(".md-header__button.md-logo img")
        assert logo.is_visible()
        box = logo.bounding_box()
        assert box["width"] >= 16 and 0 <= box["x"] and box["x"] + box["width"] <= 390 and box["y"] + box["height"] <= 48
        assert logo.get_attribute("alt")  # the theme names the logo for screen readers
        # further down the page the theme shows the page title instead of the name; the logo stays
        page.mouse.wheel(0, 600)
        page.wait_for_function("() => window.scrollY > 0")
        assert logo.is_visible()
    finally:
        page.close()


# ---- manual serve: the problems on the page -----------------------------------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def serving(tmp_path):
    """`manual serve`'s preview and server for the fixture manual: yields (root, preview, url)."""
    import io
    import threading
    import time

    from manualkit.cli.serve import Preview, preview_server

    root = make_tree(tmp_path / "m")
    preview = Preview(root, "base", io.StringIO())
    assert preview.rebuild() is True
    port = _free_port()
    server = preview_server(preview, port)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    while not server.serve_thread.is_alive() and thread.is_alive():  # serve() listens, then starts it
        time.sleep(0.01)
    try:
        yield root, preview, f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        thread.join()


def _get(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read().decode("utf-8")


def _notice(page: str) -> str | None:
    """The text of the preview's problems notice, as a reader sees it (tags removed), or None."""
    import html
    import re

    m = re.search(r'<div id="manualkit-preview-problems"[^>]*>(.*?)</div>', page, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", m.group(1))).split()) if m else None


def _break_safety(root: Path) -> None:
    safety = root / "manual/basics/safety.nb.md"
    safety.write_text(safety.read_text(encoding="utf-8").replace("{#records}", "{#records"), encoding="utf-8")


def test_served_page_shows_the_problems_of_a_broken_module_until_it_is_fixed(serving):
    root, preview, url = serving
    # a good build with warnings (the English welcome page is stale here): a folded notice of them
    before = _get(url + "basics/safety.html")
    assert _notice(before).startswith("Advarsler (warnings) from the last build manual/basics/welcome.en.md:")
    assert '<details open>' not in before.split('id="manualkit-preview-problems"', 1)[1][:400]
    good = (root / "manual/basics/safety.nb.md").read_text(encoding="utf-8")
    _break_safety(root)
    assert preview.rebuild() is False
    terminal = preview.out.getvalue()
    for path in ("basics/safety.html", "en/index.html"):
        page = _get(url + path)
        notice = _notice(page)
        assert notice is not None, path
        assert notice.startswith("Forhåndsvisningen er ikke oppdatert: manualen har feil. The preview was not rebuilt: "
                                 "fix the problems below. This page shows the last good version.")
        error = next(line for line in terminal.splitlines() if line.startswith("manual/basics/safety.nb.md:"))
        assert "error[" in error and " ".join(error.split()) in notice  # the same words as in the terminal
        assert "not rebuilt: fix the errors above" in notice
        assert page.index('id="manualkit-preview-problems"') < page.index('<header')  # the top of the page
    assert "Dokumentasjon" in _get(url + "basics/safety.html")  # still the last good version under it
    (root / "manual/basics/safety.nb.md").write_text(good, encoding="utf-8")
    assert preview.rebuild() is True
    assert _notice(_get(url + "basics/safety.html")).startswith("Advarsler (warnings)")


def test_the_built_site_never_holds_the_notice(serving):
    root, preview, url = serving
    _break_safety(root)
    preview.rebuild()
    assert "manualkit-preview-problems" in _get(url + "basics/safety.html")
    assert not [p for p in preview.site.rglob("*.html") if "manualkit-preview-problems" in p.read_text(encoding="utf-8")]


@needs_browser
def test_browser_shows_the_problems_at_the_top_of_the_preview(serving, browser, tmp_path):
    root, preview, url = serving
    _break_safety(root)
    preview.rebuild()
    page = browser[0].new_page(viewport={"width": 1280, "height": 900})
    # the live-reload script is not what this test is about: a page it reloaded again and again
    # while the test read it once hung a full run, so its long polls are refused here
    page.route("**/livereload/**", lambda route: route.abort())
    try:
        page.goto(url + "basics/safety.html")
        notice = page.locator("#manualkit-preview-problems")
        box, text = None, ""
        for _ in range(5):  # the live-reload script may reload the page while it is being read
            notice.wait_for(state="visible", timeout=15000)
            box, text = notice.bounding_box(), notice.inner_text()
            if box is not None:
                break
            page.wait_for_load_state()
        assert box is not None and box["y"] == 0
        assert "manual/basics/safety.nb.md:" in text
        page.screenshot(path=str(tmp_path / "serve-problems.png"))
    finally:
        # not waiting for the page to be gone: a page whose live-reload script is reloading it
        # once never finished closing (a full run hung here); the browser goes with its fixture
        page.close(run_before_unload=True)

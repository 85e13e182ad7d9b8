"""The web editor in a real browser: Decap CMS (from npm) with its local backend, on a copy of the manual.

Needs Debian's Chromium (as the accessibility tests) and the editor's npm packages (`make editor`,
which `make test` runs when node and npm are there); without them these tests are skipped with
the reason. Screenshots go to $MANUALKIT_SCREENSHOTS when it is set (docs/img/ for docs/editing.md):
    MANUALKIT_SCREENSHOTS=docs/img .venv/bin/python -m pytest tests/test_editor_browser.py
"""
from __future__ import annotations

import re

import asyncio
import os
import shutil
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import assert_problem, copy_repository, REPO, run_cli
from manualkit.a11y.browser import FLAGS, INSTALL_HINT, find_chromium, missing_reason
from manualkit.cli import editor

NO_BROWSER = missing_reason()
NO_EDITOR = editor.missing_reason(serve=True)
pytestmark = [
    pytest.mark.skipif(NO_BROWSER is not None, reason=f"browser tests skipped: {NO_BROWSER}; to run them, {INSTALL_HINT}"),
    pytest.mark.skipif(NO_EDITOR is not None, reason=f"editor tests skipped: {NO_EDITOR}; {editor.INSTALL_HINT}"),
]

# place the caret over a text in the index-th Markdown editor (0: the source language, 1: the translation)
SELECT_TEXT = """([index, text]) => {
  const editors = document.querySelectorAll('[data-slate-editor="true"]');
  const ed = editors[index];
  const walker = document.createTreeWalker(ed, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.data.indexOf(text);
    if (at >= 0) {
      ed.focus();
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + text.length);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      return true;
    }
  }
  return false;
}"""


# Decap's own toolbar above each Markdown editor (its buttons do nothing in the raw mode): how many
# buttons it has and whether any of it shows
DECAP_TOOLBARS = """() => Array.from(document.querySelectorAll('[data-slate-editor="true"]')).map((ed) => {
  const bar = ed.previousElementSibling;
  return bar ? {buttons: bar.querySelectorAll('button').length, shown: bar.getClientRects().length > 0} : null;
})"""


# place the caret at the end of the source line that holds a text, in the index-th Markdown editor
CARET_AFTER_LINE = SELECT_TEXT.replace("range.setStart(node, at);\n      range.setEnd(node, at + text.length);",
                                       "range.setStart(node, node.data.length);\n      range.collapse(true);")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def manual_copy(tmp_path: Path) -> Path:
    root = tmp_path / "manual-repo"
    root.mkdir()
    copy_repository(root)
    return root


def _shot(page_bytes: bytes, name: str) -> None:
    folder = os.environ.get("MANUALKIT_SCREENSHOTS")
    if folder:
        path = Path(folder) if Path(folder).is_absolute() else REPO / folder
        path.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(page_bytes)


def _wait_for(predicate, what: str, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {seconds:.0f} s")


async def _open_editor(p, url: str, outside: list[str]):
    browser = await p.chromium.launch(executable_path=find_chromium(), args=FLAGS)
    page = await browser.new_page(viewport={"width": 1400, "height": 1000}, locale="nb-NO")
    page.set_default_timeout(120_000)  # a busy machine loads Decap's 6 MB of script slowly; no speed is asserted

    def record(request) -> None:
        if urlsplit(request.url).hostname not in ("127.0.0.1", None):
            outside.append(request.url)

    page.on("request", record)
    await page.goto(url)
    await page.get_by_role("button", name="Logg inn").click()
    await page.get_by_text("Grunnlag").first.wait_for()
    return browser, page


async def _publish(page) -> None:
    await page.get_by_role("button", name="Publiser").first.click()
    await page.get_by_role("menuitem", name="Publiser nå").click()


def _run(coro):
    return asyncio.run(coro)


def test_edit_a_sentence_in_both_languages_changes_only_those_lines(manual_copy):
    root = manual_copy
    nb = root / "manual/home-visits/safety-planning.nb.md"
    en = root / "manual/home-visits/safety-planning.en.md"
    before_nb, before_en = nb.read_text(encoding="utf-8"), en.read_text(encoding="utf-8")
    outside: list[str] = []
    log = open(os.devnull, "w")

    async def session(url: str) -> dict:
        from playwright.async_api import async_playwright

        seen: dict = {}
        async with async_playwright() as p:
            browser, page = await _open_editor(p, url, outside)
            _shot(await page.screenshot(), "editor-collections.png")
            await page.get_by_text("Hjemmebesøk og tett oppfølging").first.click()
            await page.get_by_text("Sikkerhetsplan").first.click()
            await page.locator('[data-slate-editor="true"]').nth(1).wait_for()
            _shot(await page.screenshot(), "editor-module.png")
            assert await page.evaluate(SELECT_TEXT, [0, "konkret avtale"])
            await page.keyboard.type("tydelig avtale")
            assert await page.evaluate(SELECT_TEXT, [1, "concrete agreement"])
            await page.keyboard.type("specific agreement")
            # the preview shows the text with the site's stylesheet: draft banner and core badge
            await page.get_by_role("button", name="Toggle i18n").click()
            await page.get_by_role("button", name="Toggle preview").click()
            frame = page.frame_locator("iframe").first
            await frame.locator("article.md-typeset").wait_for()
            seen["preview"] = await frame.locator("article.md-typeset").inner_text()
            seen["styles"] = await frame.locator("link[rel=stylesheet]").evaluate_all("ls => ls.map(l => l.href)")
            _shot(await page.screenshot(), "editor-preview.png")
            await _publish(page)
            _wait_for(lambda: "tydelig avtale" in nb.read_text(encoding="utf-8")
                      and "specific agreement" in en.read_text(encoding="utf-8")
                      and "  - family-partners" not in nb.read_text(encoding="utf-8"), "saving and formatting")
            await page.get_by_text("Endringer lagret").first.wait_for()
            _shot(await page.screenshot(), "editor-saved.png")
            await browser.close()
        return seen

    port = _free_port()
    with editor.EditorServer(root, root / "build/base/editor", port, _free_port(), log=log):
        seen = _run(session(f"http://127.0.0.1:{port}/admin/"))
    log.close()

    def changed(old: str, new: str) -> list[tuple[str, str]]:
        a, b = old.split("\n"), new.split("\n")
        assert len(a) == len(b)
        return [(x, y) for x, y in zip(a, b) if x != y]

    assert changed(before_nb, nb.read_text(encoding="utf-8")) == [(
        "En sikkerhetsplan er en skriftlig, konkret avtale om hva familien gjør for at barnet skal være",
        "En sikkerhetsplan er en skriftlig, tydelig avtale om hva familien gjør for at barnet skal være")]
    assert changed(before_en, en.read_text(encoding="utf-8")) == [(
        "A safety plan is a written, concrete agreement on what the family does to keep the child safe",
        "A safety plan is a written, specific agreement on what the family does to keep the child safe")]
    # the translation's bookkeeping is untouched, so the checker can tell the translation is now behind
    bookkeeping = re.search(r"translation:\n  from: nb\n  source_hash: [0-9a-f]{12}\n", before_en).group(0)
    assert bookkeeping in en.read_text(encoding="utf-8")  # the translation's bookkeeping is untouched
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0, out
    assert_problem(out, code="W503", where="manual/home-visits/safety-planning.en.md:7:16", says="out of date",
                   hint="manual translations mark safety-planning en")
    assert "Utkast: Denne teksten er et forslag fra samutviklingsgruppen og er ennå ikke godkjent." in seen["preview"]
    assert "Kjernekomponent" in seen["preview"] and "tydelig avtale" in seen["preview"]
    assert any(s.endswith("/admin/manual.css") for s in seen["styles"])
    assert outside == []  # everything came from this machine: no CDN


def test_a_module_made_in_the_editor_is_listed_and_checks_clean(manual_copy):
    root = manual_copy
    outside: list[str] = []
    log_path = root / "editor.log"

    async def session(url: str) -> None:
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            browser, page = await _open_editor(p, url, outside)
            await page.goto(url + "#/collections/part-coordination/new")
            await page.locator('input[id^="id-field-"]').first.fill("local-meeting-places")
            titles = page.locator('input[id^="title-field-"]')
            await titles.nth(0).fill("Lokale møtesteder")
            await titles.nth(1).fill("Local meeting places")
            # the type dropdown shows the Norwegian label of its default, chapter (saved as chapter, below)
            await page.get_by_text("Kapittel", exact=True).first.wait_for(state="visible", timeout=15000)
            _shot(await page.screenshot(), "editor-new-module.png")
            editors = page.locator('[data-slate-editor="true"]')
            await editors.nth(0).click()
            await page.keyboard.type("Her skriver kommunen hvor familiene kan møtes.")
            await editors.nth(1).click()
            await page.keyboard.type("Here the municipality writes where families can meet.")
            await _publish(page)
            _wait_for(lambda: "local-meeting-places" in (root / "manual/manual.yml").read_text(encoding="utf-8"),
                      "listing the new module in manual.yml")
            await browser.close()

    port = _free_port()
    with open(log_path, "w", encoding="utf-8") as log:
        with editor.EditorServer(root, root / "build/base/editor", port, _free_port(), log=log):
            _run(session(f"http://127.0.0.1:{port}/admin/"))
    nb = (root / "manual/coordination/local-meeting-places.nb.md").read_text(encoding="utf-8")
    en = (root / "manual/coordination/local-meeting-places.en.md").read_text(encoding="utf-8")
    assert nb == ("---\nid: local-meeting-places\ntitle: Lokale møtesteder\ntype: chapter\ncomponent: general\ncore: false\n"
                  "status: draft\n---\n\nHer skriver kommunen hvor familiene kan møtes.\n")
    assert en == ("---\nid: local-meeting-places\ntitle: Local meeting places\ntranslation:\n  from: nb\n---\n\n"
                  "Here the municipality writes where families can meet.\n")
    yml = (root / "manual/manual.yml").read_text(encoding="utf-8")
    assert "      - cooperation-partners\n      - local-meeting-places\n" in yml
    assert ("manual/coordination/local-meeting-places.nb.md: listed 'local-meeting-places' at the end of part "
            "'coordination' in manual/manual.yml") in log_path.read_text(encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0, out
    assert outside == []


def test_saving_a_municipality_keeps_its_data_and_checks_clean(manual_copy):
    """adaptation.yml is written anew by Decap (comments and layout go), but its data stays, variables too."""
    import yaml

    root = manual_copy
    path = root / "adaptations/lillehammer/adaptation.yml"
    before = yaml.safe_load(path.read_text(encoding="utf-8"))
    outside: list[str] = []

    async def session(url: str) -> None:
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            browser, page = await _open_editor(p, url, outside)
            await page.goto(url + "#/collections/municipality-lillehammer/entries/adaptation")
            name = page.locator('input[id^="nb-field-"]').first
            await name.fill("Lillehammer kommune (utkast)")
            await _publish(page)
            _wait_for(lambda: "(utkast)" in path.read_text(encoding="utf-8"), "saving adaptation.yml")
            await browser.close()

    port = _free_port()
    with editor.EditorServer(root, root / "build/base/editor", port, _free_port(), log=open(os.devnull, "w")):
        _run(session(f"http://127.0.0.1:{port}/admin/"))
    after = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert after["name"] == {**before["name"], "nb": "Lillehammer kommune (utkast)"}
    assert {k: v for k, v in after.items() if k != "name"} == {k: v for k, v in before.items() if k != "name"}
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0, out
    assert outside == []


def test_a_save_the_checker_refuses_shows_its_message_and_keeps_what_was_typed(manual_copy):
    """An unclosed variable: Decap shows the checker's message; the file stays; the typed text stays in the form."""
    root = manual_copy
    nb = root / "manual/home-visits/safety-planning.nb.md"
    before = nb.read_text(encoding="utf-8")
    outside: list[str] = []
    seen: dict = {}

    async def session(url: str) -> None:
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            browser, page = await _open_editor(p, url, outside)
            await page.get_by_text("Hjemmebesøk og tett oppfølging").first.click()
            await page.get_by_text("Sikkerhetsplan").first.click()
            await page.locator('[data-slate-editor="true"]').nth(1).wait_for()
            assert await page.evaluate(SELECT_TEXT, [0, "konkret avtale"])
            await page.keyboard.type("tydelig avtale (ring {{ service.child_welfare )")  # the variable is not closed
            seen["typed"] = await page.locator('[data-slate-editor="true"]').first.inner_text()
            await _publish(page)
            toast = page.get_by_text("Ikke lagret: manual check fant").first
            await toast.wait_for()
            seen["toast"] = await toast.inner_text()
            _shot(await page.screenshot(), "editor-save-refused.png")
            seen["after"] = await page.locator('[data-slate-editor="true"]').first.inner_text()
            await browser.close()

    port = _free_port()
    with editor.EditorServer(root, root / "build/base/editor", port, _free_port(), log=open(os.devnull, "w")):
        _run(session(f"http://127.0.0.1:{port}/admin/"))
    assert nb.read_text(encoding="utf-8") == before  # nothing written
    assert "Det du har skrevet, er ikke borte" in seen["toast"]
    assert "error[" in seen["toast"] and "tips (hint):" in seen["toast"]
    line = next(i for i, ln in enumerate(before.split("\n"), 1) if "konkret avtale" in ln)  # where it was typed
    assert_problem(seen["toast"], code="E702", where=f"manual/home-visits/safety-planning.nb.md:{line}", says="variable syntax")
    assert "tydelig avtale (ring {{ service.child_welfare )" in seen["after"] and seen["after"] == seen["typed"]
    assert outside == []


def _png(path: Path) -> Path:
    """A small real PNG (the checker reads images by their content)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes([40, 90, 160]) * 24 for _ in range(16))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 24, 16, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


def test_an_image_inserted_with_the_toolbar_is_saved_beside_the_module_and_checks_clean(manual_copy, tmp_path):
    """The image button: upload, the path as it works from the module (images/x.png), check clean, site shows it."""
    root = manual_copy
    nb = root / "manual/home-visits/safety-planning.nb.md"
    before = nb.read_text(encoding="utf-8")
    picture = _png(tmp_path / "trygg-plan.png")
    outside: list[str] = []
    seen: dict = {}

    async def session(url: str) -> None:
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            browser, page = await _open_editor(p, url, outside)
            page.on("dialog", lambda d: asyncio.ensure_future(d.accept("Tegning av en sikkerhetsplan")))
            await page.get_by_text("Hjemmebesøk og tett oppfølging").first.click()
            await page.get_by_text("Sikkerhetsplan").first.click()
            await page.locator('[data-slate-editor="true"]').nth(1).wait_for()
            # the caret after the first paragraph, then a new line: the image becomes a paragraph of its own
            assert await page.evaluate(CARET_AFTER_LINE, [0, "tydelige i hverdagen."])
            await page.keyboard.press("Enter")
            button = page.get_by_role("button", name="Sett inn bilde").first
            seen["enabled"] = await button.is_enabled()
            seen["button shown"] = await button.is_visible()
            seen["decap toolbars"] = await page.evaluate(DECAP_TOOLBARS)
            await button.click()
            await page.locator('input[type="file"]').first.set_input_files(str(picture))
            await page.get_by_text("trygg-plan.png").first.wait_for()
            _shot(await page.screenshot(), "editor-image-library.png")
            await page.get_by_role("button", name="Velg markert").click()
            await page.get_by_role("button", name="Velg markert").wait_for(state="hidden")
            await page.get_by_text("![Tegning av en sikkerhetsplan](images/trygg-plan.png)").first.wait_for()
            _shot(await page.screenshot(), "editor-image-inserted.png")
            await _publish(page)
            _wait_for(lambda: "images/trygg-plan.png" in nb.read_text(encoding="utf-8"), "saving the module")
            await page.get_by_text("Endringer lagret").first.wait_for()
            await browser.close()

    port = _free_port()
    with editor.EditorServer(root, root / "build/base/editor", port, _free_port(), log=open(os.devnull, "w")):
        _run(session(f"http://127.0.0.1:{port}/admin/"))
    assert seen["enabled"] and seen["button shown"]
    # only working controls: Decap's grey toolbar (there, with its buttons) is hidden in both languages' editors
    assert len(seen["decap toolbars"]) == 2, seen
    assert all(bar is not None and bar["buttons"] > 0 and not bar["shown"] for bar in seen["decap toolbars"]), seen
    saved = root / "manual/home-visits/images/trygg-plan.png"
    assert saved.read_bytes() == picture.read_bytes()  # beside the module, not in manual/images/
    text = nb.read_text(encoding="utf-8")
    a, b = before.split("\n"), text.split("\n")
    at = next(i for i, line in enumerate(a) if line.endswith("tydelige i hverdagen."))
    assert b[:at + 1] == a[:at + 1] and b[at + 3:] == a[at + 1:] and a[at + 1] == ""  # two lines more, nothing else
    assert b[at + 1:at + 3] == ["", "![Tegning av en sikkerhetsplan](images/trygg-plan.png)"]
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0, out
    # nothing at the saved file (the English translation is now behind it: W503 there, as after any edit)
    assert not [x for x in out.splitlines() if x.startswith("manual/home-visits/safety-planning.nb.md:")], out
    code, out, err = run_cli("--root", str(root), "build", "--variant", "base", "--only", "site")
    assert code == 0, out + err
    pages = list((root / "build").rglob("safety-planning/index.html")) or list((root / "build").rglob("safety-planning*.html"))
    assert pages, "no page for safety-planning"
    html = next(p for p in pages if "/en/" not in p.as_posix()).read_text(encoding="utf-8")
    img = re.search(r'<img[^>]*alt="Tegning av en sikkerhetsplan"[^>]*>', html)
    assert img, "the page has no such image"
    src = re.search(r'src="([^"]+)"', img.group(0)).group(1)
    assert (next(p for p in pages if "/en/" not in p.as_posix()).parent / src).resolve().is_file()
    assert outside == []

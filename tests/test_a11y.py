"""`manual a11y`: pages checked with axe-core in headless Chromium, PDFs checked with pikepdf, and the
accessibility statement made from the last run.

The browser tests need Debian's Chromium (/usr/bin/chromium); without it they are skipped with the
reason and the install command, and every other test here still runs.
"""
from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, copy_locales, run_cli
from manualkit.a11y.browser import INSTALL_HINT, missing_reason

A11Y = FIXTURES / "a11y"
NO_BROWSER = missing_reason()
needs_browser = pytest.mark.skipif(
    NO_BROWSER is not None,
    reason=f"browser tests skipped: {NO_BROWSER}; to run them, {INSTALL_HINT}")

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"><rect width="120" height="80" '
       'fill="#2b5673"/></svg>')


# ---- PDFs -------------------------------------------------------------------------------------

def make_pdf(folder: Path, name: str, *, alt: bool = True, standards: bool = True, lang: str = "nb",
             tagged: bool = True) -> Path:
    """A one-page Typst document with a figure, compiled like the print renderer does."""
    import typst

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "family.svg").write_text(SVG, encoding="utf-8")
    alt_arg = ', alt: "En familie rundt et bord"' if alt else ""
    source = folder / f"{name}.typ"
    source.write_text(f'#set document(title: "Foreldreark")\n#set text(lang: "{lang}")\n= Foreldreark\n'
                      f'Tekst med æøå.\n#figure(image("family.svg", width: 3cm{alt_arg}), caption: [Familien])\n',
                      encoding="utf-8")
    out = folder / f"{name}.pdf"
    typst.compile(str(source), output=str(out), root=str(folder), ignore_system_fonts=True,
                  pdf_standards=["a-2a", "ua-1"] if standards else [], pdf_tags=tagged, timestamp=0)
    source.unlink()
    (folder / "family.svg").unlink()
    return out


def test_pdf_made_to_pdf_ua_passes(tmp_path):
    from manualkit.a11y.pdf import check_pdf

    result = check_pdf(make_pdf(tmp_path, "good"), "nb")
    assert result.problems == []
    assert (result.title, result.lang) == ("Foreldreark", "nb")


def test_pdf_with_a_figure_without_alt_text_is_refused(tmp_path):
    from manualkit.a11y.pdf import check_pdf

    result = check_pdf(make_pdf(tmp_path, "no-alt", alt=False, standards=False), "nb")
    assert not result.ok
    assert result.problems == [
        'is not identified as PDF/UA-1 in its XMP metadata (pdfuaid:part = 1): compile it with Typst\'s '
        'pdf_standards ["a-2a", "ua-1"]',
        "is not identified as PDF/A-2a in its XMP metadata (found: none)",
        "does not show its title in the window title (/ViewerPreferences /DisplayDocTitle true)",
        "figure 1 on page 1 has no alt text: describe the image in the module (![what the picture shows](file.png)); "
        "only decoration may go without",
    ]


def test_pdf_claiming_pdf_ua_but_missing_an_alt_text_is_refused(tmp_path):
    """Typst refuses this while compiling; a PDF changed afterwards (or made by another tool) is caught here."""
    import pikepdf

    from manualkit.a11y.pdf import _struct_elems, check_pdf

    path = make_pdf(tmp_path, "good")
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for elem in _struct_elems(pdf.Root.StructTreeRoot.K, set()):
            if elem.get("/S") == "/Figure":
                del elem["/Alt"]
        pdf.save(path)
    assert check_pdf(path, "nb").problems == [
        "figure 1 on page 1 has no alt text: describe the image in the module (![what the picture shows](file.png)); "
        "only decoration may go without"]


def test_untagged_pdf_in_the_wrong_language_folder_is_refused(tmp_path):
    from manualkit.a11y.pdf import check_pdf

    problems = check_pdf(make_pdf(tmp_path, "plain", standards=False, tagged=False), "en").problems
    assert "not tagged: /MarkInfo /Marked is not true, so screen readers get no structure" in problems
    assert "says its language is 'nb' but it is the 'en' edition" in problems


def test_a_file_that_is_not_a_pdf_is_refused(tmp_path):
    from manualkit.a11y.pdf import check_pdf

    (tmp_path / "x.pdf").write_text("not a pdf", encoding="utf-8")
    [problem] = check_pdf(tmp_path / "x.pdf").problems
    assert problem.startswith("cannot be read as a PDF")


# ---- the local server -------------------------------------------------------------------------

def test_server_serves_under_the_site_url_path_and_answers_404_with_the_404_page(tmp_path):
    from manualkit.a11y.server import base_path, serve_site

    site = tmp_path / "site"
    (site / "en").mkdir(parents=True)
    (site / "index.html").write_text('<html lang="nb"><head><link rel="canonical" href="https://example.org/manual/">'
                                     "</head><body>Hjem</body></html>", encoding="utf-8")
    (site / "en" / "index.html").write_text('<html lang="en"><body>Home</body></html>', encoding="utf-8")
    (site / "404.html").write_text("<html><body>Fant ikke siden</body></html>", encoding="utf-8")
    assert base_path(site) == "/manual/"
    with serve_site(site, "/manual/") as url:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/manual/")
        assert "Hjem" in urllib.request.urlopen(url).read().decode()
        assert "Home" in urllib.request.urlopen(url + "en").read().decode()  # redirected to en/
        for missing in (url + "nowhere.html", url.replace("/manual/", "/index.html")):
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(missing)
            assert err.value.code == 404
            assert "Fant ikke siden" in err.value.read().decode()


# ---- the statement page -----------------------------------------------------------------------

RECORD = {
    "variant": "testby", "checked_at": "2026-11-20T09:15:00+00:00", "standard": "WCAG 2.1 AA", "passed": False,
    "tools": {"chromium": "156.0", "axe-core": "4.12.1", "pikepdf": "10.17.0"}, "pages": {"nb": 10, "en": 9},
    "states": [], "counts": {"critical": 0, "serious": 2, "moderate": 0, "minor": 0},
    "exceptions": [{"rule": "color-contrast", "impact": "serious", "help": "Elements must meet minimum color "
                    "contrast ratio thresholds", "pages": 2, "count": 2}],
    "pdfs": {"checked": 4, "failing": [{"path": "pdf/nb/handouts/x.pdf", "problems": ["a", "b"]}]}, "errors": [],
}


def test_statement_strings_have_the_same_keys_in_every_language():
    from manualkit.core.statement import _all_strings

    table = _all_strings()
    assert set(table) >= {"nb", "en"}

    def keys(node, prefix=""):
        return {prefix + k for k in node} | {x for k, v in node.items() if isinstance(v, dict)
                                             for x in keys(v, prefix + k + ".")}
    assert keys(table["nb"]) == keys(table["en"])


def test_statement_lists_the_date_the_exceptions_and_the_failing_pdfs():
    from manualkit.core.statement import sections

    text = "\n".join(t for _, _, t in sections(RECORD, "nb", manual="Familiepartner", owner="Testby kommune"))
    assert "## Krav og standard {#requirements}" in text
    assert ("Ved siste kontroll, 20. november 2026, fant den automatiske testen brudd på WCAG 2.1 AA som ikke "
            "er rettet ennå.") in text
    assert ("- Elements must meet minimum color contrast ratio thresholds (regel `color-contrast`, alvorlig, "
            "på 2 sider)") in text
    assert "- PDF-filen `pdf/nb/handouts/x.pdf` oppfyller ikke kravene: 2 feil." in text
    assert "si fra til Testby kommune, så" in text
    assert "testes med axe-core 4.12.1 mot reglene" in text


def test_statement_after_a_clean_run_and_before_any_run():
    from manualkit.core.statement import sections

    clean = dict(RECORD, passed=True, exceptions=[], pdfs={"checked": 4, "failing": []})
    text = "\n".join(t for _, _, t in sections(clean, "en", manual="Family Partner", owner="the Family Partner project"))
    assert ("At the last check, on 20 November 2026, the automated test found no serious or critical failures of "
            "WCAG 2.1 AA on any of the 19 pages, and all 4 PDF files passed.") in text
    assert "## Known exceptions {#exceptions}\n\nNo known exceptions at the last check." in text
    never = "\n".join(t for _, _, t in sections(None, "en", manual="Family Partner", owner="x"))
    assert "This version has not been checked yet." in never
    assert "{#exceptions}" not in never


def test_statement_module_reads_the_kept_record_of_its_variant(fixture_copy):
    from manualkit.core.statement import STATEMENT_ID, statement_module
    from manualkit.core.project import load_project

    root = fixture_copy("bilingual")
    (root / "accessibility").mkdir()
    (root / "accessibility" / "testby.json").write_text(json.dumps(RECORD), encoding="utf-8")
    project = load_project(root, ["base", "testby"])
    module = statement_module(project.resolutions["testby"].a11y_record, project.resolutions["testby"].manuals["en"])
    assert (module.id, module.title, module.type, module.generated) == (STATEMENT_ID, "Accessibility statement",
                                                                         "appendix", True)
    assert "At the last check, on 20 November 2026" in module.markdown()
    base = statement_module(project.resolutions["base"].a11y_record, project.resolutions["base"].manuals["nb"])
    assert "Denne versjonen er ikke kontrollert ennå." in base.markdown()
    assert "si fra til Familiepartner-prosjektet" in base.markdown()


# ---- the command without a browser --------------------------------------------------------------

def test_without_chromium_the_command_says_why_and_how_to_install(fixture_copy, monkeypatch):
    root = fixture_copy("bilingual")
    monkeypatch.setenv("MANUALKIT_CHROMIUM", str(root / "no-such-chromium"))
    code, out, err = run_cli("--root", str(root), "a11y", "--variant", "base")
    assert code == 1
    assert err.splitlines() == [
        f"manual: cannot check the sites in a browser: MANUALKIT_CHROMIUM={root / 'no-such-chromium'} is not a file",
        f"    hint: {INSTALL_HINT}",
    ]


def test_unknown_variant_is_a_usage_error(fixture_copy):
    root = fixture_copy("bilingual")
    code, _, err = run_cli("--root", str(root), "a11y", "--variant", "testbyy")
    assert code == 2
    assert err.splitlines()[0] == "manual: there is no variant 'testbyy'"


# ---- in the browser ---------------------------------------------------------------------------

@needs_browser
def test_page_with_known_violations_is_found_with_rule_element_and_fix():
    from manualkit.a11y.site import check_site

    result = check_site(A11Y / "broken")
    assert result.pages == {"nb": [""], "en": ["en/"]}
    found = {(f.page, f.rule, f.impact, f.element) for f in result.findings}
    assert found == {
        ("", "color-contrast", "serious", "#faint-text"),
        ("", "image-alt", "critical", "#family-photo"),
        ("en/", "external-request", "serious", "https://tracker.example.com/pixel.png"),
    }
    contrast = next(f for f in result.findings if f.rule == "color-contrast")
    assert "Element has insufficient color contrast of 2.16 (foreground color: #b0b0b0" in contrast.fix
    assert contrast.html == '<p class="faint" id="faint-text">Denne teksten er for lys til å leses.</p>'


@needs_browser
def test_fixed_page_is_clean():
    from manualkit.a11y.site import check_site

    result = check_site(A11Y / "fixed")
    assert result.findings == []
    assert "nb: search open not checked: no search control on the page" in result.notes


def _built(root: Path, fixture: str, pdf_ok: bool) -> Path:
    build = root / "build" / "base"
    shutil.copytree(A11Y / fixture, build / "site")
    make_pdf(build / "pdf" / "nb", "handout", alt=pdf_ok, standards=pdf_ok)
    make_pdf(build / "pdf" / "en", "handout", lang="en")
    return build


@needs_browser
def test_command_reports_each_violation_and_fails(fixture_copy):
    root = fixture_copy("bilingual")
    build = _built(root, "broken", pdf_ok=False)
    code, out, _ = run_cli("--root", str(root), "a11y", "--variant", "base")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("base: checked 1 pages in nb, 1 pages in en and 0 open states (chromium ")
    assert "  critical [image-alt] /: #family-photo" in lines
    assert '        element: <img id="family-photo" src="family.svg" width="120" height="80">' in lines
    assert "        rule: Images must have alternative text" in lines
    assert "  serious [color-contrast] /: #faint-text" in lines
    assert "  serious [external-request] /en/: https://tracker.example.com/pixel.png" in lines
    assert "base: checked 2 PDFs, 1 refused" in lines
    assert ("  pdf/nb/handout.pdf: figure 1 on page 1 has no alt text: describe the image in the module "
            "(![what the picture shows](file.png)); only decoration may go without") in lines
    assert "base: FAILED: 1 critical and 2 serious findings, 1 PDF refused" in lines
    assert lines[-1] == "accessibility check failed for base"
    full = json.loads((build / "a11y.json").read_text(encoding="utf-8"))
    assert full["passed"] is False and full["counts"]["critical"] == 1
    kept = json.loads((root / "accessibility" / "base.json").read_text(encoding="utf-8"))
    assert [e["rule"] for e in kept["exceptions"]] == ["image-alt", "color-contrast", "external-request"]


@needs_browser
def test_command_passes_the_fixed_site_and_the_statement_says_so(fixture_copy):
    from manualkit.core.statement import statement_markdown
    from manualkit.core.project import load_project

    root = fixture_copy("bilingual")
    _built(root, "fixed", pdf_ok=True)
    code, out, _ = run_cli("--root", str(root), "a11y", "--variant", "base")
    assert code == 0, out
    assert "base: passed: 0 critical and 0 serious findings, every PDF passes" in out.splitlines()
    assert out.splitlines()[-1] == "accessibility check passed: no serious or critical findings, every PDF passes"
    variant = load_project(root, ["base"]).resolutions["base"]
    text = statement_markdown(variant.a11y_record, variant.manuals["nb"])
    assert "fant den automatiske testen ingen alvorlige eller kritiske brudd på WCAG 2.1 AA på noen av de 2 sidene, " \
           "og alle de 2 PDF-filene besto." in text
    assert "Ingen kjente avvik ved siste kontroll." in text


@pytest.fixture(scope="module")
def material_site(tmp_path_factory) -> Path:
    """The bilingual fixture manual built with the real site renderer (mkdocs-material)."""
    from manualkit.core.project import load_project
    from manualkit.outputs.site.build import build_site

    root = tmp_path_factory.mktemp("material") / "bilingual"
    shutil.copytree(FIXTURES / "bilingual", root)
    copy_locales(root)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")  # the shared site settings every variant inherits
    project = load_project(root, ["base", "testby"])
    return build_site(project.resolutions["testby"], root / "build" / "testby" / "site")


@needs_browser
def test_real_theme_has_no_serious_findings_with_search_navigation_and_language_menu_open(material_site):
    from manualkit.a11y.site import check_site

    result = check_site(material_site)
    assert sorted(result.states) == sorted(f"{lang}: {state}" for lang in ("nb", "en")
                                           for state in ("search open", "mobile navigation open", "language menu open"))
    assert result.notes == []
    assert [f"{f.impact} {f.rule} {f.where} {f.element}" for f in result.failing] == []
    assert len(result.pages["nb"]) >= 5 and len(result.pages["en"]) >= 5

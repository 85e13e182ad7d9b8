"""The print renderer, checked on the PDFs themselves (text, pages, links, metadata; no mocks).

The bilingual fixture (base + municipality `testby`, Bokmål and English) is built once for
the module with `manual build --only pdf`; tests that break something work on their own copy.
"""
from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import FIXTURES, run_cli
from manualkit.outputs.registry import OUTPUTS

EPOCH = "1767225600"  # 2026-01-01, through SOURCE_DATE_EPOCH
HANDOUT_REF_NB = "\nLes også [om manualen](ref:welcome#about).\n"


def _copy_fixture(dest: Path) -> Path:
    """The bilingual fixture, plus a cross-reference from the handout to a chapter."""
    shutil.copytree(FIXTURES / "bilingual", dest)
    handout = dest / "manual" / "training" / "handout-play.nb.md"
    handout.write_text(handout.read_text(encoding="utf-8") + HANDOUT_REF_NB, encoding="utf-8")
    for lang, words in (("nb", "se manualen"), ("en", "see the manual")):
        loc = dest / "locales" / f"{lang}.yml"
        text = loc.read_text(encoding="utf-8")
        if "see_manual:" not in text:
            loc.write_text(text.replace("\nlabels:\n", f"\nlabels:\n  see_manual: {words}\n", 1), encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = _copy_fixture(tmp_path_factory.mktemp("print") / "bilingual")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        code, out, err = run_cli("--root", str(root), "build", "--only", "pdf")
    assert code == 0, out + err
    assert "built testby pdf → build/testby/pdf" in out
    return root


def pdf(root: Path, rel: str) -> PdfReader:
    return PdfReader(root / "build" / rel)


def pages(root: Path, rel: str) -> list[str]:
    """The text of every page, whitespace collapsed."""
    return [" ".join(p.extract_text().split()) for p in pdf(root, rel).pages]


def whole(root: Path, rel: str) -> str:
    return " ".join(pages(root, rel))


# ---------------------------------------------------------------------------------------------
# The book


def test_cover_shows_title_variant_version_and_date(built: Path) -> None:
    assert pages(built, "testby/pdf/nb/manual.pdf")[0] == "UTKAST TB Testmanual Testby kommune Versjon 1.0.0, ikke utgitt Dato 2026-01-01"
    assert pages(built, "base/pdf/nb/manual.pdf")[0] == "UTKAST Testmanual Basisversjon Versjon 1.0.0, ikke utgitt Dato 2026-01-01"
    assert pages(built, "base/pdf/en/manual.pdf")[0] == "DRAFT Test manual Base version Version 1.0.0, unreleased Date 2026-01-01"


def test_norwegian_letters_extract_as_text(built: Path) -> None:
    assert "Denne manualen er laget for tester av verktøyet. Æ, ø og å skal vises riktig." in whole(built, "base/pdf/nb/manual.pdf")


def test_adapted_text_only_in_the_municipalitys_book(built: Path) -> None:
    local = "I Testby skrives notatet i fagsystemet samme dag som besøket."
    assert local in whole(built, "testby/pdf/nb/manual.pdf")
    base = whole(built, "base/pdf/nb/manual.pdf")
    assert local not in base
    assert "Skriv kort og saklig etter hvert besøk." in base
    assert "In Testby the note is written in the records system on the day of the visit." in whole(built, "testby/pdf/en/manual.pdf")


def test_contents_page_numbers_and_running_header(built: Path) -> None:
    text = pages(built, "testby/pdf/nb/manual.pdf")
    # Testby's "About this version" lists its three changes over two pages
    assert text[1] == ("UTKAST Testmanual Innhold Innhold Grunnlag 3 Om denne versjonen 4 Velkommen 6 Sikkerhet 7 "
                       "Opplæring 8 Økt 1: Lek sammen 9 Ark 1: Ti minutter lek 10 Bare på bokmål 11 Ordliste 12 2 / 12")
    for number, page in enumerate(text[1:], start=2):
        assert page.endswith(f"{number} / 12")
    assert text[6].startswith("UTKAST Testmanual Sikkerhet Sikkerhet")  # header: manual title and chapter


def test_every_contents_row_links_to_the_page_it_names(built: Path) -> None:
    """The page numbers are the ones test_contents_page_numbers_and_running_header reads on the page."""
    reader = pdf(built, "testby/pdf/nb/manual.pdf")
    targets = [str(link["/Dest"]) for link in _links(reader, 1)]
    assert targets == ["part:basics", "about-this-version", "welcome", "safety", "part:training", "session-play",
                       "handout-play", "untranslated", "glossary"]
    page_of = {id(p.indirect_reference.get_object()): n for n, p in enumerate(reader.pages, start=1)}
    landed = [page_of[id(reader.named_destinations[t]["/Page"].get_object())] for t in targets]
    assert landed == [3, 4, 6, 7, 8, 9, 10, 11, 12]


def test_core_components_are_marked(built: Path) -> None:
    safety = pages(built, "testby/pdf/nb/manual.pdf")[6]
    assert safety.startswith("UTKAST Testmanual Sikkerhet Sikkerhet Kjernekomponent Denne siden er tilpasset lokalt i Testby kommune.")
    assert "Sikkerhetsplan Kjernekomponent – denne delen må gjennomføres slik den er beskrevet Sikkerhetsplanen lages" in safety
    assert "Dokumentasjon i Testby Lokalt tilpasset: Testby kommune I Testby skrives" in safety


def test_draft_mark_on_every_page(built: Path) -> None:
    assert all(p.startswith("UTKAST") for p in pages(built, "base/pdf/nb/manual.pdf"))
    assert all(p.startswith("DRAFT") for p in pages(built, "base/pdf/en/manual.pdf"))


def test_about_this_version_first_and_glossary_last(built: Path) -> None:
    text = pages(built, "testby/pdf/nb/manual.pdf")
    assert text[3].startswith("UTKAST Testmanual Om denne versjonen Om denne versjonen Hvilken versjon av manualen du leser")
    assert "Lokale rutiner for dokumentasjon • Hvor: Sikkerhet – Dokumentasjon (erstatter avsnitt)" in text[3]
    assert text[-1].startswith("UTKAST Testmanual Ordliste Ordliste")
    assert "familiepartner family partner Den som gir tett oppfølging i tiltaket." in text[-1]


def test_callouts_carry_their_label(built: Path) -> None:
    assert "Eksempel Familien Fjell er en oppdiktet familie" in whole(built, "base/pdf/nb/manual.pdf")
    assert "Example The Fjell family is a fictional family" in whole(built, "base/pdf/en/manual.pdf")


def test_untranslated_module_has_a_banner(built: Path) -> None:
    assert ("Bare på bokmål Appendix This page has not been translated yet. You are reading the text in "
            "Norwegian (Bokmål). Innhold Denne modulen finnes bare på bokmål så langt.") in whole(built, "base/pdf/en/manual.pdf")


def _links(reader: PdfReader, page: int) -> list[dict]:
    return [a.get_object() for a in reader.pages[page].get("/Annots", []) if a.get_object().get("/Subtype") == "/Link"]


def test_cross_references_are_links_inside_the_book(built: Path) -> None:
    reader = pdf(built, "base/pdf/nb/manual.pdf")
    links = _links(reader, 4)  # Velkommen: [sikkerhetsplanen](ref:safety#plan), [øvelsen med lek](ref:session-play)
    assert len(links) == 2
    for link in links:
        action = link.get("/A")
        assert "/Dest" in link or (action is not None and action.get("/S") == "/GoTo"), link
        assert action is None or "/URI" not in action


# ---------------------------------------------------------------------------------------------
# Session guides and handouts


def test_session_guide_has_plan_duration_and_handout(built: Path) -> None:
    text = pages(built, "testby/pdf/nb/sessions/session-play.pdf")
    assert len(text) == 2
    assert text[0] == ("UTKAST Øktguide for familiepartneren Testby kommune Økt 1: Lek sammen Økt Kjernekomponent "
                       "Varighet: 45 minutter Denne siden er tilpasset lokalt i Testby kommune. Mål for samlingen "
                       "Foreldrene prøver ti minutter lek med barnet. Materiell • Arket om lek Gjennomføring steg for steg "
                       "Lokalt avvik fra kjernekomponenten: Testby kommune "
                       "1. Velkommen (5 min) 2. Lek og samtale (30 min) 3. Avslutning (10 min) Hjemmeoppgave Lek ti minutter hver dag. 1 / 2")
    assert text[1].startswith("UTKAST Øktguide for familiepartneren Testby kommune Ark 1: Ti minutter lek Foreldreark")
    # the chapter is not in this PDF: plain words and where to find them, never a broken link
    assert "Les også om manualen (se manualen: Velkommen – Om manualen)." in text[1]
    assert "Varighet: 60 minutter" in whole(built, "base/pdf/nb/sessions/session-play.pdf")
    reader = pdf(built, "testby/pdf/nb/sessions/session-play.pdf")
    assert len(_links(reader, 0)) == 1  # "Arket om lek" goes to the appended handout
    assert _links(reader, 1) == []


def test_handout_has_municipality_and_contact_box(built: Path) -> None:
    text = pages(built, "testby/pdf/nb/handouts/handout-play.pdf")
    assert text == ["UTKAST Testby kommune Ark til foreldrene Ark 1: Ti minutter lek Hvorfor lek? Barn lærer når de leker. "
                    "Lek gir ro. Lek gir glede. Slik gjør du • Sett av ti minutter. • La barnet velge. • Ring "
                    "[fyll inn: telefonnummeret] hvis du trenger hjelp. Les også om manualen. "
                    "Kontakter – Testby kommune [fyll inn: telefonnummeret] 1 / 1"]
    assert _links(pdf(built, "testby/pdf/nb/handouts/handout-play.pdf"), 0) == []
    english = whole(built, "base/pdf/en/handouts/handout-play.pdf")
    assert english.startswith("DRAFT Base version Handout for parents Sheet 1: Ten minutes of play")
    assert "Contacts – Base version [to be filled in: the phone number]" in english


def test_every_session_and_handout_has_its_pdf(built: Path) -> None:
    for variant in ("base", "testby"):
        for lang in ("nb", "en"):
            folder = built / "build" / variant / "pdf" / lang
            assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.pdf")) == [
                "handouts/handout-play.pdf", "manual.pdf", "sessions/session-play.pdf"]


# ---------------------------------------------------------------------------------------------
# The files: metadata, standards, fonts, reproducibility


@pytest.mark.parametrize("rel, title, lang", [
    ("testby/pdf/nb/manual.pdf", "Testmanual – Testby kommune", "nb"),
    ("base/pdf/en/manual.pdf", "Test manual – Base version", "en"),
    ("testby/pdf/nb/sessions/session-play.pdf", "Økt 1: Lek sammen – Testby kommune", "nb"),
    ("testby/pdf/en/handouts/handout-play.pdf", "Sheet 1: Ten minutes of play – Testby municipality", "en"),
])
def test_metadata_and_pdf_standards(built: Path, rel: str, title: str, lang: str) -> None:
    reader = pdf(built, rel)
    assert reader.metadata.title == title
    root = reader.trailer["/Root"]
    assert root["/Lang"] == lang
    assert bool(root["/MarkInfo"]["/Marked"])
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>A</pdfaid:conformance>" in xmp
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert f"<rdf:li>{lang}</rdf:li>" in xmp
    assert reader.xmp_metadata.dc_title == {"x-default": title}


def test_fonts_are_embedded(built: Path) -> None:
    reader = pdf(built, "testby/pdf/nb/manual.pdf")
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            for desc in font.get("/DescendantFonts", [font]):
                desc = desc.get_object()
                fonts[desc["/BaseFont"]] = desc["/FontDescriptor"].get_object()
    assert any("LibertinusSerif" in name for name in fonts)
    assert all(any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in fonts.values()), fonts


def test_building_twice_gives_identical_files(built: Path) -> None:
    folder = built / "build" / "testby" / "pdf"
    before = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*.pdf")}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        code, out, err = run_cli("--root", str(built), "build", "--only", "pdf", "--variant", "testby")
    assert code == 0, out + err
    after = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*.pdf")}
    assert after.keys() == before.keys()
    assert all(after[k] == before[k] for k in before)


def test_timestamp_without_git_or_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The outputs' date is decided once, at the load stage: SOURCE_DATE_EPOCH, the release, the
    last commit (from the edge), the newest source file, else a fixed day; outputs only read it."""
    from manualkit.core.dates import FIXED_EPOCH, choose_timestamp
    from manualkit.core.variant_files import newest_source_time
    from manualkit.release.state import last_commit_time

    assert choose_timestamp("1700000000", 1500000000, 1400000000, 1300000000) == 1700000000
    assert choose_timestamp("", 1500000000, 1400000000, 1300000000) == 1500000000
    assert choose_timestamp("", 0, 1400000000, 1300000000) == 1400000000
    assert choose_timestamp(" ", 0, 0, 1300000000) == 1300000000
    assert choose_timestamp("", 0, 0, 0) == FIXED_EPOCH
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    assert last_commit_time(tmp_path) == 0  # no git
    assert newest_source_time(tmp_path) == 0  # no sources
    (tmp_path / "manual").mkdir()
    (tmp_path / "manual" / "manual.yml").write_text("id: x\n", encoding="utf-8")
    os.utime(tmp_path / "manual" / "manual.yml", (1600000000, 1600000000))
    assert newest_source_time(tmp_path) == 1600000000


def test_the_variant_carries_the_date_its_pdfs_print(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from manualkit.core.project import load_project
    from manualkit.outputs.dates import variant_timestamp

    root = _copy_fixture(tmp_path / "dated")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert variant_timestamp(_project(root).resolutions["base"]) == 1700000000
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    for path in root.rglob("*"):
        os.utime(path, (1600000000, 1600000000))
    assert load_project(root).resolutions["testby"].timestamp == 1600000000  # no git, no release: the newest file
    assert load_project(root, commit_time=1650000000).resolutions["testby"].timestamp == 1650000000


def test_the_pinned_pandoc_is_the_wheels(built: Path) -> None:
    import subprocess

    from manualkit.outputs.pdf.pandoc import pandoc_binary

    assert Path(pandoc_binary()).parent.parent.name == "pypandoc"
    version = subprocess.run([pandoc_binary(), "--version"], capture_output=True, text=True).stdout
    assert version.startswith("pandoc 3.")


# ---------------------------------------------------------------------------------------------
# One PDF quickly: `manual pdf`


def test_manual_pdf_makes_one_handout(built: Path) -> None:
    code, out, err = run_cli("--root", str(built), "pdf", "--handout", "handout-play", "--variant", "testby", "--lang", "en")
    assert (code, out, err) == (0, "wrote build/testby/pdf/en/handouts/handout-play.pdf\n", "")
    assert whole(built, "testby/pdf/en/handouts/handout-play.pdf").startswith(
        "DRAFT Testby municipality Handout for parents Sheet 1: Ten minutes of play")
    code, out, err = run_cli("--root", str(built), "pdf", "--session", "session-play", "--variant", "base")
    assert (code, out) == (0, "wrote build/base/pdf/nb/sessions/session-play.pdf\n")


TEMPLATE_NB = """---
id: template-play-plan
title: "Mal: Plan for leken"
type: appendix
component: parent-training
status: draft
---

## Planen {#plan}

::: {.lines n=2}
Tiden vi leker:
:::
"""


def test_manual_pdf_session_with_handout_adds_the_templates_the_guide_links_to(tmp_path: Path) -> None:
    root = _copy_fixture(tmp_path / "bilingual")
    yml = root / "manual/manual.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("handout-play, untranslated]",
                                                           "handout-play, untranslated, template-play-plan]"), encoding="utf-8")
    (root / "manual/training/template-play-plan.nb.md").write_text(TEMPLATE_NB, encoding="utf-8")
    guide = root / "manual/training/session-play.nb.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace(
        "- [Arket om lek](ref:handout-play)", "- [Arket om lek](ref:handout-play)\n- [Planen for leken](ref:template-play-plan)"),
        encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        code, out, err = run_cli("--root", str(root), "pdf", "--session", "1", "--with-handout")
        assert (code, out) == (0, "wrote build/base/pdf/nb/sessions/session-play-pack.pdf\n"), err
        text = pages(root, "base/pdf/nb/sessions/session-play-pack.pdf")
        joined = " ".join(text)
        # the guide, then the handout, then the template, in one PDF
        assert joined.index("Gjennomføring steg for steg") < joined.index("Hvorfor lek?") < joined.index("Tiden vi leker:")
        assert "Mal: Plan for leken Vedlegg Planen Tiden vi leker:" in text[-1], text  # on a page of its own
        # without the flag the session guide has its handout but not the template
        code, out, err = run_cli("--root", str(root), "pdf", "--session", "1")
        assert code == 0, err
        plain_guide = whole(root, "base/pdf/nb/sessions/session-play.pdf")
        assert "Hvorfor lek?" in plain_guide and "Tiden vi leker:" not in plain_guide
    code, out, err = run_cli("--root", str(root), "pdf", "--handout", "1", "--with-handout")
    assert (code, err) == (2, "manual: --with-handout goes with --session\n    hint: for example: manual pdf --session 3 --with-handout\n")


def test_manual_pdf_refuses_an_unknown_or_wrong_id(built: Path) -> None:
    code, out, err = run_cli("--root", str(built), "pdf", "--handout", "handout-pley")
    assert code == 2
    assert err == "manual: there is no handout 'handout-pley' in variant base\n    hint: did you mean 'handout-play'?\n"
    code, out, err = run_cli("--root", str(built), "pdf", "--session", "handout-play")
    assert code == 2
    assert err.startswith("manual: 'handout-play' is a handout, not a session in variant base\n")


# ---------------------------------------------------------------------------------------------
# Warnings and failures


def _project(root: Path):
    from manualkit.core.project import load_project

    return load_project(root)


def test_a_handout_over_two_pages_is_a_warning_that_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from manualkit.outputs.runner import build_output

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = _copy_fixture(tmp_path / "long")
    handout = root / "manual" / "training" / "handout-play.nb.md"
    para = "Barn lærer når de leker, og lek gir ro og glede i hverdagen for hele familien. " * 8
    handout.write_text(handout.read_text(encoding="utf-8") + "".join(f"\n{para}\n" for _ in range(30)), encoding="utf-8")
    log = io.StringIO()
    build_output(_project(root).resolutions["base"], "pdf", root / "build", log)
    pages_made = len(pdf(root, "base/pdf/nb/handouts/handout-play.pdf").pages)
    assert pages_made > 2
    assert log.getvalue() == (f"warning: the handout 'handout-play' (base, nb) runs over 2 pages ({pages_made} pages): "
                              "shorten manual/training/handout-play.nb.md so it fits on one A4 sheet, front and back\n")


@pytest.fixture
def good_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the fixture with the base PDFs built once; returns (root, bytes of its book)."""
    from manualkit.outputs.runner import build_output

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = _copy_fixture(tmp_path / "broken")
    build_output(_project(root).resolutions["base"], "pdf", root / "build", io.StringIO())
    return root, (root / "build" / "base" / "pdf" / "nb" / "manual.pdf").read_bytes()


def _kept(root: Path, book: bytes) -> None:
    folder = root / "build" / "base"
    assert (folder / "pdf" / "nb" / "manual.pdf").read_bytes() == book
    # no half-written staging folder left (the lock file stays: it is empty when no build runs)
    assert sorted(p.name for p in folder.iterdir() if p.name != ".manualkit.lock") == ["pdf"]


@pytest.mark.parametrize("apart", ["", "0"])  # "0": the books typeset in processes of their own, as big ones are
def test_a_missing_image_names_the_module_and_keeps_the_last_pdfs(good_build, monkeypatch, apart) -> None:
    from manualkit.outputs.runner import build_output
    from manualkit.core.problems import BuildError

    monkeypatch.setenv("MANUALKIT_BOOKS_APART", apart)
    root, book = good_build
    module = root / "manual" / "basics" / "welcome.nb.md"
    module.write_text(module.read_text(encoding="utf-8") + "\n![Et bilde som mangler](bilder/mangler.png)\n", encoding="utf-8")
    line = module.read_text(encoding="utf-8").split("\n").index("![Et bilde som mangler](bilder/mangler.png)") + 1
    with pytest.raises(BuildError) as info:
        build_output(_project(root).resolutions["base"], "pdf", root / "build", io.StringIO())
    assert info.value.message == (
        f"Typst could not typeset module 'welcome' (manual/basics/welcome.nb.md:{line}) in the book (base, nb): "
        f"file not found (searched at {root / 'manual' / 'basics' / 'bilder' / 'mangler.png'})")
    assert info.value.hint == 'in the generated Typst: #image("/manual/basics/bilder/mangler.png", alt: "Et bilde som mangler")'
    _kept(root, book)


def test_a_broken_template_is_a_clear_error(good_build, monkeypatch: pytest.MonkeyPatch) -> None:
    from manualkit.outputs.pdf import documents
    from manualkit.outputs.runner import build_output
    from manualkit.core.problems import BuildError

    root, book = good_build
    real = documents.template
    monkeypatch.setattr(documents, "template", lambda name: real(name) + ("\n#let broken = (\n" if name == "book" else ""))
    with pytest.raises(BuildError) as info:
        build_output(_project(root).resolutions["base"], "pdf", root / "build", io.StringIO())
    assert info.value.message.startswith("the book template failed for the book (base, nb): unclosed delimiter")
    assert info.value.hint == "this is a bug in manualkit/outputs/pdf/templates, not in your text"
    _kept(root, book)


def test_a_pandoc_failure_names_the_module(good_build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from manualkit.outputs.pdf import pandoc
    from manualkit.outputs.runner import build_output
    from manualkit.core.problems import BuildError

    root, book = good_build
    filters = tmp_path / "filters"
    filters.mkdir()
    lua = (pandoc.FILTERS / "manual.lua").read_text(encoding="utf-8")
    # a filter that breaks on one module only, as a bad construct in that module would
    ending = "local one = {}"
    assert ending in lua
    (filters / "manual.lua").write_text(lua.replace(ending, 'local real_div = markup.Div\nmarkup.Div = function(div)\n'
                                        '  if div.attributes["module"] == "safety" then error("boom in safety") end\n'
                                        '  return real_div(div)\nend\n' + ending), encoding="utf-8")
    monkeypatch.setattr(pandoc, "FILTERS", filters)
    with pytest.raises(BuildError) as info:
        build_output(_project(root).resolutions["base"], "pdf", root / "build", io.StringIO())
    assert info.value.message.startswith(f"pandoc failed on module 'safety': Error running filter {filters / 'manual.lua'}:")
    assert info.value.message.endswith(": boom in safety (text from manual/basics/safety.nb.md)")
    assert "stack traceback" not in info.value.message
    _kept(root, book)


def test_build_command_reports_a_failure_and_keeps_going(good_build, monkeypatch: pytest.MonkeyPatch) -> None:
    from manualkit.outputs.pdf import documents

    root, book = good_build
    real = documents.template
    monkeypatch.setattr(documents, "template", lambda name: real(name) + ("\n#let broken = (\n" if name == "handout" else ""))
    # the template is patched in this process only: no cache key (the files did not change) and
    # no worker processes (they would not see the patch)
    code, out, err = run_cli("--root", str(root), "build", "--only", "pdf", "--no-cache", "--jobs", "1")
    assert code == 1
    assert re.search(r"^FAILED base pdf: the handout template failed for the handout 'handout-play' \(base, \w\w\): "
                     r"unclosed delimiter", out, re.M), out
    assert "    the last good output was kept\n" in out
    assert "Traceback" not in out + err
    _kept(root, book)


def test_parallel_pandoc_runs_give_the_same_fragments(built: Path) -> None:
    from manualkit.outputs.pdf.markdown_prep import _chunks, convert

    modules = _project(built).resolutions["testby"].manuals["nb"].modules()
    assert _chunks(["aaaa", "bb", "bb", "aaaa"], 2) == [[0, 1], [2, 3]]
    many = modules * 3  # 27 modules: three runs side by side
    assert convert(many, "test", workers=3).typst == convert(modules, "test", workers=1).typst


def test_cover_names_partners_and_editors_roles_from_the_locales(tmp_path: Path) -> None:
    root = _copy_fixture(tmp_path / "bilingual")
    lines = {"nb": ("Utviklet av Testuniversitetet og Testby kommune.", "Faglig redaksjon: forskere ved Testuniversitetet."),
             "en": ("Developed by the Test University and Testby municipality.", "Academic editors: researchers at the Test University.")}
    for lang, (partners, editors) in lines.items():
        loc = root / "locales" / f"{lang}.yml"
        loc.write_text(loc.read_text(encoding="utf-8").replace(
            "\nlabels:\n", f"\nlabels:\n  cover_partners: {partners}\n  cover_editors: '{editors}'\n", 1), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        code, out, err = run_cli("--root", str(root), "build", "--only", "pdf", "--variant", "base")
    assert code == 0, out + err
    assert pages(root, "base/pdf/nb/manual.pdf")[0] == (
        "UTKAST Testmanual Basisversjon Versjon 1.0.0, ikke utgitt Dato 2026-01-01 "
        "Utviklet av Testuniversitetet og Testby kommune. Faglig redaksjon: forskere ved Testuniversitetet.")
    assert pages(root, "base/pdf/en/manual.pdf")[0] == (
        "DRAFT Test manual Base version Version 1.0.0, unreleased Date 2026-01-01 "
        "Developed by the Test University and Testby municipality. Academic editors: researchers at the Test University.")


def _process_dies(*_args) -> None:
    """Stands in for the book's Typst process and ends it the way the kernel ends one out of memory."""
    import os

    os._exit(137)


def test_a_book_process_that_dies_is_a_build_error_and_the_last_pdfs_stay(good_build, monkeypatch) -> None:
    from manualkit.outputs.pdf import typst_compile
    from manualkit.outputs.runner import build_all

    root, book = good_build
    monkeypatch.setenv("MANUALKIT_BOOKS_APART", "0")
    monkeypatch.setattr(typst_compile, "_compile_apart", _process_dies)
    module = root / "manual" / "basics" / "welcome.nb.md"  # an edit, so the books are typeset again
    module.write_text(module.read_text(encoding="utf-8") + "\nEn setning til.\n", encoding="utf-8")
    log = io.StringIO()
    outputs = tuple(o for o in OUTPUTS if o.name == "pdf")
    failures = build_all([_project(root).resolutions["base"]], root / "build", None, log, outputs, jobs=1)
    assert failures == ["base pdf"]
    text = log.getvalue()
    assert "FAILED base pdf: Typst stopped without an answer while typesetting the book (base, nb) and the book " \
           "(base, en): its process ended (most often because the machine ran out of memory)" in text
    assert "hint: close other programs and build again, or build fewer variants at once: manual build --jobs 1" in text
    assert "the last good output was kept" in text and "Traceback" not in text
    assert (root / "build" / "base" / "pdf" / "nb" / "manual.pdf").read_bytes() == book


def test_books_typeset_apart_are_the_same_bytes(good_build, monkeypatch) -> None:
    """A big manual's books are typeset in processes of their own (memory, cores): same PDFs."""
    from manualkit.outputs.runner import build_output

    root, book = good_build
    monkeypatch.setenv("MANUALKIT_BOOKS_APART", "0")
    out = root / "build-apart"
    build_output(_project(root).resolutions["base"], "pdf", out, io.StringIO())
    for pdf in sorted((root / "build" / "base" / "pdf").rglob("*.pdf")):
        assert (out / "base" / "pdf" / pdf.relative_to(root / "build" / "base" / "pdf")).read_bytes() == pdf.read_bytes(), pdf

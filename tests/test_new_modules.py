"""The handouts and templates of issue 26 in the repository's own manual, checked on the PDFs.

The repository's manual, locales and model are copied to a temporary folder and the PDFs of
every variant are built once for the module (`manual build --only pdf`); no sheet of any variant
may run over its page limit.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import copy_repository, REPO, run_cli


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("newmods") / "repo"
    copy_repository(root)
    # every variant: a municipality's contact box and values can push a sheet over its page limit
    code, out, err = run_cli("--root", str(root), "build", "--only", "pdf")
    assert code == 0, out + err
    assert "runs over" not in out + err, [ln for ln in (out + err).splitlines() if "runs over" in ln]
    return root


def pages(root: Path, lang: str, name: str) -> list[str]:
    reader = PdfReader(root / "build" / "base" / "pdf" / lang / "handouts" / f"{name}.pdf")
    return [" ".join(p.extract_text().split()) for p in reader.pages]


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_quick_card_is_one_page_with_national_numbers_and_visible_placeholders(built: Path, lang: str) -> None:
    text = pages(built, lang, "quick-card")
    assert len(text) == 1
    for number in ("112", "113", "110", "116 117", "02800", "116 111"):
        assert number in text[0]
    placeholder = {"nb": "[fyll inn: nummeret til krisesenteret]", "en": "[to be filled in: the crisis centre"}[lang]
    assert placeholder in text[0]


def test_quick_card_placeholders_are_publish_gate_reasons(built: Path) -> None:
    """A municipality that has not filled the quick card's numbers cannot publish, and is told which."""
    code, out, err = run_cli("--root", str(built), "publish", "--check", "--allow-draft", "lillehammer")
    assert code != 0
    for name in ("number.check_in", "number.crisis_centre", "number.family_violence"):
        assert f"the variable '{name}' is still a placeholder" in out + err


@pytest.mark.parametrize("name,nb,en", [
    ("template-visit-note", "Det jeg så og hørte", "What I saw and heard"),
    ("template-concern-note", "Det jeg så og hørte", "What I saw and heard"),
])
def test_notes_keep_observation_apart_from_assessment_with_an_example(built: Path, name: str, nb: str, en: str) -> None:
    for lang, observed, assessed in (("nb", nb, "Min vurdering"), ("en", en, "My assessment")):
        text = " ".join(pages(built, lang, name))
        assert observed in text and assessed in text
        assert text.index(observed) < text.index(assessed)
        assert ("oppdiktet" if lang == "nb" else "invented") in text


def test_protected_safety_plan_has_no_shared_signature_block(built: Path) -> None:
    for lang, copies in (("nb", "Hvem har en kopi"), ("en", "Who has a copy")):
        text = " ".join(pages(built, lang, "template-protected-safety-plan"))
        assert copies in text
        assert "Underskrift" not in text and "Signature" not in text
        assert ("ingen felles underskrift" if lang == "nb" else "no shared signature") in text


def test_childs_safety_sheet_has_the_childrens_numbers(built: Path) -> None:
    text = " ".join(pages(built, "nb", "handout-child-safety-sheet"))
    assert "Min trygghetsplan" in text and "116 111" in text and "Ring 112" in text


@pytest.mark.parametrize("name,words", [
    ("handout-for-children-younger", "Du treng ikkje å svare om du ikkje vil"),
    ("handout-feelings", "Kvifor er dette viktig?"),
    ("template-consent-form", "Vi veit at"),
])
def test_nynorsk_sheets_are_built_in_nynorsk(built: Path, name: str, words: str) -> None:
    text = " ".join(pages(built, "nn", name))
    assert words in text
    assert "ikke" not in text.split()  # no Bokmål fallback on a translated sheet


# Issue 26, Add 9: every parent handout (the eight session sheets and the information for the
# family) has an easy-read version, in every language the original has.
EASY_READ = {f"handout-{name}": n for n, name in enumerate((
    "getting-started", "positive-time", "praise-and-encouragement", "daily-routines",
    "clear-expectations", "feelings", "stress-and-conflict", "network-and-the-way-ahead"), 1)}
EASY_READ["template-family-information"] = None
# what each side prints of the link to the other
TO_ORIGINAL = {"nb": "Hele arket er {sheet}", "en": "The full sheet is {sheet}", "nn": "Heile arket er {sheet}"}
TO_EASY_READ = {"nb": "lettlest form: {sheet}, lettlest", "en": "also in easy read: {sheet}, easy read",
                "nn": "lettlest form: {sheet}, lettlest"}
SHEET = {"nb": "Ark {n}", "en": "Sheet {n}", "nn": "Ark {n}"}
FAMILY_INFO = {"nb": ("Informasjon til familien om Familiepartner", "Lettlest: Om Familiepartner"),
               "en": ("Information for the family about Family Partner", "Easy read: About Family Partner"),
               "nn": ("Informasjon til familien om Familiepartner", "Lettlest: Om Familiepartner")}


@pytest.mark.parametrize("lang", ["nb", "en", "nn"])
def test_every_parent_handout_and_its_easy_read_version_point_to_each_other(built: Path, lang: str) -> None:
    header = {"nb": "Ark til foreldrene", "en": "Handout for parents", "nn": "Ark til foreldra"}[lang]
    for original, n in EASY_READ.items():
        easy = " ".join(pages(built, lang, f"{original}-easy-read"))
        full = " ".join(pages(built, lang, original))
        if n is None:
            to_original, to_easy = FAMILY_INFO[lang][0], FAMILY_INFO[lang][1]
        else:
            sheet = SHEET[lang].format(n=n)
            to_original, to_easy = TO_ORIGINAL[lang].format(sheet=sheet), TO_EASY_READ[lang].format(sheet=sheet)
        assert to_original in easy, (original, lang)
        assert to_easy in full, (original, lang)
        assert header in easy, (original, lang)
        if lang == "nn":
            assert "ikke" not in easy.split(), original  # no Bokmål fallback


def _sentences(path: Path) -> list[list[str]]:
    """The sentences of a module's body as a reader meets them (a list item or a heading is one;
    the ruled lines, tables and variables are left out)."""
    body = re.split(r"^---\s*$", path.read_text(encoding="utf-8"), maxsplit=2, flags=re.M)[2]
    body = re.sub(r"^::: \{\.lines[^\n]*\n[^\n]*\n:::$|^\|.*$|\{#[^}]*\}|\(ref:[^)]*\)", "", body, flags=re.M)
    body = re.sub(r"\{\{[^}]*\}\}", "X", body)
    parts = re.split(r"[.!?]+[»\"]?\s+|\n\s*\n|\n- |\n## ", body)
    return [words for part in parts if (words := re.findall(r"\w+", part))]


@pytest.mark.parametrize("lang", ["nb", "en", "nn"])
def test_easy_read_versions_are_shorter_with_shorter_sentences(lang: str) -> None:
    for original in EASY_READ:
        part = "appendices" if original.startswith("template-") else "parent-training"
        easy = _sentences(REPO / "manual" / part / f"{original}-easy-read.{lang}.md")
        full = _sentences(REPO / "manual" / part / f"{original}.{lang}.md")
        easy_words, full_words = sum(map(len, easy)), sum(map(len, full))
        assert easy_words < full_words, (original, lang, easy_words, full_words)
        assert easy_words / len(easy) < full_words / len(full), (original, lang)
        assert max(map(len, easy)) <= 20, (original, lang, max(easy, key=len))


@pytest.mark.parametrize("lang,says", [
    ("nb", ("Det står i barnets sak i barnevernstjenesten", "Dere kan også lese det",
            "si det til saksbehandleren samme dag", "lederen for familiepartnerteamet")),
    ("en", ("It goes into the child’s case at the child welfare service", "You can read it too",
            "tell the case worker the same day", "the family partner team leader")),
    ("nn", ("Det står i saka til barnet i barnevernstenesta", "De kan også lese det",
            "seie det til saksbehandlaren same dag", "leiaren for familiepartnerteamet")),
])
def test_easy_read_family_information_says_who_reads_the_notes_and_when_something_is_passed_on(
        built: Path, lang: str, says: tuple[str, ...]) -> None:
    text = " ".join(pages(built, lang, "template-family-information-easy-read"))
    for words in says:
        assert words in text, words
    # a municipality's own names come in through the same variables as in the original
    local = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(
        built / "build" / "lillehammer" / "pdf" / "nb" / "handouts" / "template-family-information-easy-read.pdf").pages)
    assert "Det står i barnets sak i barnevernstjenesten i Lillehammer" in local


def test_easy_read_versions_type_no_phone_number_of_their_own() -> None:
    """Local numbers come from variables; only the national numbers are written out."""
    national = {"110", "112", "113", "116 111", "116 117", "02800"}
    for path in sorted((REPO / "manual").glob("[a-z]*/*-easy-read.*.md")):
        numbers = set(re.findall(r"(?<![\w{])\d[\d ]{1,}\d(?![\w}])", path.read_text(encoding="utf-8")))
        assert numbers <= national, (path.name, numbers - national)


def test_the_overview_and_the_forms_appendix_list_the_easy_read_versions() -> None:
    for lang in ("nb", "en"):
        overview = (REPO / f"manual/parent-training/parent-training-overview.{lang}.md").read_text(encoding="utf-8")
        forms = (REPO / f"manual/appendices/forms-and-templates.{lang}.md").read_text(encoding="utf-8")
        for original, n in EASY_READ.items():
            where = forms if n is None else overview
            assert f"(ref:{original}-easy-read)" in where, (lang, original)

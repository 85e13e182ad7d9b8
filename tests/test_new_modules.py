"""The handouts and templates of issue 26 in the repository's own manual, checked on the PDFs.

The repository's manual, locales and model are copied to a temporary folder and the PDFs of
every variant are built once for the module (`manual build --only pdf`); no sheet of any variant
may run over its page limit.
"""
from __future__ import annotations

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

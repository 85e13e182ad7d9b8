"""The real manual's handouts on paper: which one a number picks, the contact box, the emergency
paragraphs and the room to write (checked on the PDFs' text and on the Typst layout)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO, run_cli


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """The repository's sources in a folder of their own (the PDFs are written under its build/)."""
    root = tmp_path_factory.mktemp("handouts") / "repo"
    for name in ("manual", "locales", "adaptations"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def text(path: Path) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]


def test_handout_by_number_is_the_handout_of_that_session(repo: Path) -> None:
    code, out, err = run_cli("--root", str(repo), "pdf", "--handout", "3")
    assert (code, out) == (0, "wrote build/base/pdf/nb/handouts/handout-praise-and-encouragement.pdf\n"), out + err
    assert text(repo / "build/base/pdf/nb/handouts/handout-praise-and-encouragement.pdf")[0][:80].count("Ark 3: Si det du liker å se") == 1
    code, out, err = run_cli("--root", str(repo), "pdf", "--handout", "3", "--lang", "en")
    assert code == 0, err
    assert "Sheet 3: Say what you like to see" in text(repo / "build/base/pdf/en/handouts/handout-praise-and-encouragement.pdf")[0][:80]
    # the children's handouts and the templates have no number, only their id
    code, out, err = run_cli("--root", str(repo), "pdf", "--handout", "9")
    assert code == 2 or code == 1
    assert "there is no handout number 9 in variant base (it has 8: the handouts of the sessions, in their order)" in err
    assert "3  handout-praise-and-encouragement  (Ark 3: Si det du liker å se)" in err
    assert "handout-for-children-younger  (For barn: Hvem er familiepartneren?)" in err.split("and by id only:")[1]

"""The real manual's handouts on paper: which one a number picks, the contact box, the emergency
paragraphs and the room to write (checked on the PDFs' text and on the Typst layout)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import copy_repository, REPO, run_cli


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """The repository's sources in a folder of their own (the PDFs are written under its build/)."""
    root = tmp_path_factory.mktemp("handouts") / "repo"
    copy_repository(root)
    return root


def text(path: Path) -> list[str]:
    """The text of each page, list bullets left out and whitespace collapsed."""
    return [" ".join(p.extract_text().replace("•", " ").split()) for p in PdfReader(path).pages]


def test_handout_by_number_is_the_handout_of_that_session(repo: Path) -> None:
    code, out, err = run_cli("--root", str(repo), "pdf", "--handout", "3")
    assert (code, out) == (0, "wrote build/base/pdf/nb/handouts/handout-praise-and-encouragement.pdf\n"), out + err
    assert text(repo / "build/base/pdf/nb/handouts/handout-praise-and-encouragement.pdf")[0].count("Ark 3: Si det du liker å se") == 1
    code, out, err = run_cli("--root", str(repo), "pdf", "--handout", "3", "--lang", "en")
    assert code == 0, err
    assert "Sheet 3: Say what you like to see" in text(repo / "build/base/pdf/en/handouts/handout-praise-and-encouragement.pdf")[0]
    # the children's handouts and the templates have no number, only their id
    code, out, err = run_cli("--root", str(repo), "pdf", "--handout", "9")
    assert code == 2 or code == 1
    assert "there is no handout number 9 in variant base (it has 8: the handouts of the sessions, in their order)" in err
    assert "3  handout-praise-and-encouragement  (Ark 3: Si det du liker å se)" in err
    assert "handout-for-children-younger  (For barn: Hvem er familiepartneren?)" in err.split("and by id only:")[1]


EMERGENCY = re.compile(r"(?<!\d)(110|112|113|116 111)(?!\d)")
HEADER = {"nb": "UTKAST Basisversjon Ark til foreldrene ", "en": "DRAFT Base version Handout for parents "}
CHILDREN_HEADER = {"nb": "UTKAST Basisversjon Ark for barn ", "en": "DRAFT Base version Sheet for children "}
# a form or card only staff use (the quick card, the supervision note) says so
STAFF_HEADER = {"nb": "UTKAST Basisversjon For fagpersoner ", "en": "DRAFT Base version For practitioners "}
CONTACTS = {"nb": "Kontakter – Basisversjon", "en": "Contacts – Base version"}


def _words(markdown: str) -> list[str]:
    """The words of a Markdown paragraph as the PDF shows them (markup and variables left out)."""
    text = re.sub(r"\{\{[^}]*\}\}|&\w+;|\|", " ", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`]|^\s*(?:[-*]|\d+\.)\s+|^#+\s*|\{[^}]*\}\s*$", " ", text, flags=re.M)
    return [w for w in text.split() if re.search(r"\w|…", w)]


def _runs(markdown: str) -> list[list[str]]:
    """The words of a paragraph in the runs that the PDF prints side by side: a variable's value or
    a table's next cell stands between the words before and after it, so no run goes across one
    (a paragraph that ends in a variable, or a table whose last cells are variables, ends in the
    words before it)."""
    return [words for chunk in re.split(r"\{\{[^}]*\}\}|\|", markdown) if (words := _words(chunk))]


def _paragraphs(path: Path) -> list[str]:
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    body = re.sub(r"^:::.*$", "", body, flags=re.M)  # a callout's or lines block's text stays, its fences go
    return [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]


def _printed(repo: Path, lang: str) -> list[tuple[Path, list[str]]]:
    out = []
    for src in sorted((repo / "manual").glob(f"*/*.{lang}.md")):
        if src.parent.name.startswith("."):  # the translation snapshots
            continue
        mid = src.name[: -len(f".{lang}.md")]
        head = src.with_name(f"{mid}.nb.md").read_text(encoding="utf-8")[:400]  # a translation inherits the type
        if "\ntype: handout" not in head and not mid.startswith(("handout-", "template-")):
            continue
        code, out_, err = run_cli("--root", str(repo), "pdf", "--handout", mid, "--lang", lang)
        assert code == 0, err
        out.append((src, text(repo / f"build/base/pdf/{lang}/handouts/{mid}.pdf")))
    return out


@pytest.fixture(scope="module")
def printed(repo: Path) -> dict[str, list[tuple[Path, list[str]]]]:
    return {lang: _printed(repo, lang) for lang in ("nb", "en")}


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_no_paragraph_with_an_emergency_number_breaks_across_pages(printed, lang) -> None:
    checked = 0
    for src, pages in printed[lang]:
        for para in _paragraphs(src):
            if not EMERGENCY.search(para):
                continue
            runs = _runs(para)
            first, last = " ".join(runs[0][:3]), " ".join(runs[-1][-3:])
            # the page's words as _words keeps them: a separator such as «·» or «–» is not a word on either side
            on = [i for i, page in enumerate(pages) if first in (kept := " ".join(_words(page))) and last in kept]
            assert on, f"{src.name}: the paragraph «{first} … {last}» is split across pages"
            checked += 1
    assert checked >= 3  # Ark 7, the children's handout and the safety plan name them


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_contact_box_opens_the_handout_or_follows_its_last_text(printed, lang) -> None:
    for src, pages in printed[lang]:
        whole = " ".join(pages)
        if CONTACTS[lang] not in whole:
            continue
        at = whole.index(CONTACTS[lang])
        paras = [p for p in _paragraphs(src) if _words(p)]
        last = " ".join(_runs(paras[-1])[-1][-2:])
        # a children's sheet (audience children, in the nb source's front matter) has its own header label
        nb_head = src.with_name(src.name.replace(f".{lang}.md", ".nb.md")).read_text(encoding="utf-8")[:600]
        audience = re.search(r"^audience: \[([^]]*)\]", nb_head, re.M).group(1)
        header = (CHILDREN_HEADER if re.search(r"\bchildren\b", audience) else HEADER if re.search(r"\bparents\b", audience)
                  else STAFF_HEADER)[lang]
        top = pages[0].startswith(header + CONTACTS[lang])
        assert last in whole, (src.name, last)
        assert top or whole.rindex(last) < at, f"{src.name}: the contact box stands inside the text"
        assert whole.count(CONTACTS[lang]) == 1


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_writing_prompt_of_the_parent_handouts_has_ruled_lines(lang) -> None:
    """A prompt of the form «…: …» left as a list item gives the parents no room to write."""
    prompts = 0
    for src in sorted((REPO / "manual/parent-training").glob(f"handout-*.{lang}.md")):
        text_ = src.read_text(encoding="utf-8")
        assert not re.search(r"^- .+: …\s*$", text_, re.M), f"{src.name}: a prompt without lines"
        prompts += len(re.findall(r"^::: \{\.lines n=\d+\}\n.+:\n:::$", text_, re.M))
    assert prompts == 60  # 44 on the eight sheets, 16 on their easy-read versions

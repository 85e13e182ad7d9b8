"""The one document tree (core/doctree.py): each text is read once, and every output and the
Word import walk that reading, so they agree on what is a link, a callout or code."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from manualkit.core import doctree

REPO = Path(__file__).resolve().parents[1]
WELCOME = "manual/basics/welcome.nb.md"
# a cross-reference whose words wrap onto the next line, a link inside inline code (not a link) and
# one inside fenced code (not a link either)
WRAPPED = """
## Lenker {#links}

Les mer om [planen vi lager
sammen](ref:safety#plan) før besøket. Skriv `[ikke en lenke](ref:safety)` i koden.

```
[heller ikke](ref:safety#records)
```
"""


@pytest.fixture
def counted(monkeypatch):
    """Every text read into a tree from now on (the memo emptied first), in order."""
    read: list[str] = []
    from manualkit.core import body

    real = doctree.read
    doctree._memo.cache_clear()
    doctree._sections.cache_clear()
    body._parse_body.cache_clear()  # its results hold trees read before

    def counting(text: str):
        read.append(text)
        return real(text)

    monkeypatch.setattr(doctree, "read", counting)
    yield read
    doctree._memo.cache_clear()
    doctree._sections.cache_clear()


WRAPPED_EN = """
## Links {#links}

Read about [the plan we make
together](ref:safety#plan) before the visit. Write `[not a link](ref:safety)` in code.
"""


def _with_wrapped_link(fixture_copy) -> Path:
    root = fixture_copy("bilingual")
    for name, added in ((WELCOME, WRAPPED), (WELCOME.replace(".nb.", ".en."), WRAPPED_EN)):
        page = root / name
        page.write_text(page.read_text(encoding="utf-8") + added, encoding="utf-8")
    return root


def test_the_blocks_give_every_text_of_the_repository_back_byte_for_byte():
    files = sorted(REPO.glob("manual/**/*.md")) + sorted(REPO.glob("adaptations/**/*.md"))
    assert len(files) > 100
    for path in files:
        text = path.read_text(encoding="utf-8")
        tree = doctree.read(text)
        assert "\n".join(b.text for b in tree.blocks) == text, path
        for link in tree.links:  # every link is where the tree says
            assert text[link.target_start:link.target_end] == link.target, (path, link)
            assert text[link.start] in "![" and text[link.end - 1] == ")", (path, link)


def test_filling_in_variables_moves_the_links_with_the_text():
    tree = doctree.read("## A {#a}\n\n{{ x.y }} og [mer om {{ x.y }}](ref:b#c).\n")
    filled = tree.filled(lambda t: t.replace("{{ x.y }}", "Lillehammer kommune"))
    assert filled.text == "## A {#a}\n\nLillehammer kommune og [mer om Lillehammer kommune](ref:b#c).\n"
    (link,) = filled.links
    assert filled.text[link.start:link.end] == "[mer om Lillehammer kommune](ref:b#c)"
    assert filled.text[link.text_start:link.text_end] == "mer om Lillehammer kommune"


def test_every_output_reads_the_same_links(fixture_copy):
    """The wrapped cross-reference is a link in the site, the PDF and the Word export alike, and
    the two in code are links in none of them (the PDF used to leave the wrapped one dead)."""
    from manualkit.core.project import load_project
    from manualkit.editing.projection import blocks
    from manualkit.outputs.docx.markdown import Document
    from manualkit.outputs.pdf.markdown_prep import module_markdown
    from manualkit.outputs.site.markdown import Media, PageLinks
    from manualkit.outputs.site.pages import module_body

    root = _with_wrapped_link(fixture_copy)
    project = load_project(root, ["base"])
    assert project.errors == []
    variant = project.resolutions["base"]
    rm = variant.manuals["nb"]
    mod = rm.module("welcome")
    links = PageLinks({m.id: f"{p.id}/{m.id}.md" for p in rm.parts for m in p.modules})

    site = module_body(rm, mod, "basics/welcome.md", links, Media(variant.images))
    assert "[planen vi lager\nsammen](safety.md#plan)" in site
    assert "`[ikke en lenke](ref:safety)`" in site and "[heller ikke](ref:safety#records)" in site

    pdf = module_markdown(mod)
    assert "[planen vi lager\nsammen](#safety--plan)" in pdf
    assert "`[ikke en lenke](ref:safety)`" in pdf and "[heller ikke](ref:safety#records)" in pdf

    word = Document(variant, "nb")
    text = word.markdown([rm.module("safety"), mod])
    assert f"[planen vi lager sammen](#{word.anchors['safety--plan']})" in text
    assert "`[ikke en lenke](ref:safety)`" in text and "[heller ikke](ref:safety#records)" in text

    sec = next(s for s in mod.sections if s.id == "links")
    words = [b.plain for b in blocks(sec.source_tree, lambda name: name)]
    assert "Les mer om planen vi lager sammen før besøket. Skriv [ikke en lenke](ref:safety) i koden." in words


def _body(text: str) -> str:
    """A module file's text after its front matter, as load reads it."""
    return (text.split("\n---\n", 1)[1] if text.startswith("---\n") else text).rstrip("\n")


def test_load_reads_each_module_file_once_and_never_a_filled_in_text(fixture_copy, counted):
    from manualkit.core.project import load_project

    root = _with_wrapped_link(fixture_copy)
    project = load_project(root, ["base", "testby"])
    assert project.errors == []
    twice = [text[:60] for text, n in Counter(counted).items() if n > 1]
    assert twice == []
    files = sorted((root / "manual").rglob("*.md")) + sorted((root / "adaptations").rglob("*.md"))
    written = {_body(p.read_text(encoding="utf-8")) for p in files}
    read = {text.rstrip("\n") for text in counted}
    assert len(written) == len(files) == 13
    assert written <= read  # every module and overlay file, once
    made = {t.rstrip("\n") for variant in project.resolutions.values() for rm in variant.manuals.values()
            for mod in rm.modules() if mod.generated for t in [mod.preamble] + [sec.text for sec in mod.sections]}
    assert read - written <= made  # and else only the pages the toolkit writes itself
    for variant in project.resolutions.values():
        for rm in variant.manuals.values():
            for mod in rm.modules():
                for sec in mod.sections:
                    if not mod.generated and sec.text != sec.source:  # filled in: the tree is the source's
                        assert sec.text not in counted, (variant.id, mod.id, sec.id)


def test_the_word_round_reads_no_text_again(fixture_copy, counted):
    """Export and import of an untouched file walk the trees load made: nothing is read again."""
    from manualkit.core.project import load_project
    from manualkit.editing.review import import_review
    from manualkit.outputs.docx.export import export, select

    root = _with_wrapped_link(fixture_copy)
    variant = load_project(root, ["base"]).resolutions["base"]
    before = len(counted)
    path = root / "build" / "welcome.nb.docx"
    export(variant, "nb", select(variant, "nb", module="welcome"), path)
    proposal = import_review(root, path)
    assert proposal.files == {} and proposal.reports == [] and not proposal.refused
    assert counted[before:] == []


def test_a_check_reads_only_the_trees_it_walks(fixture_copy, counted):
    """`manual check` renders nothing: it reads the tree of a handout or template (the writing
    prompts rule walks it) and of no other module."""
    from manualkit.core.project import load_project

    root = _with_wrapped_link(fixture_copy)
    project = load_project(root, ["base", "testby"], render=False)
    assert project.errors == []
    sheets = {_body(p.read_text(encoding="utf-8")) for p in (root / "manual").rglob("handout-*.md")}
    others = {_body(p.read_text(encoding="utf-8")) for p in (root / "manual").rglob("*.md")} - sheets
    read = {text.rstrip("\n") for text in counted}
    assert sheets and sheets <= read
    assert not others & read


def test_a_link_is_what_commonmark_calls_a_link():
    """The tree's links are markdown-it-py's (the checker's reading), each at its exact place."""
    tree = doctree.read("Se [planen](ref:a) og [planen](ref:b), [![Kart](kart.png)](ref:c) og\n"
                        "\\[ikke en lenke](ref:d) eller `[kode](ref:e)`.\n")
    assert [(k.image, k.text, k.target) for k in tree.links] == [
        (False, "planen", "ref:a"), (False, "planen", "ref:b"), (False, "![Kart](kart.png)", "ref:c")]
    for k in tree.links:
        assert tree.text[k.target_start:k.target_end] == k.target

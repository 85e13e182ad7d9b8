"""The preview's quick rebuild: an edit of a module's text renders only the changed pages; a change
of the navigation rebuilds the whole site; search keeps every page either way."""
from __future__ import annotations

import io
import json

from test_site import make_tree

from manualkit.cli.serve import Preview


def _search(site) -> dict[str, str]:
    docs = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    return {d["location"]: d["text"] for d in docs}


def test_a_text_edit_renders_only_changed_pages_and_a_new_title_rebuilds_all(tmp_path):
    root = make_tree(tmp_path / "m")
    out = io.StringIO()
    preview = Preview(root, "base", out)
    assert preview.rebuild() is True
    assert "rebuilt base (full)" in out.getvalue()
    site = root / "build/.serve/base/site"
    untouched = site / "training/session-play.html"
    untouched_time = untouched.stat().st_mtime_ns
    pages_before = {loc.split("#")[0] for loc in _search(site)}

    safety = root / "manual/basics/safety.nb.md"
    safety.write_text(safety.read_text(encoding="utf-8").replace(
        "Skriv kort og saklig etter hvert besøk.", "Skriv kort, saklig og samme dag etter hvert besøk."), encoding="utf-8")
    assert preview.rebuild() is True, out.getvalue()
    assert "rebuilt base (changed pages)" in out.getvalue()
    assert "samme dag etter hvert besøk" in (site / "basics/safety.html").read_text(encoding="utf-8")
    assert untouched.stat().st_mtime_ns == untouched_time  # not rendered again
    search = _search(site)
    assert {loc.split("#")[0] for loc in search} == pages_before  # every page is still searchable
    assert any("samme dag" in text for loc, text in search.items() if loc.startswith("basics/safety.html"))
    assert not any("Skriv kort og saklig" in text for text in search.values())

    # a new title changes the navigation of every page: a full rebuild
    safety.write_text(safety.read_text(encoding="utf-8").replace("title: Sikkerhet\n", "title: Trygghet\n", 1), encoding="utf-8")
    assert preview.rebuild() is True
    assert out.getvalue().rstrip().splitlines()[-1].startswith("rebuilt base (full)")
    assert "Trygghet" in untouched.read_text(encoding="utf-8")


def test_many_quick_rebuilds_keep_the_search_index_exactly_as_a_full_build_makes_it(tmp_path):
    """mkdocs runs in the preview's own process; plugin state from one rebuild must not reach the
    next (mkdocs-static-i18n once doubled the index with every edit)."""
    import time

    root = make_tree(tmp_path / "m")
    out = io.StringIO()
    preview = Preview(root, "base", out)
    assert preview.rebuild() is True
    site = root / "build/.serve/base/site"
    pages = sorted(root.glob("manual/*/*.md"))
    for i in range(6):
        page = pages[i % len(pages)]
        time.sleep(0.02)
        page.write_text(page.read_text(encoding="utf-8") + f"\nEn setning til, nummer {i}.\n", encoding="utf-8")
        assert preview.rebuild() is True, out.getvalue()
        assert out.getvalue().rstrip().splitlines()[-1].startswith("rebuilt base (changed pages)")
    quick = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    preview.full_next = True
    assert preview.rebuild() is True
    full = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    assert sorted(json.dumps(d, sort_keys=True) for d in quick) == sorted(json.dumps(d, sort_keys=True) for d in full)
    assert any("nummer 5" in d["text"] for d in full)

"""The stored project (cli/project_cache.py): `manual check` and a build with nothing changed answer
from it, and any changed byte in the repository makes them load again, never answer stale."""
from __future__ import annotations

import pytest

from conftest import run_cli

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def _no_loading(monkeypatch) -> None:
    import manualkit.core.project as project

    monkeypatch.setattr(project, "load_project", lambda *a, **k: 1 / 0)


def _entries(root) -> list:
    folder = root / "build" / ".cache" / "project"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_check_answers_from_the_store_until_any_file_changes(fixture_copy, monkeypatch):
    root = fixture_copy("bilingual")
    (root / "shared").mkdir()
    (root / "shared" / "dot.png").write_bytes(PNG)
    page = root / "manual/basics/safety.nb.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n![Et punkt](../../shared/dot.png)\n", encoding="utf-8")
    first = run_cli("--root", str(root), "check")
    assert first[0] == 0 and "E603" not in first[1]
    assert _entries(root)

    with monkeypatch.context() as patched:
        _no_loading(patched)
        assert run_cli("--root", str(root), "check") == first  # answered without loading
        (root / "shared" / "dot.png").unlink()  # a file outside manual/, which a module shows
        assert run_cli("--root", str(root), "check")[0] == 3  # it must load again: the store is not used

    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1 and "manual/basics/safety.nb.md:" in out and "E603" in out


def test_a_damaged_entry_is_only_a_miss(fixture_copy):
    root = fixture_copy("bilingual")
    first = run_cli("--root", str(root), "check")
    for entry in _entries(root):
        entry.write_bytes(b"not a pickle")
    assert run_cli("--root", str(root), "check") == first


def test_a_manual_with_errors_is_never_stored(tree):
    from conftest import INTRO_NB

    root = tree({"manual/basics/intro.nb.md": INTRO_NB + "\n<script>x</script>\n"})
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1 and "E801" in out
    assert not (root / "build").exists()  # neither the project nor the link parser's results


def test_a_build_with_nothing_changed_answers_without_loading(fixture_copy, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = fixture_copy("bilingual")
    code, out, err = run_cli("--root", str(root), "build", "--only", "pdf", "--jobs", "1")
    assert code == 0, out + err
    assert "built base pdf" in out and "built testby pdf" in out

    with monkeypatch.context() as patched:
        _no_loading(patched)
        code, again, _ = run_cli("--root", str(root), "build", "--only", "pdf")
        assert code == 0
        assert "unchanged base pdf" in again and "unchanged testby pdf" in again and "built" not in again
        assert [line for line in again.splitlines() if line.startswith("warning")] == \
               [line for line in out.splitlines() if line.startswith("warning")]  # the warnings are said again
        # other options are another build: it loads
        assert run_cli("--root", str(root), "build", "--only", "pdf", "--variant", "base")[0] == 3

    import shutil
    shutil.rmtree(root / "build" / "base" / "pdf")  # an output gone: built again, the other kept
    code, out, _ = run_cli("--root", str(root), "build", "--only", "pdf")
    assert code == 0 and "built base pdf" in out and "unchanged testby pdf" in out


@pytest.mark.parametrize("edit", ["module", "adaptation"])
def test_an_edit_is_built_not_answered_from_the_store(fixture_copy, monkeypatch, edit):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = fixture_copy("bilingual")
    assert run_cli("--root", str(root), "build", "--only", "pdf", "--jobs", "1")[0] == 0
    path = root / ("manual/basics/safety.en.md" if edit == "module" else "adaptations/testby/adaptation.yml")
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment and a new line\n" * (edit != "module")
                    + "\nOne more sentence.\n" * (edit == "module"), encoding="utf-8")
    code, out, err = run_cli("--root", str(root), "build", "--only", "pdf", "--jobs", "1")
    assert code == 0, out + err
    if edit == "module":
        assert "built base pdf" in out
    else:  # a comment changes no output: loaded again, and each output's own key says unchanged
        assert "unchanged base pdf" in out and "unchanged testby pdf" in out


def _fresh_parser(monkeypatch) -> None:
    """This process as a new command would start it: no chunk parsed yet."""
    import manualkit.core.body as body
    import manualkit.core.markdown_scan as scan

    body._parse_body.cache_clear()  # (a memo of whole bodies, which would skip the link parser)
    monkeypatch.setattr(scan, "_CHUNKS", {})
    monkeypatch.setattr(scan, "_USED", set())
    monkeypatch.setattr(scan, "_PARSED_HERE", [0])


def _chunk_file(root):
    found = sorted((root / "build" / ".cache" / "parse").glob("chunks-*.json"))
    assert len(found) == 1, found
    return found[0]


def test_the_link_parses_kept_for_the_next_check_never_hide_an_edit(fixture_copy, monkeypatch):
    import shutil

    import manualkit.core.markdown_scan as scan

    root = fixture_copy("bilingual")
    _fresh_parser(monkeypatch)
    first = run_cli("--root", str(root), "check")
    kept = _chunk_file(root)
    assert scan._PARSED_HERE[0] > 0 and kept.stat().st_size > 0

    _fresh_parser(monkeypatch)
    shutil.rmtree(root / "build" / ".cache" / "project")  # load again, with the kept parses
    assert run_cli("--root", str(root), "check") == first
    assert scan._PARSED_HERE[0] == 0  # not one chunk parsed again

    page = root / "manual/basics/safety.nb.md"  # a new broken link: its chunk is new, so it is parsed
    page.write_text(page.read_text(encoding="utf-8") + "\nSe [planen](ref:nowhere#plan).\n", encoding="utf-8")
    _fresh_parser(monkeypatch)
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1 and "manual/basics/safety.nb.md:" in out and "nowhere" in out
    assert scan._PARSED_HERE[0] == 1


@pytest.mark.parametrize("damage", ["not json", '{"format": "parse-store-1", "chunks": {"x": [[[1, 2]], []]}}',
                                    '{"format": "parse-store-1", "chunks": [1, 2]}', '{"format": "other", "chunks": {}}'])
def test_a_damaged_parse_file_is_parsed_again(fixture_copy, monkeypatch, damage):
    import json
    import shutil

    root = fixture_copy("bilingual")
    _fresh_parser(monkeypatch)
    first = run_cli("--root", str(root), "check")
    kept = _chunk_file(root)
    from manualkit.outputs.sealed import seal, unseal
    chunks = json.loads(unseal(kept.read_bytes()))["chunks"]
    linked = next(t for t, (links, _found) in chunks.items() if links)
    # "x": a malformed entry for a real chunk, sealed with this computer's key: only its shape can refuse it
    kept.write_bytes(seal(damage.replace('"x"', json.dumps(linked)).encode("utf-8")))
    page = root / "manual/basics/safety.nb.md"  # and a broken link, found whatever the file says
    page.write_text(page.read_text(encoding="utf-8") + "\nSe [planen](ref:nowhere#plan).\n", encoding="utf-8")
    shutil.rmtree(root / "build" / ".cache" / "project", ignore_errors=True)
    _fresh_parser(monkeypatch)
    code, out, _ = run_cli("--root", str(root), "check")
    _fresh_parser(monkeypatch)
    shutil.rmtree(root / "build" / ".cache", ignore_errors=True)
    assert (code, out) == run_cli("--root", str(root), "check")[:2]  # the same as with no kept parses at all
    assert code == 1 and "nowhere" in out and first[0] == 0

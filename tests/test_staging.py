"""Builds are safe to interrupt and to run twice (issue 10): the swap, the lock, stale folders."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REPO, run_cli
from manualkit.core.problems import BuildError
from manualkit.outputs.staging import LOCK_NAME, build_lock, staged_output


def _write(folder: Path, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(text, encoding="utf-8")


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != LOCK_NAME)


def test_success_replaces_and_failure_keeps_the_last_good_output(tmp_path):
    final = tmp_path / "build" / "base" / "site"
    with staged_output(final) as tmp:
        _write(tmp, "first")
    with pytest.raises(RuntimeError):
        with staged_output(final) as tmp:
            _write(tmp, "broken")
            raise RuntimeError("renderer failed")
    assert (final / "index.html").read_text() == "first"
    assert _listing(final.parent) == ["site"]
    with staged_output(final) as tmp:
        _write(tmp, "second")
    assert (final / "index.html").read_text() == "second" and _listing(final.parent) == ["site"]


def test_a_build_killed_between_the_two_renames_is_recovered(tmp_path):
    final = tmp_path / "build" / "base" / "site"
    with staged_output(final) as tmp:
        _write(tmp, "last good")
    final.rename(final.with_name(".site-old"))  # the state a kill after the first rename leaves
    with pytest.raises(RuntimeError):
        with staged_output(final) as tmp:
            raise RuntimeError("the next build fails")
    assert (final / "index.html").read_text() == "last good"  # kept, as the failed build says
    assert _listing(final.parent) == ["site"]


def test_stale_temporary_folders_are_removed(tmp_path):
    final = tmp_path / "build" / "base" / "pdf"
    for name in (".pdf.tmp-abc123", ".pdf.tmp-killed"):
        _write(final.parent / name, "half written")
    _write(final.with_name(".pdf-old"), "old")
    _write(final, "current")  # killed after the swap, before the clean-up
    with staged_output(final) as tmp:
        _write(tmp, "new")
    assert _listing(final.parent) == ["pdf"] and (final / "index.html").read_text() == "new"


HOLDER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {tools!r})
    from manualkit.outputs.staging import build_lock
    with build_lock(__import__("pathlib").Path({folder!r})):
        print("locked", flush=True)
        time.sleep({seconds})
""")


def _holder(folder: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER.format(tools=str(REPO / "tools"), folder=str(folder), seconds=seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_build_stops_with_the_first_ones_pid(tmp_path):
    folder = tmp_path / "build" / "base"
    proc = _holder(folder, 60)
    try:
        with pytest.raises(BuildError) as err:
            with staged_output(folder / "site") as tmp:
                _write(tmp, "must not happen")
        assert err.value.message == f"another build (process {proc.pid}) is writing {folder}; nothing was changed"
        assert err.value.hint == "wait until it has finished, then build again"
        assert not (folder / "site").exists()
    finally:
        proc.kill()
        proc.wait()
    with staged_output(folder / "site") as tmp:  # a killed holder leaves no lock behind
        _write(tmp, "after")
    assert (folder / "site" / "index.html").read_text() == "after"


def test_a_second_build_can_wait_for_the_first(tmp_path):
    folder = tmp_path / "build" / "base"
    proc = _holder(folder, 1)
    try:
        with build_lock(folder, wait=120):  # returns once the first one lets go
            assert (folder / LOCK_NAME).read_text().strip() == str(os.getpid())
    finally:
        proc.wait()
    assert proc.returncode == 0


def test_an_unwritable_build_folder_gives_a_plain_message(tree):
    root = tree()
    (root / "build").write_text("not a folder\n", encoding="utf-8")
    code, out, err = run_cli("--root", str(root), "build", "--only", "pdf")
    assert code == 1
    assert "internal error" not in out + err
    assert f"FAILED base pdf: the build folder {root / 'build' / 'base'} cannot be written: " in out

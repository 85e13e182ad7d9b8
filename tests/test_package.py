"""The package that installs: the wheel holds every file the toolkit reads, and a non-editable
install of it makes every output of a small manual.

The wheel is built from a copy of the sources (so nothing is left in the repository), installed
without dependencies into a fresh venv that borrows the dependencies of the test's own
environment through a .pth line (no download of the pinned libraries again; the borrowed folder's
own .pth files, among them the editable install of the toolkit, are not read from there). The
commands then run from that venv's `manual`, in a folder outside the repository.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

PKG = REPO / "tools" / "manualkit"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    shutil.copy(REPO / "pyproject.toml", src)
    shutil.copy(REPO / "README.md", src)
    shutil.copytree(PKG, src / "tools" / "manualkit", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(src)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (whl,) = out.glob("manualkit-*.whl")
    return whl


def test_the_wheel_holds_every_file_of_the_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    files = {p.relative_to(PKG.parent).as_posix() for p in PKG.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
    assert sorted(files - names) == []
    assert "manualkit/outputs/reports/templates/tidier.typ" in names


def test_the_installed_wheel_makes_every_output(wheel, fixture_copy, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    site = Path(subprocess.run([str(bindir / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(bindir / "python"), "install", "-q", "--no-deps",
                           "--no-index", str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

    root = fixture_copy("bilingual")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"

    def manual(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(bindir / "manual"), "--root", str(root), *args], capture_output=True, text=True,
                              cwd=tmp_path, env=env)

    where = subprocess.run([str(bindir / "python"), "-c", "import manualkit; print(manualkit.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env)
    assert where.stdout.startswith(str(site)), where.stdout + where.stderr  # the wheel's copy, not the repository's

    done = manual("build", "--variant", "base", "--jobs", "1")
    assert done.returncode == 0, done.stdout + done.stderr
    from manualkit.outputs.registry import outputs_table
    for output in outputs_table():
        assert f"built base {output.name} → build/base/{output.folder}" in done.stdout
    built = root / "build" / "base"
    assert (built / "site" / "index.html").is_file()
    assert sorted(p.name for p in (built / "reports" / "tidier").rglob("*.pdf")) == ["tidier.en.pdf", "tidier.nb.pdf"]
    assert list((built / "reports" / "fidelity").rglob("*.pdf"))
    assert list((built / "pdf").rglob("*.pdf"))

    done = manual("docx", "--book", "--lang", "en", "--out", str(tmp_path / "docx"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert list((tmp_path / "docx").rglob("*.docx"))

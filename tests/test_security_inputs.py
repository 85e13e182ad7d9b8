"""Issue 23: inputs from outside reviewers and exports for spreadsheets are safe by construction.

Each test feeds hostile input to one surface (docs/security.md, "Inputs from outside") and checks
what the user gets: the refusal with file:line, or the safe output.
"""
from __future__ import annotations

import csv
import io
import re

from conftest import REPO, run_cli

from manualkit.outputs.csv_safe import csv_text, safe_cell


# -- Spreadsheet exports -----------------------------------------------------------------------

def test_csv_cells_a_spreadsheet_would_run_are_shown_as_text():
    hostile = ["=HYPERLINK(\"http://x.invalid\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
    text = csv_text(["a"], [{"a": h} for h in hostile])
    cells = [r["a"] for r in csv.DictReader(io.StringIO(text, newline=""))]
    assert len(text.splitlines()) == 1 + len(hostile) + 1  # the one cell with a line break spans two lines
    assert cells == ["'" + h.replace("\r", "\n") for h in hostile]


def test_csv_keeps_numbers_and_plain_text_and_generated_redcap_syntax():
    assert [safe_cell(v) for v in ("-0.5", "-11", "33", "Kortere besøk", "a=b", 3)] == ["-0.5", "-11", "33", "Kortere besøk", "a=b", 3]
    text = csv_text(["label", "logic"], [{"label": "=1", "logic": "[s1_step1] = '1'"}], verbatim=["logic"])
    assert text.splitlines()[1] == "'=1,[s1_step1] = '1'"


def test_a_hostile_adaptation_reason_reaches_the_ledger_csv_as_text(fixture_copy):
    root = fixture_copy("bilingual")
    yml = root / "adaptations" / "testby" / "adaptation.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("Kortere besøk passer familiene bedre",
                                                           "'=HYPERLINK(\"http://x.invalid\",\"klikk\")'", 1), encoding="utf-8")
    code, out, err = run_cli("--root", str(root), "report", "ledger", "--variant", "testby", "--format", "csv", "--lang", "nb")
    assert code == 0, err
    cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
    assert "'=HYPERLINK(\"http://x.invalid\",\"klikk\")" in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


def test_every_csv_the_toolkit_writes_goes_through_the_one_writer():
    tools = REPO / "tools" / "manualkit"
    users = sorted(p.relative_to(tools).as_posix() for p in tools.rglob("*.py")
                   if re.search(r"csv\.(writer|DictWriter)\(", p.read_text(encoding="utf-8")))
    assert users == ["outputs/csv_safe.py"]


# -- git ---------------------------------------------------------------------------------------

import subprocess  # noqa: E402

import pytest  # noqa: E402

from manualkit.release import git as git_mod  # noqa: E402


@pytest.mark.parametrize("value", ["--upload-pack=touch pwned", "-o", "1.0.0\n", " 1.0.0", "1.0.0 --all", "1.0", "v1.0.0"])
def test_a_pinned_base_version_that_is_not_a_version_never_reaches_git(fixture_copy, value):
    root = fixture_copy("bilingual")
    yml = root / "adaptations" / "testby" / "adaptation.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("base_version: 1.0.0", f"base_version: {value!r}".replace("'", '"')),
                   encoding="utf-8")
    code, out, err = run_cli("--root", str(root), "build", "--only", "site", "--variant", "testby")
    assert code == 1
    assert "manual: adaptations/testby/adaptation.yml:4: error E1301: '" in err
    assert "is not a release version, so it is not given to git" in err
    assert "\n" not in err.split("E1301: '")[1].split("' is not")[0]  # the value is shown escaped, on one line
    code, out, _ = run_cli("--root", str(root), "check")
    assert "adaptations/testby/adaptation.yml:4:15: error[E207]: 'base_version' must be a version like 1.2.0" in out


@pytest.mark.parametrize("value", ["--upload-pack=touch pwned", "-o", "0.2.0\n"])
def test_a_release_version_that_is_not_a_version_is_refused(fixture_copy, value):
    root = fixture_copy("bilingual")
    code, _, err = run_cli("--root", str(root), "release", "--", value)
    assert code == 2 and "is not a version like 0.2.0" in err
    with pytest.raises(git_mod.GitError, match="E1301"):
        git_mod.release_tag(value, "manual/manual.yml")


def test_every_git_call_separates_options_from_values(tmp_path, monkeypatch):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.invalid",
                    "commit", "-q", "--allow-empty", "-m", "x"], check=True)
    seen: list[list[str]] = []
    real = subprocess.run

    def spy(cmd, *a, **k):
        seen.append(list(cmd))
        return real(cmd, *a, **k)

    monkeypatch.setattr(git_mod.subprocess, "run", spy)
    git_mod.head(tmp_path), git_mod.commit_time(tmp_path), git_mod.tag_exists(tmp_path, "v1.0.0")
    git_mod.tags(tmp_path), git_mod.dirty(tmp_path, "manual"), git_mod.tracked_files(tmp_path, "HEAD", "manual")
    git_mod.same_tree(tmp_path, "HEAD", "HEAD", "manual")
    assert len(seen) == 7
    assert [c for c in seen if "--end-of-options" not in c and "--" not in c] == []
    with pytest.raises(git_mod.GitError, match="E1301"):
        git_mod.tag_exists(tmp_path, "--upload-pack=x")
    assert len(seen) == 7

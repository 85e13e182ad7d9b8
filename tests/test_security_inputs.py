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

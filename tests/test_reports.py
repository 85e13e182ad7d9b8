"""Research reports generated from the intervention model: what a researcher reads in them."""
from __future__ import annotations

import csv
import io
import json

from conftest import REPO, run_cli, write_tree


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_dose_all_shows_lillehammers_lower_follow_up_frequency():
    code, out, err = run_cli("--root", str(REPO), "report", "dose", "--all", "--format", "csv")
    assert (code, err) == (0, "")
    rows = {(r["variant"], r["measure"]): r for r in _csv(out)}
    assert {v for v, _m in rows} == {"base", "lillehammer", "ovre-eiker"}
    lille = rows[("lillehammer", "phase.follow-up.visits_per_week")]
    assert (lille["typical"], lille["base_typical"], lille["difference_typical"]) == ("0.5", "1", "-0.5")
    assert rows[("ovre-eiker", "phase.follow-up.visits_per_week")]["difference_typical"] == "0"
    visits = rows[("lillehammer", "home_visits")]
    # 22 typical weeks of follow-up at one visit every other week instead of every week: 11 fewer visits
    assert (visits["typical"], visits["base_typical"], visits["difference_typical"]) == ("33", "44", "-11")
    assert rows[("base", "weeks")]["min"] == "26" and rows[("base", "weeks")]["max"] == "78"


def test_dose_report_markdown_of_a_variant(fixture_copy):
    root = fixture_copy("bilingual")
    code, out, _ = run_cli("--root", str(root), "report", "dose", "--variant", "testby", "--lang", "en")
    assert code == 0
    assert out.startswith("# Planned dose per family: Testby municipality\n\nAll figures are planned values")
    assert "| Home visits | visits | 29 | 45 | 81 | 45 | 0 |" in out
    assert "| Parental guidance sessions | sessions | 1 | 1 | 1 | 1 | 0 |" in out
    assert "| Session 1: Play together | 45 | 5 + 30 + 10 |" in out


def test_a_model_change_reaches_text_dose_and_json_in_one_build(fixture_copy):
    root = fixture_copy("bilingual")
    model = (root / "manual/intervention.yml").read_text(encoding="utf-8")
    welcome = (root / "manual/basics/welcome.nb.md").read_text(encoding="utf-8")
    write_tree(root, {"manual/intervention.yml": model.replace("    weeks: {min: 20, typical: 36, max: 72}\n    visits_per_week: 1\n",
                                                               "    weeks: {min: 20, typical: 36, max: 72}\n    visits_per_week: 2\n"),
                      "manual/basics/welcome.nb.md": welcome + "\nBesøk {{ model.phases.follow_up.frequency }}.\n"})
    code, out, _ = run_cli("--root", str(root), "report", "dose", "--format", "json")
    data = json.loads(out)
    visits = next(m for m in data["measures"] if m["measure"] == "home_visits")
    assert (visits["typical"], data["planned"]) == (81, True)
    from manualkit.core.project import load_project
    text = load_project(root, ["base"]).resolutions["base"].manual("nb").module("welcome").markdown()
    assert "Besøk 2 ganger i uken." in text


def test_report_usage_errors(fixture_copy):
    root = fixture_copy("bilingual")
    code, _, err = run_cli("--root", str(root), "report", "dose", "--format", "docx")
    assert code == 2 and err.startswith("manual: the dose report has no format 'docx'\n    hint: formats: md, csv, json")
    code, _, err = run_cli("--root", str(root), "report", "dose", "--variant", "nowhere")
    assert code == 2 and "there is no variant 'nowhere'" in err

"""`manual report delivery`: REDCap exports read back into delivered against planned.

The figures are computed again here, independently, from the same synthetic rows the report reads.
"""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import textwrap
from datetime import date
from pathlib import Path

import pytest

from conftest import FAR_PLAN, SUBGROUP_SESSION, assert_problem, frame, run_cli, write_tree


# The fixture copy is no git repository, so Testby's pin (base_version 1.0.0) cannot be checked out:
# the plan is read from the current manual, and a note says so (as manual build prints it).
PIN_NOTE = ("note: adaptations/testby/adaptation.yml:4: base_version 1.0.0: this folder is not a git repository, so the release "
            "cannot be checked out; reporting on testby from the current manual (1.0.0)\n")


def _rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.fixture
def demo(fixture_copy, tmp_path):
    root = fixture_copy("bilingual")
    folder = tmp_path / "exports-outside"
    code, out, err = run_cli("--root", str(root), "report", "delivery", "--variant", "testby", "--demo", str(folder))
    assert code == 0, err
    assert out == "wrote testby-fidelity.csv and testby-visits.csv (synthetic)\n"
    return root, folder / "testby-fidelity.csv", folder / "testby-visits.csv"


def _report(root: Path, *files: Path, fmt: str = "json", variant: str = "testby") -> tuple[int, str, str]:
    args = ["--root", str(root), "report", "delivery", "--variant", variant, "--lang", "en", "--format", fmt]
    for f in files:
        args += ["--from", str(f)]
    return run_cli(*args)


def _planned_visits(weeks: float) -> float:
    # the bilingual fixture's typical course: start 4 weeks x 2 visits, follow-up 36 x 1, ending 2 x 0.5
    return 2 * min(weeks, 4) + 1 * max(0, min(weeks, 40) - 4) + 0.5 * max(0, min(weeks, 42) - 40)


def _weeks_in(records: list[dict], log: list[dict]) -> tuple[dict[str, float], date]:
    """Each family's weeks in the intervention, from its first recorded date to the last date of the
    exports (at most the fixture's typical course of 42 weeks), and that last date."""
    dates: dict[str, list[date]] = {}
    for r in log:
        dates.setdefault(r["record_id"], []).append(date.fromisoformat(r["vl_date"]))
    for r in records:
        dates.setdefault(r["record_id"], []).extend(date.fromisoformat(v) for k, v in r.items() if k.endswith("_date") and v)
    cut = max(d for ds in dates.values() for d in ds)
    return {rec: min(42, ((cut - min(ds)).days + 1) / 7) for rec, ds in dates.items()}, cut


def test_report_reproduces_adherence_and_dose_computed_from_the_same_rows(demo):
    root, fidelity, visits = demo
    code, out, err = _report(root, fidelity, visits)
    assert (code, err) == (0, PIN_NOTE)
    site = json.loads(out)["sites"][0]
    records, log = _rows(fidelity), _rows(visits)
    assert len(records) == 12

    # adherence of step 1 of session 1, and the minutes it took
    codes = [r["s1_step1"] for r in records if r["s1_step1"]]
    step = site["sessions"][0]["steps"][0]
    assert step["families"] == len(codes)
    assert step["shares"] == {a: round(codes.count(c) / len(codes), 3) for a, c in (("yes", "1"), ("partly", "2"), ("no", "3"))}
    minutes = [int(r["s1_step1_min"]) for r in records if r["s1_step1_min"]]
    assert step["minutes_used"] == round(sum(minutes) / len(minutes), 1)

    # an indicator of the home-visiting checklist
    hv = [r["hv_ind1"] for r in records if r["hv_ind1"]]
    ind = next(i for i in site["indicators"] if i["indicator"] == "safety-plan-reviewed")
    assert ind["shares"]["yes"] == round(hv.count("1") / len(hv), 3)

    # home visits delivered against planned for each family's time in the intervention
    weeks, cut = _weeks_in(records, log)
    planned = {rec: _planned_visits(w) for rec, w in weeks.items()}
    done = {rec: sum(1 for r in log if r["record_id"] == rec and r["vl_type"] == "1") for rec in weeks}
    assert site["dose"]["planned_home_visits"] == round(sum(planned.values()) / len(planned), 1)
    assert site["dose"]["home_visits"] == round(sum(done.values()) / len(done), 1)
    assert site["dose"]["home_visits_ratio"] == round(sum(done.values()) / sum(planned.values()), 3)
    assert site["dose"]["as_of"] == cut.isoformat()


def test_markdown_report_has_no_record_ids_and_suppresses_small_cells(demo, tmp_path):
    root, fidelity, visits = demo
    code, out, _ = _report(root, fidelity, visits, fmt="md")
    assert code == 0
    assert out.startswith("# Delivered against planned: Testby municipality\n")
    assert "| Home visits |" in out and "| Families | 12" not in out
    ids = {r["record_id"] for r in _rows(fidelity)}
    assert not any(i in out for i in ids)
    assert str(fidelity.parent) not in out and fidelity.name not in out
    # four families only: every cell that counts them reads <5
    small = tmp_path / "small.csv"
    lines = fidelity.read_text(encoding="utf-8").splitlines()
    small.write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")
    code, out, _ = _report(root, small, fmt="md")
    assert code == 0
    assert "Families: <5" in out
    assert "| Home visits | <5 | <5 | <5 | <5 | <5 |" not in out  # no visit log: no visit rows at all
    assert "| Home visits | <5 | <5 | <5 |" in out  # the component's row
    assert "%" not in out.split("### Fidelity per core component")[1]
    code, out, _ = _report(root, small, fmt="csv")
    assert "<5" in out and not any(i in out for i in ids)


def test_every_problem_of_an_export_is_reported_with_file_row_and_column(demo, tmp_path):
    root, fidelity, _ = demo
    rows = fidelity.read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    bad = tmp_path / "bad.csv"
    r1 = rows[1].split(",")
    r1[header.index("s1_step1")] = "7"
    r2 = rows[2].split(",")
    r2[0] = ""
    r3 = rows[3].split(",")
    r3[header.index("s1_notes")] = "Ring mor på 41 23 45 67"
    bad.write_text("\n".join([rows[0] + ",favourite_colour", ",".join(r1) + ",", ",".join(r2) + ",", ",".join(r3) + ","]) + "\n",
                   encoding="utf-8")
    code, out, err = _report(root, bad)
    assert code == 1 and out == ""
    col = header.index("s1_step1") + 1
    assert_problem(err, code="E1401", where=f"bad.csv:1:{len(header) + 1}", says="'favourite_colour'")
    said = assert_problem(err, code="E1402", where=f"bad.csv:2:{col}", says="'s1_step1' has the value '7'")
    assert "1 (Yes), 2 (Partly), 3 (No)" in said.message  # the choices it may have
    assert_problem(err, code="E1403", where="bad.csv:3:1", says="no record_id")
    assert_problem(err, code="E1406", where=f"bad.csv:4:{header.index('s1_notes') + 1}", says="holds a phone number")
    assert "41 23 45 67" not in err and str(tmp_path) not in err
    assert re.findall(r"error\[(E\d+)\]", err) == ["E1401", "E1402", "E1403", "E1406"]


def test_a_labels_export_is_read_like_the_raw_one(demo, tmp_path):
    root, fidelity, visits = demo
    from manualkit.core.project import load_project
    from manualkit.outputs.reports.delivery import dictionary
    d = dictionary(load_project(root, ["testby"]).resolved("testby"), "en")
    rows = _rows(fidelity)
    labels = tmp_path / "labels.csv"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([d[k].label for k in rows[0]])
    for r in rows:
        w.writerow([d[k].choices.get(v, v) if d[k].choices else v for k, v in r.items()])
    labels.write_text(buf.getvalue(), encoding="utf-8")
    raw = json.loads(_report(root, fidelity, visits)[1])
    code, out, err = _report(root, labels, visits)
    assert (code, err) == (0, PIN_NOTE), err
    assert json.loads(out)["sites"][0]["sessions"] == raw["sites"][0]["sessions"]


def test_an_export_tracked_by_git_is_refused(demo):
    root, fidelity, _ = demo
    inside = root / "data" / "export.csv"
    write_tree(root, {"data/export.csv": fidelity.read_text(encoding="utf-8")})
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "data/export.csv"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    code, out, err = _report(root, inside)
    assert code == 1 and out == ""
    assert re.findall(r"error\[(E\d+)\]", err) == ["E1407"]
    assert_problem(err, code="E1407", where="export.csv", says="inside the repository's tracked files")
    assert "/exports/" in (root / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_row_level_data_is_never_written_into_build(fixture_copy):
    root = fixture_copy("bilingual")
    code, out, err = run_cli("--root", str(root), "report", "delivery", "--variant", "testby", "--demo", str(root / "build" / "x"))
    assert code == 1 and out == ""
    assert re.findall(r"error\[(E\d+)\]", err) == ["E1410"]
    assert_problem(err, code="E1410", where="x", says="never written into build/")  # the folder by its name only
    assert not (root / "build" / "x").exists()
    code, _, err = run_cli("--root", str(root), "report", "delivery", "--variant", "testby")
    assert code == 2 and "the delivery report reads REDCap exports" in err


def test_demo_is_seeded_and_under_delivers_at_one_site():
    from conftest import REPO
    from manualkit.outputs.reports.delivery_demo import demo_exports
    from manualkit.core.project import load_project
    from manualkit.outputs.reports.delivery import dictionary, figures, read
    project = load_project(REPO, ["base"])
    v = project.resolved("base")
    d, plans = dictionary(v, "en"), v.sessions["en"]
    a = demo_exports(d, v.model, plans, seed=1)
    assert a == demo_exports(d, v.model, plans, seed=1)
    under = demo_exports(d, v.model, plans, seed=1, under=True)
    full = figures(v, "en", read(v, "en", [("a.csv", a[0]), ("b.csv", a[1])], "base")[0])
    low = figures(v, "en", read(v, "en", [("a.csv", under[0]), ("b.csv", under[1])], "base")[0])
    assert full.dose["home_visits_ratio"] > 0.9 > 0.6 > low.dose["home_visits_ratio"]


def test_chart_is_deterministic_svg(demo):
    root, fidelity, visits = demo
    one = _report(root, fidelity, visits, fmt="svg")[1]
    assert one.startswith("<?xml") and "<svg" in one and "Home visits" in one
    assert one == _report(root, fidelity, visits, fmt="svg")[1]


def test_cells_are_checked_against_their_validation():
    from conftest import REPO
    from manualkit.core.delivery import read_export
    from manualkit.core.project import load_project
    from manualkit.outputs.reports.delivery import dictionary
    d = dictionary(load_project(REPO, ["base"]).resolved("base"), "en")
    _e, found = read_export("record_id,s1_date,s1_step1_min,s1_notes\nX1,31.02.2026,twelve,fine\nX2,2026-02-01,12,"
                            "post@example.org\n", "fid.csv", d, "base")
    assert [(p.code, p.line, p.col) for p in found] == [("E1405", 2, 2), ("E1404", 2, 3), ("E1406", 3, 4)]
    assert_problem(found, code="E1404", where="fid.csv:2:3", says="'s1_step1_min' must be a whole number from 0 to 240")
    assert_problem(found, code="E1406", where="fid.csv:3:4", says="'s1_notes' holds an e-mail address")
    _e, found = read_export("record_id,vl_date,vl_type,vl_minutes,vl_partner\nX1,2026-02-01,Home visit,60,Kari Nordmann\n"
                            "12345678911,2026-02-01,1,60,FP01\n", "log.csv", d, "base")
    # a name as the family partner, and a record id that is a national identity number (check digits pass)
    assert [(p.code, p.line, p.col) for p in found] == [("E1409", 2, 5), ("E1406", 3, 1)]
    assert_problem(found, code="E1406", where="log.csv:3:1", says="'record_id' holds a national identity number")
    _e, found = read_export("", "empty.csv", d, "base")
    assert [p.code for p in found] == ["E1408"]
    assert_problem(found, code="E1408", where="empty.csv", says="not a REDCap CSV export")


def test_json_suppresses_small_counts_and_the_visit_log_dictionary_is_redcaps(demo, tmp_path):
    root, fidelity, _ = demo
    small = tmp_path / "small.csv"
    small.write_text("\n".join(fidelity.read_text(encoding="utf-8").splitlines()[:4]) + "\n", encoding="utf-8")
    site = json.loads(_report(root, small)[1])["sites"][0]
    assert site["families"] == "<5"
    assert site["sessions"][0]["steps"][0]["shares"] == "<5" and site["sessions"][0]["families"] == "<5"
    code, out, _ = run_cli("--root", str(root), "report", "delivery", "--format", "redcap")
    assert code == 0
    header, *rows = list(csv.reader(io.StringIO(out)))
    assert len(header) == 18 and [r[0] for r in rows] == ["record_id", "vl_date", "vl_type", "vl_minutes", "vl_partner"]


def test_pdf_holds_the_chart_and_the_tables(demo, tmp_path):
    import pypdf
    root, fidelity, visits = demo
    target = tmp_path / "delivery.pdf"
    code, out, _ = run_cli("--root", str(root), "report", "delivery", "--variant", "testby", "--lang", "en", "--format", "pdf",
                           "--from", str(fidelity), "--from", str(visits), "-o", str(target))
    assert (code, out) == (0, "wrote delivery.pdf\n")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(target).pages)
    assert "Figure 1: Home visits and sessions: delivered against planned" in " ".join(text.split())
    assert "Dose for the time in the intervention" in text and "Families: 12" in text
    assert not any(r["record_id"] in text for r in _rows(fidelity))


def test_all_sites_pool_each_site_against_its_own_plan(fixture_copy, tmp_path):
    root = fixture_copy("bilingual")
    folder = tmp_path / "demo"
    assert run_cli("--root", str(root), "report", "delivery", "--all", "--demo", str(folder))[0] == 0
    sites = sorted(p.name.split("-fidelity")[0] for p in folder.glob("*-fidelity.csv"))
    args = ["--root", str(root), "report", "delivery", "--all", "--lang", "en", "--format", "json"]
    for s in sites:
        args += ["--from", f"{s}={folder / (s + '-fidelity.csv')}", "--from", f"{s}={folder / (s + '-visits.csv')}"]
    code, out, err = run_cli(*args)
    assert (code, err) == (0, PIN_NOTE), err
    data = {s["site"]: s for s in json.loads(out)["sites"]}
    assert set(data) == set(sites) | {"all"}
    n = {s: data[s]["families"] for s in sites}
    planned = sum(data[s]["dose"]["planned_home_visits"] * n[s] for s in sites) / sum(n.values())
    assert abs(data["all"]["dose"]["planned_home_visits"] - planned) < 0.1
    assert data["all"]["families"] == sum(n.values())


def test_a_family_of_a_subgroup_is_compared_with_the_plan_of_its_own_group(fixture_copy, tmp_path):
    """Testby's families far away get a home visit every other week in the follow-up phase: the
    data dictionary asks which group a family is in, and each family's plan is its group's."""
    root = fixture_copy("bilingual")
    adaptation = root / "adaptations/testby/adaptation.yml"
    adaptation.write_text(adaptation.read_text(encoding="utf-8") + (
        "  - id: far-away\n    operation: set\n    target: model\n    field: subgroups.far-away\n    value:\n"
        "      title: {nb: Familier langt unna, en: Families far away}\n"
        "      who: {nb: Familier med over en times reisevei, en: Families more than an hour away}\n"
        "      phases:\n        follow-up: {visits_per_week: 0.5}\n"
        "    justification: {nb: Lang reisevei, en: Long distances}\n") + frame(nature="shortening", fidelity="inconsistent"),
        encoding="utf-8")
    code, out, err = run_cli("--root", str(root), "report", "fidelity", "--variant", "testby", "--lang", "en", "--format", "redcap")
    assert code == 0, err
    group = next(r for r in csv.DictReader(io.StringIO(out)) if r["Variable / Field Name"] == "fp_subgroup")
    assert (group["Form Name"], group["Field Type"]) == ("family_group", "radio")
    assert group["Choices, Calculations, OR Slider Labels"] == "0, No subgroup (follows the model) | 1, Families far away"
    folder = tmp_path / "exports"
    code, _, err = run_cli("--root", str(root), "report", "delivery", "--variant", "testby", "--demo", str(folder))
    assert code == 0, err
    fidelity, visits = folder / "testby-fidelity.csv", folder / "testby-visits.csv"
    records, log = _rows(fidelity), _rows(visits)
    far = {r["record_id"] for r in records if r["fp_subgroup"] == "1"}
    assert 0 < len(far) < len(records)
    code, out, err = _report(root, fidelity, visits)
    assert code == 0, err
    site = json.loads(out)["sites"][0]

    def planned(rec: str, weeks: float) -> float:
        if rec not in far:
            return _planned_visits(weeks)
        return 2 * min(weeks, 4) + 0.5 * max(0, min(weeks, 40) - 4) + 0.5 * max(0, min(weeks, 42) - 40)

    weeks, _cut = _weeks_in(records, log)
    want = {rec: planned(rec, w) for rec, w in weeks.items()}
    assert site["dose"]["planned_home_visits"] == round(sum(want.values()) / len(want), 1)
    # how many families were compared with the subgroup's plan: a count of families, suppressed under five
    assert site["dose"]["subgroups"] == [{"subgroup": "far-away", "title": {"nb": "Familier langt unna", "en": "Families far away"},
                                          "families": "<5" if len(far) < 5 else len(far)}]
    code, out, _ = _report(root, fidelity, visits, fmt="md")
    assert "In the subgroup ‘Families far away’: <5 families, each compared with the group's own plan" in out


def test_a_subgroup_answer_is_its_code_or_its_label_never_yes_or_no(fixture_copy, tmp_path):
    """With two subgroups the group field has three choices, like a yes/partly/no question: "Ja" is
    still no answer to which group a family is in."""
    root = fixture_copy("bilingual")
    group = ("  - id: {id}\n    operation: set\n    target: model\n    field: subgroups.{id}\n    value:\n"
             "      title: {{nb: {nb}, en: {en}}}\n      who: {{nb: Avgjøres ved oppstart, en: Decided at the start}}\n"
             "      phases:\n        follow-up: {{visits_per_week: 0.5}}\n")
    adaptation = root / "adaptations/testby/adaptation.yml"
    adaptation.write_text(adaptation.read_text(encoding="utf-8")
                          + group.format(id="far-away", nb="Langt unna", en="Far away") + frame()
                          + group.format(id="interpreter", nb="Med tolk", en="With an interpreter") + frame(), encoding="utf-8")
    export = tmp_path / "groups.csv"
    export.write_text("record_id,fp_subgroup\nD001,Ja\nD002,With an interpreter\nD003,1\n", encoding="utf-8")
    code, out, err = _report(root, export)
    assert code == 1, out
    refused = [line for line in err.splitlines() if "E1402" in line]
    assert len(refused) == 1 and "groups.csv:2:2" in refused[0] and "'Ja'" in refused[0], err


INTERPRETER = ("id: testby\nname: {nb: Testby kommune, en: Testby municipality}\nbase_version: 1.0.0\nlanguages: [nb, en]\n"
               "changes:\n  - id: interpreter\n" + textwrap.indent(SUBGROUP_SESSION, "    ") + frame(nature="lengthening")
               + "  - id: interpreter-plan\n    operation: insert-section\n    target: session-play#plan\n    where: after\n"
               "    overlay: interpreter-plan\n" + frame(nature="adding"))


def test_a_group_with_its_own_session_plan_is_asked_and_read_against_its_own_steps(fixture_copy, tmp_path):
    """Testby's families with an interpreter have session 1 in 75 minutes, with steps of their own
    (every other family: 60 minutes). The checklist asks for the group's steps only for them, and
    the delivery report's table of sessions reads them against the group's plan, in a row of its own."""
    root = fixture_copy("bilingual")
    write_tree(root, {"adaptations/testby/adaptation.yml": INTERPRETER,
                      "adaptations/testby/overlays/interpreter-plan.nb.md": FAR_PLAN[0],
                      "adaptations/testby/overlays/interpreter-plan.en.md": FAR_PLAN[1]})
    code, out, err = run_cli("--root", str(root), "report", "fidelity", "--variant", "testby", "--lang", "en", "--format", "redcap")
    assert code == 0, err
    rows = [r for r in csv.DictReader(io.StringIO(out)) if r["Form Name"] == "session_play"]
    shown = {r["Variable / Field Name"]: r["Branching Logic (Show field only if...)"] for r in rows}
    assert [f for f in shown if "step" in f] == [f"s1{g}_step{n}{m}" for g in ("", "g1") for n in (1, 2, 3) for m in ("", "_min")]
    assert {shown[f"s1_step{n}"] for n in (1, 2, 3)} == {"[fp_subgroup] <> '1'"}
    assert {shown[f"s1g1_step{n}_min"] for n in (1, 2, 3)} == {"[fp_subgroup] = '1'"}
    assert shown["s1_date"] == shown["s1_ind1"] == ""  # the date and the indicators are every family's
    headers = [r["Section Header"] for r in rows if r["Section Header"]]
    assert headers[:2] == ["Steps of the session for every other family (60 min)",
                           "Steps of the session for ‘With an interpreter’ (75 min)"]
    checks = {r["Variable / Field Name"]: r["Field Annotation"].split(";")[0] for r in rows}
    assert (checks["s1_step1"], checks["s1g1_step1"]) == ("checks: session-play#plan", "checks: session-play#plan-far")
    notes = {r["Variable / Field Name"]: r["Field Note"] for r in rows}
    assert (notes["s1_step2"], notes["s1g1_step2"]) == ("Planned: 40 min", "Planned: 45 min")
    code, out, err = run_cli("--root", str(root), "report", "fidelity", "--variant", "testby", "--lang", "en", "--format", "md")
    assert code == 0, err
    pdf = root / "checklists.pdf"
    code, _, err = run_cli("--root", str(root), "report", "fidelity", "--variant", "testby", "--lang", "en", "--format", "pdf", "-o", str(pdf))
    assert code == 0, err
    import pypdf
    printed = " ".join(" ".join(p.extract_text().split()) for p in pypdf.PdfReader(str(pdf)).pages)
    assert "Steps of the session for every other family (60 min) No. Step Yes Partly No Minutes used 1 Welcome Planned: 10 min" in printed
    assert "Steps of the session for ‘With an interpreter’ (75 min) No. Step Yes Partly No Minutes used 1 Welcome Planned: 15 min" in printed
    assert "The families in the group ‘With an interpreter’ have the session in 75 minutes, with steps of their own." in printed
    assert ("Fields `s1g1_step1`–`s1g1_step3_min` are shown only for the families in the group ‘With an interpreter’ "
            "(`fp_subgroup` = 1); every other family fills in `s1_step1`–`s1_step3_min`.") in out

    # ten families, five of them with an interpreter, each with the steps of its own plan
    header = ["record_id", "fp_subgroup", "s1_date"] + [f"s1{g}_step{n}{m}" for g in ("", "g1") for n in (1, 2, 3) for m in ("", "_min")]
    lines = [",".join(header)]
    used = {"": [], "g1": []}
    for k in range(10):
        group = "g1" if k >= 5 else ""
        minutes = [15 + k % 3, 45 + k % 2, 15] if group else [10 + k % 2, 40 - k % 3, 10]
        used[group].append(sum(minutes))
        cells = {"record_id": f"F{k + 1:02d}", "fp_subgroup": "1" if group else "0", "s1_date": f"2026-03-{k + 2:02d}"}
        for n, m in enumerate(minutes, 1):
            cells[f"s1{group}_step{n}"], cells[f"s1{group}_step{n}_min"] = ("2" if n == 3 and k % 5 == 0 else "1"), str(m)
        lines.append(",".join(cells.get(h, "") for h in header))
    export = tmp_path / "testby-fidelity.csv"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = _report(root, export)
    assert code == 0, err
    sessions = json.loads(out)["sites"][0]["sessions"]
    assert [(s["module"], s["subgroup"], s["planned_minutes"], s["families"]) for s in sessions] == [
        ("session-play", "", 60, 5), ("session-play", "far", 75, 5)]
    for s, group in zip(sessions, ("", "g1")):
        assert s["minutes_used"] == round(sum(used[group]) / 5, 1)
    assert [(st["title"], st["planned_minutes"]) for st in sessions[1]["steps"]] == [("Welcome", 15), ("Play and talk", 45), ("Closing", 15)]
    assert sessions[1]["steps"][2]["shares"] == {"yes": 0.8, "partly": 0.2, "no": 0.0}
    code, out, err = _report(root, export, fmt="md")
    assert code == 0, err
    assert "| Session 1: Play together |  | 60 | 59.6 | 5 |" in out
    assert "| Session 1: Play together – With an interpreter |  | 75 | 76.6 | 5 |" in out
    assert "|  | 1. Welcome | 15 | 16 | 5 | 100 % | 0 % | 0 % |" in out
    code, out, err = _report(root, export, fmt="csv")
    assert code == 0, err
    assert "testby,1.0.0,session_minutes,session-play/far,5,75," in out

    # steps of the other plan, which REDCap would not have asked for: never left out without a word
    def edit(line: str, **cells: str) -> str:
        parts = line.split(",")
        for name, value in cells.items():
            parts[header.index(name)] = value
        return ",".join(parts)
    wrong = lines[:]
    wrong[1] = edit(lines[1], s1g1_step3_min="20")  # F01, no group, and a minute count among the group's steps
    wrong[7] = edit(lines[7], s1_step1_min="5")  # F07, with an interpreter, and one among everyone else's
    wrong[10] = edit(lines[10], fp_subgroup="")  # F10: the group's steps, but no group
    export.write_text("\n".join(wrong) + "\n", encoding="utf-8")
    code, out, err = _report(root, export)
    assert code == 1 and out == ""
    assert_problem(err, code="E1411", where=f"testby-fidelity.csv:2:{header.index('s1g1_step3_min') + 1}",
                   says="'s1g1_step3_min' is filled in, but REDCap asks for it only when [fp_subgroup] = '1'; "
                        "for this family fp_subgroup is '0'", hint="set fp_subgroup for this family in REDCap, or empty the cell")
    assert_problem(err, code="E1411", where=f"testby-fidelity.csv:8:{header.index('s1_step1_min') + 1}",
                   says="'s1_step1_min' is filled in, but REDCap asks for it only when [fp_subgroup] <> '1'; for this family fp_subgroup is '1'")
    assert_problem(err, code="E1411", where=f"testby-fidelity.csv:11:{header.index('s1g1_step1') + 1}",
                   says="'s1g1_step1' is filled in, but REDCap asks for it only when [fp_subgroup] = '1'; for this family fp_subgroup is empty")
    assert re.findall(r"error\[(E\d+)\]", err) == ["E1411"] * 8  # F10's six cells, each at its own column

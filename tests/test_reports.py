"""Research reports generated from the intervention model: what a researcher reads in them."""
from __future__ import annotations

import csv
import re
import io
import json

from conftest import REPO, assert_problem, run_cli, write_tree


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_dose_all_shows_lillehammers_lower_follow_up_frequency_for_its_subgroup_only():
    code, out, err = run_cli("--root", str(REPO), "report", "dose", "--all", "--format", "csv")
    assert code == 0, err
    # until 0.2.0 is tagged, the municipalities pinned to it are reported on from the current manual, as built
    assert all(line.startswith("note: adaptations/") and "from the current manual" in line for line in err.splitlines()), err
    rows = {(r["variant"], r["measure"]): r for r in _csv(out)}
    assert {v for v, _m in rows} == {"base", "lillehammer", "ovre-eiker"}
    # the families far from the office are a subgroup: every other family of Lillehammer follows the base model
    assert rows[("lillehammer", "phase.follow-up.visits_per_week")]["difference_typical"] == "0"
    assert rows[("lillehammer", "home_visits")]["difference_typical"] == "0"
    group = rows[("lillehammer", "subgroup.far-from-office.phase.follow-up.visits_per_week")]
    assert (group["typical"], group["base_typical"], group["difference_typical"]) == ("0.5", "1", "-0.5")
    calls = rows[("lillehammer", "subgroup.far-from-office.phase.follow-up.calls_per_week")]
    assert (calls["typical"], calls["base_typical"]) == ("0.5", "1")
    assert rows[("lillehammer", "subgroup.far-from-office.phase.follow-up.call_minutes")]["typical"] == "30"
    visits = rows[("lillehammer", "subgroup.far-from-office.home_visits")]
    # 22 typical weeks of follow-up at one visit every other week instead of every week: 11 fewer visits
    assert (visits["typical"], visits["base_typical"], visits["difference_typical"]) == ("33", "44", "-11")
    assert not any(m.startswith("subgroup.") for v, m in rows if v == "base")
    # Øvre Eiker: session 7 lasts 90 minutes instead of 75 for the families with an interpreter only,
    # and the visit that holds it is 15 minutes longer for them (a quarter of an hour more home visits)
    assert rows[("ovre-eiker", "session_minutes")]["difference_typical"] == "0"
    session = rows[("ovre-eiker", "subgroup.with-interpreter.session.session-stress-and-conflict")]
    assert (session["typical"], session["base_typical"]) == ("90", "75")
    assert rows[("ovre-eiker", "subgroup.with-interpreter.session_minutes")]["difference_typical"] == "15"
    assert rows[("ovre-eiker", "subgroup.with-interpreter.visit_hours")]["difference_typical"] == "0.2"  # rounded to 0.1
    assert rows[("ovre-eiker", "subgroup.with-interpreter.home_visits")]["difference_typical"] == "0"
    assert rows[("ovre-eiker", "phase.follow-up.visits_per_week")]["difference_typical"] == "0"
    assert rows[("base", "weeks")]["min"] == "26" and rows[("base", "weeks")]["max"] == "78"


def test_dose_report_markdown_of_a_variant(fixture_copy):
    root = fixture_copy("bilingual")
    code, out, _ = run_cli("--root", str(root), "report", "dose", "--variant", "testby", "--lang", "en")
    assert code == 0
    assert out.startswith("# Planned dose per family: Testby municipality\n\nBased on the base manual, version 1.0.0, unreleased.\n\n"
                          "All figures are planned values")
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
    assert "Besøk to ganger i uken." in text


def test_report_usage_errors(fixture_copy):
    root = fixture_copy("bilingual")
    code, _, err = run_cli("--root", str(root), "report", "dose", "--format", "docx")
    assert code == 2 and err.startswith("manual: the dose report has no format 'docx'\n    hint: formats: md, csv, json")
    code, _, err = run_cli("--root", str(root), "report", "dose", "--variant", "nowhere")
    assert code == 2 and "there is no variant 'nowhere'" in err


# REDCap's data dictionary format (the 18 columns, as REDCap's own template lists them) and its rules
REDCAP_COLUMNS = [
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number",
    "Text Validation Min", "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
    "Required Field?", "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name", "Matrix Ranking?",
    "Field Annotation"]
FIELD_TYPES = {"text", "notes", "dropdown", "radio", "checkbox", "file", "calc", "sql", "descriptive", "slider",
               "yesno", "truefalse"}
VALIDATIONS = {"", "date_dmy", "date_mdy", "date_ymd", "datetime_dmy", "email", "integer", "number", "phone", "time", "zipcode"}


def check_redcap(text: str, lang: str) -> list[dict]:
    import re
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    assert header == REDCAP_COLUMNS
    rows = [dict(zip(header, r)) for r in reader]
    assert all(len(r) == 18 for r in rows)
    names = [r["Variable / Field Name"] for r in rows]
    assert names[0] == "record_id"
    assert len(names) == len(set(names)), "field names must be unique"
    for r in rows:
        name, form = r["Variable / Field Name"], r["Form Name"]
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name) and len(name) <= 26, name
        assert re.fullmatch(r"[a-z][a-z0-9_]*", form) and len(form) <= 64, form
        assert r["Field Type"] in FIELD_TYPES
        assert r["Field Label"].strip()
        assert r["Text Validation Type OR Show Slider Number"] in VALIDATIONS
        if r["Text Validation Min"] or r["Text Validation Max"]:
            assert r["Text Validation Type OR Show Slider Number"] in ("integer", "number")
        assert r["Identifier?"] in ("", "y") and r["Required Field?"] in ("", "y") and r["Matrix Ranking?"] in ("", "y")
        if r["Field Type"] in ("radio", "dropdown", "checkbox"):
            choices = r["Choices, Calculations, OR Slider Labels"].split(" | ")
            codes = [c.split(", ", 1)[0] for c in choices]
            assert all(re.fullmatch(r"\d+, \S.*", c) for c in choices) and len(set(codes)) == len(codes), choices
        else:
            assert r["Choices, Calculations, OR Slider Labels"] == ""
    choices_of = {r["Variable / Field Name"]: [c.split(", ", 1)[0] for c in r["Choices, Calculations, OR Slider Labels"].split(" | ")]
                  for r in rows if r["Field Type"] == "radio"}
    for r in rows:  # branching logic names a radio field of the dictionary and one of its codes
        for cond in filter(None, re.split(r" and ", r["Branching Logic (Show field only if...)"])):
            m = re.fullmatch(r"\[([a-z][a-z0-9_]*)\] (=|<>) '(\d+)'", cond)
            assert m and m.group(1) in choices_of and m.group(3) in choices_of[m.group(1)], (r["Variable / Field Name"], cond)
    forms = [r["Form Name"] for r in rows]
    seen: list[str] = []
    for f in forms:  # the fields of one instrument are contiguous
        if not seen or seen[-1] != f:
            assert f not in seen, f"instrument {f} is split"
            seen.append(f)
    # a partial language (Nynorsk) has the Bokmål words of the toolkit, as its untranslated pages do
    yes = {"nb": "1, Ja | 2, Delvis | 3, Nei", "nn": "1, Ja | 2, Delvis | 3, Nei", "en": "1, Yes | 2, Partly | 3, No"}[lang]
    assert sum(r["Choices, Calculations, OR Slider Labels"] == yes for r in rows) > 10
    return rows


def test_redcap_dictionary_of_every_variant_follows_the_format():
    from manualkit.core.project import load_project
    from manualkit.outputs.reports.fidelity import redcap

    project = load_project(REPO, None)
    for vid, variant in project.resolutions.items():
        for lang in variant.languages:
            rows = check_redcap(redcap(variant, lang), lang)
            forms = list(dict.fromkeys(r["Form Name"] for r in rows))
            # one instrument per session, one per core component, one for the frame, and, in the two
            # municipalities with subgroups of families, which group a family is in
            assert len(forms) == 8 + 3 + 1 + (vid in ("lillehammer", "ovre-eiker")), (vid, lang, forms)
            group = [r for r in rows if r["Variable / Field Name"] == "fp_subgroup"]
            assert (group[0]["Choices, Calculations, OR Slider Labels"].split(" | ")[1] if group else "") == (
                {"lillehammer": {"nb": "1, Familier med lang reisevei", "nn": "1, Familier med lang reisevei",
                                 "en": "1, Families far from the office"},
                 "ovre-eiker": {"nb": "1, Familier som har økt 7 med tolk", "en": "1, Families who have session 7 with an interpreter"},
                 }.get(vid, {}).get(lang, ""))
            steps = [r for r in rows if r["Form Name"] == "session_daily_routines" and r["Field Type"] == "radio"
                     and r["Variable / Field Name"].startswith("s4_step")]
            assert len(steps) == 7
            notes = [r["Field Note"] for r in steps]
            assert notes[0] == ({"nb": "Planlagt: {} min", "nn": "Planlagt: {} min", "en": "Planned: {} min"}[lang]
                                .format(5 if vid == "lillehammer" else 10)), (vid, notes)


def test_fidelity_checklist_pdf_has_steps_indicators_and_room_to_write(fixture_copy):
    import pypdf
    root = fixture_copy("bilingual")
    code, out, _ = run_cli("--root", str(root), "report", "fidelity", "--format", "pdf", "--variant", "testby",
                           "-o", str(root / "checklists.pdf"))
    assert (code, out) == (0, "wrote checklists.pdf\n")
    reader = pypdf.PdfReader(root / "checklists.pdf")
    pages = [" ".join(p.extract_text().split()) for p in reader.pages]
    assert len(pages) == 3  # the session, and the two core components
    assert pages[0].startswith("Sjekkliste for programtro – Økt 1: Lek sammen Fylles ut av familiepartneren etter økten "
                               "(45 minutter planlagt).")
    assert "1 Velkommen Planlagt: 5 min 2 Lek og samtale Planlagt: 30 min 3 Avslutning Planlagt: 10 min" in pages[0]
    assert "Minutter brukt" in pages[0] and "Forelderen har øvd på lek i økten" in pages[0] and "Merknader" in pages[0]
    assert pages[1].startswith("Sjekkliste for programtro – Hjemmebesøk")
    assert "Sikkerhetsplanen er gjennomgått ved hvert besøk" in pages[1]
    assert reader.metadata.title == "Sjekklister for programtro: Testby kommune"


def test_costs_from_unit_costs_the_municipality_sets(fixture_copy):
    root = fixture_copy("bilingual")
    adaptation = (root / "adaptations/testby/adaptation.yml").read_text(encoding="utf-8")
    (root / "adaptations/testby/adaptation.yml").write_text(adaptation.replace(
        "variables:\n", "variables:\n  cost:\n    hourly_rate: 650\n    travel_per_visit: 120\n"), encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "report", "costs", "--variant", "testby", "--format", "csv")
    assert code == 0
    rows = {r["item"]: r for r in _csv(out)}
    assert set(rows) >= {"hours.contact", "hours.travel", "hours.preparation", "hours.documentation", "hours.coordination",
                         "hours.supervision", "hours.total", "cost.per_family", "cost.per_caseload"}
    total = float(rows["hours.total"]["typical"])
    # 45 home visits in the typical plan (see the dose report), 30 minutes of travel each
    assert rows["hours.travel"]["typical"] == "22.5"
    assert abs(float(rows["cost.per_family"]["typical"]) - (total * 650 + 45 * 120)) < 650 * 0.1
    assert float(rows["cost.per_caseload"]["typical"]) == float(rows["cost.per_family"]["typical"]) * 5
    assert all(r["planned"] == "yes" for r in rows.values())
    code, out, _ = run_cli("--root", str(root), "report", "costs")
    assert "| Planlagt kostnad per familie | [fyll inn: cost.hourly_rate, cost.travel_per_visit] |" in out
    code, out, _ = run_cli("--root", str(root), "report", "costs", "--format", "csv")
    base = {r["item"]: r for r in _csv(out)}
    assert (base["cost.per_family"]["typical"], base["cost.per_family"]["note"]) == (
        "", "[fyll inn: cost.hourly_rate, cost.travel_per_visit]")


def test_tidier_pdf_of_every_variant_has_all_twelve_items():
    import pypdf
    from manualkit.core.project import load_project
    from manualkit.outputs.reports.tidier import TITLES, pdf

    project = load_project(REPO, None)
    for vid, variant in project.resolutions.items():
        for lang in variant.languages:
            reader = pypdf.PdfReader(io.BytesIO(pdf(variant, lang)))
            text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
            words = "en" if lang == "en" else "nb"  # Nynorsk reads the Bokmål words (a partial language)
            for n, title in enumerate(TITLES[words], 1):
                assert f"{n}. {title}" in text, (vid, lang, n, title)
            assert reader.metadata.title.startswith({"nb": "TIDieR-beskrivelse: ", "en": "TIDieR description: "}[words])
    lille = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf(project.resolutions["lillehammer"], "en"))).pages)
    lille = " ".join(lille.split())
    assert "Follow-up: 22 weeks (typical), home visits every week of 75 minutes" in lille
    assert ("Families far from the office: Families living in the outer parts of the municipality" in lille
            and "In the phase ‘Follow-up’, a home visit every second week and a call of 30 minutes every second week; "
                "33 home visits in a typical course (other families: 44)." in lille)


def test_tidier_items_cite_their_modules(fixture_copy):
    root = fixture_copy("bilingual")
    code, out, _ = run_cli("--root", str(root), "report", "tidier", "--variant", "testby", "--format", "json", "--lang", "en")
    data = json.loads(out)
    assert [i["number"] for i in data["items"]] == list(range(1, 13))
    by = {i["title"]: i for i in data["items"]}
    assert [s["module"] for s in by["What (procedures)"]["sources"]] == ["safety", "session-play"]
    assert by["Modifications"]["lines"][0] == "Shorter steps in the session (Shortening/condensing; Fidelity-inconsistent)"
    assert by["How well (actual)"]["text"][0].startswith("Not available yet")
    assert "Planned per family: 45 home visits (at least 29, at most 81)" in by["When and how much"]["text"][0]


def test_complete_ledger_has_codes_labels_and_justification_in_the_page_language():
    code, out, _ = run_cli("--root", str(REPO), "report", "ledger", "--variant", "lillehammer", "--format", "csv", "--lang", "nb")
    assert code == 0
    rows = {r["change"]: r for r in _csv(out)}
    rural = rows["visit-frequency-rural"]
    assert (rural["fidelity"], rural["fidelity_label"]) == ("inconsistent", "Ikke i tråd med programtroskap")
    assert (rural["nature"], rural["nature_label"], rural["core"]) == ("spreading", "Spredt over flere økter", "yes")
    assert rural["justification"].startswith("Familier i de ytre delene av kommunen bor langt fra kontoret.")
    assert rural["justification_language"] == "nb"
    assert rural["source"] == "adaptations/lillehammer/adaptation.yml:36" and rural["review"] == "reviewed"
    assert list(rows)[:2] == ["visit-frequency-rural", "follow-up-visits-every-other-week"]  # inconsistent first
    model_row = rows["follow-up-visits-every-other-week"]
    assert (model_row["target"], model_row["field"]) == ("model", "subgroups.far-from-office")
    assert json.loads(model_row["value"])["phases"] == {"follow-up": {"visits_per_week": 0.5, "calls_per_week": 0.5}}
    code, out, _ = run_cli("--root", str(REPO), "report", "ledger", "--all", "--format", "csv", "--lang", "en")
    every = _csv(out)
    assert {r["variant"] for r in every} == {"lillehammer", "ovre-eiker"}
    assert next(r for r in every if r["change"] == "visit-frequency-rural")["justification"].startswith(
        "Families in the outer parts of the municipality")


def test_ledger_gives_what_was_modified_context_and_nature_their_own_columns():
    """FRAME's structure: what is modified, then the context changed and the nature of a content change,
    each in its own column; a column that does not apply is empty in CSV, JSON and Markdown alike."""
    code, out, _ = run_cli("--root", str(REPO), "report", "ledger", "--variant", "ovre-eiker", "--format", "csv", "--lang", "en")
    assert code == 0
    rows = {r["change"]: r for r in _csv(out)}
    cols = ("modified", "context", "context_label", "nature", "nature_label")
    assert tuple(rows["parent-groups"][c] for c in cols) == ("context", "format", "Format", "", "")
    assert tuple(rows["interpreter-stress-plan"][c] for c in cols) == ("content", "", "", "lengthening", "Lengthening/extending")
    assert tuple(rows["shared-supervisor"][c] for c in cols) == ("implementation-and-scale-up", "", "", "", "")
    assert tuple(rows["regional-training"][c] for c in cols) == ("training-and-evaluation", "", "", "", "")
    # a core section replaced and coded fidelity-consistent with its reason: coded once, consistent
    assert (rows["interpreter-stress-plan"]["core"], rows["interpreter-stress-plan"]["fidelity"]) == ("yes", "consistent")
    code, out, _ = run_cli("--root", str(REPO), "report", "ledger", "--variant", "ovre-eiker", "--format", "json", "--lang", "en")
    by = {c["change"]: c for c in json.loads(out)["changes"]}
    assert {k: by["parent-groups"][k] for k in cols} == dict(zip(cols, ("context", "format", "Format", "", "")))
    code, out, _ = run_cli("--root", str(REPO), "report", "ledger", "--variant", "ovre-eiker", "--lang", "en")
    block = out[out.index("## parent-groups"):out.index("## ", out.index("## parent-groups") + 3)]
    assert "| modified | Context (context) |\n| level | Cohort (cohort) |\n| context | Format (format) |\n| nature |  |\n" in block
    code, out, _ = run_cli("--root", str(REPO), "adaptations", "--all", "--format", "csv")
    assert "ovre-eiker,parent-groups,insert-section,parent-training-overview#format,parent-training,context,format,,unknown" in out


def test_justification_in_one_language_only_is_a_warning_and_falls_back(fixture_copy):
    root = fixture_copy("bilingual")
    path = root / "adaptations/testby/adaptation.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "    justification: {nb: Samme steg med kortere tid, en: The same steps with less time}\n",
        "    justification: {nb: Samme steg med kortere tid}\n"), encoding="utf-8")
    code, out, err = run_cli("--root", str(root), "check")
    assert_problem(out, code="W1115", where="adaptations/testby/adaptation.yml:55:20",
                   says="the justification of change 'shorter-session-plan' is not written in en")
    code, out, _ = run_cli("--root", str(root), "report", "ledger", "--variant", "testby", "--format", "json", "--lang", "en")
    change = json.loads(out)["changes"][0]
    assert (change["justification"], change["justification_language"]) == ("Samme steg med kortere tid", "nb")


def test_build_writes_reports_and_the_site_links_them(fixture_copy):
    import shutil
    from manualkit.core.project import load_project
    from manualkit.outputs.runner import build_all

    root = fixture_copy("bilingual")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    model = root / "manual/intervention.yml"
    model.write_text(model.read_text(encoding="utf-8").replace("caseload_max: 5", "caseload_max: 4"), encoding="utf-8")
    project = load_project(root, ["base", "testby"])
    log = io.StringIO()
    failures = build_all([project.resolutions["testby"]], root / "build", ["tidier", "fidelity", "dose", "costs", "ledger", "site"], log)
    assert failures == [], log.getvalue()
    reports = root / "build/testby/reports"
    assert sorted(p.name for p in (reports / "dose").iterdir()) == [
        "dose.en.csv", "dose.en.json", "dose.en.md", "dose.nb.csv", "dose.nb.json", "dose.nb.md"]
    # the model change reaches the TIDieR item in the same build
    tidier = json.loads((reports / "tidier/tidier.en.json").read_text(encoding="utf-8"))
    assert "A family partner has at most 4 families." in tidier["items"][7]["text"][0]
    site = root / "build/testby/site"
    for page, lang in (("training/for-researchers.html", "nb"), ("en/training/for-researchers.html", "en")):
        html = (site / page).read_text(encoding="utf-8")
        hrefs = re.findall(r'href="([^"]*reports/[^"]*)"', html)
        assert len(hrefs) == 13, hrefs
        for href in hrefs:
            assert (site / page).parent.joinpath(href).resolve().is_file(), href
        assert f"reports/{lang}/fidelity/fidelity-redcap.csv" in " ".join(hrefs)
    assert "For forskere" in (site / "index.html").read_text(encoding="utf-8")


def test_costs_of_lillehammers_subgroup_are_its_own_hours():
    code, out, err = run_cli("--root", str(REPO), "report", "costs", "--variant", "lillehammer", "--format", "csv")
    assert code == 0, err
    rows = {r["item"]: r for r in _csv(out)}
    everyone, far = float(rows["hours.total"]["typical"]), float(rows["subgroup.far-from-office.hours.total"]["typical"])
    # fewer visits (and their travel, preparation and notes): fewer planned hours than the other families'
    assert 0 < far < everyone
    # the unit costs are not filled in yet: the cost says so instead of a figure
    assert rows["subgroup.far-from-office.cost.per_family"]["typical"] == ""
    assert "cost.hourly_rate" in rows["subgroup.far-from-office.cost.per_family"]["note"]


def test_the_codebook_names_the_subgroup_field_where_the_model_has_subgroups():
    from manualkit.core.project import load_project
    from manualkit.outputs.reports.fidelity import codebook

    project = load_project(REPO, ["base", "lillehammer"])
    lille = codebook(project.resolutions["lillehammer"], "en")
    assert "## Subgroup\n\nInstrument: `family_group`" in lille
    assert "| `fp_subgroup` | The family's group in the plan | radio | 0, No subgroup (follows the model) \\| 1, Families far from the office |" in lille
    assert "fp_subgroup" not in codebook(project.resolutions["base"], "en")

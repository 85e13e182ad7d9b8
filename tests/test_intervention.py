"""The intervention model: loading, timed session steps in every language and variant, model changes."""
from __future__ import annotations

from conftest import REPO, assert_problem, frame, write_tree
from manualkit.core.project import load_project

ADAPT = "adaptations/testby/adaptation.yml"
HEAD = """\
id: testby
name: {nb: Testby kommune, en: Testby municipality}
base_version: 1.0.0
languages: [nb, en]
changes:
"""
FRAME = frame(nature="shortening", fidelity="unknown", reasons="{nb: Lokale forhold, en: Local conditions}")


def test_repository_manual_sessions_add_up_in_every_language_and_variant():
    project = load_project(REPO, None)
    assert [p for p in project.errors] == []
    seen = 0
    # nb and en everywhere; the base manual also has Nynorsk, a partial language whose sessions
    # fall back to Bokmål where no Nynorsk text exists yet, so it also has all eight plans
    assert {variant: sorted(rv.sessions) for variant, rv in project.resolutions.items()} == {
        "base": ["en", "nb", "nn"], "lillehammer": ["en", "nb"], "ovre-eiker": ["en", "nb"]}
    for variant, rv in project.resolutions.items():
        assert rv.model is not None
        for lang, plans in rv.sessions.items():
            assert len(plans) == 8, (variant, lang)
            for plan in plans:
                assert plan.step_minutes == plan.duration_minutes, (variant, lang, plan.module)
                seen += 1
    assert seen == (3 + 2 + 2) * 8
    lille = {p.module: p.duration_minutes for p in project.resolutions["lillehammer"].sessions["nb"]}
    eiker = {p.module: p.duration_minutes for p in project.resolutions["ovre-eiker"].sessions["en"]}
    assert (lille["session-daily-routines"], eiker["session-stress-and-conflict"]) == (60, 75)
    # Øvre Eiker's 90 minutes are for the families who have session 7 with an interpreter: a
    # subgroup, with the steps of its own plan section adding up to them in both languages
    rv = project.resolutions["ovre-eiker"]
    assert rv.model.subgroup("with-interpreter").sessions == {"session-stress-and-conflict": 90}
    for lang, plans in rv.sessions.items():
        plan = next(p for p in plans if p.module == "session-stress-and-conflict")
        own = plan.for_group("with-interpreter", 90)
        assert own is not None and own.step_minutes == 90 and len(own.steps) == len(plan.steps) == 8, lang
        assert own.origin == f"adaptations/ovre-eiker/overlays/interpreter-stress-plan.{lang}.md"
    # and the text takes the 90 from the model
    for lang, words in (("nb", "varer da 90 minutter"), ("en", "lasts 90 minutes")):
        mod = next(m for p in rv.manuals[lang].parts for m in p.modules if m.id == "session-stress-and-conflict")
        assert words in " ".join(next(s.text for s in mod.sections if s.id == "plan-with-interpreter").split())


def test_repository_phases_fit_six_to_eighteen_months():
    model = load_project(REPO, ["base"]).resolutions["base"].model
    assert (model.total_weeks("min"), model.total_weeks("max")) == (26, 78)
    assert model.caseload_max == 5


def test_shortened_session_without_new_steps_is_an_error_at_the_step_list(fixture_copy):
    root = fixture_copy("bilingual")
    adaptation = (root / ADAPT).read_text(encoding="utf-8")
    # drop the change that shortens the steps: only duration_minutes: 45 is left
    (root / ADAPT).write_text(adaptation.split("  - id: shorter-session-plan")[0], encoding="utf-8")
    problems = [p for p in load_project(root, None).problems if p.code == "E1101"]
    assert [(p.path, p.line) for p in problems] == [("manual/training/session-play.en.md", 19),
                                                    ("manual/training/session-play.nb.md", 22)]
    for where in ("manual/training/session-play.en.md:19", "manual/training/session-play.nb.md:22"):
        said = assert_problem(problems, code="E1101", where=where, says="60 minutes (10 + 40 + 10)")
        assert "45 minutes in variant testby" in said.message  # the duration the steps should add up to


def test_step_list_from_an_overlay_is_checked_at_the_overlay_line(fixture_copy):
    root = fixture_copy("bilingual")
    write_tree(root, {"adaptations/testby/overlays/shorter-play.en.md":
                      "## Step-by-step plan {#plan .core}\n\n1. Welcome (5 min)\n2. Play and talk (35 min)\n3. Closing (10 min)\n"})
    problems = [p for p in load_project(root, None).problems if p.code == "E1101"]
    assert [(p.path, p.line) for p in problems] == [("adaptations/testby/overlays/shorter-play.en.md", 3)]
    said = assert_problem(problems, code="E1101", where="adaptations/testby/overlays/shorter-play.en.md:3",
                          says="50 minutes (5 + 35 + 10)")
    assert "45 minutes in variant testby" in said.message


def test_model_set_changes_text_values_and_dose(fixture_copy):
    root = fixture_copy("bilingual")
    text = (root / "manual/basics/welcome.nb.md").read_text(encoding="utf-8")
    write_tree(root, {
        "manual/basics/welcome.nb.md": text + "\nI oppfølgingen er det besøk {{ model.phases.follow_up.frequency }}, "
                                              "med inntil {{ model.caseload_max }} familier.\n",
        ADAPT: HEAD + "  - id: fewer-visits\n    operation: set\n    target: model\n"
                      "    field: phases.follow-up.visits_per_week\n    value: 0.5\n" + FRAME,
    })
    project = load_project(root, None)
    base, testby = project.resolutions["base"], project.resolutions["testby"]
    assert base.model.phase("follow-up").visits_per_week == 1
    assert testby.model.phase("follow-up").visits_per_week == 0.5
    assert "besøk hver uke, med inntil 5 familier" in base.manual("nb").module("welcome").markdown()
    assert "besøk hver andre uke, med inntil 5 familier" in testby.manual("nb").module("welcome").markdown()
    change = testby.manual("en").changes[0]
    assert (change.target_title, change.field, change.value) == ("Intervention model: phases.follow-up.visits\\_per\\_week",
                                                                 "phases.follow-up.visits_per_week", "0.5")


def test_model_set_on_a_field_that_does_not_exist(fixture_copy):
    root = fixture_copy("bilingual")
    write_tree(root, {ADAPT: HEAD + "  - id: x\n    operation: set\n    target: model\n"
                                    "    field: phases.follow-up.visit_per_week\n    value: 0.5\n" + FRAME})
    assert_problem(load_project(root, None).problems, code="E1104", where=f"{ADAPT}:9",
                   says="no field 'phases.follow-up.visit_per_week'", hint="did you mean 'visits_per_week'?")


def test_model_set_that_breaks_the_duration_frame(fixture_copy):
    root = fixture_copy("bilingual")
    write_tree(root, {ADAPT: HEAD + "  - id: x\n    operation: set\n    target: model\n"
                                    "    field: phases.follow-up.weeks.max\n    value: 90\n" + FRAME})
    said = assert_problem(load_project(root, None).problems, code="E1107", where=f"{ADAPT}:10", says="26 to 96 weeks")
    assert "(26–78 weeks)" in said.message  # the frame they break


def test_settable_fields_of_a_module_are_still_checked(fixture_copy):
    root = fixture_copy("bilingual")
    write_tree(root, {ADAPT: HEAD + "  - id: x\n    operation: set\n    target: session-play\n"
                                    "    field: duration\n    value: 50\n" + FRAME})
    assert_problem(load_project(root, None).problems, code="E203", where=f"{ADAPT}:9", says="'changes[0].field' cannot be 'duration'")


def test_two_changes_to_the_same_model_field(fixture_copy):
    root = fixture_copy("bilingual")
    one = "operation: set\n    target: model\n    field: phases.follow-up.visits_per_week\n"
    write_tree(root, {ADAPT: HEAD + f"  - id: a\n    {one}    value: 0.5\n" + FRAME + f"  - id: b\n    {one}    value: 2\n" + FRAME})
    said = assert_problem(load_project(root, None).problems, code="E1004", where=f"{ADAPT}:27",
                          says="'model: phases.follow-up.visits_per_week'")
    assert "change 'b'" in said.message and "change 'a'" in said.message  # which change comes second, and which first


def test_model_change_without_a_model(fixture_copy):
    root = fixture_copy("bilingual")
    (root / "manual/intervention.yml").unlink()
    write_tree(root, {ADAPT: HEAD + "  - id: a\n    operation: set\n    target: model\n    field: caseload_max\n    value: 4\n" + FRAME})
    assert_problem(load_project(root, None).problems, code="E1104", where=f"{ADAPT}:8", says="'caseload_max'",
                   hint="manual/intervention.yml is missing")


def test_repository_thresholds_come_from_the_model():
    """The thresholds chapter takes its figures from the model (intervention.yml: thresholds)."""
    base = load_project(REPO, ["base"]).resolutions["base"]
    weeks, visits = base.model.thresholds["child_unseen_weeks"], base.model.thresholds["missed_visits_in_row"]
    nb = base.manual("nb").module("thresholds").markdown()
    en = base.manual("en").module("thresholds").markdown()
    assert f"på {weeks:g} uker" in nb and f"Når {visits:g} planlagte besøk på rad" in nb
    assert f"{visits:g} planned visits in a row" in en
    assert "Ikke kontrollert mot Lovdata ennå" in nb and "Not yet checked against Lovdata" in en


def test_model_thresholds_can_be_set_and_must_be_whole_numbers(fixture_copy):
    root = fixture_copy("bilingual")
    model = (root / "manual/intervention.yml").read_text(encoding="utf-8")
    text = (root / "manual/basics/welcome.nb.md").read_text(encoding="utf-8")
    write_tree(root, {
        "manual/intervention.yml": model + "\nthresholds:\n  child_unseen_weeks: 2\n  missed_visits_in_row: 2\n",
        "manual/basics/welcome.nb.md": text + "\nBarnet skal ses minst hver {{ model.thresholds.child_unseen_weeks }}. uke.\n",
        ADAPT: HEAD + "  - id: sooner\n    operation: set\n    target: model\n"
                      "    field: thresholds.child_unseen_weeks\n    value: 1\n" + FRAME,
    })
    project = load_project(root, None)
    assert [p.message for p in project.errors] == []
    assert "minst hver 2. uke" in project.resolutions["base"].manual("nb").module("welcome").markdown()
    assert "minst hver 1. uke" in project.resolutions["testby"].manual("nb").module("welcome").markdown()
    write_tree(root, {"manual/intervention.yml": model + "\nthresholds:\n  child_unseen_weeks: 1.5\n"})
    hit = next(p for p in load_project(root, None).problems if p.code == "E202")
    assert "thresholds.child_unseen_weeks" in hit.message
    assert (hit.path, hit.line) == ("manual/intervention.yml", model.count("\n") + 3)


def test_repository_lone_working_check_out_comes_from_the_model():
    """The check-out minutes of lone-worker-safety come from the model (intervention.yml: safety)."""
    base = load_project(REPO, ["base"]).resolutions["base"]
    call, police = base.model.safety["call_after_minutes"], base.model.safety["police_after_minutes"]
    assert (call, police) == (15, 30)
    nb = base.manual("nb").module("lone-worker-safety").markdown()
    en = base.manual("en").module("lone-worker-safety").markdown()
    assert f"ringer deg {call:g} minutter" in nb and f"innen {police:g} minutter etter avtalt tid" in nb
    assert f"{call:g} minutes after the agreed time" in en and f"within {police:g} minutes of the agreed time" in en


def test_model_safety_can_be_set_must_be_whole_and_calls_before_the_police(fixture_copy):
    root = fixture_copy("bilingual")
    model = (root / "manual/intervention.yml").read_text(encoding="utf-8")
    text = (root / "manual/basics/welcome.nb.md").read_text(encoding="utf-8")
    write_tree(root, {
        "manual/intervention.yml": model + "\nsafety:\n  call_after_minutes: 15\n  police_after_minutes: 30\n",
        "manual/basics/welcome.nb.md": text + "\nRing etter {{ model.safety.call_after_minutes }} minutter.\n",
        ADAPT: HEAD + "  - id: sooner\n    operation: set\n    target: model\n"
                      "    field: safety.call_after_minutes\n    value: 10\n" + FRAME,
    })
    project = load_project(root, None)
    assert [p.message for p in project.errors] == []
    assert "Ring etter 15 minutter." in project.resolutions["base"].manual("nb").module("welcome").markdown()
    assert "Ring etter 10 minutter." in project.resolutions["testby"].manual("nb").module("welcome").markdown()
    write_tree(root, {"manual/intervention.yml": model + "\nsafety:\n  call_after_minutes: 7.5\n"})
    hit = next(p for p in load_project(root, None).problems if p.code == "E202")
    assert "safety.call_after_minutes" in hit.message
    assert (hit.path, hit.line) == ("manual/intervention.yml", model.count("\n") + 3)
    # the police before the call to the family partner: at the model's line, and at the change's line
    write_tree(root, {"manual/intervention.yml": model + "\nsafety:\n  call_after_minutes: 30\n  police_after_minutes: 30\n"})
    hit = next(p for p in load_project(root, None).problems if p.code == "E1122")
    assert (hit.path, hit.line) == ("manual/intervention.yml", model.count("\n") + 4)
    write_tree(root, {"manual/intervention.yml": model + "\nsafety:\n  call_after_minutes: 15\n  police_after_minutes: 30\n",
                      ADAPT: HEAD + "  - id: later\n    operation: set\n    target: model\n"
                                    "    field: safety.call_after_minutes\n    value: 45\n" + FRAME})
    hit = next(p for p in load_project(root, None).problems if p.code == "E1122")
    assert (hit.path, hit.line) == (ADAPT, 10)  # the value of the change


# -- subgroups of families ----------------------------------------------------------------------

SUBGROUP = ("  - id: far-away\n    operation: set\n    target: model\n    field: subgroups.far-away\n    value:\n"
            "      title: {nb: Familier langt unna, en: Families far away}\n"
            "      who: {nb: Familier med over en times reisevei, en: Families more than an hour away}\n"
            "      phases:\n        follow-up: {visits_per_week: 0.5}\n")


def test_a_municipality_adds_a_subgroup_whose_families_alone_get_another_dose(fixture_copy):
    from manualkit.core.dose import planned_dose
    root = fixture_copy("bilingual")
    calls = ("  - id: far-away-calls\n    operation: set\n    target: model\n"
             "    field: subgroups.far-away.phases.follow-up.calls_per_week\n    value: 0.5\n")
    write_tree(root, {ADAPT: HEAD + SUBGROUP + FRAME + calls + FRAME})
    project = load_project(root, None)
    assert project.errors == []
    variant = project.resolutions["testby"]
    model = variant.model
    # every other family follows the base model; the subgroup's phase has its own figures, the rest is the model's
    assert model.phase("follow-up") == project.resolutions["base"].model.phase("follow-up")
    far = model.for_subgroup("far-away").phase("follow-up")
    assert (far.visits_per_week, far.calls_per_week, far.visit_minutes) == (0.5, 0.5, model.phase("follow-up").visit_minutes)
    assert model.subgroup("far-away").title["en"] == "Families far away"
    # 36 typical weeks of follow-up with a visit every other week: 18 fewer visits
    everyone, group = planned_dose(model, ()), planned_dose(model.for_subgroup("far-away"), ())
    assert everyone["home_visits"].typical - group["home_visits"].typical == 18
    # the text can say the subgroup's figures, and show its course
    values = variant.values
    assert values["model.subgroups.far_away.phases.follow_up.frequency"].texts == {"nb": "hver andre uke", "en": "every second week"}
    assert values["model.subgroups.far_away.dose.home_visits_typical"].texts["en"] == f"{group['home_visits'].typical:g}"
    assert "table.subgroups.far_away.calendar" in values


def test_a_subgroup_with_mistakes_is_refused_at_the_change_with_every_mistake(fixture_copy):
    root = fixture_copy("bilingual")
    bad = SUBGROUP.replace("follow-up: {visits_per_week: 0.5}", "folow-up: {visits_per_week: 0.5}\n        start: {visits_per_weeks: 1}")
    figure = ("  - id: figure\n    operation: set\n    target: model\n"
              "    field: subgroups.far-away.phases.follow-up.visit_minute\n    value: 60\n")
    write_tree(root, {ADAPT: HEAD + bad + FRAME + figure + FRAME})
    problems = load_project(root, None).problems
    assert_problem(problems, code="E1123", where=f"{ADAPT}:14", says="phase 'folow-up'", hint="did you mean 'follow-up'?")
    assert_problem(problems, code="E205", where=f"{ADAPT}:15", says="visits_per_weeks", hint="did you mean 'visits_per_week'?")
    # the subgroup was not added, so the second change names a subgroup that does not exist
    assert_problem(problems, code="E1104", where=f"{ADAPT}:32", says="'subgroups.far-away.phases.follow-up.visit_minute'",
                   hint="the model has no subgroup 'far-away': add it first")
    assert not any(p.path == "manual/intervention.yml" for p in problems)


def test_a_subgroup_figure_must_be_a_figure_of_a_phase(fixture_copy):
    root = fixture_copy("bilingual")
    figure = ("  - id: figure\n    operation: set\n    target: model\n"
              "    field: subgroups.far-away.phases.follow-up.visit_minute\n    value: 60\n")
    words = ("  - id: words\n    operation: set\n    target: model\n"
             "    field: subgroups.far-away.phases.follow-up.call_minutes\n    value: lenge\n")
    write_tree(root, {ADAPT: HEAD + SUBGROUP + FRAME + figure + FRAME + words + FRAME})
    problems = load_project(root, None).problems
    assert_problem(problems, code="E1104", where=f"{ADAPT}:31", says="'subgroups.far-away.phases.follow-up.visit_minute'",
                   hint="did you mean 'visit_minutes'?")
    assert_problem(problems, code="E1105", where=f"{ADAPT}:50", says="must be a number (0 or more), not 'lenge'")


def test_a_session_must_fit_the_visit_of_a_subgroup_too(fixture_copy):
    root = fixture_copy("bilingual")
    shorter = SUBGROUP.replace("follow-up: {visits_per_week: 0.5}", "start: {session_visit_minutes: 30}")
    write_tree(root, {ADAPT: HEAD + shorter + FRAME})
    model = (root / "manual/intervention.yml").read_text(encoding="utf-8")
    # the session in week 1, in the start phase, after a check-in of 10 minutes
    (root / "manual/intervention.yml").write_text(
        model.replace("phases:", "parent_training: {first_session_week: 1, every_weeks: 2, check_in_minutes: 10}\nphases:", 1),
        encoding="utf-8")
    said = assert_problem(load_project(root, None).problems, code="E1120", where="manual/training/session-play.nb.md:22",
                          says="lasts 30 minutes in variant testby, subgroup far-away",
                          hint="a 'set' on subgroups.far-away.phases.start.session_visit_minutes")
    assert "phase 'start'" in said.message

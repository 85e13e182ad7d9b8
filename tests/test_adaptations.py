"""The adaptation layer: every operation, every error at its line, drift, ledger and diff."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import FAR_PLAN, FRAME, SUBGROUP_SESSION, assert_problem, run_cli, write_tree
from manualkit.core.project import load_project

ADAPT = "adaptations/testby/adaptation.yml"


HEAD = """\
id: testby
name: {nb: Testby kommune, en: Testby municipality}
base_version: 1.0.0
languages: [nb, en]
changes:
"""


def change(cid: str, body: str, frame: str = FRAME) -> str:
    return f"  - id: {cid}\n" + textwrap.indent(textwrap.dedent(body), "    ") + frame


@pytest.fixture
def testby(fixture_copy):
    """The bilingual fixture with its adaptation.yml replaced by the given changes."""
    def make(*changes: str, head: str = HEAD, overlays: dict[str, str] | None = None) -> Path:
        root = fixture_copy("bilingual")
        files = {ADAPT: head + "".join(changes)}
        for name, (nb, en) in (overlays or {}).items():
            files[f"adaptations/testby/overlays/{name}.nb.md"] = nb
            files[f"adaptations/testby/overlays/{name}.en.md"] = en
        write_tree(root, files)
        return root
    return make


def resolved(root: Path, lang: str = "nb", variant: str = "testby"):
    project = load_project(root, ["base", variant])
    return project, project.resolutions[variant].manuals[lang]


def section_ids(rm, module: str) -> list[str]:
    return [s.id for s in rm.module(module).sections]


NEW_SECTION = ("## Lokalt {#local}\n\nLokal tekst.\n", "## Local {#local}\n\nLocal text.\n")


def test_fixture_adaptation_applies(fixture_copy):
    root = fixture_copy("bilingual")
    project, rm = resolved(root)
    assert project.errors == []
    records = next(s for s in rm.module("safety").sections if s.id == "records")
    assert "I Testby skrives notatet i fagsystemet" in records.text
    assert records.origin == "adaptations/testby/overlays/local-records.nb.md"
    assert records.change == "local-records"
    assert rm.module("session-play").duration_minutes == 45
    base = project.resolutions["base"].manuals["nb"]
    assert "Testby" not in "".join(m.markdown() for m in base.modules())
    assert base.module("session-play").duration_minutes == 60


@pytest.mark.parametrize("where,expected", [("before", ["local", "plan", "records"]), ("after", ["plan", "local", "records"])])
def test_insert_section(testby, where, expected):
    root = testby(change("ins", f"operation: insert-section\ntarget: safety#plan\nwhere: {where}\noverlay: local\n"),
                  overlays={"local": NEW_SECTION})
    project, rm = resolved(root)
    assert project.errors == [], project.errors
    assert section_ids(rm, "safety") == expected
    _, rm_en = resolved(root, "en")
    assert "Local text." in rm_en.module("safety").markdown()


def test_append_remove_move_set_title(testby):
    root = testby(
        change("app", "operation: append\ntarget: welcome\noverlay: local\n"),
        change("rm", "operation: remove-section\ntarget: welcome#further\n"),
        change("mv", "operation: move-section\ntarget: safety#records\nwhere: first\n"),
        change("title", "operation: set\ntarget: safety\nfield: title\nvalue: {nb: Trygghet, en: Security}\n"),
        overlays={"local": NEW_SECTION})
    project, rm = resolved(root)
    assert [p for p in project.problems if p.is_error] == []
    assert section_ids(rm, "welcome") == ["about", "local"]
    assert section_ids(rm, "safety") == ["records", "plan"]
    assert rm.module("safety").title == "Trygghet"


def test_add_and_remove_module(testby):
    root = testby(
        change("add", "operation: add-module\ntarget: local-routines\npart: basics\nwhere: after\nanchor: welcome\n"
               "title: {nb: Lokale rutiner, en: Local routines}\noverlay: local\n"),
        change("drop", "operation: remove-module\ntarget: untranslated\n"),
        overlays={"local": NEW_SECTION})
    project, rm = resolved(root)
    assert project.errors == [], project.errors
    assert [m.id for m in rm.parts[0].modules] == ["about-this-version", "welcome", "local-routines", "safety"]
    assert rm.module("untranslated") is None
    assert rm.module("local-routines").title == "Lokale rutiner"


def _errors(root: Path) -> list[tuple[str, str, int]]:
    return [(p.code, p.path, p.line) for p in load_project(root, ["base", "testby"]).problems if p.code != "W1010"]


def test_unknown_target_module_and_section(testby):
    root = testby(change("a", "operation: remove-section\ntarget: safety#nothing\n"),
                  change("b", "operation: append\ntarget: nothing\noverlay: local\n"), overlays={"local": NEW_SECTION})
    problems = load_project(root, ["base", "testby"]).problems
    assert [(p.path, p.line) for p in problems if p.code == "E1001"] == [(ADAPT, 8), (ADAPT, 24)]
    assert_problem(problems, code="E1001", where=f"{ADAPT}:8", says="the section 'safety#nothing' does not exist")
    assert_problem(problems, code="E1001", where=f"{ADAPT}:24", says="the module 'nothing' does not exist")


def test_core_section_needs_fidelity_inconsistent_record(testby):
    root = testby(change("core", "operation: remove-section\ntarget: safety#plan\n"))
    assert ("E1002", ADAPT, 8) in _errors(root)
    ok_frame = FRAME.replace("fidelity: consistent", "fidelity: inconsistent") + "    justification: Lokal begrunnelse\n"
    root = testby(change("core", "operation: remove-section\ntarget: session-play#plan\n", ok_frame))
    assert [e for e in _errors(root) if e[0].startswith("E")] == []
    # removing core content coded consistent is still refused, even with a justification
    consistent = FRAME + "    justification: Lokal begrunnelse\n"
    root = testby(change("core", "operation: remove-section\ntarget: safety#plan\n", consistent))
    assert ("E1002", ADAPT, 8) in _errors(root)


def test_core_section_replaced_fidelity_consistent_when_its_record_says_why(testby):
    """A replacement that keeps the core may be coded fidelity-consistent, so one adaptation is not coded both ways."""
    plan = ("## Sikkerhetsplan {#plan .core}\n\nSamme plan, med tolk.\n", "## Safety plan {#plan .core}\n\nThe same plan, with an interpreter.\n")
    body = "operation: replace-section\ntarget: safety#plan\noverlay: plan\n"
    root = testby(change("core", body, FRAME + "    justification: Kjernen er beholdt; bare tolk er lagt til\n"), overlays={"plan": plan})
    assert [e for e in _errors(root) if e[0].startswith("E")] == []
    rm = resolved(root)[1]
    assert next(c for c in rm.changes if c.id == "core").frame.fidelity == "consistent"
    # without the reason it is refused, with a hint that says what the record needs
    root = testby(change("core", body), overlays={"plan": plan})
    hit = next(p for p in load_project(root, ["base", "testby"]).problems if p.code == "E1002")
    assert (hit.path, hit.line) == (ADAPT, 8) and "'fidelity: consistent' with a 'justification' saying why" in hit.hint


def test_inconsistent_without_justification(testby):
    frame = FRAME.replace("fidelity: consistent", "fidelity: inconsistent")
    root = testby(change("core", "operation: remove-section\ntarget: safety#plan\n", frame))
    problems = load_project(root, ["base", "testby"]).problems
    assert_problem(problems, code="E201", where=f"{ADAPT}:6", says="'changes[0].justification'")


def test_two_changes_on_one_section(testby):
    ch1 = change("first", "operation: replace-section\ntarget: safety#records\noverlay: local\n")
    ch2 = change("second", "operation: move-section\ntarget: safety#records\nwhere: first\n")
    root = testby(ch1, ch2, overlays={"local": ("## Ny {#records}\n\nNy.\n", "## New {#records}\n\nNew.\n")})
    assert ("E1004", ADAPT, 25) in _errors(root)
    ch2 = change("second", "operation: move-section\ntarget: safety#records\nwhere: first\nbuilds_on: first\n")
    root = testby(ch1, ch2, overlays={"local": ("## Ny {#records}\n\nNy.\n", "## New {#records}\n\nNew.\n")})
    assert [e for e in _errors(root) if e[0] == "E1004"] == []


def test_file_level_errors(testby):
    head = HEAD.replace("id: testby", "id: testbyen").replace("base_version: 1.0.0", "base_version: 2.0.0") \
        .replace("languages: [nb, en]", "languages: [nb, en, de]")
    ch = change("x", "operation: replace-section\ntarget: safety#records\noverlay: only-nb\n")
    dup = change("x", "operation: remove-section\ntarget: welcome#further\n")
    root = testby(ch, dup, head=head)
    write_tree(root, {"adaptations/testby/overlays/only-nb.nb.md": "## Ny {#records}\n\nNy.\n"})
    errors = _errors(root)
    for expected in [("E1009", ADAPT, 1), ("E1005", ADAPT, 3), ("E307", ADAPT, 4), ("E1008", ADAPT, 23),
                     ("E1006", ADAPT, 9)]:
        assert expected in errors, (expected, errors)
    assert_problem(load_project(root, ["base"]).problems, code="E1006", where=f"{ADAPT}:9",
                   says="adaptations/testby/overlays/only-nb.en.md")


def test_overlay_path_may_not_leave_the_folder(testby):
    root = testby(change("x", "operation: replace-section\ntarget: safety#records\noverlay: ../../../manual/basics/safety\n"))
    assert ("E804", ADAPT, 9) in _errors(root)


def test_missing_fields_and_unknown_vocabulary(testby):
    frame = FRAME.replace("nature: tailoring", "nature: tailorin").replace("decided_by: [programme-manager]", "decided_by: [researchers]")
    root = testby(change("x", "operation: insert-section\ntarget: safety#plan\noverlay: local\n", frame), overlays={"local": NEW_SECTION})
    problems = load_project(root, ["base"]).problems
    assert_problem(problems, code="E1007", where=f"{ADAPT}:6", says="'where: before' or 'where: after'")
    assert_problem(problems, code="E203", where=f"{ADAPT}:16", says="'tailorin'", hint="did you mean 'tailoring'?")
    assert_problem(problems, code="E203", where=f"{ADAPT}:13", says="'changes[0].frame.decided_by[0]' cannot be 'researchers'",
                   hint="did you mean 'researcher'?")


def test_reference_to_removed_module_is_an_error_for_that_variant(testby):
    root = testby(change("drop", "operation: remove-module\ntarget: handout-play\n"))
    problems = [p for p in load_project(root, ["base", "testby"]).problems if p.code == "E601"]
    assert {(p.path, p.line) for p in problems} == {("manual/training/session-play.nb.md", 18),
                                                     ("manual/training/session-play.en.md", 15)}
    assert problems[0].message.endswith("does not exist (in variant testby)")


def test_placeholder_in_variant_warns_with_line(fixture_copy):
    root = fixture_copy("bilingual")
    hit = assert_problem(load_project(root, None).problems, code="W703", where=f"{ADAPT}:9",
                         says="'service.phone' is still a placeholder in variant testby")
    assert hit.message.endswith(": telefonnummeret")  # what to fill in, from manual.yml


def test_placeholder_renders_visibly(fixture_copy):
    _, rm = resolved(fixture_copy("bilingual"))
    assert "**[fyll inn: telefonnummeret]**" in rm.module("handout-play").markdown()


def test_drift_is_detected_shown_and_accepted(fixture_copy):
    root = fixture_copy("bilingual")
    assert run_cli("--root", str(root), "adaptations", "accept", "testby", "local-records")[0] == 0
    safety = root / "manual/basics/safety.nb.md"
    safety.write_text(safety.read_text().replace("Skriv kort og saklig", "Skriv kort, saklig og respektfullt"))
    drift = [p for p in load_project(root, None).problems if p.code == "W1003"]
    assert [(p.path, p.line) for p in drift] == [(ADAPT, 17)]
    assert "+Skriv kort, saklig og respektfullt etter hvert besøk." in drift[0].hint
    assert "-Skriv kort og saklig etter hvert besøk." in drift[0].hint
    code, out, _ = run_cli("--root", str(root), "adaptations", "accept", "testby", "local-records")
    assert code == 0 and out.startswith("local-records: recorded base hash ")
    assert [p for p in load_project(root, None).problems if p.code == "W1003"] == []


def test_missing_base_hash_warns(testby):
    root = testby(change("x", "operation: remove-section\ntarget: welcome#further\n"))
    assert_problem(load_project(root, None).problems, code="W1010", where=f"{ADAPT}:6", says="no stored base hash",
                   hint="manual adaptations accept testby x")


LEDGER_MD = """\
# FRAME adaptation ledger: Testby municipality (3 changes)

| change | operation | target | when | planned | decided_by | modified | level | context | nature | fidelity | goals | reason | reason_level | approved_by | date |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
| shorter-session-plan | replace-section | session-play#plan | Pre-implementation (planning/pilot) | Planned/proactive | Intervention team | Content | Target group |  | Shortening/condensing | Fidelity-inconsistent | Improve feasibility | Kortere besøk passer familiene bedre | Recipient | Teamleder (eksempel) | 2026-11-02 |
| local-records | replace-section | safety#records | Implementation | Planned/proactive | Programme manager | Content | Organisation |  | Tailoring/tweaking/refining | Fidelity-consistent | Improve fit with recipients | Local records system | Organisation | Programansvarlig (eksempel) | 2026-11-01 |
| shorter-session | set | session-play | Pre-implementation (planning/pilot) | Planned/proactive | Intervention team | Content | Target group |  | Shortening/condensing | Unknown | Improve feasibility | Kortere besøk passer familiene bedre | Recipient | Teamleder (eksempel) | 2026-11-02 |
"""


def test_ledger_markdown_exact(fixture_copy):
    root = fixture_copy("bilingual")
    code, out, _ = run_cli("--root", str(root), "adaptations", "testby", "--format", "md", "--lang", "en")
    assert code == 0
    assert out == LEDGER_MD


DIFF = """\
--- base/basics/safety.nb.md
+++ testby/basics/safety.nb.md
@@ -6,5 +6,5 @@
 Sikkerhetsplanen lages sammen med foreldrene og gjennomgås ved hvert besøk.
 
-## Dokumentasjon {#records}
+## Dokumentasjon i Testby {#records}
 
-Skriv kort og saklig etter hvert besøk.
+I Testby skrives notatet i fagsystemet samme dag som besøket.
"""


def test_diff_exact(fixture_copy):
    root = fixture_copy("bilingual")
    code, out, _ = run_cli("--root", str(root), "diff", "base", "testby")
    assert code == 0
    assert DIFF in out
    assert "-duration_minutes: 60\n+duration_minutes: 45\n" in out
    assert "-Manualen brukes av barnevernstjenesten i kommunen. Les om\n+Manualen brukes av barnevernstjenesten i Testby kommune. Les om\n" in out


def test_matrix_of_all_municipalities(fixture_copy):
    root = fixture_copy("bilingual")
    code, out, _ = run_cli("--root", str(root), "adaptations", "--all", "--format", "csv")
    assert out.splitlines() == [
        "municipality,change,operation,target,component,modified,context,nature,fidelity",
        "testby,shorter-session-plan,replace-section,session-play#plan,parent-training,content,,shortening,inconsistent",
        "testby,local-records,replace-section,safety#records,home-visiting,content,,tailoring,consistent",
        "testby,shorter-session,set,session-play,parent-training,content,,shortening,unknown",
    ]


def test_about_this_version_lists_inconsistent_changes_first(testby):
    frame_bad = FRAME.replace("fidelity: consistent", "fidelity: inconsistent") + "    justification: Lange avstander\n"
    root = testby(change("plain", "operation: remove-section\ntarget: welcome#further\n"),
                  change("core", "operation: remove-section\ntarget: safety#plan\n", frame_bad))
    _, rm = resolved(root)
    about = rm.module("about-this-version").markdown()
    assert about.index("{#change-core}") < about.index("{#change-plain}")
    assert "**Begrunnelse:** Lange avstander" in about
    base = load_project(root, ["base"]).resolutions["base"].manuals["en"].module("about-this-version").markdown()
    assert "You are reading the base version of the Family Partner manual, version 1.0.0." in base


def test_new_municipality_scaffold_is_valid(fixture_copy):
    root = fixture_copy("bilingual")
    code, out, _ = run_cli("--root", str(root), "new", "municipality", "nyby", "--name", "Nyby kommune")
    assert code == 0, out
    assert [p for p in load_project(root, None).problems if p.is_error] == []
    assert "nyby" in load_project(root, None).variants


def test_broken_adaptation_file_is_shown_not_hidden(fixture_copy):
    root = fixture_copy("bilingual")
    yml = root / ADAPT
    yml.write_text(yml.read_text().replace("    target: safety#records\n", "    target: [safety#records\n"))
    code, _, err = run_cli("--root", str(root), "build", "--variant", "testby")
    assert code == 1
    assert err.startswith("manual: variant 'testby' cannot be used: adaptations/testby/adaptation.yml has 1 error. "
                          "The first: adaptations/testby/adaptation.yml:")
    assert "hint: run: manual check --variant testby" in err
    code, out, _ = run_cli("--root", str(root), "check", "--variant", "testby")
    assert code == 1
    # the bracket opened on line 15 is found unclosed on line 16; the hint says to look at the line above
    assert_problem(out, code="E105", where=f"{ADAPT}:16", says="the YAML cannot be read", hint="the one above")
    assert run_cli("--root", str(root), "adaptations", "accept", "testby", "all")[0] == 1
    assert not (root / "build" / "testby").exists()


def test_deprecated_term_in_overlay_warns_for_that_variant_only(fixture_copy):
    root = fixture_copy("bilingual")
    gl = root / "locales" / "glossary.yml"
    gl.write_text(gl.read_text(encoding="utf-8").replace(
        "definition: Tiltak som skal gi barnet og familien støtte.}\n",
        "definition: Tiltak som skal gi barnet og familien støtte.}\n    deprecated: {nb: [støttetiltak]}\n", 1), encoding="utf-8")
    overlay = root / "adaptations/testby/overlays/local-records.nb.md"
    overlay.write_text(overlay.read_text(encoding="utf-8") + "\nNotatet nevner alle støttetiltak.\n", encoding="utf-8")
    rel = "adaptations/testby/overlays/local-records.nb.md"
    problems = load_project(root, ["base", "testby"]).problems
    assert [(p.path, p.line) for p in problems if p.code == "W1201"] == [(rel, 5)]
    assert_problem(problems, code="W1201", where=f"{rel}:5", says="'støttetiltak' is a deprecated term", hint="'hjelpetiltak'")
    assert [p for p in load_project(root, ["base"]).problems if p.code == "W1201"] == []


def test_a_subgroup_gives_a_session_its_own_length_with_its_own_steps(testby):
    from manualkit.core.dose import planned_dose
    root = testby(change("longer", SUBGROUP_SESSION),
                  change("far-plan", "operation: insert-section\ntarget: session-play#plan\nwhere: after\noverlay: far-plan\n"),
                  overlays={"far-plan": FAR_PLAN})
    project = load_project(root, ["base", "testby"])
    assert project.errors == [], project.errors
    variant = project.resolutions["testby"]
    plans = variant.sessions["nb"]
    assert [p.duration_minutes for p in plans if p.module == "session-play"] == [60]  # every other family: 60
    mine = planned_dose(variant.model.for_subgroup("far"), plans)["session_minutes"].typical
    theirs = planned_dose(variant.model, plans)["session_minutes"].typical
    assert mine - theirs == 15


def test_a_subgroup_s_session_steps_must_add_up_and_exist(testby):
    wrong = (FAR_PLAN[0], FAR_PLAN[1].replace("Closing (15 min)", "Closing (10 min)"))
    root = testby(change("longer", SUBGROUP_SESSION),
                  change("far-plan", "operation: insert-section\ntarget: session-play#plan\nwhere: after\noverlay: far-plan\n"),
                  overlays={"far-plan": wrong})
    problems = load_project(root, ["base", "testby"]).problems
    assert_problem(problems, code="E1101", where="adaptations/testby/overlays/far-plan.en.md:3",
                   says="add up to 70 minutes (15 + 45 + 10), but its duration is 75 minutes in variant testby, subgroup far")
    assert not [p for p in problems if p.code == "E1101" and p.path.endswith(".nb.md")]
    root = testby(change("longer", SUBGROUP_SESSION))
    problems = load_project(root, ["base", "testby"]).problems
    assert_problem(problems, code="E1125", where="manual/training/session-play.nb.md:22",
                   says="subgroup 'far' gives session 'session-play' 75 minutes (the session says 60)",
                   hint="{#plan-far}")
    assert {p.path for p in problems if p.code == "E1125"} == {"manual/training/session-play.nb.md",
                                                               "manual/training/session-play.en.md"}


def test_a_subgroup_s_session_length_set_on_its_own_is_checked_at_that_change(testby):
    root = testby(change("longer", SUBGROUP_SESSION),
                  change("far-plan", "operation: insert-section\ntarget: session-play#plan\nwhere: after\noverlay: far-plan\n"),
                  change("typo", "operation: set\ntarget: model\nfield: subgroups.far.sessions.session-pley\nvalue: 70\n"),
                  change("whole", "operation: set\ntarget: model\nfield: subgroups.far.sessions\nvalue: 70\n"),
                  overlays={"far-plan": FAR_PLAN})
    problems = load_project(root, ["base", "testby"]).problems
    text = (root / ADAPT).read_text(encoding="utf-8").splitlines()
    typo = next(i for i, line in enumerate(text, 1) if "field: subgroups.far.sessions.session-pley" in line)
    whole = next(i for i, line in enumerate(text, 1) if line.strip() == "field: subgroups.far.sessions")
    assert_problem(problems, code="E1126", where=f"{ADAPT}:{typo}", says="'session-pley', which is not a session",
                   hint="did you mean 'session-play'?")
    assert_problem(problems, code="E1105", where=f"{ADAPT}:{whole}", says="must be one of its fields, not 70",
                   hint="subgroups.far.sessions.session-play")

"""Every checker rule: a small broken manual that triggers it, with the exact file and line."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import FRAME, INTRO_NB, MANUAL_YML, assert_problem, intro_hash, INTRO_EN
from manualkit.core.project import load_project

NB = "manual/basics/intro.nb.md"
EN = "manual/basics/intro.en.md"
YML = "manual/manual.yml"


def nb(meta_extra: str = "", body: str = "", *, replace: tuple[str, str] | None = None) -> str:
    text = INTRO_NB.replace("status: draft\n", "status: draft\n" + meta_extra) + body
    if replace:
        text = text.replace(*replace)
    return text


def en(text_replace: tuple[str, str] | None = None, body: str = "") -> str:
    text = INTRO_EN.replace("{hash}", intro_hash()) + body
    if text_replace:
        text = text.replace(*text_replace)
    return text


def valid_fnr() -> str:
    from manualkit.core.body import fnr_is_valid
    for n in range(10000, 99999):
        cand = "010190" + str(n)
        if fnr_is_valid(cand):
            return cand
    raise AssertionError


GLOSSARY_DEPRECATED = """\
terms:
  - id: programtro
    nb: {term: programtro, definition: I hvilken grad tiltaket gis slik manualen beskriver det.}
    en: {term: fidelity, definition: The degree to which the intervention is delivered as described.}
    deprecated: {nb: [programtroskap, programtroskapen], en: [programme fidelity]}
  - id: okt
    nb: {term: økt, definition: Et møte i foreldreveiledningen.}
    en: {term: session, definition: A meeting in the parental guidance.}
    deprecated: {nb: [samling, samlingen], en: [gathering]}
"""

MODEL = "manual/intervention.yml"
MODEL_YML = """\
name: {nb: Familiepartner, en: Family Partner}
caseload_max: 5
duration_months: {min: 6, typical: 10, max: 18}
target_group: {nb: Familier, en: Families}
deliverer: {nb: En familiepartner, en: A family partner}
setting: {nb: Hjemme, en: At home}
training: {initial_hours: 46, days_per_year: 2}
supervision: {individual_every_weeks: 2, individual_minutes: 60, group_every_weeks: 4, group_minutes: 90}
overhead: {travel_minutes_per_visit: 40, preparation_minutes_per_visit: 15, documentation_minutes_per_contact: 15, preparation_minutes_per_meeting: 30}
coordination_meeting_minutes: 90
components:
  - id: home-visiting
    title: {nb: Hjemmebesøk, en: Home visits}
    core: true
phases:
  - id: start
    title: {nb: Oppstart, en: Start}
    weeks: {min: 6, typical: 8, max: 18}
    visits_per_week: 2
    visit_minutes: 90
  - id: follow-up
    title: {nb: Oppfølging, en: Follow-up}
    weeks: {min: 20, typical: 30, max: 60}
    visits_per_week: 1
    visit_minutes: 60
indicators:
  - id: visits
    component: home-visiting
    checks: intro#first
    rater: supervisor
    scale: yes-partly-no
    text: {nb: Besøkene er holdt, en: The visits were held}
"""


def model(*replace: tuple[str, str]) -> str:
    text = MODEL_YML
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new)
    return text


def session(plan: str) -> str:
    return nb(replace=("type: chapter", "type: session"), meta_extra="duration_minutes: 60\n",
              body="\n## Mål {#goals}\n\n## Materiell {#materials}\n\n## Plan {#plan}\n\n" + plan + "\n## Hjemme {#home-practice}\n")


CASES = [
    # code, files to change, path, line
    ("E101", {NB: b"---\nid: intro\ntitle: \xff\n---\n"}, NB, 3),
    ("E102", {NB: ""}, NB, 1),
    ("E103", {NB: "Bare tekst uten metadata.\n"}, NB, 1),
    ("E104", {NB: "---\nid: intro\ntitle: Innledning\n"}, NB, 1),
    ("E105", {NB: nb(replace=("title: Innledning", "title: [Innledning"))}, NB, 4),
    ("E106", {NB: nb("status: review\n")}, NB, 7),
    ("E107", {NB: nb(replace=("title: Innledning", "title: !!python/object/apply:os.system [ls]"))}, NB, 3),
    ("E108", {NB: "---\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)) + "---\n"}, NB, 2),
    ("E109", {"adaptations/testby/overlays/local.nb.md": "## Lokalt {#local}\n"}, "adaptations/testby/adaptation.yml", 0),
    ("E110", {NB: "---\n- id\n- title\n---\n\nTekst.\n"}, NB, 2),
    ("E201", {NB: nb(replace=("type: chapter\n", ""))}, NB, 2),
    ("E202", {NB: nb("core: kanskje\n")}, NB, 7),
    ("E203", {NB: nb(replace=("type: chapter", "type: chapterr"))}, NB, 4),
    ("E204", {YML: MANUAL_YML.replace("id: mini", "id: Mini Manual")}, YML, 1),
    ("E205", {NB: nb("tittel: Innledning\n")}, NB, 7),
    ("E206", {YML: MANUAL_YML.replace("default_language: nb", "default_language: no")}, YML, 4),
    ("E207", {YML: MANUAL_YML.replace("version: 1.0.0", "version: '1.0'")}, YML, 3),
    ("E208", {NB: nb("summary: #1 i serien\n")}, NB, 7),
    ("E301", {YML: MANUAL_YML.replace("      - intro\n", "      - intro\n      - missing\n")}, YML, 11),
    ("E302", {"manual/basics/extra.nb.md": nb(replace=("id: intro", "id: extra"))}, "manual/basics/extra.nb.md", 1),
    ("E303", {YML: MANUAL_YML.replace("      - intro\n", "      - intro\n      - intro\n")}, YML, 11),
    ("E304", {NB: nb(replace=("id: intro", "id: introduction"))}, NB, 2),
    ("E305", {NB: None, EN: en()}, EN, 1),
    ("E306", {"manual/basics/notes.md": "notater\n"}, "manual/basics/notes.md", 0),
    ("E307", {"manual/basics/intro.de.md": "---\nid: intro\n---\n"}, "manual/basics/intro.de.md", 0),
    ("E308", {NB: None, EN: None, "manual/other/intro.nb.md": nb()}, "manual/other/intro.nb.md", 1),
    ("E309", {YML: MANUAL_YML.replace("      - intro\n", "      - intro\n      - glossary\n")}, YML, 11),
    ("E401", {NB: nb(body="\n## Uten id\n\nTekst.\n"), EN: en(body="\n## Without id\n\nText.\n")}, NB, 15),
    ("E402", {NB: nb(body="\n## Igjen {#first}\n")}, NB, 15),
    ("E403", {EN: en(("{#first}", "{#premier}"))}, EN, 11),
    ("E404", {NB: nb(body="\n#### For dypt\n")}, NB, 15),
    ("E405", {NB: nb(body="\n# Tittel\n")}, NB, 15),
    ("E406", {NB: nb(replace=("type: chapter", "type: session")).replace("status: draft", "status: draft\nduration_minutes: 60")}, NB, 9),
    ("E407", {NB: nb(replace=("{#first}", "{#First_Part}")), EN: en(("{#first}", "{#First_Part}"))}, NB, 11),
    ("E408", {NB: nb(replace=("{#first}", "{#first .big}")), EN: en(("{#first}", "{#first .big}"))}, NB, 11),
    ("E501", {EN: en(("title: Introduction", "title: Introduction\nstatus: draft"))}, EN, 4),
    ("W502", {EN: None}, NB, 1),
    ("W503", {EN: en((intro_hash(), "0123456789ab"))}, EN, 6),
    ("W504", {EN: en((f"  source_hash: {intro_hash()}\n", ""))}, EN, 4),
    ("E505", {EN: en(("from: nb", "from: en"))}, EN, 5),
    ("W507", {"locales/en.yml": "language_name: English\n"}, "locales/en.yml", 1),
    ("W510", {"locales/en.yml": "language_name: English\nuntranslated: [labels.duration]\nlabels:\n  duration: Varighet\n"},
     "locales/en.yml", 2),
    ("W508", {YML: MANUAL_YML.replace("languages: [nb, en]", "languages: [nb, en, nn]")}, "locales/nn.yml", 0),
    ("W509", {"locales/glossary.yml": "terms:\n  - id: tiltak\n    nb: {term: tiltak, definition: Hjelp til familien.}\n"},
     "locales/glossary.yml", 2),
    ("E601", {NB: nb(body="\nSe [kapittelet om noe](ref:nowhere).\n")}, NB, 15),
    ("E602", {NB: nb(body="\nSe [delen](ref:intro#nowhere).\n")}, NB, 15),
    ("E603", {NB: nb(body="\n![Et bilde](images/none.png)\n")}, NB, 15),
    ("E604", {NB: nb(body="\n![](images/logo.png)\n"), "manual/basics/images/logo.png": b"\x89PNG"}, NB, 15),
    ("E605", {NB: nb(replace=("type: chapter", "type: session"), meta_extra="duration_minutes: 60\nhandouts: [intro]\n",
                     body="\n## Mål {#goals}\n\n## Materiell {#materials}\n\n## Plan {#plan}\n\n## Hjemme {#home-practice}\n")}, NB, 8),
    ("W607", {NB: nb(replace=("type: chapter", "type: session"), meta_extra="duration_minutes: 60\nhandouts: [sheet]\n",
                     body="\n## Mål {#goals}\n\n## Materiell {#materials}\n\n## Plan {#plan}\n\n## Hjemme {#home-practice}\n"),
              YML: MANUAL_YML.replace("      - intro\n", "      - intro\n      - sheet\n"),
              "manual/basics/sheet.nb.md": "---\nid: sheet\ntitle: Ark\ntype: handout\ncomponent: general\nstatus: draft\n---\n\nKort.\n"},
     NB, 8),
    ("E606", {NB: nb(body="\nSe [den andre filen](other.md).\n")}, NB, 15),
    ("E701", {NB: nb(body="\nKontakt {{ service.unknown }}.\n")}, NB, 15),
    ("E702", {NB: nb(body="\nKontakt {{ service. }}.\n")}, NB, 15),
    ("E704", {NB: nb(body="\n{% if service %}ja{% endif %}\n")}, NB, 15),
    ("E801", {NB: nb(body="\n<script>alert(1)</script>\n")}, NB, 15),
    ("E802", {NB: nb(body="\n[Åpne skjemaet](javascript:alert(1))\n")}, NB, 15),
    # a reference definition on a line of a paragraph: CommonMark reads text, the site's renderer a link
    ("E802", {NB: nb(body="\nSe [skjemaet][r] i dag.\n[r]: javascript:alert(1)\n")}, NB, 16),
    ("E803", {NB: nb(body="\n```{=typst}\n#pagebreak()\n```\n")}, NB, 15),
    ("E804", {NB: nb(body="\n![Passordfil](../../../etc/passwd)\n")}, NB, 15),
    ("E805", {NB: nb(body=f"\nFødselsnummer {valid_fnr()} i teksten.\n")}, NB, 15),
    ("E806", {NB: nb(body="\nSkriv til ola.nordmann@example.no.\n")}, NB, 15),
    ("E807", {NB: nb(body="\nRing 41 23 45 67 i dag.\n")}, NB, 15),
    ("E808", {NB: nb(body="\n::: fancy\nTekst.\n:::\n")}, NB, 15),
    ("E809", {NB: nb(body="\n::: note\nTekst uten slutt.\n")}, NB, 15),
    ("E810", {NB: nb(body="\n::: note\n::: tip\nTekst.\n:::\n:::\n")}, NB, 16),
    ("E811", {NB: nb(body="\nEt avsnitt.\n{: onclick=\"alert(1)\" }\n")}, NB, 16),
    ("E812", {NB: nb(body="\nSe [" + "lang tekst " * 2000 + "\n")}, NB, 15),
    ("E813", {NB: nb(body="\nSe [skjemaet]({{ service.child_welfare }}).\n")}, NB, 15),
    ("E815", {NB: nb(body="\n![Et bilde](images/pic.png)\n"), "manual/basics/images/pic.png": b"<html><script>alert(1)</script></html>"}, NB, 15),
    ("E814", {NB: nb(body="\n" + "<b>fet</b>\n\n" * 150)}, NB, 8),
    ("E816", {NB: nb(body="\n::: {.lines n=mange}\nHva vil du prøve?\n:::\n")}, NB, 15),
    ("W901", {NB: nb(body="\nLes [her](ref:intro).\n")}, NB, 15),
    ("E902", {NB: nb(body="\n| a | b |\n| c | d |\n")}, NB, 15),
    ("W1201", {"locales/glossary.yml": GLOSSARY_DEPRECATED, NB: nb(body="\nVi følger med på programtroskapen.\n")}, NB, 15),
    ("W903", {NB: nb(replace=("type: chapter", "type: handout"),
                     body="\nKommunikasjonsutfordringer mellom familiemedlemmer representerer betydningsfulle utviklingsmuligheter "
                          "forutsatt tilstrekkelig refleksjonskompetanse og systematisk tilrettelagte samhandlingsarenaer.\n")}, NB, 8),
    ("W1501", {NB: nb(replace=("type: chapter", "type: handout"), body="\nPrøv dette hjemme.\n\n- Dette gikk bra: …\n")}, NB, 17),
    # the intervention model and the sessions' timed steps
    ("E1101", {NB: session("1. **Velkommen (10 min).** Hei.\n2. **Lek (40 min).** Lek.\n")}, NB, 22),
    ("E1102", {NB: session("1. **Velkommen (10 min).** Hei.\n2. **Lek.** Lek.\n")}, NB, 23),
    ("E1103", {NB: session("Foreldrene leker.\n")}, NB, 20),
    ("E1106", {MODEL: model(("{min: 6, typical: 8, max: 18}", "{min: 10, typical: 8, max: 18}"))}, MODEL, 18),
    ("E1107", {MODEL: model(("{min: 20, typical: 30, max: 60}", "{min: 10, typical: 30, max: 60}"))}, MODEL, 15),
    ("E1108", {MODEL: model(("checks: intro#first", "checks: intro#nowhere"))}, MODEL, 29),
    ("W1109", {MODEL: MODEL_YML, NB: nb(body="\n## Kjerne {#kernel .core}\n\nTekst.\n"),
               EN: en(body="\n## Kernel {#kernel .core}\n\nText.\n")}, NB, 15),
    ("W1110", {MODEL: model(("phases:", "  - id: parent-training\n    title: {nb: Veiledning, en: Guidance}\n    core: true\nphases:"))},
     MODEL, 15),
    ("W1111", {MODEL: MODEL_YML, NB: nb(body="\nEn familiepartner har inntil seks familier.\n")}, NB, 15),
    ("W1112", {MODEL: MODEL_YML, NB: nb(body="\nTiltaket varer 3–9 måneder.\n")}, NB, 15),
    # inputs from outside the editors
    ("E1302", {NB: nb(body="\nTekst med \x1b[31mfarge.\n")}, NB, 15),
    # a visit that holds a session: check-in + session must fit (here 60 + 15 > 70)
    ("E1120", {MODEL: model(("    visit_minutes: 90\n", "    visit_minutes: 90\n    session_visit_minutes: 70\n"),
                            ("phases:", "parent_training: {first_session_week: 1, every_weeks: 2, check_in_minutes: 15}\nphases:")),
               NB: session("1. **Velkommen (10 min).** Hei.\n2. **Lek (50 min).** Lek.\n")}, NB, 22),
    ("E1121", {MODEL: model(("training: {initial_hours: 46, days_per_year: 2}",
                             "training:\n  initial_hours: 46\n  days_per_year: 2\n  blocks:\n"
                             "    - {id: basics, title: {nb: Grunnlag, en: Basics}, hours: 40}"))}, MODEL, 8),
    # lone working: the family partner is called before the police (here both after 30 minutes)
    ("E1122", {MODEL: model(("phases:", "safety:\n  call_after_minutes: 30\n  police_after_minutes: 30\nphases:"))}, MODEL, 17),
    # a subgroup of families gives figures for a phase the model does not have (a typo)
    ("E1123", {MODEL: model(("phases:", "subgroups:\n  - id: far\n    title: {nb: Langt unna, en: Far away}\n"
                                        "    who: {nb: Familier langt unna, en: Families far away}\n"
                                        "    phases:\n      folow-up: {visits_per_week: 0.5}\nphases:"))}, MODEL, 20),
    ("W1121", {MODEL: MODEL_YML, NB: nb(body="\nFamiliepartneren får 55 timer opplæring før første familie.\n")}, NB, 15),
    ("W1122", {MODEL: MODEL_YML, NB: nb(body="\nTiltaket har tre kjernekomponenter.\n")}, NB, 15),
    ("W1123", {MODEL: MODEL_YML, NB: nb(body="\n| Fase | Uker |\n| --- | --- |\n| 1. Oppstart | 8 |\n| 2. Kartlegging | 30 |\n")}, NB, 15),
    ("W1124", {MODEL: model(("phases:", "reviews: {goal_review_every_months: 3}\nphases:")),
               NB: nb(body="\nMålene gjennomgås hver 6. måned.\n")}, NB, 15),
    ("W1124", {MODEL: MODEL_YML, NB: nb(body="\n| Form | Hyppighet |\n| --- | --- |\n| Individuell veiledning | Hver tredje uke |\n")}, NB, 17),
    ("E1701", {NB: nb(body="\nAvtal med foreldrene.** Resten.\n")}, NB, 15),
    # partial languages (Nynorsk)
    ("W1650", {YML: MANUAL_YML.replace("languages: [nb, en]", "languages: [nb, en]\npartial_languages: [nn]")}, YML, 6),
    ("W1651", {YML: MANUAL_YML.replace("languages: [nb, en]", "languages: [nb, en, nn]\npartial_languages: [nn]")}, YML, 2),
    ("W1652", {YML: MANUAL_YML.replace("languages: [nb, en]", "languages: [nb, en, nn]\npartial_languages: [nn]"),
               NB: nb("audience: [parents]\n", replace=("type: chapter", "type: handout"))}, NB, 1),
]


@pytest.mark.parametrize("code,changes,path,line", CASES, ids=[c[0] for c in CASES])
def test_rule_triggers_at_file_and_line(tree, code, changes, path, line):
    root = tree(changes)
    project = load_project(root, ["base"])
    hits = [p for p in project.problems if p.code == code]
    assert hits, f"{code} not reported; got: {[(p.code, p.path, p.line, p.message) for p in project.problems]}"
    assert (path, line) in [(h.path, h.line) for h in hits], hits
    assert all(h.message and h.hint for h in hits)


def test_minimal_manual_is_clean(tree):
    project = load_project(tree(), None)
    assert project.problems == []


def test_every_rule_has_a_case():
    from manualkit.core.rules import RULES
    covered = {c[0] for c in CASES} | {c[0] for c in VARIANT_CASES}
    # adaptation rules (E10xx, W10xx and W703) have their cases in the adaptation tests
    # adaptation rules (E10xx, W10xx and W703) have their cases in the adaptation tests, the delivery
    # report's (E14xx, REDCap exports) in test_delivery.py
    adaptation_rules = {code for code in RULES if re.fullmatch(r"[EW]10\d\d|E14\d\d", code)} | {"W703"}
    # E1301 is given at the door to git (a version that is not one), tested in test_security_inputs.py
    adaptation_rules |= {"E1301"}
    assert set(RULES) - covered - adaptation_rules == set()
    tests = "".join(p.read_text(encoding="utf-8") for p in Path(__file__).parent.glob("test_*.py") if p.name != "test_rules.py")
    assert {code for code in adaptation_rules if f'"{code}"' not in tests} == set()


def test_exact_messages_for_common_mistakes(tree):
    # exact on purpose: a misspelt key and a misspelt value are the mistakes people make most, and
    # these are the words they read, did-you-mean included; a change of wording is meant to fail
    # here and be looked at. Everywhere else, tests assert code, place and a phrase (assert_problem).
    root = tree({NB: nb("tittel: Innledning\n", replace=("type: chapter", "type: chapterr"))})
    texts = {p.code: p for p in load_project(root, ["base"]).problems}
    assert texts["E205"].message == "unknown key 'tittel' in the front matter"
    assert texts["E205"].hint == "did you mean 'title'?"
    assert texts["E203"].message == "'type' cannot be 'chapterr'"
    assert texts["E203"].hint == "allowed values: chapter, session, handout, appendix (did you mean 'chapter'?)"


def test_norway_problem_is_explained(tree):
    root = tree({YML: MANUAL_YML.replace("languages: [nb, en]", "languages: [nb, en, no]")})
    assert_problem(load_project(root, ["base"]).problems, code="E206", where=YML + ":5",
                   says="reads the bare word 'no' as yes/no", hint="Norwegian Bokmål is nb and Nynorsk nn")


def test_bom_and_crlf_are_accepted(tree):
    text = ("\ufeff" + INTRO_NB).replace("\n", "\r\n").encode("utf-8")
    root = tree({NB: text})
    assert load_project(root, ["base"]).problems == []


def test_all_problems_are_reported_at_once(tree):
    root = tree({NB: nb("tittel: x\n", body="\n<script>x</script>\nRing 41 23 45 67.\n"), EN: None})
    codes = sorted(p.code for p in load_project(root, ["base"]).problems)
    assert codes == ["E205", "E801", "E801", "E807", "W502"]  # <script> and </script>


def test_html_in_title_is_refused(tree):
    root = tree({NB: nb(replace=("title: Innledning", "title: Innledning <img src=x onerror=alert(1)>"))})
    hits = [(p.code, p.path, p.line) for p in load_project(root, ["base"]).problems]
    assert ("E801", NB, 3) in hits


def test_phone_rule_leaves_trial_registration_and_years_alone(tree):
    root = tree({NB: nb(body="\nStudien NCT04957394 gikk fra 2019 2020 til 2023.\n")})
    assert [p.code for p in load_project(root, ["base"]).problems if p.code.startswith("E")] == []


def test_every_rule_is_documented():
    from conftest import REPO
    from manualkit.core.rules import RULES
    doc = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert [code for code in RULES if f"| {code} |" not in doc] == []


def test_unreadable_module_gives_one_problem_not_a_cascade(tree):
    # intro is referenced from another module; a tab in its front matter must not also make it
    # "missing", its references "broken" and its translation "a translation without source"
    other = nb(replace=("id: intro", "id: other"), body="\nSe [innledningen](ref:intro#first).\n")
    root = tree({NB: "---\nid: intro\n\ttitle: Innledning\n---\n", YML: MANUAL_YML.replace("      - intro\n", "      - intro\n      - other\n"),
                 "manual/basics/other.nb.md": other})
    problems = [(p.code, p.path, p.line) for p in load_project(root, None).problems if p.is_error]
    assert problems == [("E105", NB, 3)]


def test_deprecated_term_names_the_preferred_one_with_line_and_column(tree):
    body = ("\nSamlingen starter. `samling` i kode, datainnsamling og [lenke](ref:intro#first) er greit.\n"
            "\nI neste samling\nsnakker vi om\n{{ service.child_welfare }}.\n")
    root = tree({"locales/glossary.yml": GLOSSARY_DEPRECATED, NB: nb(body=body),
                 EN: en(body="\nThe next gathering, and Programme\nfidelity.\n")})
    problems = load_project(root, ["base"]).problems
    assert [(p.path, p.line, p.col) for p in problems if p.code == "W1201"] == [(EN, 15, 10), (EN, 15, 25), (NB, 15, 1), (NB, 17, 9)]
    for where, term, preferred, entry in ((f"{EN}:15:10", "gathering", "session", "okt"),
                                          (f"{EN}:15:25", "Programme fidelity", "Fidelity", "programtro"),
                                          (f"{NB}:15:1", "Samlingen", "Økt", "okt"), (f"{NB}:17:9", "samling", "økt", "okt")):
        said = assert_problem(problems, code="W1201", where=where, says=f"'{term}' is a deprecated term",
                              hint=f"write '{preferred}' instead")
        assert f"'{entry}' in locales/glossary.yml" in said.hint  # the glossary entry that says so


def test_deprecated_terms_must_be_lists_per_manual_language(tree):
    bad = GLOSSARY_DEPRECATED.replace("deprecated: {nb: [samling, samlingen], en: [gathering]}",
                                      "deprecated: {nb: samling, de: [Sitzung]}")
    problems = load_project(tree({"locales/glossary.yml": bad}), ["base"]).problems
    assert_problem(problems, code="E202", where="locales/glossary.yml:9", says="'terms[1].deprecated.nb' must be a list")
    assert_problem(problems, code="E205", where="locales/glossary.yml:9", says="unknown key 'de'")
# Rules that only a municipality's version can break: (code, adaptation.yml, path, line)
ADAPT = "adaptations/testby/adaptation.yml"
VARIANT_HEAD = """\
id: testby
name: {nb: Testby kommune, en: Testby municipality}
base_version: 1.0.0
languages: [nb, en]
"""
VARIANT_FRAME = FRAME


def model_set(field: str, value: str, extra: str = "") -> str:
    return (VARIANT_HEAD + "changes:\n  - id: visits\n    operation: set\n    target: model\n"
            f"    field: {field}\n    value: {value}\n{extra}" + VARIANT_FRAME)


VARIANT_CASES = [
    ("E1104", model_set("phases.folow-up.visits_per_week", "0.5"), ADAPT, 9),
    ("E1105", model_set("phases.follow-up.visits_per_week", "sjelden"), ADAPT, 10),
    ("E1123", model_set("subgroups.far", "{who: Familier langt unna, phases: {folow-up: {visits_per_week: 0.5}}}"), ADAPT, 10),
    ("E1124", model_set("subgroups.far", "{id: near, who: Familier langt unna, phases: {follow-up: {visits_per_week: 0.5}}}"), ADAPT, 10),
    ("E1125", model_set("subgroups.far", "{title: Med tolk, who: Familier med tolk, phases: {}, sessions: {session-play: 75}}"),
     "manual/training/session-play.nb.md", 22),
    ("E1126", model_set("subgroups.far", "{title: Med tolk, who: Familier med tolk, phases: {}, sessions: {session-pley: 75}}"), ADAPT, 10),
    ("W1113", VARIANT_HEAD + "changes:\n  - id: further\n    operation: replace-section\n    target: welcome#further\n"
              "    overlay: local-records\n" + VARIANT_FRAME, ADAPT, 8),
    ("W1114", VARIANT_HEAD + "variables:\n  cost:\n    hourly_rate: mye\n", ADAPT, 7),
    ("W1115", model_set("phases.follow-up.visits_per_week", "0.5", "    justification: Long distances\n"), ADAPT, 11),
    ("W1125", VARIANT_HEAD + "variables:\n  local:\n    bus_route: Linje 5\n", ADAPT, 7),
]


@pytest.mark.parametrize("code,adaptation,path,line", VARIANT_CASES, ids=[c[0] for c in VARIANT_CASES])
def test_variant_rule_triggers_at_file_and_line(fixture_copy, code, adaptation, path, line):
    root = fixture_copy("bilingual")
    (root / ADAPT).write_text(adaptation, encoding="utf-8")
    problems = load_project(root, ["base", "testby"]).problems
    hits = [p for p in problems if p.code == code]
    assert hits, f"{code} not reported; got: {[(p.code, p.path, p.line, p.message) for p in problems]}"
    assert (path, line) in [(h.path, h.line) for h in hits], hits
    assert all(h.message and h.hint for h in hits)


def test_an_emphasis_marker_left_alone_is_an_error_at_its_line_and_column(tree):
    body = ("\nAvtal med foreldrene.** Resten av avsnittet står\nher, og **dette er fet** tekst.\n"
            "\n- **Ett punkt uten slutt\n- et annet punkt**\n"
            "\nEn variabel_med_understrek, 5 * 3, \\*stjerne\\*, `**kode**` og [**lenke**](ref:intro#first) er greit.\n"
            "\n***\n\n| Kolonne | **Fet |\n| --- | --- |\n| a | b |\n")
    root = tree({NB: nb(body=body)})
    first = INTRO_NB.count("\n") + 2  # the body's first line in the file
    problems = load_project(root, ["base"]).problems
    hits = [(p.path, p.line, p.col) for p in problems if p.code == "E1701"]
    assert hits == [(NB, first, 22), (NB, first + 3, 3), (NB, first + 4, 17), (NB, first + 10, 13)]
    for path, line, col in hits:
        assert_problem(problems, code="E1701", where=f"{path}:{line}:{col}", says="'**' is not closed",
                       hint="(**like this**)")


def test_writing_prompt_outside_lines_block_is_reported_inside_it_is_not(tree):
    body = ("\nSe etter én ting du liker. Skriv\ndet ned her.\n\n::: {.lines n=2}\nDette gikk bra:\n:::\n\n"
            "```\nKode: …\n```\n\n- Slik gikk det: ...\n")
    root = tree({NB: nb(replace=("type: chapter", "type: handout"), body=body)})
    hits = [p for p in load_project(root, ["base"]).problems if p.code == "W1501"]
    assert [(h.path, h.line) for h in hits] == [(NB, 15), (NB, 26)]
    assert_problem(hits, code="W1501", where=f"{NB}:26", says="'Slik gikk det:'", hint="'::: {.lines n=2}'")
def _check(root: Path) -> str:
    from conftest import run_cli
    return run_cli("--root", str(root), "check")[1]


def test_following_the_e401_hint_gives_a_clean_check_in_every_language(tree):
    # a new heading without an id in both languages: one id for both, from the source's words
    root = tree({NB: nb(body="\n## Uten id\n\nTekst.\n"), EN: en(body="\n## Without id\n\nText.\n")})
    out = _check(root)
    assert_problem(out, code="E401", where=f"{NB}:15:1", says="'Uten id' has no id",
                   hint="## Uten id {#uten-id}, and '## Without id {#uten-id}' in manual/basics/intro.en.md")
    assert_problem(out, code="E401", where=f"{EN}:15:1", says="'Without id' has no id",
                   hint="## Without id {#uten-id}, and '## Uten id {#uten-id}' in manual/basics/intro.nb.md")
    for rel, title in ((NB, "Uten id"), (EN, "Without id")):  # do what the hints say
        p = root / rel
        p.write_text(p.read_text(encoding="utf-8").replace(f"## {title}\n", f"## {title} {{#uten-id}}\n"), encoding="utf-8")
    out = _check(root)
    assert "error[" not in out and "0 errors" in out, out

    # a new section only in the source: its id, and the same section to add to the translation
    root = tree({NB: nb(body="\n## Ny del\n\nTekst.\n"), EN: en()})
    out = _check(root)
    assert_problem(out, code="E401", where=f"{NB}:15:1", says="'Ny del' has no id",
                   hint="## Ny del {#ny-del}, and add the section with the same id (translated) to manual/basics/intro.en.md")
    (root / NB).write_text(nb(body="\n## Ny del {#ny-del}\n\nTekst.\n"), encoding="utf-8")
    (root / EN).write_text(en(body="\n## New part {#ny-del}\n\nText.\n"), encoding="utf-8")
    out = _check(root)
    assert "error[" not in out and "0 errors" in out, out

    # a section only in the translation: the id has to come from the source
    root = tree({EN: en(body="\n## Extra\n\nText.\n")})
    out = _check(root)
    assert_problem(out, code="E401", where=f"{EN}:15:1", says="'Extra' has no id",
                   hint="the source manual/basics/intro.nb.md has no section here")


def test_a_municipality_text_without_one_of_its_languages_is_a_warning_at_its_line(fixture_copy):
    root = fixture_copy("bilingual")
    text = (root / ADAPT).read_text(encoding="utf-8")
    text = text.replace("name: {nb: Testby kommune, en: Testby municipality}\nstatus", "name: {nb: Testby kommune}\nstatus", 1)
    text = text.replace("    name: {nb: Testby kommune, en: Testby municipality}\n",
                        "    name: {nb: Testby kommune, en: Testby municipality}\n  service:\n    office: {nb: Servicetorget}\n", 1)
    (root / ADAPT).write_text(text, encoding="utf-8")
    problems = load_project(root, ["base", "testby"]).problems
    assert [(p.path, p.line) for p in problems if p.code == "W1651"] == [(ADAPT, 2), (ADAPT, 13)]
    assert_problem(problems, code="W1651", where=f"{ADAPT}:2", says="the municipality's name has no en text", hint="'en: ...'")
    assert_problem(problems, code="W1651", where=f"{ADAPT}:13", says="'service.office' has no en text", hint="'en: ...'")

"""Issue 26 "Correct these" (prose side): the corrected wording is in the repository's manual and
the wrong wording is gone, in nb and en and in the municipalities' overlays."""
from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def text(rel: str) -> str:
    return (ROOT / rel).read_text(encoding="utf-8")


def every_source() -> dict[str, str]:
    files = list((ROOT / "manual").rglob("*.md")) + list((ROOT / "adaptations").glob("*/overlays/*.md"))
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in files if ".translations" not in p.parts}


def test_childrens_sheet_says_you_need_not_answer():
    nb = text("manual/home-visits/handout-for-children-younger.nb.md")
    assert "Du trenger ikke å svare hvis du ikke vil." in nb
    assert not any("Du må ikke svare" in t for t in every_source().values())


def test_childrens_sheets_have_their_own_label():
    nb, en = yaml.safe_load(text("locales/nb.yml")), yaml.safe_load(text("locales/en.yml"))
    assert nb["types"]["handout_children"] == "Ark for barn"
    assert nb["labels"]["handout_for_children"] == "Ark for barn"
    assert en["types"]["handout_children"] == "Sheet for children"
    for m in ("handout-for-children-younger", "handout-for-children-older"):
        assert "audience: [children, " in text(f"manual/home-visits/{m}.nb.md")


def test_no_promise_that_what_is_said_stays_between_us():
    for path, t in every_source().items():
        for wrong in ("blir mellom oss", "blir mellom deg og familiepartneren", "stays between",
                      "Med familiens samtykke får saksbehandleren oppsummeringen",
                      "forteller ikke om dere til andre uten at\ndere sier ja"):
            assert wrong not in t, f"{path}: {wrong!r}"
    assert "føres i barnets sak" in text("manual/appendices/template-family-information.nb.md")
    assert "goes into the child's case" in text("manual/appendices/template-family-information.en.md")


def test_protected_safety_plan():
    nb, en = text("manual/home-visits/safety-planning.nb.md"), text("manual/home-visits/safety-planning.en.md")
    assert "{#protected-plan}" in nb and "{#protected-plan}" in en
    assert "Ingen felles underskrift" in nb and "Lagring og tilgang er bestemt på forhånd" in nb
    assert "til bekreftelse lokalt" not in nb


def test_duty_to_avert_is_personal_and_112_is_called_by_the_family_partner():
    nb = text("manual/home-visits/violence-in-the-family.nb.md")
    assert "ringer du selv politiet på 112" in nb
    assert "og om\n  politiet skal kontaktes" not in nb
    assert "you call the\n  police on 112 yourself" in text("manual/home-visits/violence-in-the-family.en.md")


def test_exact_legal_references_and_numbers():
    refs = text("manual/appendices/references.nb.md")
    for must in ("§ 13-2", "§ 1-4", "barneloven", "krisesenterlova", "forvaltningsloven",
                 "individuell plan ved ytelse av velferdstjenester"):
        assert must in refs, must
    assert refs.count("bekreftes av samutviklingsgruppen før utgivelse") >= 7
    assert "to be confirmed by the co-development group before a release" in text("manual/appendices/references.en.md")
    assert "barnevernsloven § 13-2" in text("manual/foundations/ethics-and-child-safety.nb.md")
    for rel in ("manual/foundations/ethics-and-child-safety.nb.md", "manual/home-visits/crisis-work.nb.md",
                "manual/appendices/template-safety-plan.nb.md"):
        assert "116 117" in text(rel) and "02800" in text(rel), rel


def test_barnevernvakt_is_not_the_daytime_contact():
    crisis = text("manual/home-visits/crisis-work.nb.md")
    assert "Familiepartneren ringer {{ service.emergency }} når barnet trenger" not in crisis
    assert "{{ service.child_welfare_phone }} i kontortid" in crisis
    stress = text("manual/parent-training/handout-stress-and-conflict.nb.md")
    assert "Ta kontakt med {{ service.emergency }} med en gang" not in stress
    assert "{{ service.child_welfare_phone }}" in stress
    lh = text("adaptations/lillehammer/overlays/local-cooperation-routines.nb.md")
    assert "| Akutt bekymring i kontortid | {{ service.child_welfare }} | {{ service.child_welfare_phone }} |" in lh


def test_lillehammer_keeps_the_same_day_rule_and_a_subgroup():
    routine = text("adaptations/lillehammer/overlays/local-emergency-routine.nb.md")
    assert "Neste arbeidsdag orienteres" not in routine and "Samme dag gir du også skriftlig beskjed" in routine
    freq = text("adaptations/lillehammer/overlays/visit-frequency-rural.nb.md")
    assert "planlagt for alle familier" not in freq and "bare for dem" in freq


def test_ovre_eiker_routine_and_training():
    v = text("adaptations/ovre-eiker/overlays/violence-routine.nb.md")
    assert "saksbehandleren" in v and "{{ service.crisis_centre }}" in v
    t = text("adaptations/ovre-eiker/overlays/regional-training.nb.md")
    assert "én gang i året" not in t and "før familiepartneren får sin første\nfamilie" in t


def test_one_family_plan_with_visits_sessions_services_and_safety_plan():
    plan = text("manual/appendices/template-family-plan.nb.md")
    for anchor in ("{#visits-and-sessions}", "{#services}", "{#safety-plan}"):
        assert anchor in plan
    safety = text("manual/appendices/template-safety-plan.nb.md")
    assert "{#the-concern}" in safety and "{#who-has-a-copy}" in safety
    assert "coordination-plan-template" not in text("manual/manual.yml")
    assert not any("ref:coordination-plan-template" in t for t in every_source().values())


def test_language_consistency():
    assert "også kalt\nøkter" not in text("manual/parent-training/parent-training-overview.nb.md")
    for path, t in every_source().items():
        flat = " ".join(t.split())
        for wrong in ("også kalt økter", "til bekreftelse lokalt"):
            assert wrong not in flat, f"{path}: {wrong!r}"
        if path.endswith(".nb.md") and "handout-for-children" not in path:
            assert "hun eller han" not in t.lower(), path


def test_the_glossary_loads_every_term_while_nynorsk_is_a_partial_language():
    """A term without an nn entry falls back to Bokmål unwarned; it used to be dropped silently,
    which left the glossary page empty and switched off the deprecated-term warnings."""
    from manualkit.core.load import load_manual

    manual, problems = load_manual(ROOT)
    terms = yaml.safe_load(text("locales/glossary.yml"))["terms"]
    assert len(manual.glossary) == len(terms)
    term = next(t for t in manual.glossary if t.id == "omsorgssvikt")
    assert (term.term["nb"], term.term["en"], term.term["nn"]) == ("omsorgssvikt", "child maltreatment", "omsorgssvikt")
    assert not [p for p in problems if p.code == "W509"]


def test_language_pass_terms_are_the_glossary_s_and_a_lapse_is_named(tmp_path):
    """Issue 26, point 16: one term for omsorgssvikt, adherence, the family plan, the coordination
    meeting, the emergency decision and the assistance measure; a lapse is a warning at its line."""
    from conftest import copy_repository, run_cli

    root = copy_repository(tmp_path / "repo")
    code, out, err = run_cli("--root", str(root), "check")
    assert "W1201" not in out + err, [ln for ln in (out + err).splitlines() if "W1201" in ln]
    en = root / "manual/foundations/target-group.en.md"
    en.write_text(en.read_text(encoding="utf-8") + "\nA support measure after an emergency order, for serious neglect, "
                  "in a cooperation meeting, as the family's plan says.\n", encoding="utf-8")
    nb = root / "manual/foundations/target-group.nb.md"
    nb.write_text(nb.read_text(encoding="utf-8") + "\nOppslutningen var god, og familiens plan sier det.\n", encoding="utf-8")
    code, out, err = run_cli("--root", str(root), "check")
    for used, preferred in (("support measure", "assistance measure"), ("emergency order", "emergency decision"),
                            ("serious neglect", "child maltreatment"), ("cooperation meeting", "coordination meeting"),
                            ("the family's plan", "family plan"), ("Oppslutningen", "Etterlevelse"),
                            ("familiens plan", "familieplan")):
        assert f"warning[W1201]: '{used}' is a deprecated term; the glossary uses '{preferred}'" in out + err, used


def test_omsorgssvikt_is_maltreatment_in_english_everywhere():
    for path, t in every_source().items():
        if path.endswith(".en.md"):
            assert "serious neglect" not in " ".join(t.split()), path
    chapter = " ".join(text("manual/home-visits/neglect-and-daily-care.en.md").split())
    assert "title: Daily care and maltreatment" in chapter and "Its most common form is neglect" in chapter


# Issue 26 point 16: "one way of addressing the reader (du)". about-this-manual states the
# convention: the manual says «du»/"you" to the family partner; the chapters for supervisors and
# managers and the sheets for families, children and services speak of the family partner in the
# third person, and so do the made-up stories in `::: example` blocks.
THIRD_PERSON_CHAPTERS = {
    "programme-theory": "describes the model's mechanism: the family partner is a term of the theory",
}
THIRD_PERSON_LINES = {
    "about-this-manual": ("omtaler familiepartneren i tredje person", "the family partner in the third person"),
    # The sample plan is the family's own document, so it names the family partner.
    "family-goals-and-plan": ("med støtte fra familiepartneren", "familiepartneren blir med",
                              "supported by the family partner", "the family partner comes"),
}
# The definite form is the third person; "as the family partner", "the family partner role" and
# "the family partner team" are not.
DEFINITE = {"nb": r"\b[Ff]amiliepartneren\b",
            "en": r"(?<![Aa]s )\b[Tt]he family partner\b(?! role| team)"}


def split_front_matter(t: str) -> tuple[dict, str]:
    if not t.startswith("---\n"):
        return {}, t
    head, _, body = t[4:].partition("\n---\n")
    return yaml.safe_load(head) or {}, body


def third_person_lines(module_id: str, lang: str, source: str) -> list[str]:
    """'line: text' for each line of a source file (front matter skipped) that speaks of the
    family partner in the third person outside a made-up story."""
    import re
    found, in_example = [], False
    body = split_front_matter(source)[1]
    first = source.count("\n") - body.count("\n") + 1
    for n, line in enumerate(body.splitlines(), first):
        if re.match(r"^::: ?example\b", line):
            in_example = True
        elif in_example and line.strip() == ":::":
            in_example = False
        elif not in_example and re.search(DEFINITE[lang], line):
            if not any(allowed in line for allowed in THIRD_PERSON_LINES.get(module_id, ())):
                found.append(f"{n}: {line.strip()}")
    return found


def du_modules() -> dict[str, dict[str, tuple[str, str]]]:
    """Module id → {lang: (path, source)} for the modules written to the family partner."""
    modules: dict[str, dict[str, str]] = {}
    for p in (ROOT / "manual").rglob("*.md"):
        if ".translations" in p.parts or p.name.count(".") != 2:
            continue
        source = p.read_text(encoding="utf-8")
        meta = split_front_matter(source)[0]
        audience = meta.get("audience") or []
        if (meta.get("type") in ("chapter", "session", "appendix") and audience[:1] == ["family-partners"]
                and meta["id"] not in THIRD_PERSON_CHAPTERS):
            modules.setdefault(meta["id"], {})[p.name.split(".")[1]] = (str(p.relative_to(ROOT)), source)
    return modules


def test_the_family_partner_is_addressed_as_du_in_the_chapters_written_to_them():
    modules = du_modules()
    assert {"assessment", "home-visits-overview", "session-feelings", "forms-and-templates"} <= set(modules)
    assert not {"supervision", "recruitment-and-training", "template-family-information"} & set(modules)
    lapses = [f"{path}:{line}" for m, files in sorted(modules.items())
              for lang, (path, source) in sorted(files.items()) for line in third_person_lines(m, lang, source)]
    assert not lapses, "say «du»/'you' to the family partner:\n" + "\n".join(lapses)


def test_overlays_that_replace_du_text_say_du_too():
    modules, checked = du_modules(), 0
    for adaptation in (ROOT / "adaptations").glob("*/adaptation.yml"):
        for change in yaml.safe_load(adaptation.read_text(encoding="utf-8")).get("changes") or []:
            if not change.get("overlay"):
                continue
            home = change["anchor"] if change["operation"] == "add-module" else change["target"]
            if home.split("#")[0] not in modules:
                continue
            for lang in ("nb", "en"):
                overlay = adaptation.parent / "overlays" / f"{change['overlay']}.{lang}.md"
                lapses = third_person_lines(home, lang, overlay.read_text(encoding="utf-8"))
                assert not lapses, f"{overlay.relative_to(ROOT)}: say «du»/'you':\n" + "\n".join(lapses)
                checked += 1
    assert checked >= 10


def test_the_du_check_sees_a_lapse_and_spares_a_story():
    body = "---\nid: x\n---\nDu spør.\n\n::: example\nFamiliepartneren spør.\n:::\n\nFamiliepartneren svarer.\n"
    assert third_person_lines("assessment", "nb", body) == ["10: Familiepartneren svarer."]
    assert third_person_lines("assessment", "en", "As the family partner, you ask.\nThe family partner asks.\n") \
        == ["2: The family partner asks."]

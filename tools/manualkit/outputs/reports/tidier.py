"""The TIDieR description (Hoffmann et al., BMJ 2014) of a variant, generated from the model and the manual.

The 12 items of the Template for Intervention Description and Replication, each with the
modules (or files) it was drawn from: name, why, materials, procedures, who provided, how,
where, when and how much, tailoring, modifications (from the FRAME ledger), how well planned
(from the fidelity indicators) and how well actual (not available until data exist).
Markdown, JSON and an A4 PDF (Typst, with the text passed as data).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping, TextIO

from manualkit.core import reports as report_table
from manualkit.core.dose import frequency, planned_dose
from manualkit.core.frame import label, nature_label
from manualkit.core.problems import UsageError
from manualkit.core.resolved import ResolvedVariant
from manualkit.outputs.reports.common import fig, json_text, release_data, release_line, variant_name, words_lang

FORMATS = report_table.get("tidier").formats  # the one table of reports (core/reports.py)

TITLES = {
    "nb": ["Kort navn", "Hvorfor", "Hva (materiell)", "Hva (prosedyrer)", "Hvem gir tiltaket", "Hvordan", "Hvor",
           "Når og hvor mye", "Individuell tilpasning", "Endringer", "Hvor godt (planlagt)", "Hvor godt (faktisk)"],
    "en": ["Brief name", "Why", "What (materials)", "What (procedures)", "Who provided", "How", "Where",
           "When and how much", "Tailoring", "Modifications", "How well (planned)", "How well (actual)"],
}
W = {
    "nb": {"title": "TIDieR-beskrivelse", "intro": "Beskrivelse etter sjekklisten TIDieR (Hoffmann mfl., BMJ 2014), laget automatisk "
                                                    "fra tiltaksmodellen og manualen. Tall er planlagte verdier.",
           "sources": "Kilder", "core": "kjernekomponent", "not_core": "ikke kjerne",
           "components": "Komponenter", "phases": "Faser", "sessions": "Foreldreveiledningen har {n} økter på til sammen {m} minutter",
           "phase": "{title}: {weeks} uker (vanlig), hjemmebesøk {freq} à {minutes} minutter",
           "materials": "Manualen ({modules} moduler), en øktguide per økt og disse arkene til foreldrene: {handouts}.",
           "who": "{deliverer} Innledende opplæring: {hours} timer, og {days} fagdager i året. Veiledning: individuelt hver {ind}. uke "
                  "({ind_min} minutter) og i gruppe hver {grp}. uke ({grp_min} minutter).",
           "how": "Ansikt til ansikt, individuelt med én familie om gangen, i hjemmebesøk; i tillegg planlagte telefon- eller videosamtaler "
                  "og samarbeidsmøter med tjenestene rundt familien.",
           "when": "Hver familie følges i {min}–{max} måneder (vanlig plan {typical} uker). En familiepartner har høyst {caseload} familier. "
                   "Planlagt per familie: {visits} hjemmebesøk (minst {vmin}, høyst {vmax}), {hours} kontakttimer og {meetings} samarbeidsmøter.",
           "tailoring": "Familien setter sine egne mål, og hyppigheten av besøkene avtales med familien innenfor rammen for fasen. "
                        "Hver økt har et avsnitt om tilpasninger til barnets alder og familiens situasjon ({n} økter).",
           "subgroup": "{title}: {who} I fasen «{phases}» er det hjemmebesøk {freq}{calls}; "
                       "{visits} hjemmebesøk i et vanlig forløp (andre familier: {others}).",
           "subgroup_call": " og en samtale på {minutes} minutter {freq}",
           "subgroup_session": "{title}: {who} {session} varer {minutes} minutter (andre familier: {others}).",
           "no_modifications": "Ingen: dette er basisversjonen av manualen. Kommunenes endringer registreres etter FRAME i deres lokale versjoner.",
           "modifications": "{n} lokale endringer, registrert etter FRAME ({inconsistent} ikke i tråd med programtroskap):",
           "planned": "{n} indikatorer for programtro ({raters}) knyttet til kjernekomponentene og kjernedelene; en sjekkliste per økt "
                      "(hvert steg: ja/delvis/nei og minutter brukt) og en per kjernekomponent til bruk i veiledningen, også som REDCap-dataordbok. "
                      "Indikatorene er forslag, ikke et validert instrument.",
           "actual": "Ikke tilgjengelig ennå: hvor godt tiltaket faktisk ble gjennomført, kan først beskrives når data om programtro er samlet inn.",
           "raters": {"family-partner": "familiepartner", "supervisor": "veileder", "family": "familien"}},
    "en": {"title": "TIDieR description", "intro": "Description following the TIDieR checklist (Hoffmann et al., BMJ 2014), generated "
                                                   "from the intervention model and the manual. Figures are planned values.",
           "sources": "Sources", "core": "core component", "not_core": "not core",
           "components": "Components", "phases": "Phases", "sessions": "The parental guidance has {n} sessions of {m} minutes in all",
           "phase": "{title}: {weeks} weeks (typical), home visits {freq} of {minutes} minutes",
           "materials": "The manual ({modules} modules), a session guide per session and these sheets for the parents: {handouts}.",
           "who": "{deliverer} Initial training: {hours} hours, and {days} training days a year. Supervision: individual every {ind} weeks "
                  "({ind_min} minutes) and in a group every {grp} weeks ({grp_min} minutes).",
           "how": "Face to face, individually with one family at a time, in home visits; in addition planned phone or video calls "
                  "and coordination meetings with the services around the family.",
           "when": "Each family is followed for {min}–{max} months (typical plan {typical} weeks). A family partner has at most {caseload} families. "
                   "Planned per family: {visits} home visits (at least {vmin}, at most {vmax}), {hours} contact hours and {meetings} coordination meetings.",
           "tailoring": "The family sets its own goals, and the frequency of visits is agreed with the family within the frame of the phase. "
                        "Every session has a section on adapting it to the child's age and the family's situation ({n} sessions).",
           "subgroup": "{title}: {who} In the phase ‘{phases}’, a home visit {freq}{calls}; "
                       "{visits} home visits in a typical course (other families: {others}).",
           "subgroup_call": " and a call of {minutes} minutes {freq}",
           "subgroup_session": "{title}: {who} {session} lasts {minutes} minutes (other families: {others}).",
           "no_modifications": "None: this is the base version of the manual. The municipalities' changes are recorded with FRAME in their local versions.",
           "modifications": "{n} local changes, recorded with FRAME ({inconsistent} fidelity-inconsistent):",
           "planned": "{n} fidelity indicators ({raters}) linked to the core components and core sections; a checklist per session "
                      "(each step: yes/partly/no and minutes used) and one per core component for supervision, also as a REDCap data dictionary. "
                      "The indicators are proposals, not a validated instrument.",
           "actual": "Not available yet: how well the intervention was actually delivered can only be described once fidelity data have been collected.",
           "raters": {"family-partner": "family partner", "supervisor": "supervisor", "family": "the family"}},
}


def w(lang: str, key: str):
    return W[words_lang(lang, W)][key]


def items(variant: ResolvedVariant, lang: str) -> list[dict]:
    """The 12 items: number, title, paragraphs, list lines, and sources (module id → title)."""
    model = variant.model
    if model is None:
        raise UsageError("the TIDieR description needs the intervention model", hint="add manual/intervention.yml (see docs/research.md)")
    rm = variant.manual(lang)
    mods = {mod.id: mod for mod in rm.modules() if not mod.generated}

    def src(*ids: str) -> list[dict]:
        seen = []
        for ref in ids:
            mid = ref.split("#")[0]
            if mid in mods and mid not in [s["module"] for s in seen]:
                seen.append({"module": mid, "title": mods[mid].title})
        return seen

    sessions = variant.sessions.get(lang) or ()
    dose = planned_dose(model, sessions)
    handouts = [mod for mod in mods.values() if mod.type == "handout"]
    summary = lambda mid: mods[mid].summary if mid in mods else ""  # noqa: E731
    out: list[dict] = []

    def add(text: list[str], lines: list[str], sources: list[dict]) -> None:
        n = len(out)
        out.append({"number": n + 1, "title": TITLES[words_lang(lang, TITLES)][n], "text": [t for t in text if t], "lines": lines,
                    "sources": sources})

    name = model.name.get(lang, "")
    add([f"{name} – {variant_name(variant, lang)}, {rm.title} {rm.version}."], [], src("about-this-manual"))
    why_text, why_lines = _rationale(mods.get("programme-theory"))
    add(why_text or [summary("programme-theory")], why_lines, src("programme-theory#goals"))
    add([w(lang, "materials").format(modules=len(mods), handouts="; ".join(h.title for h in handouts))], [],
        src("parent-training-overview", "forms-and-templates", *[h.id for h in handouts]))
    comp_lines = [f"{c.title.get(lang, c.id)} ({w(lang, 'core') if c.core else w(lang, 'not_core')})" for c in model.components]
    phase_lines = [w(lang, "phase").format(title=p.title.get(lang, p.id), weeks=fig(p.weeks.typical, lang),
                                           freq=frequency(p.visits_per_week, lang), minutes=fig(p.visit_minutes, lang))
                   for p in model.phases]
    session_line = w(lang, "sessions").format(n=len(sessions), m=fig(dose["session_minutes"].typical, lang)) + ": " + \
        "; ".join(f"{s.title} ({fig(s.duration_minutes, lang)} min)" for s in sessions) + "."
    add([session_line], [f"{w(lang, 'components')}: " + ", ".join(comp_lines)] + phase_lines,
        src(*[r for c in model.components for r in c.described_in], *[r for p in model.phases for r in p.described_in],
            *[s.module for s in sessions]))
    sup = model.supervision
    add([w(lang, "who").format(deliverer=model.deliverer.get(lang, ""), hours=fig(model.training["initial_hours"], lang),
                               days=fig(model.training["days_per_year"], lang), ind=fig(sup["individual_every_weeks"], lang),
                               ind_min=fig(sup["individual_minutes"], lang), grp=fig(sup["group_every_weeks"], lang),
                               grp_min=fig(sup["group_minutes"], lang))], [],
        src("family-partner-role", *model.training["described_in"], *sup["described_in"]))
    add([w(lang, "how")], [], src("home-visits-overview", "follow-up-visits", "coordination-meetings"))
    add([model.setting.get(lang, "")], [], src("home-visits-overview#where-and-when"))
    d = model.duration_months
    add([w(lang, "when").format(min=fig(d.min, lang), max=fig(d.max, lang), typical=fig(dose["weeks"].typical, lang),
                                caseload=model.caseload_max, visits=fig(dose["home_visits"].typical, lang),
                                vmin=fig(dose["home_visits"].min, lang), vmax=fig(dose["home_visits"].max, lang),
                                hours=fig(dose["contact_hours"].typical, lang), meetings=fig(dose["coordination_meetings"].typical, lang))],
        phase_lines, src("home-visits-overview#frequency", "family-partner-role#caseload", "parent-training-overview",
                         *[r for p in model.phases for r in p.described_in]))
    with_adapt = [s for s in sessions if any(sec.id == "adaptations" for sec in mods[s.module].sections)] if sessions else []
    groups = []
    for group in model.subgroups:  # planned tailoring for a group of families (core/intervention.Subgroup)
        sub = model.for_subgroup(group.id)
        for pid in group.phases:
            p = sub.phase(pid)
            groups.append(w(lang, "subgroup").format(
                title=group.title.get(lang, group.id), who=group.who.get(lang, ""), phases=p.title.get(lang, pid),
                freq=frequency(p.visits_per_week, lang),
                calls=w(lang, "subgroup_call").format(minutes=fig(p.call_minutes, lang), freq=frequency(p.calls_per_week, lang))
                if p.calls_per_week else "",
                visits=fig(planned_dose(sub, sessions)["home_visits"].typical, lang), others=fig(dose["home_visits"].typical, lang)))
        for s in sessions or ():  # a session of its own length for these families
            if s.module in group.sessions:
                groups.append(w(lang, "subgroup_session").format(
                    title=group.title.get(lang, group.id), who=group.who.get(lang, ""), session=s.title,
                    minutes=fig(group.sessions[s.module], lang), others=fig(s.duration_minutes, lang)))
    add([w(lang, "tailoring").format(n=len(with_adapt))], groups, src("family-goals-and-plan", *[s.module for s in with_adapt]))
    vocab = variant.frame_vocab
    if variant.is_base or not rm.changes:
        add([w(lang, "no_modifications")], [], [])
    else:
        lines = [f"{c.description} ({nature_label(vocab, c.frame, lang)}; {label(vocab, 'fidelity', c.frame.fidelity, lang)})"
                 for c in rm.changes]
        add([w(lang, "modifications").format(n=len(rm.changes), inconsistent=sum(c.inconsistent for c in rm.changes))], lines,
            [{"module": f"adaptations/{variant.id}/adaptation.yml", "title": "FRAME"}])
    raters = ", ".join(dict.fromkeys(w(lang, "raters")[i.rater] for i in model.indicators))
    add([w(lang, "planned").format(n=len(model.indicators), raters=raters)], [],
        src("fidelity-monitoring", *[i.checks for i in model.indicators]))
    add([w(lang, "actual")], [], src("pilot-evaluation"))
    return out


def markdown(variant: ResolvedVariant, lang: str) -> str:
    from manualkit.outputs.reports.common import md_escape

    out = [f"# {w(lang, 'title')}: {variant_name(variant, lang)}", "", release_line(variant, lang), "", w(lang, "intro"), ""]
    for it in items(variant, lang):
        out += [f"## {it['number']}. {it['title']}", ""]
        out += [md_escape(t) + "\n" for t in it["text"]]
        if it["lines"]:
            out += [f"- {md_escape(x)}" for x in it["lines"]] + [""]
        if it["sources"]:
            out += [f"*{w(lang, 'sources')}:* " + "; ".join(f"{md_escape(s['title'])} (`{s['module']}`)" for s in it["sources"]), ""]
    return "\n".join(out)


def pdf(variant: ResolvedVariant, lang: str, runner=None) -> bytes:
    from manualkit.outputs.pdf.documents import Document
    from manualkit.outputs.pdf.typst_compile import TypstRunner

    title = f"{w(lang, 'title')}: {variant_name(variant, lang)}"
    data = {"title": title, "intro": release_line(variant, lang) + " " + w(lang, "intro"), "lang": lang, "sources": w(lang, "sources"), "items": items(variant, lang)}
    source = (Path(__file__).parent / "templates" / "tidier.typ").read_text(encoding="utf-8")
    doc = Document("tidier", f"the TIDieR description ({variant.id}, {lang})", title, source,
                   {"data": json.dumps(data, ensure_ascii=False)}, (), source.count("\n") + 1)
    runner = runner or TypstRunner(variant)
    return runner.pdf(doc)


def _plain(text: str) -> str:
    import re
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(text.replace("**", "").replace("*", "").split())


def _rationale(mod) -> tuple[list[str], list[str]]:
    """TIDieR item 2, "Why": the rationale, the programme theory's goals (its #goals section), not summaries."""
    if mod is None:
        return [], []
    secs = {sec.id: sec.text for sec in mod.sections}
    text: list[str] = []
    lines: list[str] = []
    for sid in ("goals",):
        body = secs.get(sid, "")
        paras = [p.strip() for p in body.split("\n\n")[1:] if p.strip()]
        for para in paras:
            if para.lstrip().startswith(("- ", "* ", "1. ")):
                lines += [_plain(x.lstrip("-*0123456789. ")) for x in para.split("\n") if x.strip()]
            elif not para.startswith(("|", ":::", "#")):
                text.append(_plain(para))
                if sid == "assumptions":
                    break
    return text, lines


def report(variant: ResolvedVariant, lang: str, fmt: str) -> str | bytes:
    if fmt == "json":
        return json_text({"variant": variant.id, "language": lang, "release": release_data(variant),
                          "based_on": release_line(variant, lang), "checklist": "TIDieR (Hoffmann et al., BMJ 2014)",
                          "items": items(variant, lang)})
    if fmt == "pdf":
        return pdf(variant, lang)
    return markdown(variant, lang)


def render(variant: ResolvedVariant, out_dir: Path, log: TextIO, inputs: Mapping[str, Path]) -> None:
    if variant.model is None:
        return
    from manualkit.outputs.pdf.typst_compile import TypstRunner

    runner = TypstRunner(variant)
    for lang in variant.languages:
        (out_dir / f"tidier.{lang}.md").write_text(markdown(variant, lang), encoding="utf-8")
        (out_dir / f"tidier.{lang}.json").write_text(report(variant, lang, "json"), encoding="utf-8")
        (out_dir / f"tidier.{lang}.pdf").write_bytes(pdf(variant, lang, runner))


__all__ = ["items", "markdown", "pdf", "report", "render", "FORMATS"]

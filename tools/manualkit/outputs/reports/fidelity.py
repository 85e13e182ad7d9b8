"""Fidelity checklists from the intervention model: A4 PDFs, a REDCap data dictionary and a codebook.

One checklist per session of the parental guidance (every timed step: done yes / partly / no and
the minutes used, then the indicators that check the session) and one per component for
supervision (its indicators; ``general`` holds the frame: caseload, duration, supervision).
The same checklists become one REDCap instrument each, in REDCap's 18-column data dictionary.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, TextIO

from manualkit.core import reports as report_table
from manualkit.core.delivery import SUBGROUP_FIELD, SUBGROUP_FORM, group_sessions
from manualkit.core.intervention import SessionPlan
from manualkit.core.problems import UsageError
from manualkit.core.resolved import ResolvedVariant
from manualkit.outputs.reports.common import csv_text, md_table, release_line, variant_name, words_lang

FORMATS = report_table.get("fidelity").formats  # the one table of reports (core/reports.py)
REDCAP_COLUMNS = (
    "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
    "Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number",
    "Text Validation Min", "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
    "Required Field?", "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name", "Matrix Ranking?",
    "Field Annotation")
# Filled only by the toolkit with REDCap's own syntax, never from content: left as written.
REDCAP_GENERATED = ("Choices, Calculations, OR Slider Labels", "Branching Logic (Show field only if...)")
FIELD_RE = re.compile(r"^[a-z][a-z0-9_]*$")
PREFIX = {"home-visiting": "hv", "parent-training": "pt", "service-coordination": "sc", "general": "fr"}

T = {
    "nb": {"yes": "Ja", "partly": "Delvis", "no": "Nei", "no.": "Nr.", "step": "Steg", "indicator": "Indikator",
           "minutes_used": "Minutter brukt", "steps": "Stegene i økten", "indicators": "Indikatorer for programtro",
           "about_record": "Registrering", "family_id": "Familie-ID (ingen navn)", "date": "Dato", "rater": "Utfylt av (rolle)",
           "notes": "Merknader", "signature": "Signatur (rolle)",
           "notes_hint": "Skriv hva som ble gjort annerledes, og hvorfor. Ikke skriv navn eller andre personopplysninger.",
           "session_intro": "Fylles ut av familiepartneren etter økten ({minutes} minutter planlagt). "
                            "Kryss av for hvert steg, og skriv hvor mange minutter det tok.",
           "component_intro": "Gjennomgås i veiledningen. Kryss av for hver indikator.",
           "session_title": "Sjekkliste for programtro – {title}", "component_title": "Sjekkliste for programtro – {title}",
           "frame": "Rammen for tiltaket", "footer": "Forslag til sjekkliste, ikke et validert instrument · {variant}",
           "step_label": "Steg {n}: {title} – gjennomført?", "step_minutes": "Steg {n}: minutter brukt",
           "steps_others": "Stegene i økten for alle andre familier ({minutes} min)",
           "steps_group": "Stegene i økten for «{title}» ({minutes} min)",
           "intro_group": " Familiene i gruppen «{title}» har økten på {minutes} minutter, med egne steg.",
           "branch_note": "Feltene {fields} vises bare for familiene i gruppen «{title}» ({field} = {code}); "
                          "alle andre familier fyller ut {base}.",
           "planned": "Planlagt: {minutes} min", "raters": {"family-partner": "Familiepartner", "supervisor": "Veileder", "family": "Familien"},
           "subgroup_label": "Familiens gruppe i planen", "subgroup_header": "Undergruppe",
           "no_subgroup": "Ingen undergruppe (følger modellen)",
           "subgroup_note": "Avgjøres ved oppstart og står i familieplanen; leveranserapporten sammenligner familien med planen for gruppen.",
           "record_id": "Familie-ID (ingen personopplysninger)", "notes_field": "Merknader (ingen personopplysninger)",
           "codebook": "Kodebok for sjekklistene for programtro", "all_title": "Sjekklister for programtro", "variable": "Variabel", "label": "Spørsmål", "type": "Type",
           "choices": "Svar", "checks": "Sjekker", "instrument": "Skjema",
           "codebook_intro": "Hver sjekkliste er ett skjema (instrument) i REDCap-dataordboken fidelity-redcap.{lang}.csv. "
                             "Svarene kodes 1 = Ja, 2 = Delvis, 3 = Nei. Indikatorene er forslag, ikke et validert instrument."},
    "en": {"yes": "Yes", "partly": "Partly", "no": "No", "no.": "No.", "step": "Step", "indicator": "Indicator",
           "minutes_used": "Minutes used", "steps": "Steps of the session", "indicators": "Fidelity indicators",
           "about_record": "Record", "family_id": "Family ID (no names)", "date": "Date", "rater": "Completed by (role)",
           "notes": "Notes", "signature": "Signature (role)",
           "notes_hint": "Write what was done differently, and why. Do not write names or other personal data.",
           "session_intro": "Completed by the family partner after the session ({minutes} minutes planned). "
                            "Tick each step, and write how many minutes it took.",
           "component_intro": "Reviewed in supervision. Tick each indicator.",
           "session_title": "Fidelity checklist – {title}", "component_title": "Fidelity checklist – {title}",
           "frame": "The frame of the intervention", "footer": "Proposed checklist, not a validated instrument · {variant}",
           "step_label": "Step {n}: {title} – delivered?", "step_minutes": "Step {n}: minutes used",
           "steps_others": "Steps of the session for every other family ({minutes} min)",
           "steps_group": "Steps of the session for ‘{title}’ ({minutes} min)",
           "intro_group": " The families in the group ‘{title}’ have the session in {minutes} minutes, with steps of their own.",
           "branch_note": "Fields {fields} are shown only for the families in the group ‘{title}’ ({field} = {code}); "
                          "every other family fills in {base}.",
           "planned": "Planned: {minutes} min", "raters": {"family-partner": "Family partner", "supervisor": "Supervisor", "family": "The family"},
           "subgroup_label": "The family's group in the plan", "subgroup_header": "Subgroup",
           "no_subgroup": "No subgroup (follows the model)",
           "subgroup_note": "Decided at the start and written in the family plan; the delivery report compares the family with the plan of its group.",
           "record_id": "Family ID (no personal data)", "notes_field": "Notes (no personal data)",
           "codebook": "Codebook of the fidelity checklists", "all_title": "Fidelity checklists", "variable": "Variable", "label": "Question", "type": "Type",
           "choices": "Answers", "checks": "Checks", "instrument": "Instrument",
           "codebook_intro": "Each checklist is one instrument in the REDCap data dictionary fidelity-redcap.{lang}.csv. "
                             "Answers are coded 1 = Yes, 2 = Partly, 3 = No. The indicators are proposals, not a validated instrument."},
}


def t(lang: str, key: str):
    return T[words_lang(lang, T)].get(key, T["en"][key])


@dataclass(frozen=True)
class Item:
    field: str
    label: str
    kind: str  # radio | minutes | date | notes | rater
    note: str = ""
    checks: str = ""
    rater: str = ""
    section: str = ""  # steps | indicators
    heading: str = ""  # the section's heading where it is not the section's own (a subgroup's steps)
    branch: str = ""  # REDCap branching logic: shown only for the families of one subgroup (or all others)


@dataclass(frozen=True)
class Checklist:
    id: str  # file name
    form: str  # REDCap instrument name
    title: str
    intro: str
    items: tuple[Item, ...]


def _yes_no(lang: str) -> str:
    return f"1, {t(lang, 'yes')} | 2, {t(lang, 'partly')} | 3, {t(lang, 'no')}"


def checklists(variant: ResolvedVariant, lang: str) -> list[Checklist]:
    model = variant.model
    if model is None:
        return []
    out: list[Checklist] = []
    plans = variant.sessions.get(lang) or ()
    for plan in plans:
        p = f"s{plan.order}"
        items = [Item(f"{p}_date", t(lang, "date"), "date"), Item(f"{p}_rater", t(lang, "rater"), "rater")]
        own = group_sessions(model, plan)
        others = " and ".join(f"[{SUBGROUP_FIELD}] <> '{gs.code}'" for gs in own)
        items += _step_items(plan, p, lang, t(lang, "steps_others").format(minutes=plan.duration_minutes) if own else "", others)
        intro = t(lang, "session_intro").format(minutes=plan.duration_minutes)
        for gs in own:  # a subgroup that has this session at its own length records its own steps
            title = gs.group.title.get(lang) or next(iter(gs.group.title.values()), gs.group.id)
            items += _step_items(gs.plan, gs.prefix, lang, t(lang, "steps_group").format(title=title, minutes=gs.plan.duration_minutes),
                                 f"[{SUBGROUP_FIELD}] = '{gs.code}'", f"plan-{gs.group.id}")
            intro += t(lang, "intro_group").format(title=title, minutes=gs.plan.duration_minutes)
        for k, ind in enumerate([i for i in model.indicators if i.checks.split("#")[0] == plan.module], 1):
            items.append(Item(f"{p}_ind{k}", ind.text.get(lang, ""), "radio", checks=ind.checks, rater=ind.rater,
                              note=ind.id, section="indicators"))
        items.append(Item(f"{p}_notes", t(lang, "notes_field"), "notes"))
        out.append(Checklist(plan.module, plan.module.replace("-", "_"), t(lang, "session_title").format(title=plan.title),
                             intro, tuple(items)))
    comps = [(c.id, c.title.get(lang, c.id)) for c in model.components if c.core]
    if any(i.component == "general" for i in model.indicators):
        comps.append(("general", t(lang, "frame")))
    for cid, title in comps:
        p = PREFIX.get(cid) or "c" + re.sub(r"[^a-z0-9]", "", cid)[:8]
        inds = [i for i in model.indicators if i.component == cid]
        items = [Item(f"{p}_date", t(lang, "date"), "date"), Item(f"{p}_rater", t(lang, "rater"), "rater")]
        items += [Item(f"{p}_ind{k}", i.text.get(lang, ""), "radio", checks=i.checks, rater=i.rater, note=i.id, section="indicators")
                  for k, i in enumerate(inds, 1)]
        items.append(Item(f"{p}_notes", t(lang, "notes_field"), "notes"))
        out.append(Checklist(f"component-{cid}", f"component_{cid.replace('-', '_')}", t(lang, "component_title").format(title=title),
                             t(lang, "component_intro"), tuple(items)))
    return out


def _step_items(plan: SessionPlan, p: str, lang: str, heading: str = "", branch: str = "", section: str = "plan") -> list[Item]:
    """Done yes / partly / no and the minutes used, for every step of ``plan`` (in the module's
    section ``section``), in fields ``p``."""
    items = []
    for st in plan.steps:
        items.append(Item(f"{p}_step{st.number}", t(lang, "step_label").format(n=st.number, title=st.title), "radio",
                          note=t(lang, "planned").format(minutes=st.minutes), checks=f"{plan.module}#{section}",
                          rater="family-partner", section="steps", heading=heading, branch=branch))
        items.append(Item(f"{p}_step{st.number}_min", t(lang, "step_minutes").format(n=st.number), "minutes",
                          checks=f"{plan.module}#{section}", rater="family-partner", section="steps", heading=heading, branch=branch))
    return items


# -- REDCap data dictionary --------------------------------------------------------------------

def redcap(variant: ResolvedVariant, lang: str) -> str:
    """REDCap's data dictionary (18 columns): record_id first, one instrument per checklist."""
    rows: list[dict[str, str]] = []
    raters = t(lang, "raters")
    for n, c in enumerate(checklists(variant, lang)):
        if n == 0:
            rows.append(_row("record_id", c.form, "text", t(lang, "record_id")))
        last_section: tuple[str, str] = ("", "")
        for it in c.items:
            header = ""
            if it.section and (it.section, it.heading) != last_section:
                header = it.heading or t(lang, it.section)
                last_section = (it.section, it.heading)
            annotation = "; ".join(x for x in (f"checks: {it.checks}" if it.checks else "",
                                               f"rater: {it.rater}" if it.rater else "",
                                               f"indicator: {it.note}" if it.section == "indicators" else "") if x)
            if it.kind == "radio":
                note = it.note if it.section == "steps" else ""
                rows.append(_row(it.field, c.form, "radio", it.label, header=header, choices=_yes_no(lang), note=note,
                                 annotation=annotation, branch=it.branch))
            elif it.kind == "minutes":
                rows.append(_row(it.field, c.form, "text", it.label, header=header, validation="integer", vmin="0", vmax="240",
                                 annotation=annotation, branch=it.branch))
            elif it.kind == "date":
                rows.append(_row(it.field, c.form, "text", it.label, validation="date_dmy"))
            elif it.kind == "rater":
                rows.append(_row(it.field, c.form, "radio", it.label,
                                 choices=" | ".join(f"{k}, {raters[r]}" for k, r in enumerate(("family-partner", "supervisor", "family"), 1))))
            else:
                rows.append(_row(it.field, c.form, "notes", it.label))
    rows += _subgroup_rows(variant, lang)
    return csv_text(REDCAP_COLUMNS, rows, verbatim=REDCAP_GENERATED)


def _subgroup_choices(variant: ResolvedVariant, lang: str) -> list[tuple[str, str]]:
    groups = variant.model.subgroups if variant.model else ()
    return [("0", t(lang, "no_subgroup"))] + [(str(k), g.title.get(lang, g.id)) for k, g in enumerate(groups, 1)]


def _subgroup_rows(variant: ResolvedVariant, lang: str) -> list[dict[str, str]]:
    """A variant whose model has subgroups of families: which group a family belongs to, one field
    of its own instrument, so that the delivery report compares each family with its own plan."""
    if not (variant.model and variant.model.subgroups):
        return []
    choices = _subgroup_choices(variant, lang)
    annotation = "subgroups: " + ", ".join(f"{k}={g.id}" for k, g in enumerate(variant.model.subgroups, 1))
    return [_row(SUBGROUP_FIELD, SUBGROUP_FORM, "radio", t(lang, "subgroup_label"), header=t(lang, "subgroup_header"),
                 choices=" | ".join(f"{k}, {v}" for k, v in choices), note=t(lang, "subgroup_note"), annotation=annotation)]


def _row(name: str, form: str, ftype: str, label: str, *, header: str = "", choices: str = "", note: str = "",
         validation: str = "", vmin: str = "", vmax: str = "", annotation: str = "", branch: str = "") -> dict[str, str]:
    row = dict.fromkeys(REDCAP_COLUMNS, "")
    row.update({"Variable / Field Name": name, "Form Name": form, "Section Header": header, "Field Type": ftype,
                "Field Label": label, "Choices, Calculations, OR Slider Labels": choices, "Field Note": note,
                "Text Validation Type OR Show Slider Number": validation, "Text Validation Min": vmin,
                "Text Validation Max": vmax, "Field Annotation": annotation, "Branching Logic (Show field only if...)": branch})
    return row


# -- codebook and PDF --------------------------------------------------------------------------

def codebook(variant: ResolvedVariant, lang: str) -> str:
    out = [f"# {t(lang, 'codebook')}: {variant_name(variant, lang)}", "", release_line(variant, lang), "",
           t(lang, "codebook_intro").format(lang=lang), ""]
    kinds = {"radio": "radio", "minutes": "text (integer 0–240)", "date": "text (date_dmy)", "notes": "notes", "rater": "radio"}
    raters = t(lang, "raters")
    for c in checklists(variant, lang):
        out += [f"## {c.title}", "", f"{t(lang, 'instrument')}: `{c.form}`", ""]
        body = []
        for it in c.items:
            choices = _yes_no(lang) if it.kind == "radio" else (
                " | ".join(f"{k}, {raters[r]}" for k, r in enumerate(raters, 1)) if it.kind == "rater" else "")
            body.append([f"`{it.field}`", it.label, kinds[it.kind], choices, it.checks, raters.get(it.rater, "")])
        out.append(md_table([t(lang, "variable"), t(lang, "label"), t(lang, "type"), t(lang, "choices"), t(lang, "checks"),
                             t(lang, "rater")], body))
        out += _branch_notes(variant, lang, c)
    for row in _subgroup_rows(variant, lang):  # which group of the plan a family is in
        out += [f"## {row['Section Header']}", "", f"{t(lang, 'instrument')}: `{row['Form Name']}`", "", row["Field Note"], ""]
        out.append(md_table([t(lang, "variable"), t(lang, "label"), t(lang, "type"), t(lang, "choices")],
                            [[f"`{row['Variable / Field Name']}`", row["Field Label"], "radio",
                              row["Choices, Calculations, OR Slider Labels"]]]))
    return "\n".join(out)


def _branch_notes(variant: ResolvedVariant, lang: str, c: Checklist) -> list[str]:
    """Which step fields a subgroup fills in instead of everyone else's (REDCap shows only those)."""
    out = []
    groups = {str(k): g for k, g in enumerate(variant.model.subgroups, 1)}
    base = [it.field for it in c.items if it.section == "steps" and it.branch.startswith(f"[{SUBGROUP_FIELD}] <>")]
    for code, group in groups.items():
        mine = [it.field for it in c.items if it.branch == f"[{SUBGROUP_FIELD}] = '{code}'"]
        if mine and base:
            out += [t(lang, "branch_note").format(fields=f"`{mine[0]}`–`{mine[-1]}`", field=f"`{SUBGROUP_FIELD}`", code=code,
                                                  title=group.title.get(lang) or next(iter(group.title.values()), group.id),
                                                  base=f"`{base[0]}`–`{base[-1]}`"), ""]
    return out


def _pdf_data(variant: ResolvedVariant, lang: str, chosen: list[Checklist]) -> dict:
    name = variant_name(variant, lang)
    out = []
    for c in chosen:
        sections = []
        parts = list(dict.fromkeys((it.section, it.heading) for it in c.items if it.section and it.kind == "radio"))
        for sec, heading in sorted(parts, key=lambda x: x[0] != "steps"):  # the steps (each group's), then the indicators
            items = [it for it in c.items if (it.section, it.heading) == (sec, heading) and it.kind == "radio"]
            head = [t(lang, "no."), t(lang, "step" if sec == "steps" else "indicator"), t(lang, "yes"), t(lang, "partly"), t(lang, "no")]
            if sec == "steps":
                head.append(t(lang, "minutes_used"))
            rows = []
            for k, it in enumerate(items, 1):
                label = it.label.split(": ", 1)[-1].rsplit(" – ", 1)[0] if sec == "steps" else it.label
                rows.append({"no": str(k), "label": label, "note": it.note if sec == "steps" else ""})
            sections.append({"title": heading or t(lang, sec), "minutes": sec == "steps", "header": head, "items": rows})
        out.append({"title": c.title, "intro": c.intro, "sections": sections,
                    "head": [t(lang, "family_id"), t(lang, "date"), t(lang, "rater")]})
    keys = ("about_record", "notes", "notes_hint", "signature")
    return {"title": out[0]["title"] if len(out) == 1 else f"{t(lang, 'all_title')}: {name}",
            "author": name, "lang": lang, "footer": t(lang, "footer").format(variant=name) + " · " + release_line(variant, lang),
            "labels": {k: t(lang, k) for k in keys}, "checklists": out}


def pdf(variant: ResolvedVariant, lang: str, chosen: list[Checklist] | None = None, runner=None) -> bytes:
    from manualkit.outputs.pdf.documents import Document
    from manualkit.outputs.pdf.typst_compile import TypstRunner

    chosen = checklists(variant, lang) if chosen is None else chosen
    if not chosen:
        raise UsageError("there are no fidelity checklists", hint="the manual needs manual/intervention.yml with sessions and indicators")
    data = _pdf_data(variant, lang, chosen)
    source = (Path(__file__).parent / "templates" / "checklist.typ").read_text(encoding="utf-8")
    doc = Document("checklist", f"the fidelity checklists ({variant.id}, {lang})", data["title"], source,
                   {"data": json.dumps(data, ensure_ascii=False)}, (), source.count("\n") + 1)
    runner = runner or TypstRunner(variant)
    return runner.pdf(doc)


def report(variant: ResolvedVariant, lang: str, fmt: str) -> str | bytes:
    if fmt == "redcap":
        return redcap(variant, lang)
    if fmt == "md":
        return codebook(variant, lang)
    if fmt == "json":
        from manualkit.outputs.reports.common import json_text
        return json_text([{"id": c.id, "form": c.form, "title": c.title, "items": [it.__dict__ for it in c.items]}
                          for c in checklists(variant, lang)])
    return pdf(variant, lang)


def render(variant: ResolvedVariant, out_dir: Path, log: TextIO, inputs: Mapping[str, Path]) -> None:
    from manualkit.outputs.pdf.typst_compile import TypstRunner

    if variant.model is None:
        return
    runner = TypstRunner(variant)
    for lang in variant.languages:
        (out_dir / f"fidelity-redcap.{lang}.csv").write_text(redcap(variant, lang), encoding="utf-8")
        (out_dir / f"fidelity-codebook.{lang}.md").write_text(codebook(variant, lang), encoding="utf-8")
        folder = out_dir / lang
        folder.mkdir(exist_ok=True)
        every = checklists(variant, lang)
        (out_dir / f"fidelity-checklists.{lang}.pdf").write_bytes(pdf(variant, lang, every, runner))
        for c in every:
            (folder / f"{c.id}.pdf").write_bytes(pdf(variant, lang, [c], runner))


__all__ = ["checklists", "redcap", "codebook", "pdf", "report", "render", "REDCAP_COLUMNS", "FORMATS"]

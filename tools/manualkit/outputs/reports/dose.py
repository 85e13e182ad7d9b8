"""Planned dose per family: home visits, contact hours, sessions, coordination meetings.

Per variant, with its difference from the base manual; ``--all`` gives one table across sites.
The phase parameters (visits per week, minutes, ...) are rows too, so a municipality's change to
the model shows where it was made (``phase.follow-up.visits_per_week``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, TextIO

from manualkit.core import reports as report_table
from manualkit.core.dose import DOSE_MEASURES, WHICH, planned_dose
from manualkit.core.problems import UsageError
from manualkit.core.resolved import ResolvedVariant
from manualkit.outputs.reports.common import L, unit, csv_text, fig, json_text, md_table, release_data, release_line, release_lines, variant_name

COLUMNS = ("variant", "release", "measure", "unit", "min", "typical", "max", "base_min", "base_typical", "base_max", "difference_typical")
PHASE_FIELDS = ("visits_per_week", "visit_minutes", "calls_per_week", "call_minutes", "coordination_meetings",
                "coordination_every_weeks")
PHASE_UNITS = {"visits_per_week": "visits/week", "visit_minutes": "minutes", "calls_per_week": "calls/week",
               "call_minutes": "minutes", "coordination_meetings": "meetings", "coordination_every_weeks": "weeks"}


def _sessions(variant: ResolvedVariant, lang: str, base: bool = False) -> tuple:
    table = variant.base_sessions if base else variant.sessions
    return table.get(lang) or next(iter(table.values()), ())


def rows(variant: ResolvedVariant, lang: str) -> list[dict]:
    """One row per measure and per phase parameter, with the base's figures beside."""
    model, base = variant.model, variant.base_model
    if model is None:
        return []
    mine = planned_dose(model, _sessions(variant, lang))
    theirs = planned_dose(base, _sessions(variant, lang, base=True))
    out: list[dict] = []
    for key, (_nb, _en, unit) in DOSE_MEASURES.items():
        a, b = mine[key], theirs[key]
        out.append({"variant": variant.id, "measure": key, "unit": unit, "label": DOSE_MEASURES[key][0 if lang in ("nb", "nn") else 1],
                    **{w: round(a.get(w), 2) for w in WHICH}, **{f"base_{w}": round(b.get(w), 2) for w in WHICH},
                    "difference_typical": round(a.typical - b.typical, 2)})
    out += _model_value_rows(variant, lang)
    for phase in model.phases:
        bphase = base.phase(phase.id)
        for f in PHASE_FIELDS:
            value = getattr(phase, f)
            bvalue = getattr(bphase, f) if bphase else None
            out.append({"variant": variant.id, "measure": f"phase.{phase.id}.{f}", "unit": PHASE_UNITS[f],
                        "label": f"{phase.title.get(lang, phase.id)}: {L(lang, f) if f in ('visits_per_week', 'visit_minutes', 'calls_per_week', 'call_minutes') else f.replace('_', ' ')}",
                        "min": value, "typical": value, "max": value,
                        "base_min": bvalue, "base_typical": bvalue, "base_max": bvalue,
                        "difference_typical": None if bvalue is None else round(value - bvalue, 2)})
    out += _subgroup_rows(variant, lang)
    return out


def _subgroup_rows(variant: ResolvedVariant, lang: str) -> list[dict]:
    """A subgroup's planned dose (``subgroup.<id>.<measure>``) and the phase figures it has of its own
    (``subgroup.<id>.phase.<phase>.<field>``), beside the figures of every other family of the
    variant (``base_*``: the variant's model without the subgroup)."""
    model = variant.model
    out: list[dict] = []
    theirs = planned_dose(model, _sessions(variant, lang))
    for group in model.subgroups:
        sub = model.for_subgroup(group.id)
        mine = planned_dose(sub, _sessions(variant, lang))
        title = group.title.get(lang, group.id)
        for key, labels in DOSE_MEASURES.items():
            a, b = mine[key], theirs[key]
            out.append({"variant": variant.id, "measure": f"subgroup.{group.id}.{key}", "unit": labels[2],
                        "label": f"{title}: {labels[0 if lang in ('nb', 'nn') else 1]}",
                        **{w: round(a.get(w), 2) for w in WHICH}, **{f"base_{w}": round(b.get(w), 2) for w in WHICH},
                        "difference_typical": round(a.typical - b.typical, 2)})
        for pid, figures in group.phases.items():
            phase = model.phase(pid)
            for f, value in figures.items():
                bvalue = getattr(phase, f)
                out.append({"variant": variant.id, "measure": f"subgroup.{group.id}.phase.{pid}.{f}", "unit": PHASE_UNITS.get(f, "minutes"),
                            "label": f"{title}, {phase.title.get(lang, pid)}: {L(lang, f) if f in PHASE_LABELS else f.replace('_', ' ')}",
                            "min": value, "typical": value, "max": value, "base_min": bvalue, "base_typical": bvalue, "base_max": bvalue,
                            "difference_typical": round(value - bvalue, 2)})
        for plan in _sessions(variant, lang):  # a session of another length for these families
            if plan.module in group.sessions and plan.duration_minutes is not None:
                value, bvalue = group.sessions[plan.module], plan.duration_minutes
                out.append({"variant": variant.id, "measure": f"subgroup.{group.id}.session.{plan.module}", "unit": "minutes",
                            "label": f"{title}, {plan.title} ({unit(lang, 'minutes')})",
                            "min": value, "typical": value, "max": value, "base_min": bvalue, "base_typical": bvalue, "base_max": bvalue,
                            "difference_typical": round(value - bvalue, 2)})
    return out


PHASE_LABELS = ("visits_per_week", "visit_minutes", "calls_per_week", "call_minutes")
SKIP = ("indicators", "components", "phases", "subgroups", "name", "target_group", "deliverer", "setting", "prose", "training.blocks")


def model_leaves(node: object, prefix: str = "") -> dict[str, float]:
    """Every number of the raw model by its dotted field (lists entered by their items' ids), as
    a ``set`` change names it. The phase fields have their own rows (``phase.<id>.<field>``)."""
    out: dict[str, float] = {}
    if isinstance(node, dict):
        for k, v in node.items():
            path = f"{prefix}{k}"
            if path in SKIP:
                continue
            out.update(model_leaves(v, path + "."))
    elif isinstance(node, list) and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in node) and node:
        out[prefix.rstrip(".")] = " / ".join(str(x) for x in node)  # type: ignore[assignment]
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        out[prefix.rstrip(".")] = node
    return out


def _phase_leaves(model) -> dict[str, float]:
    out: dict[str, float] = {}
    for raw in model.raw.get("phases") or []:
        if isinstance(raw, dict):
            for k, v in model_leaves(raw).items():
                if k not in PHASE_FIELDS and k != "id":
                    out[f"phase.{raw.get('id')}.{k}"] = v
    return out


def _model_value_rows(variant: ResolvedVariant, lang: str) -> list[dict]:
    """Rows for every model value a variant can change that is not a phase rate (training,
    supervision, overhead, reviews, the session schedule, the phases' weeks ...), with the base's."""
    mine = {**model_leaves(variant.model.raw), **_phase_leaves(variant.model)}
    theirs = {**model_leaves(variant.base_model.raw), **_phase_leaves(variant.base_model)}
    out = []
    for key, value in mine.items():
        bvalue = theirs.get(key)
        number = isinstance(value, (int, float)) and isinstance(bvalue, (int, float))
        measure = key if key.startswith("phase.") else f"model.{key}"
        out.append({"variant": variant.id, "measure": measure, "unit": "", "label": key,
                    "min": value, "typical": value, "max": value, "base_min": bvalue, "base_typical": bvalue, "base_max": bvalue,
                    "difference_typical": round(value - bvalue, 2) if number else (None if value == bvalue else "changed")})
    return out


def _csv_rows(data: list[dict], variants: list[ResolvedVariant]) -> list[dict]:
    """CSV rows; ``release`` is the version of the base manual each variant's figures come from."""
    releases = {v.id: release_data(v)["version"] for v in variants}
    return [{k: ("" if r.get(k) is None else (fig(r[k]) if isinstance(r.get(k), float) else r.get(k))) for k in COLUMNS}
            | {"release": releases.get(r["variant"], "")} for r in data]


def report(variant: ResolvedVariant, lang: str, fmt: str) -> str:
    if fmt == "svg":  # the chart of the research page: this variant against base (outputs/figures.py)
        from manualkit.outputs.figures import draw
        return draw(variant, f"dose-sites.{lang}.svg")
    data = rows(variant, lang)
    if fmt == "csv":
        return csv_text(COLUMNS, _csv_rows(data, [variant]))
    if fmt == "json":
        return json_text({"variant": variant.id, "language": lang, "release": release_data(variant),
                          "based_on": release_line(variant, lang), "planned": True, "note": L(lang, "planned_note"),
                          "measures": data, "sessions": [
                              {"order": s.order, "module": s.module, "title": s.title, "duration_minutes": s.duration_minutes,
                               "steps": [{"number": st.number, "title": st.title, "minutes": st.minutes} for st in s.steps]}
                              for s in _sessions(variant, lang)]})
    if fmt != "md":
        raise UsageError(f"the dose report has no format '{fmt}'", hint="use --format md, csv, json or svg")
    name = variant_name(variant, lang)
    out = [f"# {L(lang, 'dose_title')}: {name}", "", release_line(variant, lang), "", L(lang, "planned_note"), ""]
    if variant.model is None:
        return "\n".join(out + [L(lang, "no_model")]) + "\n"
    measures = [r for r in data if not r["measure"].startswith(("phase.", "model.", "subgroup."))]
    head = [L(lang, "measure"), L(lang, "unit"), L(lang, "min"), L(lang, "typical"), L(lang, "max")]
    if not variant.is_base:
        head += [L(lang, "base"), L(lang, "difference")]
    body = []
    for r in measures:
        row = [r["label"], unit(lang, r["unit"]), fig(r["min"], lang), fig(r["typical"], lang), fig(r["max"], lang)]
        if not variant.is_base:
            row += [fig(r["base_typical"], lang), _signed(r["difference_typical"], lang)]
        body.append(row)
    out.append(md_table(head, body))
    out += [f"## {L(lang, 'phases')}", ""]
    prow = []
    for p in variant.model.phases:
        prow.append([p.title.get(lang, p.id), f"{fig(p.weeks.min, lang)}–{fig(p.weeks.typical, lang)}–{fig(p.weeks.max, lang)}",
                     fig(p.visits_per_week, lang), fig(p.visit_minutes, lang), fig(p.calls_per_week, lang), fig(p.call_minutes, lang),
                     _meetings(p, lang)])
    out.append(md_table([L(lang, "phase"), L(lang, "weeks"), L(lang, "visits_per_week"), L(lang, "visit_minutes"),
                         L(lang, "calls_per_week"), L(lang, "call_minutes"), L(lang, "meetings")], prow))
    changed = [r for r in data if r["measure"].startswith(("phase.", "model.")) and r["difference_typical"]]
    if changed and not variant.is_base:
        out += ["", "; ".join(f"{r['label']}: {fig(r['base_typical'], lang)} → {fig(r['typical'], lang)}" for r in changed), ""]
    out += _subgroups_md(variant, data, lang)
    out += ["", f"## {L(lang, 'sessions')}", "", L(lang, "sessions_note"), ""]
    out.append(md_table([L(lang, "session"), L(lang, "minutes"), L(lang, "steps")],
                        [[s.title, fig(s.duration_minutes, lang), " + ".join(fig(st.minutes, lang) for st in s.steps)]
                         for s in _sessions(variant, lang)]))
    return "\n".join(out)


def _subgroups_md(variant: ResolvedVariant, data: list[dict], lang: str) -> list[str]:
    if not variant.model.subgroups:
        return []
    out = ["", f"## {L(lang, 'subgroups')}", "", L(lang, "subgroup_note")]
    head = [L(lang, "measure"), L(lang, "unit"), L(lang, "min"), L(lang, "typical"), L(lang, "max"), L(lang, "others"),
            L(lang, "difference_others")]
    for group in variant.model.subgroups:
        title = group.title.get(lang, group.id)
        out += ["", f"### {title}", "", f"{L(lang, 'who')}: {group.who.get(lang, '')}", ""]
        body = []
        for r in data:
            if r["measure"].startswith(f"subgroup.{group.id}.") and not r["measure"].startswith(
                    (f"subgroup.{group.id}.phase.", f"subgroup.{group.id}.session.")):
                label = r["label"][len(title) + 2:]
                body.append([label, unit(lang, r["unit"]), fig(r["min"], lang), fig(r["typical"], lang), fig(r["max"], lang),
                             fig(r["base_typical"], lang), _signed(r["difference_typical"], lang)])
        out.append(md_table(head, body))
        own = [r for r in data if r["measure"].startswith((f"subgroup.{group.id}.phase.", f"subgroup.{group.id}.session."))]
        if own:
            out += ["", "; ".join(f"{r['label'][len(title) + 2:]}: {fig(r['base_typical'], lang)} → {fig(r['typical'], lang)}"
                                  for r in own)]
    return out


def _meetings(p, lang: str) -> str:
    parts = []
    if p.coordination_meetings:
        parts.append(fig(p.coordination_meetings, lang))
    if p.coordination_every_weeks:
        parts.append(("+ én hver " if lang in ("nb", "nn") else "+ one every ") + fig(p.coordination_every_weeks, lang)
                     + (". uke" if lang in ("nb", "nn") else " weeks"))
    return " ".join(parts) or "0"


def _signed(x: float | None, lang: str) -> str:
    if x is None:
        return ""
    return ("+" if x > 0 else "") + fig(x, lang) if x else "0"


def cross_site(variants: list[ResolvedVariant], lang: str, fmt: str) -> str:
    """Every variant's dose in one table (``manual report dose --all``), or in one chart (svg)."""
    if fmt == "svg":
        from manualkit.outputs.figures import dose_chart_across
        return dose_chart_across(variants, lang)
    data = [r for v in variants for r in rows(v, lang)]
    if fmt == "csv":
        return csv_text(COLUMNS, _csv_rows(data, variants))
    if fmt == "json":
        return json_text({"language": lang, "planned": True, "releases": {v.id: release_data(v) for v in variants}, "rows": data})
    if fmt != "md":
        raise UsageError(f"the dose report has no format '{fmt}'", hint="use --format md, csv, json or svg")
    measures = [k for k in DOSE_MEASURES]
    head = [L(lang, "measure")] + [variant_name(v, lang) for v in variants]
    body = []
    for key in measures + sorted({r["measure"] for r in data if r["measure"].startswith(("phase.", "model."))},
                                 key=lambda m: [r["measure"] for r in data].index(m)):
        cells = []
        label = key
        for v in variants:
            r = next((x for x in data if x["variant"] == v.id and x["measure"] == key), None)
            if r is None:
                cells.append("")
                continue
            label = r["label"]
            cell = fig(r["typical"], lang)
            if r["difference_typical"]:
                cell += f" ({_signed(r['difference_typical'], lang)})"
            cells.append(cell)
        body.append([label] + cells)
    return "\n".join([f"# {L(lang, 'dose_title')} ({L(lang, 'typical').lower()})", "", L(lang, "planned_note"), "",
                      release_lines(variants, lang),
                      md_table(head, body)])


def render(variant: ResolvedVariant, out_dir: Path, log: TextIO, inputs: Mapping[str, Path]) -> None:
    for lang in variant.languages:
        for fmt, ext in (("md", "md"), ("csv", "csv"), ("json", "json")):
            (out_dir / f"dose.{lang}.{ext}").write_text(report(variant, lang, fmt), encoding="utf-8")


FORMATS = report_table.get("dose").formats  # the one table of reports (core/reports.py)

__all__ = ["rows", "report", "cross_site", "render", "COLUMNS", "FORMATS"]

"""Planned resource use and cost inputs: family-partner hours per family by activity, and costs.

Hours come from the intervention model (contacts, and the time around them: travel, preparation,
documentation, coordination, the family's share of supervision). Costs use the unit costs each
municipality sets as variables (``cost.hourly_rate``, ``cost.travel_per_visit``); an unset unit
cost shows as a placeholder, as contact details do. Everything is labelled *planned*, for the
cost evaluation to compare with the time and money actually used.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, TextIO

from manualkit.core import reports as report_table
from manualkit.core.dose import ACTIVITIES, WHICH, planned_dose, planned_hours
from manualkit.core.model_checks import unit_cost
from manualkit.core.problems import UsageError
from manualkit.core.resolved import ResolvedVariant
from manualkit.outputs.reports.common import L, csv_text, fig, json_text, md_table, release_data, release_line, release_lines, variant_name

FORMATS = report_table.get("costs").formats  # the one table of reports (core/reports.py)
COLUMNS = ("variant", "release", "item", "unit", "min", "typical", "max", "planned", "note")
UNIT_COSTS = ("hourly_rate", "travel_per_visit")


def unit_costs(variant: ResolvedVariant, lang: str) -> dict[str, tuple[float | None, str]]:
    """Each unit cost: (the number, or None while unset) and what to show (the number or the placeholder)."""
    out = {}
    for key in UNIT_COSTS:
        val = variant.values.get(f"cost.{key}")
        if val is None:
            out[key] = (None, f"[{L(lang, 'placeholder')}: cost.{key}]")
        elif val.fill is not None:
            out[key] = (None, f"[{L(lang, 'placeholder')}: {val.fill.get(lang, '')}]")
        else:
            text = val.texts.get(lang, "")
            out[key] = (unit_cost(text), text)
    return out


def rows(variant: ResolvedVariant, lang: str) -> list[dict]:
    model = variant.model
    if model is None:
        return []
    sessions = variant.sessions.get(lang) or ()
    hours = planned_hours(model, sessions)
    visits = planned_dose(model, sessions)["home_visits"]
    out = [{"variant": variant.id, "item": f"hours.{a}", "label": ACTIVITIES[a][0 if lang in ("nb", "nn") else 1], "unit": "hours",
            **{w: round(hours[a].get(w), 1) for w in WHICH}} for a in ACTIVITIES]
    out.append({"variant": variant.id, "item": "hours.total", "label": L(lang, "total"), "unit": "hours",
                **{w: round(hours["total"].get(w), 1) for w in WHICH}})
    costs = unit_costs(variant, lang)
    rate, travel = costs["hourly_rate"][0], costs["travel_per_visit"][0]
    for key, (value, shown) in costs.items():
        out.append({"variant": variant.id, "item": f"unit.{key}", "label": L(lang, key), "unit": "NOK",
                    **{w: (value if value is not None else shown) for w in WHICH}})
    per_family = {w: (None if rate is None or travel is None else round(hours["total"].get(w) * rate + visits.get(w) * travel))
                  for w in WHICH}
    missing = f"[{L(lang, 'placeholder')}: {', '.join(f'cost.{k}' for k, (v, _s) in costs.items() if v is None)}]"
    out.append({"variant": variant.id, "item": "cost.per_family", "label": L(lang, "cost_per_family"), "unit": "NOK",
                **{w: per_family[w] if per_family[w] is not None else missing for w in WHICH}})
    out.append({"variant": variant.id, "item": "cost.per_caseload", "label": f"{L(lang, 'cost_per_caseload')} ({model.caseload_max})",
                "unit": "NOK", **{w: per_family[w] * model.caseload_max if per_family[w] is not None else missing for w in WHICH}})
    for group in model.subgroups:  # a subgroup of families: its own planned hours and cost per family
        sub = model.for_subgroup(group.id)
        g_hours, g_visits = planned_hours(sub, sessions)["total"], planned_dose(sub, sessions)["home_visits"]
        title = group.title.get(lang, group.id)
        out.append({"variant": variant.id, "item": f"subgroup.{group.id}.hours.total", "label": f"{title}: {L(lang, 'hours')}",
                    "unit": "hours", **{w: round(g_hours.get(w), 1) for w in WHICH}})
        out.append({"variant": variant.id, "item": f"subgroup.{group.id}.cost.per_family", "label": f"{title}: {L(lang, 'cost_per_family')}",
                    "unit": "NOK", **{w: missing if rate is None or travel is None else round(g_hours.get(w) * rate + g_visits.get(w) * travel)
                                      for w in WHICH}})
    for r in out:
        r["planned"] = "yes"
    return out


def _cell(x, lang: str) -> str:
    return fig(x, lang) if isinstance(x, (int, float)) else str(x)


def _flat(data: list[dict], variants: list[ResolvedVariant]) -> list[dict]:
    """CSV rows: numbers only in the number columns; a placeholder goes to ``note``; ``release`` is
    the version of the base manual each variant's figures come from."""
    releases = {v.id: release_data(v)["version"] for v in variants}
    out = []
    for r in data:
        row = {k: r.get(k, "") for k in COLUMNS} | {"release": releases.get(r["variant"], "")}
        for w in WHICH:
            if isinstance(r[w], (int, float)):
                row[w] = _cell(r[w], "en")
            else:
                row[w], row["note"] = "", r[w]
        out.append(row)
    return out


def report(variant: ResolvedVariant, lang: str, fmt: str) -> str:
    data = rows(variant, lang)
    if fmt == "csv":
        return csv_text(COLUMNS, _flat(data, [variant]))
    if fmt == "json":
        return json_text({"variant": variant.id, "language": lang, "release": release_data(variant),
                          "based_on": release_line(variant, lang), "planned": True, "note": L(lang, "planned_note"), "rows": data})
    if fmt != "md":
        raise UsageError(f"the costs report has no format '{fmt}'", hint="use --format md, csv or json")
    out = [f"# {L(lang, 'costs_title')}: {variant_name(variant, lang)}", "", release_line(variant, lang), "", L(lang, "planned_note"), ""]
    if variant.model is None:
        return "\n".join(out + [L(lang, "no_model")]) + "\n"
    head = [L(lang, "activity"), L(lang, "min"), L(lang, "typical"), L(lang, "max")]
    hours = [r for r in data if r["item"].startswith("hours.")]
    out += [f"## {L(lang, 'hours')}", "", md_table(head, [[r["label"]] + [_cell(r[w], lang) for w in WHICH] for r in hours])]
    units = [r for r in data if r["item"].startswith("unit.")]
    out += [f"## {L(lang, 'unit_costs')}", "", md_table([L(lang, "measure"), "NOK"], [[r["label"], _cell(r["typical"], lang)] for r in units])]
    costs = [r for r in data if r["item"].startswith("cost.")]
    out += [f"## {L(lang, 'cost_per_family')}", "", md_table(head, [[r["label"]] + [_cell(r[w], lang) for w in WHICH] for r in costs])]
    groups = [r for r in data if r["item"].startswith("subgroup.")]
    if groups:
        out += [f"## {L(lang, 'subgroups')}", "", L(lang, "subgroup_note"), "",
                md_table(head, [[r["label"]] + [_cell(r[w], lang) for w in WHICH] for r in groups])]
    return "\n".join(out)


def cross_site(variants: list[ResolvedVariant], lang: str, fmt: str) -> str:
    data = [r for v in variants for r in rows(v, lang)]
    if fmt == "csv":
        return csv_text(COLUMNS, _flat(data, variants))
    if fmt == "json":
        return json_text({"language": lang, "planned": True, "releases": {v.id: release_data(v) for v in variants}, "rows": data})
    if fmt != "md":
        raise UsageError(f"the costs report has no format '{fmt}'", hint="use --format md, csv or json")
    items = list(dict.fromkeys(r["item"] for r in data))
    body = []
    for item in items:
        cells = [next((_cell(r["typical"], lang) for r in data if r["variant"] == v.id and r["item"] == item), "") for v in variants]
        body.append([next(r["label"] for r in data if r["item"] == item)] + cells)
    return "\n".join([f"# {L(lang, 'costs_title')} ({L(lang, 'typical').lower()})", "", L(lang, "planned_note"), "",
                      release_lines(variants, lang),
                      md_table([L(lang, "activity")] + [variant_name(v, lang) for v in variants], body)])


def render(variant: ResolvedVariant, out_dir: Path, log: TextIO, inputs: Mapping[str, Path]) -> None:
    for lang in variant.languages:
        for fmt in FORMATS:
            (out_dir / f"costs.{lang}.{fmt}").write_text(report(variant, lang, fmt), encoding="utf-8")


__all__ = ["rows", "report", "cross_site", "render", "unit_costs", "FORMATS"]

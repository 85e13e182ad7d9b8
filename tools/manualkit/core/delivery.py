"""Delivered against planned: REDCap exports of the fidelity checklists read back (pure).

The toolkit makes the fidelity checklists and their REDCap data dictionary (``manual report
fidelity --format redcap``). After data collection, REDCap exports the records as CSV, with raw
values (``1``) or labels (``Ja``), and column headers as variable names or as field labels.
:func:`read_export` matches every column to the dictionary by variable name (label headers are
matched in the dictionary's order) and checks every cell; every problem is reported at once with
the file, row and column. :func:`aggregate` turns the rows into figures per site: adherence,
minutes used against planned, dose delivered against planned for each family's time in the
intervention, and the spread across family partners.

Privacy by construction: the rows are personal data. Nothing here returns a row, a record id or a
free-text value; every figure is a count over families, and a cell counting fewer than
:data:`MIN_FAMILIES` families is suppressed (``None``, shown as "<5"). Free-text cells and record
ids are linted with :mod:`manualkit.core.privacy`, and a hit is an error that never shows the value.

When the variant's model has subgroups of families (core/intervention.Subgroup), the dictionary
has one more field, :data:`SUBGROUP_FIELD` (0: no subgroup, 1, 2, ...: the model's subgroups in
order), and each family is compared with the plan of its own group. A group that has a session
at its own length with its own steps (Subgroup.sessions) records those steps in fields of their
own (:class:`GroupSession`), and the table of sessions has a row for the group beside the row of
every other family.

The optional visit log (:data:`VISIT_LOG_DICTIONARY`) is a repeating REDCap instrument with one
row per contact: date, kind (home visit, call, coordination meeting), minutes, and the family
partner's code (never a name).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from statistics import mean
from typing import Iterable

from manualkit.core import privacy
from manualkit.core.dose import session_visit_extra
from manualkit.core.intervention import Intervention, SessionPlan, Subgroup
from manualkit.core.problems import Problem, make
from manualkit.core.schema import suggest

MIN_FAMILIES = 5
SUBGROUP_FIELD = "fp_subgroup"  # a family's subgroup: "0" none, "1" the model's first subgroup, ...
SUBGROUP_FORM = "family_group"
ANSWERS = ("yes", "partly", "no")  # codes 1, 2, 3
SYSTEM_COLUMNS = ("redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance",
                  "redcap_data_access_group", "redcap_survey_identifier")
SYSTEM_LABELS = ("Event Name", "Repeat Instrument", "Repeat Instance", "Data Access Group", "Survey Identifier",
                 "Complete?")
COMPLETE = {"0": "Incomplete", "1": "Unverified", "2": "Complete"}
PARTNER_RE = re.compile(r"^[A-Za-z]{1,4}[-_]?\d{1,4}$")
CONTACTS = {"1": "home_visit", "2": "call", "3": "meeting"}


@dataclass(frozen=True)
class DictField:
    name: str
    form: str
    ftype: str  # text | radio | notes
    label: str
    choices: dict[str, str] = field(default_factory=dict)  # code -> label
    validation: str = ""
    vmin: str = ""
    vmax: str = ""
    indicator: str = ""  # the model's indicator id (from the annotation)
    branch: str = ""  # REDCap's branching logic: the field is asked only when it holds
    other_labels: tuple[str, ...] = ()  # the same choices' labels in the other language


def _choices(text: str) -> dict[str, str]:
    out = {}
    for part in (text or "").split("|"):
        if "," in part:
            code, label = part.split(",", 1)
            out[code.strip()] = label.strip()
    return out


def parse_dictionary(text: str) -> dict[str, DictField]:
    """REDCap's data dictionary (as :func:`outputs.reports.fidelity.redcap` writes it): name -> field."""
    out: dict[str, DictField] = {}
    for row in csv.DictReader(io.StringIO(text)):
        name = row.get("Variable / Field Name", "")
        if not name:
            continue
        ann = row.get("Field Annotation", "")
        m = re.search(r"indicator: ([a-z0-9-]+)", ann)
        out[name] = DictField(name, row.get("Form Name", ""), row.get("Field Type", ""), row.get("Field Label", ""),
                              _choices(row.get("Choices, Calculations, OR Slider Labels", "")),
                              row.get("Text Validation Type OR Show Slider Number", ""),
                              row.get("Text Validation Min", ""), row.get("Text Validation Max", ""),
                              m.group(1) if m else "", branch=row.get("Branching Logic (Show field only if...)", ""))
    return out


VISIT_LOG_FORM = "visit_log"
VISIT_LOG_DICTIONARY: dict[str, DictField] = {
    "record_id": DictField("record_id", VISIT_LOG_FORM, "text", "Record ID"),
    "vl_date": DictField("vl_date", VISIT_LOG_FORM, "text", "Date", validation="date_dmy"),
    "vl_type": DictField("vl_type", VISIT_LOG_FORM, "radio", "Contact",
                         {"1": "Home visit", "2": "Phone or video call", "3": "Coordination meeting"},
                         other_labels=("Hjemmebesøk", "Telefon- eller videosamtale", "Samarbeidsmøte")),
    "vl_minutes": DictField("vl_minutes", VISIT_LOG_FORM, "text", "Minutes", validation="integer", vmin="0", vmax="480"),
    "vl_partner": DictField("vl_partner", VISIT_LOG_FORM, "text", "Family partner (code, no name)", validation="partner"),
}


# -- reading an export ------------------------------------------------------------------------

@dataclass
class Export:
    """The checked cells of one export; never leaves this module's callers as rows."""

    name: str  # file name shown in messages (never the path)
    kind: str  # fidelity | visits
    site: str
    records: dict[str, dict[str, str]] = field(default_factory=dict)  # record -> variable -> raw code/value
    contacts: list[tuple[str, date, str, int, str]] = field(default_factory=list)  # record, date, kind, minutes, partner
    cells: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)  # (record, variable) -> (row, column)


def _date(value: str) -> date | None:
    for pat in (r"(\d{4})-(\d{2})-(\d{2})", r"(\d{2})[-.](\d{2})[-.](\d{4})"):
        m = re.fullmatch(pat, value.strip())
        if m:
            g = m.groups()
            y, mo, d = (g[0], g[1], g[2]) if len(g[0]) == 4 else (g[2], g[1], g[0])
            try:
                return date(int(y), int(mo), int(d))
            except ValueError:
                return None
    return None


def _header_map(header: list[str], dictionary: dict[str, DictField], name: str) -> tuple[list[str | None], list[Problem]]:
    """Column -> variable name; label headers are matched in the dictionary's order."""
    order = list(dictionary.values())
    forms = {f.form for f in order}
    out: list[str | None] = []
    problems: list[Problem] = []
    pos = 0
    for col, h in enumerate(header, 1):
        h = h.strip()
        if h in dictionary:
            out.append(h)
            pos = order.index(dictionary[h]) + 1
            continue
        if h in SYSTEM_COLUMNS or h in SYSTEM_LABELS or h.endswith("_timestamp") or \
                (h.endswith("_complete") and h[:-9] in forms):
            out.append(None)
            continue
        nxt = next((i for i in range(pos, len(order)) if order[i].label == h), None)
        if nxt is not None:
            out.append(order[nxt].name)
            pos = nxt + 1
            continue
        out.append(None)
        problems.append(make("E1401", name, 1, col, column=h,
                             hint=("did you mean '" + suggest(h, list(dictionary)) + "'? " if suggest(h, list(dictionary)) else "")
                             + "export the instruments of this variant's data dictionary (manual report fidelity --format redcap)"))
    return out, problems


def read_export(text: str, name: str, dictionary: dict[str, DictField], site: str) -> tuple[Export, list[Problem]]:
    """Check every cell of one REDCap CSV export (raw or labels) against ``dictionary``."""
    text = text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(c.strip() for c in rows[0]):
        return Export(name, "fidelity", site), [make("E1408", name, 1, 0, file=name)]
    header = rows[0]
    names = {h.strip() for h in header}
    is_visits = "vl_date" in names or {"Date", "Contact", "Minutes"} <= names
    dictionary = VISIT_LOG_DICTIONARY if is_visits else dictionary
    export = Export(name, "visits" if is_visits else "fidelity", site)
    columns, problems = _header_map(header, dictionary, name)
    id_col = next((i for i, v in enumerate(columns) if v == "record_id"), None)
    if id_col is None:
        problems.append(make("E1403", name, 1, 0, what="the export has no record_id column"))
    dag = next((i for i, h in enumerate(header) if h.strip() in ("redcap_data_access_group", "Data Access Group")), None)
    for line, row in enumerate(rows[1:], 2):
        if not any(c.strip() for c in row):
            continue
        record = row[id_col].strip() if id_col is not None and id_col < len(row) else ""
        if id_col is not None and not record:
            problems.append(make("E1403", name, line, id_col + 1, what=f"row {line - 1} has no record_id"))
        cells: dict[str, str] = {}
        for col, (var, value) in enumerate(zip(columns, row), 1):
            value = value.strip()
            if var is None or not value:
                continue
            f = dictionary[var]
            code, problem = _check(f, value, name, line, col)
            if problem:
                problems.append(problem)
                continue
            cells[var] = code
            export.cells[(record, var)] = (line, col)
        if dag is not None and dag < len(row) and row[dag].strip():
            cells["_site"] = row[dag].strip()
        if not record:
            continue
        if is_visits:
            d = _date(cells.get("vl_date", ""))
            if d is not None and "vl_type" in cells:
                export.contacts.append((record, d, CONTACTS[cells["vl_type"]], int(cells.get("vl_minutes") or 0),
                                        cells.get("vl_partner", "")))
        else:
            export.records.setdefault(record, {}).update(cells)
    return export, problems


_CONDITION = re.compile(r"\[([a-z][a-z0-9_]*)\] (=|<>) '([^']*)'")


def check_branching(exports: Iterable[Export], dictionary: dict[str, DictField]) -> list[Problem]:
    """A value in a field that REDCap would not have asked for this family (its branching logic
    is false, e.g. a subgroup's own steps for a family of another group): reported at its cell, for
    the report would otherwise leave it out without a word. The family's cells are read across all
    its rows and files, as :func:`aggregate` reads them."""
    exports = list(exports)
    merged: dict[str, dict[str, str]] = {}
    for e in exports:
        for r, cells in e.records.items():
            merged.setdefault(r, {}).update(cells)
    out = []
    for e in exports:
        for (record, var), (line, col) in e.cells.items():
            branch = dictionary[var].branch if var in dictionary else ""
            conditions = [_CONDITION.fullmatch(c.strip()) for c in branch.split(" and ")] if branch else []
            if not conditions or not all(conditions):  # no branching, or none the toolkit writes
                continue
            failed = next((m for m in conditions if (merged[record].get(m.group(1), "") == m.group(3)) != (m.group(2) == "=")), None)
            if failed is not None:
                name, value = failed.group(1), merged[record].get(failed.group(1), "")
                out.append(make("E1411", e.name, line, col, column=var, condition=" and ".join(m.group(0) for m in conditions),
                                field=name, value=f"'{value}'" if value else "empty"))
    return out


# the labels of a yes/partly/no answer in a labels export, in either language (codes 1, 2, 3)
_ANSWER_WORDS = (("ja", "delvis", "nei"), ("yes", "partly", "no"))


def _check(f: DictField, value: str, name: str, line: int, col: int) -> tuple[str, Problem | None]:
    if f.name == "record_id" or f.ftype == "notes" or (f.ftype == "text" and not f.validation):
        found = privacy.find(value)
        if found:
            what = {"E805": "a national identity number", "E806": "an e-mail address", "E807": "a phone number"}[found[0][0]]
            return "", make("E1406", name, line, col, column=f.name, what=what)
        return value, None
    if f.ftype == "radio":
        if value in f.choices:
            return value, None
        labels = {v.casefold(): k for k, v in f.choices.items()}
        labels.update({v.casefold(): k for k, v in zip(f.choices, f.other_labels)})
        if tuple(v.casefold() for v in f.choices.values()) in _ANSWER_WORDS:  # a yes/partly/no question:
            for words in _ANSWER_WORDS:  # its answers in either language
                labels.update({w: k for k, w in zip(f.choices, words)})
        if value.casefold() in labels:
            return labels[value.casefold()], None
        shown = value if len(value) <= 30 else value[:27] + "..."
        return "", make("E1402", name, line, col, column=f.name, value=shown,
                        choices=", ".join(f"{k} ({v})" for k, v in f.choices.items()))
    if f.validation == "integer":
        if re.fullmatch(r"\d+", value) and (not f.vmax or int(value) <= int(f.vmax)):
            return value, None
        return "", make("E1404", name, line, col, column=f.name, value=value[:30], min=f.vmin or "0", max=f.vmax or "∞")
    if f.validation.startswith("date"):
        if _date(value):
            return _date(value).isoformat(), None
        return "", make("E1405", name, line, col, column=f.name, value=value[:30])
    if f.validation == "partner":
        if PARTNER_RE.fullmatch(value):
            return value, None
        return "", make("E1409", name, line, col, column=f.name)
    return value, None


# -- aggregating ------------------------------------------------------------------------------

def suppress(n: int, value):
    """The value, or None when it counts fewer than :data:`MIN_FAMILIES` families."""
    return value if n >= MIN_FAMILIES else None


def _shares(codes: list[str]) -> dict[str, float]:
    n = len(codes)
    return {a: round(sum(1 for c in codes if c == str(i)) / n, 3) for i, a in enumerate(ANSWERS, 1)} if n else {}


def planned_by_week(model: Intervention, weeks: float, sessions: tuple[SessionPlan, ...] = ()) -> dict[str, float]:
    """Planned home visits, calls and contact minutes in the first ``weeks`` of the typical course
    (a visit that holds one of the ``sessions`` at its own, longer length)."""
    out = {"home_visits": 0.0, "calls": 0.0, "visit_minutes": session_visit_extra(model, sessions, "typical", weeks)}
    start = 0.0
    for p in model.phases:
        span = max(0.0, min(weeks, start + p.weeks.typical) - start)
        out["home_visits"] += p.visits_per_week * span
        out["calls"] += p.calls_per_week * span
        out["visit_minutes"] += p.visits_per_week * span * p.visit_minutes
        start += p.weeks.typical
    return out


@dataclass
class SiteFigures:
    site: str
    families: int
    sessions: list[dict]  # per session (and group with its own plan): planned minutes, families, minutes used, steps[...]
    indicators: list[dict]
    components: list[dict]
    dose: dict
    partners: list[dict]
    # unsuppressed counts, only for pooling sites (:func:`pool`); never written anywhere
    raw: dict = field(default_factory=dict, repr=False, compare=False)


def aggregate(site: str, exports: Iterable[Export], model: Intervention, plans: tuple[SessionPlan, ...],
              dictionary: dict[str, DictField], as_of: date | None = None) -> SiteFigures:
    """Every figure of one site (or of all sites pooled); cells under 5 families are None."""
    records: dict[str, dict[str, str]] = {}
    contacts: list[tuple[str, date, str, int, str]] = []
    for e in exports:
        for r, cells in e.records.items():
            records.setdefault(r, {}).update(cells)
        contacts += e.contacts
    families = sorted(set(records) | {c[0] for c in contacts})
    n_all = len(families)
    groups = {r: subgroup_of(cells, model) for r, cells in records.items()}
    sessions = []
    for plan in plans:
        own = group_sessions(model, plan)
        theirs = {gs.group.id for gs in own}
        sessions.append(_session(plan, f"s{plan.order}", [r for r in records if groups[r] not in theirs], records))
        for gs in own:  # the families of a group that has this session its own way, against the group's plan
            sessions.append(_session(gs.plan, gs.prefix, [r for r in records if groups[r] == gs.group.id], records, gs.group))
    by_ind: dict[str, list[str]] = {}
    for f in dictionary.values():
        if f.indicator:
            by_ind.setdefault(f.indicator, []).extend(records[r][f.name] for r in records if f.name in records[r])
    indicators, pooled, pooled_families = [], {}, {}
    for i in model.indicators:
        codes = by_ind.get(i.id, [])
        n = _families_of(records, dictionary, i.id)
        indicators.append({"indicator": i.id, "component": i.component, "answers": len(codes), "families": n,
                           "shares": suppress(n, _shares(codes))})
        pooled.setdefault(i.component, []).extend(codes)
        names = [f.name for f in dictionary.values() if f.indicator == i.id]
        pooled_families.setdefault(i.component, set()).update(r for r in records if any(x in records[r] for x in names))
    components = []
    for c in [c for c in model.components if c.core] + [None]:
        cid = c.id if c else "general"
        if c is None and cid not in pooled:
            continue
        n = len(pooled_families.get(cid, ()))
        components.append({"component": cid, "title": dict(c.title) if c else {}, "families": n,
                           "answers": len(pooled.get(cid, [])), "shares": suppress(n, _shares(pooled.get(cid, [])))})
    dose = _dose(families, records, contacts, model, plans, as_of)
    per_family = dose.pop("_per_family")
    partners = _partners(contacts, model, per_family)
    raw = {"per_family": per_family, "visit_log": bool(contacts), "as_of": dose.get("as_of"),
           "indicators": {i.id: (i.component, by_ind.get(i.id, []), _families_of(records, dictionary, i.id)) for i in model.indicators},
           "components": {c["component"]: (c["title"], pooled.get(c["component"], []), len(pooled_families.get(c["component"], ())))
                          for c in components}}
    return SiteFigures(site, n_all, sessions, indicators, components, dose, partners, raw)


def _session(plan: SessionPlan, p: str, families: list[str], records: dict[str, dict[str, str]],
             group: Subgroup | None = None) -> dict:
    """One row of the sessions' table: the ``families`` who had ``plan``, its steps in fields ``p``."""
    date_field = f"s{plan.order}_date"  # the date and rater of a session are the same fields for every group
    held = [r for r in families if any(k.startswith(p + "_step") or k == date_field for k in records[r])]
    steps = []
    for st in plan.steps:
        codes = [records[r][f"{p}_step{st.number}"] for r in held if f"{p}_step{st.number}" in records[r]]
        mins = [int(records[r][f"{p}_step{st.number}_min"]) for r in held if f"{p}_step{st.number}_min" in records[r]]
        n = len(codes)
        steps.append({"step": st.number, "title": st.title, "planned_minutes": st.minutes, "families": n,
                      "shares": suppress(n, _shares(codes)),
                      "minutes_used": suppress(len(mins), round(mean(mins), 1) if mins else None)})
    totals = [sum(int(v) for k, v in records[r].items() if re.fullmatch(p + r"_step\d+_min", k)) for r in held]
    return {"session": plan.order, "module": plan.module, "title": plan.title,
            "subgroup": group.id if group else "", "subgroup_title": dict(group.title) if group else {},
            "planned_minutes": plan.duration_minutes, "planned_step_minutes": plan.step_minutes,
            "families": len(held), "minutes_used": suppress(len(held), round(mean(totals), 1) if totals else None),
            "steps": steps}


def pool(sites: list[SiteFigures], name: str = "all") -> SiteFigures:
    """All sites together: dose against each site's own plan, adherence over every answer."""
    per_family = {(f.site, r): v for f in sites for r, v in f.raw["per_family"].items()}
    has_log = any(f.raw["visit_log"] for f in sites)
    n = len(per_family)
    dose: dict = {"families": n, "as_of": max((f.raw["as_of"] for f in sites if f.raw["as_of"]), default=None), "visit_log": has_log}
    for key in ("weeks", "home_visits", "calls", "visit_minutes", "sessions"):
        if key not in ("weeks", "sessions") and not has_log:
            continue
        got = [v[key] for v in per_family.values()]
        dose[key] = suppress(n, round(sum(got) / n, 1) if n else None)
        if key != "weeks":
            want = [v["planned_" + key] for v in per_family.values()]
            dose["planned_" + key] = suppress(n, round(sum(want) / n, 1) if n else None)
            dose[key + "_ratio"] = suppress(n, round(sum(got) / sum(want), 3) if sum(want) else None)
    titles = {g["subgroup"]: g["title"] for f in sites for g in f.dose.get("subgroups", [])}
    if titles:
        dose["subgroups"] = [{"subgroup": sid, "title": title,
                              "families": sum(1 for v in per_family.values() if v.get("subgroup") == sid)} for sid, title in titles.items()]
    indicators: dict[str, list] = {}
    for f in sites:
        for iid, (comp, codes, fam) in f.raw["indicators"].items():
            entry = indicators.setdefault(iid, [comp, [], 0])
            entry[1] += codes
            entry[2] += fam
    components: dict[str, list] = {}
    for f in sites:
        for cid, (title, codes, fam) in f.raw["components"].items():
            entry = components.setdefault(cid, [title, [], 0])
            entry[1] += codes
            entry[2] += fam
    return SiteFigures(
        name, sum(f.families for f in sites), [],
        [{"indicator": i, "component": c, "answers": len(codes), "families": fam, "shares": suppress(fam, _shares(codes))}
         for i, (c, codes, fam) in indicators.items()],
        [{"component": c, "title": title, "families": fam, "answers": len(codes), "shares": suppress(fam, _shares(codes))}
         for c, (title, codes, fam) in components.items()],
        dose, [])


def _families_of(records, dictionary, indicator: str) -> int:
    names = [f.name for f in dictionary.values() if f.indicator == indicator]
    return sum(1 for r in records if any(n in records[r] for n in names))


def _dose(families, records, contacts, model, plans, as_of) -> dict:
    dates: dict[str, list[date]] = {}
    for r, d, *_ in contacts:
        dates.setdefault(r, []).append(d)
    for r, cells in records.items():
        for k, v in cells.items():
            if re.fullmatch(r"s\d+_date", k):
                dates.setdefault(r, []).append(date.fromisoformat(v))
    cut = as_of or max((d for ds in dates.values() for d in ds), default=None)
    typical_weeks = sum(p.weeks.typical for p in model.phases)
    per_family = {}
    for r in families:
        if r not in dates or cut is None:
            continue
        weeks = min(typical_weeks, ((cut - min(dates[r])).days + 1) / 7)
        group = subgroup_of(records.get(r, {}), model)
        plan = planned_by_week(model.for_subgroup(group) if group else model, weeks, tuple(plans))
        mine = [c for c in contacts if c[0] == r]
        held = sum(1 for pl in plans if any((k.startswith(f"s{pl.order}_") or k.startswith(f"s{pl.order}g"))
                                             and k != f"s{pl.order}_rater" for k in records.get(r, {})))
        per_family[r] = {"weeks": weeks, "home_visits": sum(1 for c in mine if c[2] == "home_visit"),
                         "calls": sum(1 for c in mine if c[2] == "call"),
                         "visit_minutes": sum(c[3] for c in mine if c[2] == "home_visit"),
                         "sessions": held, "planned_home_visits": plan["home_visits"], "planned_calls": plan["calls"],
                         "planned_visit_minutes": plan["visit_minutes"],
                         "planned_sessions": len(plans) * weeks / typical_weeks if typical_weeks else 0, "subgroup": group}
    n = len(per_family)
    has_log = bool(contacts)
    out: dict = {"families": n, "as_of": cut.isoformat() if cut else None, "visit_log": has_log, "_per_family": per_family}
    if model.subgroups:  # how many families were compared with a subgroup's plan (a count: suppressed under five)
        out["subgroups"] = [{"subgroup": g.id, "title": dict(g.title),
                             "families": sum(1 for f in per_family.values() if f["subgroup"] == g.id)} for g in model.subgroups]
    for key in ("weeks", "home_visits", "calls", "visit_minutes", "sessions"):
        if key != "weeks" and key != "sessions" and not has_log:
            continue
        got = [f[key] for f in per_family.values()]
        out[key] = suppress(n, round(sum(got) / n, 1) if n else None)
        if key != "weeks":
            want = [f["planned_" + key] for f in per_family.values()]
            out["planned_" + key] = suppress(n, round(sum(want) / n, 1) if n else None)
            out[key + "_ratio"] = suppress(n, round(sum(got) / sum(want), 3) if sum(want) else None)
    return out


@dataclass(frozen=True)
class GroupSession:
    """A session that the families of one subgroup have their own way (Subgroup.sessions): its
    steps are their own fields in the checklist, ``<prefix>_step<n>`` and ``<prefix>_step<n>_min``."""

    code: str  # the subgroup's code in SUBGROUP_FIELD ("1" for the model's first subgroup)
    prefix: str  # s<session order>g<code>, e.g. s7g1
    group: Subgroup
    plan: SessionPlan  # the group's length and steps


def group_sessions(model: Intervention, plan: SessionPlan) -> list[GroupSession]:
    """Every subgroup of ``model`` that has session ``plan`` at its own length with its own steps."""
    out = []
    for k, g in enumerate(model.subgroups, 1):
        mine = model.plan_for(plan, g.id)
        if mine is not None:
            out.append(GroupSession(str(k), f"s{plan.order}g{k}", g, mine))
    return out


def subgroup_of(cells: dict[str, str], model: Intervention) -> str:
    """The subgroup id of a family's record ('' when none, or when the code names no subgroup)."""
    code = cells.get(SUBGROUP_FIELD, "")
    if code.isdigit() and 0 < int(code) <= len(model.subgroups):
        return model.subgroups[int(code) - 1].id
    return ""


def _partners(contacts, model, per_family) -> list[dict]:
    counts: dict[str, dict[str, int]] = {}
    for r, _d, _k, _m, p in contacts:
        if p:
            counts.setdefault(r, {}).setdefault(p, 0)
            counts[r][p] += 1
    main = {r: max(sorted(c), key=lambda p: c[p]) for r, c in counts.items()}
    out = []
    for i, p in enumerate(sorted(set(main.values())), 1):
        fam = [r for r in main if main[r] == p and r in per_family]
        got = sum(per_family[r]["home_visits"] for r in fam)
        want = sum(per_family[r]["planned_home_visits"] for r in fam)
        out.append({"partner": f"FP {i}", "families": suppress(len(fam), len(fam)),
                    "home_visits_ratio": suppress(len(fam), round(got / want, 3) if want else None)})
    return out


__all__ = ["DictField", "Export", "SiteFigures", "parse_dictionary", "read_export", "aggregate", "pool",
           "planned_by_week", "suppress", "subgroup_of", "group_sessions", "check_branching", "GroupSession", "SUBGROUP_FIELD", "SUBGROUP_FORM", "VISIT_LOG_DICTIONARY", "MIN_FAMILIES", "ANSWERS"]

"""Planned dose and planned resource use, computed from the intervention model (pure).

Every figure is *planned*: what the model says a family gets over the planned duration, for the
shortest (``min``), the usual (``typical``) and the longest (``max``) plan. The sessions of the
parental guidance are held during home visits, so their minutes are part of the visits' time
and are shown separately, not added to it. The same figures feed the text (``{{ model.* }}``),
the reports and the site, so they cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from manualkit.core.figures import frequency, number  # noqa: F401  (re-exported for the reports)
from manualkit.core.intervention import Intervention, SessionPlan
from manualkit.core.variables import Value

WHICH = ("min", "typical", "max")

# measure -> (label nb, label en, unit)
DOSE_MEASURES: dict[str, tuple[str, str, str]] = {
    "weeks": ("Varighet", "Duration", "weeks"),
    "home_visits": ("Hjemmebesøk", "Home visits", "visits"),
    "visit_hours": ("Timer i hjemmebesøk", "Hours of home visits", "hours"),
    "calls": ("Telefon- eller videokontakter", "Phone or video contacts", "contacts"),
    "call_hours": ("Timer i telefon- eller videokontakt", "Hours of phone or video contact", "hours"),
    "coordination_meetings": ("Samarbeidsmøter", "Coordination meetings", "meetings"),
    "coordination_hours": ("Timer i samarbeidsmøter", "Hours of coordination meetings", "hours"),
    "contact_hours": ("Kontakttimer i alt", "Contact hours in all", "hours"),
    "sessions": ("Økter i foreldreveiledningen", "Parental guidance sessions", "sessions"),
    "session_minutes": ("Minutter i øktene (del av besøkene)", "Minutes of sessions (within the visits)", "minutes"),
}

# activity -> (label nb, label en)
ACTIVITIES: dict[str, tuple[str, str]] = {
    "contact": ("Kontakt med familien (besøk og samtaler)", "Contact with the family (visits and calls)"),
    "travel": ("Reise", "Travel"),
    "preparation": ("Forberedelse", "Preparation"),
    "documentation": ("Dokumentasjon", "Documentation"),
    "coordination": ("Samarbeidsmøter", "Coordination meetings"),
    "supervision": ("Veiledning (andel per familie)", "Supervision (share per family)"),
}


@dataclass(frozen=True)
class Triple:
    min: float
    typical: float
    max: float

    def get(self, which: str) -> float:
        return getattr(self, which)


def _phase_sum(model: Intervention, fn) -> Triple:
    return Triple(*(sum(fn(p, p.weeks.get(w)) for p in model.phases) for w in WHICH))


def _meetings(p, weeks: float) -> float:
    """Whole meetings, the rule said once: the phase's own ``coordination_meetings`` plus one at the
    end of every full ``coordination_every_weeks`` weeks (a part left over holds none). The
    course calendar places them in the same weeks."""
    import math
    every = math.floor(weeks / p.coordination_every_weeks + 1e-9) if p.coordination_every_weeks else 0
    return p.coordination_meetings + every


def session_visit_extra(model: Intervention, sessions: tuple[SessionPlan, ...], which: str = "typical",
                        weeks: float | None = None) -> float:
    """Minutes that the visits holding a session last beyond (or short of) the phase's usual visit: a visit with a
    session lasts ``session_visit_minutes`` (the check-in and the session), the others
    ``visit_minutes``; a session that is longer for the families of a subgroup (``Subgroup.sessions``)
    makes the visit that holds it longer by as many minutes. The sessions fall in the weeks of the
    model's schedule (none when it has none); ``weeks``: only those in the first ``weeks`` of the course."""
    extra = 0.0
    for plan, week in zip(sessions, model.session_weeks(len(sessions))):
        phase = model.phase_at(week, which)
        if phase is None or (weeks is not None and week > weeks) or not phase.visits_per_week:
            continue
        extra += phase.session_visit - phase.visit_minutes
        if plan.duration_minutes is not None:
            extra += (model.minutes_of(plan) or 0) - plan.duration_minutes
    return extra


def planned_dose(model: Intervention, sessions: tuple[SessionPlan, ...]) -> dict[str, Triple]:
    """Per family over the planned duration: measure -> min / typical / max."""
    visits = _phase_sum(model, lambda p, w: p.visits_per_week * w)
    longer = Triple(*(session_visit_extra(model, sessions, which) / 60 for which in WHICH))
    visit_h = _phase_sum(model, lambda p, w: p.visits_per_week * w * p.visit_minutes / 60)
    visit_h = Triple(*(visit_h.get(w) + longer.get(w) for w in WHICH))
    calls = _phase_sum(model, lambda p, w: p.calls_per_week * w)
    call_h = _phase_sum(model, lambda p, w: p.calls_per_week * w * p.call_minutes / 60)
    meetings = _phase_sum(model, _meetings)
    meeting_h = Triple(*(meetings.get(w) * model.meeting_minutes / 60 for w in WHICH))
    n = float(len(sessions))
    minutes = float(sum(model.minutes_of(s) or 0 for s in sessions))
    return {
        "weeks": Triple(*(model.total_weeks(w) for w in WHICH)),
        "home_visits": visits, "visit_hours": visit_h, "calls": calls, "call_hours": call_h,
        "coordination_meetings": meetings, "coordination_hours": meeting_h,
        "contact_hours": Triple(*(visit_h.get(w) + call_h.get(w) + meeting_h.get(w) for w in WHICH)),
        "sessions": Triple(n, n, n), "session_minutes": Triple(minutes, minutes, minutes),
    }


def planned_hours(model: Intervention, sessions: tuple[SessionPlan, ...]) -> dict[str, Triple]:
    """Family-partner hours per family by activity (and ``total``)."""
    d = planned_dose(model, sessions)
    ov = model.overhead
    sup = model.supervision
    out: dict[str, Triple] = {}

    def each(fn) -> Triple:
        return Triple(*(fn(w) for w in WHICH))

    out["contact"] = each(lambda w: d["visit_hours"].get(w) + d["call_hours"].get(w))
    out["travel"] = each(lambda w: d["home_visits"].get(w) * ov["travel_minutes_per_visit"] / 60)
    out["preparation"] = each(lambda w: (d["home_visits"].get(w) * ov["preparation_minutes_per_visit"]
                                         + d["coordination_meetings"].get(w) * ov["preparation_minutes_per_meeting"]) / 60)
    out["documentation"] = each(lambda w: (d["home_visits"].get(w) + d["calls"].get(w) + d["coordination_meetings"].get(w))
                                * ov["documentation_minutes_per_contact"] / 60)
    out["coordination"] = d["coordination_hours"]
    caseload = model.caseload_max or 1
    out["supervision"] = each(lambda w: model.total_weeks(w) * (
        sup["individual_minutes"] / sup["individual_every_weeks"] + sup["group_minutes"] / sup["group_every_weeks"]) / 60 / caseload)
    out["total"] = each(lambda w: sum(out[a].get(w) for a in ACTIVITIES))
    return out


# A Norwegian full-time week (37.5 hours): the assumption behind a post's share, not a figure of the
# model, so a municipality cannot change it with a 'set'; the text shows it as model.post.full_time_hours.
FULL_TIME_HOURS_PER_WEEK = 37.5


@dataclass(frozen=True)
class Post:
    """A family partner's planned week, averaged over a typical course (``planned_post``).

    ``contact_*``: direct contact with the family, the home visits and the phone or video contacts.
    ``work_*``: all the planned work the model holds for a family: the contact, travel, preparation,
    documentation, coordination meetings and the family's share of supervision (``planned_hours``).
    ``*_family``: hours a week for one family; ``*_caseload``: for ``caseload`` families at once;
    ``*_percent``: the caseload's hours as a share of a full-time week, in per cent."""

    caseload: float
    full_time_hours: float
    contact_family: float
    contact_caseload: float
    contact_percent: float
    work_family: float
    work_caseload: float
    work_percent: float


def planned_post(model: Intervention, sessions: tuple[SessionPlan, ...],
                 full_time_hours: float = FULL_TIME_HOURS_PER_WEEK) -> Post:
    """The planned hours a week, per family and for the model's caseload, averaged over the weeks
    of a typical course: the start is busier (visits twice a week), the tapering quieter, and a
    family partner with a full caseload has families in every phase. What the model has no time
    for is not in it: the meetings with the case worker (the model has their interval, not their
    length), urgent contacts, training days, leave."""
    weeks = model.total_weeks("typical") or 1
    hours = planned_hours(model, sessions)
    caseload = float(model.caseload_max)
    contact = hours["contact"].typical / weeks
    work = hours["total"].typical / weeks
    return Post(caseload, full_time_hours, contact, contact * caseload, contact * caseload / full_time_hours * 100,
                work, work * caseload, work * caseload / full_time_hours * 100)


def model_values(model: Intervention | None, sessions: dict[str, tuple[SessionPlan, ...]] | None,
                 langs: tuple[str, ...]) -> dict[str, Value]:
    """The model as variables: ``{{ model.caseload_max }}``, ``{{ model.phases.follow_up.frequency }}``, ..."""
    if model is None:
        return {}
    out: dict[str, Value] = {}
    path = model.path

    def put(name: str, texts: dict[str, str] | float, key: tuple = ()) -> None:
        line = model.marks.at(key)[0] if key else 1
        if not isinstance(texts, dict):
            texts = {lg: number(texts, lg) for lg in langs}
        out["model." + name] = Value(texts, None, path, line)

    put("caseload_max", model.caseload_max, ("caseload_max",))
    for w in WHICH:
        put(f"weeks_{w}", model.total_weeks(w), ("phases",))
    for w in WHICH:
        put(f"duration_{w}_months", model.duration_months.get(w), ("duration_months", w))
    put("training.initial_hours", model.training["initial_hours"], ("training", "blocks") if model.training_blocks else ("training", "initial_hours"))
    put("core_components", sum(1 for c in model.components if c.core), ("components",))
    put("supervision.weekly_first_weeks", model.supervision.get("weekly_first_weeks", 0), ("supervision", "weekly_first_weeks"))
    put("supervision.weekly_first_months", round(model.supervision.get("weekly_first_weeks", 0) / 52 * 12), ("supervision", "weekly_first_weeks"))
    put("case_worker_meeting_every_weeks", model.case_worker_meeting_every_weeks, ("case_worker_meeting_every_weeks",))
    for k, v in model.thresholds.items():
        put(f"thresholds.{k}", v, ("thresholds", k))
    for k, v in model.safety.items():
        put(f"safety.{k}", v, ("safety", k))
    rv = model.reviews
    put("reviews.goal_review_every_months", rv.goal_review_every_months, ("reviews", "goal_review_every_months"))
    put("reviews.goal_scale_every_weeks", rv.goal_scale_every_weeks, ("reviews", "goal_scale_every_weeks"))
    put("reviews.first_goals_week", rv.first_goals_week, ("reviews", "first_goals_week"))
    put("reviews.assessment_review_months", {lg: _join([number(x, lg) for x in rv.assessment_review_months], lg) for lg in langs},
        ("reviews", "assessment_review_months"))
    put("reviews.research_months", {lg: _join([number(x, lg) for x in rv.research_months], lg) for lg in langs},
        ("reviews", "research_months"))
    put("parent_training.first_session_week", model.schedule.first_session_week, ("parent_training", "first_session_week"))
    put("parent_training.every_weeks", model.schedule.every_weeks, ("parent_training", "every_weeks"))
    put("parent_training.check_in_minutes", model.schedule.check_in_minutes, ("parent_training", "check_in_minutes"))
    put("training.days_per_year", model.training["days_per_year"], ("training", "days_per_year"))
    for k in ("individual_every_weeks", "individual_minutes", "group_every_weeks", "group_minutes"):
        put(f"supervision.{k}", model.supervision[k], ("supervision", k))
    first = next(iter(sessions.values()), ()) if sessions else ()

    def phases_and_dose(m: Intervention, prefix: str, key: Callable[[int, str], tuple]) -> None:
        for i, p in enumerate(m.phases):
            pid = p.id.replace("-", "_")
            for w in WHICH:
                put(f"{prefix}phases.{pid}.weeks_{w}", p.weeks.get(w), ("phases", i, "weeks", w))
            for k in ("visits_per_week", "visit_minutes", "calls_per_week", "call_minutes"):
                put(f"{prefix}phases.{pid}.{k}", getattr(p, k), key(i, k))
            put(f"{prefix}phases.{pid}.title", dict(p.title), ("phases", i, "title"))
            put(f"{prefix}phases.{pid}.session_visit_minutes", p.session_visit, key(i, "session_visit_minutes"))
            put(f"{prefix}phases.{pid}.frequency", {lg: frequency(p.visits_per_week, lg) for lg in langs}, key(i, "visits_per_week"))
        d = planned_dose(m, first)
        for measure in ("home_visits", "contact_hours", "coordination_meetings"):
            for w in WHICH:
                put(f"{prefix}dose.{measure}_{w}", d[measure].get(w))

    phases_and_dose(model, "", lambda i, k: ("phases", i, k))
    # a subgroup's figures: {{ model.subgroups.far_from_office.phases.follow_up.frequency }}, and its dose
    for g_i, group in enumerate(model.subgroups):
        prefix = f"subgroups.{group.id.replace('-', '_')}."
        put(prefix + "title", dict(group.title), ("subgroups", g_i, "title"))
        put(prefix + "who", dict(group.who), ("subgroups", g_i, "who"))
        phases_and_dose(model.for_subgroup(group.id), prefix, lambda i, k: ("subgroups", g_i, "phases", model.phases[i].id, k))
        for mid, minutes in group.sessions.items():  # {{ model.subgroups.with_interpreter.sessions.session_stress_and_conflict }}
            put(f"{prefix}sessions.{mid.replace('-', '_')}", minutes, ("subgroups", g_i, "sessions", mid))
    dose = planned_dose(model, first)
    post = planned_post(model, first)
    for name, value in (("full_time_hours", post.full_time_hours), ("contact_hours_per_family", post.contact_family),
                        ("contact_hours_caseload", post.contact_caseload), ("contact_percent", round(post.contact_percent)),
                        ("hours_per_family", post.work_family), ("hours_caseload", post.work_caseload),
                        ("percent", round(post.work_percent))):
        put(f"post.{name}", value, ("caseload_max",))
    put("dose.sessions", dose["sessions"].typical)
    put("dose.session_minutes", dose["session_minutes"].typical)
    # generated tables, written on a line of their own: {{ table.training }}
    from manualkit.core.model_tables import calendar_sheet_table, calendar_table, component_list, phase_table, training_table
    tables = {"training": lambda lg: training_table(model, lg), "phases": lambda lg: phase_table(model, lg),
              "components": lambda lg: component_list(model, lg)}
    for w in WHICH:
        tables["calendar" if w == "typical" else f"calendar_{w}"] = (lambda w: lambda lg: calendar_table(
            model, (sessions or {}).get(lg) or first, lg, w))(w)
    for group in model.subgroups:  # {{ table.subgroups.far_from_office.calendar }}: a typical course of the subgroup
        tables[f"subgroups.{group.id.replace('-', '_')}.calendar"] = (lambda m: lambda lg: calendar_table(
            m, (sessions or {}).get(lg) or first, lg, "typical"))(model.for_subgroup(group.id))
    tables["calendar_sheet"] = lambda lg: calendar_sheet_table(model, (sessions or {}).get(lg) or first, lg)
    for name, fn in tables.items():
        out["table." + name] = Value({lg: fn(lg) for lg in langs}, None, path, 1, block=True)
    # generated pictures, on a line of their own: {{ figure.timeline }} (drawn by outputs/figures)
    from manualkit.core.model_tables import figure_image, timeline_alt
    out["figure.timeline"] = Value({lg: figure_image("course-timeline", timeline_alt(
        model, len((sessions or {}).get(lg) or first), lg), lg) for lg in langs}, None, path, 1, block=True)
    return out


def _join(items: list[str], lang: str) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + (" og " if lang in ("nb", "nn") else " and ") + items[-1]


__all__ = ["planned_dose", "session_visit_extra", "planned_hours", "planned_post", "Post", "FULL_TIME_HOURS_PER_WEEK", "model_values", "frequency", "number", "Triple", "DOSE_MEASURES", "ACTIVITIES", "WHICH"]

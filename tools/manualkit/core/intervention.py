"""The intervention model: what Family Partner *is*, as data (manual/intervention.yml).

Caseload, duration, target group, components, deliverer, training and supervision, the phases of
the follow-up with their planned contacts, and the fidelity indicators. The sessions' durations
stay in their front matter (``duration_minutes``) and their timed steps are read from the
session's ``{#plan}`` section (:func:`session_steps`), so editors keep writing them where they
always did. Everything is converted once into frozen dataclasses with the file line of every
value; a municipality changes the model with ``set`` operations (``target: model``), applied by
:func:`apply_sets` to a copy of the raw data, which is then converted again.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from manualkit.core.problems import Problem, make
from manualkit.core.schema import Checker, Field, key_name, suggest
from manualkit.core.textfile import read_yaml_file
from manualkit.core.yamlread import Marks

MODEL_PATH = "manual/intervention.yml"
WEEKS_PER_MONTH = 52 / 12
RATERS = ("family-partner", "supervisor", "family")
SCALES = ("yes-partly-no",)
MODEL_TARGETS = ("model", "intervention")

# "1. **Velkommen (10 min).** ..." or "1. Velkommen (10 min)": the number, the title, the minutes
STEP_RE = re.compile(r"^(\d+)\.[ \t]+(.*)$")
MINUTES_RE = re.compile(r"\((\d+)\s*(?:min|minutter|minutes|minuttar)\.?\)")


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    minutes: int | None
    line: int  # in ``origin``


@dataclass(frozen=True)
class SessionPlan:
    """One session of the parental guidance in one language, after the variant's changes."""

    module: str
    order: int  # 1-based, in the manual's order
    title: str
    duration_minutes: int | None
    steps: tuple[Step, ...]
    origin: str  # file of the step list (base module or overlay)
    line: int  # line of the first step (or of the plan heading)
    # The steps for a subgroup that gives the session another length (Subgroup.sessions): read
    # from the session's section {#plan-<subgroup id>}, as (subgroup id, steps, line, origin).
    alternates: tuple[tuple[str, tuple[Step, ...], int, str], ...] = ()

    def for_group(self, group: str, minutes: int) -> "SessionPlan | None":
        """The session as a family of subgroup ``group`` gets it (``minutes`` long, the steps of its
        own plan section), or None when the session has no {#plan-<group>} section."""
        alt = next((a for a in self.alternates if a[0] == group), None)
        if alt is None:
            return None
        return replace(self, duration_minutes=minutes, steps=alt[1], line=alt[2], origin=alt[3], alternates=())

    @property
    def step_minutes(self) -> int:
        return sum(s.minutes or 0 for s in self.steps)


@dataclass(frozen=True)
class Weeks:
    min: float
    typical: float
    max: float

    def get(self, which: str) -> float:
        return getattr(self, which)


@dataclass(frozen=True)
class Phase:
    id: str
    title: dict[str, str]
    weeks: Weeks
    visits_per_week: float  # 0.5 = a home visit every other week
    visit_minutes: float
    calls_per_week: float  # planned phone or video contacts
    call_minutes: float
    coordination_meetings: float  # held once in the phase, whatever its length
    coordination_every_weeks: float  # and one every N weeks (0: none)
    described_in: tuple[str, ...]
    session_visit_minutes: float = 0  # a visit that holds a session (0: visit_minutes)

    @property
    def session_visit(self) -> float:
        return self.session_visit_minutes or self.visit_minutes


@dataclass(frozen=True)
class TrainingBlock:
    id: str
    title: dict[str, str]
    content: dict[str, str]
    hours: float


@dataclass(frozen=True)
class Reviews:
    assessment_review_months: tuple[float, ...] = ()
    goal_review_every_months: float = 0
    goal_scale_every_weeks: float = 0
    research_months: tuple[float, ...] = ()
    first_goals_week: float = 0  # the family's first goals and plan are set by this course week


@dataclass(frozen=True)
class SessionSchedule:
    first_session_week: float = 0  # 0: the model says nothing about when the sessions fall
    every_weeks: float = 0
    check_in_minutes: float = 0


@dataclass(frozen=True)
class Component:
    id: str
    title: dict[str, str]
    core: bool
    described_in: tuple[str, ...]


@dataclass(frozen=True)
class Indicator:
    id: str
    text: dict[str, str]
    checks: str  # module#section it checks
    component: str
    rater: str
    scale: str
    line: int


#: The figures of a phase that a subgroup of families may have on its own (``subgroups``).
RATES = ("visits_per_week", "visit_minutes", "calls_per_week", "call_minutes", "coordination_meetings",
         "coordination_every_weeks", "session_visit_minutes")


@dataclass(frozen=True)
class Subgroup:
    """Families who get another planned dose in some phases, e.g. those far from the office.

    ``phases``: phase id -> the figures that differ from the model's (RATES); every other figure,
    and every other phase, is the model's. ``sessions``: session module id -> its length in minutes
    for these families (e.g. 90 with an interpreter, where the module says 75); the session then
    holds the group's steps in a section {#plan-<id>}. Who belongs is decided for each family at
    the start (``who`` says how), so the delivery report compares each family with its own plan."""

    id: str
    title: dict[str, str]
    who: dict[str, str]
    phases: dict[str, dict[str, float]]
    sessions: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Intervention:
    path: str
    name: dict[str, str]
    caseload_max: int
    duration_months: Weeks  # min / typical / max, in months
    target_group: dict[str, str]
    deliverer: dict[str, str]
    setting: dict[str, str]
    training: dict[str, Any]
    supervision: dict[str, Any]
    overhead: dict[str, float]  # family-partner time around each contact (planning figures)
    meeting_minutes: float  # length of a coordination meeting
    components: tuple[Component, ...]
    phases: tuple[Phase, ...]
    indicators: tuple[Indicator, ...]
    prose: tuple[str, ...]  # sections that state model figures in words
    training_blocks: tuple[TrainingBlock, ...] = ()
    reviews: Reviews = field(default_factory=Reviews)
    schedule: SessionSchedule = field(default_factory=SessionSchedule)
    case_worker_meeting_every_weeks: float = 0
    thresholds: dict[str, float] = field(default_factory=dict)  # when to act (home-visits thresholds)
    safety: dict[str, float] = field(default_factory=dict)  # lone working: minutes after a missed check-out
    subgroups: tuple[Subgroup, ...] = ()
    # A session's length where it is not the module's duration_minutes: set by for_subgroup.
    session_minutes: dict[str, int] = field(default_factory=dict)
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)
    marks: Marks = field(repr=False, compare=False, default_factory=Marks)

    def phase(self, pid: str) -> Phase | None:
        return next((p for p in self.phases if p.id == pid), None)

    def subgroup(self, sid: str) -> Subgroup | None:
        return next((g for g in self.subgroups if g.id == sid), None)

    def for_subgroup(self, sid: str) -> "Intervention":
        """The model as a family of subgroup ``sid`` gets it: its phases with the subgroup's figures."""
        group = self.subgroup(sid)
        if group is None:
            return self
        phases = tuple(replace(p, **group.phases[p.id]) if p.id in group.phases else p for p in self.phases)
        return replace(self, phases=phases, subgroups=(), session_minutes=dict(group.sessions))

    def plan_for(self, plan: SessionPlan, sid: str) -> SessionPlan | None:
        """Session ``plan`` as the families of subgroup ``sid`` get it: the group's own length and the
        steps of its section {#plan-<sid>}; None when the group has the session as everyone does
        (or the section is missing, which the checker reports as E1125)."""
        group = self.subgroup(sid)
        if group is None or plan.module not in group.sessions:
            return None
        return plan.for_group(group.id, group.sessions[plan.module])

    def minutes_of(self, plan: SessionPlan) -> int | None:
        """The length of a session for the families this model is for."""
        return self.session_minutes.get(plan.module, plan.duration_minutes)

    def component(self, cid: str) -> Component | None:
        return next((c for c in self.components if c.id == cid), None)

    def total_weeks(self, which: str) -> float:
        return sum(p.weeks.get(which) for p in self.phases)

    def session_weeks(self, n: int) -> tuple[float, ...]:
        """The course week (1-based) of each of ``n`` sessions, or () when the model has no schedule."""
        sch = self.schedule
        if not sch.first_session_week or not sch.every_weeks:
            return ()
        return tuple(sch.first_session_week + i * sch.every_weeks for i in range(n))

    def phase_at(self, week: float, which: str = "typical") -> "Phase | None":
        """The phase a course week (1-based) falls in, for the shortest, typical or longest course."""
        end = 0.0
        for p in self.phases:
            end += p.weeks.get(which)
            if week <= end:
                return p
        return None


def _text(value: Any, langs: tuple[str, ...]) -> dict[str, str]:
    if isinstance(value, dict):
        first = str(next(iter(value.values()), ""))
        return {lg: str(value.get(lg, first)) for lg in langs}
    return {lg: "" if value is None else str(value) for lg in langs}


def _num(c: Checker, data: dict, path: tuple, key: str, *, required: bool = True, positive: bool = False,
         whole: bool = False, example: str = "1") -> float:
    value = data.get(key) if isinstance(data, dict) else None
    if value is None:
        if required:
            c.add("E201", path, key=key_name(path + (key,)), example=f"{key}: {example}")
        return 0
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0
    ok = ok and (value > 0 or not positive) and (not whole or float(value).is_integer())
    if not ok:
        what = "a whole number" if whole else "a number"
        c.add("E202", path + (key,), key=key_name(path + (key,)), expected=what + (" above 0" if positive else " (0 or more)"),
              got=repr(value), example=example)
        return 0
    return value


def _weeks(c: Checker, data: Any, path: tuple, example: str) -> Weeks:
    if not isinstance(data, dict):
        c.add("E202", path, key=key_name(path), expected="min, typical and max", got=repr(data), example=example)
        return Weeks(0, 0, 0)
    c.mapping(data, path, {k: Field("any") for k in ("min", "typical", "max")})
    w = Weeks(*(_num(c, data, path, k, positive=True, example=example) for k in ("min", "typical", "max")))
    if w.min and w.max and not (w.min <= w.typical <= w.max):
        c.add("E1106", path, key=key_name(path), min=w.min, typical=w.typical, max=w.max)
    return w


def _refs(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value if isinstance(v, str))
    return ()


# When the family partner acts on a child not seen or visits that fail (thresholds#child-not-seen):
# whole numbers, each usable in the text as {{ model.thresholds.<name> }}.
THRESHOLDS = ("child_unseen_weeks", "missed_visits_in_row")

# Lone working (lone-worker-safety#check-in): when the check-out after a home visit does not come,
# the family partner is called this many minutes after the agreed time, and the police are called
# when nobody has made contact after the second figure. Whole minutes, the call before the police
# (E1122), each usable in the text as {{ model.safety.<name> }}.
SAFETY = ("call_after_minutes", "police_after_minutes")

TEXT = Field("text", required=True, example="{nb: ..., en: ...}")


def build(data: Any, marks: Marks, rel: str, langs: tuple[str, ...]) -> tuple[Intervention | None, list[Problem]]:
    """Check the raw model and convert it (also used again after a variant's ``set`` changes)."""
    c = Checker(rel, marks, langs)
    top = {
        "name": TEXT, "caseload_max": Field("int", required=True, example="5"),
        "duration_months": Field("map", required=True, example="{min: 6, typical: 10, max: 18}"),
        "target_group": TEXT, "deliverer": TEXT, "setting": TEXT,
        "training": Field("map", required=True, example="{initial_hours: 46, days_per_year: 2}"),
        "supervision": Field("map", required=True, example="{individual_every_weeks: 2, individual_minutes: 60}"),
        "overhead": Field("map", required=True, example="{travel_minutes_per_visit: 40}"),
        "coordination_meeting_minutes": Field("any", required=True, example="90"),
        "components": Field("seq", required=True, example="- id: home-visiting"),
        "phases": Field("seq", required=True, example="- id: start"),
        "indicators": Field("seq", required=True, example="- id: visits-as-planned"),
        "prose": Field("list", example="[home-visits-overview#frequency]"),
        "reviews": Field("map", example="{goal_review_every_months: 3}"),
        "parent_training": Field("map", example="{first_session_week: 5, every_weeks: 2, check_in_minutes: 15}"),
        "case_worker_meeting_every_weeks": Field("any", example="4"),
        "thresholds": Field("map", example="{child_unseen_weeks: 2, missed_visits_in_row: 2}"),
        "safety": Field("map", example="{call_after_minutes: 15, police_after_minutes: 30}"),
        "subgroups": Field("seq", example="- id: far-from-office"),
    }
    if not c.mapping(data, (), top, where=f" in {rel}", example="caseload_max: 5"):
        return None, c.problems
    months = _weeks(c, data.get("duration_months"), ("duration_months",), "{min: 6, typical: 10, max: 18}")
    training = data.get("training") if isinstance(data.get("training"), dict) else {}
    c.mapping(training, ("training",), {"initial_hours": Field("any"), "days_per_year": Field("any"),
                                        "blocks": Field("seq", example="- id: foundations"),
                                        "supervisor_takes_initial_training": Field("bool", example="true"),
                                        "described_in": Field("str", example="recruitment-and-training")}, where=" in training")
    blocks: list[TrainingBlock] = []
    for i, raw in enumerate(training.get("blocks") if isinstance(training.get("blocks"), list) else []):
        path = ("training", "blocks", i)
        if c.mapping(raw, path, {"id": Field("id", required=True, example="foundations"), "title": TEXT,
                                 "content": Field("text", example="{nb: ..., en: ...}"), "hours": Field("any", required=True, example="6")},
                     where=" in a training block"):
            blocks.append(TrainingBlock(str(raw.get("id")), _text(raw.get("title"), langs), _text(raw.get("content"), langs),
                                        _num(c, raw, path, "hours", positive=True, example="6")))
    hours = sum(b.hours for b in blocks)
    if blocks and training.get("initial_hours") is not None:
        given = _num(c, training, ("training",), "initial_hours", example=_fmt(hours))
        if given and given != hours:
            c.add("E1121", ("training", "initial_hours"), given=_fmt(given), total=_fmt(hours))
    tr = {"initial_hours": hours if blocks else _num(c, training, ("training",), "initial_hours", example="46"),
          "days_per_year": _num(c, training, ("training",), "days_per_year", example="2"),
          "supervisor_takes_initial_training": training.get("supervisor_takes_initial_training") is True,
          "described_in": _refs(training.get("described_in"))}
    sup = data.get("supervision") if isinstance(data.get("supervision"), dict) else {}
    sup_keys = ("individual_every_weeks", "individual_minutes", "group_every_weeks", "group_minutes")
    c.mapping(sup, ("supervision",), {**{k: Field("any") for k in sup_keys + ("weekly_first_weeks",)}, "described_in": Field("str")},
              where=" in supervision")
    supervision: dict[str, Any] = {k: _num(c, sup, ("supervision",), k, positive=True, example="2") for k in sup_keys}
    supervision["weekly_first_weeks"] = _num(c, sup, ("supervision",), "weekly_first_weeks", required=False, whole=True, example="12")
    supervision["described_in"] = _refs(sup.get("described_in"))
    ov = data.get("overhead") if isinstance(data.get("overhead"), dict) else {}
    ov_keys = ("travel_minutes_per_visit", "preparation_minutes_per_visit", "documentation_minutes_per_contact",
               "preparation_minutes_per_meeting")
    c.mapping(ov, ("overhead",), {k: Field("any") for k in ov_keys}, where=" in overhead")
    overhead = {k: _num(c, ov, ("overhead",), k, example="15") for k in ov_keys}

    components: list[Component] = []
    for i, raw in enumerate(data.get("components") if isinstance(data.get("components"), list) else []):
        if c.mapping(raw, ("components", i), {"id": Field("id", required=True, example="home-visiting"), "title": TEXT,
                                              "core": Field("bool", required=True, example="true"),
                                              "described_in": Field("list", example="[home-visits-overview]")},
                     where=" in a component"):
            components.append(Component(str(raw.get("id")), _text(raw.get("title"), langs), raw.get("core") is True,
                                        _refs(raw.get("described_in"))))
    phases: list[Phase] = []
    phase_fields = {"id": Field("id", required=True, example="follow-up"), "title": TEXT,
                    "weeks": Field("map", required=True, example="{min: 8, typical: 22, max: 52}"),
                    "described_in": Field("list", example="[follow-up-visits]")}
    rates = RATES
    phase_fields.update({k: Field("any") for k in rates})
    for i, raw in enumerate(data.get("phases") if isinstance(data.get("phases"), list) else []):
        path = ("phases", i)
        if not c.mapping(raw, path, phase_fields, where=" in a phase"):
            continue
        weeks = _weeks(c, raw.get("weeks"), path + ("weeks",), "{min: 8, typical: 22, max: 52}")
        nums = {k: _num(c, raw, path, k, required=k in ("visits_per_week", "visit_minutes"), example="1") for k in rates}
        phases.append(Phase(str(raw.get("id")), _text(raw.get("title"), langs), weeks, described_in=_refs(raw.get("described_in")), **nums))
    indicators: list[Indicator] = []
    comp_ids = [x.id for x in components]
    for i, raw in enumerate(data.get("indicators") if isinstance(data.get("indicators"), list) else []):
        path = ("indicators", i)
        if not c.mapping(raw, path, {
            "id": Field("id", required=True, example="visits-as-planned"), "text": TEXT,
            "checks": Field("str", required=True, example="home-visits-overview#frequency"),
            "component": Field("str", required=True, allowed=tuple(comp_ids) + ("general",), example=comp_ids[0] if comp_ids else "home-visiting"),
            "rater": Field("str", required=True, allowed=RATERS, example="supervisor"),
            "scale": Field("str", required=True, allowed=SCALES, example="yes-partly-no"),
        }, where=" in an indicator"):
            continue
        indicators.append(Indicator(str(raw.get("id")), _text(raw.get("text"), langs), str(raw.get("checks") or ""),
                                    str(raw.get("component") or ""), str(raw.get("rater") or ""), str(raw.get("scale") or ""),
                                    marks.at(path)[0]))
    for kind, items in (("phase", phases), ("indicator", indicators), ("component", components)):
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.id in seen:
                c.add("E303", (kind + "s" if kind != "phase" else "phases", i, "id"), id=item.id, other=f"{kind} {seen[item.id] + 1}")
            seen.setdefault(item.id, i)
    # the phases must fit the frame of the duration
    if phases and months.min and months.max:
        lo, hi = sum(p.weeks.min for p in phases), sum(p.weeks.max for p in phases)
        need_lo, need_hi = round(months.min * WEEKS_PER_MONTH), round(months.max * WEEKS_PER_MONTH)
        if lo < need_lo or hi > need_hi:
            c.add("E1107", ("phases",), at_key=True, lo=_fmt(lo), hi=_fmt(hi), mmin=_fmt(months.min), mmax=_fmt(months.max),
                  need_lo=need_lo, need_hi=need_hi)
    rv = data.get("reviews") if isinstance(data.get("reviews"), dict) else {}
    c.mapping(rv, ("reviews",), {k: Field("any") for k in ("assessment_review_months", "goal_review_every_months",
                                                             "goal_scale_every_weeks", "research_months", "first_goals_week")},
              where=" in reviews")
    reviews = Reviews(_months(c, rv, ("reviews",), "assessment_review_months"),
                      _num(c, rv, ("reviews",), "goal_review_every_months", required=False, positive=True, example="3"),
                      _num(c, rv, ("reviews",), "goal_scale_every_weeks", required=False, positive=True, example="4"),
                      _months(c, rv, ("reviews",), "research_months"),
                      _num(c, rv, ("reviews",), "first_goals_week", required=False, positive=True, example="12"))
    pt = data.get("parent_training") if isinstance(data.get("parent_training"), dict) else {}
    c.mapping(pt, ("parent_training",), {k: Field("any") for k in ("first_session_week", "every_weeks", "check_in_minutes")},
              where=" in parent_training")
    schedule = SessionSchedule(*(_num(c, pt, ("parent_training",), k, required=False, example="2")
                                 for k in ("first_session_week", "every_weeks", "check_in_minutes")))
    cw = _num(c, data, (), "case_worker_meeting_every_weeks", required=False, positive=True, example="4")
    th = data.get("thresholds") if isinstance(data.get("thresholds"), dict) else {}
    c.mapping(th, ("thresholds",), {**{k: Field("any") for k in THRESHOLDS}, "described_in": Field("str")},
              where=" in thresholds")
    thresholds = {k: _num(c, th, ("thresholds",), k, required=False, positive=True, whole=True, example="2")
                  for k in THRESHOLDS if k in th}
    sf = data.get("safety") if isinstance(data.get("safety"), dict) else {}
    c.mapping(sf, ("safety",), {**{k: Field("any") for k in SAFETY}, "described_in": Field("str")},
              where=" in safety")
    safety = {k: _num(c, sf, ("safety",), k, required=False, positive=True, whole=True, example="15")
              for k in SAFETY if k in sf}
    if safety.get("call_after_minutes") and safety.get("police_after_minutes") \
            and safety["call_after_minutes"] >= safety["police_after_minutes"]:
        c.add("E1122", ("safety", "police_after_minutes"), call=_fmt(safety["call_after_minutes"]),
              police=_fmt(safety["police_after_minutes"]))
    caseload = data.get("caseload_max") if isinstance(data.get("caseload_max"), int) else 0
    subgroups: list[Subgroup] = []
    for i, raw in enumerate(data.get("subgroups") if isinstance(data.get("subgroups"), list) else []):
        group = read_subgroup(c, raw, ("subgroups", i), tuple(p.id for p in phases), langs)
        if group is not None:
            if any(g.id == group.id for g in subgroups):
                c.add("E303", ("subgroups", i, "id"), id=group.id, other="another subgroup")
                continue
            subgroups.append(group)
    return Intervention(
        path=rel, name=_text(data.get("name"), langs), caseload_max=caseload, duration_months=months,
        target_group=_text(data.get("target_group"), langs), deliverer=_text(data.get("deliverer"), langs),
        setting=_text(data.get("setting"), langs), training=tr, supervision=supervision, overhead=overhead,
        meeting_minutes=_num(c, data, (), "coordination_meeting_minutes", positive=True, example="90"),
        components=tuple(components), phases=tuple(phases), indicators=tuple(indicators),
        prose=_refs(data.get("prose")), training_blocks=tuple(blocks), reviews=reviews, schedule=schedule,
        case_worker_meeting_every_weeks=cw, thresholds=thresholds, safety=safety, subgroups=tuple(subgroups),
        raw=data, marks=marks), c.problems


SUBGROUP_EXAMPLE = "{follow-up: {visits_per_week: 0.5, calls_per_week: 0.5}}"
SESSIONS_EXAMPLE = "{session-stress-and-conflict: 90}"


def read_subgroup(c: Checker, raw: Any, path: tuple, phase_ids: tuple[str, ...], langs: tuple[str, ...],
                  sid: str = "") -> Subgroup | None:
    """One subgroup (of the model, or the value of a municipality's ``set subgroups.<id>``), checked."""
    fields = {"id": Field("id", required=not sid, example="far-from-office"), "title": TEXT,
              "who": Field("text", required=True, example="{nb: Familier med over en times reisevei, en: Families more than an hour away}"),
              "phases": Field("map", required=True, example=SUBGROUP_EXAMPLE),
              "sessions": Field("map", example=SESSIONS_EXAMPLE)}
    if not c.mapping(raw, path, fields, where=" in a subgroup"):
        return None
    if sid and "id" in raw and str(raw["id"]) != sid:
        c.add("E1124", path + ("id",), field_id=sid, given=raw["id"])
    sid = sid or str(raw.get("id"))
    phases: dict[str, dict[str, float]] = {}
    for pid, figures in (raw.get("phases") if isinstance(raw.get("phases"), dict) else {}).items():
        where = path + ("phases", pid)
        if str(pid) not in phase_ids:
            c.add("E1123", where, at_key=True, group=sid, phase=pid,
                  hint=suggest(str(pid), list(phase_ids)) or f"the model's phases: {', '.join(phase_ids)}")
            continue
        if not c.mapping(figures, where, {k: Field("any") for k in RATES}, where=f" in subgroup {sid}'s phase {pid}"):
            continue
        phases[str(pid)] = {k: _num(c, figures, where, k, example="0.5") for k in figures if k in RATES}
    sessions = {str(mid): int(_num(c, raw["sessions"], path + ("sessions",), mid, positive=True, whole=True, example="90"))
                for mid in raw["sessions"]} if isinstance(raw.get("sessions"), dict) else {}
    return Subgroup(sid, _text(raw.get("title"), langs), _text(raw.get("who"), langs), phases,
                    {mid: n for mid, n in sessions.items() if n})


def _months(c: Checker, data: dict, path: tuple, key: str) -> tuple[float, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(x, (int, float)) and not isinstance(x, bool) and x > 0 for x in value):
        c.add("E202", path + (key,), key=key_name(path + (key,)), expected="a list of months above 0", got=repr(value),
              example=f"{key}: [3, 6]")
        return ()
    return tuple(sorted(value))


def load_intervention(root: Path, langs: tuple[str, ...]) -> tuple[Intervention | None, list[Problem]]:
    """Read manual/intervention.yml; a manual without one simply has no model (and no reports from it)."""
    path = Path(root) / MODEL_PATH
    if not path.is_file():
        return None, []
    data, marks, problems = read_yaml_file(path, MODEL_PATH)
    if data is None:
        return None, problems
    model, more = build(data, marks, MODEL_PATH, langs)
    return model, problems + more


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def check_references(model: Intervention, index: dict[str, set[str] | None], core_sections: list[tuple[str, str, str, int]],
                     core_components: list[str]) -> list[Problem]:
    """Links from the model to the manual, and the indicators every core part needs.

    ``core_sections``: (module, section, file, line) of every section marked ``.core``.
    """
    problems: list[Problem] = []
    marks = model.marks

    def ref_ok(ref: str) -> str:
        mid, _, sid = ref.partition("#")
        if mid not in index:
            return suggest(mid, sorted(index)) or "name a module id from manual/manual.yml"
        ids = index[mid]
        if sid and ids is not None and sid not in ids:
            return suggest(sid, sorted(ids)) or f"sections of {mid}: {', '.join(sorted(ids))}"
        return ""

    def check(ref: str, path: tuple) -> None:
        hint = ref_ok(ref)
        if hint:
            line, col = marks.at(path)
            problems.append(make("E1108", model.path, line, col, ref=ref, key=key_name(path), hint=hint))

    for i, ind in enumerate(model.indicators):
        check(ind.checks, ("indicators", i, "checks"))
    for i, comp in enumerate(model.components):
        for j, ref in enumerate(comp.described_in):
            check(ref, ("components", i, "described_in", j))
    for i, ph in enumerate(model.phases):
        for j, ref in enumerate(ph.described_in):
            check(ref, ("phases", i, "described_in", j))
    for j, ref in enumerate(model.prose):
        check(ref, ("prose", j))
    for key in ("training", "supervision"):
        for ref in getattr(model, key).get("described_in", ()):
            check(ref, (key, "described_in"))
    checked = {ind.checks for ind in model.indicators}
    for mid, sid, path, line in core_sections:
        if f"{mid}#{sid}" not in checked:
            problems.append(make("W1109", path, line, 1, target=f"{mid}#{sid}", model=model.path))
    with_indicators = {ind.component for ind in model.indicators}
    for i, comp in enumerate(model.components):
        if comp.core and comp.id not in with_indicators:
            line, col = marks.at(("components", i, "id"))
            problems.append(make("W1110", model.path, line, col, component=comp.id))
    return problems


# -- sessions: the timed steps of the plan section ---------------------------------------------

def session_steps(text: str, origin: str, first_line: int) -> tuple[tuple[Step, ...], int]:
    """The numbered steps of a plan section (its text starts with the '##' heading at ``first_line``)."""
    steps: list[Step] = []
    list_line = 0
    fence = False
    for off, line in enumerate(text.split("\n")):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if fence:
            continue
        found = STEP_RE.match(line)
        if not found:
            continue
        minutes = MINUTES_RE.search(line)
        title = found[2]
        if minutes:
            title = title[:minutes.start() - found.start(2)]
        title = title.replace("**", "").strip().rstrip(".").strip()
        steps.append(Step(int(found[1]), title, int(minutes[1]) if minutes else None, first_line + off))
        list_line = list_line or first_line + off
    return tuple(steps), list_line or first_line


def check_plan(plan: SessionPlan, variant: str = "", where: str | None = None) -> list[Problem]:
    """Every step has minutes, and they add up to the session's duration."""
    where = where if where is not None else f" in variant {variant}" if variant else ""
    if not plan.steps:
        return [make("E1103", plan.origin, plan.line, 1, module=plan.module)]
    problems = [make("E1102", plan.origin, s.line, 1, number=s.number, module=plan.module) for s in plan.steps if s.minutes is None]
    if problems or plan.duration_minutes is None:
        return problems
    if plan.step_minutes != plan.duration_minutes:
        problems.append(make("E1101", plan.origin, plan.line, 1, module=plan.module, total=plan.step_minutes,
                             duration=plan.duration_minutes, variant=where,
                             steps=" + ".join(str(s.minutes) for s in plan.steps)))
    return problems


# -- municipalities' changes to the model ------------------------------------------------------

def locate(data: Any, dotted: str) -> tuple[Any, Any, str]:
    """(container, key, "") of a dotted field such as ``phases.follow-up.visits_per_week``,
    or (None, None, hint) when the path does not exist. Lists are entered by their items' ``id``."""
    node = data
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, dict):
            if part not in node:
                return None, None, suggest(part, [str(k) for k in node]) or f"fields here: {', '.join(map(str, node))}"
            if last:
                return node, part, ""
            node = node[part]
        elif isinstance(node, list):
            ids = [str(x.get("id")) for x in node if isinstance(x, dict)]
            if part not in ids:
                return None, None, suggest(part, ids) or f"ids here: {', '.join(ids)}"
            idx = ids.index(part)
            if last:
                return node, idx, ""
            node = node[idx]
        else:
            return None, None, f"'{'.'.join(parts[:i])}' is a single value"
    return None, None, "name a field"


def apply_sets(model: Intervention, changes: list, adaptation_path: str, adaptation_marks: Marks,
               langs: tuple[str, ...]) -> tuple[Intervention, list[Problem]]:
    """The variant's model: the base data with every ``set`` on the model applied, converted again."""
    problems: list[Problem] = []
    data = copy.deepcopy(model.raw)
    done: dict[str, str] = {}
    for ch in changes:
        line, col = adaptation_marks.at(("changes", ch.index, "field"))
        if ch.field in done and done[ch.field] != ch.builds_on:
            problems.append(make("E1004", adaptation_path, line, col, change=ch.id, target=f"model: {ch.field}", other=done[ch.field]))
        done[ch.field] = ch.id
        container, key, hint = locate(data, ch.field)
        if container is None:
            more = _grow_subgroup(data, ch, adaptation_path, adaptation_marks, langs)
            if more is None:
                problems.append(make("E1104", adaptation_path, line, col, change=ch.id, field=ch.field, hint=hint))
            problems += more or []
            continue
        old = container[key]
        new = ch.value
        if isinstance(old, (dict, list)) and not (isinstance(old, dict) and isinstance(new, dict) and set(new) <= set(old)):
            problems.append(make("E1105", adaptation_path, line, col, change=ch.id, field=ch.field,
                                 expected="one of its fields", got=repr(new), example=f"field: {ch.field}.{next(iter(old), 'x') if isinstance(old, dict) else 'id'}"))
            continue
        number = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)  # noqa: E731
        if number(old) != number(new) or isinstance(old, bool) != isinstance(new, bool):
            vline, vcol = adaptation_marks.at(("changes", ch.index, "value"))
            problems.append(make("E1105", adaptation_path, vline, vcol, change=ch.id, field=ch.field,
                                 expected="a number" if number(old) else "text", got=repr(new), example=f"value: {old!r}"))
            continue
        container[key] = {**old, **new} if isinstance(old, dict) else new
    variant_model, more = build(data, model.marks, model.path, langs)
    if variant_model is None:
        return model, problems
    # problems of the variant's model are the adaptation's: name the change that caused them
    for p in more:
        if p.code in ("E1106", "E1107", "E1122", "E202"):
            first = changes[0] if changes else None
            line = adaptation_marks.at(("changes", first.index, "value"))[0] if first else 1
            problems.append(make(p.code if p.code != "E202" else "E1105", adaptation_path, line, 0,
                                 **_refmt(p, first)) if p.code == "E202" else
                            type(p)(adaptation_path, line, 0, p.code, p.message + " (after the changes to the model)", p.hint, p.severity))
    return variant_model, problems


def _grow_subgroup(data: dict, ch: Any, rel: str, marks: Marks, langs: tuple[str, ...]) -> list[Problem] | None:
    """A municipality adds a subgroup of families with ``set subgroups.<id>`` (its value: title, who
    and the phases' figures that differ), and may set one figure of a subgroup's phase that the
    subgroup had left as the model's (``subgroups.<id>.phases.<phase>.<figure>``), or the length of
    a session for its families (``subgroups.<id>.sessions.<session>``). Returns the
    problems (none: applied), or None when the field is not a subgroup's (the caller says E1104)."""
    parts = ch.field.split(".")
    groups = data.get("subgroups", [])
    if parts[0] != "subgroups" or len(parts) < 2 or not isinstance(groups, list):
        return None
    phase_ids = tuple(str(p.get("id")) for p in data.get("phases", []) if isinstance(p, dict))
    line, col = marks.at(("changes", ch.index, "field"))
    vline, vcol = marks.at(("changes", ch.index, "value"))
    existing = next((g for g in groups if isinstance(g, dict) and str(g.get("id")) == parts[1]), None)
    if existing is None and len(parts) > 2:
        ids = [str(g.get("id")) for g in groups if isinstance(g, dict)]
        return [make("E1104", rel, line, col, change=ch.id, field=ch.field, hint=suggest(parts[1], ids) or (
            f"the model has no subgroup '{parts[1]}': add it first, with field: subgroups.{parts[1]} "
            "and a value with title, who and phases"))]
    if len(parts) == 4 and parts[2] == "sessions" and existing is not None:
        value = ch.value
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            return [make("E1105", rel, vline, vcol, change=ch.id, field=ch.field, expected="a whole number of minutes above 0",
                         got=repr(value), example="value: 90")]
        if not isinstance(existing.get("sessions"), (dict, type(None))):
            return None
        existing.setdefault("sessions", {})[parts[3]] = value
        return []
    if len(parts) not in (2, 5):
        return None
    if len(parts) == 2:
        if existing is not None:
            return None
        if not isinstance(ch.value, dict):
            return [make("E1105", rel, vline, vcol, change=ch.id, field=ch.field, expected="a subgroup (title, who and phases)",
                         got=repr(ch.value), example=f"value: {{title: ..., who: ..., phases: {SUBGROUP_EXAMPLE}}}")]
        c = Checker(rel, marks, langs)
        read_subgroup(c, ch.value, ("changes", ch.index, "value"), phase_ids, langs, sid=parts[1])
        if not c.problems:
            data["subgroups"] = groups + [{**copy.deepcopy(ch.value), "id": parts[1]}]
        return c.problems
    _, sid, section, pid, figure = parts
    if existing is None or section != "phases":
        return None
    if pid not in phase_ids:
        return [make("E1123", rel, line, col, group=sid, phase=pid,
                     hint=suggest(pid, list(phase_ids)) or f"the model's phases: {', '.join(phase_ids)}")]
    if figure not in RATES:
        return [make("E1104", rel, line, col, change=ch.id, field=ch.field,
                     hint=suggest(figure, list(RATES)) or f"a subgroup's phase has: {', '.join(RATES)}")]
    value = ch.value
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        return [make("E1105", rel, vline, vcol, change=ch.id, field=ch.field, expected="a number (0 or more)",
                     got=repr(value), example="value: 0.5")]
    phases = existing.setdefault("phases", {})
    if not isinstance(phases, dict):
        return None
    phases.setdefault(pid, {})[figure] = value
    return []


def _refmt(p: Problem, ch: Any) -> dict[str, str]:
    return {"change": ch.id if ch else "", "field": ch.field if ch else "", "expected": "a valid value", "got": p.message,
            "example": p.hint}


__all__ = ["Intervention", "Phase", "Subgroup", "RATES", "read_subgroup", "TrainingBlock", "Reviews", "SessionSchedule", "Component", "Indicator", "Step", "SessionPlan", "Weeks", "load_intervention",
           "build", "check_references", "session_steps", "check_plan", "apply_sets", "locate", "MODEL_PATH",
           "MODEL_TARGETS", "WEEKS_PER_MONTH"]

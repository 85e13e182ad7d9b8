"""The intervention model of one variant, and the checks that tie it to the text (pure).

Called by resolve after the overlay: the variant's ``set`` changes on the model are applied, the
sessions' timed steps are read from the resolved plan sections in every language, and the steps
must add up to each session's duration. Dose figures written in the text are compared with the
model. For a municipality only the problems that its changes cause are reported (the base
manual's own problems are reported once, for the base).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from manualkit.core import model as m
from manualkit.core import variables as v
from manualkit.core.dose import model_values
from manualkit.core.intervention import Intervention, SessionPlan, apply_sets, check_plan, check_references, session_steps
from manualkit.core.overlay import WModule, working_copy
from manualkit.core.problems import Problem, make
from manualkit.core.schema import suggest

NUMBER_WORDS = {"en": 1, "ett": 1, "én": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7,
                "åtte": 8, "ni": 9, "ti": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_NUM = r"(\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
CASELOAD_RE = re.compile(r"\b(?:inntil|opptil|høyst|maksimalt|maks|up to|at most|no more than|a maximum of)\s+(?:\*\*)?"
                         + _NUM + r"\s+(?:familier|families)\b", re.IGNORECASE)
TRAINING_RE = re.compile(r"\b(\d+)\s+(?:timer|timar|hours)\s+(?:med\s+|of\s+)?(?:innledende\s+|initial\s+)?(?:opplæring|opplæringa|training)\b"
                         r"|\b(?:opplæring(?:en|a)?|training)\s+(?:på|of|lasts|varer)\s+(\d+)\s+(?:timer|timar|hours)\b", re.IGNORECASE)
CORE_RE = re.compile(r"\b" + _NUM + r"\s+(?:kjernekomponent(?:er|ar|ene|ane)|core\s+components)\b", re.IGNORECASE)
GOAL_REVIEW_RE = re.compile(r"\b(?:målene|the goals)\b[^.\n]{0,60}?\b(?:hver|every)\s+(\d+|andre|annen|tredje|fjerde|sjette|second|third|fourth|sixth)\.?\s+(?:måned|month)",
                            re.IGNORECASE)
SUPERVISION_RE = re.compile(r"\b(?:individuell\s+veiledning|individuell\s+rettleiing|individual\s+supervision)\b[^.\n]{0,40}?"
                            r"\b(?:hver|kvar|every)\s+(\d+|andre|annen|tredje|fjerde|sjette|second|third|fourth|sixth)\.?\s+(?:uke|veke|week)",
                            re.IGNORECASE)
ORDINALS = {"andre": 2, "annen": 2, "tredje": 3, "fjerde": 4, "sjette": 6, "second": 2, "third": 3, "fourth": 4, "sixth": 6}
DURATION_RE = re.compile(r"\b(\d+)\s*[–-]\s*(\d+)\s*(?:måneder|månader|months)\b", re.IGNORECASE)


@dataclass
class VariantModel:
    model: Intervention | None = None
    sessions: dict[str, tuple[SessionPlan, ...]] = field(default_factory=dict)
    base_model: Intervention | None = None
    base_sessions: dict[str, tuple[SessionPlan, ...]] = field(default_factory=dict)
    values: dict[str, v.Value] = field(default_factory=dict)


def session_plans(order: dict[str, list[str]], mods: dict[str, WModule], lang: str) -> tuple[SessionPlan, ...]:
    out: list[SessionPlan] = []
    for mids in order.values():
        for mid in mids:
            w = mods.get(mid)
            if w is None or w.meta.get("type") != "session" or lang not in w.texts:
                continue
            text = w.texts[lang]
            plan = next((s for s in text.sections if s.id == "plan"), None)
            if plan is None:
                continue  # E406 says so
            steps, line = session_steps(plan.text, plan.origin, plan.line)
            alternates = tuple((s.id[len("plan-"):], *session_steps(s.text, s.origin, s.line), s.origin)
                               for s in text.sections if s.id.startswith("plan-") and len(s.id) > len("plan-"))
            out.append(SessionPlan(mid, len(out) + 1, text.title, w.meta.get("duration_minutes"), steps, plan.origin, line,
                                   alternates))
    return tuple(out)


def group_plans(model: Intervention, sessions: dict[str, tuple[SessionPlan, ...]], variant: str,
                locate: Any) -> list[Problem]:
    """A subgroup that gives a session another length (``sessions``) has the steps for it in the
    session's section {#plan-<subgroup>}, and they add up to that length (E1125, E1101); it names
    sessions the manual has (E1126). ``locate(group, session)``: (file, line, col) of the name."""
    out: list[Problem] = []
    names = [pl.module for plans in sessions.values() for pl in plans]
    for group in model.subgroups:
        where = (f" in variant {variant}, " if variant else " in ") + f"subgroup {group.id}"
        for mid, minutes in group.sessions.items():
            if mid not in names:
                out.append(make("E1126", *locate(group.id, mid), group=group.id, module=mid,
                                hint=suggest(mid, sorted(set(names))) or "name a session module (type: session)"))
                continue
            for plans in sessions.values():
                plan = next((pl for pl in plans if pl.module == mid), None)
                if plan is None:
                    continue  # not written in this language (W502 says so)
                own = plan.for_group(group.id, minutes)
                if own is None:
                    out.append(make("E1125", plan.origin, plan.line, 1, group=group.id, module=mid, minutes=minutes,
                                    duration=plan.duration_minutes))
                else:
                    out += check_plan(own, where=where)
    return out


@lru_cache(maxsize=8192)
def dose_figures(chunk: str) -> tuple[tuple[str, int, str, tuple[int, ...]], ...]:
    """Caseloads and durations written in a text: (kind, offset, the number as written, numbers).

    Memoised per text (every variant holds the same base sections); the cheap word test first
    spares the regular expressions the many texts that name neither families nor months.
    """
    low = chunk.lower()
    out: list[tuple[str, int, str, tuple[int, ...]]] = []
    if "famil" in low:
        for found in CASELOAD_RE.finditer(chunk):
            word = found[1].lower()
            out.append(("caseload", found.start(), found[1], (int(word) if word.isdigit() else NUMBER_WORDS[word],)))
    if "måned" in low or "månad" in low or "month" in low:
        for found in DURATION_RE.finditer(chunk):
            out.append(("duration", found.start(), found[1] + "–" + found[2], (int(found[1]), int(found[2]))))
        for found in GOAL_REVIEW_RE.finditer(chunk):
            word = found[1].lower()
            out.append(("goal_review", found.start(1), found[1], (int(word) if word.isdigit() else ORDINALS[word],)))
    if "individu" in low:
        for found in SUPERVISION_RE.finditer(chunk):
            word = found[1].lower()
            out.append(("supervision", found.start(1), found[1], (int(word) if word.isdigit() else ORDINALS[word],)))
    if "time" in low or "timar" in low or "hour" in low:
        for found in TRAINING_RE.finditer(chunk):
            written = found[1] or found[2]
            out.append(("training", found.start(), written, (int(written),)))
    if "kjernekomponent" in low or "core component" in low:
        for found in CORE_RE.finditer(chunk):
            word = found[1].lower()
            out.append(("core", found.start(), found[1], (int(word) if word.isdigit() else NUMBER_WORDS[word],)))
    return tuple(out)


def _text_checks(model: Intervention, mods: dict[str, WModule], variant: str) -> list[Problem]:
    where = f" in variant {variant}" if variant else ""
    out: list[Problem] = []
    want = (int(model.duration_months.min), int(model.duration_months.max))
    hours = model.training["initial_hours"]
    core = sum(1 for c in model.components if c.core)
    review = model.reviews.goal_review_every_months
    individual = model.supervision.get("individual_every_weeks", 0)
    for w in mods.values():
        for text in w.texts.values():
            if text.fallback:
                continue
            chunks = [(text.preamble, text.origin, text.preamble_line)] + [(s.text, s.origin, s.line) for s in text.sections]
            for chunk, origin, first in chunks:
                for kind, offset, written, numbers in dose_figures(chunk):
                    line = first + chunk.count("\n", 0, offset)
                    if kind == "caseload" and numbers[0] != model.caseload_max:
                        out.append(make("W1111", origin, line, 0, found=written,
                                        model=model.caseload_max, variant=where))
                    elif kind == "duration" and numbers != want:
                        out.append(make("W1112", origin, line, 0, found=f"{numbers[0]}–{numbers[1]}",
                                        model=f"{want[0]}–{want[1]}", variant=where))
                    elif kind == "training" and numbers[0] != hours:
                        out.append(make("W1121", origin, line, 0, found=written, model=_fmt(hours), variant=where))
                    elif kind == "core" and numbers[0] != core:
                        out.append(make("W1122", origin, line, 0, found=written, model=core, variant=where))
                    elif kind == "goal_review" and review and numbers[0] != review:
                        out.append(make("W1124", origin, line, 0, what="the goals are reviewed every", found=f"{written} months",
                                        model=f"every {_fmt(review)} months", variant=where,
                                        variable="model.reviews.goal_review_every_months"))
                    elif kind == "supervision" and individual and numbers[0] != individual:
                        out.append(make("W1124", origin, line, 0, what="individual supervision every", found=f"{written} weeks",
                                        model=f"every {_fmt(individual)} weeks", variant=where,
                                        variable="model.supervision.individual_every_weeks"))
            for section in text.sections:
                if f"{w.id}#{section.id}" in model.training.get("described_in", ()):
                    for k, row in enumerate(section.text.split("\n")):
                        total = re.match(r"^\|\s*\**(?:til sammen|totalt|sum|total)\**\s*\|.*?\|\s*\**(\d+)\**\s*\|\s*$", row, re.IGNORECASE)
                        if total and int(total[1]) != hours:
                            out.append(make("W1121", section.origin, section.line + k, 0, found=total[1], model=_fmt(hours), variant=where))
                out += _phase_list(model, section, text.lang if hasattr(text, "lang") else "", where)
    return out


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


PHASE_WORDS = ("fase", "phase")


def _phase_list(model: Intervention, section: Any, lang: str, where: str) -> list[Problem]:
    """A list or table in a section about the phases whose items are not the model's phases (W1123).

    Only lists whose introducing line names the phases ("fasene", "the phases") and whose items
    start with a bold or plain name are compared; a list that holds every phase title of the
    model in its order is fine.
    """
    lines = section.text.split("\n")
    out: list[Problem] = []
    titles = [t.lower() for p in model.phases for t in p.title.values()]
    for i, line in enumerate(lines):
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.lstrip().startswith("|") else []
        if cells and cells[0].lower() in ("fase", "phase") and i + 1 < len(lines) and "---" in lines[i + 1]:
            items, j = [], i + 2
            while j < len(lines) and lines[j].lstrip().startswith("|"):
                first = lines[j].strip().strip("|").split("|")[0]
                items.append(re.sub(r"^\s*\d+\.\s*", "", first).replace("**", "").strip())
                j += 1
            if len(items) >= 2 and "{{" not in "".join(items) and [x.lower() for x in items] != [t.lower() for t in _titles_in(model, items)]:
                out.append(make("W1123", section.origin, section.line + i, 0, found=", ".join(items),
                                model=", ".join(_titles_in(model, items)), variant=where))
            continue
        low = line.lower()
        if not ("fasene" in low or "the phases" in low or "fasane" in low) or not low.rstrip().endswith(":"):
            continue
        items = []
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        while j < len(lines) and re.match(r"^\s*(?:\d+\.|[-*])\s+", lines[j]):
            name = re.sub(r"^\s*(?:\d+\.|[-*])\s+", "", lines[j])
            name = re.split(r"\*\*\s*[:(–-]|\s[(–-]\s?|:\s", name.replace("**", "**"), maxsplit=1)[0].replace("**", "").strip(" .:")
            items.append(name)
            j += 1
        if len(items) < 2:
            continue
        if [x.lower() for x in items] != [t.lower() for t in _titles_in(model, items)]:
            names = ", ".join(items)
            model_names = ", ".join(_titles_in(model, items))
            out.append(make("W1123", section.origin, section.line + i + 1, 0, found=names, model=model_names, variant=where))
    return out


def _titles_in(model: Intervention, items: list[str]) -> list[str]:
    """The model's phase titles in the language the items are written in (the best match)."""
    langs = next(iter(model.phases)).title.keys() if model.phases else ()
    best: list[str] = []
    for lg in langs:
        cand = [p.title[lg] for p in model.phases]
        if sum(a.lower() == b.lower() for a, b in zip(items, cand)) > sum(a.lower() == b.lower() for a, b in zip(items, best)) or not best:
            best = cand
    return best


def session_fit(model: Intervention, sessions: dict[str, tuple[SessionPlan, ...]], variant: str) -> list[Problem]:
    """A visit that holds a session must be long enough for the check-in and the session (E1120),
    for every family: those of each subgroup too."""
    out = _session_fit(model, sessions, f" in variant {variant}" if variant else "", "phases")
    for group in model.subgroups:
        out += _session_fit(model.for_subgroup(group.id), sessions,
                            (f" in variant {variant}, " if variant else " in ") + f"subgroup {group.id}", f"subgroups.{group.id}.phases")
    return out


def _session_fit(model: Intervention, sessions: dict[str, tuple[SessionPlan, ...]], where: str, fields: str) -> list[Problem]:
    out: list[Problem] = []
    plans = next(iter(sessions.values()), ()) if sessions else ()
    weeks = model.session_weeks(len(plans))
    check_in = model.schedule.check_in_minutes
    for plan, week in zip(plans, weeks):
        minutes = model.minutes_of(plan)
        if minutes is None:
            continue
        for which in ("min", "typical", "max"):
            phase = model.phase_at(week, which)
            total = minutes + check_in
            if phase is None:
                continue
            # a session a subgroup lengthens lengthens the visit that holds it (dose.session_visit_extra)
            visit = phase.session_visit + minutes - (plan.duration_minutes if plan.duration_minutes is not None else minutes)
            if total > visit:
                out.append(make("E1120", plan.origin, plan.line, 1, module=plan.module, minutes=minutes,
                                check_in=_fmt(check_in), total=_fmt(total), phase=phase.id, week=_fmt(week),
                                visit=_fmt(visit), variant=where, field=f"{fields}.{phase.id}"))
                break
    return out


def _core_sections(manual: m.Manual) -> list[tuple[str, str, str, int]]:
    out = []
    for mod in manual.ordered_modules():
        body = mod.source.body
        for s in body.sections if body else ():
            if s.core:
                out.append((mod.id, s.id, mod.source.path, s.line))
    return out


def _change_at(adaptation: Any, base: Intervention) -> Any:
    """Where a subgroup names a session: the municipality's change that set it, else (a subgroup of
    the base model) the base model's line."""
    def locate(group: str, mid: str) -> tuple[str, int, int]:
        # the change that sets this one length wins over the subgroup's value (a later change
        # overrides it, and it is the line the editor must correct)
        for ch in reversed(adaptation.changes):
            if ch.field == f"subgroups.{group}.sessions.{mid}":
                return (adaptation.path, *adaptation.marks.at(("changes", ch.index, "field")))
        for ch in adaptation.changes:
            if ch.field == f"subgroups.{group}":
                return (adaptation.path, *adaptation.marks.key_at(("changes", ch.index, "value", "sessions", mid)))
        i = next((i for i, x in enumerate(base.subgroups) if x.id == group), None)
        return (base.path, *base.marks.key_at(("subgroups", i, "sessions", mid))) if i is not None else (base.path, 1, 1)
    return locate


def _key(p: Problem) -> tuple:
    return (p.path, p.line, p.code)


def variant_model(manual: m.Manual, adaptation: Any, order: dict[str, list[str]], mods: dict[str, WModule],
                  problems: list[Problem]) -> VariantModel:
    """The model, sessions and model values of the variant; appends the problems found to ``problems``."""
    langs = adaptation.languages if adaptation is not None else manual.languages
    sessions = {lang: session_plans(order, mods, lang) for lang in manual.languages}
    variant = adaptation.id if adaptation is not None else ""
    step_problems = [p for plans in sessions.values() for plan in plans for p in check_plan(plan, variant)]
    base = manual.intervention
    out = VariantModel(model=base, sessions={lg: sessions[lg] for lg in langs}, base_model=base)
    own: list[Problem] = []
    if adaptation is None:
        out.base_sessions = out.sessions
        own += step_problems
        if base is not None:
            from manualkit.core.validate import section_index
            own += check_references(base, section_index(manual), _core_sections(manual),
                                    [c.id for c in base.components if c.core])
            own += _text_checks(base, mods, "")
            own += session_fit(base, sessions, "")
            own += group_plans(base, sessions, "", lambda g, mid: (base.path, *base.marks.key_at(
                ("subgroups", next(i for i, x in enumerate(base.subgroups) if x.id == g), "sessions", mid))))
    else:
        border, bmods = working_copy(manual, manual.languages)
        base_sessions = {lang: session_plans(border, bmods, lang) for lang in manual.languages}
        out.base_sessions = {lg: base_sessions[lg] for lg in langs}
        known = {_key(p) for plans in base_sessions.values() for plan in plans for p in check_plan(plan)}
        own += [p for p in step_problems if _key(p) not in known]
        model_changes = [ch for ch in adaptation.changes if ch.on_model]
        if base is None:
            for ch in model_changes:
                line, col = adaptation.marks.at(("changes", ch.index, "target"))
                own.append(make("E1104", adaptation.path, line, col, change=ch.id, field=ch.field,
                                hint="the manual has no intervention model: manual/intervention.yml is missing"))
        if base is not None:
            model = base
            if model_changes:
                model, more = apply_sets(base, model_changes, adaptation.path, adaptation.marks, manual.languages)
                own += more
            out.model = model
            known = {_key(p) for p in _text_checks(base, bmods, "")}
            own += [p for p in _text_checks(model, mods, adaptation.id) if _key(p) not in known]
            known = {_key(p) for p in session_fit(base, base_sessions, "")}
            own += [p for p in session_fit(model, sessions, adaptation.id) if _key(p) not in known]
            known = {_key(p) for p in group_plans(base, base_sessions, "", lambda g, mid: (base.path, 1, 1))}
            own += [p for p in group_plans(model, sessions, adaptation.id, _change_at(adaptation, base)) if _key(p) not in known]
            if not model_changes:
                for ch in adaptation.changes:
                    if ch.operation == "replace-section" and ch.target in base.prose:
                        line, col = adaptation.marks.at(("changes", ch.index, "target"))
                        own.append(make("W1113", adaptation.path, line, col, change=ch.id, target=ch.target))
        for ch in adaptation.changes:
            if not ch.justification or len(langs) < 2:
                continue
            missing = [lg for lg in langs if lg not in ch.justifications]
            if missing:
                line, col = adaptation.marks.at(("changes", ch.index, "justification"))
                what = ", ".join(missing) if ch.justifications else f"each language ({', '.join(langs)})"
                own.append(make("W1115", adaptation.path, line, col, change=ch.id, missing=what))
        own += _cost_checks(adaptation, manual.languages)
    problems += own
    out.values = model_values(out.model, out.sessions, manual.languages)
    if adaptation is not None and base is not None and out.model is not base:
        changes = [ch for ch in adaptation.changes if ch.on_model]
        # what the model's changes alone changed (the same sessions on both sides)
        changed = _changed(model_values(out.model, out.base_sessions, manual.languages),
                           model_values(base, out.base_sessions, manual.languages))
        out.values = _set_by_changes(out.values, changed, changes, adaptation)
    return out


def _changed(variant: dict[str, v.Value], base: dict[str, v.Value]) -> set[str]:
    return {name for name, val in variant.items() if name not in base or base[name].texts != val.texts}


def _set_by_changes(values: dict[str, v.Value], changed: set[str], changes: list, adaptation: Any) -> dict[str, v.Value]:
    """A model value a municipality's ``set`` changed says where: the change's ``value`` line in its
    adaptation.yml (not the base manual/intervention.yml), so a hint leads the editor to it."""
    if not changes:
        return values
    from dataclasses import replace

    def score(name: str, ch: Any) -> int:
        field = str(ch.field or "").replace("-", "_").split(".")
        parts = name.split(".")[1:]  # without model. / table.
        n = 0
        for a, b in zip(parts, field):
            if a != b:
                break
            n += 1
        # a change whose whole field leads to the value (it set the value or what holds it: a
        # subgroup) comes before one that only shares the way there (another figure of the phase)
        return n if n == len(field) else n - 100

    out = dict(values)
    for name, val in values.items():
        if name not in changed:
            continue
        ch = max(changes, key=lambda c: score(name, c))  # first of the best matches
        line = adaptation.marks.at(_value_path(name, ch))[0]
        out[name] = replace(val, origin=adaptation.path, line=line)
    return out


# a variable made from a figure of another name: {{ model.….frequency }} says visits_per_week in words
_FIGURE_OF = {"frequency": "visits_per_week"}


def _value_path(name: str, ch: Any) -> tuple:
    """Where in the change's value a model variable comes from: the ``value`` line, or, when the
    value is a mapping (a subgroup of families), the line of the figure inside it."""
    path: tuple = ("changes", ch.index, "value")
    node = ch.value
    rest = name.split(".")[1 + len(str(ch.field or "").split(".")):]
    for part in rest:
        if not isinstance(node, dict):
            break
        key = next((k for k in node if str(k).replace("-", "_") in (part, _FIGURE_OF.get(part))), None)
        if key is None:
            break
        path, node = path + (key,), node[key]
    return path


def _cost_checks(adaptation: Any, langs: tuple[str, ...]) -> list[Problem]:
    out = []
    values = v.flatten(adaptation.variables, langs, adaptation.path, adaptation.marks, (), ("variables",))
    for name, val in values.items():
        if name.startswith("cost.") and val.fill is None:
            text = next(iter(val.texts.values()), "")
            if unit_cost(text) is None:
                out.append(make("W1114", adaptation.path, val.line, 0, name=name, value=text))
    return out


def unit_cost(text: str) -> float | None:
    """A unit cost written by a municipality ("650", "650.50", "1 200"), or None when it is not a number."""
    cleaned = text.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


__all__ = ["variant_model", "session_plans", "VariantModel", "unit_cost"]

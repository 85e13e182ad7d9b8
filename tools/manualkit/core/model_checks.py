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

NUMBER_WORDS = {"en": 1, "ett": 1, "én": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7,
                "åtte": 8, "ni": 9, "ti": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_NUM = r"(\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
CASELOAD_RE = re.compile(r"\b(?:inntil|opptil|høyst|maksimalt|maks|up to|at most|no more than|a maximum of)\s+(?:\*\*)?"
                         + _NUM + r"\s+(?:familier|families)\b", re.IGNORECASE)
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
            out.append(SessionPlan(mid, len(out) + 1, text.title, w.meta.get("duration_minutes"), steps, plan.origin, line))
    return tuple(out)


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
    return tuple(out)


def _text_checks(model: Intervention, mods: dict[str, WModule], variant: str) -> list[Problem]:
    where = f" in variant {variant}" if variant else ""
    out: list[Problem] = []
    want = (int(model.duration_months.min), int(model.duration_months.max))
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
    return out


def _core_sections(manual: m.Manual) -> list[tuple[str, str, str, int]]:
    out = []
    for mod in manual.ordered_modules():
        body = mod.source.body
        for s in body.sections if body else ():
            if s.core:
                out.append((mod.id, s.id, mod.source.path, s.line))
    return out


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
    return out


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

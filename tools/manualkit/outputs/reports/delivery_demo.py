"""A synthetic REDCap export of the fidelity checklists and the visit log, made from the data
dictionary and the model, to try `manual report delivery` without data (``--demo``).

No real person is in it: record ids are ``D001``…, family partners ``FP01``…, and every value is
drawn from a seeded random generator, so the same seed gives the same files. The CSV goes through
the toolkit's one writer (:mod:`manualkit.outputs.csv_safe`).
"""
from __future__ import annotations

import random
import re
from datetime import date, timedelta

from manualkit.core.delivery import (SUBGROUP_FIELD, VISIT_LOG_DICTIONARY, VISIT_LOG_FORM, DictField, group_sessions,
                                     planned_by_week)
from manualkit.core.intervention import Intervention, SessionPlan
from manualkit.outputs.csv_safe import csv_text


def demo_exports(dictionary: dict[str, DictField], model: Intervention, plans: tuple[SessionPlan, ...], *,
                 seed: int, families: int = 12, under: bool = False, start: date = date(2026, 1, 5),
                 prefix: str = "D") -> tuple[str, str]:
    """A synthetic (raw) fidelity export and visit log made from ``dictionary``; no real person in it.

    ``under`` builds in under-delivery: home visits every other week instead of the plan, steps
    more often partly or not done, fewer sessions held.
    """
    rng = random.Random(seed)
    fields = list(dictionary.values())
    cols = [f.name for f in fields]
    log_cols = list(VISIT_LOG_DICTIONARY) + ["redcap_repeat_instrument", "redcap_repeat_instance"]
    fid_rows: list[dict[str, str]] = []
    log_rows: list[dict[str, object]] = []
    cut = start + timedelta(weeks=40)
    partners = [f"FP{n:02d}" for n in range(1, 3)]
    for k in range(families):
        rec = f"{prefix}{k + 1:03d}"
        begin = start + timedelta(days=7 * rng.randint(0, 20))
        weeks = ((cut - begin).days + 1) / 7
        partner = partners[k % len(partners)]
        # every third family in the model's first subgroup, if it has one, delivered against its own plan
        group = "1" if model.subgroups and SUBGROUP_FIELD in dictionary and k % 3 == 2 else "0"
        plan = planned_by_week(model.for_subgroup(model.subgroups[0].id) if group == "1" else model, weeks, tuple(plans))
        keep = 0.55 if under else 0.95
        instance = 0
        day = 0
        n_visits = round(plan["home_visits"] * keep)
        n_calls = round(plan["calls"] * (keep - 0.1))
        for kind, count, minutes in (("1", n_visits, 80), ("2", n_calls, 15)):
            for j in range(count):
                instance += 1
                when = begin + timedelta(days=min(int(weeks * 7) - 1, int(j * weeks * 7 / max(count, 1))))
                log_rows.append(dict(zip(log_cols, (rec, when.isoformat(), kind, minutes + rng.randint(-15, 10), partner,
                                                    VISIT_LOG_FORM, instance))))
                day += 1
        held_sessions = round(len(plans) * min(1.0, weeks / sum(p.weeks.typical for p in model.phases)) * (0.7 if under else 1))
        row = {"record_id": rec}
        if SUBGROUP_FIELD in dictionary:
            row[SUBGROUP_FIELD] = group
        for plan_ in plans[:max(1, held_sessions)]:
            p = f"s{plan_.order}"
            row[f"{p}_date"] = (begin + timedelta(weeks=plan_.order)).isoformat()
            row[f"{p}_rater"] = "1"
            # a family of a group that has this session its own way fills in the group's steps
            own = next((gs for gs in group_sessions(model, plan_) if gs.code == group), None)
            if own is not None:
                p, plan_ = own.prefix, own.plan
            for st in plan_.steps:
                r = rng.random()
                row[f"{p}_step{st.number}"] = ("1" if r < 0.85 else "2" if r < 0.95 else "3") if not under else \
                    ("1" if r < 0.55 else "2" if r < 0.85 else "3")
                row[f"{p}_step{st.number}_min"] = str(max(0, (st.minutes or 0) + rng.randint(-3, 3) - (3 if under else 0)))
        for f in fields:
            if f.indicator and not re.match(r"s\d+_", f.name):
                r = rng.random()
                row[f.name] = "1" if r < (0.6 if under else 0.85) else "2" if r < 0.93 else "3"
            elif f.indicator and f.name.split("_")[0] + "_date" in row:
                r = rng.random()
                row[f.name] = "1" if r < (0.6 if under else 0.85) else "2" if r < 0.93 else "3"
        fid_rows.append({c: row.get(c, "") for c in cols})
    return csv_text(cols, fid_rows), csv_text(log_cols, log_rows)


__all__ = ["demo_exports"]

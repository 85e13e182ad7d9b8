"""Tables the text takes from the intervention model (pure): ``{{ table.training }}``,
``{{ table.phases }}``, ``{{ table.calendar }}`` and, for the printed calendar sheet,
``{{ table.calendar_sheet }}``.

A module writes the variable on a line of its own, and the resolve step fills in a Markdown table
made here from the variant's model (after its ``set`` changes), so the text can never show other
figures than the model. Every cell is escaped: titles from the model are text, never markup.
"""
from __future__ import annotations

from manualkit.core.intervention import WEEKS_PER_MONTH, Intervention, SessionPlan
from manualkit.core.variables import escape_line as _esc

WHICH = ("min", "typical", "max")

_WORDS = {
    "module": ("Modul", "Module"), "content": ("Innhold", "Content"), "hours": ("Timer", "Hours"),
    "total": ("Til sammen", "Total"), "supervisor": ("Veilederen", "The supervisor"),
    "supervisor_same": ("Den samme innledende opplæringen som familiepartnerne", "The same initial training as the family partners"),
    "phase": ("Fase", "Phase"), "weeks": ("Uker (kortest / vanlig / lengst)", "Weeks (shortest / typical / longest)"),
    "visits": ("Hjemmebesøk", "Home visits"), "visit_len": ("Minutter per besøk", "Minutes per visit"),
    "calls": ("Telefon- eller videokontakter per uke", "Phone or video contacts per week"),
    "week": ("Uke", "Week"), "happens": ("Dette skjer", "What happens"),
    "session": ("Økt {n}", "Session {n}"), "coordination": ("Samarbeidsmøte", "Coordination meeting"),
    "case_worker": ("Møte med saksbehandleren", "Meeting with the case worker"),
    "assessment_review": ("Gjennomgang av kartleggingen", "Assessment review"),
    "goal_review": ("Gjennomgang av målene", "Goal review"), "goal_scale": ("Målskala", "Goal scale"),
    "first_goals": ("Første mål og plan er satt", "First goals and plan set"),
    "research": ("Forskningstidspunkt {m} måneder", "Research time point {m} months"),
    "after": ("etter forløpet", "after the course"), "none": ("–", "–"),
    # the printed calendar sheet (calendar_sheet_table): one row per phase, then its weeks with events
    "sheet_phase": ("**{title}**: hjemmebesøk {freq}; telefon- eller videokontakter per uke: {calls}",
                    "**{title}**: home visits {freq}; phone or video contacts per week: {calls}"),
    # the timeline picture's text alternative (timeline_alt)
    "alt_intro": ("Tidslinje over forløpet, laget fra tiltaksmodellen. Et vanlig forløp varer {typical} uker, det korteste {min} og det lengste {max} uker.",
                  "Timeline of the course, made from the intervention model. A typical course lasts {typical} weeks, the shortest {min} and the longest {max} weeks."),
    "alt_phases": ("Fasene i et vanlig forløp: {items}.", "The phases of a typical course: {items}."),
    "alt_phase": ("{title}, uke {weeks}, hjemmebesøk {freq}", "{title}, weeks {weeks}, home visits {freq}"),
    "alt_sessions": ("De {n} øktene i foreldreveiledningen er i uke {weeks}.", "The {n} parental guidance sessions are in weeks {weeks}."),
    "alt_meetings": ("Samarbeidsmøter i uke {weeks}.", "Coordination meetings in weeks {weeks}."),
    "alt_reviews": ("Første mål og plan er satt i uke {first}; målene gjennomgås i uke {weeks}.",
                    "First goals and plan are set in week {first}; the goals are reviewed in weeks {weeks}."),
    "alt_research": ("Forskningstidspunktene er i uke {weeks}.", "The research time points are in weeks {weeks}."),
    "alt_tables": ("Tabellene under viser det samme uke for uke, for det vanlige, det korteste og det lengste forløpet.",
                   "The tables below show the same week by week, for the typical, the shortest and the longest course."),
}


def word(key: str, lang: str, **kw: object) -> str:
    nb, en = _WORDS[key]
    return (nb if lang in ("nb", "nn") else en).format(**kw)


def _n(x: float, lang: str) -> str:
    from manualkit.core.figures import number
    return number(x, lang)


def training_table(model: Intervention, lang: str) -> str:
    rows = [f"| {word('module', lang)} | {word('content', lang)} | {word('hours', lang)} |", "| --- | --- | --- |"]
    for i, b in enumerate(model.training_blocks, 1):
        rows.append(f"| {i}. {_esc(b.title.get(lang, ''))} | {_esc(b.content.get(lang, ''))} | {_n(b.hours, lang)} |")
    hours = model.training["initial_hours"]
    rows.append(f"| **{word('total', lang)}** | | **{_n(hours, lang)}** |")
    if model.training.get("supervisor_takes_initial_training"):
        rows.append(f"| {word('supervisor', lang)} | {word('supervisor_same', lang)} | {_n(hours, lang)} |")
    return "\n".join(rows)


def phase_table(model: Intervention, lang: str) -> str:
    from manualkit.core.figures import frequency
    rows = [f"| {word('phase', lang)} | {word('weeks', lang)} | {word('visits', lang)} | {word('visit_len', lang)} | {word('calls', lang)} |",
            "| --- | --- | --- | --- | --- |"]
    for i, p in enumerate(model.phases, 1):
        weeks = " / ".join(_n(p.weeks.get(w), lang) for w in WHICH)
        rows.append(f"| {i}. {_esc(p.title.get(lang, ''))} | {weeks} | {frequency(p.visits_per_week, lang)} | "
                    f"{_n(p.visit_minutes, lang)} | {_n(p.calls_per_week, lang)} |")
    return "\n".join(rows)


def component_list(model: Intervention, lang: str) -> str:
    """The core components as a numbered list, in the model's order."""
    core = [c for c in model.components if c.core]
    return "\n".join(f"{i}. **{_esc(c.title.get(lang, ''))}**" for i, c in enumerate(core, 1))


def week_of_month(months: float) -> int:
    return max(1, round(months * WEEKS_PER_MONTH))


def course_events(model: Intervention, n_sessions: int, which: str = "typical") -> dict[int, list[tuple[str, dict]]]:
    """Course week (1-based) -> the planned events in it: (kind, details), for one course length."""
    events: dict[int, list[tuple[str, dict]]] = {}

    def add(week: float, kind: str, **kw: object) -> None:
        events.setdefault(int(round(week)), []).append((kind, kw))

    total = int(model.total_weeks(which))
    for i, week in enumerate(model.session_weeks(n_sessions), 1):
        add(week, "session", n=i)
    start = 0.0
    for p in model.phases:
        length = p.weeks.get(which)
        for _ in range(int(p.coordination_meetings)):
            add(start + length, "coordination")
        if p.coordination_every_weeks:
            for k in range(1, int(length // p.coordination_every_weeks) + 1):
                add(start + k * p.coordination_every_weeks, "coordination")
        start += length
    if model.case_worker_meeting_every_weeks:
        for k in range(1, int(total // model.case_worker_meeting_every_weeks) + 1):
            add(k * model.case_worker_meeting_every_weeks, "case_worker")
    rv = model.reviews
    for m in rv.assessment_review_months:
        if week_of_month(m) <= total:
            add(week_of_month(m), "assessment_review")
    if rv.first_goals_week:
        add(rv.first_goals_week, "first_goals")
        if rv.goal_review_every_months:
            step = rv.goal_review_every_months * WEEKS_PER_MONTH
            k = 1
            while rv.first_goals_week + k * step <= total:
                add(rv.first_goals_week + k * step, "goal_review")
                k += 1
        if rv.goal_scale_every_weeks:
            k = 1
            while rv.first_goals_week + k * rv.goal_scale_every_weeks <= total:
                add(rv.first_goals_week + k * rv.goal_scale_every_weeks, "goal_scale")
                k += 1
    for m in rv.research_months:
        add(week_of_month(m), "research", m=m)
    return events


def calendar_table(model: Intervention, sessions: tuple[SessionPlan, ...], lang: str, which: str = "typical") -> str:
    """The course week by week: weeks where nothing but the phase's contacts happens are merged."""
    from manualkit.core.figures import frequency
    events = course_events(model, len(sessions), which)
    total = int(model.total_weeks(which))
    rows = [f"| {word('week', lang)} | {word('phase', lang)} | {word('visits', lang)} | {word('calls', lang)} | {word('happens', lang)} |",
            "| --- | --- | --- | --- | --- |"]

    def what(week: int) -> str:
        out = []
        for kind, kw in events.get(week, ()):
            text = word(kind, lang, **{k: _n(v, lang) if isinstance(v, float) else v for k, v in kw.items()})
            if kind == "session" and 0 < kw["n"] <= len(sessions):
                text = _esc(sessions[kw["n"] - 1].title)  # "Økt 1: Oppstart – ..."
            out.append(text)
        return "; ".join(out) or word("none", lang)

    week = 1
    for p in model.phases:
        end = week + int(p.weeks.get(which)) - 1
        run_start = week
        for w in range(week, end + 1):
            quiet = w not in events
            if quiet and w < end and (w + 1) not in events:
                continue
            first = run_start
            label = str(w) if first == w else f"{first}–{w}"
            rows.append(f"| {label} | {_esc(p.title.get(lang, ''))} | {frequency(p.visits_per_week, lang)} | "
                        f"{_n(p.calls_per_week, lang)} | {what(w) if w in events else word('none', lang)} |")
            run_start = w + 1
        week = end + 1
    for w in sorted(x for x in events if x > total):
        rows.append(f"| {w} ({word('after', lang)}) | – | – | – | {what(w)} |")
    return "\n".join(rows)


def calendar_sheet_table(model: Intervention, sessions: tuple[SessionPlan, ...], lang: str, which: str = "typical") -> str:
    """The course on a printed sheet: two columns, so that a typical course fits one A4 sheet front
    and back in a handout's large type. Each phase is one row with its visits and calls; after it
    come only the weeks in which something happens (the same events as ``calendar_table``)."""
    from manualkit.core.figures import frequency
    events = course_events(model, len(sessions), which)
    total = int(model.total_weeks(which))
    # the dashes give the columns' widths (pandoc): the week narrow, what happens the rest of the line
    rows = [f"| {word('week', lang)} | {word('happens', lang)} |", "| " + "-" * 9 + " | " + "-" * 51 + " |"]

    def what(week: int) -> str:
        out = []
        for kind, kw in events.get(week, ()):
            text = word(kind, lang, **{k: _n(v, lang) if isinstance(v, float) else v for k, v in kw.items()})
            if kind == "session" and 0 < kw["n"] <= len(sessions):
                text = _esc(sessions[kw["n"] - 1].title)
            out.append(text)
        return "; ".join(out)

    week = 1
    for i, p in enumerate(model.phases, 1):
        end = week + int(p.weeks.get(which)) - 1
        weeks = str(week) if end == week else f"{week}–{end}"
        title = _esc(f"{i}. {p.title.get(lang, p.id)}")
        rows.append(f"| {weeks} | {word('sheet_phase', lang, title=title, freq=frequency(p.visits_per_week, lang), calls=_n(p.calls_per_week, lang))} |")
        rows += [f"| {w} | {what(w)} |" for w in range(week, end + 1) if w in events]
        week = end + 1
    rows += [f"| {w} ({word('after', lang)}) | {what(w)} |" for w in sorted(x for x in events if x > total)]
    return "\n".join(rows)


def _and(items: list[str], lang: str) -> str:
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + (" og " if lang in ("nb", "nn") else " and ") + items[-1]


def timeline_alt(model: Intervention, n_sessions: int, lang: str) -> str:
    """The timeline picture in words (its text alternative): lengths, phases with their home-visit
    frequency, and the weeks of the sessions, meetings, goal reviews and research time points of a
    typical course. The week-by-week tables beside the picture give every detail."""
    from manualkit.core.figures import frequency
    lengths = {w: _n(model.total_weeks(w), lang) for w in WHICH}
    out = [word("alt_intro", lang, **lengths)]
    items, week = [], 1
    for i, p in enumerate(model.phases, 1):
        end = week + int(p.weeks.typical) - 1
        weeks = str(week) if end == week else f"{week}–{end}"
        items.append(word("alt_phase", lang, title=f"{i}. {p.title.get(lang, p.id)}", weeks=weeks,
                          freq=frequency(p.visits_per_week, lang)))
        week = end + 1
    out.append(word("alt_phases", lang, items="; ".join(items)))
    events = course_events(model, n_sessions, "typical")

    def weeks_of(kind: str) -> list[str]:
        return [str(w) for w in sorted(events) if any(k == kind for k, _ in events[w])]

    if weeks_of("session"):
        out.append(word("alt_sessions", lang, n=n_sessions, weeks=_and(weeks_of("session"), lang)))
    if weeks_of("coordination"):
        out.append(word("alt_meetings", lang, weeks=_and(weeks_of("coordination"), lang)))
    if weeks_of("first_goals"):
        out.append(word("alt_reviews", lang, first=weeks_of("first_goals")[0], weeks=_and(weeks_of("goal_review"), lang) or "–"))
    if weeks_of("research"):
        out.append(word("alt_research", lang, weeks=_and(weeks_of("research"), lang)))
    out.append(word("alt_tables", lang))
    return " ".join(out)


FIGURE_SCHEME = "figure:"  # ![text](figure:NAME.LANG.svg): a picture the outputs draw from the model


def figure_image(name: str, alt: str, lang: str) -> str:
    """The Markdown of a generated picture: an image whose target the outputs draw (outputs/figures)."""
    return f"![{_esc(alt)}]({FIGURE_SCHEME}{name}.{lang}.svg)"


__all__ = ["component_list", "training_table", "phase_table", "calendar_table", "calendar_sheet_table", "course_events", "week_of_month", "word",
           "timeline_alt", "figure_image", "FIGURE_SCHEME"]

"""Pictures drawn from the intervention model: the course timeline and the planned dose against base.

The resolved text names a picture as an image whose target starts with ``figure:``
(``![text alternative](figure:course-timeline.nb.svg)``, made by core/model_tables.py); the site
and the print output ask :func:`draw` for its SVG and copy it in like any other image, after the
same SVG check (core/assets.py). Drawing needs matplotlib, so it lives here at the edge: the core
only names the picture and writes its text alternative.

Everything is drawn with matplotlib's SVG backend, never as hand-made SVG text, and so that the
same model gives the same bytes on every machine: a fixed ``svg.hashsalt`` (the ids inside the
file), no date in the metadata, text as paths in the bundled DejaVu Sans (no font lookup on the
machine that draws or the one that shows it).
"""
from __future__ import annotations

import io
import re
import textwrap
from typing import Callable

from manualkit.core.assets import svg_problem
from manualkit.core.dose import WHICH
from manualkit.core.figures import number
from manualkit.core.model_tables import FIGURE_SCHEME, course_events, word
from manualkit.core.problems import BuildError
from manualkit.core.resolved import ResolvedVariant

_DOCTYPE = re.compile(r'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1\.1//EN"\s+"http://www\.w3\.org/Graphics/SVG/1\.1/DTD/svg11\.dtd">\n?')
NAME_RE = re.compile(r"^([a-z][a-z0-9-]*)\.([a-z]{2,3})\.svg$")

RC = {
    "svg.hashsalt": "manualkit-figures",
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "path.simplify": False,
}
METADATA = {"Date": None, "Creator": "manualkit"}

INK = "#1a1a1a"
# Okabe-Ito colours (told apart with colour-blindness too), light enough for black text on them
PHASE_COLOURS = ("#9ecae1", "#fdd0a2", "#c7e9c0", "#dadaeb", "#fcbba1", "#d9d9d9")
MARKERS = {  # event kind -> (lane, marker, colour)
    "session": ("sessions", "o", "#0072b2"),
    "first_goals": ("reviews", "*", "#d55e00"),
    "goal_review": ("reviews", "D", "#d55e00"),
    "goal_scale": ("reviews", "|", "#555555"),
    "assessment_review": ("reviews", "s", "#009e73"),
    "coordination": ("meetings", "^", "#cc79a7"),
    "case_worker": ("meetings", "v", "#777777"),
    "research": ("research", "P", "#000000"),
}
LANES = ("phases", "visits", "sessions", "reviews", "meetings", "research")

WORDS = {
    "title": ("Forløpet uke for uke", "The course week by week"),
    "min": ("Det korteste forløpet ({n} uker)", "The shortest course ({n} weeks)"),
    "typical": ("Et vanlig forløp ({n} uker)", "A typical course ({n} weeks)"),
    "max": ("Det lengste forløpet ({n} uker)", "The longest course ({n} weeks)"),
    "phases": ("Fase", "Phase"), "visits": ("Hjemmebesøk", "Home visits"), "sessions": ("Økter", "Sessions"),
    "reviews": ("Mål og kartlegging", "Goals and assessment"), "meetings": ("Møter", "Meetings"),
    "research": ("Forskning", "Research"), "week": ("Uke", "Week"),
    "end": ("slutt", "end"),
    "dose_title": ("Planlagt dose per familie: {variant} mot grunnversjonen", "Planned dose per family: {variant} against base"),
    "dose_base_title": ("Planlagt dose per familie", "Planned dose per family"),
    "range": ("Strek: korteste til lengste forløp", "Whisker: shortest to longest course"),
    "base": ("Grunnversjonen", "Base"),
}


def _w(key: str, lang: str, **kw: object) -> str:
    nb, en = WORDS[key]
    return (nb if lang in ("nb", "nn") else en).format(**kw)


def _svg(fig) -> str:
    """The figure as SVG text, the same bytes for the same drawing."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    FigureCanvasSVG(fig)
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata=METADATA)
    # matplotlib opens the file with the SVG 1.1 DOCTYPE (a reference to the W3C's DTD); the SVG
    # check refuses every DOCTYPE (entities), and browsers and Typst do not need it
    return _DOCTYPE.sub("", buf.getvalue(), count=1)


def _figure(width: float, height: float):
    from matplotlib.figure import Figure  # not pyplot: no global figure manager, nothing left open

    return Figure(figsize=(width, height), layout="constrained")


def _sessions(variant: ResolvedVariant, lang: str, base: bool = False) -> tuple:
    table = variant.base_sessions if base else variant.sessions
    return table.get(lang) or next(iter(table.values()), ())


def timeline(variant: ResolvedVariant, lang: str) -> str:
    """The course as a picture: for the shortest, typical and longest course, the phases as bands
    over the weeks, a tick per planned home visit, the sessions, the goal and assessment reviews,
    the meetings and the research time points (core/model_tables.course_events)."""
    import matplotlib

    model = variant.model
    n = len(_sessions(variant, lang))
    with matplotlib.rc_context(RC):
        events = {w: course_events(model, n, w) for w in WHICH}
        last = max([model.total_weeks(w) for w in WHICH] + [max(e, default=0) for e in events.values()])
        fig = _figure(7.2, 8.4)
        axes = fig.subplots(3, 1, sharex=True)
        for ax, which in zip(axes, ("min", "typical", "max")):
            _course(ax, model, events[which], which, lang)
            ax.set_title(_w(which, lang, n=number(model.total_weeks(which), lang)), color=INK)
        axes[-1].set_xlim(0, last + 1)
        axes[-1].set_xlabel(_w("week", lang), color=INK)
        step = 4 if last <= 60 else 8
        axes[-1].set_xticks(range(0, int(last) + 2, step))
        handles = _legend_handles(model, lang)
        fig.legend(handles=handles, loc="outside lower center", ncols=3, frameon=False, fontsize=7)
        return _svg(fig)


def _course(ax, model, events: dict, which: str, lang: str) -> None:
    y = {lane: len(LANES) - 1 - i for i, lane in enumerate(LANES)}
    start = 0.0
    for i, p in enumerate(model.phases):
        length = p.weeks.get(which)
        colour = PHASE_COLOURS[i % len(PHASE_COLOURS)]
        ax.add_patch(_rect((start, y["phases"] - 0.35), length, 0.7, colour))
        ax.text(start + length / 2, y["phases"], str(i + 1), ha="center", va="center", color=INK, fontsize=8)
        ax.axvspan(start, start + length, color=colour, alpha=0.18, lw=0, zorder=0)
        if p.visits_per_week > 0:  # a tick per planned home visit: the frequency at a glance
            count = int(round(p.visits_per_week * length))
            xs = [start + (k + 0.5) / p.visits_per_week for k in range(count)]
            ax.vlines(xs, y["visits"] - 0.3, y["visits"] + 0.3, color="#1f4e79", lw=0.9)
        start += length
    ax.axvline(start, color=INK, lw=0.8, ls="--")
    ax.text(start + 0.3, y["phases"] + 0.45, _w("end", lang), fontsize=7, color=INK, va="bottom")
    for week in sorted(events):
        for kind, kw in events[week]:
            if kind not in MARKERS:
                continue
            lane, marker, colour = MARKERS[kind]
            x = week - 0.5
            ax.plot([x], [y[lane]], marker=marker, color=colour, ms=6 if marker != "|" else 8, mew=1.4, ls="none")
            if kind == "session":
                ax.text(x, y[lane] + 0.32, str(kw.get("n", "")), ha="center", va="bottom", fontsize=6, color=INK)
    ax.set_yticks([y[lane] for lane in LANES], [_w(lane, lang) for lane in LANES], color=INK)
    ax.set_ylim(-0.7, len(LANES) - 0.2)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def _rect(xy, w, h, colour):
    from matplotlib.patches import Rectangle

    return Rectangle(xy, w, h, facecolor=colour, edgecolor=INK, lw=0.6)


def _legend_handles(model, lang: str) -> list:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    out = [Patch(facecolor=PHASE_COLOURS[i % len(PHASE_COLOURS)], edgecolor=INK, lw=0.6,
                 label=f"{i + 1}. {p.title.get(lang, p.id)}") for i, p in enumerate(model.phases)]
    out.append(Line2D([], [], marker="|", color="#1f4e79", ls="none", ms=8, label=_w("visits", lang)))
    seen = []
    for kind, (_lane, marker, colour) in MARKERS.items():
        if kind in seen:
            continue
        seen.append(kind)
        label = word(kind, lang, n="", m="").replace(" :", "").replace("  ", " ").strip()
        if kind == "research":
            label = label.split(" ")[0]
        if kind == "session":
            label = _w("sessions", lang)
        out.append(Line2D([], [], marker=marker, color=colour, ls="none", ms=6, mew=1.4, label=label))
    return out


# -- planned dose against base (the "For researchers" page) -------------------------------------

def dose_rows(variant: ResolvedVariant, lang: str) -> list[tuple[str, list[tuple[str, tuple[float, float, float]]]]]:
    """Measure -> [(site name, (min, typical, max))]: the base's planned dose and the variant's,
    the same figures as the table beside the chart (core/research.dose_against_base)."""
    from manualkit.core.dose import DOSE_MEASURES
    from manualkit.core.research import dose_against_base

    mine, theirs = _sessions(variant, lang), _sessions(variant, lang, base=True)
    rows = dose_against_base(variant.model, variant.base_model, mine, theirs)
    name = _variant_name(variant, lang)
    groups = [(f"{name}: {g.title.get(lang, g.id)}", dose_against_base(variant.model.for_subgroup(g.id), variant.base_model, mine, theirs))
              for g in (variant.model.subgroups if variant.model else ())]  # each subgroup of families: a bar of its own
    out = []
    for i, (key, base, figures) in enumerate(rows):
        sites = [(_w("base", lang), base)] + ([] if variant.is_base else [(name, figures)])
        sites += [(label, group[i][2]) for label, group in groups]
        out.append((DOSE_MEASURES[key][0 if lang in ("nb", "nn") else 1], sites))
    return out


def _variant_name(variant: ResolvedVariant, lang: str) -> str:
    from manualkit.outputs.site.markdown import plain

    rm = variant.manuals.get(lang) or next(iter(variant.manuals.values()))
    return plain(rm.variant_name)


def dose_chart(variant: ResolvedVariant, lang: str) -> str:
    """Planned home visits, contact hours and sessions per family, the variant beside the base:
    bars for the typical course, whiskers from the shortest to the longest."""
    title = _w("dose_base_title", lang) if variant.is_base else _w("dose_title", lang, variant=_variant_name(variant, lang))
    return _dose_bars(dose_rows(variant, lang), lang, title)


def dose_chart_across(variants: list[ResolvedVariant], lang: str) -> str:
    """The same chart for several sites at once (``manual report dose --all --format svg``): base
    first, then every municipality, each against the same base."""
    from manualkit.core.dose import DOSE_MEASURES
    from manualkit.core.research import dose_against_base

    sites: list[tuple[str, list]] = []
    for v in variants:
        if v.model is None:
            continue
        rows = dose_against_base(v.model, v.base_model, _sessions(v, lang), _sessions(v, lang, base=True))
        if not sites:
            sites.append((_w("base", lang), [b for _k, b, _m in rows]))
        if not v.is_base:
            sites.append((_variant_name(v, lang), [m for _k, _b, m in rows]))
    keys = ("home_visits", "contact_hours", "sessions")
    table = [(DOSE_MEASURES[k][0 if lang in ("nb", "nn") else 1], [(name, values[i]) for name, values in sites])
             for i, k in enumerate(keys)]
    return _dose_bars(table, lang, _w("dose_base_title", lang))


def _dose_bars(rows: list, lang: str, title: str) -> str:
    import matplotlib

    with matplotlib.rc_context(RC):
        count = max(len(sites) for _label, sites in rows)
        fig = _figure(max(7.2, 2.4 * count + 2.4), 2.9)
        axes = fig.subplots(1, len(rows))
        colours = ("#9ab0c8", "#1f4e79", "#2e7d4f", "#7a3e8c", "#8c5a1e")
        for ax, (label, sites) in zip(axes, rows):
            xs = list(range(len(sites)))
            typical = [v[1] for _name, v in sites]
            low = [v[1] - v[0] for _name, v in sites]
            high = [v[2] - v[1] for _name, v in sites]
            ax.bar(xs, typical, 0.6, color=[colours[min(i, len(colours) - 1)] if i else colours[0] for i in xs],
                   edgecolor=INK, lw=0.6, yerr=[low, high], capsize=4, error_kw={"elinewidth": 0.9, "ecolor": INK})
            for x, v in zip(xs, sites):
                ax.text(x - 0.15, v[1][1] / 2, number(v[1][1], lang), ha="center", va="center", fontsize=8,
                        color="white" if x else INK)
            ax.set_xticks(xs, [textwrap.fill(name, 14) for name, _v in sites], color=INK)  # long names on two lines
            ax.set_title(label, color=INK)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
        fig.suptitle(title, color=INK, fontsize=9)
        fig.supxlabel(_w("range", lang), color=INK, fontsize=7)
        return _svg(fig)


# -- the one entry point for the outputs ---------------------------------------------------------

DRAWINGS: dict[str, Callable[[ResolvedVariant, str], str]] = {"course-timeline": timeline, "dose-sites": dose_chart}


def draw(variant: ResolvedVariant, name: str) -> str:
    """The SVG of a generated picture, by the name in its ``figure:`` target (``course-timeline.nb.svg``).

    Checked like any image before it is published (core/assets.svg_problem): a drawing that holds
    anything but drawing is a bug, and it is refused, not published."""
    found = NAME_RE.match(name)
    if found is None or found.group(1) not in DRAWINGS:
        raise BuildError(f"the picture '{FIGURE_SCHEME}{name}' is not one the toolkit draws",
                         hint="pictures: " + ", ".join(f"{k}.<lang>.svg" for k in DRAWINGS))
    if variant.model is None:
        raise BuildError(f"the picture '{name}' is drawn from the intervention model, and this manual has none",
                         hint="add manual/intervention.yml, or remove the picture's variable from the text")
    svg = DRAWINGS[found.group(1)](variant, found.group(2))
    why = svg_problem(svg.encode("utf-8"))
    if why:
        raise BuildError(f"the drawn picture '{name}' cannot be published: it contains {why}",
                         hint="this is a bug in manualkit/outputs/figures.py")
    return svg


class Drawer:
    """Draws each picture of one variant once (the site and the PDFs ask for them by name)."""

    def __init__(self, variant: ResolvedVariant) -> None:
        self.variant = variant
        self._made: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        if name not in self._made:
            self._made[name] = draw(self.variant, name)
        return self._made[name]


__all__ = ["draw", "Drawer", "timeline", "dose_chart", "dose_chart_across", "dose_rows", "DRAWINGS", "NAME_RE"]

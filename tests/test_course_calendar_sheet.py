"""The course calendar on paper: the sheet `course-calendar-sheet` (issue 26, Add 3) is built as a
PDF for every variant and language of the repository's manual, and shows what a trainer looks
for: the phases with their weeks, the eight sessions in their weeks, the meetings and the research
time points of the variant's own model, on one A4 sheet front and back, headed for staff."""
from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import copy_repository, run_cli
from manualkit.core.model_tables import course_events
from manualkit.core.project import load_project
from manualkit.outputs.pdf.build import MAX_HANDOUT_PAGES

SHEET = "course-calendar-sheet"
VARIANTS = [("base", "nb"), ("base", "en"), ("lillehammer", "nb"), ("lillehammer", "en"),
            ("ovre-eiker", "nb"), ("ovre-eiker", "en")]
STAFF = {"nb": "For fagpersoner", "en": "For practitioners"}
SESSION = {"nb": "Økt", "en": "Session"}


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("calendar") / "repo"
    copy_repository(root)
    return root


@pytest.fixture(scope="module")
def project(repo: Path):
    return load_project(repo, sorted({v for v, _ in VARIANTS}))


def _sheet(repo: Path, variant: str, lang: str) -> list[str]:
    code, out, err = run_cli("--root", str(repo), "pdf", "--handout", SHEET, "--variant", variant, "--lang", lang)
    assert code == 0, out + err
    assert "runs over" not in out + err, err
    path = repo / "build" / variant / "pdf" / lang / "handouts" / f"{SHEET}.pdf"
    # the PDF has typographic apostrophes (pandoc's smart quotes) where the source has «'»
    return [" ".join(p.extract_text().replace("\u2019", "'").split()) for p in PdfReader(path).pages]


@pytest.mark.parametrize("variant,lang", VARIANTS)
def test_the_calendar_sheet_shows_the_variants_weeks_and_sessions_on_one_sheet(repo, project, variant, lang) -> None:
    pages = _sheet(repo, variant, lang)
    assert 1 <= len(pages) <= MAX_HANDOUT_PAGES, f"{variant} {lang}: {len(pages)} pages"
    assert all(STAFF[lang] in page[:200] for page in pages), "every page is headed as a sheet for staff"
    text = " ".join(pages)
    rv = project.resolutions[variant]
    model, sessions = rv.model, rv.sessions[lang]
    assert len(sessions) == 8
    # the length of a typical course, and where the shortest and the longest are
    assert f"{int(model.total_weeks('typical'))} {'uker' if lang == 'nb' else 'weeks'}" in text
    # every phase with its weeks in the typical course, in order
    week, at = 1, -1
    for i, phase in enumerate(model.phases, 1):
        end = week + int(phase.weeks.typical) - 1
        row = f"{week}–{end} {i}. {phase.title[lang]}"
        assert row in text and text.index(row) > at, row
        at, week = text.index(row), end + 1
    # the eight sessions, each in its week of the model, with its title
    events = course_events(model, len(sessions))
    weeks = sorted(w for w, evs in events.items() if any(kind == "session" for kind, _ in evs))
    assert len(weeks) == 8
    for n, (w, session) in enumerate(zip(weeks, sessions), 1):
        assert session.title.startswith(f"{SESSION[lang]} {n}:")
        assert f"{w} {session.title}" in text, (w, session.title)
    # a meeting with the case worker every N weeks, and the research time points after the course
    meeting = "Møte med saksbehandleren" if lang == "nb" else "Meeting with the case worker"
    assert text.count(meeting) == int(model.total_weeks("typical") // model.case_worker_meeting_every_weeks)
    for months in model.reviews.research_months:
        assert (f"Forskningstidspunkt {months:g} måneder" if lang == "nb" else f"Research time point {months:g} months") in text


def test_the_sheet_follows_the_model_when_a_phase_changes_length(repo) -> None:
    model_file = repo / "manual" / "intervention.yml"
    before = model_file.read_text(encoding="utf-8")
    old = "weeks: {min: 8, typical: 22, max: 52}"
    assert old in before
    model_file.write_text(before.replace(old, "weeks: {min: 8, typical: 18, max: 52}", 1), encoding="utf-8")
    try:
        text = " ".join(_sheet(repo, "base", "nb"))
    finally:
        model_file.write_text(before, encoding="utf-8")
    assert "13–30 3. Oppfølging" in text and "31–38 4. Nedtrapping" in text
    assert "Et vanlig forløp på 42 uker" in text or "forløp på 42 uker" in text
    assert "13–34 3. Oppfølging" not in text

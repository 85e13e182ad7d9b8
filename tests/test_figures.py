"""Pictures drawn from the intervention model (issue 25 part 2): the course timeline in the
course calendar and the planned dose against base on the research page, in the site (an SVG
with a text alternative) and in the PDF (a vector figure with alt text)."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from manualkit.core.project import load_project

TIMELINE = "{{ figure.timeline }}"


@pytest.fixture(scope="module")
def repo_project():
    return load_project(REPO, None)


def _section(rv, lang, module, section):
    rm = rv.manuals[lang]
    mod = next(m for p in rm.parts for m in p.modules if m.id == module)
    return mod, next(s.text for s in mod.sections if s.id == section)


def _figure_alt(text: str, name: str) -> tuple[str, str]:
    found = re.search(r"!\[((?:[^\]\\]|\\.)+)\]\(figure:(" + re.escape(name) + r"\.[a-z]+\.svg)\)", text)
    assert found, text
    return found.group(1), found.group(2)


def test_the_course_calendar_shows_the_timeline_with_a_text_alternative_in_every_variant(repo_project):
    for variant, rv in repo_project.resolutions.items():
        for lang in rv.languages:
            mod, text = _section(rv, lang, "course-calendar", "timeline")
            alt, target = _figure_alt(text, "course-timeline")
            assert target in (f"course-timeline.{lang}.svg", f"course-timeline.{mod.text_lang}.svg"), (variant, lang, target)
            typical = int(rv.model.total_weeks("typical"))
            assert f" {typical} " in alt and len(alt) > 200, (variant, lang, alt)
            assert "{{" not in text
    lille, _ = _figure_alt(_section(repo_project.resolutions["lillehammer"], "en", "course-calendar", "timeline")[1], "course-timeline")
    # the timeline is every family's but those of Lillehammer's subgroup far from the office, whose
    # course has a table of its own in the calendar
    assert "3. Follow-up, weeks 13–34, home visits every week" in lille
    base, _ = _figure_alt(_section(repo_project.resolutions["base"], "en", "course-calendar", "timeline")[1], "course-timeline")
    assert "3. Follow-up, weeks 13–34, home visits every week" in base
    assert "The 8 parental guidance sessions are in weeks 5, 7, 9, 11, 13, 15, 17 and 19." in base


def test_drawings_are_byte_stable_sanitised_svg_that_follow_the_model(repo_project):
    from manualkit.core.assets import image_kind, svg_problem
    from manualkit.outputs.figures import draw

    base, lille = repo_project.resolutions["base"], repo_project.resolutions["lillehammer"]
    for name in ("course-timeline.nb.svg", "course-timeline.en.svg", "dose-sites.en.svg"):
        svg = draw(lille, name)
        assert svg == draw(lille, name)
        data = svg.encode("utf-8")
        assert image_kind(data) == "svg" and svg_problem(data) is None, name
        assert "<dc:date>" not in svg and "<!DOCTYPE" not in svg and "<script" not in svg
        if name.startswith("dose-sites"):
            assert draw(base, name) != svg, name  # the lower frequency of Lillehammer's subgroup is in the picture
    # the same bytes in a fresh process (ids come from the fixed svg.hashsalt, not from the process)
    code = ("import sys; from pathlib import Path; from manualkit.core.project import load_project; "
            "from manualkit.outputs.figures import draw; "
            "sys.stdout.write(draw(load_project(Path(sys.argv[1]), ['base', 'lillehammer']).resolutions['lillehammer'], "
            "'course-timeline.en.svg'))")
    fresh = subprocess.run([sys.executable, "-c", code, str(REPO)], capture_output=True, text=True, encoding="utf-8", check=True)
    assert fresh.stdout == draw(lille, "course-timeline.en.svg")


def test_a_picture_the_toolkit_does_not_draw_is_a_build_error(repo_project):
    from manualkit.core.problems import BuildError
    from manualkit.outputs.figures import draw

    for name in ("nothing.nb.svg", "course-timeline.svg", "../course-timeline.nb.svg"):
        with pytest.raises(BuildError):
            draw(repo_project.resolutions["base"], name)


def test_research_page_dose_table_holds_the_figures_of_the_chart(repo_project):
    from manualkit.core.research import dose_section
    from manualkit.outputs.figures import dose_rows

    rv = repo_project.resolutions["lillehammer"]
    text = dose_section(rv.manuals["en"], rv.model, rv.base_model, rv.sessions["en"], rv.base_sessions["en"])
    alt, _ = _figure_alt(text, "dose-sites")
    # every other family of Lillehammer gets the base's dose; the families far from the office fewer visits
    assert "Home visits: Lillehammer municipality 44 against base 44" in alt
    assert "Home visits: Lillehammer municipality: Families far from the office 33 against base 44" in alt
    assert "| Home visits | 27 / 44 / 75 | 27 / 44 / 75 | 0 | 23 / 33 / 49 | -11 |" in text
    rows = dict(dose_rows(rv, "en"))
    assert [(name, v[1]) for name, v in rows["Home visits"]] == [
        ("Base", 44), ("Lillehammer municipality", 44), ("Lillehammer municipality: Families far from the office", 33)]


# ---- built: site and PDF of a small manual that shows the timeline ------------------------------

def _with_timeline(root: Path) -> None:
    for lang, heading in (("nb", "## Forløpet som bilde {#timeline}"), ("en", "## The course as a picture {#timeline}")):
        path = root / f"manual/basics/welcome.{lang}.md"
        path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{heading}\n\n{TIMELINE}\n", encoding="utf-8")


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    from conftest import FIXTURES, copy_locales
    from manualkit.outputs.runner import build_all

    root = tmp_path_factory.mktemp("figures") / "bilingual"
    shutil.copytree(FIXTURES / "bilingual", root)
    copy_locales(root)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    _with_timeline(root)
    project = load_project(root, ["base", "testby"])
    assert not [p for p in project.problems if p.severity == "error"]
    log = io.StringIO()
    failures = build_all([project.resolutions["testby"]], root / "build", ["dose", "site"], log)
    assert failures == [], log.getvalue()
    return root / "build/testby/site", project.resolutions["testby"]


def _imgs(html: str) -> list[tuple[str, str]]:
    out = []
    for tag in re.findall(r"<img\b[^>]*>", html):
        src = re.search(r'src="([^"]*)"', tag)
        alt = re.search(r'alt="([^"]*)"', tag)
        out.append((src.group(1) if src else "", alt.group(1) if alt else ""))
    return out


def test_site_pages_show_the_pictures_as_images_with_alt_text_and_clean_svg_files(built_site):
    from manualkit.core.assets import check_image

    site, _variant = built_site
    for page, name, lang in (("basics/welcome.html", "course-timeline", "nb"), ("en/basics/welcome.html", "course-timeline", "en"),
                             ("training/for-researchers.html", "dose-sites", "nb"),
                             ("en/training/for-researchers.html", "dose-sites", "en")):
        html = (site / page).read_text(encoding="utf-8")
        imgs = [(src, alt) for src, alt in _imgs(html) if src.endswith(f"/{name}.svg")]
        assert len(imgs) == 1, (page, _imgs(html))
        src, alt = imgs[0]
        assert src.endswith(f"_media/figures/{lang}/{name}.svg") and len(alt.strip()) > 40, (page, src, alt)
        svg = (site / page).parent / src
        assert svg.is_file() and check_image(svg) is None, svg
    research = (site / "en/training/for-researchers.html").read_text(encoding="utf-8")
    assert "<table>" in research and "Home visits" in research  # the chart's data table beside it


def test_the_book_has_the_timeline_as_a_tagged_figure_with_alt_text(built_site, tmp_path):
    import pypdf

    from manualkit.outputs.pdf.build import build_one

    _site, variant = built_site
    pdf = build_one(variant, "en", tmp_path, book=True, log=io.StringIO())
    reader = pypdf.PdfReader(str(pdf))
    alts: list[str] = []

    def walk(node) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if node.get("/S") == "/Figure" and node.get("/Alt"):
                alts.append(str(node["/Alt"]))
            if node.get("/K") is not None:
                walk(node["/K"])
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert any(a.startswith("Timeline of the course, made from the intervention model.") for a in alts), alts
    pages = [p.extract_text() for p in reader.pages]
    assert any("The course as a picture" in t for t in pages)
    # a vector figure: the page holds drawing operators, no raster image of the chart
    page = next(p for p, t in zip(reader.pages, pages) if "The course as a picture" in t)
    assert not [k for k in (page.get("/Resources", {}).get("/XObject") or {}) if "Im" in str(k)]


def test_pages_with_the_pictures_have_no_accessibility_findings(built_site):
    from manualkit.a11y.browser import missing_reason
    from manualkit.a11y.site import check_site

    if missing_reason() is not None:
        pytest.skip(f"browser tests skipped: {missing_reason()}")
    site, _variant = built_site
    result = check_site(site)
    assert [f"{f.impact} {f.rule} {f.where} {f.element}" for f in result.failing] == []
    checked = " ".join(str(p) for pages in result.pages.values() for p in pages)
    assert "welcome" in checked and "for-researchers" in checked, checked


def test_dose_report_draws_the_chart_for_one_site_and_across_sites(repo_project):
    from manualkit.core.assets import svg_problem
    from manualkit.outputs.reports.dose import cross_site, report

    variants = [repo_project.resolutions[v] for v in ("base", "lillehammer", "ovre-eiker")]
    one = report(variants[1], "en", "svg")
    across = cross_site(variants, "en", "svg")
    for svg in (one, across):
        assert svg.startswith("<?xml") and svg_problem(svg.encode("utf-8")) is None
    assert across != one and across == cross_site(variants, "en", "svg")

"""The output registry: one table, dependencies declared, one resolved variant feeds every output."""
from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path

import pytest

from manualkit.core.project import load_project
from manualkit.outputs.registry import OUTPUTS, Output, in_order
from manualkit.outputs.runner import build_all

FIXTURES = Path(__file__).parent / "fixtures"


def _example_render():
    spec = importlib.util.spec_from_file_location("pagelist", FIXTURES / "example_output" / "pagelist.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.render


def test_outputs_come_after_what_they_need():
    order = [o.name for o in in_order()]
    assert order[0] == "pdf" and order.index("site") > max(order.index(r) for r in ("tidier", "fidelity", "dose", "costs", "ledger"))
    assert [o.name for o in in_order(["site"])] == ["site"]  # --only site: the PDFs of the last build are used
    circle = (Output("a", "", "a", lambda *a: None, needs=("b",)), Output("b", "", "b", lambda *a: None, needs=("a",)))
    with pytest.raises(ValueError, match="circle: a → b → a"):
        in_order(None, circle)


def test_a_new_output_is_one_file_and_one_registry_line(fixture_copy):
    root = fixture_copy("bilingual")
    project = load_project(root, ["base", "testby"])
    outputs = OUTPUTS + (Output("pagelist", "the pages of the variant as JSON", "pagelist", _example_render()),)
    log = io.StringIO()
    failures = build_all([project.resolutions["testby"]], root / "build", ["pagelist"], log, outputs)
    assert failures == []
    data = json.loads((root / "build/testby/pagelist/pages.json").read_text(encoding="utf-8"))
    assert data["variant"] == "testby"
    assert {"nb", "en"} <= set(data["pages"])
    assert "about-this-version" in [p["id"] for p in data["pages"]["nb"]]
    assert "built testby pagelist → build/testby/pagelist" in log.getvalue()


def test_a_failed_output_says_whether_anything_was_kept(fixture_copy):
    from manualkit.core.problems import BuildError

    def broken(variant, out_dir, log, inputs):
        raise BuildError("it broke", hint="none")

    root = fixture_copy("bilingual")
    project = load_project(root, ["base"])
    log = io.StringIO()
    failures = build_all([project.resolutions["base"]], root / "build", ["broken"], log,
                         (Output("broken", "", "broken", broken),))
    assert failures == ["base broken"]
    assert "there was no earlier output to keep" in log.getvalue()
    assert not (root / "build/base/broken").exists()


def test_a_new_report_is_one_file_and_one_line_in_the_table_of_reports(fixture_copy, monkeypatch):
    """Built by `manual build`, linked from the site's research page, offered by `manual report`."""
    import re
    import shutil

    from conftest import REPO, run_cli
    from manualkit.core import reports as report_table

    root = fixture_copy("bilingual")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    monkeypatch.syspath_prepend(str(FIXTURES / "example_report"))
    monkeypatch.setattr(report_table, "REPORTS", report_table.REPORTS + (  # the one line
        report_table.Report("pagecount", {"nb": "Sider per del", "en": "Pages per part"}, ("csv", "json"),
                            "pages per part: csv, json", module="pagecount"),))

    project = load_project(root, ["base", "testby"])
    log = io.StringIO()
    assert build_all([project.resolutions["testby"]], root / "build", ["pagecount", "site"], log) == [], log.getvalue()
    assert "built testby pagecount → build/testby/reports/pagecount" in log.getvalue()
    site = root / "build/testby/site"
    for page, lang, label in (("training/for-researchers.html", "nb", "Sider per del"),
                              ("en/training/for-researchers.html", "en", "Pages per part")):
        html = (site / page).read_text(encoding="utf-8")
        assert label in html
        hrefs = [h for h in re.findall(r'href="([^"]*reports/[^"]*)"', html) if "/pagecount/" in h]
        assert sorted(h.rsplit("/", 1)[1] for h in hrefs) == ["pagecount.csv", "pagecount.json"]
        for href in hrefs:
            assert (site / page).parent.joinpath(href).resolve().is_file(), href

    code, out, err = run_cli("--root", str(root), "report", "pagecount", "--variant", "testby", "--format", "json")
    assert code == 0 and "error" not in err, err  # a note says the copy is no git repository, so testby's pin is not read
    assert json.loads(out)["variant"] == "testby"
    from manualkit.cli.main import build_parser
    parser = build_parser()
    commands = next(a for a in parser._actions if a.choices and "report" in a.choices).choices
    assert "one of: tidier, fidelity, dose, costs, ledger, delivery, pagecount" in " ".join(commands["report"].format_help().split())
    assert "pagecount" in commands["build"].format_help()

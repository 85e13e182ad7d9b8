"""`manual publish` (the gate and the packager), site_url in the built site, the GitHub workflows,
and docs/publishing.md followed step by step as far as a machine without GitHub allows."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, assert_problem, run_cli
from manualkit.a11y.browser import INSTALL_HINT, missing_reason

NO_BROWSER = missing_reason()
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


def fixture(tmp_path: Path, name: str = "site") -> Path:
    root = shutil.copytree(FIXTURES / "bilingual", tmp_path / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# the gate

def test_publish_refuses_the_lillehammer_example_with_every_reason() -> None:
    from manualkit.core.project import load_project

    code, out, err = run_cli("--root", str(REPO), "publish", "lillehammer", "--check", "--verbose")
    assert code == 1, out + err
    lines = out.splitlines()
    reasons = [ln for ln in lines[1:-1] if not ln.startswith(("    ", "for "))]
    assert lines[0] == f"lillehammer cannot be published yet: {len(reasons)} reasons"
    y = "adaptations/lillehammer/adaptation.yml"
    source = (REPO / y).read_text(encoding="utf-8").split("\n")
    at = lambda key: next(i for i, line in enumerate(source, 1) if line.strip().startswith(key))  # noqa: E731 (+1: the fill line)
    base_source = (REPO / "manual/manual.yml").read_text(encoding="utf-8").split("\n")

    base_at = lambda key: next(i for i, line in enumerate(base_source, 1) if line.strip().startswith(key))  # noqa: E731
    assert reasons[:9] == [
        f"{y}:{at('child_welfare_phone:') + 1}: the variable 'service.child_welfare_phone' is still a placeholder: sentralbordnummeret til barnevernstjenesten i Lillehammer",
        f"{y}:{at('emergency_phone:') + 1}: the variable 'service.emergency_phone' is still a placeholder: telefonnummeret til barnevernvakten som dekker Lillehammer",
        f"{y}:{at('team_leader_phone:') + 1}: the variable 'contact.team_leader_phone' is still a placeholder: telefonnummeret til teamlederen",
        # the numbers of the local quick card, still placeholders in the base manual
        f"manual/manual.yml:{base_at('fill: {nb: nummeret for innsjekk')}: the variable 'number.check_in' is still a placeholder: nummeret for innsjekk",
        f"manual/manual.yml:{base_at('fill: {nb: nummeret til krisesenteret')}: the variable 'number.crisis_centre' is still a placeholder: nummeret til krisesenteret",
        f"manual/manual.yml:{base_at('fill: {nb: nummeret til familievoldskoordinatoren')}: the variable 'number.family_violence' is still a placeholder: nummeret til familievoldskoordinatoren",
        # the unit costs of the cost report (linked from the site's "For researchers" page)
        f"manual/manual.yml:{base_at('hourly_rate:') + 1}: the variable 'cost.hourly_rate' is still a placeholder: timekostnaden for en familiepartner i kroner",
        f"manual/manual.yml:{base_at('travel_per_visit:') + 1}: the variable 'cost.travel_per_visit' is still a placeholder: reisekostnaden per hjemmebesøk i kroner",
        f"{y}:{at('status:')}: status: example: these adaptations are examples that the municipality has not confirmed",
    ]
    assert ("    fix: confirm, change or remove each change, then write 'status: confirmed' (or publish it as an example "
            "with --allow-example)") in lines
    project = load_project(REPO, ["base", "lillehammer"])
    rm = project.resolutions["lillehammer"].manual("nb")
    drafts = [mod for mod in rm.modules() if not mod.generated and mod.status != "approved"]
    listed = [r for r in reasons if "not approved" in r]
    assert len(listed) == len(drafts) > 40
    assert listed[0] == "manual/foundations/about-this-manual.nb.md:7: module 'about-this-manual' is 'draft', not approved"
    # the module Lillehammer added is named in its own adaptation.yml
    assert any(r.startswith(f"{y}:") and "local-cooperation-lillehammer" in r for r in listed)
    # the record in the repository was made before records named their sources (or of other sources)
    assert re.match(r"accessibility/lillehammer\.json:1: the accessibility result \(\d{4}-\d\d-\d\d\) (does not record which "
                    r"sources it checked, so it may be stale|is stale: it was made of other sources)", reasons[-1]), reasons[-1]
    # the repository here has no remote origin on GitHub, so there is no GitHub Pages address to default to
    assert reasons[9] == f"{y}:1: there is no site_url: the address where the site will be published"
    assert lines[-1] == "nothing was built or packaged; fix the reasons above and run 'manual publish lillehammer' again"


def test_publish_lists_errors_and_a_bad_site_url_with_their_lines(tmp_path) -> None:
    root = fixture(tmp_path)
    edit(root, "adaptations/testby/adaptation.yml", "base_version: 1.0.0\n", "base_version: 1.0.0\nsite_url: www.testby.no\n")
    code, out, err = run_cli("--root", str(root), "check")
    assert_problem(out, code="E203", where="adaptations/testby/adaptation.yml:5:11", says="'site_url' cannot be 'www.testby.no'",
                   hint="starts with https://")
    code, out, err = run_cli("--root", str(root), "publish", "testby", "--check")
    assert code == 1
    assert_problem(out, code="E203", where="adaptations/testby/adaptation.yml:5", says="'site_url'")
    assert "accessibility/testby.json:1: there is no accessibility result: the version has not been checked\n" in out


# ---------------------------------------------------------------------------------------------
# site_url

def test_site_url_gives_a_right_sitemap_and_canonical_links(tmp_path) -> None:
    root = fixture(tmp_path)
    edit(root, "adaptations/testby/adaptation.yml", "base_version: 1.0.0\n",
         "base_version: 1.0.0\nsite_url: https://www.testby.no/familiepartner\n")
    code, out, err = run_cli("--root", str(root), "build", "--only", "site")
    assert code == 0, out + err
    site = root / "build/testby/site"
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert len(locs) == 18 and "None" not in sitemap  # 9 pages in each language
    assert all(loc.startswith("https://www.testby.no/familiepartner/") for loc in locs)
    assert "https://www.testby.no/familiepartner/basics/welcome.html" in locs
    en = (site / "en/basics/welcome.html").read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://www.testby.no/familiepartner/en/basics/welcome.html">' in en
    assert 'href="/familiepartner/en/" hreflang="en"' in (site / "404.html").read_text(encoding="utf-8")
    # the base manual has no site_url: no sitemap of 'None…' addresses, only an empty one
    base_map = (root / "build/base/site/sitemap.xml").read_text(encoding="utf-8")
    assert "None" not in base_map and "<loc>" not in base_map
    assert not (root / "build/base/site/sitemap.xml.gz").exists()


# ---------------------------------------------------------------------------------------------
# the workflows

@pytest.mark.parametrize("name", ["check.yml", "publish.yml", "release.yml"])
def test_workflows_are_valid_github_workflows(name) -> None:
    path = REPO / ".github/workflows" / name
    done = subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", str(path)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_workflow_validation_can_fail(tmp_path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text((REPO / ".github/workflows/check.yml").read_text(encoding="utf-8").replace("runs-on:", "runs_on:"),
                   encoding="utf-8")
    done = subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", str(bad)],
                          capture_output=True, text=True)
    assert done.returncode == 1


def test_workflows_do_what_the_docs_say() -> None:
    import yaml

    wf = {n: yaml.safe_load((REPO / ".github/workflows" / n).read_text(encoding="utf-8"))
          for n in ("check.yml", "publish.yml", "release.yml")}
    runs = lambda w: [s.get("run", "") for job in w["jobs"].values() for s in job.get("steps", [])]  # noqa: E731
    assert list(wf["check.yml"][True]) == ["pull_request", "workflow_dispatch"]  # YAML 1.1 reads 'on' as true
    assert "manual check" in runs(wf["check.yml"]) and any("pytest" in r for r in runs(wf["check.yml"]))
    build = wf["publish.yml"]["jobs"]["build"]
    assert build["strategy"]["matrix"]["variant"] == "${{ fromJSON(needs.variants.outputs.list) }}"
    assert 'manual a11y --variant "${{ matrix.variant }}"' in runs(wf["publish.yml"])
    assert any("manual publish" in r and "--check" in r for r in runs(wf["publish.yml"]))
    assert wf["release.yml"][True] == {"push": {"tags": ["v*"]}}
    assert any('manual release "$version" --bundle-only' in r for r in runs(wf["release.yml"]))


# ---------------------------------------------------------------------------------------------
# docs/publishing.md, followed

def _doc_commands() -> set[str]:
    text = (REPO / "docs/publishing.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return {line.split("#")[0].strip() for b in blocks for line in b.splitlines() if line.strip()}


@pytest.mark.skipif(NO_BROWSER is not None, reason=f"browser tests skipped: {NO_BROWSER}; to run them, {INSTALL_HINT}")
def test_publishing_guide_step_by_step(tmp_path) -> None:
    """The local part of docs/publishing.md on the fixture's Testby: refused, fixed, checked, packaged."""
    commands = _doc_commands()
    for cmd in ("manual publish testby", "manual build --variant testby", "manual a11y --variant testby"):
        assert cmd.replace("testby", "lillehammer") in commands, cmd
    root = fixture(tmp_path)
    code, out, err = run_cli("--root", str(root), "publish", "testby")
    # (the accessibility check is not among them: a publish runs it on its own build)
    assert code == 1 and out.startswith("testby cannot be published yet: 7 reasons\n"), out
    # the fixes the guide gives, one per reason
    y = "adaptations/testby/adaptation.yml"
    edit(root, y, "status: example\n", "status: confirmed\nsite_url: https://www.testby.no/familiepartner/\n")
    edit(root, y, "  municipality:\n", "  service:\n    phone: {nb: 12 34 56 78, en: +47 12 34 56 78}\n  municipality:\n")
    for md in (root / "manual").rglob("*.nb.md"):
        md.write_text(md.read_text(encoding="utf-8").replace("status: draft", "status: approved"), encoding="utf-8")
    code, out, err = run_cli("--root", str(root), "publish", "testby", "--check")
    assert (code, out) == (1, "testby cannot be published yet: 1 reason\n"
                              "for whoever publishes (build and check): 1 reason\n"
                              "accessibility/testby.json:1: there is no accessibility result: the version has not been checked\n"
                              "    fix: run: manual build --variant testby && manual a11y --variant testby\n"
                              "nothing was built or packaged; fix the reasons above and run 'manual publish testby' again\n")
    assert run_cli("--root", str(root), "build", "--variant", "testby")[0] == 0
    code, out, err = run_cli("--root", str(root), "a11y", "--variant", "testby")
    assert code == 0, out + err
    assert run_cli("--root", str(root), "publish", "testby", "--check")[1] == "testby may be published: the gate found no reason to refuse\n"
    code, out, err = run_cli("--root", str(root), "publish", "testby")
    assert code == 0, out + err
    assert out.endswith("published testby: upload the contents of build/publish/testby/ "
                        "(or unpack build/publish/testby.zip) to the web server\n")
    with zipfile.ZipFile(root / "build/publish/testby.zip") as z:
        names = set(z.namelist())
        sitemap = z.read("sitemap.xml").decode("utf-8")
    assert {"index.html", "en/index.html", "pdf/nb/manual.pdf", "404.html"} <= names
    assert "<loc>https://www.testby.no/familiepartner/index.html</loc>" in sitemap
    assert (root / "build/publish/testby/index.html").is_file()
    # an edit after the check makes the result stale: the gate says so
    edit(root, "manual/basics/welcome.nb.md", "Æ, ø og å", "Æ, ø og å (endret)")
    code, out, err = run_cli("--root", str(root), "publish", "testby", "--check")
    assert code == 1 and "is stale: it was made of other sources than the ones here now" in out


# ---------------------------------------------------------------------------------------------
# what the Publish workflow deploys from the repository as it is

def _repository_copy(tmp_path: Path, origin: str = "https://github.com/example-owner/family-partner.git") -> Path:
    """The repository's sources in a fresh git work tree whose remote origin is on GitHub (as on a runner)."""
    root = tmp_path / "repo"
    for name in ("manual", "locales", "adaptations", "accessibility", ".github"):
        shutil.copytree(REPO / name, root / name)
    for name in ("mkdocs.yml", "CHANGELOG.md"):
        if (REPO / name).is_file():
            shutil.copy(REPO / name, root / name)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "remote", "add", "origin", origin], check=True)
    return root


def _passed_a11y(root: Path, variant: str) -> None:
    """What the workflow's 'Accessibility check' step leaves behind when it passes (the test cannot run Chromium
    for every variant): a passed result that names today's sources."""
    import json

    from manualkit.a11y.sources import digest

    path = root / "accessibility" / f"{variant}.json"
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    data.update(passed=True, sources=digest(root, variant))
    path.write_text(json.dumps(data), encoding="utf-8")


def _workflow_variants() -> list[str]:
    return ["base"] + sorted(p.parent.name for p in (REPO / "adaptations").glob("*/adaptation.yml"))


@pytest.mark.parametrize("variant", _workflow_variants())
def test_the_gate_lets_every_variant_the_workflow_publishes_through(tmp_path, variant) -> None:
    import yaml

    wf = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    flags = " ".join(wf["env"].values()).split()
    root = _repository_copy(tmp_path)
    _passed_a11y(root, variant)
    code, out, err = run_cli("--root", str(root), "publish", variant, "--check", *flags)
    assert (code, out) == (0, f"{variant} may be published: the gate found no reason to refuse\n"), out + err
    # without the workflow's flags the example municipalities are still refused, for what is unconfirmed
    if variant != "base":
        code, out, _ = run_cli("--root", str(root), "publish", variant, "--check", "--allow-draft")
        assert code == 1 and "status: example" in out and "is still a placeholder" in out


def test_site_url_is_the_github_pages_of_the_repository(tmp_path) -> None:
    from manualkit.core.project import load_project
    from manualkit.core.release import pages_url
    from manualkit.release.state import release_info

    root = _repository_copy(tmp_path, "git@github.com:Example-Owner/family-partner.git")
    project = load_project(root, ["base", "lillehammer"], release=release_info(root))
    assert project.resolutions["base"].site_url == "https://example-owner.github.io/family-partner/base/"
    assert project.resolutions["lillehammer"].site_url == "https://example-owner.github.io/family-partner/lillehammer/"
    # 'repository:' in manual.yml wins over git's origin; a site_url line wins over both
    edit(root, "manual/manual.yml", "license: MIT\n", "license: MIT\nrepository: https://github.com/other/manual\n")
    project = load_project(root, ["base"], release=release_info(root))
    assert project.resolutions["base"].site_url == "https://other.github.io/manual/base/"
    edit(root, "manual/manual.yml", "license: MIT\n", "license: MIT\nsite_url: https://www.example.no/fp/\n")
    assert load_project(root, ["base"], release=release_info(root)).resolutions["base"].site_url == "https://www.example.no/fp/"
    assert pages_url("https://gitlab.com/a/b") == "" and pages_url("https://github.com/a/a.github.io") == "https://a.github.io/"


def test_the_publish_workflow_dry_run_end_to_end(tmp_path) -> None:
    import yaml

    root = _repository_copy(tmp_path)
    names = _workflow_variants()
    for variant in names:
        _passed_a11y(root, variant)
    done = subprocess.run([sys.executable, str(REPO / ".github/scripts/publish.py"), "--dry-run", "--root", str(root)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "variants: " + " ".join(names)
    wf = yaml.safe_load((REPO / ".github/workflows/publish.yml").read_text(encoding="utf-8"))
    flags = " ".join(wf["env"].values())
    for variant in names:  # the build job's commands, in the workflow's order, for each variant
        start = lines.index(f"== build {variant}")
        commands = [ln.strip()[2:] for ln in lines[start:] if ln.startswith("   $ ")][:4]
        assert commands == [f'manual build --variant "{variant}"', f'manual a11y --variant "{variant}"',
                            f'manual build --variant "{variant}" --only site',
                            f'manual publish "{variant}" --check {flags}'], commands
        assert f"     {variant} may be published: the gate found no reason to refuse" in lines
    assert lines[-len(names):] == [f"   {v}: deployed" for v in names]
    # a variant the gate refuses is not deployed, and the run says so
    (root / "accessibility/base.json").unlink()
    done = subprocess.run([sys.executable, str(REPO / ".github/scripts/publish.py"), "--dry-run", "--root", str(root)],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "   base: not deployed (the gate refused it or a step failed)" in done.stdout


def test_the_gate_groups_its_reasons_by_who_must_act() -> None:
    code, out, err = run_cli("--root", str(REPO), "publish", "lillehammer", "--check")
    assert code == 1
    lines = out.splitlines()
    groups = [ln for ln in lines if ln.startswith("for ")]
    assert [g.split(":")[0] for g in groups] == ["for the municipality", "for the manual's editors",
                                                 "for whoever publishes (build and check)"]
    drafts = [ln for ln in lines if "not approved" in ln]
    assert len(drafts) == 1 and re.search(r"and \d+ more of this kind \('manual publish lillehammer --verbose' lists them\)",
                                          drafts[0]), drafts
    municipality = lines[lines.index(groups[0]) + 1:lines.index(groups[1])]
    assert sum("is still a placeholder" in ln for ln in municipality) == 8  # each one, not counted away
    code, verbose, _ = run_cli("--root", str(REPO), "publish", "lillehammer", "--check", "--verbose")
    assert len([ln for ln in verbose.splitlines() if "not approved" in ln]) > 40


def test_publish_runs_the_accessibility_check_once_and_reuses_a_fresh_result(tmp_path, monkeypatch) -> None:
    """A first publish is one command: it checks its own build once; a second publish of the same sources reuses it."""
    import json

    import manualkit.a11y.run as a11y_run
    import manualkit.cli.build as build_cli
    from manualkit.a11y.sources import digest

    root = fixture(tmp_path)
    y = "adaptations/testby/adaptation.yml"
    edit(root, y, "status: example\n", "status: confirmed\nsite_url: https://www.testby.no/familiepartner/\n")
    edit(root, y, "  municipality:\n", "  service:\n    phone: {nb: 12 34 56 78, en: +47 12 34 56 78}\n  municipality:\n")
    runs: list[str] = []
    builds: list[object] = []

    def fake_build(r, args):  # the build is not what is counted here
        builds.append(args.only)
        (Path(r) / "build/testby/site").mkdir(parents=True, exist_ok=True)
        (Path(r) / "build/testby/site/index.html").write_text("<!doctype html>", encoding="utf-8")
        return 0

    def fake_a11y(r, variant, out):
        runs.append(variant)
        (Path(r) / "accessibility").mkdir(exist_ok=True)
        (Path(r) / f"accessibility/{variant}.json").write_text(json.dumps({"passed": True, "sources": digest(r, variant)}),
                                                                 encoding="utf-8")
        return 0

    monkeypatch.setattr(build_cli, "run", fake_build)
    monkeypatch.setattr(a11y_run, "run_a11y", fake_a11y)
    code, out, err = run_cli("--root", str(root), "publish", "testby", "--allow-draft")
    assert code == 0, out + err
    assert runs == ["testby"] and builds == [None, ["site"]]  # build, check once, rebuild with the statement
    code, out, err = run_cli("--root", str(root), "publish", "testby", "--allow-draft")
    assert code == 0, out + err
    assert runs == ["testby"] and builds == [None, ["site"], None]
    assert "testby: the accessibility result of these sources is current and passed; it is not run again\n" in out
    # an edit makes the result stale: the next publish checks again, once
    edit(root, "manual/basics/welcome.nb.md", "Æ, ø og å", "Æ, ø og å (endret)")
    assert run_cli("--root", str(root), "publish", "testby", "--allow-draft")[0] == 0
    assert runs == ["testby", "testby"]


def test_the_e1004_hint_names_a_real_key_of_a_change() -> None:
    from manualkit.core.fields import CHANGE_FIELDS
    from manualkit.core.rules import RULES

    keys = re.findall(r"'(\w+): \{other\}'", RULES["E1004"].hint)
    assert keys == ["builds_on"] and all(k in CHANGE_FIELDS for k in keys)

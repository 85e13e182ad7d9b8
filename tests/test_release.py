"""Releases: `manual release` in a temporary git repository, the bundle and its manifest, builds
pinned to a release, and what the outputs say about the release (cover, footer, about page)."""
from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import FIXTURES, REPO, run_cli

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout.strip()


CITATION_FACTS = ("# who makes the manual, its licence and repository (CITATION.cff of a release)\n"
                  "authors:\n  - name: Example Institute (test fixture)\nlicense: CC-BY-4.0\n"
                  "repository: https://github.com/example-org/test-manual\n")


def make_repo(dest: Path) -> Path:
    """The bilingual fixture as a git repository with one commit (and the root mkdocs.yml)."""
    shutil.copytree(FIXTURES / "bilingual", dest)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copy(REPO / ".gitignore", dest / ".gitignore")
    with (dest / "manual" / "manual.yml").open("a", encoding="utf-8") as out:
        out.write(CITATION_FACTS)
    git(dest, "init", "-q", "-b", "main")
    git(dest, "config", "user.email", "test@example.org")
    git(dest, "config", "user.name", "Test")
    commit(dest, "first version")
    return dest


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def validate_cff(path: Path) -> subprocess.CompletedProcess:
    exe = Path(__import__("sys").executable).with_name("check-jsonschema")
    return subprocess.run([str(exe), "--builtin-schema", "vendor.citation-file-format", str(path)],
                          capture_output=True, text=True)


def fresh_copy(made: Path, dest: Path) -> Path:
    """A copy of a repository made once for the module, with its git history and tags but not its
    build/ (the bundle is most of the bytes, and only test_bundle_has_every_variant_and_a_manifest
    reads it, from the repository made once): each test changes its own copy, so a test passes
    alone, in any order, and leaves nothing behind for the next (copying is much cheaper than
    releasing again)."""
    shutil.copytree(made, dest, symlinks=True, ignore=lambda folder, names: ["build"] if Path(folder) == made else [])
    assert git(dest, "status", "--porcelain") == "" and git(dest, "worktree", "list").count("\n") == 0
    return dest


def release_second(root: Path) -> tuple[int, str, str]:
    """The base manual and Testby's change move on and `manual release 1.1.0 --allow-draft --no-bundle` runs."""
    edit(root, "manual/basics/welcome.nb.md", "Se [øvelsen med lek](ref:session-play).",
         "Se [øvelsen med lek](ref:session-play) igjen.")
    edit(root, "adaptations/testby/adaptation.yml", "description: {nb: Kortere økt, en: Shorter session}",
         "description: {nb: Kortere økt for alle, en: Shorter session for all}")
    commit(root, "changes for 1.1.0")
    return run_cli("--root", str(root), "release", "1.1.0", "--allow-draft", "--no-bundle")


@pytest.fixture(scope="module")
def _released_once(tmp_path_factory) -> tuple[Path, dict]:
    """A repository where `manual release 1.0.0 --allow-draft` ran (with its bundle); never changed."""
    root = make_repo(tmp_path_factory.mktemp("release") / "repo")
    code, out, err = run_cli("--root", str(root), "release", "1.0.0", "--allow-draft")
    assert code == 0, out + err
    manifest = json.loads((root / "build/releases/1.0.0/manifest.json").read_text(encoding="utf-8"))
    return root, manifest


@pytest.fixture(scope="module")
def _released_twice(_released_once, tmp_path_factory) -> tuple[Path, tuple[int, str, str]]:
    """The released repository after :func:`release_second` (1.1.0, no bundle), and what it said; never changed."""
    root = fresh_copy(_released_once[0], tmp_path_factory.mktemp("release-twice") / "repo")
    return root, release_second(root)


@pytest.fixture
def released(_released_once, tmp_path) -> tuple[Path, dict]:
    """This test's own copy of the repository released as 1.0.0, and the release's manifest."""
    root, manifest = _released_once
    return fresh_copy(root, tmp_path / "released"), manifest


@pytest.fixture
def released_twice(_released_twice, tmp_path) -> tuple[Path, tuple[int, str, str]]:
    """This test's own copy of the repository released as 1.0.0 and then 1.1.0, and what 1.1.0's release said."""
    root, said = _released_twice
    return fresh_copy(root, tmp_path / "released-twice"), said


# ---------------------------------------------------------------------------------------------
# manual release

def test_release_commits_and_tags_with_changelog_and_citation(released) -> None:
    root, _ = released
    assert git(root, "cat-file", "-t", "v1.0.0") == "tag"  # annotated
    assert git(root, "tag", "-n1", "v1.0.0").split(None, 1)[1] == "Family Partner manual 1.0.0 (draft release: modules not yet approved)"
    assert git(root, "log", "-1", "--format=%s") == "Release 1.0.0 (draft)"
    assert git(root, "status", "--porcelain") == ""
    assert sorted(git(root, "show", "--name-only", "--format=", "HEAD").split()) == ["CHANGELOG.md", "CITATION.cff"]
    changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "\n## 1.0.0 – " in changelog and " (draft)\n\nFirst release: 5 modules in 2 parts.\n" in changelog
    assert "- en: 4 of 5 translations up to date, 0 out of date, 1 missing\n" in changelog
    assert "- **Testby kommune** (`testby`), pinned to 1.0.0, status example\n" in changelog
    assert "  - added `local-records` (replace-section safety#records): Lokale rutiner for dokumentasjon\n" in changelog


def test_citation_is_valid_cff_1_2(released, tmp_path) -> None:
    root, _ = released
    import yaml

    data = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert data["cff-version"] == "1.2.0" and data["version"] == "1.0.0" and data["title"] == "Test manual (draft)"
    assert data["authors"] == [{"name": "Example Institute (test fixture)"}]
    assert data["license"] == "CC-BY-4.0" and data["repository-code"] == "https://github.com/example-org/test-manual"
    done = validate_cff(root / "CITATION.cff")
    assert done.returncode == 0, done.stdout + done.stderr
    # and the validator does refuse a broken one, so the check above means something
    broken = tmp_path / "broken.cff"
    broken.write_text((root / "CITATION.cff").read_text(encoding="utf-8").replace("date-released: '", "date-released: 'x"), encoding="utf-8")
    assert validate_cff(broken).returncode == 1


def test_bundle_has_every_variant_and_a_manifest(_released_once) -> None:
    root, manifest = _released_once  # read only: this test changes nothing
    bundle = root / "build/releases/1.0.0"
    assert manifest["version"] == "1.0.0" and manifest["released"] is True and manifest["draft"] is True
    assert manifest["commit"] == git(root, "rev-parse", "v1.0.0^{commit}")
    assert set(manifest["tools"]) >= {"manualkit", "pandoc", "typst", "mkdocs", "mkdocs-material", "mkdocs-static-i18n"}
    assert manifest["tools"]["pandoc"] and manifest["tools"]["typst"] and manifest["tools"]["mkdocs-material"]
    assert "manual/basics/welcome.nb.md" in manifest["sources"] and "adaptations/testby/adaptation.yml" in manifest["sources"]
    assert {"base/site.zip", "testby/site.zip", "base/pdf/nb/manual.pdf", "testby/pdf/en/handouts/handout-play.pdf"} <= set(manifest["outputs"])
    for rel, digest in manifest["outputs"].items():
        assert __import__("hashlib").sha256((bundle / rel).read_bytes()).hexdigest() == digest, rel
    with zipfile.ZipFile(bundle / "testby/site.zip") as z:
        index = z.read("index.html").decode("utf-8")
        about = z.read("basics/about-this-version.html").decode("utf-8")
    date = manifest["date"]
    # the footer and the about page show the release and its date, not a commit
    assert f"Testmanual · versjon 1.0.0 (utkast) · {date}" in index
    assert f"Versjon 1.0.0 (utkast), utgitt {date}" in about
    cover = PdfReader(bundle / "testby/pdf/nb/manual.pdf").pages[0].extract_text()
    assert " ".join(cover.split()).endswith(f"Versjon 1.0.0 (utkast) Dato {date}")


def test_rebuilding_the_tag_gives_the_same_hashes(released) -> None:
    """The same tag built again, now from a temporary worktree (HEAD has moved on): same PDFs."""
    root, first = released
    edit(root, "manual/basics/welcome.nb.md", "Æ, ø og å skal vises riktig.", "Æ, ø og å skal vises riktig. Ny setning.")
    commit(root, "base changes after the release")
    code, out, err = run_cli("--root", str(root), "release", "1.0.0", "--bundle-only")
    assert code == 0, out + err
    again = json.loads((root / "build/releases/1.0.0/manifest.json").read_text(encoding="utf-8"))
    assert again["sources"] == first["sources"]
    pdfs = {k: v for k, v in first["outputs"].items() if k.endswith(".pdf")}
    assert len([k for k in pdfs if "/pdf/" in k]) == 12  # the print PDFs; the research reports add their own
    assert {k: again["outputs"][k] for k in pdfs} == pdfs
    assert again["outputs"] == first["outputs"]  # the site zips too: mkdocs dates come from SOURCE_DATE_EPOCH


def test_release_refuses_with_reasons(released, tmp_path) -> None:
    root, _ = released
    code, out, err = run_cli("--root", str(root), "release", "1.3.0")
    assert (code, err.splitlines()[0]) == (1, "manual: 1.3.0 is not a step up from manual.yml's version 1.0.0")
    assert "choose one of 1.0.1, 1.1.0, 2.0.0" in err
    code, out, err = run_cli("--root", str(root), "release", "1.0.0")
    assert "manual: release 1.0.0 exists already (tag v1.0.0)" in err
    code, out, err = run_cli("--root", str(root), "release", "one")
    assert (code, err.splitlines()[0]) == (2, "manual: 'one' is not a version like 0.2.0")
    (root / "manual" / "notes.txt").write_text("x", encoding="utf-8")
    code, out, err = run_cli("--root", str(root), "release", "1.1.0")
    assert (code, err.splitlines()[0]) == (1, "manual: the work tree has changes that are not committed: manual/notes.txt")
    (root / "manual" / "notes.txt").unlink()
    # a draft core module stops a release without --allow-draft, named with its file and line
    fresh = make_repo(tmp_path / "fresh")
    code, out, err = run_cli("--root", str(fresh), "release", "1.0.0")
    assert code == 1
    assert "manual/training/session-play.nb.md:7: core module 'session-play' is 'draft', not approved\n" in err
    assert "manual: release 1.0.0 was not made: 1 core modules are not approved" in err
    assert git(fresh, "tag") == ""


def test_second_release_lists_what_changed(released_twice) -> None:
    root, (code, out, err) = released_twice
    assert code == 0, out + err
    assert "released 1.1.0 (draft): tag v1.1.0, CHANGELOG.md, CITATION.cff, since v1.0.0\n" in out
    text = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    assert text.index("## 1.1.0 – ") < text.index("## 1.0.0 – ")
    newest = text[text.index("## 1.1.0"):text.index("## 1.0.0")]
    assert "Changes since 1.0.0. The base manual has 5 modules." in newest
    assert "### Modules changed\n\n- `welcome` – Velkommen: sections changed: further\n" in newest
    assert "### Modules added\n\n- none\n" in newest
    assert "- en: 3 of 5 translations up to date, 1 out of date, 1 missing" in newest
    assert "  - changed `shorter-session` (set session-play): Kortere økt for alle\n" in newest
    assert "local-records" not in newest
    assert "version: 1.1.0\n" in (root / "manual/manual.yml").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# pinned releases

def test_variant_pinned_to_a_release_builds_that_release(released_twice) -> None:
    root, _ = released_twice
    edit(root, "manual/basics/welcome.nb.md", "## Om manualen {#about}\n", "## Om manualen {#about}\n\nHelt ny tekst etter utgaven.\n")
    edit(root, "adaptations/testby/adaptation.yml", "base_version: 1.0.0\n", "base_version: 1.0.0\nfrozen_for_trial: true\n")
    commit(root, "base moves on; Testby stays on 1.0.0")
    code, out, err = run_cli("--root", str(root), "build", "--variant", "testby", "--only", "pdf")
    assert code == 0, out + err
    assert "building testby from release 1.0.0 (tag v1.0.0)\n" in out
    book = pdf_text(root / "build/testby/pdf/nb/manual.pdf")
    assert "Helt ny tekst etter utgaven" not in book
    assert "Versjon 1.0.0 (utkast) Dato" in book
    assert "Frosset for utprøvingen: denne versjonen bygger på utgave 1.0.0" in book
    assert git(root, "worktree", "list").count("\n") == 0  # the temporary worktree is gone
    # the base manual drops the section Testby replaces: Testby's release still has it
    for lang in ("nb", "en"):
        path = root / f"manual/basics/safety.{lang}.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(text[:text.index("\n## ", text.index("{#records}") - 40)] + "\n", encoding="utf-8")
    edit(root, "manual/intervention.yml", "checks: safety#records", "checks: safety#plan")  # its indicator moves too
    commit(root, "base drops safety#records")
    code, out, err = run_cli("--root", str(root), "build", "--variant", "testby", "--only", "pdf")
    assert code == 0, out + err
    assert "building testby from release 1.0.0 (tag v1.0.0)\n" in out
    assert "I Testby skrives notatet i fagsystemet samme dag som besøket." in pdf_text(root / "build/testby/pdf/nb/manual.pdf")
    # told to, it builds from the current manual, which says it is not a release
    code, out, err = run_cli("--root", str(root), "build", "--variant", "testby", "--only", "pdf", "--base", "current")
    assert code == 1 and "safety#records" in err, out + err  # against today's manual the change has no target
    git(root, "revert", "--no-edit", "HEAD")
    code, out, err = run_cli("--root", str(root), "build", "--variant", "testby", "--only", "pdf", "--base", "current")
    assert code == 0, out + err
    book = pdf_text(root / "build/testby/pdf/nb/manual.pdf")
    assert "Helt ny tekst etter utgaven" in book
    commit_id = git(root, "rev-parse", "--short=7", "HEAD")
    assert f"Versjon 1.1.0, ikke utgitt (commit {commit_id}) Dato" in book


def released_then_moved_on(tmp_path: Path) -> tuple[Path, str]:
    """A repository with release 1.0.0 tagged, after which the base manual plans twice the
    follow-up visits and is version 1.1.0 (Testby pins 1.0.0); and the date of the release."""
    root = make_repo(tmp_path / "repo")
    git(root, "tag", "-a", "v1.0.0", "-m", "Test manual 1.0.0")
    edit(root, "manual/intervention.yml", "    weeks: {min: 20, typical: 36, max: 72}\n    visits_per_week: 1\n",
         "    weeks: {min: 20, typical: 36, max: 72}\n    visits_per_week: 2\n")
    edit(root, "manual/manual.yml", "version: 1.0.0\n", "version: 1.1.0\n")
    commit(root, "base moves on; Testby stays on 1.0.0")
    return root, git(root, "log", "-1", "--format=%cs", "v1.0.0")


def test_reports_of_a_pinned_municipality_describe_its_release(tmp_path) -> None:
    """`manual report` reads a municipality's text as `manual build` does: from the release it pins."""
    root, date = released_then_moved_on(tmp_path)
    code, out, err = run_cli("--root", str(root), "report", "dose", "--variant", "testby", "--lang", "en")
    assert (code, err) == (0, ""), out + err
    assert f"\n\nBased on release 1.0.0 of the base manual ({date}). The municipality pins this release (base_version).\n\n" in out
    assert "| Home visits | visits | 29 | 45 | 81 | 45 | 0 |" in out  # the figures of release 1.0.0
    code, out, err = run_cli("--root", str(root), "report", "tidier", "--variant", "testby", "--format", "json")
    data = json.loads(out)
    assert (code, data["release"]["version"], data["release"]["released"], data["release"]["pinned"]) == (0, "1.0.0", True, "1.0.0")
    assert data["based_on"].startswith("Bygger på utgave 1.0.0 av basismanualen")
    assert "Planlagt per familie: 45 hjemmebesøk" in data["items"][7]["text"][0]
    code, out, err = run_cli("--root", str(root), "report", "ledger", "--variant", "testby", "--format", "csv")
    rows = list(__import__("csv").DictReader(__import__("io").StringIO(out)))
    assert code == 0 and {(r["release"], r["released"]) for r in rows} == {("1.0.0", "yes")}
    code, out, err = run_cli("--root", str(root), "report", "fidelity", "--variant", "testby", "--lang", "en")
    assert code == 0 and out.startswith("# Codebook of the fidelity checklists: Testby municipality\n\n"
                                        f"Based on release 1.0.0 of the base manual ({date}). The municipality pins this release")
    # across sites: each variant from its own text, and the table says which
    code, out, err = run_cli("--root", str(root), "report", "dose", "--all", "--format", "json", "--lang", "en")
    data = json.loads(out)
    visits = {r["variant"]: r["typical"] for r in data["rows"] if r["measure"] == "home_visits"}
    assert (code, visits) == (0, {"base": 81, "testby": 45})
    assert (data["releases"]["base"]["version"], data["releases"]["base"]["released"]) == ("1.1.0", False)
    assert data["releases"]["testby"]["pinned"] == "1.0.0"
    code, out, err = run_cli("--root", str(root), "report", "dose", "--all", "--format", "csv")
    rows = list(__import__("csv").DictReader(__import__("io").StringIO(out)))
    assert {(r["variant"], r["release"], r["typical"]) for r in rows if r["measure"] == "home_visits"} == {
        ("base", "1.1.0", "81"), ("testby", "1.0.0", "45")}
    code, out, err = run_cli("--root", str(root), "report", "costs", "--variant", "testby", "--format", "csv")
    assert code == 0 and {r["release"] for r in __import__("csv").DictReader(__import__("io").StringIO(out))} == {"1.0.0"}
    # the base manual, and Testby when told to, are today's text, which says it is not a release
    commit_id = git(root, "rev-parse", "--short=7", "HEAD")
    for args in (("--variant", "base"), ("--variant", "testby", "--base", "current")):
        code, out, err = run_cli("--root", str(root), "report", "dose", *args, "--lang", "en")
        assert (code, err) == (0, ""), out + err
        assert f"Based on the base manual, version 1.1.0, unreleased (commit {commit_id}).\n" in out
        assert "| Home visits | visits | 49 | 81 | 153 |" in out
    assert git(root, "worktree", "list").count("\n") == 0  # the temporary worktrees are gone


def _planned_home_visits(fidelity: Path, visits: Path, follow_up_per_week: float) -> float:
    """The mean planned home visits per family for its time in the intervention, computed from the
    export's own dates (as tests/test_delivery.py does), for the bilingual fixture's course:
    start 4 weeks x 2 visits, follow-up 36 weeks, ending 2 weeks x 0.5."""
    import csv
    from datetime import date

    dates: dict[str, list] = {}
    for path in (fidelity, visits):
        for r in csv.DictReader(path.open(encoding="utf-8")):
            dates.setdefault(r["record_id"], []).extend(
                date.fromisoformat(v) for k, v in r.items() if k.endswith("_date") and v)
    cut = max(d for ds in dates.values() for d in ds)
    planned = []
    for ds in dates.values():
        weeks = min(42, ((cut - min(ds)).days + 1) / 7)
        planned.append(2 * min(weeks, 4) + follow_up_per_week * max(0, min(weeks, 40) - 4) + 0.5 * max(0, min(weeks, 42) - 40))
    return round(sum(planned) / len(planned), 1)


def test_delivery_of_a_pinned_municipality_is_compared_with_its_releases_plan(tmp_path) -> None:
    """`manual report delivery` compares the exports with the plan of the text the municipality
    delivers: the release it pins, not today's base manual, and says which release that is."""
    root, date = released_then_moved_on(tmp_path)
    exports = tmp_path / "exports"  # outside the repository
    code, out, err = run_cli("--root", str(root), "report", "delivery", "--variant", "testby", "--demo", str(exports))
    assert (code, err) == (0, ""), out + err
    fidelity, visits = exports / "testby-fidelity.csv", exports / "testby-visits.csv"
    report = ("--root", str(root), "report", "delivery", "--variant", "testby", "--lang", "en",
              "--from", str(fidelity), "--from", str(visits))

    code, out, err = run_cli(*report, "--format", "json")
    assert (code, err) == (0, ""), out + err
    data = json.loads(out)
    assert data["sites"][0]["dose"]["planned_home_visits"] == _planned_home_visits(fidelity, visits, 1)  # release 1.0.0's plan
    assert (data["release"]["version"], data["release"]["released"], data["release"]["pinned"]) == ("1.0.0", True, "1.0.0")
    assert data["based_on"] == f"Based on release 1.0.0 of the base manual ({date}). The municipality pins this release (base_version)."
    pinned = data["sites"][0]["dose"]["planned_home_visits"]

    code, out, err = run_cli(*report, "--format", "md")
    assert code == 0 and out.startswith("# Delivered against planned: Testby municipality\n\n"
                                        f"Based on release 1.0.0 of the base manual ({date}). "
                                        "The municipality pins this release (base_version).\n\n")
    assert f"| Home visits | {pinned:g} |" in out
    code, out, err = run_cli(*report, "--format", "csv")
    rows = list(__import__("csv").DictReader(__import__("io").StringIO(out)))
    assert code == 0 and rows and {r["release"] for r in rows} == {"1.0.0"}
    assert float(next(r for r in rows if r["item"] == "home_visits")["planned"]) == pinned
    code, out, err = run_cli(*report, "--format", "pdf", "-o", str(tmp_path / "delivery.pdf"))
    assert code == 0, err
    assert f"Based on release 1.0.0 of the base manual ({date}). The municipality pins this release (base_version)." in \
        pdf_text(tmp_path / "delivery.pdf")

    # told to, the same exports are compared with today's plan, which says it is not a release
    code, out, err = run_cli(*report, "--format", "json", "--base", "current")
    data = json.loads(out)
    assert data["sites"][0]["dose"]["planned_home_visits"] == _planned_home_visits(fidelity, visits, 2) > pinned
    assert (data["release"]["version"], data["release"]["released"], data["release"]["pinned"]) == ("1.1.0", False, "")
    assert git(root, "worktree", "list").count("\n") == 0  # the temporary worktrees are gone


def test_without_the_tag_the_current_manual_is_built_with_a_note(tmp_path) -> None:
    root = shutil.copytree(FIXTURES / "bilingual", tmp_path / "plain")  # not a git repository
    code, out, err = run_cli("--root", str(root), "build", "--variant", "testby", "--only", "pdf")
    assert code == 0, out + err
    assert ("note: adaptations/testby/adaptation.yml:4: base_version 1.0.0: this folder is not a git repository, so "
            "the release cannot be checked out; building testby from the current manual (1.0.0)\n") in out
    repo = make_repo(tmp_path / "repo")
    code, out, err = run_cli("--root", str(repo), "build", "--variant", "testby", "--only", "pdf")
    assert code == 0, out + err
    assert ("note: adaptations/testby/adaptation.yml:4: base_version 1.0.0 is not released yet (no tag v1.0.0); "
            "building testby from the current manual (1.0.0, unreleased)\n") in out


def test_status_shows_the_pinned_release_and_what_came_since(released_twice) -> None:
    root, _ = released_twice
    code, out, err = run_cli("--root", str(root), "status")
    assert code == 0, out + err
    assert "testby: pinned to release 1.0.0, 1 release behind (latest 1.1.0)" in out
    assert "  1.1.0: - `welcome` – Velkommen: sections changed: further" in out


# ---------------------------------------------------------------------------------------------
# the release state without git, and the words for it

def test_without_git_the_changelog_says_which_release_a_folder_is(tmp_path) -> None:
    from manualkit.core.release import ReleaseInfo, footer_text, version_text
    from manualkit.release.state import release_info

    root = shutil.copytree(FIXTURES / "bilingual", tmp_path / "unpacked")
    assert release_info(root) == ReleaseInfo("1.0.0", "", False)
    (root / "CHANGELOG.md").write_text("# Changelog\n\n## 1.0.0 – 2026-11-30 (draft)\n\nFirst release.\n", encoding="utf-8")
    info = release_info(root)
    assert (info.version, info.date, info.released, info.draft, info.commit) == ("1.0.0", "2026-11-30", True, True, "")
    nb = __import__("yaml").safe_load((FIXTURES / "bilingual/locales/nb.yml").read_text(encoding="utf-8"))
    assert version_text(info, nb, "1.0.0") == "1.0.0 (utkast)"
    assert version_text(ReleaseInfo("1.1.0", "2026-12-01", False, "abc1234"), nb, "") == "1.1.0, ikke utgitt (commit abc1234)"
    assert version_text(None, nb, "1.0.0") == "1.0.0"
    assert footer_text(ReleaseInfo("1.1.0", "", False), nb, "Testmanual", "") == "Testmanual · versjon 1.1.0, ikke utgitt"


def test_release_refuses_without_authors_licence_and_repository(tmp_path) -> None:
    root = make_repo(tmp_path / "bare")
    edit(root, "manual/manual.yml", CITATION_FACTS, "")
    commit(root, "no citation facts")
    code, out, err = run_cli("--root", str(root), "release", "1.0.1", "--allow-draft")
    assert code == 1
    assert "manual/manual.yml names no authors: add 'authors:'" in err
    assert "manual/manual.yml names no licence: add 'license:'" in err
    assert "no repository is named: add 'repository: https://github.com/OWNER/NAME'" in err
    assert "release 1.0.1 was not made: CITATION.cff would not say who made the manual" in err
    assert git(root, "tag") == ""

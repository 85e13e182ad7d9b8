"""Issue 14: what users hit in a first real try. Each test asserts what the person sees."""
from __future__ import annotations

from pathlib import Path

from conftest import assert_problem, frame, problems_seen, run_cli, write_tree
from manualkit.core.project import load_project

ADAPT = "adaptations/testby/adaptation.yml"


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    p = root / rel
    text = p.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- Silent or misleading ---------------------------------------------------------------------

def test_unquoted_colour_is_an_error_with_the_quoting_hint(fixture_copy):
    root = fixture_copy("bilingual")
    _edit(root, ADAPT, 'primary_colour: "#00567a"', "primary_colour: #b0122b")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1
    assert_problem(out, code="E208", where=f"{ADAPT}:8:3", says="reads '#b0122b' as a comment",
                   hint='needs quotes: primary_colour: "#b0122b"')


def test_darkened_accent_colour_is_said_with_both_colours_and_the_ratio(fixture_copy):
    root = fixture_copy("bilingual")
    _edit(root, ADAPT, 'primary_colour: "#00567a"', "primary_colour: \"#00567a\"\n  accent_colour: '#f5a623'")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    said = assert_problem(out, code="W1011", where=f"{ADAPT}:9:18", says="'#f5a623' has a contrast of only 2.0:1",
                          hint="at least 4.5:1")
    assert "'#906215' (5.3:1)" in said.message and "'#906215'" in said.hint  # the colour used instead, and its ratio
    # the site really uses that colour
    from manualkit.outputs.site.colours import variant_css
    assert f"--md-accent-fg-color: #906215;" in variant_css({"accent_colour": "#f5a623"})
    # a dark enough colour is used as it is and nothing is said
    _edit(root, ADAPT, "'#f5a623'", "'#7a2e00'")
    assert "W1011" not in run_cli("--root", str(root), "check")[1]


def test_missing_overlay_image_is_a_check_error_with_did_you_mean(fixture_copy):
    root = fixture_copy("bilingual")
    for lang, alt in (("nb", "Kart over kontoret"), ("en", "Map of the office")):
        p = root / f"adaptations/testby/overlays/local-records.{lang}.md"
        p.write_text(p.read_text(encoding="utf-8") + f"\n![{alt}](images/kart.png)\n", encoding="utf-8")
    write_tree(root, {"adaptations/testby/overlays/images/karta.png": b"\x89PNG\r\n"})
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1
    for lang in ("nb", "en"):
        assert_problem(out, code="E603", where=f"adaptations/testby/overlays/local-records.{lang}.md:5:1",
                       says="'images/kart.png'", hint="did you mean 'images/karta.png'?")
    # and the build refuses with the same errors instead of failing inside Typst
    code, out, err = run_cli("--root", str(root), "build", "--variant", "testby", "--only", "pdf")
    assert code == 1
    assert "error[E603]" in err and "the manual has errors, so nothing was built" in err
    assert "internal error" not in out + err and not (root / "build").exists()


def test_base_image_and_logo_get_did_you_mean(fixture_copy):
    root = fixture_copy("bilingual")
    write_tree(root, {"manual/basics/images/safety-plan.png": b"\x89PNG\r\n"})
    p = root / "manual/basics/welcome.nb.md"
    p.write_text(p.read_text(encoding="utf-8") + "\n![Et eksempel på en plan](images/safetyplan.png)\n", encoding="utf-8")
    _edit(root, ADAPT, "logo: assets/logo.svg", "logo: assets/logo.png")
    _code, out, _ = run_cli("--root", str(root), "check")
    assert_problem(out, code="E603", where="manual/basics/welcome.nb.md:25:1", says="'images/safetyplan.png'",
                   hint="did you mean 'images/safety-plan.png'?")
    assert_problem(out, code="E603", where=f"{ADAPT}:7:9", says="'assets/logo.png'", hint="did you mean 'assets/logo.svg'?")


def test_readme_lists_every_exit_code_the_cli_uses():
    import re
    from conftest import REPO
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    listed = set(re.search(r"Exit codes: ([^\n]+)", readme).group(1).replace(",", " ").split())
    src = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "tools/manualkit/cli").glob("*.py"))
    used = set(re.findall(r"return (\d+)\b", src)) | {"0", "1", "2"}
    used.discard("130")  # Ctrl-C: the shell's own convention
    assert used <= listed, used - listed


def test_every_contact_box_placeholder_is_warned_about(fixture_copy):
    root = fixture_copy("bilingual")
    _edit(root, "manual/manual.yml", "variables:\n", "variables:\n  contact:\n    team_leader_phone:\n"
          "      fill: {nb: telefonnummeret til teamlederen, en: the team leader's phone number}\n")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    said = assert_problem(out, code="W703", where=f"{ADAPT}:9", says="'contact.team_leader_phone' is still a placeholder",
                          hint=f"under 'variables' in {ADAPT}")
    assert "contact box" in said.message  # it says where the placeholder would be printed
    # every placeholder row of the contact box that reaches the PDFs has its warning
    project = load_project(root, None)
    warned = {p.message.split("'")[1] for p in project.problems if p.code == "W703"}
    rows = project.resolutions["testby"].contacts["nb"]
    assert [r.value for r in rows if r.placeholder] == ["[fyll inn: telefonnummeret til teamlederen]", "[fyll inn: telefonnummeret]"]
    assert warned == {"service.phone", "contact.team_leader_phone"}
    # filled in by the municipality: the warning goes
    _edit(root, ADAPT, "variables:\n", "variables:\n  contact:\n    team_leader_phone: Ring sentralbordet og spør etter teamlederen\n")
    assert "contact.team_leader_phone" not in run_cli("--root", str(root), "check")[1]


LOCAL_CHANGES = """\
  - id: local-module
    operation: add-module
    target: local-routines
    part: basics
    where: after
    anchor: welcome
    title: {nb: Lokale rutiner, en: Local routines}
    overlay: local-routines
    status: approved
    audience: [parents]
    base_hash: 000000000000
FRAME_CONSISTENT
  - id: own-plan
    operation: replace-section
    target: safety#plan
    overlay: own-plan
    justification: Kommunen bruker en egen plan som er pålagt av fylket (eksempel)
FRAME_INCONSISTENT
"""



def _local_changes(root: Path) -> Path:
    from conftest import REPO
    import shutil
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    text = (root / ADAPT).read_text(encoding="utf-8") + LOCAL_CHANGES.replace(
        "FRAME_CONSISTENT\n", frame("substituting", "consistent")).replace("FRAME_INCONSISTENT\n", frame("substituting", "inconsistent"))
    write_tree(root, {
        ADAPT: text,
        "adaptations/testby/overlays/local-routines.nb.md": "## Møter i Testby {#meetings}\n\nVi møtes hver tirsdag.\n",
        "adaptations/testby/overlays/local-routines.en.md": "## Meetings in Testby {#meetings}\n\nWe meet every Tuesday.\n",
        "adaptations/testby/overlays/own-plan.nb.md": "## Sikkerhetsplan {#plan .core}\n\nTestby bruker fylkets egen plan.\n",
        "adaptations/testby/overlays/own-plan.en.md": "## Safety plan {#plan .core}\n\nTestby uses the county's own plan.\n",
    })
    return root


def test_local_module_can_leave_draft_and_a_core_deviation_is_not_labelled_core(fixture_copy):
    import io
    import re
    from pypdf import PdfReader
    from manualkit.outputs.runner import build_output

    root = _local_changes(fixture_copy("bilingual"))
    project = load_project(root, None)
    assert [p for p in project.problems if p.is_error] == []
    variant = project.resolutions["testby"]
    mod = variant.manual("nb").module("local-routines")
    assert (mod.status, mod.audience, mod.core) == ("approved", ("parents",), False)
    for name in ("site", "pdf"):
        build_output(variant, name, root / "build", io.StringIO())
    html = (root / "build/testby/site/basics/local-routines.html").read_text(encoding="utf-8")
    words = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Status: Godkjent" in words and "Målgruppe: foreldre" in words
    assert "Utkast: Denne teksten er et forslag" not in words
    page = " ".join(re.sub(r"<[^>]+>", " ", (root / "build/testby/site/basics/safety.html").read_text(encoding="utf-8")).split())
    assert "Sikkerhetsplan Lokalt avvik fra kjernekomponenten Testby bruker fylkets egen plan." in page
    assert "Kjernekomponent – denne delen må gjennomføres slik den er beskrevet" not in page
    book = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(root / "build/testby/pdf/nb/manual.pdf").pages)
    assert "Sikkerhetsplan Lokalt avvik fra kjernekomponenten: Testby kommune Testby bruker fylkets egen plan." in book
    # testby also replaces the session's core plan (fidelity-inconsistent), so no core label is left in its book
    assert book.count("Kjernekomponent – denne delen må gjennomføres slik den er beskrevet") == 0
    assert book.count("Lokalt avvik fra kjernekomponenten") >= 2
    assert "Sikkerhetsplan Kjernekomponent – denne delen" not in book
    # the base book still marks the core section as core
    build_output(project.resolutions["base"], "pdf", root / "build", io.StringIO())
    base = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(root / "build/base/pdf/nb/manual.pdf").pages)
    assert "Sikkerhetsplan Kjernekomponent – denne delen må gjennomføres slik den er beskrevet Sikkerhetsplanen lages" in base


# -- Editors and translators ------------------------------------------------------------------

def test_language_no_says_bokmaal_is_nb(tree):
    from conftest import MANUAL_YML
    root = tree({"manual/manual.yml": MANUAL_YML.replace("languages: [nb, en]", "languages: [no, en]")})
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1
    assert_problem(out, code="E206", where="manual/manual.yml:5:13", says="reads the bare word 'no' as yes/no",
                   hint="Norwegian Bokmål is nb")
    # quoting it, as people try next, gets the same advice instead of a second puzzle
    write_tree(root, {"manual/manual.yml": MANUAL_YML.replace("languages: [nb, en]", "languages: ['no', en]")})
    out = run_cli("--root", str(root), "check")[1]
    assert_problem(out, code="E203", where="manual/manual.yml:5:13", says="'languages[0]' cannot be 'no'",
                   hint="Norwegian Bokmål is nb")


def test_heading_without_id_proposes_the_other_languages_id_once(tree):
    from conftest import INTRO_EN, intro_hash
    en = INTRO_EN.replace("{hash}", intro_hash()).replace("## First part {#first}", "## First part")
    root = tree({"manual/basics/intro.en.md": en})
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1 and len(problems_seen(out)) == 1, out  # once: not again in the other language
    assert_problem(out, code="E401", where="manual/basics/intro.en.md:11:1", says="'First part' has no id",
                   hint="## First part {#first}")
    # in the source too (the translation is then out of date, which is true)
    from conftest import INTRO_NB
    write_tree(root, {"manual/basics/intro.en.md": INTRO_EN.replace("{hash}", intro_hash()),
                      "manual/basics/intro.nb.md": INTRO_NB.replace("## Første del {#first}", "## Første del")})
    out = run_cli("--root", str(root), "check")[1]
    assert_problem(out, code="E401", where="manual/basics/intro.nb.md:11:1", says="'Første del' has no id",
                   hint="## Første del {#first}")
    assert "E403" not in out


def test_new_module_takes_title_after_and_component_and_says_updated(tree):
    from conftest import MANUAL_YML
    root = tree({"manual/manual.yml": MANUAL_YML.replace("      - intro\n", "      - intro\n      - closing\n"),
                 "manual/basics/closing.nb.md": "---\nid: closing\ntitle: Avslutning\ntype: chapter\ncomponent: general\n"
                                                "status: draft\n---\n\nSlutt.\n"})
    code, out, err = run_cli("--root", str(root), "new", "module", "local-routines", "--after", "intro",
                             "--title", "Lokale rutiner: møter", "--title", "en=Local routines", "--component", "service-coordination")
    assert (code, err) == (0, "")
    assert out == ("created manual/basics/local-routines.nb.md\ncreated manual/basics/local-routines.en.md\n"
                   "updated manual/manual.yml (listed local-routines in part basics after intro)\n")
    yml = (root / "manual/manual.yml").read_text(encoding="utf-8")
    assert "      - intro\n      - local-routines\n      - closing\n" in yml
    nb = (root / "manual/basics/local-routines.nb.md").read_text(encoding="utf-8")
    assert 'title: "Lokale rutiner: møter"\n' in nb and "component: service-coordination\n" in nb
    assert 'title: "Local routines"\n' in (root / "manual/basics/local-routines.en.md").read_text(encoding="utf-8")
    project = load_project(root, ["base"])
    assert [p.code for p in project.problems if p.is_error] == []
    assert project.manual.modules["local-routines"].component == "service-coordination"
    # a wrong --after gets a did-you-mean
    code, _, err = run_cli("--root", str(root), "new", "module", "x", "--after", "intr")
    assert (code, err) == (2, "manual: --after names 'intr', which is not listed in manual/manual.yml\n"
                              "    hint: did you mean 'intro'?\n")


def test_stale_translation_shows_what_changed_in_the_source(tree):
    root = tree()
    code, out, _ = run_cli("--root", str(root), "translations", "mark", "intro", "en")
    assert code == 0 and (root / "manual/.translations/intro.en.md").is_file()
    src = root / "manual/basics/intro.nb.md"
    src.write_text(src.read_text(encoding="utf-8").replace("Kort innledning.", "Kort innledning om familiene."), encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    assert len(problems_seen(out)) == 1 and out.endswith("0 errors, 1 warning in 1 file\n"), out
    said = assert_problem(out, code="W503", where="manual/basics/intro.en.md:6:16", says="out of date",
                          hint="manual translations mark intro en")
    # the hint shows what changed in the source since the translation was marked, line by line
    assert said.hint.endswith("\n      - Kort innledning.\n      + Kort innledning om familiene."), said.hint
    # marking again records the new source; the snapshot folder is not mistaken for module files
    assert run_cli("--root", str(root), "translations", "mark", "intro", "en")[0] == 0
    assert run_cli("--root", str(root), "check", "--strict") == (0, "No problems found.\n", "")


# -- Trainers ---------------------------------------------------------------------------------

def _real_manual(dest: Path) -> Path:
    import shutil
    from conftest import REPO
    for name in ("manual", "locales"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def test_pdf_session_by_number_and_the_numbered_list(tmp_path):
    from pypdf import PdfReader
    root = _real_manual(tmp_path)
    code, out, err = run_cli("--root", str(root), "pdf", "--session", "3")
    assert (code, out, err) == (0, "wrote build/base/pdf/nb/sessions/session-praise-and-encouragement.pdf\n", "")
    first = " ".join(PdfReader(root / "build/base/pdf/nb/sessions/session-praise-and-encouragement.pdf").pages[0].extract_text().split())
    assert "Økt 3: Ros og oppmuntring" in first
    code, out, err = run_cli("--root", str(root), "pdf", "--session", "9")
    assert code == 2
    assert err.startswith("manual: there is no session number 9 in variant base (it has 8)\n"
                          "    hint: the sessions, by number or id:\n"
                          "       1  session-getting-started  (Økt 1: Oppstart – våre mål som foreldre)\n"
                          "       2  session-positive-time  (Økt 2: Positiv tid sammen)\n"
                          "       3  session-praise-and-encouragement  (Økt 3: Ros og oppmuntring)\n")
    assert err.endswith("       8  session-network-and-the-way-ahead  (Økt 8: Nettverk og veien videre)\n")


def _text_heights(pdf_path: Path, page: int = 0) -> dict[str, float]:
    """The height on the page (pt from the bottom) where each line of text starts."""
    from pypdf import PdfReader
    ys: dict[str, float] = {}

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            ys.setdefault(text.strip(), tm[4] * cm[1] + tm[5] * cm[3] + cm[5])
    PdfReader(pdf_path).pages[page].extract_text(visitor_text=visit)
    return ys


def test_handout_worksheet_has_room_to_write(fixture_copy):
    root = fixture_copy("bilingual")
    for lang, head, opener, question, after in (
            ("nb", "## Din plan {#plan}", "::: {.lines n=5}", "Hva vil du prøve denne uken?", "Lykke til!"),
            ("en", "## Your plan {#plan}", "::: lines", "What will you try this week?", "Good luck!")):
        p = root / f"manual/training/handout-play.{lang}.md"
        p.write_text(p.read_text(encoding="utf-8") + f"\n{head}\n\n{opener}\n{question}\n:::\n\n{after}\n", encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0 and "0 errors" in out
    gaps = {}
    for lang, question, after in (("nb", "Hva vil du prøve denne uken?", "Lykke til!"),
                                  ("en", "What will you try this week?", "Good luck!")):
        code, out, err = run_cli("--root", str(root), "pdf", "--handout", "handout-play", "--lang", lang)
        assert code == 0, err
        ys = _text_heights(root / f"build/base/pdf/{lang}/handouts/handout-play.pdf")
        gaps[lang] = ys[question] - ys[after]
    line = 0.9 / 2.54 * 72  # one writing line every 0.9 cm
    assert gaps["nb"] > 5 * line  # five lines asked for
    assert gaps["en"] > 4 * line  # four when no number is given
    assert abs(gaps["nb"] - gaps["en"] - line) < 2  # one line more is 0.9 cm more room


def test_contact_box_never_stands_alone_on_the_last_page(fixture_copy):
    from pypdf import PdfReader
    root = fixture_copy("bilingual")
    p = root / "manual/training/handout-play.nb.md"
    text = p.read_text(encoding="utf-8")
    # the shortest text that no longer fits on one page with the contact box: the box would go over alone
    for k in range(10, 30):
        p.write_text(text + "".join(f"\nAvsnitt {i}: Barn lærer når de leker, og lek gir ro og glede i hverdagen.\n"
                                    for i in range(k)), encoding="utf-8")
        code, out, err = run_cli("--root", str(root), "pdf", "--handout", "handout-play")
        assert code == 0, err
        pages = [" ".join(pg.extract_text().split()) for pg in PdfReader(root / "build/base/pdf/nb/handouts/handout-play.pdf").pages]
        if len(pages) > 1:
            break
    assert len(pages) == 2
    # the box opens page 1, before the title (never inside the text); page 2 carries the rest of the text
    assert pages[0].startswith("UTKAST Basisversjon Ark til foreldrene Kontakter – Basisversjon [fyll inn: telefonnummeret] ")
    assert pages[0].endswith(" 1 / 2") and "Kontakter" not in pages[1]
    assert pages[1] == (f"UTKAST Basisversjon Ark til foreldrene Avsnitt {k - 1}: Barn lærer når de leker, og lek gir ro og "
                        "glede i hverdagen. 2 / 2")


def test_pdfs_have_no_suspects_key_that_poppler_misreads(fixture_copy):
    import shutil
    import subprocess
    import pikepdf
    from manualkit.a11y.pdf import check_pdf
    root = fixture_copy("bilingual")
    code, _out, err = run_cli("--root", str(root), "pdf", "--handout", "handout-play")
    assert code == 0, err
    path = root / "build/base/pdf/nb/handouts/handout-play.pdf"
    data = path.read_bytes()
    assert b"/Suspects" not in data and b"/MarkInfo<</Marked true" in data
    with pikepdf.open(path) as pdf:  # offsets still right: qpdf opens it without repairing
        assert pdf.Root.MarkInfo.Marked is True and "/Suspects" not in pdf.Root.MarkInfo
        assert pdf.check_pdf_syntax() == []
    assert check_pdf(path, "nb").problems == []  # tagged, PDF/UA-1 and PDF/A-2a identified, title, language, fonts
    if shutil.which("pdfinfo"):
        done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)
        assert done.returncode == 0 and done.stderr == "" and "Tagged:          yes" in done.stdout


# -- Set-up -----------------------------------------------------------------------------------

def _fake_python(folder: Path, name: str, version: tuple[int, int]) -> None:
    p = folder / name
    p.write_text("#!/bin/sh\n"
                 f"case \"$1\" in --version) echo 'Python {version[0]}.{version[1]}.0';; "
                 f"-c) exit {1 if version < (3, 11) else 0};; esac\n", encoding="utf-8")
    p.chmod(0o755)


def test_makefile_takes_the_newest_python_or_the_one_given(tmp_path):
    import os
    import shutil
    import subprocess
    from conftest import REPO
    if not shutil.which("make"):
        import pytest
        pytest.skip("make is not installed")
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    for name, version in (("python3.11", (3, 11)), ("python3.12", (3, 12)), ("python3.9", (3, 9)), ("python3", (3, 11))):
        _fake_python(bin_, name, version)
    # a pyenv-style shim of a version that is not active: it exists but does not run
    (bin_ / "python3.13").write_text("#!/bin/sh\necho 'pyenv: python3.13: command not found' >&2\nexit 127\n")
    (bin_ / "python3.13").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_}:/usr/bin:/bin"}
    env.pop("PYTHON", None)

    def chosen(**extra: str) -> str:
        done = subprocess.run(["make", "-s", "-C", str(REPO), "python"], capture_output=True, text=True, env={**env, **extra})
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()
    assert chosen() == "python3.12: Python 3.12.0"
    assert chosen(PYTHON=str(bin_ / "python3.11")) == f"{bin_ / 'python3.11'}: Python 3.11.0"
    (bin_ / "python3.12").unlink()
    assert chosen() == "python3.11: Python 3.11.0"


def test_pyproject_has_ranges_and_the_lock_has_the_pins():
    import re
    import tomllib
    from conftest import REPO
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"  # the SPDX form (PEP 639), not a table
    deps = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    assert [d for d in deps if "==" in d] == []
    assert [d for d in deps if not re.search(r">=[\d.]+,<[\d.]+$", d)] == []
    lock = {}
    for line in (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            lock[re.sub(r"[-_.]+", "-", name).lower()] = version
    for dep in deps:
        name, low, high = re.match(r"([A-Za-z0-9_.-]+)>=([\d.]+),<([\d.]+)$", dep).groups()
        pinned = lock.get(re.sub(r"[-_.]+", "-", name).lower())
        assert pinned, f"{name} is not pinned in requirements.lock"
        as_tuple = lambda v: tuple(int(x) for x in v.split("."))  # noqa: E731
        assert as_tuple(low) <= as_tuple(pinned) < as_tuple(high), (dep, pinned)


# -- A third language -------------------------------------------------------------------------

WELCOME_NN = """\
---
id: welcome
title: Velkomen
summary: Kva testmanualen handlar om.
translation:
  from: nb
  source_hash: HASH
---

Denne manualen er laga for testar av verktøyet. Æ, ø og å skal visast rett.

## Om manualen {#about}

Manualen blir brukt av {{ service.child_welfare }} i {{ municipality.name }}. Les om
[tryggleiksplanen](ref:safety#plan) før første besøk.

## Vidare lesing {#further}

Sjå [øvinga med leik](ref:session-play).
"""


def _switcher(html: str) -> list[tuple[str, str, str]]:
    import re
    return [(href, lang, " ".join(name.split())) for href, lang, name in
            re.findall(r'<a href="([^"]*)" hreflang="([^"]*)" class="md-select__link">([^<]*)<', html)]


def test_nynorsk_is_added_step_by_step_and_published(fixture_copy):
    import io
    import re
    import shutil
    from pypdf import PdfReader
    from conftest import REPO
    from manualkit.outputs.runner import build_output
    root = fixture_copy("bilingual")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    # step 1: one command; the manual still builds, with warnings that say what is missing
    code, out, err = run_cli("--root", str(root), "new", "language", "nn")
    assert (code, err) == (0, "")
    assert out.startswith("created locales/nn.yml (a copy of locales/nb.yml: translate it)\n"
                          "updated manual/manual.yml (languages: nb, en, nn)\n"
                          "next steps for nn (until each is done, the nb text is shown):\n"
                          "  1. translate locales/nn.yml: ")
    # every title and variable still without Nynorsk, at its line, as manual check will warn (W1651)
    assert "  2. give 6 titles and variables in manual/manual.yml a 'nn:' text (W1651):\n" in out
    assert "     manual/manual.yml:8: the title of part 'basics'\n" in out
    assert "  3. translate the modules: 5 have no nn translation (W502; " in out
    assert "language_name: norsk nynorsk\n" in (root / "locales/nn.yml").read_text(encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0, out
    assert_problem(out, code="W509", where="locales/glossary.yml:2:5", says="'hjelpetiltak' has no nn entry", hint="nn: {term:")
    # the five modules without Nynorsk are one line (manual check --verbose lists each)
    assert len([p for p in problems_seen(out) if p.code == "W502" and "nn translation" in p.message]) == 1, out
    assert_problem(out, code="W502", where="manual/basics/safety.nb.md", says="5 times")
    code, verbose, _ = run_cli("--root", str(root), "check", "--verbose")
    assert len([p for p in problems_seen(verbose) if p.code == "W502" and "nn translation" in p.message]) == 5
    assert_problem(verbose, code="W502", where="manual/basics/welcome.nb.md", says="'welcome' has no nn translation")
    # the copied interface texts are marked: W510 says how many are still copies, at the list's line
    nn_yml = (root / "locales/nn.yml").read_text(encoding="utf-8")
    listed = [ln[4:].strip('"') for ln in nn_yml.split("untranslated:\n", 1)[1].split("\n") if ln.startswith("  - ")]
    assert "language_name" not in listed and len(listed) > 10
    line = nn_yml.split("\n").index("untranslated:") + 1
    assert len([p for p in problems_seen(out) if p.code == "W510"]) == 1, out
    said = assert_problem(out, code="W510", where=f"locales/nn.yml:{line}:1", says=f"still has {len(listed)} texts as copied")
    assert f"({', '.join(listed[:4])} and {len(listed) - 4} more)" in said.message  # the first four, and how many more
    # a text changed counts as translated; a key taken out of the list counts as done as it is
    first = listed[0].split(".")[-1]
    nn_lines = nn_yml.split("\n")
    at = next(i for i, ln in enumerate(nn_lines) if i > line + len(listed) and ln.strip().startswith(f"{first}:"))
    nn_lines[at] = nn_lines[at].split(":", 1)[0] + ": Omsett tekst"
    nn_lines.remove(f'  - "{listed[1]}"')
    (root / "locales/nn.yml").write_text("\n".join(nn_lines), encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check")
    assert f"still has {len(listed) - 2} texts as copied from nb ({', '.join(listed[2:6])} and" in out, out
    # step 2: a first translation; a Nynorsk municipality publishes nn at its site root
    from manualkit.core.model import body_hash
    source = (root / "manual/basics/welcome.nb.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    write_tree(root, {"manual/basics/welcome.nn.md": WELCOME_NN.replace("HASH", body_hash(source)),
                      "adaptations/testby/overlays/local-records.nn.md":
                          "## Dokumentasjon i Testby {#records}\n\nI Testby skriv vi notatet i fagsystemet same dagen som besøket.\n",
                      # the municipality's shorter session plan, in Nynorsk too (an overlay per language of the variant)
                      "adaptations/testby/overlays/shorter-play.nn.md":
                          (root / "adaptations/testby/overlays/shorter-play.nb.md").read_text(encoding="utf-8")})
    _edit(root, ADAPT, "languages: [nb, en]", "languages: [nn, nb, en]\ndefault_language: nn")
    project = load_project(root, None)
    assert [p for p in project.problems if p.is_error] == []
    assert "welcome" not in " ".join(p.message for p in project.problems if p.code == "W502" and "nn" in p.message)
    log = io.StringIO()
    build_output(project.resolutions["base"], "site", root / "build", log)
    base = root / "build/base/site"
    page = (base / "nn/basics/welcome.html").read_text(encoding="utf-8")
    assert '<html lang="nn"' in page and "Denne manualen er laga for testar av verktøyet." in page
    assert _switcher(page) == [("../../basics/welcome.html", "nb", "norsk bokmål"),
                               ("../../en/basics/welcome.html", "en", "English"),
                               ("welcome.html", "nn", "norsk nynorsk")]
    assert _switcher((base / "basics/welcome.html").read_text(encoding="utf-8"))[2] == (
        "../nn/basics/welcome.html", "nn", "norsk nynorsk")
    assert '<html lang="nb"' in (base / "basics/welcome.html").read_text(encoding="utf-8")
    for name in ("site", "pdf"):
        build_output(project.resolutions["testby"], name, root / "build", log)
    site = root / "build/testby/site"
    home = (site / "basics/welcome.html").read_text(encoding="utf-8")
    assert '<html lang="nn"' in home and "Manualen blir brukt av barnevernstjenesten i Testby kommune." in " ".join(
        re.sub(r"<[^>]+>", " ", home).split())
    assert _switcher(home) == [("welcome.html", "nn", "norsk nynorsk"), ("../nb/basics/welcome.html", "nb", "norsk bokmål"),
                               ("../en/basics/welcome.html", "en", "English")]
    assert (site / "nb/basics/welcome.html").is_file() and (site / "en/basics/welcome.html").is_file()
    book = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(root / "build/testby/pdf/nn/manual.pdf").pages)
    assert "Velkomen" in book and "I Testby skriv vi notatet i fagsystemet same dagen som besøket." in book
    handout = " ".join(PdfReader(root / "build/testby/pdf/nn/handouts/handout-play.pdf").pages[0].extract_text().split())
    assert handout.startswith("UTKAST Testby kommune")  # not translated yet: the Bokmål text, with its banner
    assert (root / "build/testby/pdf/nn/sessions/session-play.pdf").is_file()
    from manualkit.a11y.pdf import check_pdf
    assert check_pdf(root / "build/testby/pdf/nn/manual.pdf", "nn").problems == []


def test_many_missing_translations_of_one_language_are_one_line_and_verbose_lists_them():
    from manualkit.core.problem_text import problems_text
    from manualkit.core.problems import make

    nn = [make("W502", f"manual/basics/m{i}.nb.md", 1, 1, module=f"m{i}", lang="nn", expected=f"manual/basics/m{i}.nn.md",
               source_lang="nb") for i in range(1, 6)]
    en = [make("W502", f"manual/basics/m{i}.nb.md", 1, 1, module=f"m{i}", lang="en", expected=f"manual/basics/m{i}.en.md",
               source_lang="nb") for i in range(1, 3)]
    other = make("W703", "manual/manual.yml", 9, 5, name="service.phone", variant="", what="telefonnummeret", where="manual/manual.yml")
    problems = nn[:2] + [other] + nn[2:] + en
    text = problems_text(problems, "text", group=True)
    lines = [ln for ln in text.splitlines() if not ln.startswith("    ")]
    # exact on purpose: this pins the grouped line that problem_text.grouped() composes (count, the
    # '…' for the module, the first one named), its place in the order and the summary, not a rule's words
    assert lines == [
        "manual/basics/m1.nb.md:1:1: warning[W502]: 5 times: module '…' has no nn translation (the first: module 'm1' has no nn translation)",
        f"manual/manual.yml:9:5: warning[W703]: {other.message}",
        "manual/basics/m1.nb.md:1:1: warning[W502]: module 'm1' has no en translation",
        "manual/basics/m2.nb.md:1:1: warning[W502]: module 'm2' has no en translation",
        "0 errors, 8 warnings in 6 files",
    ]
    assert "    hint: 'manual check --verbose' lists each one; create manual/basics/m1.nn.md" in text
    # --verbose (no grouping) and JSON keep every one
    assert problems_text(problems, "text").count("warning[W502]") == 7
    assert problems_text(problems, "json").count('"W502"') == 7

"""The `manual` command as a person uses it: output text, exit codes, formats, edits."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import INTRO_NB, REPO, assert_problem, run_cli, write_tree
from test_rules import EN, NB, nb


def test_check_clean_manual_exits_0(tree):
    root = tree()
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    assert out == "No problems found.\n"


def test_check_prints_path_line_col_code_message_and_hint(tree):
    root = tree({NB: nb("tittel: Innledning\n")})
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1
    # exact on purpose: this test pins the printed format (and the commonest mistake's words),
    # which tests/conftest.py's assert_problem() parses; other tests assert code, place and a phrase
    assert out.splitlines() == [
        "manual/basics/intro.nb.md:7:1: error[E205]: unknown key 'tittel' in the front matter",
        "    hint: did you mean 'title'?",
        "1 error, 0 warnings in 1 file",
    ]


def test_assert_problem_fails_on_another_code_place_or_phrase(tree):
    """The helper the tests use to check problems fails on each thing it pins, in text and in lists."""
    from manualkit.core.project import load_project
    root = tree({NB: nb("tittel: Innledning\n")})
    out = run_cli("--root", str(root), "check")[1]
    problems = load_project(root, ["base"]).problems
    run_in = out.replace("\n    hint: ", " tips (hint): ").replace("\n", " ")  # as a browser shows the editor's answer
    for seen in (out, problems, run_in):
        found = assert_problem(seen, code="E205", where=NB + ":7", says="unknown key 'tittel'", hint="'title'")
        assert (found.where, found.severity) == (NB + ":7:1", "error")
        assert_problem(seen, code="E205", where=NB, says="tittel")
        for wrong in ({"code": "E204"}, {"where": NB + ":8"}, {"where": NB + ":7:2"}, {"where": EN},
                      {"where": NB[:-3]}, {"says": "unknown key 'title'"}, {"hint": "'type'"}):
            with pytest.raises(AssertionError, match=re.escape("problems seen:\n  " + NB + ":7:1: error[E205]: unknown key")):
                assert_problem(seen, **{"code": "E205", "where": NB + ":7", "says": "tittel", **wrong})
        with pytest.raises(AssertionError, match="an empty one would match anything"):
            assert_problem(seen, code="E205", where=NB, says="")


def test_warnings_pass_unless_strict(tree):
    root = tree({EN: None})
    assert run_cli("--root", str(root), "check")[0] == 0
    code, out, _ = run_cli("--root", str(root), "check", "--strict")
    assert code == 1
    assert out.splitlines()[-1] == "0 errors, 1 warning in 1 file"


def test_github_annotations(tree, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    root = tree({NB: nb(body="\nRing 41 23 45 67.\n")})
    _, out, _ = run_cli("--root", str(root), "check")
    errors = [line for line in out.splitlines() if line.startswith("::error")]
    # exact on purpose: this pins the GitHub annotation format (file, line, col, [code], the hint in brackets)
    assert errors == ["::error file=manual/basics/intro.nb.md,line=15,col=6::[E807] a phone number is not allowed in a module: "
                      "41 23 45 67 (hint: put contact details in a variable (manual.yml or adaptation.yml) and write "
                      "{{ service.child_welfare_phone }})"]


def test_json_format(tree):
    root = tree({NB: nb(body="\nRing 41 23 45 67.\n")})
    code, out, _ = run_cli("--root", str(root), "check", "--format", "json")
    rows = json.loads(out)
    assert code == 1
    assert [(r["path"], r["line"], r["code"], r["severity"]) for r in rows] == [
        ("manual/basics/intro.en.md", 6, "W503", "warning"),  # the source body changed
        ("manual/basics/intro.nb.md", 15, "E807", "error")]


def test_usage_error_exits_2_without_traceback(tree):
    root = tree()
    code, out, err = run_cli("--root", str(root), "check", "--bogus")
    assert code == 2
    assert "unrecognized arguments: --bogus" in err
    assert "Traceback" not in err + out


def test_outside_a_manual_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli("check")
    assert code == 2
    assert err.startswith("manual: no manual/manual.yml found here or in any parent folder")


def test_check_does_not_import_renderers(tree):
    root = tree()
    code = (
        "import sys; from manualkit.cli import main; rc = main(['--root', sys.argv[1], 'check']);"
        "bad = [m for m in ('mkdocs', 'typst', 'pypandoc', 'material') if m in sys.modules];"
        "print('IMPORTED', bad); sys.exit(rc)"
    )
    res = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert "IMPORTED []" in res.stdout


def test_status_table_and_json(tree):
    root = tree({EN: None})
    code, out, _ = run_cli("--root", str(root), "status")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["module", "status", "nb", "en", "LIX"]
    assert lines[2].split() == ["intro", "draft", "source", "missing"]
    assert "en: 1 missing" in out
    code, out, _ = run_cli("--root", str(root), "status", "--format", "json")
    assert json.loads(out)[0]["languages"] == {"nb": "source", "en": "missing"}


def test_translations_mark_records_hash_and_keeps_the_rest(tree):
    root = tree({NB: INTRO_NB.replace("Kort innledning.", "Kort innledning, nå endret."), })
    before = (root / EN).read_text()
    assert run_cli("--root", str(root), "check", "--strict")[0] == 1  # stale
    code, out, _ = run_cli("--root", str(root), "translations", "mark", "intro", "en")
    assert code == 0 and out.startswith("marked manual/basics/intro.en.md")
    after = (root / EN).read_text()
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert len(changed) == 1 and changed[0][1].startswith("  source_hash: ")
    assert run_cli("--root", str(root), "check", "--strict")[0] == 0


def test_translations_mark_adds_missing_hash_in_crlf_file(tree):
    en = ("---\r\nid: intro\r\ntitle: Introduction\r\n# keep this comment\r\ntranslation:\r\n  from: nb\r\n---\r\n\r\n"
          "Short introduction.\r\n\r\n## First part {#first}\r\n\r\nText about {{ service.child_welfare }}.\r\n")
    root = tree({EN: en.encode()})
    assert run_cli("--root", str(root), "translations", "mark", "intro", "en")[0] == 0
    data = (root / EN).read_bytes()
    assert b"# keep this comment\r\n" in data and b"  source_hash: " in data and b"\n\n" not in data.replace(b"\r\n", b"")
    assert run_cli("--root", str(root), "check", "--strict")[0] == 0


def test_new_module_scaffolds_valid_files(tree):
    root = tree()
    code, out, _ = run_cli("--root", str(root), "new", "module", "local-routines", "--part", "basics", "--type", "session")
    assert code == 0, out
    assert (root / "manual/basics/local-routines.nb.md").is_file()
    assert "      - local-routines" in (root / "manual/manual.yml").read_text()
    code, out, _ = run_cli("--root", str(root), "check")
    # the scaffold is valid except that its translation still has to be marked
    assert code == 0, out


def test_new_module_refuses_unknown_part(tree):
    root = tree()
    code, _, err = run_cli("--root", str(root), "new", "module", "x", "--part", "basic")
    assert code == 2 and "did you mean 'basics'?" in err


def test_internal_error_is_one_short_message(tree, monkeypatch):
    import manualkit.core.project as project
    root = tree()
    monkeypatch.setattr(project, "load_project", lambda *a, **k: 1 / 0)
    code, out, err = run_cli("--root", str(root), "check")
    assert code == 3
    assert err.splitlines()[0] == "manual: internal error (ZeroDivisionError: division by zero)"
    assert "Traceback" not in err


def test_repository_manual_passes_check():
    code, out, _ = run_cli("--root", str(REPO), "check")
    assert code == 0, out


def test_a_folder_that_cannot_be_written_is_a_plain_message(tree, tmp_path):
    root = tree()
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    code, out, err = run_cli("--root", str(root), "schemas", "--out", str(blocker / "schemas"))
    assert code == 1
    assert err.splitlines()[0].startswith(f"manual: cannot use {blocker / 'schemas'}")
    assert "internal error" not in err and "Traceback" not in err


def test_a_port_in_use_is_a_plain_message(tree):
    import socket

    root = tree()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, out, err = run_cli("--root", str(root), "serve", "--port", str(port))
    assert code == 1
    assert err.splitlines()[0].startswith(f"manual: cannot run the preview on port {port}: ")
    assert f"hint: another preview may be running; try: manual serve --port {port + 1}" in err
    assert "Traceback" not in err

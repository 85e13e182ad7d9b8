"""Issue 23: inputs from outside reviewers and exports for spreadsheets are safe by construction.

Each test feeds hostile input to one surface (docs/security.md, "Inputs from outside") and checks
what the user gets: the refusal with file:line, or the safe output.
"""
from __future__ import annotations

import csv
import io
import json
import re

from conftest import REPO, assert_problem, run_cli

from manualkit.outputs.csv_safe import csv_text, safe_cell


# -- Spreadsheet exports -----------------------------------------------------------------------

def test_csv_cells_a_spreadsheet_would_run_are_shown_as_text():
    hostile = ["=HYPERLINK(\"http://x.invalid\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
    text = csv_text(["a"], [{"a": h} for h in hostile])
    cells = [r["a"] for r in csv.DictReader(io.StringIO(text, newline=""))]
    assert len(text.splitlines()) == 1 + len(hostile) + 1  # the one cell with a line break spans two lines
    assert cells == ["'" + h.replace("\r", "\n") for h in hostile]


def test_csv_keeps_numbers_and_plain_text_and_generated_redcap_syntax():
    assert [safe_cell(v) for v in ("-0.5", "-11", "33", "Kortere besøk", "a=b", 3)] == ["-0.5", "-11", "33", "Kortere besøk", "a=b", 3]
    text = csv_text(["label", "logic"], [{"label": "=1", "logic": "[s1_step1] = '1'"}], verbatim=["logic"])
    assert text.splitlines()[1] == "'=1,[s1_step1] = '1'"


def test_a_hostile_adaptation_reason_reaches_the_ledger_csv_as_text(fixture_copy):
    root = fixture_copy("bilingual")
    yml = root / "adaptations" / "testby" / "adaptation.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("Kortere besøk passer familiene bedre",
                                                           "'=HYPERLINK(\"http://x.invalid\",\"klikk\")'", 1), encoding="utf-8")
    code, out, err = run_cli("--root", str(root), "report", "ledger", "--variant", "testby", "--format", "csv", "--lang", "nb")
    assert code == 0, err
    cells = [c for row in csv.reader(io.StringIO(out)) for c in row]
    assert "'=HYPERLINK(\"http://x.invalid\",\"klikk\")" in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


def test_every_csv_the_toolkit_writes_goes_through_the_one_writer():
    tools = REPO / "tools" / "manualkit"
    users = sorted(p.relative_to(tools).as_posix() for p in tools.rglob("*.py")
                   if re.search(r"csv\.(writer|DictWriter)\(", p.read_text(encoding="utf-8")))
    assert users == ["outputs/csv_safe.py"]


# -- git ---------------------------------------------------------------------------------------

import subprocess  # noqa: E402

import pytest  # noqa: E402

from manualkit.release import git as git_mod  # noqa: E402


@pytest.mark.parametrize("value", ["--upload-pack=touch pwned", "-o", "1.0.0\n", " 1.0.0", "1.0.0 --all", "1.0", "v1.0.0"])
def test_a_pinned_base_version_that_is_not_a_version_never_reaches_git(fixture_copy, value):
    root = fixture_copy("bilingual")
    yml = root / "adaptations" / "testby" / "adaptation.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("base_version: 1.0.0", f"base_version: {value!r}".replace("'", '"')),
                   encoding="utf-8")
    code, out, err = run_cli("--root", str(root), "build", "--only", "site", "--variant", "testby")
    assert code == 1
    assert "manual: adaptations/testby/adaptation.yml:4: error E1301: '" in err
    assert "is not a release version, so it is not given to git" in err
    assert "\n" not in err.split("E1301: '")[1].split("' is not")[0]  # the value is shown escaped, on one line
    code, out, _ = run_cli("--root", str(root), "check")
    assert_problem(out, code="E207", where="adaptations/testby/adaptation.yml:4:15", says="'base_version' must be a version")


@pytest.mark.parametrize("value", ["--upload-pack=touch pwned", "-o", "0.2.0\n"])
def test_a_release_version_that_is_not_a_version_is_refused(fixture_copy, value):
    root = fixture_copy("bilingual")
    code, _, err = run_cli("--root", str(root), "release", "--", value)
    assert code == 2 and "is not a version like 0.2.0" in err
    with pytest.raises(git_mod.GitError, match="E1301"):
        git_mod.release_tag(value, "manual/manual.yml")


def test_every_git_call_separates_options_from_values(tmp_path, monkeypatch):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.invalid",
                    "commit", "-q", "--allow-empty", "-m", "x"], check=True)
    seen: list[list[str]] = []
    real = subprocess.run

    def spy(cmd, *a, **k):
        seen.append(list(cmd))
        return real(cmd, *a, **k)

    monkeypatch.setattr(git_mod.subprocess, "run", spy)
    git_mod.head(tmp_path), git_mod.commit_time(tmp_path), git_mod.tag_exists(tmp_path, "v1.0.0")
    git_mod.tags(tmp_path), git_mod.dirty(tmp_path, "manual"), git_mod.tracked_files(tmp_path, "HEAD", "manual")
    git_mod.same_tree(tmp_path, "HEAD", "HEAD", "manual")
    assert len(seen) == 7
    assert [c for c in seen if "--end-of-options" not in c and "--" not in c] == []
    with pytest.raises(git_mod.GitError, match="E1301"):
        git_mod.tag_exists(tmp_path, "--upload-pack=x")
    assert len(seen) == 7


# -- Word files --------------------------------------------------------------------------------

import zipfile  # noqa: E402
from pathlib import Path  # noqa: E402

from docx_reviewer import Reviewer  # noqa: E402

from manualkit.core.problems import ManualkitError  # noqa: E402
from manualkit.editing.proposal import writable_source  # noqa: E402


def _export(root: Path, *args: str) -> Path:
    code, out, err = run_cli("--root", str(root), "docx", *args)
    assert code == 0, err
    return root / re.search(r"wrote (\S+)", out).group(1)


def _rezip(src: Path, out: Path, replace: dict[str, bytes], extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts.update(replace)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in {**parts, **(extra or {})}.items():
            z.writestr(name, data)
    return out


def _import(root: Path, path: Path, *more: str) -> tuple[int, str, str]:
    return run_cli("--root", str(root), "docx", "import", str(path), *more)


def test_a_file_that_is_not_a_docx_is_refused_in_plain_words(fixture_copy, tmp_path):
    root = fixture_copy("bilingual")
    pdf = tmp_path / "review.docx"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    code, out, err = _import(root, pdf)
    assert (code, out) == (2, "")
    assert err == (f"manual: {pdf} is not a readable DOCX (Word document): it is not a zip file, as every .docx is\n"
                   "    hint: save it from Word as a .docx (Word document) file and import that file; an old .doc, "
                   "a PDF or a renamed file cannot be imported\n")
    other = tmp_path / "other.docx"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("hello.txt", "hi")
    code, _, err = _import(root, other)
    assert code == 2 and err.startswith(f"manual: {other} is not a readable DOCX (Word document): it is a zip file without word/document.xml")


def test_a_zip_bomb_is_refused_before_it_fills_memory(fixture_copy, tmp_path):
    root = fixture_copy("bilingual")
    path = _export(root, "--module", "welcome", "--lang", "nb")
    bomb = _rezip(path, tmp_path / "bomb.docx", {"word/comments.xml": b"<a>" + b" " * (20 * 1024 * 1024) + b"</a>"})
    assert bomb.stat().st_size < 200_000
    code, _, err = _import(root, bomb)
    assert code == 2
    assert err.startswith(f"manual: {bomb} is not a readable DOCX: word/comments.xml unpacks to more than 200 times its packed size")
    many = _rezip(path, tmp_path / "many.docx", {}, {f"x/{i}.xml": b"" for i in range(5001)})
    code, _, err = _import(root, many)
    assert code == 2 and "holds 50" in err and "more than the 5000 a Word document can have" in err


def test_entities_and_doctypes_in_a_docx_are_never_resolved(fixture_copy, tmp_path):
    root = fixture_copy("bilingual")
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-4711", encoding="utf-8")
    path = _export(root, "--module", "welcome", "--lang", "nb")
    with zipfile.ZipFile(path) as z:
        doc = z.read("word/document.xml").decode("utf-8")
    xxe = doc.replace("<w:document", f'<!DOCTYPE w:document [<!ENTITY x SYSTEM "file://{secret}">]><w:document', 1)
    xxe = xxe.replace("Familien Fjell", "&x; Familien Fjell", 1)
    laughs = ('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><l>&d;</l>')
    for name, part, data in (("xxe", "word/document.xml", xxe), ("laughs", "docProps/custom.xml", laughs)):
        hostile = _rezip(path, tmp_path / f"{name}.docx", {part: data.encode("utf-8")})
        code, out, err = _import(root, hostile)
        assert code == 2, err
        assert err.startswith(f"manual: {hostile} is not a readable DOCX: {part} declares a DOCTYPE, which Word never writes")
        assert "TOPSECRET" not in out + err


def test_bookmarks_and_properties_only_reach_the_modules_the_export_contained(fixture_copy, tmp_path):
    root = fixture_copy("bilingual")
    safety = root / "manual" / "basics" / "safety.nb.md"
    before = safety.read_text(encoding="utf-8")
    path = _export(root, "--book", "--lang", "nb")
    r = Reviewer(path)
    r.insert("ved hvert besøk.", " Endret av en fremmed.")
    r.insert("før første besøk.", " Planen skal være skriftlig.")
    r.save()
    with zipfile.ZipFile(path) as z:
        custom = z.read("docProps/custom.xml").decode("utf-8")
    custom = re.sub(r'(name="fp-modules"><vt:lpwstr>)[^<]*', r"\1welcome", custom)
    custom = custom.replace("manual/basics/welcome.nb.md|", "../../outside.nb.md|")  # a path planted in a record
    hostile = _rezip(path, tmp_path / "narrowed.docx", {"docProps/custom.xml": custom.encode("utf-8")})
    code, out, err = _import(root, hostile, "--apply")
    assert "+++ b/manual/basics/welcome.nb.md" in out
    assert "safety.nb.md" not in out and "Endret av en fremmed" not in out and "outside" not in out
    assert "Planen skal være skriftlig." in (root / "manual" / "basics" / "welcome.nb.md").read_text(encoding="utf-8")
    assert safety.read_text(encoding="utf-8") == before
    assert not (root.parent / "outside.nb.md").exists()


def test_apply_writes_only_plain_source_files_inside_the_manual(fixture_copy, tmp_path):
    root = fixture_copy("bilingual")
    (tmp_path / "outside.md").write_text("x", encoding="utf-8")
    (root / "manual" / "basics" / "link.nb.md").symlink_to(tmp_path / "outside.md")
    for bad in ("../outside.md", str(tmp_path / "outside.md"), "manual/../../outside.md", "manual/basics/link.nb.md",
                "build/x.md", "manual/basics/welcome.nb.md/../../../pyproject.toml"):
        with pytest.raises(ManualkitError, match="is not a source file of the manual; nothing was written"):
            writable_source(root, bad)
    assert writable_source(root, "manual/basics/welcome.nb.md") == root.resolve() / "manual/basics/welcome.nb.md"


# -- Text that reaches a terminal --------------------------------------------------------------

WELCOME_NB = "manual/basics/welcome.nb.md"


def test_control_characters_in_content_are_an_error_at_their_line_and_never_printed_raw(fixture_copy):
    root = fixture_copy("bilingual")
    path = root / WELCOME_NB
    text = path.read_text(encoding="utf-8")
    assert "før første besøk." in text
    path.write_text(text.replace("før første besøk.", "før første besøk.\x1b[2J\x1b]0;owned\x07 \u202egnal", 1), encoding="utf-8")
    line = next(i for i, ln in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if "\x1b" in ln)
    col = path.read_text(encoding="utf-8").split("\n")[line - 1].index("\x1b") + 1
    code, out, err = run_cli("--root", str(root), "check")
    assert code == 1
    assert_problem(out, code="E1302", where=f"{WELCOME_NB}:{line}:{col}", says=f"control character (ESC) at column {col}")
    assert_problem(out, code="E1302", where=f"{WELCOME_NB}:{line}", says="control character (BEL)")
    assert_problem(out, code="E1302", where=f"{WELCOME_NB}:{line}", says="control character (U+202E)")
    for raw in ("\x1b", "\x07", "\u202e"):
        assert raw not in out + err


def test_a_message_that_quotes_content_escapes_control_characters():
    from manualkit.core.problems import format_problem, make
    p = make("E203", "adaptations/x/adaptation.yml", 8, 3, key="branding.primary_colour", value="#00567a\x1b[8m",
             allowed="a colour", suggest="")
    shown = format_problem(p)
    assert "\x1b" not in shown and "'#00567a\\x1b[8m'" in shown


def test_a_colour_with_anything_after_it_is_not_a_colour(fixture_copy):
    root = fixture_copy("bilingual")
    yml = root / "adaptations" / "testby" / "adaptation.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace('primary_colour: "#00567a"', 'primary_colour: "#00567a\\n"'),
                   encoding="utf-8")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1
    # the value is quoted with the newline escaped, so the message stays on its line
    assert_problem(out, code="E203", where="adaptations/testby/adaptation.yml:8:19", says="cannot be '#00567a\\n'")


# -- Caches ------------------------------------------------------------------------------------

class _Boom:
    def __reduce__(self):
        return (exec, ("import pathlib; pathlib.Path('PWNED').write_text('x')",))


def _project_entries(root) -> list:
    return sorted((root / "build" / ".cache" / "project").iterdir())


def _stored_json(entry, whole=False):
    """The JSON inside a sealed entry (the MAC checked): its value, or with ``whole`` its string table too."""
    import json

    from manualkit.outputs import sealed
    data = sealed.unseal(entry.read_bytes())
    assert data is not None
    stored = json.loads(data)
    assert stored.keys() == {"strings", "value"}
    return stored if whole else stored["value"]


def test_a_planted_cache_entry_is_a_miss_and_never_runs(fixture_copy, monkeypatch):
    import pickle as _pickle

    from manualkit.outputs import sealed
    root = fixture_copy("bilingual")
    first = run_cli("--root", str(root), "check")
    entries = _project_entries(root)
    assert entries
    monkeypatch.chdir(root)
    payload = _pickle.dumps(("project-cache-1", _Boom(), {}))
    for planted in (payload, sealed.seal(payload)):  # even sealed with this computer's key
        for entry in entries:
            entry.write_bytes(planted)
        assert run_cli("--root", str(root), "check") == first
        assert not (root / "PWNED").exists()
        assert _stored_json(entries[0])[:2] == ["t", "project-cache-2"]
    assert sealed.unseal(payload) is None and sealed.unseal(sealed.seal(b"data")) == b"data"


def _damage(entry, change) -> None:
    import json

    from manualkit.outputs import sealed
    whole = _stored_json(entry, whole=True)
    changed = change(whole["value"])
    data = changed if isinstance(changed, bytes) else json.dumps({**whole, "value": changed}).encode("utf-8")
    entry.write_bytes(sealed.seal(data))  # sealed with the right key: only the schema can refuse it


def _first_problem(stored):
    checked = stored[3]
    assert checked[:2] == ["c", "manualkit.cli.project_cache.Checked"]
    problems = checked[2]
    assert problems[0] == "t" and len(problems) > 1, "the fixture has warnings to damage"
    return problems[1]  # ["c", "manualkit.core.problems.Problem", path, line, col, ...]


def _set(stored, where, value):
    _first_problem(stored)[where] = value
    return stored


DAMAGES = {
    "a line that is not a number": lambda s: _set(s, 3, "12"),
    "a bool where a number goes": lambda s: _set(s, 3, True),
    "a function instead of a class": lambda s: _set(s, 1, "os.system"),
    "a builtin": lambda s: _set(s, 1, "builtins.eval"),
    "a toolkit function": lambda s: _set(s, 1, "manualkit.cli.main.main"),
    "another toolkit class": lambda s: _set(s, 1, "manualkit.core.body.Heading"),
    "a severity that does not exist": lambda s: _set(s, 8, ["e", "manualkit.core.severity.Severity", "fatal"]),
    "a field too many": lambda s: (_first_problem(s).append("x"), s)[1],
    "a field missing": lambda s: (_first_problem(s).pop(), s)[1],
    "a list where a tuple goes": lambda s: (s[3].__setitem__(2, ["l", *s[3][2][1:]]), s)[1],
    "another format": lambda s: (s.__setitem__(1, "project-cache-1"), s)[1],
    "an entry moved from another key": lambda s: (s.__setitem__(2, "0" * 64), s)[1],
    "deep nesting": lambda s: b"[" * 100000,
    "not JSON": lambda s: b"\x80\x81 not json",
    "a string index out of the table": lambda s: _set(s, 6, ["r", 10 ** 6]),
    "a string index that is not a number": lambda s: _set(s, 6, ["r", "0"]),
    "a bare value without the table": lambda s: json.dumps(s).encode("utf-8"),
    "empty": lambda s: b"",
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_cache_entry_that_is_not_exactly_its_type_is_a_miss_and_rebuilt(fixture_copy, damage):
    root = fixture_copy("bilingual")
    first = run_cli("--root", str(root), "check")
    assert "warning" in first[1]
    [entry] = _project_entries(root)
    good = entry.read_bytes()
    _damage(entry, DAMAGES[damage])
    assert entry.read_bytes() != good
    assert run_cli("--root", str(root), "check") == first  # never a traceback, never another answer
    assert entry.read_bytes() == good  # computed again and stored again


def test_a_tampered_or_unsealed_cache_entry_never_changes_the_answer(fixture_copy):
    import json

    root = fixture_copy("bilingual")
    first = run_cli("--root", str(root), "check")
    [entry] = _project_entries(root)
    stored = _stored_json(entry, whole=True)
    stored["value"][3][2] = ["t"]  # "no problems at all", well formed but not sealed with this computer's key
    entry.write_bytes(json.dumps(stored).encode("utf-8"))
    assert run_cli("--root", str(root), "check") == first
    blob = bytearray(entry.read_bytes())
    blob[-5] ^= 1  # one bit changed in a sealed entry
    entry.write_bytes(bytes(blob))
    assert run_cli("--root", str(root), "check") == first


def test_the_cache_keeps_and_reads_back_a_whole_project_as_data(fixture_copy):
    from typing import Any

    from manualkit.cli import cache_json
    from manualkit.core.project import Project, load_project
    project = load_project(fixture_copy("bilingual"), None, render=True)
    data = cache_json.dumps((project, {"tools": {"x": "1"}}))
    again, known = cache_json.loads(data, tuple[Project, dict[str, Any]])
    assert again == project and known == {"tools": {"x": "1"}}
    assert cache_json.dumps(again) == cache_json.dumps(project)


def test_the_cache_keeps_a_long_string_once_and_checks_every_type():
    from manualkit.cli import cache_json
    from manualkit.core.problems import Problem
    from manualkit.core.severity import Severity

    long = "x" * 500
    value = (long, long, ("a", long), {"k": long}, Problem("manual/a.md", 3, 1, "E1", long, "", Severity.ERROR))
    hint = tuple[str, str, tuple[str, str], dict[str, str], Problem]
    data = cache_json.dumps(value)
    assert data.count(b"x" * 500) == 1
    again = cache_json.loads(data, hint)
    assert again == value and again[0] is again[1]
    for wrong in (tuple[str, str, tuple[str, int], dict[str, str], Problem], tuple[str, str], Problem, list[str]):
        with pytest.raises(cache_json.Invalid):
            cache_json.loads(data, wrong)
    from typing import Any
    for planted in (["c", "manualkit.core.project.load_project"], ["c", "subprocess.Popen", ["l", "sh"]],
                    ["c", "builtins.eval", "1"], ["e", "os.environ", "x"], ["c", "manualkit.core.nowhere.X"],
                    ["c", "manualkit.core.problems.Problem"], ["s", ["l"]], ["x", 1]):
        with pytest.raises(cache_json.Invalid):  # where any value may stand: still only the toolkit's data
            cache_json.loads(json.dumps({"strings": [], "value": planted}).encode(), Any)
    with pytest.raises(cache_json.Unstorable):
        cache_json.dumps(lambda: 1)
    with pytest.raises(cache_json.Unstorable):
        cache_json.dumps(_Boom())


def test_a_planted_or_damaged_pdf_piece_is_a_miss(tmp_path):
    from manualkit.outputs.cache import Pieces

    store = Pieces(tmp_path / "cache")
    store.put("pdf", "ab" * 32, b"%PDF-1.7 the real one")
    assert store.get("pdf", "ab" * 32) == b"%PDF-1.7 the real one"
    [path] = (tmp_path / "cache" / "pdf").rglob("abab*")
    path.write_bytes(b"%PDF-1.7 planted")  # from another machine or another branch's cache
    assert store.get("pdf", "ab" * 32) is None
    store.put("pdf", "ab" * 32, b"%PDF-1.7 the real one")
    path.write_bytes(path.read_bytes()[:-3])  # damaged
    assert store.get("pdf", "ab" * 32) is None


def test_no_cache_is_read_back_with_pickle():
    tools = REPO / "tools" / "manualkit"
    for path in tools.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"pickle\.loads?\(|Unpickler|shelve|marshal\.loads?\(", text), path


# -- The editor's local backend --------------------------------------------------------------

def _editor_with_backend(root):
    """The editor's server in front of a stand-in for decap-server that, like it, reads and writes
    whatever path it is sent: what reaches it is recorded, what it writes lands where the path says."""
    import functools
    import http.server
    import io
    import json
    import os
    import threading

    from manualkit.cli import editor

    got: list = []

    from conftest import stand_in_decap_server
    backend = stand_in_decap_server(root, got=got)
    log = io.StringIO()
    cls = type("H", (editor._editor_handler(),), {"backend": f"http://127.0.0.1:{backend.server_address[1]}/api/v1",
                                                  "root": root, "log": log})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(cls, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, backend, got, log


def _post_json(port, payload):
    import json
    import urllib.error
    import urllib.request

    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
    req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1", data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


HOSTILE_PATHS = {
    "up": "../outside/planted.md",
    "up from inside": "manual/basics/../../../outside/planted.md",
    "absolute": "{outside}/planted.md",
    "encoded": "manual/%2e%2e/%2e%2e/outside/planted.md",
    "encoded slash": "manual%2f..%2f..%2foutside%2fplanted.md",
    "backslashes": "manual\\..\\..\\outside\\planted.md",
    "NUL": "manual/basics/safety.nb.md\x00../../outside/planted.md",
    "a line break": "manual/basics/x\n.md",
    "a folder that links out": "manual/linked/planted.md",
    "a file that links out": "manual/basics/secret.nb.md",
    "outside the edited folders": "tools/planted.py",
    "the repository itself": ".",
}


def _actions(rel):
    return {
        "persistEntry": {"dataFiles": [{"path": rel, "raw": "planted\n", "slug": "x"}], "assets": [], "options": {}},
        "persistEntry (entry)": {"entry": {"path": rel, "raw": "planted\n", "slug": "x"}, "assets": [], "options": {}},
        "persistEntry (asset)": {"dataFiles": [], "assets": [{"path": rel, "content": "cGxhbnRlZA=="}], "options": {}},
        "persistMedia": {"asset": {"path": rel, "content": "cGxhbnRlZA==", "encoding": "base64"}},
        "getEntry": {"path": rel},
        "getMediaFile": {"path": rel},
        "entriesByFolder": {"folder": rel, "extension": "md", "depth": 1},
        "entriesByFiles": {"files": [{"path": rel}]},
        "getMedia": {"mediaFolder": rel},
        "deleteFile": {"path": rel},
        "deleteFiles": {"paths": ["manual/basics/safety.nb.md", rel]},
    }


def test_the_editor_backend_refuses_every_path_that_leaves_the_manuals_folders(fixture_copy, tmp_path):
    import os

    root = fixture_copy("bilingual")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("secret\n", encoding="utf-8")
    os.symlink(outside, root / "manual" / "linked")
    os.symlink(outside / "secret.md", root / "manual" / "basics" / "secret.nb.md")
    (root / "tools").mkdir()
    httpd, backend, got, log = _editor_with_backend(root)
    try:
        port = httpd.server_address[1]
        for case, template in HOSTILE_PATHS.items():
            rel = template.format(outside=outside)
            for action, params in _actions(rel).items():
                status, answer = _post_json(port, {"action": action.split()[0], "params": params})
                message = answer["error"]
                assert status == 422, (case, action)
                assert message.startswith("Avvist: the path '"), (case, action, message)
                assert "\n    tips (hint): the editor reads and writes only files inside manual/" in message
                assert "\x00" not in message and message.count("\n") == 1, (case, message)
        for payload in (b"not json", b"[]", b'{"params": {}}'):  # not decap-server's API at all
            status, answer = _post_json(port, payload)
            assert status == 422 and answer["error"].startswith("Avvist: the request is not one of decap-server's")
        assert got == []  # decap-server never saw any of them
        assert sorted(p.name for p in outside.iterdir()) == ["secret.md"]
        assert (outside / "secret.md").read_text(encoding="utf-8") == "secret\n"
        assert not (root / "tools" / "planted.py").exists() and not (tmp_path / "planted.md").exists()
        assert "Avvist: the path '../outside/planted.md' goes up with '..'" in log.getvalue()

        # a plain path inside the manual goes on to decap-server as it was sent
        status, _ = _post_json(port, {"action": "getEntry", "params": {"path": "manual/basics/safety.nb.md"}})
        assert status == 200 and got == [{"action": "getEntry", "params": {"path": "manual/basics/safety.nb.md"}}]
    finally:
        for server in (httpd, backend):
            server.shutdown()
            server.server_close()


@pytest.mark.parametrize("rel, reason", [
    ("../x.md", "goes up with '..'"),
    ("/etc/passwd", "is absolute"),
    ("manual/%2E%2e/x.md", "is percent-encoded"),
    ("manual\\x.md", "has a backslash"),
    ("manual/x\x00.md", "has a control character"),
    ("manual/x\u202e.md", "has a control character"),
    ("README.md", "is outside manual/, adaptations/ and locales/"),
    ("", "empty"),
    (None, "not a text"),
])
def test_a_path_from_the_editor_says_why_it_is_refused(fixture_copy, rel, reason):
    from manualkit.cli.editor_guard import path_refusal

    root = fixture_copy("bilingual")
    assert reason in path_refusal(root, rel)
    assert path_refusal(root, "manual/basics/safety.nb.md") is None
    assert path_refusal(root, "manual/basics/new-module.nb.md") is None  # a new file: fine
    assert path_refusal(root, "locales/glossary.yml") is None


# -- Zips and bundles --------------------------------------------------------------------------

@pytest.mark.parametrize("name, reason", [
    ("../../evil.sh", "'..' in it"),
    ("word/../../evil.xml", "'..' in it"),
    ("/etc/cron.d/evil", "an absolute path"),
    ("C:/Windows/evil.dll", "an absolute path"),
    ("word\\..\\..\\evil.xml", "a backslash in it"),
])
def test_a_docx_with_a_member_named_outside_it_is_refused(fixture_copy, tmp_path, name, reason):
    root = fixture_copy("bilingual")
    path = _export(root, "--module", "welcome", "--lang", "nb")
    hostile = _rezip(path, tmp_path / "hostile.docx", {}, {name: b"x"})
    code, _, err = _import(root, hostile)
    assert code == 2
    assert err.startswith(f"manual: {hostile} is not a readable DOCX: it holds a file named '{name}' ({reason}), "
                          "which Word never writes\n")
    assert "hint: the file was made or changed by another program" in err
    assert not (tmp_path.parent / "evil.sh").exists()


def _site(tmp_path):
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<p>hei</p>", encoding="utf-8")
    (site / "assets" / "a.css").write_text("p{}", encoding="utf-8")
    return site


def test_a_zip_holds_only_the_plain_files_of_its_folder(tmp_path):
    from manualkit.release.bundle import zip_folder

    site = _site(tmp_path)
    zip_folder(site, tmp_path / "site.zip", 0)
    with zipfile.ZipFile(tmp_path / "site.zip") as z:
        assert z.namelist() == ["assets/a.css", "index.html"]


@pytest.mark.parametrize("plant", ["a file", "a folder", "a file inside", "a fifo"])
def test_a_symlink_or_special_file_never_gets_into_a_zip_or_bundle(tmp_path, plant):
    import os

    from manualkit.outputs.zips import plain_files
    from manualkit.release.bundle import zip_folder

    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "id_rsa").write_text("PRIVATE", encoding="utf-8")
    site = _site(tmp_path)
    planted = site / "assets" / "x"
    if plant == "a file":
        os.symlink(secret / "id_rsa", planted)
    elif plant == "a folder":
        os.symlink(secret, planted)
    elif plant == "a file inside":
        os.symlink(site / "index.html", planted)  # inside the folder, still a link: refused
    else:
        os.mkfifo(planted)
    with pytest.raises(ManualkitError) as refused:
        zip_folder(site, tmp_path / "site.zip", 0)
    what = "is not a regular file" if plant == "a fifo" else "is a symbolic link"
    assert refused.value.message.startswith(f"{tmp_path / 'site.zip'} was not made: {planted} {what}")
    assert refused.value.hint
    assert not (tmp_path / "site.zip").exists()
    with pytest.raises(ManualkitError, match="the bundle of 1.0.0 was not made"):
        plain_files(site, "the bundle of 1.0.0")


def test_a_release_source_that_links_out_of_the_repository_is_refused(tmp_path):
    import os

    from manualkit.release.bundle import _source

    root = tmp_path / "repo"
    (root / "manual").mkdir(parents=True)
    (root / "manual" / "manual.yml").write_text("id: x\n", encoding="utf-8")
    os.symlink(root / "manual" / "manual.yml", root / "manual" / "same.yml")  # inside: hashed as the file it is
    os.symlink(tmp_path / "elsewhere.yml", root / "manual" / "out.yml")
    assert _source(root, "manual/same.yml").is_file()
    with pytest.raises(ManualkitError, match="manual/out.yml: the bundle was not made: this source file is a symbolic link out of"):
        _source(root, "manual/out.yml")


def test_every_zip_the_toolkit_writes_or_reads_is_guarded():
    """A module that opens a zip also checks its names or packs only plain files (outputs/zips.py)."""
    unguarded = []
    for path in (REPO / "tools" / "manualkit").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "ZipFile(" in text and not re.search(r"\b(check_members|member_refusal|plain_files)\(", text):
            unguarded.append(path.name)
    assert unguarded == []


# -- manual fmt --------------------------------------------------------------------------------

OUT_OF_ORDER = "status: draft\nid: intro\ntitle: Innledning\ntype: chapter\ncomponent: general\n"  # fmt would rewrite it


def _module(tree, raw: bytes):
    root = tree({"manual/basics/intro.nb.md": None})
    path = root / "manual/basics/intro.nb.md"
    path.write_bytes(raw)
    return root, path


def test_fmt_keeps_comments_unknown_keys_crlf_and_a_bom(tree):
    fm = ("# who wrote it\nstatus: draft\nid: intro\n# the title is provisional\ntitle: Innledning\ntype: chapter\n"
          "component: general\nsummary: |\n  # Not a comment: text of the summary\n  Kort.\nx-local:\n  owner: Kari\n# the end\n")
    raw = ("\ufeff---\n" + fm + "---\n\nKort.\n").replace("\n", "\r\n").encode("utf-8")
    root, path = _module(tree, raw)
    code, out, _ = run_cli("--root", str(root), "fmt", str(path))
    assert "formatted" in out, out
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff---\r\n") and "\n" not in text.replace("\r\n", "")  # the BOM, only CRLF
    for comment in ("# who wrote it", "# the title is provisional", "# the end"):
        assert text.count(comment) == 1
    assert text.count("Not a comment") == 1  # text in a multi-line value is not taken for a comment
    assert "x-local:\r\n" in text and "owner: Kari" in text
    assert text.index("id: intro") < text.index("status: draft")  # it was formatted


@pytest.mark.parametrize("raw, line, why", [
    ((("---\n" + OUT_OF_ORDER).replace("title: Innledning", "title: &t Innledning") + "summary: *t\n---\n\nKort.\n"),
     4, "the YAML anchor or alias '&t', which formatting would lose"),
    ("---\r\n" + OUT_OF_ORDER.replace("\n", "\r\n", 3) + "---\r\n\r\nKort.\r\n", 5,
     "this line ends with LF, the lines before it with CRLF"),
    ("---\n" + OUT_OF_ORDER + "---\n\nKort.\rMer.\n", 9, "this line ends with a lone CR"),
    ("\ufeff---\n" + OUT_OF_ORDER.replace("id: intro", "id: intro  # do not change") + "---\n\nKort.\n", 3,
     "a comment after a value, which formatting would lose"),
    ("---\n" + OUT_OF_ORDER + "x-local:\n  # who owns it\n  owner: Kari\n---\n\nKort.\n", 8,
     "a comment inside a value (indented), which formatting would move"),
])
def test_fmt_refuses_a_file_it_cannot_rewrite_without_loss_and_says_where(tree, raw, line, why):
    root, path = _module(tree, raw.encode("utf-8"))
    code, out, _ = run_cli("--root", str(root), "fmt", str(path))
    assert code == 1
    assert out.startswith(f"manual/basics/intro.nb.md:{line}: left as it is: {why}"), out
    assert "; " in out  # what to do about it
    assert path.read_bytes() == raw.encode("utf-8")  # untouched
    assert run_cli("--root", str(root), "fmt", "--check", str(path))[0] == 1


def test_a_planted_parse_file_never_hides_a_finding(fixture_copy, monkeypatch):
    import json
    import shutil

    import manualkit.core.body as body
    import manualkit.core.markdown_scan as scan
    from manualkit.cli.parse_store import FORMAT
    from manualkit.outputs.sealed import unseal

    def fresh() -> None:  # this process as a new command starts it: nothing parsed yet
        body._parse_body.cache_clear()
        monkeypatch.setattr(scan, "_CHUNKS", {})
        monkeypatch.setattr(scan, "_USED", set())
        monkeypatch.setattr(scan, "_PARSED_HERE", [0])

    root = fixture_copy("bilingual")
    fresh()
    assert run_cli("--root", str(root), "check")[0] == 0
    [kept] = (root / "build" / ".cache" / "parse").glob("chunks-*.json")
    chunks = json.loads(unseal(kept.read_bytes()))["chunks"]
    assert any(links for links, _found in chunks.values())
    # planted (without this computer's key): "no chunk has a link"
    kept.write_text(json.dumps({"format": FORMAT, "chunks": {t: [[], []] for t in chunks}}), encoding="utf-8")
    safety = root / "manual/basics/safety.nb.md"  # the section welcome.nb.md links to is renamed
    safety.write_text(safety.read_text(encoding="utf-8").replace("{#plan .core}", "{#plan-renamed .core}"), encoding="utf-8")
    shutil.rmtree(root / "build" / ".cache" / "project")
    fresh()
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1 and "manual/basics/welcome.nb.md:15:" in out and "safety#plan" in out


def test_local_servers_bind_to_the_loopback_address_only():
    """Every server the toolkit starts (the editor, decap-server, the preview, the a11y check's) binds to 127.0.0.1."""
    from manualkit.cli.ports import HOST

    assert HOST == "127.0.0.1"
    binds = []
    for path in (REPO / "tools" / "manualkit").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.search(r"Server\(\(|Server\(builder|BIND_HOST|\.bind\(", line):
                binds.append((path.name, line.strip()))
    assert len(binds) >= 5  # ports.py, editor.py (its server, decap-server), serve.py, a11y/server.py
    assert [b for b in binds if not re.search(r"\(\(HOST, |\(\(\"127\.0\.0\.1\", |host=HOST|\"BIND_HOST\": HOST", b[1])] == []

"""JSON Schemas from the one declared schema: the repository's files validate, schema and checker agree."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import INTRO_EN, INTRO_NB, REPO, intro_hash, run_cli, write_tree
from manualkit.cli.schemas import PACKAGE_DIR, project_schemas, render
from manualkit.core.textfile import split_front_matter
from manualkit.core.yamlread import read_yaml

SCHEMAS = project_schemas(REPO)
VALIDATORS = {name: Draft202012Validator(s) for name, s in SCHEMAS.items()}
# the checker's rules that a schema of one file can express; the others need more than one file
SCHEMA_CODES = {"E201", "E202", "E203", "E204", "E205", "E206", "E207", "E307", "E501"}


def schema_errors(name: str, data) -> list[str]:
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATORS[name].iter_errors(data))


def front_matter(text: str):
    doc, problems = split_front_matter(text, "x.md")
    assert doc is not None and not problems
    return doc.meta


def test_schemas_are_valid_draft_2020_12_and_the_shipped_ones_are_current():
    for name, schema in SCHEMAS.items():
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        shipped = PACKAGE_DIR / f"{name}.schema.json"
        assert shipped.read_text(encoding="utf-8") == render(schema), \
            f"{shipped} is out of date: run manual schemas --out tools/manualkit/schemas"


def test_manual_schemas_writes_the_files(tmp_path):
    code, out, err = run_cli("--root", str(REPO), "schemas", "--out", str(tmp_path / "s"))
    assert (code, err) == (0, "")
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [
        "adaptation.schema.json", "glossary.schema.json", "manual.schema.json", "module.schema.json"]
    assert f"wrote {tmp_path / 's' / 'manual.schema.json'}" in out
    assert json.loads((tmp_path / "s/module.schema.json").read_text(encoding="utf-8")) == SCHEMAS["module"]


def test_every_yaml_file_and_front_matter_of_the_repository_validates():
    checked = 0
    for path, name in ([(REPO / "manual/manual.yml", "manual"), (REPO / "locales/glossary.yml", "glossary")]
                       + [(p, "adaptation") for p in sorted(REPO.glob("adaptations/*/adaptation.yml"))]):
        data, _marks, problems = read_yaml(path.read_text(encoding="utf-8"), path.name)
        assert not problems
        assert schema_errors(name, data) == [], path
        checked += 1
    modules = sorted(p for p in REPO.glob("manual/*/*.md") if not p.parent.name.startswith("."))  # not .translations/
    for path in modules:
        assert schema_errors("module", front_matter(path.read_text(encoding="utf-8"))) == [], path
    assert checked >= 4 and len(modules) >= 92  # the edition 0.1 files at least


def test_the_repository_yaml_files_name_their_schema_on_the_first_line():
    for rel, name in [("manual/manual.yml", "manual"), ("locales/glossary.yml", "glossary"),
                      ("adaptations/lillehammer/adaptation.yml", "adaptation"),
                      ("adaptations/ovre-eiker/adaptation.yml", "adaptation")]:
        first = (REPO / rel).read_text(encoding="utf-8").split("\n", 1)[0]
        m = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert m, rel
        target = ((REPO / rel).parent / m.group(1)).resolve()
        assert target == (PACKAGE_DIR / f"{name}.schema.json").resolve()


# ---- schema and checker agree ------------------------------------------------------------------

def _checker_errors(root: Path, rel: str) -> list[str]:
    from manualkit.core.project import load_project

    project = load_project(root, None, render=False)
    return sorted(f"{p.code} {p.line}" for p in project.problems
                  if p.is_error and p.path == rel and p.code in SCHEMA_CODES)


SOURCE = INTRO_NB
TRANSLATION = INTRO_EN.replace("{hash}", intro_hash())

FRONT_MATTER = [  # (file, replace this, with this, valid?)
    ("nb", "", "", True),
    ("nb", "status: draft\n", "status: draft\ncore: true\naudience: [parents, trainers]\nduration_minutes: 45\n"
     "contributors:\n  - {name: Brukerrepresentantene, role: user-representative}\nsummary:\n", True),
    ("nb", "title: Innledning", "title: 2024", True),
    ("nb", "status: draft\n", "", False),
    ("nb", "type: chapter", "type: lesson", False),
    ("nb", "status: draft", "status: no", False),
    ("nb", "status: draft", "status: draft\ncore: \"yes\"", False),
    ("nb", "status: draft", "status: draft\nduration_minutes: 0", False),
    ("nb", "status: draft", "status: draft\nduration_minutes: \"60\"", False),
    ("nb", "status: draft", "status: draft\naudience: [parents, kids]", False),
    ("nb", "status: draft", "status: draft\ncontributors: [{name: Forskergruppen, role: boss}]", False),
    ("nb", "status: draft", "status: draft\ncontributors: [{name: Forskergruppen}]", False),
    ("nb", "status: draft", "status: draft\ncontributors: [Forskergruppen]", False),
    ("nb", "status: draft", "status: draft\ntitel: Innledning", False),
    ("nb", "title: Innledning", "title: \"  \"", False),
    ("en", "", "", True),
    ("en", "  source_hash: " + intro_hash() + "\n", "", True),
    ("en", "title: Introduction", "title: Introduction\ntype: chapter", False),
    ("en", "title: Introduction", "title: Introduction\nstatus: draft", False),
    ("en", "  from: nb", "  from: Norsk", False),
    ("en", "  from: nb\n", "", False),
    ("en", "translation:\n  from: nb\n  source_hash: " + intro_hash(), "translation: nb", False),
    ("en", "title: Introduction", "title: Introduction\nnotes: check later", False),
    ("en", "title: Introduction\n", "", False),
]


@pytest.mark.parametrize("lang,old,new,valid", FRONT_MATTER)
def test_front_matter_schema_and_checker_agree(tree, lang, old, new, valid):
    text = (SOURCE if lang == "nb" else TRANSLATION).replace(old, new, 1) if old else (SOURCE if lang == "nb" else TRANSLATION)
    assert text != (SOURCE if lang == "nb" else TRANSLATION) or not old
    rel = f"manual/basics/intro.{lang}.md"
    root = tree({rel: text})
    checker = _checker_errors(root, rel)
    schema = schema_errors("module", front_matter(text))
    assert (checker == [], schema == []) == (valid, valid), (checker, schema)


MANUAL = (REPO / "tests/conftest.py").read_text(encoding="utf-8").split('MANUAL_YML = """\\\n', 1)[1].split('"""', 1)[0]

MANUAL_SAMPLES = [
    ("", "", True),
    ("version: 1.0.0", "version: 1.0", False),
    ("languages: [nb, en]", "languages: nb", False),
    ("title: {nb: Minimanual, en: Mini manual}", "title: {nb: Minimanual, de: Kleines Handbuch}", False),
    ("title: {nb: Minimanual, en: Mini manual}", "title: Minimanual", True),
    ("    modules:\n      - intro\n", "", False),
    ("default_language: nb", "default_language: de", False),
    ("default_language: nb", "default_language: nb\neditor: someone", False),
    ("variables:\n", "variables: [a]\nunused:\n", False),
]


@pytest.mark.parametrize("old,new,valid", MANUAL_SAMPLES)
def test_manual_schema_and_checker_agree(tree, old, new, valid):
    text = MANUAL.replace(old, new, 1) if old else MANUAL
    assert text != MANUAL or not old
    root = tree({"manual/manual.yml": text})
    checker = _checker_errors(root, "manual/manual.yml")
    data, _m, problems = read_yaml(text, "manual.yml")
    schema = schema_errors("manual", data)
    assert (checker == [], schema == []) == (valid, valid), (checker, schema)


GLOSSARY = """\
terms:
  - id: hjelpetiltak
    nb: {term: hjelpetiltak, definition: Et tiltak fra barnevernstjenesten.}
    en: {term: assistance measure, definition: A measure put in place by the child welfare service.}
"""

GLOSSARY_SAMPLES = [
    ("", "", True),
    # a language without its entry falls back to the default language (a warning, W509): valid for both
    ("    en: {term: assistance measure, definition: A measure put in place by the child welfare service.}\n", "", True),
    ("definition: A measure put in place by the child welfare service.", "definisjon: x", False),
    ("  - id: hjelpetiltak", "  - id: Hjelpetiltak", False),
    ("  - id: hjelpetiltak", "  - id: hjelpetiltak\n    see: tiltaksplan", False),
    ("terms:\n", "terms: {}\nsee_also:\n", False),
]


@pytest.mark.parametrize("old,new,valid", GLOSSARY_SAMPLES)
def test_glossary_schema_and_checker_agree(tree, old, new, valid):
    text = GLOSSARY.replace(old, new, 1) if old else GLOSSARY
    assert text != GLOSSARY or not old
    root = tree({"locales/glossary.yml": text})
    checker = _checker_errors(root, "locales/glossary.yml")
    data, _m, problems = read_yaml(text, "glossary.yml")
    schema = schema_errors("glossary", data)
    assert (checker == [], schema == []) == (valid, valid), (checker, schema)


ADAPTATION_SAMPLES = [
    ("", "", True),
    ("status: example", "status: published", False),
    ('primary_colour: "#00567a"', "primary_colour: red", False),
    ("      when: implementation", "      when: sometime", False),
    ("    date: 2026-11-01", "    date: 01.11.2026", False),
    ("    date: 2026-11-01", "    date: 2026-11-01\n    reviewer: Kari", False),
    ("languages: [nb, en]", "languages: [nb, de]", False),
    ("    approved_by: Programansvarlig (eksempel)\n", "", False),
    ("      goals: [improve-fit]", "      goals: improve-fit", False),
    ("reasons: {text: {nb: Lokalt journalsystem, en: Local records system}, level: organisation}",
     "reasons: {text: Lokalt journalsystem, level: organisation}", True),
    ("name: {nb: Testby kommune, en: Testby municipality}", "name: {nb: Testby kommune, se: Testby suohkan}", False),
]


@pytest.mark.parametrize("old,new,valid", ADAPTATION_SAMPLES)
def test_adaptation_schema_and_checker_agree(fixture_copy, old, new, valid):
    root = fixture_copy("bilingual")
    rel = "adaptations/testby/adaptation.yml"
    base = (root / rel).read_text(encoding="utf-8")
    text = base.replace(old, new, 1) if old else base
    assert text != base or not old
    write_tree(root, {rel: text})
    checker = _checker_errors(root, rel)
    data, _m, problems = read_yaml(text, "adaptation.yml")
    schema = schema_errors("adaptation", data)
    assert (checker == [], schema == []) == (valid, valid), (checker, schema)


def test_a_new_municipality_names_the_schema_and_validates_against_it(fixture_copy):
    root = fixture_copy("bilingual")
    assert run_cli("--root", str(root), "schemas")[0] == 0  # a project outside the toolkit's repository: schemas/
    code, out, err = run_cli("--root", str(root), "new", "municipality", "nyby", "--name", "Nyby kommune")
    assert code == 0, err
    text = (root / "adaptations/nyby/adaptation.yml").read_text(encoding="utf-8")
    assert text.split("\n", 1)[0] == "# yaml-language-server: $schema=../../schemas/adaptation.schema.json"
    schema = json.loads((root / "schemas/adaptation.schema.json").read_text(encoding="utf-8"))
    data, _m, problems = read_yaml(text, "adaptation.yml")
    assert problems == [] and list(Draft202012Validator(schema).iter_errors(data)) == []


def test_in_the_toolkit_repository_the_scaffold_points_to_the_package_copy(tmp_path):
    from manualkit.editing.scaffold import schema_ref

    folder = REPO / "adaptations" / "nyby"
    assert schema_ref(REPO, "adaptation", folder) == "../../tools/manualkit/schemas/adaptation.schema.json"
    assert schema_ref(tmp_path, "adaptation", tmp_path / "adaptations/x") == "../../schemas/adaptation.schema.json"


def test_every_operation_of_the_schema_is_declared_once_in_the_table_of_operations():
    """The schema's allowed operations (fields.OPERATIONS, in the JSON Schema and the web editor) and
    the loader's table (core/operations.py) name the same operations in the same order, and every
    key the table needs or reserves is a key of a change."""
    from manualkit.core.fields import CHANGE_FIELDS, OPERATIONS
    from manualkit.core.operations import OPERATION_TABLE, Need

    assert tuple(OPERATION_TABLE) == OPERATIONS
    for name, op in OPERATION_TABLE.items():
        assert op.target in ("section", "module"), name
        keys = [k for check in op.checks if isinstance(check, Need) for k in check.keys] + list(op.only)
        assert [k for k in keys if k not in CHANGE_FIELDS] == [], name

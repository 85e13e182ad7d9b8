"""`manual schemas [--out DIR]`: write the JSON Schemas of the manual's files (default: schemas/).

The schemas are made for this project's languages and FRAME vocabularies. The package ships the
ones made for the Family Partner manual in manualkit/schemas/ (kept current by a test).
"""
from __future__ import annotations

import json
import sys
from argparse import Namespace
from pathlib import Path

from manualkit.core.problems import ManualkitError

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "schemas"


def add_parser(sub) -> None:
    s = sub.add_parser("schemas", help="write JSON Schemas of manual.yml, adaptation.yml, the glossary and front matter")
    s.add_argument("--out", type=Path, help="folder to write them to (default: schemas/ in the repository)")


def project_schemas(root: Path) -> dict[str, dict]:
    """name -> schema for the project at ``root`` (its languages and FRAME vocabularies)."""
    from manualkit.core.adaptation import load_frame_vocab
    from manualkit.core.jsonschemas import all_schemas
    from manualkit.core.textfile import read_yaml_file

    data, _marks, problems = read_yaml_file(root / "manual" / "manual.yml", "manual/manual.yml")
    if not isinstance(data, dict):
        raise ManualkitError("manual/manual.yml cannot be read, so the schemas cannot name its languages",
                             hint="run: manual check")
    langs = tuple(x for x in data.get("languages") or () if isinstance(x, str)) if isinstance(data.get("languages"), list) else ()
    default = data.get("default_language") if isinstance(data.get("default_language"), str) else ""
    vocab, _ = load_frame_vocab(root)
    return all_schemas(langs, default, vocab)


def render(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def write_schemas(root: Path, out: Path) -> list[Path]:
    from manualkit.core.jsonschemas import file_name

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in project_schemas(root).items():
        path = out / file_name(name)
        text = render(schema)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def run(root: Path, args: Namespace) -> int:
    out = args.out if args.out is not None else root / "schemas"
    out = out if out.is_absolute() else Path.cwd() / out
    for path in write_schemas(root, out):
        try:
            shown = path.relative_to(root)
        except ValueError:
            shown = path
        sys.stdout.write(f"wrote {shown}\n")
    sys.stdout.write("editors find them through the first line of each YAML file: "
                     "# yaml-language-server: $schema=<path to the schema>\n")
    return 0

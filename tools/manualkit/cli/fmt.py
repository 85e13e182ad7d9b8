"""`manual fmt [FILES] [--all] [--check]`: put module files back the way the toolkit writes them.

Only the files named (or all module files with --all) are touched; --check reports without
writing (exit 1 when a file would change). A module file that is not listed in manual.yml yet
(made in the web editor) is listed at the end of its part. See editing/fmt.py for what changes.
"""
from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

from manualkit.core.problems import ManualkitError, UsageError


def add_parser(sub) -> None:
    p = sub.add_parser("fmt", help="write module front matter the way the toolkit writes it (after the web editor)")
    p.add_argument("files", nargs="*", type=Path, help="module files (manual/<part>/<module>.<lang>.md)")
    p.add_argument("--all", action="store_true", help="every module file of the manual")
    p.add_argument("--check", action="store_true", help="only report what would change (exit 1 if anything would)")


def _module_files(root: Path, args: Namespace) -> list[Path]:
    if args.all:
        # the modules, as the loader finds them (not manual/.translations/, the toolkit's own snapshots)
        return sorted(p for p in (root / "manual").glob("*/*.md") if not p.parent.name.startswith("."))
    if not args.files:
        raise UsageError("name the files to format, or use --all", hint="manual fmt manual/home-visits/safety-planning.nb.md")
    out = []
    for given in args.files:
        path = given if given.is_absolute() else Path.cwd() / given
        if not path.is_file():
            raise UsageError(f"{given} does not exist", hint="give the path of a module file, e.g. manual/foundations/target-group.nb.md")
        out.append(path.resolve())
    return out


def format_paths(root: Path, paths: list[Path], *, check: bool, out) -> tuple[int, int]:
    """Format these module files; returns (files changed or to change, files left alone)."""
    from manualkit.core.load import FILE_RE
    from manualkit.core.textfile import read_yaml_file
    from manualkit.editing.fmt import format_module
    from manualkit.editing.lines import add_module_to_part

    data, marks, problems = read_yaml_file(root / "manual" / "manual.yml", "manual/manual.yml")
    if not isinstance(data, dict) or not isinstance(data.get("languages"), list):
        raise ManualkitError("manual/manual.yml cannot be read", hint="run: manual check")
    languages = [x for x in data["languages"] if isinstance(x, str)]
    default = data.get("default_language") if isinstance(data.get("default_language"), str) else languages[0]
    parts = [p for p in data.get("parts") or [] if isinstance(p, dict)] if isinstance(data.get("parts"), list) else []
    listed = {m for p in parts if isinstance(p.get("modules"), list) for m in p["modules"] if isinstance(m, str)}
    would_change = 0
    skipped = 0
    for path in paths:
        try:
            rel = path.relative_to(root.resolve()).as_posix()
        except ValueError:
            rel = str(path)
        m = FILE_RE.fullmatch(path.name)
        in_manual = rel.startswith("manual/") and rel.count("/") == 2
        if not m or not in_manual or m.group("lang") not in languages:
            out.write(f"{rel}: left as it is (not a module file manual/<part>/<module>.<language>.md)\n")
            skipped += 1
            continue
        mid, lang = m.group("id"), m.group("lang")
        raw = _utf8(path)
        if raw is None:
            out.write(f"{rel}: left as it is (not UTF-8 text; run: manual check)\n")
            skipped += 1
            continue
        source = path.with_name(f"{mid}.{default}.md")
        result = format_module(raw, lang=lang, default_language=default, source_exists=source.is_file())
        if result.refused:
            out.write(f"{rel}{f':{result.line}' if result.line else ''}: left as it is: {result.refused}\n")
            skipped += 1
        elif result.changed:
            would_change += 1
            verb = "would change" if check else "formatted"
            out.write(f"{rel}: {verb}: {'; '.join(result.fixes)}\n")
            if not check:
                path.write_bytes(result.text.encode("utf-8"))
        part = rel.split("/")[1]
        if lang == default and mid not in listed:
            index = next((i for i, p in enumerate(parts) if p.get("id") == part), None)
            mods = parts[index].get("modules") if index is not None else None
            if index is None or not isinstance(mods, list) or not mods:
                out.write(f"{rel}: not listed in manual/manual.yml, and part '{part}' has no module list to add it to; "
                          f"add '- {mid}' to a part's modules by hand\n")
                skipped += 1
                continue
            would_change += 1
            if check:
                out.write(f"{rel}: would list '{mid}' at the end of part '{part}' in manual/manual.yml\n")
            else:
                line = marks.at(("parts", index, "modules", len(mods) - 1))[0]
                add_module_to_part(root / "manual" / "manual.yml", line, mid)
                mods.append(mid)
                listed.add(mid)
                _data, marks, _ = read_yaml_file(root / "manual" / "manual.yml", "manual/manual.yml")
                out.write(f"{rel}: listed '{mid}' at the end of part '{part}' in manual/manual.yml "
                          "(move the line to change its place in the manual)\n")
    return would_change, skipped


def run(root: Path, args: Namespace) -> int:
    would_change, skipped = format_paths(root, _module_files(root, args), check=args.check, out=sys.stdout)
    if not would_change and not skipped:
        sys.stdout.write("nothing to change\n")
    return 1 if (args.check and would_change) or skipped else 0


def _utf8(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None

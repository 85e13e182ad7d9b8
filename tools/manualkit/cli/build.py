"""`manual build`: every variant's outputs; a municipality from the release it pinned.

A municipality's ``base_version`` names the release of the base manual it delivers. Unless
``--base current`` is given, it is built from that release (see manualkit.release.pinned); the
base manual and municipalities pinned to the current release are built from the work tree.
"""
from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

from manualkit.cli.format import print_problems
from manualkit.core.variants import BASE, variants_for


def add_arguments(b) -> None:
    b.add_argument("--base", choices=("pinned", "current"), default="pinned",
                   help="build municipalities from the release they pin (default) or from the current manual")


def run(root: Path, args: Namespace) -> int:
    from manualkit.cli import project_cache
    from manualkit.release.state import release_info

    out_ = sys.stdout  # looked up at call time, so a caller's redirect is honoured
    current = release_info(root)
    use_cache = not getattr(args, "no_cache", False)
    options = {"variant": args.variant, "only": sorted(args.only or []), "base": getattr(args, "base", "pinned")}
    stamp = project_cache.stamp_path(root, options, current) if use_cache else None
    done = project_cache.read_stamp(stamp, root / "build") if stamp else None
    if done is not None:  # nothing this build reads has changed, and its outputs are in place
        out_.write("".join(note + "\n" for note in done.notes))
        if done.warnings:
            print_problems(list(done.warnings), "text", out_, group=True)
        out_.write("".join(f"unchanged {variant} {output}\n" for variant, output, _f, _k in done.outputs))
        return 0
    failures = _build(root, args, out_, current, use_cache, stamp,
                      lambda: project_cache.stamp_path(root, options, current) == stamp)
    return 1 if failures else 0


def _build(root: Path, args: Namespace, out_, current, use_cache: bool, stamp: Path | None, unchanged_since) -> list[str]:
    from manualkit.cli.loading import _variants, load_buildable, plan_pins
    from manualkit.cli.project_cache import Stamp, load_project_cached, write_stamp
    from manualkit.core.problems import BuildRefused
    from manualkit.outputs import cache
    from manualkit.outputs.registry import in_order
    from manualkit.outputs.runner import build_all
    from manualkit.release import pinned

    notes: list[str] = []
    project = load_project_cached(root, variants_for(args.variant) if args.variant else None, release=current,
                                  use_cache=use_cache)
    if args.variant and project.manual is not None:
        project.require_variant(args.variant)
    names = _variants(project, args.variant) if project.manual is not None else []
    plan = plan_pins(root, project, names, getattr(args, "base", "pinned"), current)
    for note in plan.notes:
        out_.write(note + "\n")
        notes.append(note)
    from_current, by_tag = plan.from_current, plan.by_tag
    # a municipality built from its release is checked against that release, not today's manual:
    # what only its resolution against today's text finds does not stop the others
    only_pinned = plan.only_pinned(project)
    try:
        project.gate(ignore=only_pinned)  # the one gate (core/project.py), as load_buildable and the release bundle use it
    except BuildRefused as exc:
        print_problems(exc.shown, "text", sys.stderr)
        raise
    warnings = [p for p in project.problems if not p.is_error and p not in only_pinned]
    if warnings:
        print_problems(warnings, "text", out_, group=True)
    out = root / "build"
    failures = build_all([project.resolutions[v] for v in from_current], out, only=args.only or None, log=out_,
                         use_cache=use_cache, jobs=getattr(args, "jobs", None))
    if stamp is not None and not failures and not by_tag:  # the next run with nothing changed can say so at once
        chosen = in_order(args.only or None)
        made = [(v, o.name, o.folder, cache.stored_key(out, v, o.name)) for v in from_current for o in chosen]
        if all(key for *_rest, key in made) and unchanged_since():  # nothing edited while it was building
            write_stamp(stamp, Stamp(tuple(notes), tuple(warnings), tuple(made)))
    for tag, group in by_tag.items():
        out_.write(f"building {', '.join(group)} from release {tag[1:]} (tag {tag})\n")
        with pinned.checkout(root, tag, group) as tmp:
            old = load_buildable(tmp, [BASE] + group, what=f"nothing of {', '.join(group)} was built from {tag}",
                                 release=pinned.pinned_release(tmp, tag[1:]))
            for w in [p for p in old.problems if not p.is_error and any(p.path.startswith(f"adaptations/{v}/") for v in group)]:
                print_problems([w], "text", out_)
            failures += build_all([old.resolutions[v] for v in group], out, only=args.only or None, log=out_,
                         use_cache=use_cache, jobs=getattr(args, "jobs", None))
    return failures


__all__ = ["run", "add_arguments"]

#!/usr/bin/env python3
"""The Publish workflow (.github/workflows/publish.yml) on this machine, the same commands in the same order.

    python .github/scripts/publish.py --dry-run   # list every command of every job; run only the gate
    python .github/scripts/publish.py             # run them: build, a11y, rebuild and gate per variant

The commands are read from the workflow itself, so this cannot drift from what GitHub runs: the
variants job's list, then for each variant the build job's steps (the install step and the
`uses:` actions, which only exist on GitHub, are listed, not run), then which variants the deploy
job would put on GitHub Pages. With --dry-run only the publishing gate runs (it builds nothing),
so the answer is what GitHub would deploy from the sources and accessibility results here now.
Exit code 0 when every variant would be deployed, 1 otherwise.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ".github/workflows/publish.yml"
SKIPPED = ("Install",)  # steps that set up a GitHub runner, not this machine


def manual_command() -> str:
    here = Path(sys.executable).with_name("manual")
    return str(here) if here.is_file() else "manual"


def expand(cmd: str, variant: str, env: dict[str, str]) -> str:
    cmd = cmd.replace("${{ matrix.variant }}", variant)
    for key, value in env.items():
        cmd = re.sub(rf"\$\{{?{key}\}}?\b", value, cmd)
    return cmd


def variants(job: dict, root: Path) -> list[str]:
    step = next(s for s in job["steps"] if s.get("id") == "list")
    script = step["run"].split(">>")[0].strip()
    out = subprocess.run(script, shell=True, cwd=root, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().split("=", 1)[1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dry-run", action="store_true", help="list the commands; run only the publishing gate")
    ap.add_argument("--root", type=Path, default=ROOT, help="the repository (default: this one)")
    args = ap.parse_args(argv)
    root = args.root.resolve()
    wf = yaml.safe_load((root / WORKFLOW).read_text(encoding="utf-8"))
    env = {str(k): str(v) for k, v in (wf.get("env") or {}).items()}
    jobs = wf["jobs"]
    names = variants(jobs["variants"], root)
    print(f"variants: {' '.join(names)}")
    manual = manual_command()
    passed: list[str] = []
    for variant in names:
        print(f"== build {variant}")
        ok = True
        for step in jobs["build"]["steps"]:
            title = step.get("name") or step.get("uses") or ""
            if "uses" in step:
                print(f"   (on GitHub: {step['uses']})")
                continue
            if title.startswith(SKIPPED):
                print(f"   (on GitHub: {title})")
                continue
            cmd = expand(step["run"].split("|")[0].strip(), variant, env)
            gate = "--check" in cmd and cmd.startswith("manual publish")
            print(f"   $ {cmd}")
            if args.dry_run and not gate:
                continue
            argv_ = shlex.split(cmd)
            argv_[0] = manual
            done = subprocess.run(argv_, cwd=root, capture_output=True, text=True)
            text = (done.stdout + done.stderr).rstrip()
            if text:
                print("     " + text.replace("\n", "\n     "))
            if done.returncode != 0:
                ok = False
                if not gate and not step.get("continue-on-error"):
                    break
        if ok:
            passed.append(variant)
    print("== deploy")
    for variant in names:
        print(f"   {variant}: " + ("deployed" if variant in passed else "not deployed (the gate refused it or a step failed)"))
    return 0 if passed == names else 1


if __name__ == "__main__":
    sys.exit(main())

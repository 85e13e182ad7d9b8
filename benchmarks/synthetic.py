"""Generate a synthetic bilingual manual of N modules (for benchmarks, not for tests)."""
from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

PARAGRAPH_NB = ("Familiepartneren møter familien hjemme og avtaler neste steg sammen med foreldrene. "
                "Samtalen handler om barnets hverdag, om det som fungerer, og om det familien ønsker å endre. ")
PARAGRAPH_EN = ("The family partner meets the family at home and agrees on the next step together with the parents. "
                "The conversation is about the child's everyday life, what works and what the family wants to change. ")


def module_text(i: int, lang: str, source_hash: str = "") -> str:
    par = PARAGRAPH_NB if lang == "nb" else PARAGRAPH_EN
    if lang == "nb":
        head = (f"---\nid: module-{i}\ntitle: Modul {i}\ntype: chapter\ncomponent: general\n"
                f"core: {'true' if i % 5 == 0 else 'false'}\nstatus: draft\nsummary: Modul nummer {i}.\n---\n")
    else:
        head = f"---\nid: module-{i}\ntitle: Module {i}\nsummary: Module number {i}.\ntranslation:\n  from: nb\n  source_hash: {source_hash}\n---\n"
    body = [f"\n{par * 2}\n"]
    for s in range(6):
        title = ("Del" if lang == "nb" else "Part") + f" {s + 1}"
        core = " .core" if s == 0 and i % 5 == 0 else ""
        body.append(f"## {title} {{#part-{s + 1}{core}}}\n\n{par * 3}\n\n- {par}\n- {par}\n\n"
                    f"Se [modul {max(1, i - 1)}](ref:module-{max(1, i - 1)}#part-2) og {{{{ service.child_welfare }}}}.\n")
    return head + "\n".join(body)


def generate(root: Path, n: int) -> Path:
    import sys
    sys.path.insert(0, str(REPO / "tools"))
    from manualkit.core.model import body_hash

    if root.exists():
        shutil.rmtree(root)
    (root / "manual" / "part").mkdir(parents=True)
    shutil.copytree(REPO / "locales", root / "locales")
    mods = "\n".join(f"      - module-{i}" for i in range(1, n + 1))
    (root / "manual" / "manual.yml").write_text(
        "id: synthetic\ntitle: {nb: Syntetisk manual, en: Synthetic manual}\nversion: 1.0.0\ndefault_language: nb\n"
        "languages: [nb, en]\nparts:\n  - id: part\n    title: {nb: Del, en: Part}\n    modules:\n" + mods + "\n"
        "variables:\n  service:\n    child_welfare: {nb: barnevernstjenesten, en: the child welfare service}\n",
        encoding="utf-8")
    for i in range(1, n + 1):
        nb = module_text(i, "nb")
        (root / "manual" / "part" / f"module-{i}.nb.md").write_text(nb, encoding="utf-8")
        h = body_hash(nb.split("---\n", 2)[2])
        (root / "manual" / "part" / f"module-{i}.en.md").write_text(module_text(i, "en", h), encoding="utf-8")
    return root


OVERLAY_NB = "Hos oss avtaler familiepartneren besøket med koordinatoren i tjenesten før første møte.\n"
OVERLAY_EN = "Here the family partner agrees the visit with the service's coordinator before the first meeting.\n"
FRAME = """    frame:
      when: implementation
      planned: planned-proactive
      decided_by: [programme-manager]
      modified: content
      level: organisation
      nature: {nature}
      fidelity: consistent
      goals: [improve-fit]
      reasons: {{text: {{nb: Lokale rutiner, en: Local routines}}, level: organisation}}
    description: {{nb: Lokal tilpasning, en: Local adaptation}}
    approved_by: Programansvarlig (syntetisk)
    date: 2026-11-01
"""


def add_municipalities(root: Path, count: int, modules: int) -> list[str]:
    """``count`` synthetic municipalities: each replaces one section, appends to one module and
    sets a variable; they touch different modules, so most of the text is shared with the base."""
    ids = []
    for k in range(1, count + 1):
        mid = f"synth-{k}"
        folder = root / "adaptations" / mid
        (folder / "overlays").mkdir(parents=True, exist_ok=True)
        replaced, appended = (k % modules) + 1, ((k * 7) % modules) + 1
        for lang, text in (("nb", OVERLAY_NB), ("en", OVERLAY_EN)):
            title = "Lokal rutine" if lang == "nb" else "Local routine"
            (folder / "overlays" / f"local-{k}.{lang}.md").write_text(f"## {title} {k} {{#part-3}}\n\n{text}", encoding="utf-8")
            (folder / "overlays" / f"extra-{k}.{lang}.md").write_text(f"## {title} {{#local-{k}}}\n\n{text}", encoding="utf-8")
        (folder / "adaptation.yml").write_text(
            f"id: {mid}\nname: {{nb: Kommune {k}, en: Municipality {k}}}\nstatus: example\nbase_version: 1.0.0\n"
            "languages: [nb, en]\nvariables:\n  service:\n"
            f"    child_welfare: {{nb: barnevernstjenesten i kommune {k}, en: the child welfare service of municipality {k}}}\n"
            "changes:\n"
            f"  - id: local-{k}\n    operation: replace-section\n    target: module-{replaced}#part-3\n    overlay: local-{k}\n"
            + FRAME.format(nature="tailoring")
            + f"  - id: extra-{k}\n    operation: append\n    target: module-{appended}\n    overlay: extra-{k}\n"
            + FRAME.format(nature="adding"), encoding="utf-8")
        ids.append(mid)
    return ids

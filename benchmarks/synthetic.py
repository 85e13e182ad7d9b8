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

"""Run axe-core in a loaded page and turn its violations into :class:`Finding` records.

axe-core comes bundled in the pinned ``axe-playwright-python`` package (we use only its copy of
``axe.min.js``: the rest of that package is a thin wrapper), so nothing is fetched at run time.
Only the WCAG 2.1 A and AA rule tags are run: that is the legal requirement in Norway
(forskrift om universell utforming av IKT-løsninger); best-practice rules would add noise.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from manualkit.a11y.findings import AXE_TAGS, Finding

_SPACE = re.compile(r"\s+")
_RUN = "options => axe.run(document, options)"


@lru_cache(maxsize=1)
def axe_script() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def axe_options() -> dict[str, Any]:
    return {"runOnly": {"type": "tag", "values": list(AXE_TAGS)}, "resultTypes": ["violations"]}


async def run_axe(page: Any) -> dict[str, Any]:
    """axe's raw result for the page as it is now (axe is injected once per document)."""
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        await page.evaluate(axe_script())
    return await page.evaluate(_RUN, axe_options())


def _short(html: str, limit: int = 240) -> str:
    html = _SPACE.sub(" ", html).strip()
    return html if len(html) <= limit else html[: limit - 1] + "…"


def _selector(target: list[Any]) -> str:
    # a target is a list of selectors, one per frame or shadow root on the way to the element
    return " >>> ".join(" ".join(t) if isinstance(t, list) else str(t) for t in target)


def findings(raw: dict[str, Any], page: str, lang: str, state: str = "") -> list[Finding]:
    out: list[Finding] = []
    for violation in raw.get("violations", []):
        for node in violation.get("nodes", []):
            out.append(Finding(
                page=page, lang=lang, state=state, rule=violation["id"],
                impact=node.get("impact") or violation.get("impact") or "serious",
                element=_selector(node.get("target", [])), html=_short(node.get("html", "")),
                help=violation.get("help", ""), fix=(node.get("failureSummary") or "").strip(),
                help_url=violation.get("helpUrl", "")))
    return out


def version(raw: dict[str, Any]) -> str:
    return str(raw.get("testEngine", {}).get("version", ""))


__all__ = ["run_axe", "findings", "version", "axe_options", "axe_script"]

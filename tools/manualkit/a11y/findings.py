"""The records an accessibility run produces: findings on pages, problems in PDFs, one result per variant.

Plain data, so the same run can be printed for a person, written as JSON for tools and read back
by the statement page without a browser.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from manualkit.core.statement import STANDARD
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
IMPACTS = ("critical", "serious", "moderate", "minor")
FAILING = ("critical", "serious")

# Our own rules, beside axe's: things axe cannot see but a page must not do.
EXTERNAL_REQUEST = "external-request"
MISSING_RESOURCE = "missing-resource"
PAGE_ERROR = "page-not-loaded"


@dataclass(frozen=True)
class Finding:
    """One element of one page that breaks one rule (axe's violation node, or one of ours)."""

    page: str  # URL path under the site root, e.g. "en/foundations/intro/"
    lang: str  # the page's <html lang>
    state: str  # "" for the page as loaded; else the open state, e.g. "search open"
    rule: str
    impact: str  # critical | serious | moderate | minor
    element: str  # CSS selector of the element
    html: str  # the element's HTML, shortened
    help: str  # what the rule asks for
    fix: str  # what to change here (axe's failure summary)
    help_url: str = ""

    @property
    def failing(self) -> bool:
        return self.impact in FAILING

    @property
    def where(self) -> str:
        page = "/" + self.page.lstrip("/")
        return f"{page} [{self.state}]" if self.state else page


@dataclass
class SiteResult:
    """Every page of one variant's site, checked in the browser."""

    site_dir: str
    base_path: str  # the path the site was served under (from site_url), e.g. "/" or "/manual/"
    pages: dict[str, list[str]] = field(default_factory=dict)  # lang -> page paths checked
    states: list[str] = field(default_factory=list)  # "nb: search open", ... (open states checked)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # things that could not be checked, said plainly

    @property
    def failing(self) -> list[Finding]:
        return [f for f in self.findings if f.failing]


@dataclass
class PdfResult:
    """One PDF and what keeps it from being accessible (empty: it passes)."""

    path: str  # relative to the variant's build folder, e.g. "pdf/nb/manual.pdf"
    problems: list[str] = field(default_factory=list)
    title: str = ""
    lang: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class VariantResult:
    variant: str
    checked_at: str  # ISO 8601, UTC, seconds
    standard: str = STANDARD
    tools: dict[str, str] = field(default_factory=dict)  # axe-core, chromium, pikepdf versions
    languages: list[str] = field(default_factory=list)  # languages the manual has for this variant
    site: SiteResult | None = None
    pdfs: list[PdfResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # whole checks that could not run

    @property
    def passed(self) -> bool:
        site_ok = self.site is not None and not self.site.failing
        return site_ok and all(p.ok for p in self.pdfs) and not self.errors

    def counts(self) -> dict[str, int]:
        found = self.site.findings if self.site else []
        return {impact: sum(1 for f in found if f.impact == impact) for impact in IMPACTS}

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["passed"] = self.passed
        data["counts"] = self.counts()
        return data


OWN_RULES = (EXTERNAL_REQUEST, MISSING_RESOURCE, PAGE_ERROR)


def exceptions(result: VariantResult) -> list[dict[str, Any]]:
    """Known exceptions, one per rule, worst first: what the statement page lists.

    Every axe finding counts (axe runs only WCAG 2.1 A/AA rules, so each is a failure of the
    standard, whatever its impact); our own rules count when they are serious (a moderate one,
    a background request that 404s, changes nothing a reader meets).
    """
    grouped: dict[str, dict[str, Any]] = {}
    for f in result.site.findings if result.site else []:
        if f.rule in OWN_RULES and not f.failing:
            continue
        g = grouped.setdefault(f.rule, {"rule": f.rule, "impact": f.impact, "help": f.help, "pages": set(), "count": 0})
        g["pages"].add(f.page)
        g["count"] += 1
        if IMPACTS.index(f.impact) < IMPACTS.index(g["impact"]):
            g["impact"] = f.impact
    rows = [dict(g, pages=len(g["pages"])) for g in grouped.values()]
    rows.sort(key=lambda g: (IMPACTS.index(g["impact"]), g["rule"]))
    return rows


def record(result: VariantResult) -> dict[str, Any]:
    """The short, stable summary of a run that the statement page is made from."""
    site = result.site
    return {
        "variant": result.variant,
        "checked_at": result.checked_at,
        "standard": result.standard,
        "passed": result.passed,
        "tools": result.tools,
        "pages": {lang: len(paths) for lang, paths in (site.pages.items() if site else [])},
        "states": list(site.states) if site else [],
        "counts": result.counts(),
        "exceptions": exceptions(result),
        "pdfs": {"checked": len(result.pdfs), "failing": [{"path": p.path, "problems": p.problems}
                                                           for p in result.pdfs if not p.ok]},
        "errors": result.errors,
    }


__all__ = ["Finding", "SiteResult", "PdfResult", "VariantResult", "exceptions", "record", "STANDARD",
           "AXE_TAGS", "IMPACTS", "FAILING", "OWN_RULES", "EXTERNAL_REQUEST", "MISSING_RESOURCE", "PAGE_ERROR"]

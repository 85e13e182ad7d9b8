"""Accessibility checks of the built output: every site page in a real browser, every PDF.

`manual a11y` calls :func:`manualkit.a11y.run.run_a11y`. The site renderer calls
:func:`manualkit.a11y.statement.statement_module` (or ``statement_markdown``) to publish the
accessibility statement (tilgjengelighetserklæring) filled from the last run. Browser and PDF
libraries are imported only inside the functions that need them, so importing this package is cheap.
"""
from __future__ import annotations

__all__ = ["run_a11y", "statement_markdown", "statement_module", "STATEMENT_ID"]


def __getattr__(name: str):  # lazy: keep `import manualkit.a11y` free of playwright and pikepdf
    if name == "run_a11y":
        from manualkit.a11y.run import run_a11y
        return run_a11y
    if name in ("statement_markdown", "statement_module", "STATEMENT_ID"):
        from manualkit.a11y import statement
        return getattr(statement, name)
    raise AttributeError(name)

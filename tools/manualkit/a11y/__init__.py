"""Accessibility checks of the built output: every site page in a real browser, every PDF.

`manual a11y` calls :func:`manualkit.a11y.run.run_a11y`; it writes accessibility/<variant>.json,
which the load stage reads back so that the site's accessibility statement
(tilgjengelighetserklæring, :mod:`manualkit.core.statement`) shows the last run. Browser and PDF
libraries are imported only inside the functions that need them, so importing this package is cheap.
"""
from __future__ import annotations

__all__ = ["run_a11y"]


def __getattr__(name: str):  # lazy: keep `import manualkit.a11y` free of playwright and pikepdf
    if name == "run_a11y":
        from manualkit.a11y.run import run_a11y
        return run_a11y
    raise AttributeError(name)

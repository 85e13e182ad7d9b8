"""The one CSV writer of the toolkit: every CSV it writes (REDCap dictionary, dose, costs, ledger,
delivery) goes through :func:`csv_text`.

Spreadsheets (Excel, LibreOffice, Google Sheets) run a cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula. Text from content (titles, labels, reasons) could
therefore run code on a researcher's computer. Following OWASP's CSV-injection guidance such a cell
gets a leading apostrophe, which spreadsheets show as text. Plain numbers (``-2``, ``-1.5``) are
not formulas and stay as they are. Columns the toolkit fills itself with REDCap's own syntax
(calculations, branching logic) can be named in ``verbatim``; they never hold content.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Any, Iterable

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def safe_cell(value: Any) -> Any:
    """The cell as a spreadsheet shows it as text: a formula trigger in front gets a ``'``."""
    if not isinstance(value, str):
        return value
    if value.startswith(_TRIGGERS) and not _NUMBER.fullmatch(value):
        value = "'" + value
    # A bare carriage return is not quoted by the csv module when lines end in "\n": a spreadsheet
    # would start a new row there. Inside a cell it is a line break, written as one (and quoted).
    return value.replace("\r\n", "\n").replace("\r", "\n")


def csv_text(columns: Iterable[str], rows: Iterable[dict[str, Any]], *, verbatim: Iterable[str] = ()) -> str:
    cols = list(columns)
    keep = set(verbatim)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n", extrasaction="ignore")
    w.writerow({c: safe_cell(c) for c in cols})
    for row in rows:
        w.writerow({k: (v if k in keep else safe_cell(v)) for k, v in row.items()})
    return buf.getvalue()


__all__ = ["csv_text", "safe_cell"]

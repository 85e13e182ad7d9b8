"""CITATION.cff (Citation File Format 1.2.0) for a release of the manual.

Title, version, release date, licence, repository, and the authors: the contributors named in
the modules' front matter (``contributors``), then manual.yml's ``authors``. Contributors are
named by name or by role, so each becomes an entity (``name:``); nobody is split into given and
family names by guesswork. When nobody is named, the one author is "The contributors to <title>",
and `manual release` says so. The tests validate the file against the CFF 1.2.0 JSON schema
(check-jsonschema's built-in copy).
"""
from __future__ import annotations

from typing import Any

import yaml

from manualkit.core import model as m

FILE = "CITATION.cff"


def authors(manual: m.Manual) -> tuple[list[dict[str, str]], bool]:
    """(authors, named): the CFF author list, and whether anyone was actually named."""
    names: list[str] = []
    for mod in manual.ordered_modules():
        for c in mod.contributors:
            name = str(c.get("name") or "").strip()
            if name and name not in names:
                names.append(name)
    for a in manual.citation.get("authors") or []:
        name = str(a.get("name") if isinstance(a, dict) else a or "").strip()
        if name and name not in names:
            names.append(name)
    if names:
        return [{"name": n} for n in names], True
    title = m.text_in(manual.title, "en", manual.default_language)
    return [{"name": f"The contributors to {title}"}], False


def citation(manual: m.Manual, version: str, date: str, *, draft: bool = False, origin: str = "") -> dict[str, Any]:
    title = m.text_in(manual.title, "en", manual.default_language)
    people, _named = authors(manual)
    data: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": "If you use this manual, please cite it as below.",
        "title": title + (" (draft)" if draft else ""),
        "version": version,
        "date-released": date,
        "authors": people,
        "abstract": (f"{title}, version {version}: the intervention manual in "
                     f"{', '.join(manual.languages)}, with the local versions of the municipalities that use it."),
        "keywords": ["child welfare", "intervention manual", "Family Partner"],
    }
    if manual.citation.get("license"):
        data["license"] = str(manual.citation["license"])
    repository = manual.citation.get("repository") or _web_address(origin)
    if repository:
        data["repository-code"] = str(repository)
    return data


def missing(manual: m.Manual, origin: str = "") -> list[str]:
    """What a release's CITATION.cff would lack: each as a line saying what to write in manual.yml."""
    out = []
    if not manual.citation.get("authors"):
        out.append("manual/manual.yml names no authors: add 'authors:' with '- name: ...' for the institution "
                   "(and the people) who make the manual")
    if not manual.citation.get("license"):
        out.append("manual/manual.yml names no licence: add 'license:' with an SPDX id such as CC-BY-4.0 or MIT")
    if not (manual.citation.get("repository") or origin):
        out.append("no repository is named: add 'repository: https://github.com/OWNER/NAME' to manual/manual.yml "
                   "(or set git's remote origin)")
    return out


def _web_address(origin: str) -> str:
    """git's remote origin as a web address (git@github.com:o/n.git -> https://github.com/o/n); else ''."""
    import re
    hit = re.fullmatch(r"(?:https://|git@|ssh://git@)([\w.-]+)[:/]([\w.-]+)/([\w.-]+?)(?:\.git)?/?", origin.strip())
    return f"https://{hit[1]}/{hit[2]}/{hit[3]}" if hit else ""


def text(manual: m.Manual, version: str, date: str, *, draft: bool = False, origin: str = "") -> str:
    head = "# Written by `manual release`: do not edit by hand (the values come from manual/manual.yml and the modules).\n"
    return head + yaml.safe_dump(citation(manual, version, date, draft=draft, origin=origin), allow_unicode=True, sort_keys=False, width=1000)


__all__ = ["citation", "text", "authors", "missing", "FILE"]

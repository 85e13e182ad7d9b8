"""The web editor's save check: the checker runs on the files as they would be, before they are written.

Decap's local backend (decap-server) writes whatever the browser sends. The editor's own server
(cli/editor.py) stands in front of it: on a save (action ``persistEntry``) it makes a scratch copy
of the repository with the saved files (and uploaded images) in place, loads and checks that copy
exactly as ``manual check`` does, and refuses the save with HTTP 422 when the save would leave an
error: a new error anywhere, or any error in a file being saved. The saved modules are formatted
in the copy as they are after a real save (`manual fmt`: front matter, and a new module listed
in manual.yml), so the check sees the files as they will be. Decap then shows the message
(in Norwegian, with the checker's lines and hints) and keeps everything the editor typed in the
form, so a refused save loses nothing. Nothing in the repository is touched by a refused save.

Before that, every path a request names (to read, list, write or delete) must be a plain relative
path to a file in manual/, adaptations/ or locales/ of this repository (:func:`path_refusal`): no
``..``, no absolute path, no backslash, no percent-encoding (``%2e%2e``), no NUL or other control
character, no symbolic link that leads out of those folders. Anything else is refused with a plain
message before decap-server sees the request, so nothing is read or written outside.

Decap writes one file per language of the manual, also for a language the editor left empty
(for a module without a Nynorsk translation it sends ``---\nid: ...\n---\n``, the id being the
same in every language). Such a file holds no text: :func:`untranslated` names them, and the
editor's server does not write them, so a module keeps the languages it has.
"""
from __future__ import annotations

import base64
import io
import os
import re
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from manualkit.core.controls import visible
from manualkit.core.problems import Problem, format_problem

# top-level folders copied into the scratch copy (the rest is linked: read, never written)
COPIED = ("manual", "adaptations", "locales")
SKIPPED = {".git", ".venv", "venv", "node_modules", "build", "__pycache__", ".pytest_cache"}
SHOWN = 8  # problems listed in the editor's message; the rest are counted
EDITED = ("manual", "adaptations", "locales")  # the only folders a request may name
PATH_KEYS = ("path", "newPath", "folder", "mediaFolder", "file")  # keys of decap-server's API that hold a path
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # also bidi overrides
_ENCODED = re.compile("%[0-9A-Fa-f]{2}")
PATH_HINT = "the editor reads and writes only files inside manual/, adaptations/ and locales/ of this repository"


def path_refusal(root: Path, rel: object) -> str | None:
    """Why a path sent by the browser is refused; None when it is a plain relative path to a file
    inside manual/, adaptations/ or locales/ of ``root``, also after every symbolic link is followed."""
    if not isinstance(rel, str) or not rel:
        return "a path in the request is empty or not a text"
    shown = f"the path '{visible(rel, one_line=True)}'"
    if _CONTROL.search(rel):
        return f"{shown} has a control character (NUL, a line break, …) in it"
    if "\\" in rel:
        return f"{shown} has a backslash in it (the editor writes paths with /)"
    if _ENCODED.search(rel):
        return f"{shown} is percent-encoded (%2e%2e is '..'): paths are sent as they are"
    p = PurePosixPath(rel)
    if p.is_absolute():
        return f"{shown} is absolute"
    if ".." in p.parts:
        return f"{shown} goes up with '..'"
    if not p.parts or p.parts[0] not in EDITED:
        return f"{shown} is outside manual/, adaptations/ and locales/"
    base = Path(os.path.realpath(root))
    try:
        inside = Path(os.path.realpath(base / rel)).relative_to(base).parts
    except ValueError:
        inside = ()
    if not inside or inside[0] not in EDITED:
        return f"{shown} leads out of manual/, adaptations/ and locales/ through a symbolic link"
    return None


def request_paths(params: object) -> list[object]:
    """Every path a request of decap-server's API names, wherever it stands in the request."""
    found: list[object] = []
    stack = [params]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in PATH_KEYS and not isinstance(value, (dict, list)):
                    found.append(value)
                elif key == "paths" and isinstance(value, list):
                    found.extend(v for v in value if not isinstance(v, (dict, list)))
                    stack.extend(v for v in value if isinstance(v, (dict, list)))
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return found


def request_refusal(root: Path, msg: object) -> str | None:
    """The message refusing a request that is not decap-server's API or names a path it may not
    (None: it may go on). In the editor's language, with the reason and a hint."""
    if not (isinstance(msg, dict) and isinstance(msg.get("action"), str)):
        return "Avvist: the request is not one of decap-server's (a JSON object with an action)"
    for rel in request_paths(msg.get("params")):
        reason = path_refusal(root, rel)
        if reason is not None:
            return f"Avvist: {reason}\n    tips (hint): {PATH_HINT}"
    return None


def saved_files(params: dict) -> dict[str, bytes]:
    """Relative path -> new content of every file a persistEntry request would write."""
    out: dict[str, bytes] = {}
    files = params.get("dataFiles") or ([params["entry"]] if params.get("entry") else [])
    for d in files:
        if isinstance(d, dict) and isinstance(d.get("path"), str) and isinstance(d.get("raw"), str):
            out[d["path"]] = d["raw"].encode("utf-8")
    for a in params.get("assets") or []:
        if isinstance(a, dict) and isinstance(a.get("path"), str) and isinstance(a.get("content"), str):
            try:
                out[a["path"]] = base64.b64decode(a["content"])
            except ValueError:
                continue
    return out


def untranslated(root: Path, params: dict) -> list[str]:
    """The module files of this save that would be new and hold no text in a translation's language.

    A file counts when it is ``manual/<part>/<module>.<lang>.md`` in a language of the manual
    other than the source language, does not exist yet, and has nothing but ``id`` (and the
    translation bookkeeping) in its front matter and no text after it.
    """
    from manualkit.core.load import FILE_RE
    from manualkit.core.textfile import read_yaml_file, split_front_matter

    data, _marks, _problems = read_yaml_file(Path(root) / "manual" / "manual.yml", "manual/manual.yml")
    if not isinstance(data, dict) or not isinstance(data.get("languages"), list):
        return []  # the check says why manual.yml cannot be read
    languages = [x for x in data["languages"] if isinstance(x, str)]
    default = data.get("default_language") if isinstance(data.get("default_language"), str) else None
    out: list[str] = []
    for d in params.get("dataFiles") or []:
        if not (isinstance(d, dict) and isinstance(d.get("path"), str) and isinstance(d.get("raw"), str)):
            continue
        rel = _safe(d["path"])
        m = FILE_RE.fullmatch(rel.name) if rel is not None else None
        if (m is None or len(rel.parts) != 3 or rel.parts[0] != "manual" or rel.parts[1].startswith(".")
                or m.group("lang") not in languages or m.group("lang") == default
                or (Path(root) / rel).exists()):
            continue
        doc, problems = split_front_matter(d["raw"].replace("\r\n", "\n"), str(rel))
        if doc is None or problems or doc.body.strip():
            continue
        if set(doc.meta) <= {"id", "translation"}:
            out.append(d["path"])
    return out


def _safe(rel: str) -> PurePosixPath | None:
    p = PurePosixPath(rel)
    if p.is_absolute() or ".." in p.parts or not p.parts:
        return None
    return p


def _key(p: Problem) -> tuple[str, str, str]:
    return (p.path, p.code, p.message)


def refusals(root: Path, files: dict[str, bytes]) -> list[Problem]:
    """The errors that refuse this save ([] when it may be written)."""
    from manualkit.core.project import load_project

    root = Path(root).resolve()
    wanted = {str(p): body for rel, body in files.items() if (p := _safe(rel)) is not None}
    if not wanted:
        return []
    before = {_key(p) for p in load_project(root, render=False).errors}
    with tempfile.TemporaryDirectory(prefix="manualkit-save-") as tmp:
        scratch = Path(tmp) / "repo"
        scratch.mkdir()
        for entry in root.iterdir():
            if entry.name in SKIPPED:
                continue
            if entry.name in COPIED and entry.is_dir():
                shutil.copytree(entry, scratch / entry.name, symlinks=True)
            else:
                os.symlink(entry, scratch / entry.name)
        for rel, body in wanted.items():
            target = scratch / rel
            if target.parent.is_symlink() or not str(target.resolve().parent).startswith(str(scratch.resolve())):
                continue  # outside the copied folders: not content the checker reads
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
        _format_as_saved(scratch, [scratch / rel for rel in wanted])
        after = load_project(scratch, render=False).errors
    return [p for p in after if p.path in wanted or _key(p) not in before]


def _format_as_saved(scratch: Path, paths: list[Path]) -> None:
    """What the editor's server does after a save (`manual fmt` of the saved modules), in the copy."""
    from manualkit.cli.fmt import format_paths
    from manualkit.core.problems import ManualkitError

    manual = scratch / "manual"
    modules = [p for p in paths if p.suffix == ".md" and p.parent.parent == manual and p.is_file()]
    if not modules:
        return
    try:
        format_paths(scratch.resolve(), [p.resolve() for p in modules], check=False, out=io.StringIO())
    except ManualkitError:
        pass  # manual.yml cannot be read: the check reports that itself


def message_nb(problems: list[Problem]) -> str:
    """What the editor shows for a refused save: Norwegian lead, then the checker's own lines."""
    n = len(problems)
    lines = [f"Ikke lagret: manual check fant {n} feil som denne endringen ville gitt. "
             "Det du har skrevet, er ikke borte: rett feilen i skjemaet og lagre på nytt."]
    for p in problems[:SHOWN]:
        lines.append(format_problem(p).replace("\n    hint: ", "\n    tips (hint): "))
    if n > SHOWN:
        lines.append(f"… og {n - SHOWN} til (kjør: manual check)")
    return "\n".join(lines)

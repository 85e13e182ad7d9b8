"""The proposal a review import makes: a unified diff per source file, the comments, and the notes.

Nothing is written until :meth:`Proposal.apply` is called (``manual docx import --apply``), and
then only to files that are still as they were when the proposal was made. A file the proposal
creates (a translation started with ``--start-translation``) is created only if it does not exist.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from manualkit.core.problems import ManualkitError


@dataclass(frozen=True)
class Note:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text}" if self.line else f"{self.path}: {self.text}"


@dataclass
class Proposal:
    docx: str
    variant: str
    lang: str
    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (current text, proposed text)
    comments: list[Note] = field(default_factory=list)
    reports: list[Note] = field(default_factory=list)  # what was not applied, and why
    changed_sections: list[Note] = field(default_factory=list)
    created: set[str] = field(default_factory=set)  # paths of files the proposal creates (none exists yet)
    started: list[Note] = field(default_factory=list)  # the translations it starts, and from what
    refused: bool = False
    already: int = 0  # paragraphs whose source already reads as the reviewer left them

    @property
    def diff(self) -> str:
        out: list[str] = []
        for path in sorted(self.files):
            old, new = self.files[path]
            if old != new:
                out += difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                            "/dev/null" if path in self.created else f"a/{path}", f"b/{path}")
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in out)

    def notes(self) -> list[str]:
        lines = [str(n) for n in self.changed_sections]
        lines += [f"{n}" for n in self.reports]
        lines += [f"{n}" for n in self.started]
        if self.comments:
            lines.append(f"{len(self.comments)} comment{'' if len(self.comments) == 1 else 's'} from the review:")
            lines += [f"{n}" for n in self.comments]
        nothing = not any(old != new for old, new in self.files.values())
        if self.already and nothing and not self.reports:
            n = self.already
            what = "the changed paragraph reads as the reviewer left it" if n == 1 else \
                f"the {n} changed paragraphs read as the reviewer left them"
            lines.append(f"{self.docx}: already applied: {what}; nothing to do")
            return lines
        if self.already:
            lines.append(f"{self.docx}: {self.already} changed paragraph{'' if self.already == 1 else 's'} already "
                         "read as the reviewer left them (applied before?)")
        if nothing:
            lines.append(f"{self.docx}: no tracked change to propose")
        return lines

    def apply(self, root: Path) -> list[str]:
        """Write the proposed texts; a file that changed since the proposal was made is refused."""
        done = []
        changed = {path: texts for path, texts in sorted(self.files.items()) if texts[0] != texts[1]}
        # all checked before anything is written
        targets = {path: new_source(root, path) if path in self.created else writable_source(root, path) for path in changed}
        for path, (old, new) in changed.items():
            target = targets[path]
            if path in self.created:
                try:
                    with open(target, "x", encoding="utf-8") as f:  # never over a file made in the meantime
                        f.write(new)
                except FileExistsError:
                    raise ManualkitError(f"{path} was created while the proposal was made; it was not written over",
                                         hint="run the import again") from None
                done.append(path)
                continue
            if target.read_text(encoding="utf-8") != old:
                raise ManualkitError(f"{path} changed while the proposal was made; nothing was written to it",
                                     hint="run the import again")
            target.write_text(new, encoding="utf-8")
            done.append(path)
        return done


SOURCE_FOLDERS = ("manual", "adaptations")


def writable_source(root: Path, path: str) -> Path:
    """The file ``path`` names, if it is a source file of the manual: a plain relative path inside
    manual/ or adaptations/, no '..', no symbolic link on the way, and it exists."""
    target = _source_path(root, path)
    if not target.is_file():
        raise _not_a_source(path)
    return target


def new_source(root: Path, path: str) -> Path:
    """Where a new source file ``path`` goes: as :func:`writable_source` asks, in a folder that
    exists, and no file (nor anything else) there yet."""
    target = _source_path(root, path)
    if target.exists() or target.is_symlink():
        raise ManualkitError(f"{path} exists already; the proposal would create it, so nothing was written",
                             hint="run the import again: it then takes that file into account")
    if not target.parent.is_dir():
        raise _not_a_source(path)
    return target


def _not_a_source(path: str) -> ManualkitError:
    return ManualkitError(f"the proposal would write to {path}, which is not a source file of the manual; nothing was written",
                          hint="a review only changes the modules its DOCX was made from (manual/, adaptations/)")


def _source_path(root: Path, path: str) -> Path:
    root = Path(root).resolve()
    rel = Path(path)
    parts = rel.parts
    ok = (not rel.is_absolute() and ".." not in parts and "\\" not in path and len(parts) > 1
          and parts[0] in SOURCE_FOLDERS and path.endswith((".md", ".yml")))
    target = root / rel
    if ok:
        walk = root
        for part in parts:
            walk = walk / part
            if walk.is_symlink():
                ok = False
                break
    if not ok or not target.resolve().is_relative_to(root):
        raise _not_a_source(path)
    return target


__all__ = ["Proposal", "Note", "writable_source", "new_source"]

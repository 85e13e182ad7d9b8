"""The few edits the toolkit makes to source files, when asked: line-level and minimal.

Comments, key order, BOM and line endings are kept; only the lines that must change do.
"""
from __future__ import annotations

import re
from pathlib import Path

from manualkit.core.problems import ManualkitError
from manualkit.outputs.staging import write_atomically


class _File:
    def __init__(self, path: Path) -> None:
        self.path = path
        raw = path.read_bytes()
        self.bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.lines = text.replace("\r\n", "\n").split("\n")

    def save(self) -> None:
        text = self.newline.join(self.lines)
        data = ("\ufeff" if self.bom else "") + text
        write_atomically(self.path, data.encode("utf-8"))


def set_translation_hash(path: Path, new_hash: str) -> bool:
    """Write ``translation.source_hash`` in a translation's front matter. True when changed."""
    f = _File(path)
    end = next((i for i in range(1, len(f.lines)) if f.lines[i].rstrip() in ("---", "...")), None)
    if f.lines[0].rstrip() != "---" or end is None:
        raise ManualkitError(f"{path}: the front matter is missing or not closed", hint="run: manual check")
    for i in range(1, end):
        line = f.lines[i]
        flow = re.match(r"^(\s*)translation:\s*\{(.*)\}\s*(#.*)?$", line)
        if flow:
            items = [x.strip() for x in flow.group(2).split(",") if x.strip() and not x.strip().startswith("source_hash")]
            items.append(f"source_hash: {new_hash}")
            new = f"{flow.group(1)}translation: {{{', '.join(items)}}}"
            changed = new != line
            f.lines[i] = new
            if changed:
                f.save()
            return changed
        if re.match(r"^translation:\s*(#.*)?$", line):
            indent = "  "
            j = i + 1
            while j < end and (f.lines[j].startswith((" ", "\t")) or not f.lines[j].strip()):
                m = re.match(r"^(\s+)source_hash:\s*(\S*)", f.lines[j])
                if m:
                    if m.group(2) == new_hash:
                        return False
                    f.lines[j] = f"{m.group(1)}source_hash: {new_hash}"
                    f.save()
                    return True
                if f.lines[j].strip():
                    indent = re.match(r"^(\s+)", f.lines[j]).group(1)
                j += 1
            f.lines.insert(j, f"{indent}source_hash: {new_hash}")
            f.save()
            return True
    raise ManualkitError(f"{path}: no 'translation:' key in the front matter",
                         hint="this is the source file of the module, or add 'translation: {from: nb}' first")


def set_change_hash(path: Path, id_line: int, new_hash: str) -> bool:
    """Write ``base_hash`` into the change whose ``id:`` key is on line ``id_line`` (1-based)."""
    f = _File(path)
    i = id_line - 1
    m = re.match(r"^(\s*)(-\s+)?id:", f.lines[i])
    if not m:
        raise ManualkitError(f"{path}:{id_line}: expected the change's 'id:' line here")
    indent = " " * (len(m.group(1)) + len(m.group(2) or ""))
    j = i + 1
    while j < len(f.lines):
        line = f.lines[j]
        if line.strip() and not line.startswith(indent) or re.match(r"^\s*-\s", line) and len(line) - len(line.lstrip()) < len(indent):
            break
        hm = re.match(rf"^{indent}base_hash:\s*(\S*)", line)
        if hm:
            if hm.group(1).strip("'\"") == new_hash:
                return False
            f.lines[j] = f"{indent}base_hash: {new_hash}"
            f.save()
            return True
        j += 1
    f.lines.insert(i + 1, f"{indent}base_hash: {new_hash}")
    f.save()
    return True


def add_module_to_part(path: Path, last_module_line: int, module_id: str) -> None:
    """Insert ``- module_id`` after the part's last listed module (block-style list)."""
    f = _File(path)
    line = f.lines[last_module_line - 1]
    m = re.match(r"^(\s*-\s+)", line)
    if not m:
        raise ManualkitError(f"{path}:{last_module_line}: the part's modules are not a '- id' list",
                             hint="write the modules one per line, each starting with '- ', then try again")
    f.lines.insert(last_module_line, f"{m.group(1)}{module_id}")
    f.save()

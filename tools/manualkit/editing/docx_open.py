"""Open a DOCX that came back from outside (a reviewer's Word file) without trusting it.

A DOCX is a zip of XML files. What a hostile or broken file could do, and what stops it:

- a zip bomb (a small file that unpacks to gigabytes, or a million members): at most
  ``MAX_MEMBERS`` members, ``MAX_MEMBER`` bytes per member and ``MAX_TOTAL`` bytes in all as they
  are *actually* unpacked (the sizes in the zip's directory may lie), and no member that unpacks
  to more than ``MAX_RATIO`` times its compressed size;
- XML entities (billion laughs, external entities reading local files or the network): the XML
  is parsed with entity resolution, DTD loading and network access off, and a document with a
  DOCTYPE is refused (WordprocessingML never has one);
- a file that is not a DOCX at all (a PDF, an old .doc, a renamed zip): refused with a message
  that says so;
- a member whose name is not a plain relative path (``../x``, ``/etc/x``, a backslash, a NUL):
  the whole file is refused (outputs/zips.py), though nothing is ever unpacked to disk.

Only the members the importer reads are unpacked; the rest are never touched.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from manualkit.core.controls import visible
from manualkit.core.problems import UsageError
from manualkit.outputs.zips import member_refusal

MAX_MEMBERS = 5000
MAX_MEMBER = 64 * 1024 * 1024
MAX_TOTAL = 256 * 1024 * 1024
MAX_RATIO = 200
_SMALL = 64 * 1024  # below this, a high ratio is harmless (a run of spaces compresses well)
_CHUNK = 1024 * 1024
_HINT = "save it from Word as a .docx (Word document) file and import that file"


class _Bomb(Exception):
    pass


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_pis=True)


def parse_xml(data: bytes, name: str, path: Path) -> etree._Element:
    """One XML member of the DOCX, parsed with entities, DTDs and the network off."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise UsageError(f"{path} is not a readable DOCX: {name} is not well-formed XML ({exc})", hint=_HINT) from None
    if root.getroottree().docinfo.doctype:
        raise UsageError(f"{path} is not a readable DOCX: {name} declares a DOCTYPE, which Word never writes",
                         hint="the file was made or changed by another program; " + _HINT)
    return root


class Docx:
    """The members of a DOCX, read on demand within the limits above."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._total = 0
        try:
            self._zip = zipfile.ZipFile(path)
        except FileNotFoundError:
            raise UsageError(f"{path} does not exist", hint="give the DOCX the reviewer sent back") from None
        except IsADirectoryError:
            raise UsageError(f"{path} is a folder, not a DOCX", hint="give the DOCX the reviewer sent back") from None
        except (zipfile.BadZipFile, OSError, ValueError):
            raise UsageError(f"{path} is not a readable DOCX (Word document): it is not a zip file, as every .docx is",
                             hint=_HINT + "; an old .doc, a PDF or a renamed file cannot be imported") from None
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            self.close()
            raise UsageError(f"{path} is not a readable DOCX: it holds {len(infos)} files, more than the {MAX_MEMBERS} a Word document can have",
                             hint=_HINT)
        for info in infos:  # Word writes plain relative names only; anything else is not its file
            reason = member_refusal(info.filename)
            if reason is not None:
                self.close()
                raise UsageError(f"{path} is not a readable DOCX: it holds a file named "
                                 f"'{visible(info.filename, one_line=True)}' ({reason}), which Word never writes",
                                 hint="the file was made or changed by another program; " + _HINT)
        self._names = {i.filename: i for i in infos}
        if "word/document.xml" not in self._names or "[Content_Types].xml" not in self._names:
            self.close()
            raise UsageError(f"{path} is not a readable DOCX (Word document): it is a zip file without word/document.xml",
                             hint=_HINT)

    def __enter__(self) -> "Docx":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def has(self, name: str) -> bool:
        return name in self._names

    def read(self, name: str) -> bytes:
        """A member's bytes, counted as they are unpacked (the directory's sizes are not trusted)."""
        info = self._names[name]
        out = bytearray()
        try:
            with self._zip.open(info) as fh:
                while chunk := fh.read(_CHUNK):
                    out += chunk
                    self._total += len(chunk)
                    if len(out) > MAX_MEMBER or self._total > MAX_TOTAL:
                        raise _Bomb(f"unpacks to more than {min(MAX_MEMBER, MAX_TOTAL) // (1024 * 1024)} MB")
                    if len(out) > _SMALL and len(out) > MAX_RATIO * max(info.compress_size, 1):
                        raise _Bomb(f"unpacks to more than {MAX_RATIO} times its packed size")
        except _Bomb as why:
            raise UsageError(f"{self.path} is not a readable DOCX: {name} {why} (a zip bomb, or a damaged file)",
                             hint=_HINT) from None
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise UsageError(f"{self.path} is not a readable DOCX: {name} cannot be unpacked ({exc})", hint=_HINT) from None
        return bytes(out)

    def xml(self, name: str) -> etree._Element:
        return parse_xml(self.read(name), name, self.path)


__all__ = ["Docx", "parse_xml", "MAX_MEMBERS", "MAX_MEMBER", "MAX_TOTAL", "MAX_RATIO"]

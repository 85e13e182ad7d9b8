"""`manual docx import`: a reviewer's tracked changes and comments → a proposal for the sources.

The DOCX says what it was made from (custom properties written by the export: variant, language
and, per section bookmark, the module, section, file, line and hash of the text as written).
Each paragraph is traced through the bookmarks to its section, matched with the paragraph of the
section's *current* source that shows the same words (see :mod:`manualkit.editing.projection`),
and each tracked insertion or deletion is placed in the source text:

- text a variable produced is never edited: the change is reported with the variable's name;
- a section whose source changed since the export is named; a paragraph that is unchanged still
  takes the reviewer's edits, a changed one takes those whose place is unchanged (a three-way
  merge of exported text, reviewer's text and current source), the rest are refused and listed;
- changes of formatting, of generated lines (core and local marks, callout titles) and of the
  title and summary (they live in the front matter) are listed, not applied;
- text edited without Track Changes shows as a paragraph that differs from the export, and is
  listed too.

Text in another language than the export's (a module with no translation yet, shown in its source
language; the language of a text is the one its file is named for) is never edited in its own
file. With ``start_translation`` (``--start-translation``), the reviewer's edits of such a module
become the start of its translation: a new ``<id>.<lang>.md`` beside the source, with the source's
text and the edits, and the front matter of a new translation (:func:`manualkit.editing.scaffold.
translation_meta`: no source_hash, so `manual check` asks for it to be checked, W504). A file of
that language that exists already is never written over.

The result is a unified diff per source file; :meth:`Proposal.apply` writes it, and refuses a
file that changed after the proposal was made. Nothing is written unless it is asked for.
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from manualkit.core.emphasis import unbalanced
from manualkit.core.model import body_hash
from manualkit.core.problems import ManualkitError, UsageError
from manualkit.core.model import Manual
from manualkit.core.resolved import ResolvedVariant, string, variants_for
from manualkit.core.textfile import split_front_matter
from manualkit.editing.docx_read import Comment, Edit, Para, read_review
from manualkit.editing.proposal import Note, Proposal
from manualkit.core.doctree import Tree
from manualkit.editing.projection import Block, blocks
from manualkit.editing.scaffold import translation_meta
from manualkit.outputs.docx.markdown import PREAMBLE, SectionRecord, variable_text
from manualkit.outputs.docx.reference import GENERATED_STYLE_IDS

_ESCAPE = re.compile(r"([\\`*_\[\]{}<>])")
_RECORD = re.compile(r"^fp-([ms]\d+)$")
MIN_SIMILARITY = 0.6  # how alike a changed paragraph must be to the exported one to take edits
_LANGUAGE_NAMES = {"nb": "Bokmål", "nn": "Nynorsk", "en": "English"}
SEARCH_AHEAD = 8  # paragraphs of the current section looked at for it (they stay in order)
_FILE_LANG = re.compile(r"\.([a-z]{2,3})\.md$")
START_OPTION = "--start-translation"


def text_language(origin: str, default: str) -> str:
    """The language a text is written in: the one its file is named for (x.nb.md), else ``default``."""
    found = _FILE_LANG.search(origin)
    return found.group(1) if found else default


@dataclass
class _Section:
    """A section as the reviewer saw it (the record) and as it is now (current source)."""

    record: SectionRecord
    origin: str
    line: int
    source: str
    tree: Tree  # the tree of ``source`` (core/doctree.py)
    title_para: bool = False
    paras: list[Para] = field(default_factory=list)
    text_lang: str = ""  # the language the text is in, when it is not the export's (a fallback module)

    @property
    def where(self) -> str:
        return f"{self.record.module}#{self.record.section}" if self.record.section != PREAMBLE else self.record.module

    @property
    def changed(self) -> bool:
        return body_hash(self.source) != self.record.hash or self.origin != self.record.origin


def _norm_positions(raw: str) -> tuple[str, list[int]]:
    """Whitespace collapsed as the projection does, and for each raw offset its offset in the result."""
    out: list[str] = []
    pos: list[int] = []
    for ch in raw:
        pos.append(len(out))
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
        else:
            out.append(ch)
    pos.append(len(out))
    while out and out[-1] == " ":
        out.pop()
    pos = [min(p, len(out)) for p in pos]
    return "".join(out), pos


def _escape(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text)


def _after_markup(source: str, where, block: Block) -> int:
    """Where text added at the end of a block goes: after its last word and the markup that closes it
    (``**``, a link's ``](target)``), before a table cell's ``|`` or a heading's ``{#id}``."""
    if not where or isinstance(where[-1], str):  # the block ends with a variable: after its '}}'
        end = block.content_end
        while end > block.start and source[end - 1] in " \t|":
            end -= 1
        return end + (1 if end < block.content_end and source[end] == " " else 0)
    last = where[-1]
    pos = last + 1
    while pos < block.content_end:
        if source[pos] in "*_`":
            pos += 1
        elif source.startswith("](", pos) and source.find(")", pos) >= 0:
            pos = source.find(")", pos) + 1
        else:
            break
    return min(pos, block.content_end)


def _balanced(text: str) -> bool:
    """True when a stretch of Markdown holds whole links, emphasis and code (or none)."""
    targets_closed = all(text.find(")", i) >= 0 for i in range(len(text)) if text.startswith("](", i))
    return (text.count("[") == text.count("]") and targets_closed
            and text.count("`") % 2 == 0 and "{{" not in text and "}}" not in text)


def _run_before(src: str, at: int, lo: int) -> int:
    n = 0
    while at - n > lo and src[at - n - 1] in "*_":
        n += 1
    return n


def _run_after(src: str, at: int, hi: int) -> int:
    n = 0
    while at + n < hi and src[at + n] in "*_":
        n += 1
    return n


def _emphasis_kept(src: str, lo: int, hi: int, a: int, b: int, repl: str) -> tuple[int, int] | None:
    """The range to replace so that the block ``src[lo:hi]`` keeps its emphasis markers paired.

    A deletion that takes the words of a bold lead-in ("**Avtal med foreldrene.** ") takes its
    markers with it; one that takes the closing marker takes the opening one too; one that would
    leave an empty pair ("****") removes the pair. None when no such range keeps the markup whole.
    """
    def bad(x: int, y: int) -> int:
        return len(unbalanced((src[lo:x] + repl + src[y:hi]).split("\n")))

    before = bad(a, a)  # the block as it is (nothing replaced)
    out_l, out_r = _run_before(src, a, lo), _run_after(src, b, hi)
    in_l = _run_after(src, a, b)
    core_end = b
    while core_end > a and src[core_end - 1].isspace():
        core_end -= 1
    in_r = _run_before(src, core_end, a)
    if not repl and out_l and out_r and src[a - out_l:a] == src[b:b + out_r][::-1]:
        x, y = a - out_l, b + out_r  # the whole emphasised text goes, and its markers with it
        if (x == lo or src[x - 1].isspace()) and y < hi and src[y] == " ":
            y += 1
        return (x, y) if bad(x, y) <= before else None
    tries = [(a, b), (a - out_l, b), (a, b + out_r), (a + in_l, b), (a, core_end - in_r), (a - out_l, b + out_r)]
    for x, y in tries:
        if x <= y and bad(x, y) <= before:
            return x, y
    return None


class _Importer:
    def __init__(self, variant: ResolvedVariant, lang: str, proposal: Proposal, root: Path, *,
                 manual: Manual | None = None, start_translation: bool = False) -> None:
        self.variant = variant
        self.lang = lang
        self.p = proposal
        self.root = root
        self.manual = manual
        self.start_translation = start_translation
        self.translating: dict[str, tuple[str, str]] = {}  # source file -> (translation to start, module id)
        self.label = string(variant.manuals[lang].strings, "labels.placeholder")
        self.edits: dict[str, list[tuple[int, int, str]]] = {}  # path -> (start, end, text) in file offsets
        self.texts: dict[str, str] = {}
        self.foreign_hinted: set[str] = set()

    def var(self, name: str) -> str:
        return variable_text(self.variant.values, name, self.lang, self.label) if name in self.variant.values else ""

    def generated(self, name: str) -> bool:
        val = self.variant.values.get(name)
        return val is not None and val.block

    def var_note(self, name: str) -> str:
        val = self.variant.values.get(name)
        return f"{{{{ {name} }}}}" + (f", defined in {val.origin}:{val.line}" if val is not None and val.line else "")

    def file_text(self, path: str) -> str | None:
        if path not in self.texts:
            try:
                self.texts[path] = (self.root / path).read_text(encoding="utf-8")
            except OSError:
                return None
        return self.texts[path]

    def section_offset(self, sec: _Section) -> int | None:
        """Where the section's text starts in its file (None when it is not found there as written)."""
        text = self.file_text(sec.origin)
        if text is None:
            return None
        lines = text.split("\n")
        offset = sum(len(line) + 1 for line in lines[:max(0, sec.line - 1)])
        return offset if text.startswith(sec.source, offset) else None

    def refuse(self, sec: _Section, line: int, why: str, edit: Edit | None = None, para: Para | None = None) -> None:
        what = ""
        if edit is not None and para is not None:
            old = para.old[edit.start:edit.end]
            if old and edit.text:
                what = f': "{old}" → "{edit.text}"'
            elif old:
                what = f': deleting "{old}"'
            else:
                what = f': inserting "{edit.text}"'
            what += f" (by {edit.author})" if edit.author else ""
        self.p.reports.append(Note(sec.origin, line, f"not applied in {sec.where}: {why}{what}"))
        self.p.refused = True

    def line_of(self, sec: _Section, offset: int) -> int:
        return sec.line + sec.source.count("\n", 0, max(0, offset))

    # -- one section ---------------------------------------------------------------------------
    def section(self, sec: _Section) -> None:
        marks = (len(self.p.reports), self.p.already, sum(len(v) for v in self.edits.values()))
        self._section(sec)
        if sec.changed and self.p.already > marks[1] and marks[0] == len(self.p.reports) \
                and marks[2] == sum(len(v) for v in self.edits.values()):
            # nothing proposed or refused here: the section changed only by this review, applied before
            self.p.changed_sections = [n for n in self.p.changed_sections if n.line != sec.line or n.path != sec.origin]

    def _section(self, sec: _Section) -> None:
        if sec.text_lang and sec.text_lang != self.lang:
            why = self.cannot_start(sec) if self.start_translation else None
            if not self.start_translation or why:
                self.foreign(sec, why)
                return
        if sec.changed:
            self.p.changed_sections.append(Note(
                sec.origin, sec.line, f"changed since the export: {sec.where} (the reviewer saw an older text; "
                "their changes are proposed only where that text is unchanged)"))
        start = self.section_offset(sec)
        blks = blocks(sec.tree, self.var, self.generated)
        cursor = 0
        previous: Block | None = None
        for para in sec.paras:
            if para.generated:
                _not_modelled(self, sec, para, para.generated)
                continue
            old, old_pos = _norm_positions(para.old)
            new = " ".join(para.new.split())
            edits = para.edits()
            if not old:
                if new and edits and para.in_table:
                    self.refuse(sec, self.line_of(sec, previous.end) if previous else sec.line,
                                "new table cells and rows are not read back; add them in the Markdown table", edits[0], para)
                elif new and edits:
                    done = next((j for j in range(cursor, min(len(blks), cursor + SEARCH_AHEAD))
                                 if blks[j].plain == new), None)
                    if done is not None:  # the new paragraph is there already (applied before)
                        cursor, previous = done + 1, blks[done]
                        self.p.already += 1
                        continue
                    self.inserted_paragraph(sec, start, previous, new, edits[0])
                continue
            found = next((j for j in range(cursor, len(blks)) if blks[j].plain == old), None)
            mapping = None
            if found is None and edits:
                done = next((j for j in range(cursor, len(blks)) if blks[j].plain == new), None)
                if done is not None:  # the source already reads as the reviewer left it
                    cursor, previous = done + 1, blks[done]
                    self.p.already += 1
                    self.comments(sec, para, None, old_pos, None)
                    continue
                found, mapping = self.similar(blks, cursor, old)
                if found is None and not new:  # deleted by the reviewer, and no longer in the source
                    self.p.already += 1
                    self.comments(sec, para, None, old_pos, None)
                    continue
            if found is None:
                line = self.line_of(sec, previous.end) if previous is not None else sec.line
                if edits:
                    for e in edits:
                        self.refuse(sec, line, "the paragraph changed since the export", e, para)
                elif not sec.changed:
                    self.refuse(sec, line, f'the paragraph "{new[:60]}" differs from the export but has no tracked '
                                           "changes (edited with Track Changes off?)")
                self.formatting(sec, para, line)
                self.comments(sec, para, None, old_pos, None)
                continue
            block = blks[found]
            cursor = found + 1
            previous = block
            self.formatting(sec, para, self.line_of(sec, block.start))
            self.comments(sec, para, block, old_pos, mapping)
            if not edits:
                continue
            if block.generated:  # a table the toolkit makes: no word of it is in the source
                for e in edits:
                    self.refuse(sec, self.line_of(sec, block.start), "the toolkit makes this from the intervention "
                                f"model ({self.var_note(block.generated)}); change the model instead", e, para)
                continue
            if not new:
                self.whole_block_deleted(sec, start, block)
                continue
            for e in edits:
                s, t = old_pos[e.start], old_pos[e.end]
                if mapping is not None:
                    moved = mapping(s, t)
                    if moved is None:
                        self.refuse(sec, self.line_of(sec, block.start), "the text around the change is different now", e, para)
                        continue
                    s, t = moved
                self.place(sec, start, block, s, t, e, para)

    def translation_path(self, origin: str) -> str:
        return _FILE_LANG.sub(f".{self.lang}.md", origin)

    def cannot_start(self, sec: _Section) -> str | None:
        """Why the edits of this fallback text cannot start its translation (None: they can)."""
        mod = self.manual.modules.get(sec.record.module) if self.manual is not None else None
        if mod is None or sec.origin != mod.source.path:
            return (f"{START_OPTION} starts the translation of a module's own file, and this text is in "
                    f"{sec.origin}; write its {self.lang} text in {Path(self.translation_path(sec.origin)).name} by hand")
        target = self.translation_path(sec.origin)
        if self.lang in mod.files or (self.root / target).exists():
            return (f"{target} exists already, but the export did not show it (`manual check` says why); "
                    f"{START_OPTION} never writes over a file")
        self.translating[sec.origin] = (target, mod.id)
        return None

    def foreign(self, sec: _Section, why: str | None = None) -> None:
        """A section shown in another language than the export's: its edits are never written into that file."""
        blks = blocks(sec.tree, self.var, self.generated)
        shown = _LANGUAGE_NAMES.get(sec.text_lang, sec.text_lang)
        mid = sec.record.module
        for para in sec.paras:
            if para.generated:
                _not_modelled(self, sec, para, para.generated)
                continue
            old, old_pos = _norm_positions(para.old)
            block = next((b for b in blks if b.plain == old), None) if old else None
            line = self.line_of(sec, block.start) if block is not None else sec.line
            for c in para.comments:
                self.p.comments.append(self.comment_note(sec, line, c))
            if not para.edits():
                continue
            self.p.reports.append(Note(sec.origin, line, f"not applied in {sec.where}: this is the {shown} text shown in "
                                                        f"the {self.lang} export; the edit was not written into {sec.origin}"
                                                        + (f" ({why})" if why else "")))
            self.p.refused = True
            if mid not in self.foreign_hinted and not why:
                self.foreign_hinted.add(mid)
                target = self.translation_path(sec.origin)
                self.p.reports.append(Note(sec.origin, 0, f"hint: to make these edits the start of the {self.lang} "
                                                          f"translation of {mid}, import again with {START_OPTION}: it "
                                                          f"creates {target} from the {shown} text with the edits; or create "
                                                          f"{Path(target).name} first and make the edits there"))

    def formatting(self, sec: _Section, para: Para, line: int) -> None:
        for text in para.formatting:
            self.refuse(sec, line, f'the formatting of "{text}" was changed; formatting is not taken from Word '
                                   "(write emphasis as *text* or **text** in the source)")
        if para.style_changed:
            self.refuse(sec, line, f'the paragraph style of "{" ".join(para.new.split())[:60]}" was changed; '
                                   "styles come from the manual's structure and are not imported")

    def similar(self, blks: list[Block], cursor: int, old: str):
        """The block that is most like the exported paragraph, and a mapping of unchanged places."""
        best, ratio, matcher = None, MIN_SIMILARITY, None
        for j in range(cursor, min(len(blks), cursor + SEARCH_AHEAD)):
            m = difflib.SequenceMatcher(None, old, blks[j].plain, autojunk=False)
            if m.real_quick_ratio() > ratio and m.quick_ratio() > ratio and m.ratio() > ratio:
                best, ratio, matcher = j, m.ratio(), m
        if best is None:
            return None, None
        runs = matcher.get_matching_blocks()

        def mapping(s: int, t: int) -> tuple[int, int] | None:
            for a, b, size in runs:
                if t > s and a <= s and t <= a + size:
                    return b + (s - a), b + (t - a)
                if t == s and a < s < a + size:  # an insertion needs unchanged text on both sides
                    return b + (s - a), b + (s - a)
            return None

        return best, mapping

    def place(self, sec: _Section, start: int | None, block: Block, s: int, t: int, e: Edit, para: Para) -> None:
        where = block.where
        here = [w for w in where[:s + 1] if isinstance(w, int)]
        line = self.line_of(sec, here[-1] if here else block.start)
        if start is None:
            self.refuse(sec, line, f"its text is not in {sec.origin} as written (line {sec.line})", e, para)
            return
        if t > s:
            names = sorted({w[4:] for w in where[s:t] if isinstance(w, str)})
            if names:
                self.refuse(sec, line, "the words come from the variable " + ", ".join(self.var_note(n) for n in names)
                            + "; change its value instead", e, para)
                return
            a, b = where[s], where[t - 1] + 1
            if not _balanced(sec.source[a:b]):
                self.refuse(sec, line, "the change crosses a link or emphasis in the Markdown; make it by hand", e, para)
                return
            src = sec.source
            if not e.text and a > 0 and src[a - 1] in "*_[" and b < len(src) and src[b] == " ":
                b += 1  # "**Word rest**" minus "Word" is "**rest**", not "** rest**"
            elif not e.text and b < len(src) and src[b] in "*_]" and a > 0 and src[a - 1] == " ":
                a -= 1
            kept = _emphasis_kept(src, block.start, block.end, a, b, _escape(e.text))
            if kept is None:
                self.refuse(sec, line, "the change would leave an emphasis marker (* or **) without its pair; "
                            "make it by hand", e, para)
                return
            a, b = kept
        else:
            prev = where[s - 1] if s > 0 else None
            nxt = where[s] if s < len(where) else None
            if isinstance(prev, str) and isinstance(nxt, str):
                self.refuse(sec, line, "the insertion is inside the words of the variable "
                            + self.var_note(prev[4:]) + "; change its value instead", e, para)
                return
            if nxt is None:
                a = _after_markup(sec.source, where, block)
            elif prev is None or isinstance(prev, str):
                a = nxt
            elif isinstance(nxt, str) or nxt == prev + 1 or sec.source[prev].isspace():
                a = prev + 1
            else:
                a = nxt  # after the closing markup the previous word ends with
            b = a
        text = _escape(e.text)
        if block.kind == "cell":
            text = text.replace("|", "\\|")
        self.edits.setdefault(sec.origin, []).append((start + a, start + b, text))

    def whole_block_deleted(self, sec: _Section, start: int | None, block: Block) -> None:
        if start is None:
            return
        text = self.file_text(sec.origin) or ""
        a, b = start + block.start, start + block.end
        before, after = text[:a], text[b:]
        lead = len(before) - len(before.rstrip("\n"))
        trail = len(after) - len(after.lstrip("\n"))
        # the blank lines around the paragraph become one separation (a single newline between list
        # items, a blank line between paragraphs, one newline at the end of the file)
        sep = "\n" * min(2, max(lead, trail)) if after[trail:] else "\n"
        self.edits.setdefault(sec.origin, []).append((a - lead, b + trail, sep if before[:a - lead] else ""))

    def inserted_paragraph(self, sec: _Section, start: int | None, previous: Block | None, text: str, e: Edit) -> None:
        if start is None:
            self.refuse(sec, sec.line, f"its text is not in {sec.origin} as written", e, None)
            return
        at = previous.end if previous is not None else len(sec.source.rstrip("\n"))
        self.edits.setdefault(sec.origin, []).append((start + at, start + at, "\n\n" + _escape(text)))

    def comments(self, sec: _Section, para: Para, block: Block | None, old_pos: list[int], mapping) -> None:
        for c in para.comments:
            line = sec.line
            if block is not None:
                s = old_pos[min(c.start, len(old_pos) - 1)]
                if mapping is not None:
                    moved = mapping(s, s + 1)
                    s = moved[0] if moved else 0
                ints = [w for w in block.where[:s + 1] if isinstance(w, int)]
                line = self.line_of(sec, ints[-1] if ints else block.start)
            self.p.comments.append(self.comment_note(sec, line, c))

    def comment_note(self, sec: _Section, line: int, c: Comment) -> Note:
        who = c.author or "unknown"
        when = f" ({c.date})" if c.date else ""
        return Note(sec.origin, line, f'comment by {who}{when} on "{c.anchored}" in {sec.where}: {c.text}')

    def finish(self) -> None:
        for path, edits in self.edits.items():
            text = self.file_text(path)
            new = text
            last = None
            for a, b, repl in sorted(edits, key=lambda x: (x[0], x[1]), reverse=True):
                if last is not None and b > last:
                    continue  # overlapping edits of one place: the later one in the file wins, never both
                new = new[:a] + repl + new[b:]
                last = a
            if path in self.translating:
                self.start(path, new)
            else:
                self.p.files[path] = (text, new)

    def start(self, source: str, edited: str) -> None:
        """The translation ``self.translating[source]`` names, begun: the source's text with the edits."""
        target, mid = self.translating[source]
        doc, _problems = split_front_matter(edited, source)
        if doc is None or edited == self.file_text(source):
            return
        src = self.manual.modules[mid].source
        shown = _LANGUAGE_NAMES.get(src.lang, src.lang)
        head = [f"# Started from a Word review of the {self.lang} export: the {shown} text of {Path(source).name}",
                f"# with the reviewer's edits. Translate the rest, then run: manual translations mark {mid} {self.lang}"]
        meta = translation_meta(mid, json.dumps(src.title, ensure_ascii=False), src.lang)
        self.p.files[target] = ("", "---\n" + "\n".join(head + meta) + "\n---\n" + doc.body)
        self.p.created.add(target)
        self.p.started.append(Note(target, 0, f"starts the {self.lang} translation of {mid} ({START_OPTION}): the {shown} "
                                              f"text of {source} with the reviewer's edits; {source} is unchanged. "
                                              f"Translate the rest, then run: manual translations mark {mid} {self.lang}"))


def _records(props: dict[str, str]) -> dict[str, SectionRecord]:
    out = {}
    for name, value in props.items():
        found = _RECORD.match(name)
        if found:
            rec = SectionRecord.decode("fp_" + found.group(1), value)
            if rec is not None:
                out[rec.bookmark] = rec
    return out


def import_review(root: Path, path: Path, *, start_translation: bool = False) -> Proposal:
    """Read a reviewed DOCX and propose its changes to the current sources (nothing is written).
    With ``start_translation``, edits of a module shown in another language start its translation."""
    from manualkit.core.project import load_project
    from manualkit.outputs.docx.export import FORMAT

    review = read_review(path)
    props = review.properties
    if props.get("fp-format") != FORMAT or "fp-variant" not in props or "fp-lang" not in props:
        raise UsageError(f"{path} was not made by `manual docx` (its custom properties do not say what it was made from)",
                         hint="send reviewers a file from `manual docx --module ID`; their edits are read back from that file")
    variant_id, lang = props["fp-variant"], props["fp-lang"]
    project = load_project(root, variants_for(variant_id))
    if project.manual is None:
        raise ManualkitError("the manual cannot be read, so the review cannot be traced to it", hint="run: manual check")
    variant = project.resolved(variant_id)
    if lang not in variant.manuals:
        raise UsageError(f"{path} is in '{lang}', which variant {variant_id} no longer has", hint="languages: " + ", ".join(variant.manuals))
    proposal = Proposal(str(path), variant_id, lang)
    imp = _Importer(variant, lang, proposal, root, manual=project.manual, start_translation=start_translation)
    records = _records(props)
    rm = variant.manuals[lang]
    sections: dict[str, _Section] = {}
    # a bookmark or property can only name a module the export contained (fp-modules): the files
    # the proposal may change are those modules' source files, found in the manual, never in the DOCX
    exported = {m for m in props.get("fp-modules", "").split(",") if m}
    records = {mark: rec for mark, rec in records.items() if rec.module in exported}
    for mark, rec in records.items():
        mod = rm.module(rec.module)
        if mod is None:
            continue
        if rec.section == PREAMBLE:
            sections[mark] = _Section(rec, mod.origin, mod.preamble_line, mod.preamble_source, mod.preamble_source_tree,
                                      text_lang=text_language(mod.origin, mod.text_lang))
            continue
        sec = next((s for s in mod.sections if s.id == rec.section), None)
        if sec is not None:
            sections[mark] = _Section(rec, sec.origin, sec.line, sec.source, sec.source_tree,
                                      text_lang=text_language(sec.origin, mod.text_lang))
    current: _Section | None = None
    # why text outside any section of the current manual is not applied, and where to look
    lost, lost_at = "this line is made by the toolkit, not written in a source file", (str(path), 0)
    for para in review.paras:
        hit = [b for b in para.bookmarks if b in records]
        if hit:
            rec = records[hit[-1]]
            current = sections.get(hit[-1])
            if current is None:
                lost = f"{rec.module}#{rec.section} is no longer in the {proposal.variant} manual ({proposal.lang})"
                lost_at = (rec.origin, rec.line)
                _outside(proposal, lost_at, para, lost)
                continue
            if rec.section == PREAMBLE:  # the module's title heading
                para.generated = "the module title is in the file's front matter (title:)"
                current.paras.append(para)
                continue
        if current is None or para.style in GENERATED_STYLE_IDS:
            what = {"FPSummary": "the summary is in the file's front matter (summary:)"}.get(
                para.style, "this line is made by the toolkit, not written in a source file")
            if current is not None:
                para.generated = what
                current.paras.append(para)
            else:
                _outside(proposal, lost_at, para, lost)
            continue
        current.paras.append(para)
    for sec in sections.values():
        if sec.paras or sec.changed:
            imp.section(sec)
    for c in review.comments.values():
        if c.para is None:  # its anchor was lost (or it was never anchored in the text)
            who = c.author or "unknown"
            proposal.comments.append(Note(str(path), 0, f"comment by {who}{f' ({c.date})' if c.date else ''}, "
                                                         f"not anchored to any text: {c.text}"))
    imp.finish()
    return proposal


def _not_modelled(imp: _Importer, sec: _Section, para: Para, why: str) -> None:
    for e in para.edits():
        imp.refuse(sec, sec.line, why, e, para)
    for c in para.comments:
        imp.p.comments.append(imp.comment_note(sec, sec.line, c))


def _outside(proposal: Proposal, where: tuple[str, int], para: Para, why: str) -> None:
    """A paragraph that belongs to no section of the current manual: its edits are listed, its comments kept."""
    if para.edits():
        proposal.reports.append(Note(*where, f'not applied: "{" ".join(para.new.split())[:60]}": {why}'))
        proposal.refused = True
    for c in para.comments:
        proposal.comments.append(Note(*where, f'comment by {c.author or "unknown"}{f" ({c.date})" if c.date else ""} '
                                                f'on "{c.anchored}": {c.text}'))


__all__ = ["import_review", "text_language", "Proposal", "Note", "START_OPTION"]

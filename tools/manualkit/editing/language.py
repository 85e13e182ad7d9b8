"""`manual new language LANG`: the first step of adding a language (for example nn, Nynorsk).

It copies the default language's interface strings to locales/<lang>.yml for translation and adds
the language to manual.yml. Everything else comes step by step, and until then the default
language's text is shown with a warning: module translations (W502), the rest of the interface
strings (W507, and W510 for the copies listed under ``untranslated:``), titles and variables
(W1651) and the glossary terms (W509). It ends with the next steps, each with its count and the
lines of manual.yml to give a text. See docs/writing.md, "Adding a language".
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from manualkit.core.load import flat_keys, load_manual
from manualkit.core.problems import ManualkitError, UsageError
from manualkit.core.schema import LANG_RE
from manualkit.outputs.staging import write_atomically

# what a language calls itself, for the language switcher; others start as the code, to translate
NAMES = {"nb": "norsk bokmål", "nn": "norsk nynorsk", "en": "English", "se": "davvisámegiella",
         "sv": "svenska", "da": "dansk", "fi": "suomi", "de": "Deutsch", "pl": "polski", "uk": "українська"}


def new_language(root: Path, lang: str) -> list[str]:
    """Scaffold ``lang``; returns the lines to show ('created ...', 'updated ...')."""
    if lang == "no":
        raise UsageError("'no' is not a language code here", hint="Norwegian Bokmål is nb and Nynorsk nn")
    if not LANG_RE.fullmatch(lang):
        raise UsageError(f"'{lang}' is not a language code", hint="use a two- or three-letter code such as nn or se")
    manual, _problems = load_manual(root)
    if manual is None:
        raise ManualkitError("manual/manual.yml cannot be read", hint="run: manual check")
    target = root / "locales" / f"{lang}.yml"
    if lang in manual.languages and target.exists():
        raise UsageError(f"'{lang}' is a language of the manual already", hint=f"translate locales/{lang}.yml and the modules")
    source = root / "locales" / f"{manual.default_language}.yml"
    if not source.is_file():
        raise ManualkitError(f"locales/{manual.default_language}.yml is missing", hint="restore it first; it is copied")
    out: list[str] = []
    if not target.exists():
        text = source.read_text(encoding="utf-8-sig")
        name = NAMES.get(lang, lang)
        text, n = re.subn(r"(?m)^language_name:.*$", f"language_name: {name}", text, count=1)
        header = (f"# Interface strings in '{lang}', copied from locales/{manual.default_language}.yml by "
                  f"`manual new language {lang}`.\n# Translate every text (keep the keys and the {{placeholders}}).\n"
                  f"# The keys under 'untranslated:' are still copies: manual check warns (W510) until each text\n"
                  f"# is changed, or its key is taken out of the list to keep the text as it is.\n")
        try:
            copied = yaml.safe_load(text)
        except yaml.YAMLError:  # manual check shows where locales/<default>.yml is broken
            copied = None
        keys = sorted(k for k in flat_keys(copied) if k and k != "language_name") if isinstance(copied, dict) else []
        listed = "untranslated:\n" + "".join(f"  - {json.dumps(k, ensure_ascii=False)}\n" for k in keys)
        target.write_text(header + listed + text, encoding="utf-8")
        out.append(f"created locales/{lang}.yml (a copy of locales/{manual.default_language}.yml: translate it)")
    if lang not in manual.languages:
        _add_to_languages(root / "manual" / "manual.yml", lang)
        out.append(f"updated manual/manual.yml (languages: {', '.join(manual.languages + (lang,))})")
    return out + next_steps(root, lang)


def next_steps(root: Path, lang: str) -> list[str]:
    """What is still in the default language for ``lang``, as `manual check` will warn about it."""
    manual, problems = load_manual(root)
    if manual is None:
        return []
    copied = next((p for p in problems if p.code == "W510" and p.path == f"locales/{lang}.yml"), None)
    texts = [p for p in problems if p.code == "W1651" and f" no {lang} text" in p.message]
    modules = [mid for mid, mod in manual.modules.items() if lang not in mod.files]
    todo: list[list[str]] = []
    if copied is not None:
        count = copied.message.split(" still has ", 1)[1].split(" as copied", 1)[0]
        todo.append([f"translate locales/{lang}.yml: {count} are still copies (W510)"])
    if texts:
        s = "" if len(texts) == 1 else "s"
        todo.append([f"give {len(texts)} title{s} and variable{s} in manual/manual.yml a '{lang}:' text (W1651):"]
                    + [f"   manual/manual.yml:{p.line}: {p.message.split(' has no ', 1)[0]}" for p in texts])
    if modules:
        todo.append([f"translate the modules: {len(modules)} have no {lang} translation (W502; `manual check --verbose` "
                     f"lists them), or list {lang} under partial_languages to translate only the parents' handouts"])
    steps = [f"next steps for {lang} (until each is done, the {manual.default_language} text is shown):"] if todo else []
    for n, (first, *rest) in enumerate(todo, 1):
        steps += [f"  {n}. {first}"] + [f"  {line}" for line in rest]
    return steps


def _add_to_languages(path: Path, lang: str) -> None:
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    nl = "\r\n" if "\r\n" in text else "\n"
    lines = text.replace("\r\n", "\n").split("\n")
    for i, line in enumerate(lines):
        flow = re.match(r"^(languages:\s*\[)([^\]]*)\](.*)$", line)
        if flow:
            items = [x.strip() for x in flow.group(2).split(",") if x.strip()]
            lines[i] = f"{flow.group(1)}{', '.join(items + [lang])}]{flow.group(3)}"
            break
        if re.match(r"^languages:\s*(#.*)?$", line):
            j = i + 1
            while j < len(lines) and re.match(r"^\s+-\s", lines[j]):
                j += 1
            indent = re.match(r"^(\s+-\s+)", lines[j - 1]).group(1) if j > i + 1 else "  - "
            lines.insert(j, f"{indent}{lang}")
            break
    else:
        raise ManualkitError("manual/manual.yml has no 'languages:' line", hint=f"add {lang} to its languages by hand")
    data = ("\ufeff" if raw.startswith(b"\xef\xbb\xbf") else "") + nl.join(lines)
    write_atomically(path, data.encode("utf-8"))


__all__ = ["new_language"]

"""Checks on links and images: cross-references by id, image files, unsafe targets."""
from __future__ import annotations

from pathlib import Path, PurePosixPath

from manualkit.core.body import WEAK_LINK_TEXTS, Link, unsafe_scheme
from manualkit.core.problems import Problem, make
from manualkit.core.schema import suggest

EXTERNAL = ("https://", "http://")


def split_ref(target: str) -> tuple[str, str]:
    """``ref:module#section`` → (module, section)."""
    rest = target[4:]
    mod, _, sec = rest.partition("#")
    return mod.strip("/"), sec




def check_link(link: Link, rel: str, root: Path, index: dict[str, set[str] | None], variant: str = "") -> list[Problem]:
    """Problems with one link; ``index`` maps module ids to their section ids (None: not known)."""
    out: list[Problem] = []
    target = link.target
    low = target.strip().lower().replace("\t", "")
    where = f" (in variant {variant})" if variant else ""
    if unsafe_scheme(target):
        return [make("E802", rel, link.line, link.col)]
    if link.image:
        return _check_image(link, rel, root)
    if " ".join(link.text.lower().split()).strip(" .!") in WEAK_LINK_TEXTS:
        out.append(make("W901", rel, link.line, link.col, text=link.text))
    if target.startswith("ref:"):
        mod, sec = split_ref(target)
        if mod not in index:
            hint = suggest(mod, sorted(index)) or "check the module id in manual/manual.yml"
            out.append(make("E601", rel, link.line, link.col, target=target, variant=where, suggest=hint))
        elif sec and index[mod] is not None and sec not in index[mod]:
            hint = suggest(sec, sorted(index[mod])) or f"sections of {mod}: {', '.join(sorted(index[mod])) or 'none'}"
            out.append(make("E602", rel, link.line, link.col, target=target, module=mod, variant=where, suggest=hint))
        return out
    if low.startswith(EXTERNAL) or low.startswith("#") or low.startswith("mailto:"):
        return out
    out.append(make("E606", rel, link.line, link.col, target=target))
    return out


def inside(root: Path, candidate: Path) -> bool:
    try:
        candidate.resolve().relative_to(root.resolve())
        return True
    except (ValueError, OSError):
        return False


def _check_image(link: Link, rel: str, root: Path) -> list[Problem]:
    out: list[Problem] = []
    src = link.target
    if not link.text.strip():
        out.append(make("E604", rel, link.line, link.col, src=src))
    if src.lower().startswith(EXTERNAL):
        return out + [make("E804", rel, link.line, link.col, target=src,
                           hint="images must be files in the repository: the site and PDFs work offline")]
    pure = PurePosixPath(src)
    if pure.is_absolute() or src.startswith("\\") or (len(src) > 1 and src[1] == ":"):
        return out + [make("E804", rel, link.line, link.col, target=src)]
    path = (root / rel).parent / src
    if not inside(root, path):
        return out + [make("E804", rel, link.line, link.col, target=src)]
    if not path.is_file():
        out.append(make("E603", rel, link.line, link.col, src=src, hint=image_hint(root, (root / rel).parent, src)))
        return out
    from manualkit.core.assets import check_image

    why = check_image(path)
    if why:
        out.append(make("E815", rel, link.line, link.col, src=src, why=why))
    return out


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


def image_hint(root: Path, base: Path, src: str) -> str | None:
    """'did you mean ...?' for an image path that does not exist: images near ``base`` (its folder and
    the one above, as the author would write them from ``base``); None keeps the rule's own hint."""
    import os

    top = base.parent if inside(root, base.parent) else base
    found: list[str] = []
    try:
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.lower().endswith(IMAGE_SUFFIXES):
                    found.append(Path(os.path.relpath(Path(dirpath) / name, base)).as_posix())
            if len(found) > 2000:
                break
    except OSError:
        return None
    return suggest(src, found) or None

"""The shared site settings (mkdocs.yml at the repository root), read once at the load stage.

The site output never opens mkdocs.yml itself: the loader reads it into :class:`SiteSettings`
(plain data) and every resolved variant carries it. The site output writes one complete,
generated config per variant from it (outputs/site/config.py), so mkdocs reads only files the
build made. YAML tags that mkdocs gives a meaning (``!!python/object/apply:...`` for the heading
slugs, ``!ENV``, ``!relative``) are kept as :class:`Tagged` values and written back unchanged:
nothing here constructs a Python object from the file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SITE_CONFIG = "mkdocs.yml"


@dataclass(frozen=True)
class Tagged:
    """A YAML value with a tag only mkdocs interprets, e.g. ``!!python/object/apply:pymdownx.slugs.slugify``."""

    tag: str  # the full tag, as the YAML parser resolved it
    value: Any  # the tagged node as plain data (text, list or mapping)


@dataclass(frozen=True)
class SiteSettings:
    """The settings every variant's site shares: the root mkdocs.yml as data."""

    path: str  # where they come from, relative to the repository ("mkdocs.yml")
    data: dict[str, Any] = field(default_factory=dict)
    error: str = ""  # why the file could not be read ("" when it could); the site output reports it


class _Loader(yaml.SafeLoader):
    """A safe loader that keeps unknown tags as :class:`Tagged` instead of refusing them."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return Tagged(node.tag, value)


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _tagged)
_Loader.add_multi_constructor("!", _tagged)


def parse_site_settings(text: str, path: str = SITE_CONFIG) -> SiteSettings:
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader; unknown tags become Tagged data
    except yaml.YAMLError as exc:
        return SiteSettings(path, {}, f"{path} is not valid YAML: {' '.join(str(exc).split())}")
    if not isinstance(data, dict):
        return SiteSettings(path, {}, f"{path} does not hold a mapping of settings")
    return SiteSettings(path, data)


def read_site_settings(root: Path) -> SiteSettings | None:
    """The root mkdocs.yml as data; None when there is none (the site output says what to do)."""
    path = Path(root) / SITE_CONFIG
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return SiteSettings(SITE_CONFIG, {}, f"{SITE_CONFIG} cannot be read ({exc})")
    return parse_site_settings(text)


__all__ = ["SiteSettings", "Tagged", "SITE_CONFIG", "parse_site_settings", "read_site_settings"]

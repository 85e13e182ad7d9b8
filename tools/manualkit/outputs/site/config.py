"""The generated mkdocs config of one variant: the shared settings with what differs, in one file.

The root mkdocs.yml stays the one place for theme, extensions and plugin settings, but the site
output never opens it: the load stage read it into ``variant.site_settings`` (core/site_settings.py)
and this module writes one complete config per variant from that data, merged the way mkdocs'
INHERIT merges (mappings key by key, anything else replaced), so mkdocs reads only the file the
build wrote. A variant changes its docs and site folders, its name, logo and navigation, and the
i18n language list (taken from manual.yml and locales/, so a new language needs no code change).
It replaces the root's preview hook, which only serves plain `mkdocs serve` at the repository
root, by the sanitiser hook (sanitise_hook.py) that every page goes through.

Colours are not in the config: Material's palette takes only its named colours, while a
municipality gives hex values. They go into the staged assets/manualkit/variant.css (see
colours.py), which the root config lists for every variant.
"""
from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import yaml

from manualkit.core.problems import BuildError
from manualkit.core.site_settings import SITE_CONFIG, SiteSettings, Tagged
from manualkit.outputs.site.stage import Staged

ROOT_CONFIG = SITE_CONFIG
SANITISE_HOOK = Path(__file__).resolve().parent / "sanitise_hook.py"
TEMPLATE_CACHE_HOOK = Path(__file__).resolve().parent / "template_cache_hook.py"


def i18n_languages(staged: Staged) -> list[dict[str, Any]]:
    """The mkdocs-static-i18n language list: default first, each with its own name and nav."""
    out = []
    for lang in staged.languages:
        entry: dict[str, Any] = {
            "locale": lang,
            "name": staged.language_names[lang],
            "default": lang == staged.default_language,
            "build": True,
            "site_name": staged.site_names[lang],
            "nav": staged.nav(lang),
        }
        if staged.footers.get(lang):
            entry["copyright"] = staged.footers[lang]  # the footer: release version and date
        out.append(entry)
    return out


def overrides(staged: Staged) -> dict[str, Any]:
    """Everything a variant sets on top of the root config (paths excepted)."""
    cfg: dict[str, Any] = {
        "site_name": staged.site_names[staged.default_language],
        # where the site will live: sitemap.xml and the canonical links need it ("" leaves it unset)
        **({"site_url": staged.site_url} if staged.site_url else {}),
        **({"copyright": staged.footers[staged.default_language]} if staged.footers.get(staged.default_language) else {}),
        "plugins": {"i18n": {"languages": i18n_languages(staged)}},
    }
    # the default language also decides the search language Material derives (nb, nn → lunr 'no')
    cfg["theme"] = {"language": staged.default_language}
    if staged.logo:
        cfg["theme"].update({"logo": staged.logo, "favicon": staged.logo})
    return cfg


def merged(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``child`` over ``parent`` as mkdocs merges an INHERITed file (mergedeep, replace strategy):
    mappings merge key by key, keeping the parent's order; every other value is replaced."""
    out = copy.deepcopy(parent)
    for key, value in child.items():
        if isinstance(out.get(key), dict) and isinstance(value, dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def shared_settings(settings: SiteSettings | None) -> dict[str, Any]:
    """The shared settings the variant carries; a BuildError a person can act on when there are none."""
    if settings is None:
        raise BuildError(f"there is no {ROOT_CONFIG} in the repository: it holds the shared site settings",
                         hint="copy mkdocs.yml from the toolkit repository to the folder that holds manual/")
    if settings.error:
        raise BuildError(f"the shared site settings cannot be used: {settings.error}",
                         hint=f"fix {settings.path}, then build again")
    return settings.data


def generated(staged: Staged, config_path: Path, site_dir: Path) -> dict[str, Any]:
    """What the toolkit sets for one variant: paths, hooks and :func:`overrides`."""
    here = config_path.parent
    cfg: dict[str, Any] = {
        "docs_dir": Path(os.path.relpath(staged.docs, here)).as_posix(),
        "site_dir": Path(os.path.relpath(site_dir, here)).as_posix(),
        # only the sanitiser: every page body is cut down to the allow-list (sanitise.py)
        "hooks": [SANITISE_HOOK.as_posix(), TEMPLATE_CACHE_HOOK.as_posix()],
    }
    cfg.update(overrides(staged))
    return cfg


def variant_config(staged: Staged, settings: SiteSettings | None, config_path: Path, site_dir: Path) -> dict[str, Any]:
    """The whole config of one variant: the shared settings with :func:`generated` merged in."""
    cfg = merged(shared_settings(settings), generated(staged, config_path, site_dir))
    cfg.pop("INHERIT", None)  # the shared file itself is never read again
    return cfg


class _Dumper(yaml.SafeDumper):
    """Writes :class:`Tagged` values back with their tag (mkdocs gives them their meaning)."""


def _tagged(dumper: yaml.SafeDumper, value: Tagged) -> yaml.Node:
    if isinstance(value.value, dict):
        return dumper.represent_mapping(value.tag, value.value)
    if isinstance(value.value, list):
        return dumper.represent_sequence(value.tag, value.value)
    return dumper.represent_scalar(value.tag, "" if value.value is None else str(value.value))


_Dumper.add_representer(Tagged, _tagged)


def config_text(cfg: dict[str, Any]) -> str:
    return yaml.dump(cfg, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def write_config(staged: Staged, settings: SiteSettings | None, config_path: Path, site_dir: Path) -> Path:
    """Write the generated config; a header says it is generated and from what."""
    cfg = variant_config(staged, settings, config_path, site_dir)
    text = (f"# Generated by manualkit for variant '{staged.variant}': do not edit.\n"
            f"# The shared settings of {ROOT_CONFIG} at the repository root, as loaded, with this variant's.\n")
    text += config_text(cfg)
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(text, encoding="utf-8")
    return config_path


__all__ = ["write_config", "variant_config", "generated", "merged", "overrides", "i18n_languages", "shared_settings", "ROOT_CONFIG"]

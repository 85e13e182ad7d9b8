"""mkdocs hook: plain `mkdocs serve` / `mkdocs build` at the repository root show the base manual.

The root mkdocs.yml lists this file under ``hooks:``. Before any plugin reads the config, the
hook runs the same resolve and staging steps as `manual build`, stages into
build/.mkdocs/<variant>/docs and points mkdocs at it, with the variant's name, logo and
navigation. It also asks `mkdocs serve` to watch manual/, adaptations/ and locales/, so an edit
there rebuilds the preview. Set MANUAL_VARIANT=<municipality> to preview a municipality.

Generated variant configs (`manual build`) set ``hooks: []``: this hook is only for people who
run mkdocs themselves. `manual serve` is the toolkit's own preview.
"""
from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

# the sanitiser runs in the preview too: its on_* functions become this hook's (mkdocs collects
# every on_* name of a hook module)
from manualkit.outputs.site.sanitise_hook import on_nav, on_page_content, on_post_page  # noqa: E402,F401
from manualkit.outputs.site.sanitise_hook import on_config as _sanitise_config  # noqa: E402

WATCHED = ("manual", "adaptations", "locales")


def _staged_dir(root: Path, variant: str) -> Path:
    return root / "build" / ".mkdocs" / variant / "docs"


@event_priority(100)  # before the search and i18n plugins read theme language, nav and names
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    from manualkit.core.problems import BuildRefused, format_problem
    from manualkit.core.project import load_project
    from manualkit.core.resolved import BASE, variants_for
    from manualkit.outputs.site.config import overrides
    from manualkit.outputs.site.stage import stage

    root = Path(config.config_file_path).resolve().parent
    variant = os.environ.get("MANUAL_VARIANT", BASE) or BASE
    docs = _staged_dir(root, variant)
    if Path(config.docs_dir).resolve() == docs.resolve():
        return _sanitise_config(config)  # mkdocs-static-i18n builds the next language with the same config
    project = load_project(root, variants_for(variant))
    if project.manual is not None and variant not in project.variants:
        raise PluginError(f"MANUAL_VARIANT={variant}: there is no such variant (variants: {', '.join(project.variants)})")
    try:
        project.gate("the preview was not rebuilt")
    except BuildRefused as exc:
        shown = "\n".join(format_problem(p) for p in exc.problems)
        raise PluginError(f"{exc.message}:\n{shown}") from None
    staged = stage(project.resolutions[variant], docs, root / "build" / variant / "pdf")
    _apply(config, staged, overrides(staged))
    for name in WATCHED:
        path = str(root / name)
        if (root / name).is_dir() and path not in config.watch:
            config.watch.append(path)
    return _sanitise_config(config)


def _apply(config: MkDocsConfig, staged, values: dict) -> None:
    """Put the variant's values into the loaded config, as the generated config file would."""
    config.docs_dir = str(staged.docs)
    config.site_name = values["site_name"]
    for key, value in values.get("theme", {}).items():
        config.theme[key] = value
    i18n = config.plugins.get("i18n")
    if i18n is None:
        raise PluginError("mkdocs.yml has no i18n plugin; the manual is built with mkdocs-static-i18n")
    wanted = {entry["locale"]: entry for entry in values["plugins"]["i18n"]["languages"]}
    present = {lang.locale for lang in i18n.config.languages}
    if set(wanted) - present:
        missing = ", ".join(sorted(set(wanted) - present))
        raise PluginError(f"the manual has languages that mkdocs.yml's i18n plugin does not list: {missing}; "
                          "add them under plugins → i18n → languages (manual build needs no change)")
    for lang in i18n.config.languages:
        entry = wanted.get(lang.locale)
        if entry is None:
            lang.build = False
            continue
        lang.name = entry["name"]
        lang.site_name = entry["site_name"]
        lang.nav = entry["nav"]

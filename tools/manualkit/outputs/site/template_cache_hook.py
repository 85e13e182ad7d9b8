"""mkdocs hook: the theme's templates are compiled once, not in every build (template_cache.py)."""
from __future__ import annotations


def on_env(env, config, files):
    from manualkit.outputs.site.template_cache import attach

    return attach(env)

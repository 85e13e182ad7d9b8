"""mkdocs hook: nothing an editor writes reaches a page as code (see sanitise.py).

Every generated variant config lists this file under ``hooks:`` (and the root mkdocs.yml's
preview hook imports it), so every page mkdocs builds from the manual goes through it:

* ``on_config``: the site name is escaped text;
* ``on_nav``: section (part) titles are escaped text;
* ``on_page_content``: the rendered body is cut down to the allow-list; the page's title,
  description and table-of-contents entries are escaped text (the theme puts them into its
  templates as they are);
* ``on_post_page``: a last look at the finished page: an event attribute or a ``javascript:`` /
  ``data:`` address anywhere stops the build instead of publishing it.

All of it is idempotent: mkdocs-static-i18n runs the hooks once per language.
"""
from __future__ import annotations

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority


@event_priority(-100)  # after the other plugins have set their values
def on_config(config):
    from manualkit.outputs.site.sanitise import text

    config.site_name = text(config.site_name)
    if config.site_description:
        config.site_description = text(config.site_description)
    return config


def _escape_nav(items) -> None:
    from manualkit.outputs.site.sanitise import text

    for item in items:
        if getattr(item, "is_page", False):
            continue  # a page's title is escaped with its content, below
        if getattr(item, "title", None):
            item.title = text(item.title)
        _escape_nav(getattr(item, "children", None) or [])


@event_priority(-100)
def on_nav(nav, config, files):
    _escape_nav(nav.items)
    return nav


def _escape_toc(items) -> None:
    from manualkit.outputs.site.sanitise import text

    for item in items:
        item.title = text(item.title)
        _escape_toc(item.children)


@event_priority(-100)  # the last word: after every plugin that changes the body
def on_page_content(html, page, config, files):
    from manualkit.outputs.site.sanitise import clean, text

    for key in ("title", "description"):
        if isinstance(page.meta.get(key), str):
            page.meta[key] = text(page.meta[key])
    if page.title:
        page.title = text(page.title)
    _escape_toc(page.toc)
    return clean(html)


@event_priority(-100)
def on_post_page(output, page, config):
    from manualkit.outputs.site.verify import unsafe_markup

    found = unsafe_markup(output)
    if found:
        raise PluginError(f"the page {page.file.src_uri} would contain active content ({found[0]}); it was not published")
    return output

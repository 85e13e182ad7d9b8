"""Open states of the theme that axe cannot see on a closed page: search, phone navigation, language menu.

axe only judges what is rendered; the search results, the drawer on a phone and the language menu
are hidden until a reader opens them, and each has its own colours. Each opener does what a reader
does (click, type, hover) with Material's own controls, waits until the page is still, and says
plainly when the control is not there (a page without search is not an error of this check).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

SEARCH, MOBILE_NAV, LANGUAGE_MENU = "search open", "mobile navigation open", "language menu open"

_SETTLE = """() => Promise.race([
  Promise.all(document.getAnimations().map(a => a.finished.catch(() => null))),
  new Promise(done => setTimeout(done, 2000)),
])"""
_WORD = re.compile(r"[^\W\d_]{5,}")


async def settle(page: Any) -> None:
    """Wait until CSS transitions and animations have finished (at most 2 s)."""
    await page.evaluate(_SETTLE)


async def _first_visible(page: Any, selector: str) -> Any | None:
    loc = page.locator(selector)
    for i in range(await loc.count()):
        if await loc.nth(i).is_visible():
            return loc.nth(i)
    return None


async def open_search(page: Any) -> str | None:
    """Open search and type a word from the page's title, so results (and their colours) show.

    On a wide screen the search field is in the header; on a phone a button opens it. Typing goes
    key by key, as a reader types; the index loads in a web worker, so a query typed before it is
    ready gets no results and is typed once more.
    """
    field = await _first_visible(page, "input.md-search__input")
    if field is None:
        toggle = await _first_visible(page, 'label.md-header__button[for="__search"]')
        if toggle is None:
            return "no search control on the page"
        await toggle.click()
        field = await _first_visible(page, "input.md-search__input")
        if field is None:
            return "the search button did not open a search field"
    await field.click()
    words = _WORD.findall(await page.title()) or ["manual"]
    results = page.locator(".md-search-result__item").first
    for _ in range(2):
        await field.fill("")
        await field.press_sequentially(words[0].lower(), delay=20)
        try:
            await results.wait_for(state="visible", timeout=4000)
            break
        except Exception:  # noqa: BLE001 - an open search without results is still worth checking
            continue
    await settle(page)
    return None


async def open_mobile_nav(page: Any) -> str | None:
    """Open the navigation drawer (the page must be loaded at a phone viewport)."""
    toggle = await _first_visible(page, 'label[for="__drawer"]')
    if toggle is None:
        return "no navigation button at phone size"
    await toggle.click()
    await page.locator(".md-sidebar--primary").first.wait_for(state="visible", timeout=3000)
    await settle(page)
    return None


async def open_language_menu(page: Any) -> str | None:
    """Open the language switcher (Material shows it on hover and on keyboard focus)."""
    select = await _first_visible(page, ".md-header .md-select")
    if select is None:
        return "no language menu on the page"
    await select.hover()
    await page.locator(".md-header .md-select .md-select__inner").first.wait_for(state="visible", timeout=3000)
    await settle(page)
    return None


@dataclass(frozen=True)
class OpenState:
    name: str
    phone: bool  # load the page at a phone viewport first
    opener: Callable[[Any], Awaitable[str | None]]


STATES = (
    OpenState(SEARCH, False, open_search),
    OpenState(MOBILE_NAV, True, open_mobile_nav),
    OpenState(LANGUAGE_MENU, False, open_language_menu),
)

__all__ = ["STATES", "OpenState", "settle", "SEARCH", "MOBILE_NAV", "LANGUAGE_MENU"]

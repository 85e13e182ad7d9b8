"""Colour arithmetic for branding: WCAG contrast, and the readable link colour a brand colour becomes.

Pure functions, shared by the checker (which tells a municipality when its colour is changed) and
the site output (which applies the change), so the two always agree.
"""
from __future__ import annotations

DARK_TEXT = "#1b1b1b"
WHITE = "#ffffff"
AA_TEXT = 4.5  # WCAG 2.1 AA contrast for normal text


def _rgb(hexcolour: str) -> tuple[float, float, float]:
    h = hexcolour.lstrip("#")
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in rgb)


def luminance(hexcolour: str) -> float:
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(c) for c in _rgb(hexcolour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def shade(hexcolour: str, factor: float) -> str:
    """Darker (factor < 1) or lighter (factor > 1, mixed towards white) version of a colour."""
    r, g, b = _rgb(hexcolour)
    if factor <= 1:
        return _hex((r * factor, g * factor, b * factor))
    t = factor - 1
    return _hex((r + (1 - r) * t, g + (1 - g) * t, b + (1 - b) * t))


def readable_on_white(hexcolour: str, ratio: float = AA_TEXT) -> str:
    """``hexcolour``, darkened step by step until text in it reaches ``ratio`` on white."""
    colour = hexcolour
    for _ in range(40):
        if contrast(colour, WHITE) >= ratio:
            return colour
        colour = shade(colour, 0.9)
    return DARK_TEXT


def ratio_text(a: str, b: str = WHITE) -> str:
    """The contrast ratio as people write it: '2.9:1' (rounded down, so 4.49 never shows as 4.5)."""
    r = int(contrast(a, b) * 10) / 10
    return f"{r:.1f}:1"


__all__ = ["contrast", "luminance", "shade", "readable_on_white", "ratio_text", "DARK_TEXT", "WHITE", "AA_TEXT"]

"""Figures in text: numbers and visit frequencies as a person writes them, per language."""
from __future__ import annotations


def number(x: float, lang: str, digits: int = 1) -> str:
    """A figure as a person writes it: whole numbers plain, else one decimal (comma in nb/nn)."""
    x = round(float(x), digits)
    text = str(int(x)) if x.is_integer() else f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang in ("nb", "nn") else text


_ORD_NB = {2: "andre", 3: "tredje", 4: "fjerde", 5: "femte", 6: "sjette"}
_ORD_EN = {2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}


def frequency(per_week: float, lang: str) -> str:
    """Visits per week in words: "hver uke", "to ganger i uken", "hver andre uke"."""
    if per_week <= 0:
        return {"nb": "ingen faste besøk", "nn": "ingen faste besøk"}.get(lang, "no regular visits")
    nb = lang in ("nb", "nn")
    if per_week >= 1 and float(per_week).is_integer():
        n = int(per_week)
        if n == 1:
            return "hver uke" if nb else "every week"
        if n == 2:
            return "to ganger i uken" if nb else "twice a week"
        return f"{n} ganger i uken" if nb else f"{n} times a week"
    every = 1 / per_week
    if abs(every - round(every)) < 0.01 and round(every) in _ORD_NB:
        k = round(every)
        return f"hver {_ORD_NB[k]} uke" if nb else f"every {_ORD_EN[k]} week"
    return f"{number(per_week, lang)} ganger i uken" if nb else f"{number(per_week, lang)} times a week"


__all__ = ["number", "frequency"]

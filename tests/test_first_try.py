"""Issue 14: what users hit in a first real try. Each test asserts what the person sees."""
from __future__ import annotations

from pathlib import Path

from conftest import run_cli, write_tree
from manualkit.core.project import load_project

ADAPT = "adaptations/testby/adaptation.yml"


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    p = root / rel
    text = p.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- Silent or misleading ---------------------------------------------------------------------

def test_unquoted_colour_is_an_error_with_the_quoting_hint(fixture_copy):
    root = fixture_copy("bilingual")
    _edit(root, ADAPT, 'primary_colour: "#00567a"', "primary_colour: #b0122b")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 1
    assert (f"{ADAPT}:8:3: error[E208]: 'branding.primary_colour' is empty: YAML reads '#b0122b' as a comment, "
            "not as the value\n    hint: a value that starts with '#' needs quotes: primary_colour: \"#b0122b\"") in out


def test_darkened_accent_colour_is_said_with_both_colours_and_the_ratio(fixture_copy):
    root = fixture_copy("bilingual")
    _edit(root, ADAPT, 'primary_colour: "#00567a"', "primary_colour: \"#00567a\"\n  accent_colour: '#f5a623'")
    code, out, _ = run_cli("--root", str(root), "check")
    assert code == 0
    assert (f"{ADAPT}:9:18: warning[W1011]: branding.accent_colour '#f5a623' has a contrast of only 2.0:1 on white, "
            "so links and highlights on the site use the darker '#906215' (5.3:1) instead\n"
            "    hint: to have your own colour used as it is, choose one with at least 4.5:1 on white, "
            "such as '#906215'") in out
    # the site really uses that colour
    from manualkit.outputs.site.colours import variant_css
    assert f"--md-accent-fg-color: #906215;" in variant_css({"accent_colour": "#f5a623"})
    # a dark enough colour is used as it is and nothing is said
    _edit(root, ADAPT, "'#f5a623'", "'#7a2e00'")
    assert "W1011" not in run_cli("--root", str(root), "check")[1]

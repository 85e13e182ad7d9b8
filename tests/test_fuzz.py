"""Random bytes and random YAML never escape as exceptions: only problems come out."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import minimal_files, write_tree, copy_locales
from manualkit.core.project import load_project

NB = "manual/basics/intro.nb.md"
YML = "manual/manual.yml"

yaml_scalars = st.one_of(st.sampled_from(["no", "yes", "on", "~", "!!python/object:x", "&a [*a]", "*b", "'", '"',
                                          "{", "[", "- ", ": ", "\t", "2026-13-45", "0x1F", ".inf", "<<: *a"]),
                         st.text(max_size=12))
yaml_docs = st.lists(st.tuples(st.sampled_from(["id", "title", "type", "status", "core", "languages", "parts",
                                                "translation", "variables", "x", "- id", "  - ", "modules"]), yaml_scalars),
                     max_size=8).map(lambda kv: "\n".join(f"{k}: {v}" for k, v in kv))


def _check(root: Path) -> None:
    project = load_project(root, None)  # must not raise
    for p in project.problems:
        assert p.path and p.code and p.message


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_random_bytes_as_module(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("fz")
    files = minimal_files()
    files[NB] = data
    write_tree(root, files)
    copy_locales(root)
    _check(root)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=yaml_docs, body=st.text(max_size=200))
def test_random_front_matter_and_body(tmp_path_factory, doc, body):
    root = tmp_path_factory.mktemp("fy")
    files = minimal_files()
    files[NB] = f"---\n{doc}\n---\n{body}"
    write_tree(root, files)
    copy_locales(root)
    _check(root)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=yaml_docs)
def test_random_manual_yml(tmp_path_factory, doc):
    root = tmp_path_factory.mktemp("fm")
    files = minimal_files()
    files[YML] = doc
    write_tree(root, files)
    copy_locales(root)
    _check(root)


def test_alias_bomb_is_refused(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))
    files = minimal_files()
    files[NB] = "---\n" + bomb + "---\n"
    write_tree(tmp_path, files)
    copy_locales(tmp_path)
    codes = [p.code for p in load_project(tmp_path, None).problems]
    assert "E108" in codes


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=yaml_docs, glossary=yaml_docs)
def test_random_adaptation_and_glossary(tmp_path_factory, doc, glossary):
    root = tmp_path_factory.mktemp("fa")
    files = minimal_files()
    files["adaptations/x/adaptation.yml"] = doc.replace("modules", "changes")
    files["locales/glossary.yml"] = glossary.replace("modules", "terms")
    write_tree(root, files)
    copy_locales(root)
    _check(root)


_alphabet = st.sampled_from(list("abæø ÅB_-.1\u0301é*") + ["barn", "vern", " plan"])


@settings(max_examples=300, deadline=None)
@given(text=st.lists(_alphabet, max_size=30).map("".join),
       terms=st.lists(st.lists(_alphabet, min_size=1, max_size=4).map("".join), max_size=5))
def test_glossary_terms_on_a_page_are_found_as_by_a_whole_word_search(text, terms):
    """The site's word prefilter for glossary terms drops no term that occurs as a whole word."""
    from manualkit.outputs.site.markdown import _term_forms, abbreviations, occurs

    glossary = tuple((t, "Forklaring", "") for t in terms)
    expected = "\n\n".join(f"*[{form}]: {d}" for form, d in _term_forms(glossary).items() if occurs(form, text))
    assert abbreviations(glossary, text) == expected

"""The strict YAML reader: what it refuses, how it reads scalars, where it says things are."""

from __future__ import annotations

import time

import pytest

from portfolio_plugin.load.yamlsafe import MAX_DEPTH, YamlError, read_yaml


def refused(text: str, offset: int = 0) -> YamlError:
    with pytest.raises(YamlError) as caught:
        read_yaml(text, offset)
    return caught.value


def test_unquoted_yes_no_on_off_are_text_not_booleans() -> None:
    value = read_yaml("a: no\nb: yes\nc: on\nd: off\ne: true\nf: False").value
    assert value == {"a": "no", "b": "yes", "c": "on", "d": "off", "e": True, "f": False}


def test_numbers_nulls_and_quoted_text_resolve_as_yaml_1_2() -> None:
    value = read_yaml("a: 12\nb: -1.5\nc: ~\nd:\ne: '12'\nf: 1e3\ng: 0x10").value
    assert value == {"a": 12, "b": -1.5, "c": None, "d": None, "e": "12", "f": 1000.0,
                     "g": "0x10"}


def test_dates_stay_text_for_the_validator_to_check() -> None:
    assert read_yaml("d: 2024-02-30").value == {"d": "2024-02-30"}


def test_the_source_text_of_an_unquoted_number_is_kept() -> None:
    located = read_yaml("title: 1.50")
    assert located.value == {"title": 1.5}
    assert located.source_text(("title",)) == "1.50"


def test_anchors_are_refused_with_their_line() -> None:
    error = refused("a: 1\nb: &x 2\n")
    assert "anchors" in error.message and error.line == 2 and error.found == "&x"


def test_aliases_are_refused_without_being_expanded() -> None:
    bomb = "a: [x]\n" + "".join(f"l{i}: &l{i} [*l{i - 1}]\n" for i in range(1, 30))
    start = time.perf_counter()
    error = refused(bomb)
    assert time.perf_counter() - start < 1
    assert "not allowed" in error.message


def test_duplicate_keys_are_refused_naming_both_lines() -> None:
    located = read_yaml("title: A\nzone: green\ntitle: B\n", 1)
    [error] = located.errors
    assert (error.line, error.path) == (4, ("title",))
    assert "given twice" in error.message and "line 2" in error.message


def test_after_a_duplicate_key_the_first_value_stands_and_the_rest_is_read() -> None:
    located = read_yaml("a: 1\nb: {x: 1, x: [2, {y: 3, y: 4}]}\na: 5\nc: 6\n")
    assert located.value == {"a": 1, "b": {"x": 1}, "c": 6}
    assert [(e.line, e.path) for e in located.errors] == [(2, ("b", "x")), (3, ("a",))]


def test_tabs_used_as_indentation_are_refused_at_their_line() -> None:
    error = refused("partners:\n\t- a\n")
    assert error.line == 2 and "tab" in error.message


def test_a_tab_inside_text_is_not_indentation() -> None:
    assert read_yaml("a: 'x\ty'").value == {"a": "x\ty"}


def test_explicit_tags_are_refused() -> None:
    error = refused("a: !!python/object/apply:os.system ['true']")
    assert "tag" in error.message


def test_nesting_deeper_than_the_limit_is_refused_quickly() -> None:
    start = time.perf_counter()
    error = refused("a: " + "[" * 200_000)
    assert time.perf_counter() - start < 1
    assert str(MAX_DEPTH) in error.message


def test_nesting_up_to_the_limit_is_read() -> None:
    depth = MAX_DEPTH - 1
    value = read_yaml("[" * depth + "]" * depth).value
    for _ in range(depth - 1):
        value = value[0]
    assert value == []


def test_a_syntax_error_gives_a_line_shifted_by_the_offset() -> None:
    error = refused("a: [1, 2\nb: 3\n", offset=1)
    assert error.line >= 2 and error.message.startswith("invalid YAML")


def test_control_characters_give_a_clear_error_with_position() -> None:
    error = refused("a: 1\nb: \x00\n")
    assert error.line == 2 and "control characters" in error.message


def test_positions_of_nested_values_are_recorded() -> None:
    located = read_yaml("a: 1\nlist:\n  - x\n  - {k: v}\n", 10)
    assert located.positions[("list", 1, "k")] == (14, 6)
    assert located.where(("list", 1, "k", "missing")) == (14, 6)


def test_more_than_one_document_is_refused() -> None:
    assert "one YAML document" in refused("a: 1\n---\nb: 2\n").message


def test_an_empty_document_reads_as_none() -> None:
    assert read_yaml("").value is None
    assert read_yaml("# only a comment\n").value is None


def test_non_string_keys_are_read_as_their_text() -> None:
    assert read_yaml("2024: x\nno: y").value == {"2024": "x", "no": "y"}


def test_a_complex_key_is_refused() -> None:
    assert "key" in refused("? [a, b]\n: c\n").message

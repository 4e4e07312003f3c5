"""Tests for the hardened scenario YAML loader."""

from __future__ import annotations

import time
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.game.yaml_safe import MAX_BYTES, MAX_DEPTH, MAX_NODES, Loaded, YamlError, load_yaml


def refusal(raw: bytes | str, **limits: int) -> YamlError:
    with pytest.raises(YamlError) as info:
        load_yaml(raw, **limits)
    return info.value


# --- the error type ---------------------------------------------------------------


def test_error_str_includes_position() -> None:
    assert str(YamlError("bad", 3, 7)) == "line 3, column 7: bad"
    assert str(YamlError("bad", 3)) == "line 3: bad"
    assert str(YamlError("bad")) == "bad"
    assert isinstance(YamlError("bad"), ValueError)


# --- size and encoding ------------------------------------------------------------


def test_oversized_input_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parsing(*_: Any, **__: Any) -> None:
        raise AssertionError("the parser must not run")

    monkeypatch.setattr(yaml, "parse", no_parsing)
    big = b"a: 1\n" * (2 * 1024 * 1024)  # 10 MB
    start = time.perf_counter()
    assert "limit" in refusal(big).message
    assert "limit" in refusal(big.decode()).message
    assert time.perf_counter() - start < 1


def test_size_limit_counts_utf8_bytes_of_text() -> None:
    text = "a: " + "é" * 10  # 13 characters, 23 bytes
    assert load_yaml(text, max_bytes=23).data == {"a": "é" * 10}
    assert "limit" in refusal(text, max_bytes=22).message


def test_default_size_limit_applies() -> None:
    refusal(b"#" * (MAX_BYTES + 1))
    assert load_yaml(b"#" * (MAX_BYTES - 8) + b"\na: 1\n").data == {"a": 1}


def test_invalid_utf8_reports_offset_and_line() -> None:
    err = refusal(b"a: 1\nb: caf\xe9\n")
    assert "UTF-8" in err.message
    assert "offset 11" in err.message
    assert (err.line, err.column) == (2, 7)


def test_leading_bom_is_stripped() -> None:
    assert load_yaml(b"\xef\xbb\xbfa: 1\n").data == {"a": 1}


def test_lone_surrogate_in_text_refused() -> None:
    refusal("a: \ud800\n")


@pytest.mark.parametrize("raw", ["", "   \n\n", "# just a comment\n", "---\n", "--- \n...\n"])
def test_empty_file_refused(raw: str) -> None:
    assert refusal(raw).message == "the file is empty"


def test_raw_control_character_in_file_refused() -> None:
    err = refusal("a: 1\n# note \x00\n")
    assert "U+0000" in err.message
    assert (err.line, err.column) == (2, 8)


def test_syntax_errors_carry_one_based_position() -> None:
    err = refusal("a: 1\nb: [1, 2\nc: 3\n")
    assert err.message.startswith("YAML syntax error")
    assert err.line is not None and err.line >= 2
    err = refusal("a: 1\n  b: 2\n")
    assert (err.line, err.column) == (2, 3)  # the start of the key that is indented too far
    assert err.message == "`b` is indented 2 spaces; the lines around it use 0"


# --- structure -----------------------------------------------------------------------


def test_second_document_refused() -> None:
    err = refusal("a: 1\n---\nb: 2\n")
    assert "one YAML document" in err.message
    assert err.line == 2


def test_anchor_refused() -> None:
    err = refusal("a: 1\nb: &x [1, 2]\n")
    assert "anchors" in err.message
    assert (err.line, err.column) == (2, 4)


def test_alias_refused() -> None:
    # An alias without an anchor is a composer error in PyYAML; we refuse it ourselves.
    err = refusal("a: 1\nb: *x\n")
    assert "aliases" in err.message
    assert err.line == 2


def test_billion_laughs_refused_fast() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 10):
        prev = chr(ord("a") + n - 1)
        this = chr(ord("a") + n)
        lines.append(f"{this}: &{this} [{', '.join(['*' + prev] * 9)}]")
    start = time.perf_counter()
    err = refusal("\n".join(lines))
    assert time.perf_counter() - start < 0.5
    assert err.line == 1


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a: !!str 1\n", "!!str"),
        ("a: !custom x\n", "!custom"),
        ("a: !!map {b: 1}\n", "!!map"),
        ("a: !<tag:example.com,2000:x> y\n", "tag:example.com,2000:x"),
        ("a: ! x\n", "!"),
    ],
)
def test_explicit_tags_refused(raw: str, shown: str) -> None:
    err = refusal(raw)
    assert f"tags such as {shown} " in err.message
    assert (err.line, err.column) == (1, 4)


def test_python_object_apply_refused() -> None:
    err = refusal('cmd: !!python/object/apply:os.system ["echo hi"]\n')
    assert "!!python/object/apply:os.system" in err.message
    assert err.line == 1


def test_duplicate_key_reported_at_second_key() -> None:
    err = refusal("title: A\nturns: 3\ntitle: B\n")
    assert "duplicate key 'title'" in err.message
    assert "line 1" in err.message
    assert (err.line, err.column) == (3, 1)


def test_duplicate_key_in_nested_flow_mapping() -> None:
    err = refusal("a:\n  - {x: 1, x: 2}\n")
    assert "duplicate key 'x'" in err.message
    assert err.line == 2


@pytest.mark.parametrize(
    "raw", ["1: x\n", "true: x\n", "null: x\n", "~: x\n", "1.5: x\n", "0x1f: x\n", "? \n: x\n"]
)
def test_non_text_keys_refused(raw: str) -> None:
    err = refusal("ok: 1\n" + raw)
    assert err.message.startswith("keys must be text")
    assert err.line == 2


@pytest.mark.parametrize("raw", ["? [a]\n: b\n", "{[a]: b}\n", "? {a: 1}\n: b\n"])
def test_collection_keys_refused(raw: str) -> None:
    err = refusal(raw)
    assert err.message.startswith("keys must be text")
    assert err.line == 1


def test_yes_and_quoted_keys_are_text() -> None:
    assert load_yaml('yes: 1\nno: 2\n"1": 3\n').data == {"yes": 1, "no": 2, "1": 3}


@pytest.mark.parametrize("raw", ["a: 1\n<<: {b: 2}\n", "a: 1\n'<<': {b: 2}\n"])
def test_merge_key_refused(raw: str) -> None:
    err = refusal(raw)
    assert "merge keys" in err.message
    assert err.line == 2


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_depth_limit_is_inclusive() -> None:
    load_yaml(nested(MAX_DEPTH))
    err = refusal(nested(MAX_DEPTH + 1))
    assert "deeper than 24" in err.message
    assert (err.line, err.column) == (1, 25)


def test_block_nesting_depth_reports_line() -> None:
    raw = "".join("  " * level + "k:\n" for level in range(6))
    err = refusal(raw, max_depth=3)
    assert "deeper than 3" in err.message
    assert err.line == 4


@pytest.mark.parametrize("opener", ["[", "{", "{a: ", "- ", "[\n"])
def test_ten_thousand_deep_nesting_refused(opener: str) -> None:
    start = time.perf_counter()
    refusal(opener * 10_000)
    assert time.perf_counter() - start < 2


def test_node_limit_counts_keys() -> None:
    assert load_yaml("a: 1\n", max_nodes=3).data == {"a": 1}  # mapping, key, value
    err = refusal("a: 1\nb: 2\n", max_nodes=4)
    assert "more than 4" in err.message
    assert err.line == 2


def test_default_limits() -> None:
    # Hitting the default node limit takes seconds of pure-Python parsing; the
    # custom-limit test above covers the mechanism.
    assert (MAX_BYTES, MAX_DEPTH, MAX_NODES) == (256 * 1024, 24, 50_000)


# --- YAML 1.2 core schema resolution ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", "yes"),
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("n", "n"),
        ("Yes", "Yes"),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("FALSE", False),
        ("tRuE", "tRuE"),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("~", None),
        ("", None),
        ("nUll", "nUll"),
        ("12", 12),
        ("-7", -7),
        ("+3", 3),
        ("012", 12),
        ("0o17", 15),
        ("0x1f", 31),
        ("0x1F", 31),
        ("0b101", "0b101"),
        ("1_000", "1_000"),
        ("1:30", "1:30"),
        ("1.5", 1.5),
        ("-.5", -0.5),
        ("1.", 1.0),
        ("1e3", 1000.0),
        ("6.02E+23", 6.02e23),
        ("nan", "nan"),
        ("inf", "inf"),
        ("2024-01-01", "2024-01-01"),
        ("2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
        ("123456789012345678", 123456789012345678),
    ],
)
def test_core_schema_resolution(text: str, expected: object) -> None:
    value = load_yaml(f"v: {text}\n").data["v"]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("text", ["'true'", '"true"', "'12'", '"null"', "''", "'0x1f'"])
def test_quoted_scalars_are_always_text(text: str) -> None:
    assert load_yaml(f"v: {text}\n").data["v"] == text[1:-1]


def test_block_scalars_are_text() -> None:
    assert load_yaml("v: |\n  true\nw: >\n  12\n").data == {"v": "true\n", "w": "12\n"}


@pytest.mark.parametrize("text", [".nan", ".NaN", ".NAN", ".inf", "-.inf", "+.Inf", ".iNf"])
def test_nan_and_infinity_refused(text: str) -> None:
    err = refusal(f"a: 1\nv: {text}\n")
    assert err.message == "NaN and infinity are not allowed"
    assert (err.line, err.column) == (2, 4)


@pytest.mark.parametrize(
    "text", ["1234567890123456789", "-0000000000000000001", "0x1234567890abcdef0"]
)
def test_integers_over_18_digits_refused(text: str) -> None:
    err = refusal(f"v: {text}\n")
    assert err.message.startswith("number too large")
    assert err.line == 1


def test_float_overflow_refused() -> None:
    err = refusal("a: 1\nv: 1e999\n")
    assert err.message.startswith("number too large")
    assert err.line == 2


# --- string content -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("escaped", "code"),
    [
        ("\\x01", "U+0001"),
        ("\\r", "U+000D"),
        ("\\e", "U+001B"),
        ("\\N", "U+0085"),
        ("\\x9b", "U+009B"),
    ],
)
def test_control_characters_refused(escaped: str, code: str) -> None:
    err = refusal(f'a: 1\nv: "x{escaped}y"\n')
    assert code in err.message
    assert err.line == 2


def test_tab_and_newline_are_allowed() -> None:
    assert load_yaml('v: "a\\tb\\nc"\n').data == {"v": "a\tb\nc"}


INVISIBLE = list("\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202e\u2066\u2069\u061c")


@pytest.mark.parametrize("char", INVISIBLE)
def test_invisible_characters_refused_with_position(char: str) -> None:
    err = refusal(f"a: 1\nv: ab{char}cd\n")
    assert f"U+{ord(char):04X}" in err.message
    assert (err.line, err.column) == (2, 6)


def test_invisible_character_in_key_refused() -> None:
    err = refusal("a: 1\nke\u200by: 2\n")
    assert "U+200B" in err.message
    assert (err.line, err.column) == (2, 3)


def test_invisible_character_in_multiline_scalar_points_at_it() -> None:
    err = refusal("v: >\n  first line\n  second \u202e line\n")
    assert (err.line, err.column) == (3, 10)


def test_invisible_characters_in_comments_are_ignored() -> None:
    assert load_yaml("# note \u200b\na: 1\n").data == {"a": 1}


@pytest.mark.parametrize(
    "text", ["@everyone", "hi @EVERYONE!", "@here", "@Here now", "<@123>", "<@!123>", "<@&456>"]
)
def test_mentions_refused(text: str) -> None:
    err = refusal(f"a: 1\nb:\n  - '{text}'\n")
    assert err.message == "mentions such as @everyone or roles are not allowed in scenario text"
    assert err.line == 3


def test_mention_in_key_refused() -> None:
    assert refusal("'@here': 1\n").line == 1


def test_zero_width_mention_trick_refused() -> None:
    err = refusal("v: '@every\u200done'\n")
    assert "U+200D" in err.message


def test_channel_links_and_emails_without_mentions_allowed() -> None:
    data = load_yaml("a: see <#123>\nb: mod@example.com\n").data
    assert data == {"a": "see <#123>", "b": "mod@example.com"}


# --- line tracking ----------------------------------------------------------------------

SCENARIO = """\
# Scenario header
title: Budget
moves:
  - name: Tax
    effects:
      - metric: revenue
        delta: 5
  - name: Spend
    effects: []
"""


def test_lines_recorded_for_nested_paths() -> None:
    loaded = load_yaml(SCENARIO)
    assert loaded.lines[()] == 2
    assert loaded.lines[("title",)] == 2
    assert loaded.lines[("moves",)] == 3
    assert loaded.lines[("moves", 0)] == 4
    assert loaded.lines[("moves", 0, "effects", 0, "metric")] == 6
    assert loaded.lines[("moves", 0, "effects", 0, "delta")] == 7
    assert loaded.lines[("moves", 1, "effects")] == 9


def test_line_of_falls_back_to_nearest_ancestor() -> None:
    loaded = load_yaml(SCENARIO)
    assert loaded.line_of(["moves", 1, "effects", 0]) == 9
    assert loaded.line_of(("moves", 1, "cost")) == 8
    assert loaded.line_of(("missing", "deeper")) == 2
    assert loaded.line_of(()) == 2
    assert Loaded(data=None, lines={}).line_of(("x",)) is None


def test_root_of_a_plain_file_is_line_one() -> None:
    assert load_yaml("a: 1\n").lines[()] == 1


def test_data_contains_only_plain_types() -> None:
    data = load_yaml(SCENARIO).data
    assert type(data) is dict
    assert type(data["moves"]) is list
    assert data["moves"][1] == {"name": "Spend", "effects": []}


# --- fuzzing ---------------------------------------------------------------------------

YAMLISH = st.text(alphabet="[]{}:,-?&*!|>'\"#%@~. \n\tab01yx<\\", max_size=60)


def load_or_refuse(raw: bytes | str) -> None:
    try:
        loaded = load_yaml(raw, max_bytes=200, max_depth=4, max_nodes=30)
    except YamlError as err:
        assert err.message
        assert err.line is None or err.line >= 1
        assert err.column is None or err.column >= 1
    else:
        assert isinstance(loaded, Loaded)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_only_raise_yaml_error(raw: bytes) -> None:
    load_or_refuse(raw)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_only_raises_yaml_error(raw: str) -> None:
    load_or_refuse(raw)


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_yaml_like_text_only_raises_yaml_error(raw: str) -> None:
    load_or_refuse(raw)

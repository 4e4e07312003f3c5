"""Issue 6, part 4: a hypothesis fuzz of the loader and validator.

Whatever the bytes, loading either gives a scenario or raises ``ScenarioInvalid`` with readable
problems on real lines; and a scenario that loads plays a whole match with the AI in every seat
without an error. Inputs: arbitrary bytes, YAML-ish text, valid scenarios with lines deleted,
duplicated, swapped or edited, and valid scenarios with one value replaced by another.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.game.match import play_match
from bot.game.validate import ScenarioInvalid, load_scenario_report
from bot.game.yaml_safe import load_yaml
from bot.scenarios import SCENARIOS
from tests.library.scenarios import LOPSIDED

VALID = [(SCENARIOS / "tutorial.yaml").read_text(encoding="utf-8"), LOPSIDED]
PARSED = [json.dumps(load_yaml(text).data) for text in VALID]  # copied per example via JSON
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
YAMLISH = "abc019 :-[]{},'\"#&*!|>%@\t\n\\.~?\u200b\u202e"
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(["no", "yes", "on", "1:30", "0x1F", "1e999", "@here", "", "a" * 400]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.sampled_from(["id", "metric", "x"]), st.integers(), max_size=2),
)


def _load_and_play(raw: bytes | str) -> None:
    """The property: refused readably, or loaded and playable."""
    try:
        scenario, _warnings = load_scenario_report(raw, "fuzz.yaml")
    except ScenarioInvalid as err:
        text = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
        last_line = text.count(b"\n") + text.count(b"\r") + 1
        assert err.problems
        for problem in err.problems:
            assert problem.message and problem.severity == "error"
            assert problem.line is None or 1 <= problem.line <= last_line, problem
        return
    log = play_match(scenario, seed=7)
    assert log.final.finished and log.rounds
    event("loaded and played")


@FUZZ
@given(st.binary(max_size=600))
def test_arbitrary_bytes(raw: bytes) -> None:
    _load_and_play(raw)


@FUZZ
@given(st.text(alphabet=YAMLISH, max_size=300))
def test_yamlish_text(text: str) -> None:
    _load_and_play(text.encode("utf-8"))


@st.composite
def _line_edits(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(VALID)).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "char", "insert"]))
        if kind == "delete" and len(lines) > 1:
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        elif kind == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif kind == "char":
            column = draw(st.integers(0, max(0, len(lines[at]) - 1)))
            char = draw(st.sampled_from(YAMLISH))
            lines[at] = lines[at][:column] + char + lines[at][column + 1 :]
        else:
            lines.insert(at, draw(st.text(alphabet=YAMLISH, max_size=30)) + "\n")
    return "".join(lines)


@FUZZ
@given(_line_edits())
def test_valid_scenarios_with_lines_edited(text: str) -> None:
    _load_and_play(text.encode("utf-8"))


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in _leaves(value, (*path, key))]
    if isinstance(data, list):
        return [p for index, value in enumerate(data) for p in _leaves(value, (*path, index))]
    return [path]


PROSE = {"name", "title", "text", "description", "prompt", "argument", "label", "source"}


def _like(key: Any, value: Any) -> st.SearchStrategy[Any]:
    """Mostly a value of the same kind (so more edited files load), sometimes anything."""
    if isinstance(value, bool):
        same: st.SearchStrategy[Any] = st.booleans()
    elif isinstance(value, int):
        same = st.integers(-5, 120)
    elif isinstance(value, float):
        same = st.floats(-100, 200)
    elif key in PROSE:
        same = st.text(min_size=1, max_size=60)
    else:
        return ODD_VALUES
    return st.one_of(same, same, same, ODD_VALUES)


@st.composite
def _value_edits(draw: st.DrawFn) -> str:
    data = json.loads(draw(st.sampled_from(PARSED)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_leaves(data)))
        node = data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = draw(_like(path[-1], node[path[-1]]))
    return yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False)


@FUZZ
@given(_value_edits())
def test_valid_scenarios_with_values_replaced(text: str) -> None:
    _load_and_play(text.encode("utf-8"))

"""Validation: every kind of mistake is reported with its field path and line."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from bot.game.validate import Problem, ScenarioInvalid, load_scenario, load_scenario_report
from tests.game.builder import BASE


def _problems(data: dict[str, Any] | str) -> list[Problem]:
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    with pytest.raises(ScenarioInvalid) as caught:
        load_scenario(text, "case.yaml")
    return caught.value.problems


def _with(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    change(data)
    return data


def _has(problems: list[Problem], path: str, words: str) -> Problem:
    for problem in problems:
        if problem.path == path and words in problem.message:
            return problem
    raise AssertionError(f"no problem at {path} with {words!r}: {problems}")


CASES: list[tuple[str, Any, str, str]] = [
    (
        "unknown metric in an effect",
        lambda d: d["moves"][0]["effects"][0].update(metric="zzz"),
        "moves[0].effects[0].metric",
        "unknown metric 'zzz'",
    ),
    (
        "duplicate move id",
        lambda d: d["moves"].append(copy.deepcopy(d["moves"][0])),
        "moves[2].id",
        "duplicate id 'red.push'",
    ),
    (
        "duplicate metric id",
        lambda d: d["metrics"].append(copy.deepcopy(d["metrics"][0])),
        "metrics[4].id",
        "duplicate id 'a'",
    ),
    (
        "move of an unknown seat",
        lambda d: d["moves"][0].update(id="green.push"),
        "moves[0].id",
        "unknown seat 'green'",
    ),
    (
        "condition that does not parse",
        lambda d: d["moves"][0].update(condition="a >"),
        "moves[0].condition",
        "does not parse at column",
    ),
    (
        "condition naming an unknown metric",
        lambda d: d["moves"][0].update(condition="zeta > 1"),
        "moves[0].condition",
        "unknown metric 'zeta'",
    ),
    (
        "condition naming an unknown move",
        lambda d: d["moves"][0].update(condition='played("red.ghost")'),
        "moves[0].condition",
        "unknown move 'red.ghost'",
    ),
    (
        "effect with zero chance",
        lambda d: d["moves"][0]["effects"][0].update(chance=0),
        "moves[0].effects[0].chance",
        "can never apply",
    ),
    (
        "effect that changes nothing",
        lambda d: d["moves"][0]["effects"][0].update(change=0),
        "moves[0].effects[0]",
        "changes nothing",
    ),
    (
        "effect always false",
        lambda d: d["moves"][0]["effects"][0].update(condition="1 > 2"),
        "moves[0].effects[0].condition",
        "always false",
    ),
    (
        "unreachable ending",
        lambda d: d.update(endings=[{"id": "e", "name": "E", "text": "t", "condition": "a > 150"}]),
        "endings[0].condition",
        "no values of the metrics",
    ),
    (
        "unknown field",
        lambda d: d["moves"][0].update(colour="red"),
        "moves[0].colour",
        "unknown field",
    ),
    ("missing field", lambda d: d["moves"][0].pop("text"), "moves[0].text", "required"),
    (
        "start outside range",
        lambda d: d["metrics"][0].update(start=150),
        "metrics[0].start",
        "outside",
    ),
    (
        "goal on unknown metric",
        lambda d: d["seats"][0]["goals"][0].update(metric="q"),
        "seats[0].goals[0].metric",
        "unknown metric 'q'",
    ),
    (
        "no legal move in round 1",
        lambda d: d["moves"][0].update(condition="round > 1"),
        "seats[0]",
        "no legal move in round 1",
    ),
    (
        "expression change naming an unknown metric",
        lambda d: d["moves"][0]["effects"][0].update(change="-0.2 * fuel"),
        "moves[0].effects[0].change",
        "unknown metric 'fuel'",
    ),
    (
        "expression change that does not parse",
        lambda d: d["moves"][0]["effects"][0].update(change="-0.2 *"),
        "moves[0].effects[0].change",
        "expression does not parse",
    ),
    (
        "else without a condition",
        lambda d: d["moves"][0]["effects"][0].update({"else": [{"metric": "b", "change": 1}]}),
        "moves[0].effects[0]",
        "'else' needs a 'condition'",
    ),
    (
        "unknown metric inside else",
        lambda d: d["moves"][0]["effects"][0].update(
            {"condition": "a > 1", "else": [{"metric": "zz", "change": 1}]}
        ),
        "moves[0].effects[0].else[0].metric",
        "unknown metric 'zz'",
    ),
    (
        "transfer from an unknown metric",
        lambda d: d["moves"][0]["effects"][0].update({"from": "bb"}),
        "moves[0].effects[0].from",
        "unknown metric 'bb' (did you mean 'b'?)",
    ),
    (
        "transfer from the metric itself",
        lambda d: d["moves"][0]["effects"][0].update({"from": "a"}),
        "moves[0].effects[0].from",
        "'a' is not another metric",
    ),
    (
        "condition threshold with a number",
        lambda d: d.update(
            interactions=[
                {"id": "t", "name": "T", "text": "t", "threshold": {"on": "a > 60", "off": 40}}
            ]
        ),
        "interactions[0].threshold",
        "'on' and 'off' are conditions",
    ),
    (
        "condition threshold that can never switch on",
        lambda d: d.update(
            interactions=[
                {
                    "id": "t",
                    "name": "T",
                    "text": "t",
                    "threshold": {"on": "a > 160", "off": "a < 1"},
                }
            ]
        ),
        "interactions[0].threshold.on",
        "can never switch on",
    ),
    (
        "event with once and max_times",
        lambda d: d.update(
            events=[
                {"id": "e", "name": "E", "kind": "random", "chance": 0.5, "text": "t"}
                | {"once": True, "max_times": 2}
            ]
        ),
        "events[0].max_times",
        "not both",
    ),
    (
        "a move excluding another seat's move",
        lambda d: d["moves"][0].update(excludes=["blue.push"]),
        "moves[0].excludes[0]",
        "another seat's move",
    ),
    (
        "a move excluding an unknown move",
        lambda d: d["moves"][0].update(excludes=["red.pusj"]),
        "moves[0].excludes[0]",
        "unknown move 'red.pusj' (did you mean 'red.push'?)",
    ),
    (
        "exposed_when on a move that is not covert",
        lambda d: d["moves"][0].update(exposed_when="a > 1"),
        "moves[0].exposed_when",
        "only a covert move",
    ),
    (
        "exposed_when naming an unknown metric",
        lambda d: d["moves"][0].update(covert=True, exposed_when="aa > 1"),
        "moves[0].exposed_when",
        "unknown metric 'aa'",
    ),
    (
        "string where a number goes",
        lambda d: d["moves"][0].update(cost="two"),
        "moves[0].cost",
        "integer",
    ),
    (
        "yes where a string goes",
        lambda d: d["moves"][0].update(name=True),
        "moves[0].name",
        "string",
    ),
]


@pytest.mark.parametrize(("label", "change", "path", "words"), CASES, ids=[c[0] for c in CASES])
def test_each_mistake_is_reported_at_its_path(
    label: str, change: Any, path: str, words: str
) -> None:
    problem = _has(_problems(_with(change)), path, words)
    assert problem.line is not None and problem.line > 1
    assert problem.format("case.yaml").startswith(f"case.yaml:{problem.line}: {path}: ")


def test_a_problem_points_at_the_line_of_the_field() -> None:
    text = yaml.safe_dump(
        _with(lambda d: d["moves"][1]["effects"][0].update(metric="nope")), sort_keys=False
    )
    problem = _has(_problems(text), "moves[1].effects[0].metric", "unknown metric")
    assert "metric: nope" in text.splitlines()[problem.line - 1]  # type: ignore[operator]


def test_every_error_is_reported_not_just_the_first() -> None:
    def two(d: dict[str, Any]) -> None:
        d["moves"][0]["effects"][0]["metric"] = "x1"
        d["moves"][1]["effects"][0]["metric"] = "x2"

    paths = {p.path for p in _problems(_with(two))}
    assert {"moves[0].effects[0].metric", "moves[1].effects[0].metric"} <= paths


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a: &x [1]\nb: *x\n", "anchor"),
        ("meta: !!python/object/apply:os.system ['echo hi']\n", "tag"),
        ("meta: 1\nmeta: 2\n", "duplicate"),
        ("- just a list\n", "mapping"),
        (b"\xff\xfe junk", "UTF-8"),
    ],
)
def test_hostile_files_are_refused_as_problems(text: str | bytes, words: str) -> None:
    with pytest.raises(ScenarioInvalid) as caught:
        load_scenario(text, "bad.yaml")
    assert words.lower() in str(caught.value).lower()


def test_yaml_11_booleans_do_not_pass_as_strings_or_bools() -> None:
    data = copy.deepcopy(BASE)
    text = yaml.safe_dump(data, sort_keys=False).replace("name: Push", "name: no", 1)
    scenario, _warnings = load_scenario_report(text, "ok.yaml")
    assert scenario.moves[0].name == "no"  # YAML 1.2: a plain `no` is the text "no"


def test_a_rule_that_needs_one_move_played_and_another_not_can_fire() -> None:
    rule = {
        "id": "alone",
        "name": "Alone",
        "when": 'played("red.push") and not played("blue.push")',
        "effects": [{"metric": "a", "change": 1}],
        "text": "t",
    }
    data = copy.deepcopy(BASE)
    data["interactions"] = [rule]
    scenario = load_scenario(yaml.safe_dump(data), "ok.yaml")
    assert scenario.interactions[0].id == "alone"


def test_a_rule_that_contradicts_itself_can_never_fire() -> None:
    rule = {
        "id": "never",
        "name": "Never",
        "when": 'played("red.push") and not played("red.push")',
        "effects": [{"metric": "a", "change": 1}],
        "text": "t",
    }
    problems = _problems(_with(lambda d: d.update(interactions=[rule])))
    _has(problems, "interactions[0].when", "can never fire")

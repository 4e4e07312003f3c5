"""The validator's messages: mistakes that used to pass, "did you mean", and one error per
mistake rather than one per use."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import yaml

from bot.game.refs import closest, edit_distance
from bot.game.validate import Problem, ScenarioInvalid, load_scenario
from bot.scenarios import SCENARIOS
from tests.game.builder import BASE

VENEZUELA = (SCENARIOS / "venezuela-2021.yaml").read_text()


def _problems(data: dict[str, Any] | str) -> list[Problem]:
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    with pytest.raises(ScenarioInvalid) as caught:
        load_scenario(text, "case.yaml")
    return caught.value.problems


def _with(change: Any) -> list[Problem]:
    data = copy.deepcopy(BASE)
    change(data)
    return _problems(data)


def _only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    return problems[0]


def test_an_effect_larger_than_the_whole_range_is_an_error() -> None:
    problem = _only(_with(lambda d: d["moves"][0]["effects"][0].update(change=-150)))
    assert problem.path == "moves[0].effects[0].change"
    assert "a change of -150 is more than the whole range of 'a' (0 to 100)" in problem.message
    ranged = _with(lambda d: d["moves"][0]["effects"][0].update(change=None, range=[-5, 120]))
    assert "a change of 120" in _only(ranged).message


def test_an_effect_of_the_whole_range_is_allowed() -> None:
    data = copy.deepcopy(BASE)
    data["moves"][0]["effects"][0]["change"] = -100  # a switch from 100 to 0
    load_scenario(yaml.safe_dump(data), "ok.yaml")


def test_an_effect_on_a_balancing_metric_is_an_error_unless_it_is_a_transfer() -> None:
    problem = _only(_with(lambda d: d["moves"][0]["effects"][0].update(metric="rest")))
    assert problem.path == "moves[0].effects[0].metric"
    assert (
        "'rest' is the balancing metric of share: changing it breaks their sum" in problem.message
    )
    data = copy.deepcopy(BASE)
    data["moves"][0]["effects"][0].update({"metric": "rest", "from": "share"})
    load_scenario(yaml.safe_dump(data), "ok.yaml")


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("moves[0].condition", lambda d: d["moves"][0].update(condition='played("blue.push")')),
        (
            "seats[0].objectives[0].condition",
            lambda d: d["seats"][0].update(
                objectives=[{"id": "o", "text": "t", "condition": 'played("red.push")'}]
            ),
        ),
        (
            "endings[0].condition",
            lambda d: d.update(
                endings=[
                    {
                        "id": "e",
                        "name": "E",
                        "text": "t",
                        "condition": 'a > 60 and played("red.push")',
                    }
                ]
            ),
        ),
    ],
)
def test_played_where_nothing_is_being_played_is_an_error(where: str, change: Any) -> None:
    problem = next(p for p in _with(change) if p.path == where)
    assert "played() is always false here: nothing is being played" in problem.message
    assert "use played_before(...) or times_played(...)" in problem.message


def test_unknown_ids_get_a_did_you_mean() -> None:
    metric = _only(_with(lambda d: d["moves"][0].update(condition="shar > 10")))
    assert metric.message == "column 1: unknown metric 'shar' (did you mean 'share'?)"
    move = _only(_with(lambda d: d["moves"][0].update(condition='played_before("blue.psh")')))
    assert "unknown move 'blue.psh' (did you mean 'blue.push'?)" in move.message
    far = _only(_with(lambda d: d["moves"][0]["effects"][0].update(metric="zzzzzz")))
    assert far.message == "unknown metric 'zzzzzz'"  # nothing close: no guess


def test_edit_distance_and_the_closest_id() -> None:
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3 and edit_distance("same", "same") == 0
    assert closest("oil_sanction", {"oil_sanctions", "fuel_sanctions"}) == "oil_sanctions"
    assert closest("us", {"eu_lima", "maduro"}) is None


def test_an_arrow_written_backwards_suggests_the_comparison() -> None:
    problem = _only(_with(lambda d: d["moves"][0].update(condition="a => 10")))
    assert problem.message.endswith("unexpected '='; did you mean '>='?")


def test_a_duplicate_id_names_the_line_of_the_first() -> None:
    data = copy.deepcopy(BASE)
    data["moves"].append(copy.deepcopy(data["moves"][0]))
    text = yaml.safe_dump(data, sort_keys=False)
    problem = _only(_problems(text))
    first = next(n for n, line in enumerate(text.splitlines(), 1) if "id: red.push" in line)
    assert problem.message == f"duplicate id 'red.push' (the first is on line {first})"
    assert problem.line is not None and problem.line > first


def test_a_renamed_metric_is_one_error_with_the_count_of_its_uses() -> None:
    renamed = VENEZUELA.replace("  - id: oil_sanctions\n", "  - id: oil_sanction\n", 1)
    problem = _only(_problems(renamed))
    assert "unknown metric 'oil_sanctions' (did you mean 'oil_sanction'?)" in problem.message
    found = re.search(
        r"it is used (\d+) times \(also on lines ([\d, ]+), \.\.\.\)", problem.message
    )
    assert found is not None and int(found[1]) > 10  # every field that names it
    lines = renamed.splitlines()
    for number in found[2].split(", "):
        assert "oil_sanctions" in lines[int(number) - 1]


def test_a_renamed_seat_is_one_error_and_no_misleading_ai_prefer_error() -> None:
    renamed = VENEZUELA.replace("  - id: us\n", "  - id: usa\n", 1)
    problem = _only(_problems(renamed))
    assert "unknown seat 'us' (did you mean 'usa'?); it is used" in problem.message


def test_a_seat_typo_with_leanings_is_one_error() -> None:
    def typo(d: dict[str, Any]) -> None:
        d["seats"][0].update(id="rad", ai={"prefer": {"red.push": 1.0}})

    problem = _only(_with(typo))
    assert problem.message == "the move belongs to unknown seat 'red' (did you mean 'rad'?)"


def test_every_existing_scenario_still_passes() -> None:
    for path in sorted(SCENARIOS.glob("*.yaml")):
        load_scenario(path.read_bytes(), path.name)

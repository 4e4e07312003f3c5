"""The order menu and the seat's panels, without a terminal: numbering, greyed moves, the
argument and decision prompts, the grouped causes and the goal distances."""

from __future__ import annotations

import asyncio
import random

import pytest

from bot.cli import menu
from bot.cli.menu import Edit, menu_entries, summary, take_orders
from bot.cli.panels import distance
from bot.game.engine import new_match
from bot.game.scenario import Goal, Scenario
from bot.game.state import Forecast, MatchState, Order, SeatOrders
from bot.render.debate import forecast_metrics
from bot.render.narrative import Cause, cause_summaries, grouped_causes
from bot.scenarios import read_scenario
from bot.services.models import MAX_ARGUMENT


@pytest.fixture(scope="module")
def tutorial() -> Scenario:
    return read_scenario("tutorial")[0]


def _opening(scenario: Scenario) -> MatchState:
    state = new_match(scenario, random.Random(1)).state
    state.awaiting = {}  # no decision unless a test puts one
    return state


def test_numbers_stay_put_and_blocked_moves_say_why(tutorial: Scenario) -> None:
    state = _opening(tutorial)
    empty = menu_entries(tutorial, state, "upstream", SeatOrders())
    chosen = SeatOrders(moves=(Order("upstream.talks", "talk"),))
    after = menu_entries(tutorial, state, "upstream", chosen)
    assert [(e.number, e.move.id) for e in empty] == [(e.number, e.move.id) for e in after]
    by_id = {e.move.id: e for e in after}
    assert by_id["upstream.talks"].chosen == Order("upstream.talks", "talk")
    assert by_id["upstream.build_dam"].reason == "costs 2 AP, more than the 1 AP left"
    assert by_id["upstream.small_turbines"].reason is None
    state.history.append({"upstream": ["upstream.build_dam"]})
    state.round = 2
    dam = next(e for e in menu_entries(tutorial, state, "upstream", SeatOrders()) if e.number == 1)
    assert dam.move.id == "upstream.build_dam"
    assert dam.reason == "can be played only once per match"


def test_a_move_excluded_by_a_chosen_one_is_greyed_with_the_reason() -> None:
    venezuela = read_scenario("venezuela-2021")[0]
    state = _opening(venezuela)
    chosen = SeatOrders(moves=(Order("us.fuel_sanctions", ""),))
    by_id = {e.move.id: e for e in menu_entries(venezuela, state, "us", chosen)}
    lift = venezuela.move("us.lift_fuel_sanctions")
    assert "us.fuel_sanctions" in venezuela.exclusions(lift.id)
    assert by_id[lift.id].reason == (
        f"cannot be ordered with {venezuela.move('us.fuel_sanctions').name} in one round"
    )


def test_a_description_is_cut_to_its_first_sentence_and_the_room_left() -> None:
    assert summary("Build it. Then wait.") == "Build it."
    assert summary("x" * 200, 20) == "x" * 19 + "…"


class Script:
    """Answers the prompts in order and records them."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.answers.pop(0)


def _take(
    scenario: Scenario,
    state: MatchState,
    seat: str,
    answers: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[SeatOrders, list[SeatOrders], Script]:
    script = Script(answers)
    monkeypatch.setattr(menu, "ask", script)
    saved: list[SeatOrders] = []
    draft = SeatOrders()

    async def save(edit: Edit) -> SeatOrders:
        nonlocal draft
        draft = edit(seat, draft)
        saved.append(draft)
        return draft

    async def submit(orders: SeatOrders) -> str | None:
        return None

    done = asyncio.run(take_orders(scenario, state, seat, SeatOrders(), save, submit))
    return done, saved, script


def test_a_long_argument_is_refused_and_an_empty_one_asked_again(
    tutorial: Scenario, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = ["3", "x" * (MAX_ARGUMENT + 5), "", "", "", "2", "short", "n", "0"]
    done, saved, script = _take(tutorial, _opening(tutorial), "upstream", answers, monkeypatch)
    out = capsys.readouterr().out
    assert f"That is {MAX_ARGUMENT + 5} characters; the limit is {MAX_ARGUMENT}." in out
    assert "press Enter again to go without" in out
    assert done.moves == (Order("upstream.talks", ""), Order("upstream.small_turbines", "short"))
    assert len(saved) == 2  # each change kept as the draft when it was made
    assert script.answers == []  # no confirmation: no affordable move was left


def test_a_forecast_follows_the_argument_and_offers_only_what_the_seat_sees(
    tutorial: Scenario, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Trust is an estimate for the upstream town: it may forecast it (issue 13).
    assert forecast_metrics(tutorial, "upstream") == ["power", "harvest", "trust", "tension"]
    answers = ["3", "talk", "y", "9", "3", "sideways", "u", "2", "1", "0", "y"]
    done, saved, script = _take(tutorial, _opening(tutorial), "upstream", answers, monkeypatch)
    out = capsys.readouterr().out
    assert " 3) Trust between the towns" in out
    assert "Type a number from 1 to 4." in out and "Type u for up or d for down." in out
    assert "Type 0 for this round or 1 for the end of next round." in out
    assert done.moves == (Order("upstream.talks", "talk", forecast=Forecast("trust", "up", 1)),)
    assert saved[-1] == done  # kept in the draft with its forecast
    assert "(forecast: Trust between the towns ↑ up by the" in out
    assert script.prompts.count(menu.FORECAST_PROMPT) == 1


def test_a_decision_is_a_numbered_menu_and_d_changes_it(
    tutorial: Scenario, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    state = _opening(tutorial)
    state.awaiting = {"drought": "upstream"}
    answers = ["", "keep", "9", "1", "d", "2", "0", "n", "0", "y"]
    done, _saved, script = _take(tutorial, state, "upstream", answers, monkeypatch)
    out = capsys.readouterr().out
    assert "1) Release water: Upstream opens the sluices." in out
    assert "2) Keep the water (what happens if you do not answer): Upstream keeps" in out
    assert "Not a choice: 'keep'. Type 1 to 2." in out and "Not a choice: '9'." in out
    assert done.decisions == {"drought": "keep"} and done.moves == ()
    assert script.prompts.count("Submit anyway? (y/n): ") == 2


def test_causes_are_grouped_by_metric_net_change_first() -> None:
    found = [
        Cause("Tension", 12.0, "Build the dam"),
        Cause("Harvest", 6.0, "Irrigation"),
        Cause("Tension", -3.0, "Mediate"),
    ]
    assert grouped_causes(found) == [
        ("Tension", 9.0, [found[0], found[2]]),
        ("Harvest", 6.0, [found[1]]),
    ]


def test_a_short_reveal_has_one_line_per_metric_with_its_biggest_causes() -> None:
    found = [Cause("Tension", float(d), f"Cause {d}", 2 if d == 4 else None) for d in (1, -5, 4, 2)]
    found.append(Cause("Harvest", 6.0, "Irrigation"))
    assert cause_summaries(found) == [
        ("Tension", 2.0, "Cause -5 -5.0, Cause 4 +4.0 (from round 2), Cause 2 +2.0, and 1 more"),
        ("Harvest", 6.0, "Irrigation +6.0"),
    ]


def test_distance_to_a_goal() -> None:
    assert distance(Goal(metric="m", target=50, kind="at_least"), 38) == "12.0 to go"
    assert distance(Goal(metric="m", target=50, kind="at_least"), 50) == "met"
    assert distance(Goal(metric="m", target=30, kind="at_most"), 33.5) == "3.5 too high"
    assert distance(Goal(metric="m", target=30, kind="near"), 27) == "3.0 off"

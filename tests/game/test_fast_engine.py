"""The fast engine and AI give the same matches, to the byte, as the reference copy.

``bot/game/reference/`` keeps the engine and AI as they were before the speed work; every match
here is played by both with the same seed and compared as canonical JSON: every round's orders
(arguments, forecasts, ratings), records and state. Covered: the default scenario (AI in every
seat, some seats held or scripted), iran-2013, the tutorial, the AI's talks on
(``rules.ai_talks``), open debate with a simulated room (``--rate``), and shortened matches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, replace
from functools import cache
from typing import Any, Literal

import pytest

from bot.game import match as fast
from bot.game.match import MatchLog, match_seed
from bot.game.policies import Conditional, HoldPolicy, Policy, ScriptPolicy
from bot.game.reference import match as reference
from bot.game.scenario import Scenario
from bot.game.state import Order, Rating, SeatOrders, canonical_json, evolve
from bot.scenarios import read_scenario

SEEDS = 32


@cache
def _scenario(name: str | None, talks: float = 0.0) -> Scenario:
    sc = read_scenario(name)[0]
    if talks:
        sc = sc.model_copy(update={"rules": sc.rules.model_copy(update={"ai_talks": talks})})
    return sc


def _bytes(log: MatchLog) -> str:
    """The whole match as canonical JSON."""
    data: dict[str, Any] = {
        "seed": log.seed,
        "start": log.start.to_dict(),
        "opening": [r.to_dict() for r in log.opening],
        "rounds": [
            {
                "round": r.round,
                "orders": {seat: asdict(o) for seat, o in sorted(r.orders.items())},
                "records": [rec.to_dict() for rec in r.records],
                "state": r.state.to_dict(),
            }
            for r in log.rounds
        ],
    }
    return canonical_json(data)


def _both(
    scenario: Scenario,
    seed: int,
    policies: Mapping[str, Policy] | None = None,
    rounds: int | None = None,
    *,
    debate: Literal["open", "sealed"] = "sealed",
    rate: Mapping[str, float] | None = None,
) -> tuple[str, str]:
    new = fast.play_match(scenario, seed, policies, rounds, debate=debate, rate=rate)
    old = reference.play_match(scenario, seed, policies, rounds, debate=debate, rate=rate)
    return _bytes(new), _bytes(old)


@pytest.mark.parametrize("index", range(SEEDS))
def test_default_scenario_ai_everywhere(index: int) -> None:
    new, old = _both(_scenario(None), match_seed(7, index))
    assert new == old


@pytest.mark.parametrize("index", range(SEEDS))
def test_iran(index: int) -> None:
    new, old = _both(_scenario("iran-2013"), match_seed(13, index))
    assert new == old


@pytest.mark.parametrize("index", range(SEEDS))
def test_ai_talks(index: int) -> None:
    new, old = _both(_scenario(None, 0.25), match_seed(25, index))
    assert new == old


@pytest.mark.parametrize("index", range(8))
def test_ai_talks_always_on_iran(index: int) -> None:
    new, old = _both(_scenario("iran-2013", 1.0), match_seed(26, index))
    assert new == old


@pytest.mark.parametrize("index", range(8))
def test_ai_talks_always_on_default(index: int) -> None:
    # Talks every round: the round cache the talks and the orders share follows the state the
    # talks make, and the AI keeps its deals (``honour``) in most rounds.
    new, old = _both(_scenario(None, 1.0), match_seed(27, index))
    assert new == old


@pytest.mark.parametrize("index", range(16))
def test_open_debate_with_a_room(index: int) -> None:
    sc = _scenario(None)
    rate = {seat: (-1.0 if n % 2 else 0.5) for n, seat in enumerate(sc.seat_ids)}
    new, old = _both(sc, match_seed(31, index), debate="open", rate=rate)
    assert new == old


@pytest.mark.parametrize("index", range(16))
def test_held_and_scripted_seats(index: int) -> None:
    sc = _scenario(None, 0.25)
    first, second = sc.seat_ids[0], sc.seat_ids[1]
    mine = [m.id for m in sc.moves_of(first)]
    offer = Conditional(mine[0], (sc.moves_of(second)[0].id,))
    policies: dict[str, Policy] = {
        first: ScriptPolicy([[offer], [mine[1]], [mine[2], mine[0]]]),
        sc.seat_ids[-1]: HoldPolicy(),
    }
    new, old = _both(sc, match_seed(41, index), policies, rounds=5 + index % 4)
    assert new == old


@pytest.mark.parametrize("index", range(8))
def test_tutorial(index: int) -> None:
    new, old = _both(_scenario("tutorial"), match_seed(3, index))
    assert new == old


def test_the_comparison_would_catch_a_difference() -> None:
    sc = _scenario(None)
    assert _both(sc, 1)[0] != _both(sc, 2)[1]


def test_evolve_is_replace() -> None:
    order = Order("us.oil_sanctions", "why", ratings=(Rating("eu", 1.0),))
    assert evolve(order, rating=0.5) == replace(order, rating=0.5)
    assert evolve(SeatOrders((order,)), moves=()) == SeatOrders()
    with pytest.raises(TypeError):
        evolve(order, nope=1)

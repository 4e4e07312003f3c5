"""The fast path's parts give what the plain code they replace gives, to the last bit.

``test_fast_engine.py`` compares whole matches with the reference engine; these check the
pieces on their own, on cases the scenarios may not reach (a value exactly at a target, an
empty span, a metric at its bound): the goal fractions spelt out (``ai_tables.met`` and
``SeatRound.gain_in``), the look-ahead's changes kept per outcome, and orders built without
the dataclass's ``__init__``.
"""

from __future__ import annotations

import itertools
import math
import pickle
import random
from collections.abc import Callable, Mapping
from dataclasses import asdict, fields
from typing import Literal

import pytest

from bot.game import match as fast
from bot.game.ai_tables import (
    OBJECTIVE_RAMP,
    Fraction,
    Kept,
    Ramp,
    RoundCache,
    expected,
    met,
    tables,
)
from bot.game.engine import _Round
from bot.game.engine import _tables as engine_tables
from bot.game.env import StateEnv, round_set
from bot.game.expr import parse
from bot.game.match import match_seed
from bot.game.scenario import Goal, Metric, Scenario
from bot.game.state import Forecast, MatchState, Order, plain_order
from bot.scenarios import read_scenario

SCENARIOS = (None, "iran-2013", "tutorial")
Term = tuple[str, Callable[[float], float], float, float, float]  # metric, fraction, weight, range


def _states(scenario: Scenario, matches: int = 3) -> list[MatchState]:
    logs = [fast.play_match(scenario, match_seed(5, i)) for i in range(matches)]
    return [logs[0].start] + [r.state for log in logs for r in log.rounds if not r.state.finished]


def _values(low: float, high: float, target: float) -> list[float]:
    """Values around the interesting points: the bounds, the target, either side of it."""
    rng = random.Random(7)
    points = [low, high, target, target + 1e-12, target - 1e-12, (low + high) / 2]
    points += [rng.uniform(low, high) for _ in range(40)]
    return points + [round(rng.uniform(low, high), 1) for _ in range(20)]


@pytest.mark.parametrize("kind", ["at_least", "at_most", "near"])
@pytest.mark.parametrize("from_start", [False, True])
def test_met_is_the_goal_fraction(
    kind: Literal["at_least", "at_most", "near"], from_start: bool
) -> None:
    for target, start, low, high in itertools.product(
        [0.0, 35.0, 50.0, 100.0], [0.0, 35.0, 60.0, 100.0], [0.0], [100.0]
    ):
        metric = Metric(id="m", name="M", min=low, max=high, start=start)
        fraction = Fraction(metric, Goal(metric="m", target=target, kind=kind), from_start)
        empty = 1.0 if fraction.code == 2 else 0.0
        for value in _values(low, high, target):
            want = fraction(value)
            got = met(fraction.code, fraction.target, fraction.span, empty, value)
            assert (got, str(got)) == (want, str(want)), (kind, target, start, value)


@pytest.mark.parametrize("above", [True, False])
def test_met_is_the_objective_ramp(above: bool) -> None:
    for threshold in (0.0, 12.5, 40.0, 100.0):
        ramp = Ramp(above, threshold)
        for value in [*_values(0.0, 100.0, threshold), threshold - 8.0, threshold + 8.0]:
            got = met(0 if above else 1, threshold, OBJECTIVE_RAMP, 0.0, value)
            assert (got, str(got)) == (ramp(value), str(ramp(value))), (threshold, value)


def _plain_gain(
    terms: list[Term],
    known: Mapping[str, float],
    deltas: Mapping[str, float],
) -> float:
    """The look-ahead's gain as the reference sums it, through Fraction and Ramp."""
    total = 0.0
    for metric, fraction, weight, low, high in terms:
        change = deltas.get(metric)
        if change:
            then = min(max(known[metric] + change, low), high)
            total += weight * (fraction(then) - fraction(known[metric]))
    return total


@pytest.mark.parametrize("name", SCENARIOS)
def test_gain_in_is_the_plain_sum_for_every_seat_and_move(name: str | None) -> None:
    scenario = read_scenario(name)[0]
    table = tables(scenario)
    for state in _states(scenario):
        cache = RoundCache(scenario, state)
        for seat_id, seat in table.seats.items():
            round_ = cache.seat_round(seat_id, 11)
            terms: list[Term] = [
                (g.metric, f, w, m.min, m.max)
                for (g, m, w), f in zip(seat.goals, seat.fractions, strict=True)
            ]
            terms += [(o[0], o[1], o[2], o[3], o[4]) for o in seat.objectives]
            for move in table.moves.values():
                outcome = cache.outcome(move, 11)
                want = _plain_gain(terms, round_.known, outcome.deltas)
                assert cache.value(seat_id, move, 11) == want
                assert round_.gain(outcome.deltas) == want
                assert round_.gain_in(outcome) == want  # kept: the same again


@pytest.mark.parametrize("name", SCENARIOS)
def test_outcomes_kept_are_the_changes_worked_out_afresh(name: str | None) -> None:
    scenario = read_scenario(name)[0]
    table = tables(scenario)
    for state in _states(scenario):
        cache = RoundCache(scenario, state)
        for move in table.moves.values():
            env = cache.seat_round(move.seat, 3).env
            env.played = move.alone
            for effects in (move.effects, *move.by_horizon):
                assert effects.deltas(env) == expected(effects.items, env)


def test_plain_order_is_the_dataclass() -> None:
    forecast = Forecast("unity", "up", 1)
    made = plain_order("us.oil_sanctions", "why", forecast)
    assert made == Order("us.oil_sanctions", "why", forecast=forecast)
    assert asdict(made) == asdict(Order("us.oil_sanctions", "why", forecast=forecast))
    assert set(made.__dict__) == {f.name for f in fields(Order)}  # a new field is set too
    assert plain_order("x") == Order("x")


def test_memos_are_not_carried_by_a_pickled_scenario() -> None:
    kept: Kept[float, float] = Kept({1.23456: 1.2346})
    again = pickle.loads(pickle.dumps(kept))
    assert type(again) is Kept and not again
    scenario = read_scenario(None)[0]
    for index in range(3):
        fast.play_match(scenario, match_seed(9, index))
    copy = pickle.loads(pickle.dumps(scenario))
    assert not engine_tables(copy).rounded  # a worker's copy starts with empty memos
    assert fast.play_match(copy, 5).final == fast.play_match(scenario, 5).final


def _bits(value: float) -> str:
    return float(value).hex() if value == value else "nan"


def test_round4_is_round_to_the_bit() -> None:
    """``_Round.round4`` (its sixteenths shortcut, its memo) gives ``round(value, 4)``."""
    scenario = read_scenario(None)[0]
    work = _Round(scenario, fast.play_match(scenario, 3).start, random.Random(1))
    rng = random.Random(5)
    values = [0.0, -0.0, 1e300, -1e300, 2.0**60 + 0.5, math.inf, -math.inf, math.nan]
    values += [k / 16 for k in range(-400, 400)] + [k / 10 for k in range(-400, 400)]
    values += [rng.uniform(-200, 200) for _ in range(2000)]
    values += [round(rng.uniform(-100, 100), 4) + 0.5 for _ in range(2000)]
    for value in values * 2:  # twice: the second time from the memo
        assert _bits(work.round4(value)) == _bits(round(value, 4)), value
        assert math.copysign(1.0, work.round4(value)) == math.copysign(1.0, round(value, 4))


def test_state_copy_is_the_dataclass() -> None:
    scenario = read_scenario(None)[0]
    state = fast.play_match(scenario, 4).rounds[2].state
    copy = state.copy()
    assert copy == state and copy is not state and copy.metrics is not state.metrics
    assert list(copy.__dict__) == [f.name for f in fields(MatchState)]


@pytest.mark.parametrize("name", SCENARIOS)
def test_holds_is_the_truth_of_evaluate(name: str | None) -> None:
    """``StateEnv.holds`` and ``Expr.evaluate`` (a condition read from its plan) agree with
    the closures."""
    scenario = read_scenario(name)[0]
    log = fast.play_match(scenario, match_seed(11, 2))
    exprs = list(scenario._cache("_exprs").values())
    exprs += [parse(text) for text in ("x < -1", "2 >= x", "not (x > 1 or round == 3)")]
    assert exprs
    for played in log.rounds:
        moves = frozenset(o.move for so in played.orders.values() for o in so.moves)
        for state in (played.state, log.start):
            env = StateEnv(state, played=moves)
            env.metrics = {**state.metrics, "x": 1.0}
            for expr in exprs:
                value = expr.compiled(env)
                assert env.holds(expr) == bool(value), expr.source
                walked = expr.evaluate(env)  # from the plan where it can
                assert walked == value and type(walked) is type(value), expr.source


def test_round_set_is_the_round_s_moves_for_each_dict() -> None:
    first = {"us": ["a", "b"], "eu": ["c"]}
    assert round_set(first) == {"a", "b", "c"} and round_set(first) is round_set(first)
    for n in range(50):  # dicts made and dropped: a reused id is never taken for another
        assert round_set({"us": [f"m{n}"]}) == {f"m{n}"}
    state = MatchState(2, 5, {}, {}, {}, history=[first])
    env = StateEnv(state)
    assert env.call("played_before", ("c",), {"rounds": 1}) is True
    assert env.call("times_played", ("a",), {}) == 1.0
    assert env.call("played_before", ("z",), {}) is False

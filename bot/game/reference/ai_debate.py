"""The AI in the debate: the arguments it makes for its moves and how it rates others'.

It argues from the scenario's argument texts for the move, drawn with its own seeded generator
(separate from the one that picks its moves, so that arguing changes no move), and attaches a
forecast its look-ahead expects. It rates like an informed umpire: +1 when an argument's
forecast agrees with the direction the engine expects from that move in the current state, -1
when it contradicts it, 0 without a forecast.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import replace

from bot.game.env import StateEnv
from bot.game.reference.ai import expected_deltas
from bot.game.reference.view import seat_view, sight
from bot.game.scenario import ArgumentText, Effect, Move, Scenario
from bot.game.state import Forecast, MatchState, Order, Rating, SeatOrders

HORIZONS = (0, 1)


def argument_rng(seed: int, round_number: int, seat_index: int) -> random.Random:
    """The AI's generator for its arguments in one round, apart from its moves' generator."""
    return random.Random((seed * 15_485_863 + round_number) * 7_927 + seat_index + 31)


def _effects_by(scenario: Scenario, move: Move, horizon: int) -> list[Effect]:
    """The move's effects that land by the horizon; kept per scenario (a stable list, since the
    look-ahead's memo is keyed by the list's identity)."""
    memo = scenario.memo("ref.effects_by_horizon")
    key = (move.id, horizon)
    found = memo.get(key)
    if found is None:
        found = memo[key] = [e for e in move.effects if e.delay <= horizon]
    return found


def expected_direction(
    scenario: Scenario, move: Move, metric: str, horizon: int, env: StateEnv
) -> int:
    """+1, -1 or 0: which way the look-ahead expects the move to push the metric by then."""
    delta = expected_deltas(scenario, _effects_by(scenario, move, horizon), env).get(metric, 0.0)
    return 0 if abs(delta) < 1e-9 else (1 if delta > 0 else -1)


def argument_texts(move: Move) -> list[ArgumentText]:
    """The cases a move can be argued with: its ``argument`` and its ``arguments`` list."""
    single = [ArgumentText(text=move.argument)] if move.argument else []
    return single + list(move.arguments)


def _visible(scenario: Scenario, seat_id: str) -> dict[str, int]:
    """The metrics the seat may see (exactly or noisily), with their file order; kept per
    scenario."""
    memo = scenario.memo("ref.visible")
    found = memo.get(seat_id)
    if found is None:
        seen = [m.id for m in scenario.metrics if sight(m, seat_id) != "hidden"]
        found = memo[seat_id] = {metric: index for index, metric in enumerate(seen)}
    return found


def _own_forecast(scenario: Scenario, move: Move, seat_id: str, env: StateEnv) -> Forecast | None:
    """The forecast the look-ahead is surest of: the visible metric the move moves most, this
    round if anything lands now, else the next (the first in file order on a tie)."""
    visible = _visible(scenario, seat_id)
    for horizon in HORIZONS:
        deltas = expected_deltas(scenario, _effects_by(scenario, move, horizon), env)
        best: tuple[float, int, str, float] | None = None
        for metric, value in deltas.items():
            order = visible.get(metric)
            if order is None or abs(value) <= 1e-9:
                continue
            key = (abs(value), -order, metric, value)
            if best is None or key > best:
                best = key
        if best is not None:
            return Forecast(best[2], "up" if best[3] > 0 else "down", horizon)
    return None


def _seat_env(scenario: Scenario, state: MatchState, seat_id: str, seed: int) -> StateEnv:
    """The state as the seat knows it (hidden metrics at their start), for its look-ahead."""
    view = seat_view(scenario, state, seat_id, seed)
    known = {k: (state.start[k] if v is None else v) for k, v in view.items()}
    return StateEnv(state, metrics=known)


def _argue(scenario: Scenario, move: Move, env: StateEnv, rng: random.Random) -> Order:
    env.played = frozenset((move.id,))  # one environment, re-pointed at each move
    texts = argument_texts(move)
    agreeing = [
        t
        for t in texts
        if t.forecast is not None
        and expected_direction(scenario, move, t.forecast.metric, t.forecast.horizon, env)
        == (1 if t.forecast.direction == "up" else -1)
    ]
    if agreeing:
        chosen = rng.choice(agreeing)
        assert chosen.forecast is not None
        spec = chosen.forecast
        forecast: Forecast | None = Forecast(spec.metric, spec.direction, spec.horizon)
        return Order(move.id, chosen.text, forecast=forecast)
    plain = [t for t in texts if t.forecast is None] or texts
    text = rng.choice(plain).text if plain else ""
    return Order(move.id, text, forecast=_own_forecast(scenario, move, move.seat, env))


def ai_argument(
    scenario: Scenario, state: MatchState, move: Move, seed: int, rng: random.Random
) -> Order:
    """The AI's order for a move it plays: a scenario text and a forecast it expects."""
    return _argue(scenario, move, _seat_env(scenario, state, move.seat, seed), rng)


def ai_arguments(
    scenario: Scenario, state: MatchState, seat_id: str, orders: SeatOrders, seed: int
) -> SeatOrders:
    """The AI seat's orders with its arguments and forecasts in place."""
    if not orders.moves:
        return orders
    rng = argument_rng(seed, state.round, scenario.seat_ids.index(seat_id))
    env = _seat_env(scenario, state, seat_id, seed)
    moves = tuple(_argue(scenario, scenario.move(o.move), env, rng) for o in orders.moves)
    return replace(orders, moves=moves)


def ai_value(
    scenario: Scenario, state: MatchState, order: Order, env: StateEnv | None = None
) -> int:
    """The AI's rating of an argument: +1 agrees with the engine's expectation, -1 contradicts
    it, 0 without a forecast (or when the engine expects no change)."""
    if order.forecast is None:
        return 0
    move = scenario.move(order.move)
    env = env or StateEnv(state)
    env.played = frozenset((move.id,))
    expected = expected_direction(
        scenario, move, order.forecast.metric, order.forecast.horizon, env
    )
    claimed = 1 if order.forecast.direction == "up" else -1
    return 0 if expected == 0 else (1 if expected == claimed else -1)


def ai_ratings(
    scenario: Scenario,
    state: MatchState,
    orders: Mapping[str, SeatOrders],
    raters: Iterable[str],
) -> dict[str, SeatOrders]:
    """Every seat's orders rated by each AI seat among ``raters`` (never its own)."""
    rated = dict(orders)
    raters = list(raters)
    if not raters:
        return rated
    env = StateEnv(state)
    values = {
        seat: {o.move: float(ai_value(scenario, state, o, env)) for o in seat_orders.moves}
        for seat, seat_orders in orders.items()
    }
    made: dict[tuple[str, float], Rating] = {}  # ratings are immutable: share equal ones
    for seat, seat_orders in rated.items():
        if not seat_orders.moves:
            continue
        moves = []
        for order in seat_orders.moves:
            value = values[seat][order.move]
            kept = tuple(r for r in order.ratings if r.by not in raters)
            added = tuple(
                made.setdefault((rater, value), Rating(rater, value))
                for rater in raters
                if rater != seat
            )
            moves.append(replace(order, ratings=kept + added))
        rated[seat] = replace(seat_orders, moves=tuple(moves))
    return rated

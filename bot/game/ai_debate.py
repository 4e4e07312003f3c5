"""The AI in the debate: the arguments it makes for its moves and how it rates others'.

It argues from the scenario's argument texts for the move, drawn with its own seeded generator
(separate from the one that picks its moves, so that arguing changes no move), and attaches a
forecast its look-ahead expects. It rates like an informed umpire: +1 when an argument's
forecast agrees with the direction the engine expects from that move in the current state, -1
when it contradicts it, 0 without a forecast.

The same rules live in ``bot/game/reference/ai_debate.py`` (checked to the byte against this
fast path by ``tests/game/test_fast_engine.py``): change both together.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, TypeVar

from bot.game.ai_tables import MoveT, RoundCache, Tables, known_metrics, tables
from bot.game.env import StateEnv
from bot.game.rng import Lazy, seeded
from bot.game.scenario import ArgumentText, Move, Scenario
from bot.game.state import (
    Forecast,
    MatchState,
    Order,
    Rating,
    SeatOrders,
    evolve,
    plain_order,
)

HORIZONS = (0, 1)
_Fields = TypeVar("_Fields", Order, SeatOrders)


def argument_rng(seed: int, round_number: int, seat_index: int) -> random.Random:
    """The AI's generator for its arguments in one round, apart from its moves' generator."""
    return seeded(_argument_seed(seed, round_number, seat_index))


def _argument_seed(seed: int, round_number: int, seat_index: int) -> int:
    return (seed * 15_485_863 + round_number) * 7_927 + seat_index + 31


def expected_direction(
    scenario: Scenario, move: Move, metric: str, horizon: int, env: StateEnv
) -> int:
    """+1, -1 or 0: which way the look-ahead expects the move to push the metric by then."""
    return _direction(tables(scenario).moves[move.id], metric, horizon, env)


def _direction(
    move: MoveT,
    metric: str,
    horizon: int,
    env: StateEnv,
    cache: RoundCache | None = None,
    seed: int = 0,
) -> int:
    effects = move.by_horizon[horizon]
    if effects.static is not None:  # the same answer in every state: kept
        found = move.directions.get((metric, horizon))
        if found is None:
            found = move.directions[(metric, horizon)] = _sign(effects.static.get(metric, 0.0))
        return found
    return _sign(_deltas(move, horizon, env, cache, seed).get(metric, 0.0))


def _deltas(
    move: MoveT, horizon: int, env: StateEnv, cache: RoundCache | None, seed: int
) -> dict[str, float]:
    """The move's expected changes by ``horizon`` in ``env``. With ``cache`` (whose seat view
    ``env`` is: the move's own seat, the seed's noise), the look-ahead's outcome of the move
    when the horizon's effects are the move's own (everything lands now): the same changes,
    the same floats, already worked out."""
    effects = move.by_horizon[horizon]
    if cache is not None and effects is move.effects:
        return cache.outcome(move, seed).deltas
    return effects.deltas(env)


def _sign(delta: float) -> int:
    return 0 if abs(delta) < 1e-9 else (1 if delta > 0 else -1)


def argument_texts(move: Move) -> list[ArgumentText]:
    """The cases a move can be argued with: its ``argument`` and its ``arguments`` list."""
    single = [ArgumentText(text=move.argument)] if move.argument else []
    return single + list(move.arguments)


def _own_forecast(
    visible: dict[str, int],
    move: MoveT,
    env: StateEnv,
    made: dict[tuple[str, bool, int], Forecast],
    cache: RoundCache | None = None,
    seed: int = 0,
) -> Forecast | None:
    """The forecast the look-ahead is surest of: the visible metric the move moves most, this
    round if anything lands now, else the next (the first in file order on a tie).
    ``visible``: the metrics the move's seat sees, with their file order; ``made``: the
    forecasts made so far (immutable values, shared)."""
    for horizon in HORIZONS:
        deltas = _deltas(move, horizon, env, cache, seed)
        best = ""
        best_size = best_value = 0.0
        best_order = 0
        for metric, value in deltas.items():
            order = visible.get(metric)
            if order is None:
                continue
            size = abs(value)
            if size <= 1e-9:
                continue
            # The largest change; on a tie the metric first in file order (each metric has
            # its own place, so no two keys tie further).
            if not best or size > best_size or (size == best_size and order < best_order):
                best, best_size, best_order, best_value = metric, size, order, value
        if best:
            key = (best, best_value > 0, horizon)
            found = made.get(key)
            if found is None:
                found = made[key] = Forecast(best, "up" if best_value > 0 else "down", horizon)
            return found
    return None


def _seat_env(scenario: Scenario, state: MatchState, seat_id: str, seed: int) -> StateEnv:
    """The state as the seat knows it (hidden metrics at their start), for its look-ahead."""
    return StateEnv(state, metrics=known_metrics(scenario, state, seat_id, seed))


def _argue(
    tabled: Tables,
    table: MoveT,
    env: StateEnv,
    rng: Lazy,
    cache: RoundCache | None = None,
    seed: int = 0,
) -> Order:
    """The order for one of the seat's moves; ``env`` is the seat's view, and ``cache`` (when
    given) the round's cache that view comes from."""
    move = table.move
    env.played = table.alone  # one environment, re-pointed at each move
    texts = table.texts  # argument_texts(move)
    agreeing = table.agreeing
    if agreeing is None:
        agreeing = [
            t
            for t in texts
            if t.forecast is not None
            and _direction(table, t.forecast.metric, t.forecast.horizon, env, cache, seed)
            == (1 if t.forecast.direction == "up" else -1)
        ]
        if table.static:  # the same in every state: keep it
            table.agreeing = agreeing
    if agreeing:
        chosen = rng.choice(agreeing)
        assert chosen.forecast is not None
        # Forecasts are immutable values: one per text, made the first time it is argued.
        forecast = table.forecasts.get(id(chosen))
        if forecast is None:
            spec = chosen.forecast
            forecast = Forecast(spec.metric, spec.direction, spec.horizon)
            table.forecasts[id(chosen)] = forecast
        return _order(move.id, chosen.text, forecast)
    plain = table.plain  # the texts without a forecast, else all of them
    text = rng.choice(plain).text if plain else ""
    if table.own_forecast is not None:
        return _order(move.id, text, table.own_forecast[0])
    own = _own_forecast(tabled.seats[table.seat].visible, table, env, tabled.forecasts, cache, seed)
    if table.static:
        table.own_forecast = (own,)
    return _order(move.id, text, own)


def ai_argument(
    scenario: Scenario, state: MatchState, move: Move, seed: int, rng: random.Random
) -> Order:
    """The AI's order for a move it plays: a scenario text and a forecast it expects."""
    env = _seat_env(scenario, state, move.seat, seed)
    tabled = tables(scenario)
    return _argue(tabled, tabled.moves[move.id], env, Lazy(0, rng))


def ai_arguments(
    scenario: Scenario,
    state: MatchState,
    seat_id: str,
    orders: SeatOrders,
    seed: int,
    known: dict[str, float] | None = None,
) -> SeatOrders:
    """The AI seat's orders with its arguments and forecasts in place.

    ``known``: the seat's view this round (``ai_tables.known_metrics``), when already made.
    """
    if not orders.moves:
        return orders
    table = tables(scenario)
    chosen = [table.moves[o.move] for o in orders.moves]
    return evolve(orders, moves=argue(scenario, state, seat_id, chosen, seed, known))


def argue(
    scenario: Scenario,
    state: MatchState,
    seat_id: str,
    moves: Sequence[MoveT],
    seed: int,
    known: dict[str, float] | None = None,
    cache: RoundCache | None = None,
) -> tuple[Order, ...]:
    """``ai_arguments``' orders for the moves' table entries (at least one move).

    ``cache``: the round's cache for ``state``, when there is one: the look-ahead's outcomes
    of the seat's moves are read from it rather than worked out again."""
    table = tables(scenario)
    # Made only if a choice among several texts comes up (``Lazy``): most never do.
    rng = Lazy(_argument_seed(seed, state.round, table.seats[seat_id].index))
    if cache is not None and cache.fits(scenario, state):
        known = cache.known(seat_id, seed)  # the view the cache's outcomes were worked out in
    else:
        cache = None
    if known is None:
        known = known_metrics(scenario, state, seat_id, seed)
    env = StateEnv(state, metrics=known)
    return tuple(
        _argue(table, move, env, rng, cache if move.seat == seat_id else None, seed)
        for move in moves
    )


def ai_value(
    scenario: Scenario, state: MatchState, order: Order, env: StateEnv | None = None
) -> int:
    """The AI's rating of an argument: +1 agrees with the engine's expectation, -1 contradicts
    it, 0 without a forecast (or when the engine expects no change)."""
    if order.forecast is None:
        return 0
    return _value(tables(scenario).moves[order.move], order.forecast, env or StateEnv(state))


def _value(move: MoveT, forecast: Forecast, env: StateEnv) -> int:
    env.played = move.alone
    expected = _direction(move, forecast.metric, forecast.horizon, env)
    claimed = 1 if forecast.direction == "up" else -1
    return 0 if expected == 0 else (1 if expected == claimed else -1)


def _rating(made: dict[tuple[str, float], Rating], rater: str, value: float) -> Rating:
    found = made.get((rater, value))
    if found is None:
        found = made[(rater, value)] = Rating(rater, value)
    return found


_BLANK: Final = plain_order("")  # an order with every field at its default


def _order(move: str, argument: str, forecast: Forecast | None) -> Order:
    """``plain_order(move, argument, forecast)``, compiled: a copy of a blank order's fields
    (the same fields in the same order) with these three set."""
    made: Order = object.__new__(Order)
    fields = made.__dict__
    fields.update(_BLANK.__dict__)
    fields["move"] = move
    fields["argument"] = argument
    fields["forecast"] = forecast
    return made


def _replaced(value: _Fields, name: str, new: object) -> _Fields:
    """``evolve(value, **{name: new})`` for a field the value has, compiled: the same object
    (its fields in the same order), without a call into Python per order rated."""
    made: _Fields = object.__new__(type(value))
    fields = made.__dict__
    fields.update(value.__dict__)
    fields[name] = new
    return made


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
    moves_table = tables(scenario).moves
    values: dict[str, dict[str, float]] = {
        seat: {
            o.move: 0.0
            if o.forecast is None
            else float(_value(moves_table[o.move], o.forecast, env))
            for o in seat_orders.moves
        }
        for seat, seat_orders in orders.items()
    }
    made = tables(scenario).ratings  # ratings are immutable values: equal ones are shared
    added_for: dict[tuple[str, float], tuple[Rating, ...]] = {}  # (rated seat, value)
    by_rater = set(raters)
    for seat, seat_orders in rated.items():
        if not seat_orders.moves:
            continue
        moves = []
        for order in seat_orders.moves:
            value = values[seat][order.move]
            kept = tuple(r for r in order.ratings if r.by not in by_rater) if order.ratings else ()
            added = added_for.get((seat, value))
            if added is None:
                added = added_for[(seat, value)] = tuple(
                    _rating(made, rater, value) for rater in raters if rater != seat
                )
            moves.append(_replaced(order, "ratings", kept + added))
        rated[seat] = _replaced(seat_orders, "moves", tuple(moves))
    return rated

"""Which moves a seat may order this round, and whether a whole set of orders is allowed.

The fast path reads legality from ``ai_tables`` (``legal_table``, ``_plainly_legal``): the
same tests as ``why_illegal``, which stays the worded source of truth; the copy in
``bot/game/reference/legal.py`` keeps the old code for ``tests/game/test_fast_engine.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from bot.game.ai_tables import MoveT, SeatT, Tables, legal_table, tables
from bot.game.env import StateEnv
from bot.game.errors import IllegalOrder
from bot.game.scenario import Move, Scenario
from bot.game.state import MatchState, Order, SeatOrders
from bot.game.view import sight


class _Last:
    """The scenario whose tables ``check_orders`` read last, with them, as one pair (read and
    replaced whole)."""

    __slots__ = ("pair",)

    def __init__(self) -> None:
        self.pair: tuple[Scenario, Tables] | None = None


_LAST: Final = _Last()


def _tables(scenario: Scenario) -> Tables:
    """``ai_tables.tables``, with the last scenario's kept at hand (every round asks)."""
    pair = _LAST.pair
    if pair is not None and pair[0] is scenario:
        return pair[1]
    found = tables(scenario)
    _LAST.pair = (scenario, found)
    return found


def last_played(state: MatchState) -> dict[str, int]:
    """The last round each move was played in (moves never played are absent)."""
    last: dict[str, int] = {}
    for index, seats in enumerate(state.history, start=1):
        for moves in seats.values():
            for move_id in moves:
                last[move_id] = index
    return last


def why_illegal(
    scenario: Scenario,
    state: MatchState,
    move: Move,
    env: StateEnv | None = None,
    last_rounds: dict[str, int] | None = None,
) -> str | None:
    """The reason the move cannot be ordered now, or None when it can (budget aside)."""
    seat = scenario.seat(move.seat)
    if move.cost > seat.budget:
        return f"costs {move.cost}, more than the budget of {seat.budget}"
    rounds = last_played(state) if last_rounds is None else last_rounds
    last = rounds.get(move.id)
    if move.once and last is not None:
        return "can be played only once per match"
    if last is not None and state.round - last <= move.cooldown:
        return f"is cooling down until round {last + move.cooldown + 1}"
    for required in move.requires:
        if required not in rounds:
            return f"needs {required} to have been played first"
    if move.condition is not None:
        env = env or StateEnv(state)
        if not scenario.expr(move.condition).evaluate(env):
            return "is not possible in the current situation"
    return None


def legal_moves(scenario: Scenario, state: MatchState, seat_id: str) -> list[Move]:
    """The seat's moves that may be ordered this round, in file order.

    The same test as ``why_illegal`` (budget, once, cooldown, requires, condition), from the
    scenario's tables (``ai_tables.legal_table``).
    """
    seat = tables(scenario).seats.get(seat_id)
    if seat is None:
        return []
    return [m.move for m in legal_table(seat, state, StateEnv(state), last_played(state))]


def _plainly_legal(scenario: Scenario, state: MatchState, orders: Mapping[str, SeatOrders]) -> bool:
    """True when every order passes every check of ``check_orders``; False when one may not
    (``check_orders`` then runs its full checks to find and word the reason). The usual case
    (known moves of the seat, no conditions, valid forecasts) is decided from the tables."""
    table = _tables(scenario)
    checked: _Legality | None = None
    for seat_id, seat_orders in orders.items():
        seat = table.seats.get(seat_id)
        if seat is None or not _plain_decisions(scenario, state, seat_id, seat_orders):
            return False
        spent = 0
        seen: set[str] = set()
        for order in seat_orders.moves:
            move_id = order.move
            move = table.moves.get(move_id)
            if move is None or move.seat != seat_id or move_id in seen:
                return False
            if move.excl and not move.excl.isdisjoint(seen):
                return False
            seen.add(move_id)
            checked = checked or _Legality(state)
            if order.conditions or not checked.allows(seat, move) or not _plain_debate(seat, order):
                return False
            spent += move.cost
        if spent > seat.budget:
            return False
    return True


class _Legality:
    """``why_illegal`` finds no reason (budget aside): from the tables, history read once."""

    def __init__(self, state: MatchState) -> None:
        self.state = state
        self.round = state.round
        # Every move in the history was played at least this many rounds ago: a move that is
        # not ``once``, needs nothing and cools down for fewer rounds has no use for it.
        self.gap = state.round - len(state.history)
        self.last: dict[str, int] | None = None  # ``last_played``, read when a move needs it
        self.env: StateEnv | None = None

    def allows(self, seat: SeatT, move: MoveT) -> bool:
        if move.cost > seat.budget:
            return False
        if move.once or move.requires or move.cooldown >= self.gap:
            last = self.last
            if last is None:
                last = self.last = last_played(self.state)
            played = last.get(move.id)
            if played is not None and (move.once or self.round - played <= move.cooldown):
                return False
            if move.requires and any(r not in last for r in move.requires):
                return False
        if move.cond is not None:
            self.env = self.env or StateEnv(self.state)
            return bool(move.cond.evaluate(self.env))
        return True


def _plain_debate(seat: SeatT, order: Order) -> bool:
    rating = order.rating
    if rating is not None and not -1 <= rating <= 1:
        return False
    forecast = order.forecast
    return forecast is None or (
        forecast.metric in seat.visible
        and forecast.direction in ("up", "down")
        and forecast.horizon in (0, 1)
    )


def _plain_decisions(
    scenario: Scenario, state: MatchState, seat_id: str, orders: SeatOrders
) -> bool:
    for event_id, option_id in orders.decisions.items():
        if state.awaiting.get(event_id) != seat_id:
            return False
        decision = scenario.event(event_id).decision
        if decision is None or all(o.id != option_id for o in decision.options):
            return False
    return True


def check_orders(scenario: Scenario, state: MatchState, orders: Mapping[str, SeatOrders]) -> None:
    """Raise IllegalOrder unless every seat's orders are legal together."""
    if _plainly_legal(scenario, state, orders):
        return
    env = StateEnv(state)
    rounds = last_played(state)
    for seat_id, seat_orders in orders.items():
        try:
            seat = scenario.seat(seat_id)
        except KeyError:
            raise IllegalOrder(seat_id, f"there is no seat '{seat_id}'") from None
        spent = 0
        seen: set[str] = set()
        for order in seat_orders.moves:
            try:
                move = scenario.move(order.move)
            except KeyError:
                raise IllegalOrder(
                    seat_id, f"there is no move '{order.move}'", order.move
                ) from None
            if move.seat != seat_id:
                raise IllegalOrder(seat_id, f"{order.move} belongs to another seat", order.move)
            if order.move in seen:
                raise IllegalOrder(seat_id, f"{order.move} is ordered twice", order.move)
            clash = sorted(scenario.exclusions(order.move) & seen)
            if clash:
                other = scenario.move(clash[0]).name
                raise IllegalOrder(
                    seat_id, f"{move.name} cannot be ordered with {other} in one round", order.move
                )
            seen.add(order.move)
            reason = why_illegal(scenario, state, move, env, rounds)
            if reason is not None:
                raise IllegalOrder(seat_id, f"{move.name} {reason}", order.move)
            _check_conditions(scenario, seat_id, order.move, order.conditions)
            if order.rating is not None and not -1 <= order.rating <= 1:
                raise IllegalOrder(
                    seat_id, "an argument rating must be between -1 and 1", order.move
                )
            if order.forecast is not None:
                _check_forecast(scenario, seat_id, order)
            spent += move.cost
        if spent > seat.budget:
            raise IllegalOrder(seat_id, f"these moves cost {spent}; the budget is {seat.budget}")
        _check_decisions(scenario, state, seat_id, seat_orders)


MAX_CONDITIONS = 5


def _check_conditions(
    scenario: Scenario, seat_id: str, move_id: str, conditions: tuple[str, ...]
) -> None:
    """A conditional order names up to five other moves of the scenario, each once."""
    if len(conditions) > MAX_CONDITIONS or len(set(conditions)) != len(conditions):
        raise IllegalOrder(seat_id, f"an order has at most {MAX_CONDITIONS} different conditions")
    for condition in conditions:
        if condition == move_id:
            raise IllegalOrder(seat_id, f"{move_id} cannot be conditional on itself", move_id)
        try:
            scenario.move(condition)
        except KeyError:
            raise IllegalOrder(seat_id, f"there is no move '{condition}'", move_id) from None


def _check_decisions(
    scenario: Scenario, state: MatchState, seat_id: str, orders: SeatOrders
) -> None:
    for event_id, option_id in orders.decisions.items():
        if state.awaiting.get(event_id) != seat_id:
            raise IllegalOrder(seat_id, f"there is no decision '{event_id}' waiting for this seat")
        event = scenario.event(event_id)
        assert event.decision is not None  # awaiting only holds events with a decision
        if option_id not in {o.id for o in event.decision.options}:
            raise IllegalOrder(seat_id, f"'{option_id}' is not an option of {event.name}")


def _check_forecast(scenario: Scenario, seat_id: str, order: Order) -> None:
    """A forecast names a metric the seat may see, a direction and a horizon of 0 or 1."""
    forecast = order.forecast
    assert forecast is not None
    try:
        metric = scenario.metric(forecast.metric)
    except KeyError:
        raise IllegalOrder(
            seat_id, f"a forecast names no metric '{forecast.metric}'", order.move
        ) from None
    if sight(metric, seat_id) == "hidden":
        raise IllegalOrder(
            seat_id, f"a forecast on {metric.name}, which this seat cannot see", order.move
        )
    if forecast.direction not in ("up", "down") or forecast.horizon not in (0, 1):
        raise IllegalOrder(
            seat_id, "a forecast goes up or down, this round (0) or the next (1)", order.move
        )


def spent(scenario: Scenario, orders: SeatOrders) -> int:
    """Action points a seat's orders cost (the budget rule: at most the seat's budget)."""
    return sum(scenario.move(o.move).cost for o in orders.moves)


def affordable(
    scenario: Scenario, legal: Iterable[Move], budget: int, orders: SeatOrders
) -> list[Move]:
    """Legal moves not yet in the orders, not excluded by one that is (``excludes``), that
    what is left of the budget pays for."""
    left = budget - spent(scenario, orders)
    chosen = {o.move for o in orders.moves}
    barred = chosen.union(*(scenario.exclusions(move) for move in chosen))
    return [m for m in legal if m.id not in barred and m.cost <= left]


def legal_by_seat(scenario: Scenario, state: MatchState) -> dict[str, list[Move]]:
    """Every seat's ``legal_moves`` at once (the history read once for all seats)."""
    table = tables(scenario)
    env, last = StateEnv(state), last_played(state)
    return {
        seat_id: [m.move for m in legal_table(seat, state, env, last)]
        for seat_id, seat in table.seats.items()
    }

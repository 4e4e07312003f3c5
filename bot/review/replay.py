"""Replaying a match from its record alone: the scenario, the seed and the orders.

A full record (not a redacted one: it has no seed) replays exactly: every round's engine
records and metrics come out equal, so a JSON export is enough to check a match's account.
"""

from __future__ import annotations

from bot.game.errors import GameError
from bot.game.match import replay
from bot.game.scenario import Scenario
from bot.game.state import Order, SeatOrders
from bot.review.record import MatchRecord, RecordEntry, RoundInfo


def orders_of(played: RoundInfo) -> dict[str, SeatOrders]:
    """The orders the engine got in a round, rebuilt from the record."""
    return {
        turn.seat: SeatOrders(
            moves=tuple(
                Order(
                    o.move,
                    o.argument,
                    o.rating if o.applied is not False else None,
                    conditions=tuple(o.conditions),
                )
                for o in turn.orders
            ),
            decisions=dict(turn.decisions),
        )
        for turn in played.turns
    }


def replay_problems(scenario: Scenario, record: MatchRecord) -> list[str]:
    """Where a replay from the record's seed and orders differs from the record (empty: none).

    ``scenario`` must be the one the record names (compare ``record.scenario.sha256``).
    """
    seed = record.match.seed
    if seed is None:
        return ["the record has no seed (a redacted copy cannot be replayed)"]
    deals = [d.to_engine() for d in record.deals]
    results = replay(scenario, seed, record.match.last_round, map(orders_of, record.rounds), deals)
    if [RecordEntry.of(r) for r in next(results).records] != record.opening.records:
        return ["the opening's records differ"]
    for played in record.rounds:
        try:
            result = next(results)
        except GameError as err:
            return [f"round {played.round}: the engine refused the orders: {err}"]
        if [RecordEntry.of(r) for r in result.records] != played.records:
            return [f"round {played.round}: the engine's records differ"]
        if dict(result.state.metrics) != played.metrics:
            return [f"round {played.round}: the metrics differ"]
    return []

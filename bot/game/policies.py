"""Who decides a seat's orders in an offline match: the AI, nobody (hold), or a script."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.game.ai import ai_rng, choose_orders
from bot.game.legal import legal_moves
from bot.game.scenario import Scenario
from bot.game.state import MatchState, Order, SeatOrders


class Policy(Protocol):
    """Decides a seat's orders for the state's current round."""

    def orders(self, scenario: Scenario, state: MatchState, seat_id: str, seed: int) -> SeatOrders:
        """The seat's orders this round."""
        ...


class AiPolicy:
    """The built-in AI (see ``ai.py``), seeded from the match seed, round and seat."""

    def orders(self, scenario: Scenario, state: MatchState, seat_id: str, seed: int) -> SeatOrders:
        """The AI's orders this round."""
        index = scenario.seat_ids.index(seat_id)
        return choose_orders(scenario, state, seat_id, seed, ai_rng(seed, state.round, index))


class HoldPolicy:
    """No moves at all; decisions take their defaults."""

    def orders(self, scenario: Scenario, state: MatchState, seat_id: str, seed: int) -> SeatOrders:
        """No orders."""
        return SeatOrders()


@dataclass
class ScriptPolicy:
    """Plays listed moves per round; the last round's list repeats.

    A move that is illegal (or unaffordable) when its turn comes is skipped and counted in
    ``skipped``, so a report can say how often a scripted line could not be followed.
    """

    rounds: Sequence[Sequence[str]]
    skipped: dict[str, int] = field(default_factory=dict)

    def orders(self, scenario: Scenario, state: MatchState, seat_id: str, seed: int) -> SeatOrders:
        """The scripted moves for this round that are legal now."""
        if not self.rounds:
            return SeatOrders()
        wanted = self.rounds[min(state.round - 1, len(self.rounds) - 1)]
        legal = {m.id: m for m in legal_moves(scenario, state, seat_id)}
        budget = scenario.seat(seat_id).budget
        chosen: list[Order] = []
        for move_id in wanted:
            move = legal.get(move_id)
            clash = scenario.exclusions(move_id) & {o.move for o in chosen}
            if (
                move is None
                or move.cost > budget
                or clash
                or any(o.move == move_id for o in chosen)
            ):
                self.skipped[move_id] = self.skipped.get(move_id, 0) + 1
                continue
            budget -= move.cost
            chosen.append(Order(move_id, move.argument or ""))
        return SeatOrders(moves=tuple(chosen))

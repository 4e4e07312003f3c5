"""Who decides a seat's orders in an offline match: the AI, nobody (hold), or a script."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.game.reference.ai import ai_rng, choose_orders
from bot.game.reference.ai_deals import honour
from bot.game.reference.ai_debate import ai_arguments
from bot.game.scenario import Scenario
from bot.game.state import MatchState, SeatOrders


@dataclass(frozen=True)
class Conditional:
    """A scripted move that runs only when every move in ``conditions`` runs this round."""

    move: str
    conditions: tuple[str, ...]


Entry = str | Conditional  # a script's entry: a move id, or a conditional move


def entry_move(entry: Entry) -> str:
    """The move an entry orders."""
    return entry if isinstance(entry, str) else entry.move


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
        chosen = choose_orders(scenario, state, seat_id, seed, ai_rng(seed, state.round, index))
        if state.deals:
            chosen = honour(scenario, state, seat_id, seed, chosen)
        return ai_arguments(scenario, state, seat_id, chosen, seed)

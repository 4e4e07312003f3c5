"""Who decides a seat's orders in an offline match: the AI, nobody (hold), or a script.

``AiPolicy`` has a frozen twin in ``bot/game/reference/policies.py`` (the AI before the fast
path, for ``tests/game/test_fast_engine.py``): a change to how the AI plays goes into both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.game.ai import ai_rng, choose_moves
from bot.game.ai_deals import honour_moves
from bot.game.ai_debate import argue
from bot.game.ai_tables import RoundCache
from bot.game.legal import legal_moves
from bot.game.scenario import Scenario
from bot.game.state import MatchState, Order, SeatOrders


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
    """The built-in AI (see ``ai.py``), seeded from the match seed, round and seat.

    It keeps what all its seats read of the round's state (legal moves, each seat's view) for
    as long as it is asked about the same state object: states are values nobody changes.
    """

    def __init__(self) -> None:
        self._cache: RoundCache | None = None

    def __getstate__(self) -> dict[str, object]:
        return {}  # the cache is for one state in one process: a copy starts without it

    def __setstate__(self, data: dict[str, object]) -> None:
        self._cache = None

    def round_cache(self, scenario: Scenario, state: MatchState) -> RoundCache:
        """The cache for the state, made when it is new: the round's talks (``negotiate``)
        may share it, and it follows the state they make."""
        cache = self._cache
        if cache is None or not cache.fits(scenario, state):
            cache = self._cache = RoundCache(scenario, state)
        return cache

    def orders(self, scenario: Scenario, state: MatchState, seat_id: str, seed: int) -> SeatOrders:
        """The AI's orders this round."""
        cache = self.round_cache(scenario, state)
        index = cache.tables.seats[seat_id].index
        rng = ai_rng(seed, state.round, index)
        # The chosen moves go straight to their arguments (``choose_orders``, ``honour`` and
        # ``ai_arguments`` without the orders in between).
        moves, decisions = choose_moves(scenario, state, seat_id, seed, rng, cache)
        if state.deals:
            moves = honour_moves(scenario, state, seat_id, seed, moves, cache)
        if not moves:
            return SeatOrders(decisions=decisions)
        argued = argue(scenario, state, seat_id, moves, seed, cache=cache)
        return SeatOrders(moves=argued, decisions=decisions)


class HoldPolicy:
    """No moves at all; decisions take their defaults."""

    def orders(self, scenario: Scenario, state: MatchState, seat_id: str, seed: int) -> SeatOrders:
        """No orders."""
        return SeatOrders()


@dataclass
class ScriptPolicy:
    """Plays listed moves per round (a move id, or a ``Conditional``); the last round's list
    repeats.

    A move that is illegal (or unaffordable) when its turn comes is skipped and counted in
    ``skipped``, so a report can say how often a scripted line could not be followed. With
    ``wait``, it waits instead: it is tried again first thing every later round until it can be
    played, and only a move still waiting when the match ends counts as skipped (``missed``).
    """

    rounds: Sequence[Sequence[Entry]]
    skipped: dict[str, int] = field(default_factory=dict)
    wait: bool = False
    waiting: list[Entry] = field(default_factory=list)

    def orders(self, scenario: Scenario, state: MatchState, seat_id: str, seed: int) -> SeatOrders:
        """The scripted moves for this round that are legal now."""
        if not self.rounds:
            return SeatOrders()
        wanted = self.rounds[min(state.round - 1, len(self.rounds) - 1)]
        if self.wait:
            wanted = [*self.waiting, *(m for m in wanted if m not in self.waiting)]
            self.waiting = []
        legal = {m.id: m for m in legal_moves(scenario, state, seat_id)}
        budget = scenario.seat(seat_id).budget
        chosen: list[Order] = []
        for entry in wanted:
            move_id = entry_move(entry)
            move = legal.get(move_id)
            clash = scenario.exclusions(move_id) & {o.move for o in chosen}
            if (
                move is None
                or move.cost > budget
                or clash
                or any(o.move == move_id for o in chosen)
            ):
                if self.wait:
                    self.waiting.append(entry)
                else:
                    self.skipped[move_id] = self.skipped.get(move_id, 0) + 1
                continue
            budget -= move.cost
            conditions = () if isinstance(entry, str) else entry.conditions
            chosen.append(Order(move_id, move.argument or "", conditions=conditions))
        return SeatOrders(moves=tuple(chosen))

    def missed(self) -> dict[str, int]:
        """Moves that could not be played: skipped ones, and those still waiting at the end."""
        missed = dict(self.skipped)
        for entry in self.waiting:
            move_id = entry_move(entry)
            missed[move_id] = missed.get(move_id, 0) + 1
        return missed

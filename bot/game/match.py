"""Playing a whole match offline: every seat decided by a policy, every round resolved."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from bot.game.ai_deals import negotiate
from bot.game.ai_debate import ai_ratings
from bot.game.deal_state import Deal
from bot.game.deals import reapply
from bot.game.debate import Tally, settle, tally
from bot.game.engine import new_match, resolve_round, round_rng
from bot.game.policies import AiPolicy, Policy
from bot.game.scenario import Scenario
from bot.game.scoring import scores, winners
from bot.game.state import MatchState, Rating, Record, RoundResult, SeatOrders

ROOM = "room"  # the rater name of a simulated room (``levers simulate --rate``)


@dataclass
class PlayedRound:
    """One resolved round: the orders given and what the engine made of them."""

    round: int
    orders: dict[str, SeatOrders]
    records: tuple[Record, ...]
    state: MatchState


@dataclass
class MatchLog:
    """A whole offline match."""

    seed: int
    start: MatchState
    opening: tuple[Record, ...]
    rounds: list[PlayedRound] = field(default_factory=list)

    @property
    def final(self) -> MatchState:
        """The state after the last round played."""
        return self.rounds[-1].state if self.rounds else self.start


def match_seed(base: int, index: int) -> int:
    """The seed of match ``index`` in a series seeded with ``base``."""
    return (base * 2_654_435_761 + index * 40_503 + 1) % (2**61 - 1)


def room_rating(orders: SeatOrders, value: float) -> SeatOrders:
    """Every argument of the seat rated ``value`` (-1 .. 1) by a simulated room: the rating
    acts on the numbers, open or sealed, and counts as the room's rating for the points."""
    moves = tuple(
        replace(o, rating=value, ratings=(*o.ratings, Rating(ROOM, value * 2)))
        for o in orders.moves
    )
    return replace(orders, moves=moves)


def debate_orders(
    scenario: Scenario,
    state: MatchState,
    orders: Mapping[str, SeatOrders],
    ai_seats: Iterable[str],
    *,
    open_debate: bool,
    rate: Mapping[str, float] | None = None,
) -> dict[str, SeatOrders]:
    """The round's orders after the debate: rated by the AI seats (and a room for ``rate``),
    with each move's r set where the ratings act (open debate)."""
    rated = ai_ratings(scenario, state, orders, ai_seats)
    for seat, value in (rate or {}).items():
        if seat in rated:
            rated[seat] = room_rating(rated[seat], value)
    return settle(rated, scenario.rules.spectator_weight, open_debate=open_debate)


def play_match(
    scenario: Scenario,
    seed: int,
    policies: Mapping[str, Policy] | None = None,
    rounds: int | None = None,
    *,
    debate: Literal["open", "sealed"] = "sealed",
    rate: Mapping[str, float] | None = None,
) -> MatchLog:
    """Play a match to its end; seats without a policy are played by the AI.

    A match without humans is ``sealed`` by default: the AI seats still rate every other
    seat's arguments (debate points), but only ``rate`` (a room's rating per seat) acts on
    the numbers.
    """
    policies = policies or {}
    default = AiPolicy()
    ai_seats = [s for s in scenario.seat_ids if isinstance(policies.get(s, default), AiPolicy)]
    opening = new_match(scenario, round_rng(seed, 0), rounds)
    log = MatchLog(seed, opening.state, opening.records)
    state = opening.state
    while not state.finished:
        if scenario.rules.ai_talks:
            state = negotiate(scenario, state, seed, ai_seats, default.round_cache(scenario, state))
        chosen = {
            seat: policies.get(seat, default).orders(scenario, state, seat, seed)
            for seat in scenario.seat_ids
        }
        orders = debate_orders(
            scenario, state, chosen, ai_seats, open_debate=debate == "open", rate=rate
        )
        result = resolve_round(scenario, state, orders, round_rng(seed, state.round))
        log.rounds.append(PlayedRound(state.round, orders, result.records, result.state))
        state = result.state
    return log


def final_scores(scenario: Scenario, log: MatchLog) -> tuple[dict[str, float], list[str]]:
    """Every seat's final score and the winners."""
    table = scores(scenario, log.final)
    return table, winners(table)


def debate_tally(scenario: Scenario, log: MatchLog) -> Tally:
    """The match's debate points and forecasts (apart from the policy scores)."""
    metrics = [log.start.metrics, *(r.state.metrics for r in log.rounds)]
    return tally(
        [r.orders for r in log.rounds],
        metrics,
        scenario.seat_ids,
        scenario.rules.spectator_weight,
    )


def replay(
    scenario: Scenario,
    seed: int,
    rounds: int | None,
    orders: Iterable[Mapping[str, SeatOrders]],
    deals: Sequence[Deal] = (),
) -> Iterator[RoundResult]:
    """The opening, then each round resolved with the orders given for it, in turn: the one
    replay loop (the store's check and the record's check both use it). The engine's
    GameError, when it refuses a round's orders, comes out of the ``next`` for that round.
    ``deals`` (a record's) are proposed and answered again before the rounds they were."""
    result = new_match(scenario, round_rng(seed, 0), rounds)
    yield result
    for given in orders:
        state = reapply(scenario, result.state, deals) if deals else result.state
        result = resolve_round(scenario, state, given, round_rng(seed, state.round))
        yield result

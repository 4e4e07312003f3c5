"""Playing a whole match offline: every seat decided by a policy, every round resolved."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from bot.game.ai_deals import negotiate
from bot.game.deal_state import Deal
from bot.game.deals import reapply
from bot.game.engine import new_match, resolve_round, round_rng
from bot.game.policies import AiPolicy, Policy
from bot.game.scenario import Scenario
from bot.game.scoring import scores, winners
from bot.game.state import MatchState, Record, RoundResult, SeatOrders


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


def play_match(
    scenario: Scenario,
    seed: int,
    policies: Mapping[str, Policy] | None = None,
    rounds: int | None = None,
) -> MatchLog:
    """Play a match to its end; seats without a policy are played by the AI."""
    policies = policies or {}
    default = AiPolicy()
    opening = new_match(scenario, round_rng(seed, 0), rounds)
    log = MatchLog(seed, opening.state, opening.records)
    state = opening.state
    ai_seats = [s for s in scenario.seat_ids if isinstance(policies.get(s, default), AiPolicy)]
    while not state.finished:
        if scenario.rules.ai_talks:
            state = negotiate(scenario, state, seed, ai_seats)
        orders = {
            seat: policies.get(seat, default).orders(scenario, state, seat, seed)
            for seat in scenario.seat_ids
        }
        result = resolve_round(scenario, state, orders, round_rng(seed, state.round))
        log.rounds.append(PlayedRound(state.round, orders, result.records, result.state))
        state = result.state
    return log


def final_scores(scenario: Scenario, log: MatchLog) -> tuple[dict[str, float], list[str]]:
    """Every seat's final score and the winners."""
    table = scores(scenario, log.final)
    return table, winners(table)


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

"""The reference match loop: ``bot.game.match.play_match`` as it was before the fast engine,
over the reference engine and AI of this package (see ``__init__``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from bot.game.debate import settle
from bot.game.match import MatchLog, PlayedRound, room_rating
from bot.game.reference.ai_deals import negotiate
from bot.game.reference.ai_debate import ai_ratings
from bot.game.reference.engine import new_match, resolve_round, round_rng
from bot.game.reference.policies import AiPolicy, Policy
from bot.game.scenario import Scenario
from bot.game.state import MatchState, SeatOrders


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
            state = negotiate(scenario, state, seed, ai_seats)
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

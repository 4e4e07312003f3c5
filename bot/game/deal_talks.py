"""Talks held while a round is being played, for front ends that take deals from people.

The engine's ``deals.propose``/``answer`` change a state; a match being played keeps its talks
as a list of steps (proposed, accepted, rejected) until its round is resolved, then replays them
on the stored state with ``apply_steps`` to resolve with them. AI seats make offers to the seats
played by people (``offers_to``) with the same look-ahead as their talks with each other
(``ai_deals``), and a seat about to lock its orders learns what they would break (``at_stake``).
Pure and seeded, like every rule.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from bot.game import ai_deals
from bot.game.deal_state import Deal, Term
from bot.game.deals import BREACH_LOSS, answer, propose
from bot.game.rng import seeded
from bot.game.scenario import Scenario
from bot.game.state import MatchState

MAX_OFFERS = 2  # AI offers to people per round across the table: the most valuable first


@dataclass(frozen=True)
class Step:
    """One step of a round's talks: ``deal`` for ``proposed``, else a party's answer."""

    deal_id: str
    status: str  # proposed | accepted | rejected
    seat: str | None = None
    deal: Deal | None = None


def apply_steps(scenario: Scenario, state: MatchState, steps: Sequence[Step]) -> MatchState:
    """The state with the round's talks held on it, in order (``DealRefused`` when a step
    breaks the rules, as it would have when it was taken)."""
    for step in steps:
        if step.status == "proposed" and step.deal is not None:
            state = propose(scenario, state, step.deal)
        elif step.status in ("accepted", "rejected") and step.seat is not None:
            state = answer(state, step.deal_id, step.seat, accept=step.status == "accepted")
    return state


def talks_rng(seed: int, round_number: int) -> random.Random:
    """The random source of the AI's offers to people in one round (its own stream)."""
    return seeded((seed * 5_915_587 + round_number) * 3_571 + 17)


def offers_to(
    scenario: Scenario,
    state: MatchState,
    seed: int,
    ai_seats: Collection[str],
    people: Collection[str],
) -> list[Deal]:
    """The deals AI seats offer to seats played by people at the start of a round (held with
    the chance ``rules.ai_talks``): each AI seat's best offer by ``ai_deals``' rule, the most
    valuable first, one per person's seat and at most ``MAX_OFFERS``. Ids are ``r{round}.{seat}``
    (the caller may rename them)."""
    if state.finished or not ai_seats or not people:
        return []
    rng = talks_rng(seed, state.round)
    if rng.random() >= scenario.rules.ai_talks:
        return []
    values = ai_deals._Values(scenario, state, seed)
    offers: list[tuple[float, Deal]] = []
    humans = [s for s in scenario.seat_ids if s in people]
    for seat_id in scenario.seat_ids:
        if seat_id not in ai_seats:
            continue
        others = list(humans)
        rng.shuffle(others)
        found = ai_deals._offer(values, seat_id, others, state.round)
        if found is not None:
            offers.append(found)
    offers.sort(key=lambda o: -o[0])
    chosen: list[Deal] = []
    asked: set[str] = set()
    for _worth, deal in offers:
        other = deal.parties[1]
        if other in asked or len(chosen) >= MAX_OFFERS:
            continue
        asked.add(other)
        chosen.append(deal)
    return chosen


def accepts(scenario: Scenario, state: MatchState, deal: Deal, seat_id: str, seed: int) -> bool:
    """Whether the AI holding ``seat_id`` accepts the deal (``ai_deals.accepts``)."""
    return ai_deals.accepts(scenario, state, deal, seat_id, seed)


@dataclass(frozen=True)
class AtStake:
    """A term the seat's orders would not keep: a promise broken (``cost`` points and
    ``credibility`` lost) or an escrow's exchange that would lapse (nothing lost but the deal)."""

    deal: Deal
    term: Term
    breach: bool
    cost: float
    credibility: float


def at_stake(
    scenario: Scenario, state: MatchState, seat_id: str, moves: Collection[str]
) -> list[AtStake]:
    """What ordering ``moves`` this round would break among the seat's active deals."""
    found = []
    for deal in state.deals:
        if deal.status != "active":
            continue
        for term in deal.terms:
            if term.seat != seat_id or not term.due(state.round):
                continue
            if (term.move in moves) != term.avoid:
                continue
            if deal.kind == "promise":
                cost = scenario.rules.deal_breach_cost
                found.append(AtStake(deal, term, True, cost, BREACH_LOSS))
            else:
                found.append(AtStake(deal, term, False, 0.0, 0.0))
    return found


def renamed(deal: Deal, deal_id: str) -> Deal:
    """The deal under another id."""
    return replace(deal, id=deal_id)

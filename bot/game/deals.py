"""Conditional orders and deals between seats: pure functions over a match's state.

**Conditional orders.** An order may carry conditions (``if: SEAT.MOVE``, all must hold): it runs
only when each named move runs this round. Which ordered moves run is the *largest consistent
set*: the largest set of ordered moves in which every move's conditions are all in the set. The
union of two consistent sets is consistent, so this set is unique; it is found by starting from
every ordered move and removing, until nothing changes, any move with a condition outside the
set. Hence mutually conditional moves (A if B, B if A) run together, a condition on a
conditional move that does not run fails, and a cycle runs whole when nothing outside it fails.

**Deals.** Parties (two or more seats) agree on terms (a seat, a move, the rounds covered; or a
promise *not* to play a move). Lifecycle, one way only: proposed → accepted | rejected | expired,
accepted → active → kept | broken | lapsed. A *promise* is checked at resolution, per round and
per term: a breach costs ``rules.deal_breach_cost`` points and credibility, and ends the deal as
broken; a promise whose every term was kept ends as kept. In an *escrow* the terms due in a
round are mutually conditional orders of the parties: all run or none does. A party that locks
its orders without its term lets that round's exchange lapse (recorded); an escrow ends as kept
when every round it covered ran, lapsed otherwise. It cannot be broken.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from bot.game.deal_state import STAGE, Deal, DealEvent, DealStatus, Term
from bot.game.errors import GameError
from bot.game.scenario import Scenario
from bot.game.state import MatchState, Record, SeatOrders

OPEN = ("proposed", "accepted", "active")
MAX_TERMS = 10
MAX_TEXT = 300
KEPT_GAIN = 3.0  # credibility won per promise term kept in a round
BREACH_LOSS = 15.0  # credibility lost per breach


class DealRefused(GameError):
    """A deal, or an answer to one, breaks the rules."""


def _moved(deal: Deal, status: DealStatus, round_number: int, seat: str | None = None) -> Deal:
    if STAGE[status] <= STAGE[deal.status]:
        raise AssertionError(f"a deal cannot go from {deal.status} to {status}")  # pragma: no cover
    event = DealEvent(round_number, status, seat)
    return replace(deal, status=status, events=(*deal.events, event))


def credibility(scenario: Scenario, state: MatchState, seat_id: str) -> float:
    """The seat's credibility (0..100): the scenario's starting figure until deals move it."""
    return state.credibility.get(seat_id, scenario.seat(seat_id).credibility)


def find_deal(state: MatchState, deal_id: str) -> Deal:
    """The deal with this id; DealRefused when there is none."""
    for deal in state.deals:
        if deal.id == deal_id:
            return deal
    raise DealRefused(f"there is no deal '{deal_id}'")


def check_deal(scenario: Scenario, state: MatchState, deal: Deal) -> None:
    """Raise DealRefused unless the deal can be proposed now."""
    seats = set(scenario.seat_ids)
    parties = set(deal.parties)
    if len(parties) != len(deal.parties) or len(parties) < 2:
        raise DealRefused("a deal needs two or more different seats")
    if not parties <= seats:
        raise DealRefused(f"there is no seat {sorted(parties - seats)[0]}")
    if deal.proposer not in parties:
        raise DealRefused("the proposer must be a party to the deal")
    if deal.kind not in ("promise", "escrow"):
        raise DealRefused("a deal is a promise or an escrow")
    if not 1 <= len(deal.terms) <= MAX_TERMS:
        raise DealRefused(f"a deal has between 1 and {MAX_TERMS} terms")
    if len(deal.text) > MAX_TEXT:
        raise DealRefused(f"a deal's text is at most {MAX_TEXT} characters")
    if any(d.id == deal.id for d in state.deals):
        raise DealRefused(f"there is already a deal '{deal.id}'")
    _check_terms(scenario, state, deal)
    if not state.round <= deal.deadline <= min(t.first for t in deal.terms):
        raise DealRefused("the deadline to accept falls between now and the first term")


def _check_terms(scenario: Scenario, state: MatchState, deal: Deal) -> None:
    for term in deal.terms:
        try:
            move = scenario.move(term.move)
        except KeyError:
            raise DealRefused(f"there is no move '{term.move}'") from None
        if term.seat not in deal.parties or move.seat != term.seat:
            raise DealRefused(f"{term.move} is not a move of a party ({term.seat})")
        if not state.round <= term.first <= term.last <= state.last_round:
            raise DealRefused(
                f"a term covers rounds from {state.round} to {state.last_round}, in order"
            )
        if term.avoid and deal.kind == "escrow":
            raise DealRefused("an escrow exchanges moves: it cannot hold a promise not to play")
    if deal.kind == "escrow" and len({t.seat for t in deal.terms}) < 2:
        raise DealRefused("an escrow needs terms from two or more parties")


def propose(scenario: Scenario, state: MatchState, deal: Deal) -> MatchState:
    """A new state holding the proposed deal (the proposer has accepted it by proposing)."""
    if state.finished:
        raise DealRefused("the match is over")
    check_deal(scenario, state, deal)
    made = replace(
        deal,
        status="proposed",
        accepted_by=(deal.proposer,),
        events=(DealEvent(state.round, "proposed", deal.proposer, deal.text or None),),
    )
    new = state.copy()
    new.deals = [*new.deals, made]
    return new


def answer(state: MatchState, deal_id: str, seat_id: str, accept: bool) -> MatchState:
    """A new state with the seat's answer: a rejection ends the deal; once every party has
    accepted it is accepted and active at once."""
    deal = find_deal(state, deal_id)
    if deal.status != "proposed":
        raise DealRefused(f"the deal is {deal.status}, no longer open to answers")
    if seat_id not in deal.parties:
        raise DealRefused("only a party can answer a deal")
    if seat_id in deal.accepted_by:
        raise DealRefused("this seat has already accepted the deal")
    if state.round > deal.deadline:
        raise DealRefused("the deadline to accept has passed")
    if not accept:
        changed = _moved(deal, "rejected", state.round, seat_id)
    else:
        changed = replace(deal, accepted_by=(*deal.accepted_by, seat_id))
        if set(changed.accepted_by) == set(deal.parties):
            changed = _moved(changed, "accepted", state.round, seat_id)
            changed = _moved(changed, "active", state.round)
    new = state.copy()
    new.deals = [changed if d.id == deal_id else d for d in new.deals]
    return new


@dataclass(frozen=True)
class RoundPlan:
    """Which of a round's orders run: the orders trimmed to them, and the account."""

    orders: Mapping[str, SeatOrders]
    ran: frozenset[str]
    records: tuple[Record, ...]
    lapsed: frozenset[str]  # escrow deals whose exchange lapsed this round


def running_moves(
    conditions: Mapping[str, frozenset[str]], dropped: frozenset[str] = frozenset()
) -> tuple[frozenset[str], dict[str, str]]:
    """The largest consistent set of ordered moves (see the module's docstring), and for each
    move left out the condition that failed (``dropped`` moves are left out from the start)."""
    live = set(conditions) - dropped
    held = {m: "the exchange lapsed" for m in dropped & conditions.keys()}
    changed = True
    while changed:
        changed = False
        for move in sorted(live):
            missing = sorted(conditions[move] - live)
            if missing:
                live.discard(move)
                held[move] = f"{missing[0]} did not run"
                changed = True
    return frozenset(live), held


def _escrow_due(state: MatchState) -> list[tuple[Deal, list[Term]]]:
    due = []
    for deal in state.deals:
        if deal.status == "active" and deal.kind == "escrow":
            terms = [t for t in deal.terms if t.due(state.round)]
            if terms:
                due.append((deal, terms))
    return due


def plan_round(state: MatchState, orders: Mapping[str, SeatOrders]) -> RoundPlan:
    """Which ordered moves run this round, given their conditions and the active escrows."""
    ordered = {o.move: seat for seat, so in orders.items() for o in so.moves}
    escrows = _escrow_due(state)
    if not escrows and not any(o.conditions for so in orders.values() for o in so.moves):
        return RoundPlan(orders, frozenset(ordered), (), frozenset())  # nothing conditional
    conditions = {o.move: frozenset(o.conditions) for so in orders.values() for o in so.moves}
    dropped: set[str] = set()
    lapsed: set[str] = set()
    records: list[Record] = []
    for deal, terms in escrows:
        moves = frozenset(t.move for t in terms)
        missing = sorted(moves - ordered.keys())
        for move in moves & ordered.keys():
            conditions[move] = conditions[move] | (moves - {move})
        if missing:
            dropped |= moves & ordered.keys()
            lapsed.add(deal.id)
    ran, held = running_moves(conditions, frozenset(dropped))
    for seat, so in orders.items():
        for order in so.moves:
            if order.move in held:
                detail = held[order.move]
                records.append(
                    Record(state.round, "held", f"move:{order.move}", seat, detail=detail)
                )
    trimmed = {
        seat: SeatOrders(tuple(o for o in so.moves if o.move in ran), so.decisions)
        for seat, so in orders.items()
    }
    return RoundPlan(trimmed, ran, tuple(records), frozenset(lapsed))


def _shift(scenario: Scenario, state: MatchState, seat: str, change: float) -> None:
    value = credibility(scenario, state, seat) + change
    state.credibility[seat] = round(min(max(value, 0.0), 100.0), 4)


def settle(scenario: Scenario, state: MatchState, plan: RoundPlan) -> list[Record]:
    """Check every active deal against what ran this round, and expire unanswered proposals.

    Changes ``state`` (the engine's working copy): deals, credibility and breach penalties.
    """
    rnd = state.round
    records: list[Record] = []
    deals: list[Deal] = []
    for deal in state.deals:
        source = f"deal:{deal.id}"
        if deal.status == "proposed" and (rnd >= deal.deadline or state.finished):
            deal = _moved(deal, "expired", rnd)
            records.append(Record(rnd, "deal", source, detail="expired"))
        elif deal.status == "active":
            deal = _settle_active(scenario, state, deal, plan, records)
        deals.append(deal)
    state.deals = deals
    return records


def _settle_active(
    scenario: Scenario, state: MatchState, deal: Deal, plan: RoundPlan, records: list[Record]
) -> Deal:
    rnd, source = state.round, f"deal:{deal.id}"
    events = list(deal.events)
    broken = False
    if deal.kind == "escrow":
        if any(t.due(rnd) for t in deal.terms):
            outcome = "lapsed" if deal.id in plan.lapsed else "ran"
            ran_all = all(t.move in plan.ran for t in deal.terms if t.due(rnd))
            if outcome == "ran" and not ran_all:
                outcome = "lapsed"  # another condition failed: the exchange did not happen
            events.append(DealEvent(rnd, outcome))
            records.append(Record(rnd, "lapse" if outcome == "lapsed" else "kept", source))
    else:
        for term in deal.terms:
            if not term.due(rnd):
                continue
            kept = (term.move in plan.ran) != term.avoid
            events.append(DealEvent(rnd, "kept" if kept else "broken", term.seat, term.describe()))
            if kept:
                _shift(scenario, state, term.seat, KEPT_GAIN)
                records.append(Record(rnd, "kept", source, term.seat, detail=term.describe()))
                continue
            broken = True
            cost = scenario.rules.deal_breach_cost
            state.penalties[term.seat] = round(state.penalties.get(term.seat, 0.0) + cost, 4)
            _shift(scenario, state, term.seat, -BREACH_LOSS)
            records.append(
                Record(rnd, "breach", source, term.seat, delta=-cost, detail=term.describe())
            )
    deal = replace(deal, events=tuple(events))
    if broken:
        records.append(Record(rnd, "deal", source, detail="broken"))
        return _moved(deal, "broken", rnd)
    if rnd >= deal.last_round or state.finished:
        lapses = any(e.status == "lapsed" for e in deal.events)
        final: DealStatus = "lapsed" if lapses else "kept"
        records.append(Record(rnd, "deal", source, detail=final))
        return _moved(deal, final, rnd)
    return deal


def reapply(scenario: Scenario, state: MatchState, deals: Sequence[Deal]) -> MatchState:
    """The state with the talks held before its round in a recorded match: each deal proposed
    then is proposed again, and answered in the round its last answer was given (a deal takes
    effect only once every party has accepted, so earlier answers change nothing). Replays use
    it to rebuild deals from a record's ``deals``."""
    rnd = state.round
    for deal in deals:
        if deal.events and deal.events[0].round == rnd:
            first = Deal(deal.id, deal.proposer, deal.parties, deal.terms, deal.kind, deal.deadline)
            state = propose(scenario, state, replace(first, text=deal.text))
    for deal in deals:
        for event in deal.events:
            if event.round == rnd and event.status == "rejected" and event.seat is not None:
                # parties that accepted before the rejection (a deal of three or more seats)
                held = find_deal(state, deal.id).accepted_by
                for seat in (s for s in deal.accepted_by if s not in held):
                    state = answer(state, deal.id, seat, accept=True)
                state = answer(state, deal.id, event.seat, accept=False)
            elif event.round == rnd and event.status == "accepted":
                for seat in deal.accepted_by:
                    if seat != deal.proposer:
                        state = answer(state, deal.id, seat, accept=True)
    return state


def penalty(state: MatchState, seat_id: str) -> float:
    """Points the seat has lost to broken promises."""
    return state.penalties.get(seat_id, 0.0)


def deal_counts(deals: Sequence[Deal]) -> dict[str, int]:
    """How many of the deals were proposed, accepted, rejected, expired, kept, broken and
    lapsed (an escrow whose exchange did not run in every round it covered)."""
    statuses = ("proposed", "accepted", "rejected", "expired", "kept", "broken", "lapsed")
    counts = dict.fromkeys(statuses, 0)
    for deal in deals:
        counts["proposed"] += 1
        reached = {e.status for e in deal.events if e.detail is None or e.status == "proposed"}
        for status in ("accepted", "rejected", "expired"):
            counts[status] += status in reached
        if deal.status in ("kept", "broken", "lapsed"):
            counts[deal.status] += 1
    return counts

"""Deals between seats while a match is played: propose, answer, counter, what is at stake, the
AI's offers at the start of a round, and the private talks threads of two seats.

Between rounds the talks are steps in ``deal_events`` (who acted, when); the match's stored
state gets them when the round resolves (``live_state``, used by ``RoundService``), so the
stored rounds, the replay check and the record see the deals exactly as the engine settled them.
A proposal stands until its round resolves (its deadline is the round it was made in): every
answer comes in that round. AI parties answer at once (``ai_deals``' rule); AI seats make their
own offers to the people's seats when a round opens (``open_round``, called by the services that
start a round), with the chance ``rules.ai_talks``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.game.ai_deals import negotiate
from bot.game.deal_state import Deal, DealKind, Term
from bot.game.deal_talks import AtStake, Step, accepts, apply_steps, at_stake, offers_to
from bot.game.deals import MAX_TEXT, DealRefused, find_deal
from bot.game.scenario import Scenario
from bot.game.state import MatchState
from bot.services.common import announce
from bot.services.context import Context, load_match, require_orders_phase
from bot.services.errors import InvalidInput, NotAllowed, NotSeated, UnknownSeat
from bot.services.models import SYSTEM, Actor
from db.models import DealStep, Match, TalkThread
from db.repos import deals as repo
from db.store import Tx

AI = "ai"  # the player recorded for an AI seat's step
CAPTAIN_DEALS = "only your team's captain proposes and answers deals for your seat"


@dataclass(frozen=True)
class SeatDeals:
    """A seat's deals in the round being played: open proposals, active deals, and deals
    settled so far (newest last), with who plays each seat."""

    match_id: int
    round: int
    seat: str
    deals: tuple[Deal, ...]
    ai_seats: tuple[str, ...]
    people_seats: tuple[str, ...]
    state: MatchState

    @property
    def waiting(self) -> tuple[Deal, ...]:
        """Proposals the seat has not answered yet."""
        return tuple(
            d for d in self.deals if d.status == "proposed" and self.seat not in d.accepted_by
        )

    @property
    def active(self) -> tuple[Deal, ...]:
        """Deals in force."""
        return tuple(d for d in self.deals if d.status == "active")


def step_of(stored: DealStep) -> Step:
    """The engine's step for a stored one."""
    deal = Deal.from_dict(stored.body) if stored.body is not None else None
    return Step(stored.deal_id, stored.status, stored.seat, deal)


def live_state(scenario: Scenario, state: MatchState, steps: Sequence[DealStep]) -> MatchState:
    """The round's state with its talks so far held on it. A finished match's state already
    holds its last round's talks, settled: replayed on it they would be refused."""
    if state.finished:
        return state
    return apply_steps(scenario, state, [step_of(s) for s in steps if s.status != "opened"])


async def read_live(tx: Tx, scenario: Scenario, match: Match) -> MatchState:
    """The match's state now, its round's talks included (the match must have a state)."""
    assert match.state is not None
    return live_state(scenario, match.state, await repo.steps(tx, match.id, match.round))


def ai_seats(match: Match) -> tuple[str, ...]:
    """The seats the AI plays."""
    return tuple(s.seat for s in match.seats if s.controller == "ai")


def people_seats(match: Match) -> tuple[str, ...]:
    """The seats people play."""
    return tuple(s.seat for s in match.seats if s.controller == "players" and s.holders)


def _acting_seat(match: Match, actor: Actor) -> str:
    seat = match.seat_of(actor.player)
    if seat is None:
        raise NotSeated(f"you hold no seat in match {match.id}")
    if match.team_size > 1 and match.captain_of(seat) != actor.player:
        raise NotAllowed(CAPTAIN_DEALS)
    return seat


def _visible(deal: Deal, seat: str, round_number: int) -> bool:
    if seat not in deal.parties:
        return False
    if deal.status in ("proposed", "accepted", "active"):
        return True
    return bool(deal.events) and deal.events[-1].round >= round_number - 1


def seat_deals(state: MatchState, seat: str, round_number: int) -> tuple[Deal, ...]:
    """The deals a seat sees now: open and in force, and those settled last round."""
    return tuple(d for d in state.deals if _visible(d, seat, round_number))


class DealService:
    """Deals between the seats of a match being played."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def of_seat(self, match_id: int, actor: Actor) -> SeatDeals:
        """The actor's seat's deals now (NotSeated without a seat)."""
        scenario = await self._ctx.scenario_of(match_id, actor)
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor)
            require_orders_phase(match, None, "make deals")
            seat = match.seat_of(actor.player)
            if seat is None:
                raise NotSeated(f"you hold no seat in match {match_id}")
            state = await read_live(tx, scenario, match)
        return self._seat_deals(match, seat, state)

    def _seat_deals(self, match: Match, seat: str, state: MatchState) -> SeatDeals:
        deals = seat_deals(state, seat, match.round)
        return SeatDeals(
            match.id, match.round, seat, deals, ai_seats(match), people_seats(match), state
        )

    async def propose(
        self,
        match_id: int,
        actor: Actor,
        terms: Sequence[Term],
        kind: DealKind,
        text: str = "",
        *,
        round: int | None = None,
        replaces: str | None = None,
    ) -> Deal:
        """Propose a deal from the actor's seat to the seats its terms name (and ``parties``);
        AI parties answer at once. Returns the deal as it stands after their answers."""
        self._ctx.throttle.admit(actor, match_id)
        scenario = await self._ctx.scenario_of(match_id, actor)
        async with self._ctx.changing(match_id) as tx:
            match, seat, state = await self._open(tx, scenario, match_id, actor, round)
            deal = await self._propose(tx, scenario, match, state, seat, actor, terms, kind, text)
            await repo.add(
                tx,
                match_id,
                deal.id,
                match.round,
                "proposed",
                self._ctx.now(),
                seat=seat,
                player=actor.player,
                body=deal.to_dict(),
                replaces=replaces,
            )
            state = apply_steps(scenario, state, [Step(deal.id, "proposed", seat, deal)])
            state = await self._ai_answers(tx, scenario, match, state, deal.id)
            return find_deal(state, deal.id)

    async def _open(
        self, tx: Tx, scenario: Scenario, match_id: int, actor: Actor, round: int | None
    ) -> tuple[Match, str, MatchState]:
        match = await load_match(tx, match_id, actor)
        require_orders_phase(match, round, "make deals")
        seat = _acting_seat(match, actor)
        return match, seat, await read_live(tx, scenario, match)

    async def _propose(
        self,
        tx: Tx,
        scenario: Scenario,
        match: Match,
        state: MatchState,
        seat: str,
        actor: Actor,
        terms: Sequence[Term],
        kind: DealKind,
        text: str,
    ) -> Deal:
        text = " ".join(text.split())
        if len(text) > MAX_TEXT:
            raise InvalidInput(f"a deal's text is at most {MAX_TEXT} characters")
        if not terms:
            raise InvalidInput("a deal needs at least one term")
        parties = tuple(dict.fromkeys([seat, *(t.seat for t in terms)]))
        playing = set(ai_seats(match)) | set(people_seats(match))
        for party in parties:
            if party not in scenario.seat_ids:
                raise UnknownSeat(f"there is no seat '{party}'")
            if party not in playing:
                raise InvalidInput(
                    f"nobody plays {scenario.seat(party).name} (it holds): it cannot answer"
                )
        number = await repo.count_deals(tx, match.id) + 1
        deal = Deal(
            id=f"d{number}",
            proposer=seat,
            parties=parties,
            terms=tuple(terms),
            kind=kind,
            deadline=match.round,
            text=text,
        )
        apply_steps(scenario, state, [Step(deal.id, "proposed", seat, deal)])  # DealRefused?
        return deal

    async def _ai_answers(
        self, tx: Tx, scenario: Scenario, match: Match, state: MatchState, deal_id: str
    ) -> MatchState:
        deal = find_deal(state, deal_id)
        for party in deal.parties:
            if party in deal.accepted_by or party not in ai_seats(match):
                continue
            if find_deal(state, deal_id).status != "proposed":
                break
            yes = accepts(scenario, state, find_deal(state, deal_id), party, match.seed)
            status = "accepted" if yes else "rejected"
            await repo.add(
                tx, match.id, deal_id, match.round, status, self._ctx.now(), seat=party, player=AI
            )
            state = apply_steps(scenario, state, [Step(deal_id, status, party)])
        return state

    async def answer(
        self, match_id: int, actor: Actor, deal_id: str, accept: bool, *, round: int | None = None
    ) -> Deal:
        """Accept or reject a proposal made to the actor's seat."""
        self._ctx.throttle.admit(actor, match_id)
        scenario = await self._ctx.scenario_of(match_id, actor)
        async with self._ctx.changing(match_id) as tx:
            match, seat, state = await self._open(tx, scenario, match_id, actor, round)
            state = self._answered(scenario, state, deal_id, seat, accept)
            status = "accepted" if accept else "rejected"
            await repo.add(
                tx,
                match_id,
                deal_id,
                match.round,
                status,
                self._ctx.now(),
                seat=seat,
                player=actor.player,
            )
            return find_deal(state, deal_id)

    def _answered(
        self, scenario: Scenario, state: MatchState, deal_id: str, seat: str, accept: bool
    ) -> MatchState:
        try:
            deal = find_deal(state, deal_id)
        except DealRefused:
            raise InvalidInput(f"there is no deal '{deal_id}' open to your seat") from None
        if seat not in deal.parties:
            raise InvalidInput(f"there is no deal '{deal_id}' open to your seat")
        status = "accepted" if accept else "rejected"
        return apply_steps(scenario, state, [Step(deal_id, status, seat)])

    async def counter(
        self,
        match_id: int,
        actor: Actor,
        deal_id: str,
        terms: Sequence[Term],
        kind: DealKind,
        text: str = "",
        *,
        round: int | None = None,
    ) -> Deal:
        """Reject a proposal and propose another in its place (AI parties answer at once)."""
        self._ctx.throttle.admit(actor, match_id)
        scenario = await self._ctx.scenario_of(match_id, actor)
        async with self._ctx.changing(match_id) as tx:
            match, seat, state = await self._open(tx, scenario, match_id, actor, round)
            state = self._answered(scenario, state, deal_id, seat, False)
            now = self._ctx.now()
            await repo.add(
                tx, match_id, deal_id, match.round, "rejected", now, seat=seat, player=actor.player
            )
            deal = await self._propose(tx, scenario, match, state, seat, actor, terms, kind, text)
            await repo.add(
                tx,
                match_id,
                deal.id,
                match.round,
                "proposed",
                now,
                seat=seat,
                player=actor.player,
                body=deal.to_dict(),
                replaces=deal_id,
            )
            state = apply_steps(scenario, state, [Step(deal.id, "proposed", seat, deal)])
            state = await self._ai_answers(tx, scenario, match, state, deal.id)
            return find_deal(state, deal.id)

    async def at_stake(self, match_id: int, actor: Actor, moves: Collection[str]) -> list[AtStake]:
        """What the actor's seat would break by ordering ``moves`` this round."""
        scenario = await self._ctx.scenario_of(match_id, actor)
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor)
            require_orders_phase(match, None, "make deals")
            seat = match.seat_of(actor.player)
            if seat is None:
                raise NotSeated(f"you hold no seat in match {match_id}")
            state = await read_live(tx, scenario, match)
        return at_stake(scenario, state, seat, moves)

    async def open_round(self, match_id: int, actor: Actor = SYSTEM) -> list[Deal]:
        """The AI's talks when a round opens: AI seats deal with each other
        (``ai_deals.negotiate``) and offer deals to the people's seats; once per round.
        Returns the offers made to people. The look-ahead runs in a worker thread, outside
        any transaction (under the match's lock)."""
        scenario = await self._ctx.scenario_of(match_id, actor)
        if not scenario.rules.ai_talks:
            return []
        async with self._ctx.lock(match_id):
            async with self._ctx.read() as tx:
                match = await load_match(tx, match_id, actor)
                steps = await repo.steps(tx, match_id, match.round)
            if match.finished or match.phase != "orders" or match.state is None:
                return []
            if any(s.status == "opened" for s in steps):
                return []
            state = live_state(scenario, match.state, steps)
            talked, offers = await asyncio.to_thread(_ai_talks, scenario, match, state)
            now = self._ctx.now()
            async with self._ctx.write() as tx:
                if any(s.status == "opened" for s in await repo.steps(tx, match_id, match.round)):
                    return []  # another process opened them meanwhile
                await repo.add(tx, match_id, "", match.round, "opened", now, player=AI)
                for deal in talked:
                    await _store_ai_deal(tx, match, deal, now)
                made = []
                for offer in offers:
                    number = await repo.count_deals(tx, match_id) + 1
                    deal = replace(offer, id=f"d{number}")
                    await repo.add(
                        tx,
                        match_id,
                        deal.id,
                        match.round,
                        "proposed",
                        now,
                        seat=deal.proposer,
                        player=AI,
                        body=deal.to_dict(),
                    )
                    await _announce_offer(tx, match, deal, now)
                    made.append(deal)
            self._ctx.forget(match_id)
            return made

    async def current(self, match_id: int, actor: Actor, deal_id: str) -> Deal | None:
        """The deal as it stands now (this round's talks included), or None when there is no
        such deal; only its parties' players (and the bot, or a moderator) see it."""
        scenario = await self._ctx.scenario_of(match_id, actor)
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor)
            if match.state is None:
                return None
            state = await read_live(tx, scenario, match)
        found = next((d for d in state.deals if d.id == deal_id), None)
        if found is None or actor.moderator or match.seat_of(actor.player) in found.parties:
            return found
        return None

    async def steps(self, match_id: int, actor: Actor) -> list[DealStep]:
        """Every step of the match's talks, in order (for its record)."""
        async with self._ctx.read() as tx:
            await load_match(tx, match_id, actor, with_state=False)
            return await repo.steps(tx, match_id)

    async def talk_thread(self, match_id: int, actor: Actor, other: str) -> TalkRoom:
        """Where the actor's seat and ``other`` talk in private: the thread if there is one,
        and the players of both seats (to add to a new one)."""
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor, with_state=False)
            require_orders_phase(match, None, "open talks")
            room = _room(match, actor, other)
            for found in await repo.threads(tx, match_id):
                if set(found.seats) == set(room.seats):
                    return replace(room, thread=found)
        return room

    async def set_talk_thread(
        self, match_id: int, actor: Actor, other: str, thread_id: str
    ) -> None:
        """Remember the private thread opened for the actor's seat and ``other``."""
        self._ctx.throttle.admit(actor, match_id)
        async with self._ctx.changing(match_id) as tx:
            match = await load_match(tx, match_id, actor, with_state=False)
            room = _room(match, actor, other)
            await repo.set_thread(
                tx, match_id, room.seats, thread_id, actor.player, self._ctx.now()
            )

    async def talk_threads(self, match_id: int, actor: Actor) -> list[TalkThread]:
        """The match's talks threads (the front end posts a pair's proposals there)."""
        async with self._ctx.read() as tx:
            await load_match(tx, match_id, actor, with_state=False)
            return await repo.threads(tx, match_id)


def _ai_talks(scenario: Scenario, match: Match, state: MatchState) -> tuple[list[Deal], list[Deal]]:
    """The AI seats' deals with each other (as the engine left them) and their offers to the
    people's seats, on the round's state (pure CPU: run in a worker thread)."""
    before = len(state.deals)
    after = negotiate(scenario, state, match.seed, ai_seats(match))
    talked = list(after.deals[before:])
    offers = []
    for offer in offers_to(scenario, after, match.seed, ai_seats(match), people_seats(match)):
        offer = replace(offer, id=f"{offer.id}.offer")  # renamed d{n} when stored
        try:
            after = apply_steps(scenario, after, [Step(offer.id, "proposed", None, offer)])
        except DealRefused:
            continue
        offers.append(offer)
    return talked, offers


async def _announce_offer(tx: Tx, match: Match, deal: Deal, now: datetime) -> None:
    """In a server, an AI's offer is posted (by the announcer, after the commit) where only
    each people's seat it asks sees it: once per seat, durable like every announcement."""
    if match.channel_id is None:
        return  # at the keyboard the offer is shown before the seat's orders
    for seat in deal.parties:
        if seat in deal.accepted_by or seat not in people_seats(match):
            continue
        data = {"deal": deal.id, "seat": seat, "proposer": deal.proposer, "round": match.round}
        await announce(tx, match, "deal_offer", f"deal:{deal.id}:{seat}", now, match.round, data)


async def _store_ai_deal(tx: Tx, match: Match, deal: Deal, now: datetime) -> None:
    """An AI-to-AI deal as steps: its proposal, then each answer."""
    first = Deal(
        deal.id, deal.proposer, deal.parties, deal.terms, deal.kind, deal.deadline, deal.text
    )
    await repo.add(
        tx,
        match.id,
        deal.id,
        match.round,
        "proposed",
        now,
        seat=deal.proposer,
        player=AI,
        body=first.to_dict(),
    )
    for event in deal.events[1:]:
        if event.status == "rejected" and event.seat is not None:
            await repo.add(
                tx, match.id, deal.id, match.round, "rejected", now, seat=event.seat, player=AI
            )
        elif event.status == "accepted":
            for seat in deal.accepted_by[1:]:
                await repo.add(
                    tx, match.id, deal.id, match.round, "accepted", now, seat=seat, player=AI
                )


@dataclass(frozen=True)
class TalkRoom:
    """Two seats' private talks: the seats (the actor's first), their players, the thread."""

    match_id: int
    seats: tuple[str, str]
    players: tuple[str, ...]
    thread: TalkThread | None = None


def _room(match: Match, actor: Actor, other: str) -> TalkRoom:
    seat = match.seat_of(actor.player)
    if seat is None:
        raise NotSeated(f"you hold no seat in match {match.id}")
    info = match.seat(other)
    if info is None:
        raise UnknownSeat(f"there is no seat '{other}' in match {match.id}")
    if other == seat:
        raise InvalidInput("talks are between your seat and another")
    mine = match.seat(seat)
    assert mine is not None
    players = tuple(dict.fromkeys([*mine.players, *info.players]))
    return TalkRoom(match.id, (seat, other), players)

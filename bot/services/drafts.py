"""Order drafts: what a seat is composing before its Submit (added for the Discord panel).

A draft is kept in the match's append-only log (kind ``order_draft``, one line per change), so it
survives restarts and the log shows how orders were composed. The latest line of a seat in a
round is its draft; when there is none, the draft starts from the seat's current submission.
In a match played in teams it is the team's draft: every member edits it, each move records
who added it and who wrote its argument (``team_draft``), and only the captain submits it.
Drafts are checked against the rules only when submitted (``OrderService.submit``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.game.deal_state import Deal
from bot.game.deal_talks import AtStake, at_stake
from bot.game.legal import check_orders, spent
from bot.game.scenario import Scenario
from bot.game.state import Forecast, Order, SeatOrders
from bot.services.context import Context, load_match, require_orders_phase
from bot.services.deals import live_state, seat_deals
from bot.services.errors import Conflict, InvalidInput, NotAllowed, NotSeated, ServiceError
from bot.services.models import MAX_ARGUMENT, Actor, Match, SeatOptions, Submission
from bot.services.orders import CAPTAIN_ONLY, seat_options, seat_orders
from bot.services.rounds import RoundService
from bot.services.team_draft import KIND, authored, draft_data, latest
from db.models import Authors
from db.repos import deals as deals_repo
from db.repos import log as log_repo
from db.repos import orders as orders_repo
from db.repos.log import Entry
from db.store import Tx

MAX_MOVES = 25


@dataclass(frozen=True)
class Panel:
    """Everything a seat's orders panel shows, read in one transaction."""

    match: Match
    options: SeatOptions
    draft: SeatOrders
    scenario: Scenario
    authors: dict[str, Authors] = field(default_factory=dict)
    deals: tuple[Deal, ...] = ()  # the seat's deals: offers waiting, in force, just settled


class DealsAtStake(ServiceError):
    """The orders would break a promise (or let an escrow lapse): submit again, confirmed."""

    def __init__(self, stake: list[AtStake]) -> None:
        super().__init__("these orders break a deal; confirm to submit them anyway")
        self.stake = stake


class DraftService:
    """A seat's draft orders for the round being played (secret, like submitted orders)."""

    def __init__(self, ctx: Context, rounds: RoundService) -> None:
        self._ctx = ctx
        self._rounds = rounds

    async def panel(self, match_id: int, actor: Actor) -> Panel:
        """The match (with its state), the seat's options and its draft, in one read.

        The same checks as ``OrderService.options``: NotSeated, WrongPhase.
        """
        self._ctx.throttle.admit(actor, match_id)
        scenario = await self._ctx.scenario_of(match_id, actor)
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor)
            seat, round_number, draft, authors = await self._current(tx, match_id, actor, match)
            current = await orders_repo.live_submission(tx, match_id, round_number, seat)
            talks = await deals_repo.steps(tx, match_id, round_number)
        options = seat_options(scenario, match, seat, current)
        assert match.state is not None
        deals = seat_deals(live_state(scenario, match.state, talks), seat, round_number)
        return Panel(match, options, draft, scenario, authors, deals)

    async def get(self, match_id: int, actor: Actor) -> tuple[str, int, SeatOrders]:
        """(seat, round, draft) for the actor's seat in the round being played."""
        async with self._ctx.read() as tx:
            seat, round_number, draft, _authors = await self._current(tx, match_id, actor)
        return seat, round_number, draft

    async def _current(
        self, tx: Tx, match_id: int, actor: Actor, match: Match | None = None
    ) -> tuple[str, int, SeatOrders, dict[str, Authors]]:
        match = match or await load_match(tx, match_id, actor, with_state=False)
        require_orders_phase(match, None, "give orders")
        seat = match.seat_of(actor.player)
        if seat is None:
            raise NotSeated(f"you hold no seat in match {match_id}")
        drafts = await latest(tx, match_id, match.round)
        if seat in drafts:
            return seat, match.round, *drafts[seat]
        live = await orders_repo.live_submission(tx, match_id, match.round, seat)
        if live is None:
            return seat, match.round, SeatOrders(), {}
        return seat, match.round, live.orders, dict(live.authors)

    async def change(
        self,
        match_id: int,
        actor: Actor,
        round: int,
        edit: Callable[[str, SeatOrders], SeatOrders],
    ) -> tuple[str, SeatOrders, dict[str, Authors]]:
        """Apply ``edit(seat, draft)`` to the actor's seat's draft and keep the result; return
        (seat, draft, who wrote each move).

        ``round`` must be the round being played (RoundClosed otherwise: a stale panel). The
        edit is applied to the latest draft inside the write transaction, so when members of a
        team edit at once, each edit builds on the other and none is lost.
        """
        self._ctx.throttle.admit(actor, match_id)
        async with self._ctx.lock(match_id), self._ctx.write() as tx:
            seat, current, draft, authors = await self._current(tx, match_id, actor)
            if round != current:
                match = await load_match(tx, match_id, actor, with_state=False)
                require_orders_phase(match, round, "give orders")
            changed = edit(seat, draft)
            if len(changed.moves) > MAX_MOVES:
                raise InvalidInput(f"at most {MAX_MOVES} moves in one round")
            for order in changed.moves:
                if len(order.argument) > MAX_ARGUMENT:
                    raise InvalidInput(f"an argument has at most {MAX_ARGUMENT} characters")
            written = authored(draft, changed, authors, actor.player)
            entry = Entry(KIND, current, actor.player, seat, draft_data(changed, written))
            await log_repo.append(tx, match_id, self._ctx.now(), [entry])
        return seat, changed, written

    async def submit(
        self, match_id: int, actor: Actor, round: int, *, confirmed: bool = False
    ) -> Submitted:
        """Submit the actor's seat's draft for ``round`` and, when it was the last seat to
        submit, resolve the round: the whole Submit click in one use case.

        One read (the match, its seats and the draft), the rules checked in memory, one write
        (the guarded insert and which seats are in). Returns the panel to redraw (its
        ``current`` is the new submission) and whether the round is no longer open. Orders
        that break one of the seat's deals raise DealsAtStake unless ``confirmed``.
        """
        self._ctx.throttle.admit(actor, match_id)
        scenario = await self._ctx.scenario_of(match_id, actor)
        async with self._ctx.lock(match_id):
            async with self._ctx.read() as tx:
                match = await load_match(tx, match_id, actor)
                seat, current, draft, authors = await self._current(tx, match_id, actor, match)
                talks = await deals_repo.steps(tx, match_id, match.round)
            require_orders_phase(match, round, "give orders")
            if match.team_size > 1 and match.captain_of(seat) != actor.player:
                raise NotAllowed(CAPTAIN_ONLY)
            orders = seat_orders(
                [(o.move, o.argument) for o in draft.moves],
                draft.decisions,
                {o.move: o.forecast for o in draft.moves if o.forecast is not None},
            )
            assert match.state is not None
            check_orders(scenario, match.state, {seat: orders})
            live = live_state(scenario, match.state, talks) if talks else match.state
            stake = at_stake(scenario, live, seat, [o.move for o in orders.moves])
            if stake and not confirmed:
                raise DealsAtStake(stake)
            cost = spent(scenario, orders)
            now = self._ctx.now()
            async with self._ctx.write() as tx:
                sub_id = await orders_repo.insert_submission(
                    tx, match_id, current, seat, actor.player, orders, cost, now, authors
                )
                if sub_id is None:
                    raise Conflict("the match changed while your orders were being saved")
                seats_in = await orders_repo.submitted_seats(tx, match_id, current)
        sub = Submission(
            sub_id,
            match_id,
            current,
            seat,
            actor.player,
            "current",
            orders,
            cost,
            now,
            None,
            authors,
        )
        options = seat_options(scenario, match, seat, sub)
        panel = Panel(match, options, draft, scenario, authors, seat_deals(live, seat, match.round))
        players = {s.seat for s in match.seats if s.controller == "players"}
        if match.paused or not players <= seats_in:
            return Submitted(panel, resolved=False)
        resolved = await self._rounds.resolve_submitted(match_id, current, actor)
        return Submitted(panel, resolved=True, debate=resolved is None)


@dataclass(frozen=True)
class Submitted:
    """A Submit click's result: the panel to redraw, and whether the round is closed now."""

    panel: Panel
    resolved: bool
    debate: bool = False  # the orders locked into an open debate window, not resolved yet


def with_move(
    draft: SeatOrders, move: str, argument: str, forecast: Forecast | None = None
) -> SeatOrders:
    """The draft with the move added (or its argument and forecast replaced when it is there
    already)."""
    kept = [o for o in draft.moves if o.move != move]
    added = Order(move, argument, forecast=forecast)
    return SeatOrders(moves=(*kept, added), decisions=dict(draft.decisions))


def without_move(draft: SeatOrders, move: str) -> SeatOrders:
    """The draft without the move."""
    kept = tuple(o for o in draft.moves if o.move != move)
    return SeatOrders(moves=kept, decisions=dict(draft.decisions))


def with_decision(draft: SeatOrders, event: str, option: str) -> SeatOrders:
    """The draft with an answer to an event's decision."""
    return SeatOrders(moves=draft.moves, decisions={**draft.decisions, event: option})

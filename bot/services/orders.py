"""Orders: submit (or change), withdraw, and who has submitted this round."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.game.legal import check_orders, legal_moves, spent
from bot.game.scenario import Scenario
from bot.game.state import Forecast, MatchState, Order, SeatOrders
from bot.services.context import Context, load_match, require_orders_phase
from bot.services.errors import (
    USER_ERRORS,
    Conflict,
    InvalidInput,
    MatchNotFound,
    NotAllowed,
    NothingToWithdraw,
    NotSeated,
    RoundClosed,
    WrongPhase,
)
from bot.services.models import MAX_ARGUMENT, Actor, SeatOptions
from db.codec import state_from_text
from db.models import Match, SeatStatus, Submission
from db.repos import log as log_repo
from db.repos import matches as matches_repo
from db.repos import orders as repo
from db.repos.log import Entry
from db.store import Tx

MAX_MOVES = 25
CAPTAIN_ONLY = (
    "only your team's captain submits or withdraws its orders; add moves and arguments to the "
    "team's draft, and the captain locks it (or it locks as it stands at the deadline)"
)


def seat_orders(
    moves: Sequence[tuple[str, str]],
    decisions: Mapping[str, str] | None,
    forecasts: Mapping[str, Forecast] | None = None,
) -> SeatOrders:
    """Orders from (move, argument) pairs, decisions and forecasts by move; InvalidInput past
    the caps or for a forecast on a move not ordered."""
    if len(moves) > MAX_MOVES:
        raise InvalidInput(f"at most {MAX_MOVES} moves in one round")
    for move, argument in moves:
        if len(argument) > MAX_ARGUMENT:
            raise InvalidInput(
                f"the argument for {move} has {len(argument)} characters; "
                f"the limit is {MAX_ARGUMENT}"
            )
    forecasts = forecasts or {}
    stray = sorted(set(forecasts) - {move for move, _argument in moves})
    if stray:
        raise InvalidInput(f"a forecast goes with a move you order; {stray[0]} is not ordered")
    return SeatOrders(
        moves=tuple(
            Order(move, argument, forecast=forecasts.get(move)) for move, argument in moves
        ),
        decisions=dict(decisions or {}),
    )


async def _open_round(
    tx: Tx, match_id: int, player: str, round_number: int | None
) -> tuple[int, str, str]:
    """Check the match takes orders and the player holds a seat: (round, state JSON, seat)."""
    row = await matches_repo.order_view(tx, match_id, player)
    if row is None:
        raise MatchNotFound(match_id)
    phase, round_now, text, seat, may_lock = row
    view = _View(round_now, phase, text, None, seat, may_lock)
    return view.round, view.state_text, _check(view, match_id, round_number)


@dataclass(frozen=True)
class _View:
    """What a submission is checked against: the round open, its state, the player's seat."""

    round: int
    phase: str
    state_text: str
    state: MatchState | None
    seat: str | None
    may_lock: bool = True


def _check(view: _View, match_id: int, round_number: int | None) -> str:
    """The player's seat, or the reason orders cannot be given now."""
    if view.phase == "lobby":
        raise WrongPhase(f"match {match_id} has not started yet")
    if view.phase == "debate":
        raise WrongPhase(f"round {view.round}'s orders are locked: its debate is open")
    if view.phase != "orders":
        raise WrongPhase(f"match {match_id} is over")
    if round_number is not None and round_number != view.round:
        raise RoundClosed(
            f"round {round_number} is not open; match {match_id} is in round {view.round}"
        )
    if view.seat is None:
        raise NotSeated(f"you hold no seat in match {match_id}")
    if not view.may_lock:
        raise NotAllowed(CAPTAIN_ONLY)
    return view.seat


class OrderService:
    """Each seat's orders for the round being played: secret until the round resolves.

    A submission is checked against a cached view of the match (the round open, its state,
    which never changes within a round, and the player's seat) and written by one guarded
    INSERT that stores nothing unless the match is still in that round and phase and the
    player still holds that seat; if the view was stale it is re-read and the check redone.
    So the hot path is BEGIN, INSERT, COMMIT, like a bare insert.
    """

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def submit(
        self,
        match_id: int,
        actor: Actor,
        moves: Sequence[tuple[str, str]],
        decisions: Mapping[str, str] | None = None,
        *,
        round: int | None = None,
        forecasts: Mapping[str, Forecast] | None = None,
    ) -> Submission:
        """Submit the actor's seat's orders for the round, replacing any earlier submission.

        ``moves`` is a list of (move id, argument) with arguments of at most ``MAX_ARGUMENT``
        characters; ``decisions`` answers events awaiting the seat (event id -> option id);
        ``forecasts`` (move id -> forecast) go with the arguments of those moves, each on a
        metric the seat may see (issue 13's human forecasts).
        ``round``, when given, must be the round being played (RoundClosed otherwise: a stale
        button); None means whichever round is open. Rules are checked by the engine:
        IllegalOrder says what is wrong. The orders are on disk when this returns.
        """
        self._ctx.throttle.admit(actor, match_id)
        orders = seat_orders(moves, decisions, forecasts)
        scenario = await self._ctx.scenario_of(match_id, actor)  # NotFound: not this server's
        async with self._ctx.lock(match_id):
            for fresh in (False, True):
                view = await self._view(match_id, actor.player, fresh)
                try:
                    seat = _check(view, match_id, round)
                    assert view.state is not None
                    check_orders(scenario, view.state, {seat: orders})
                except USER_ERRORS:
                    if fresh:
                        raise
                    continue  # the cached view may be stale: judge by a fresh one
                cost = spent(scenario, orders)
                now = self._ctx.now()
                async with self._ctx.write() as tx:
                    sub_id = await repo.insert_submission(
                        tx, match_id, view.round, seat, actor.player, orders, cost, now
                    )
                if sub_id is not None:
                    sub = Submission(
                        sub_id,
                        match_id,
                        view.round,
                        seat,
                        actor.player,
                        "current",
                        orders,
                        cost,
                        now,
                    )
                    return sub
        raise Conflict("the match changed while your orders were being saved; try again")

    async def _view(self, match_id: int, player: str, fresh: bool) -> _View:
        views: dict[tuple[int, str], _View] = self._ctx.views
        key = (match_id, player)
        found = views.get(key)
        if found is not None and not fresh:
            return found
        async with self._ctx.read() as tx:
            row = await matches_repo.order_view(tx, match_id, player)
        if row is None:
            raise MatchNotFound(match_id)
        phase, round_now, text, seat, may_lock = row
        same = next((v for (m, _p), v in views.items() if m == match_id), None)
        if same is not None and same.state_text == text:
            state = same.state
        else:
            state = state_from_text(text) if text else None
        if len(views) > 1024:
            views.clear()
        view = views[key] = _View(round_now, phase, text, state, seat, may_lock)
        return view

    async def withdraw(self, match_id: int, actor: Actor, *, round: int | None = None) -> int:
        """Withdraw the actor's seat's orders for the round; return the withdrawn submission id.

        Raises NothingToWithdraw when the seat has none.
        """
        self._ctx.throttle.admit(actor, match_id)
        await self._ctx.scenario_of(match_id, actor)  # NotFound: not this server's
        async with self._ctx.lock(match_id), self._ctx.write() as tx:
            current, _state, seat = await _open_round(tx, match_id, actor.player, round)
            now = self._ctx.now()
            closed = await repo.close_current(tx, match_id, current, seat, "withdrawn", now)
            if closed is None:
                raise NothingToWithdraw(f"{seat} has no orders in round {current} to withdraw")
            entry = Entry("orders_withdrawn", current, actor.player, seat, {"submission": closed})
            await log_repo.append(tx, match_id, now, [entry])
        return closed

    async def mine(self, match_id: int, actor: Actor) -> Submission | None:
        """The current submission of the actor's seat this round (only its holders see it)."""
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor, with_state=False)
            seat = match.seat_of(actor.player)
            if seat is None:
                raise NotSeated(f"you hold no seat in match {match_id}")
            return await repo.live_submission(tx, match_id, match.round, seat)

    async def options(self, match_id: int, actor: Actor) -> SeatOptions:
        """What the actor's seat may order this round: legal moves, budget, decisions."""
        scenario = await self._ctx.scenario_of(match_id, actor)
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor)
            require_orders_phase(match, None, "order moves")
            seat = match.seat_of(actor.player)
            if seat is None:
                raise NotSeated(f"you hold no seat in match {match_id}")
            current = await repo.live_submission(tx, match_id, match.round, seat)
        return seat_options(scenario, match, seat, current)

    async def status(self, match_id: int, actor: Actor) -> list[SeatStatus]:
        """Each seat's submission status this round (whether, by whom, when; never what)."""
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor, with_state=False)
            live = await repo.live_submissions(tx, match_id, match.round)
        return seat_statuses(match, live)

    async def all_submitted(self, match_id: int, actor: Actor) -> bool:
        """True when every seat held by players has orders in (AI and empty seats need none)."""
        statuses = await self.status(match_id, actor)
        return all(s.submitted for s in statuses if s.controller == "players")


def seat_options(
    scenario: Scenario, match: Match, seat: str, current: Submission | None
) -> SeatOptions:
    """What the seat may order in the match's round (its state read with the match)."""
    assert match.state is not None
    waiting = tuple(e for e, s in sorted(match.state.awaiting.items()) if s == seat)
    return SeatOptions(
        match_id=match.id,
        round=match.round,
        seat=seat,
        budget=scenario.seat(seat).budget,
        moves=tuple(legal_moves(scenario, match.state, seat)),
        decisions=waiting,
        current=current,
    )


def seat_statuses(match: Match, live: Mapping[str, Submission]) -> list[SeatStatus]:
    """Seat statuses from the match and its live submissions."""
    found = []
    for info in match.seats:
        sub = live.get(info.seat)
        found.append(
            SeatStatus(
                seat=info.seat,
                controller=info.controller,
                holders=info.holders,
                submitted=sub is not None,
                submitted_by=None if sub is None else sub.player,
                submitted_at=None if sub is None else sub.submitted_at,
            )
        )
    return found

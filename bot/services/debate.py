"""The open debate's use cases: rate an argument, answer it, rule on it as umpire, be done.

While a round's debate window is open (``debate_window``), every seat's players rate the other
seats' arguments (-2 .. +2) and anyone else in the server rates as a spectator (one bloc); each
may change a rating until the window closes (the history keeps every change with its time).
Each player may answer a move once with a counter-argument. A moderator may rule on a move as
umpire. The window closes at its deadline (the timer worker) or when every seat held by players
has pressed Done; the round then resolves with the ratings. Raters are never named in public
while the window is open: the intentions show how many ratings each move has, not whose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from bot.game.debate import RATING_STEPS, Tally, tally
from bot.game.scenario import Scenario
from bot.game.state import SPECTATORS, SeatOrders
from bot.game.view import secret_moves, sight
from bot.services.common import announce, audit_match
from bot.services.context import Context, is_moderator, load_match, require_moderator
from bot.services.errors import InvalidInput, NotAllowed, NotFound, RoundClosed, WrongPhase
from bot.services.models import MAX_ARGUMENT, Actor, RoundOutcome
from bot.services.rounds import RoundService
from db.models import LockedSeat, Match, StoredRound
from db.repos import debate as repo
from db.repos import log as log_repo
from db.repos import rounds as rounds_repo
from db.repos.debate import latest
from db.store import Tx

LATE = "the debate of round {round} has closed; your {what} was not counted"


@dataclass(frozen=True)
class DebateView:
    """A round's debate window as the public (or one rater) may see it while it is open: the
    intentions, how many ratings each move has (never whose), counter-arguments, Done seats;
    ``mine`` the viewer's own ratings by move."""

    match_id: int
    round: int
    intentions: dict[str, LockedSeat]
    closes_at: datetime
    open: bool
    rating_counts: dict[str, int]
    counters: dict[str, int]
    done: frozenset[str]
    mine: dict[str, int]


@dataclass(frozen=True)
class Rated:
    """What a rating click did: the move's seat, the value, and whom the rater counts for."""

    move: str
    seat: str
    value: int
    rater: str  # a seat id, or ``spectators``
    changed: bool


def _public(
    scenario: Scenario, match: Match, locked: Mapping[str, LockedSeat]
) -> dict[str, LockedSeat]:
    """The intentions the public may see: covert moves stay secret (they are not debated)."""
    exposed = match.state.exposed if match.state is not None else ()
    secret = secret_moves(scenario, exposed, None)
    if not secret:
        return dict(locked)
    return {
        seat: replace(
            item,
            orders=replace(
                item.orders, moves=tuple(o for o in item.orders.moves if o.move not in secret)
            ),
        )
        for seat, item in locked.items()
    }


def _hidden_metrics(scenario: Scenario) -> set[str]:
    """Metrics the public may not see: a forecast on one is scored only once the match is over
    (its hit would tell how the metric moved)."""
    return {m.id for m in scenario.metrics if sight(m, None) == "hidden"}


def _unforecast(orders: SeatOrders, hidden: set[str]) -> SeatOrders:
    if not hidden:
        return orders
    moves = tuple(
        replace(o, forecast=None) if o.forecast and o.forecast.metric in hidden else o
        for o in orders.moves
    )
    return replace(orders, moves=moves)


def _author_seat(intentions: Mapping[str, LockedSeat], move: str) -> str:
    for seat, item in intentions.items():
        if any(o.move == move for o in item.orders.moves):
            return seat
    raise InvalidInput(f"{move} is not among this round's intentions")


class DebateService:
    """The debate window's use cases (the window itself opens and closes in ``RoundService``)."""

    def __init__(self, ctx: Context, rounds: RoundService) -> None:
        self._ctx = ctx
        self._rounds = rounds

    async def _open_window(
        self, tx: Tx, match_id: int, round: int, actor: Actor, what: str
    ) -> tuple[Match, repo.Window]:
        match = await load_match(tx, match_id, actor)
        found = await repo.window(tx, match_id, round)
        if found is None:
            if match.round == round and not match.finished:
                raise WrongPhase(f"round {round} of match {match_id} has no debate open yet")
            raise RoundClosed(LATE.format(round=round, what=what))
        if not found.open or match.phase != "debate" or match.round != round:
            raise RoundClosed(LATE.format(round=round, what=what))
        scenario = await self._ctx.scenario(match.scenario_sha256)
        return match, replace(found, locked=_public(scenario, match, found.locked))

    async def view(self, match_id: int, round: int, actor: Actor) -> DebateView:
        """The round's debate window (NotFound when the round had none)."""
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor)
            found = await repo.window(tx, match_id, round)
            if found is None:
                raise NotFound(f"round {round} of match {match_id} had no debate window")
            given = await repo.ratings(tx, match_id, round)
            counters = await repo.counters(tx, match_id, round)
            done = await repo.done(tx, match_id, round)
        counts: dict[str, int] = {}
        mine: dict[str, int] = {}
        for (move, player), item in latest(given).items():
            counts[move] = counts.get(move, 0) + 1
            if player == actor.player:
                mine[move] = item.value
        answered: dict[str, int] = {}
        for counter in counters:
            answered[counter.move] = answered.get(counter.move, 0) + 1
        scenario = await self._ctx.scenario(match.scenario_sha256)
        intentions = _public(scenario, match, found.locked)  # covert moves stay secret
        return DebateView(
            match_id,
            round,
            intentions,
            found.closes_at,
            found.open,
            counts,
            answered,
            frozenset(done),
            mine,
        )

    async def rate(self, match_id: int, round: int, actor: Actor, move: str, value: int) -> Rated:
        """Rate a move's argument (-2 .. +2) for the actor's seat, or as a spectator when the
        actor holds no seat; a later rating replaces the earlier one (both are kept with their
        times). No one rates their own seat's arguments; late ratings are refused."""
        self._ctx.throttle.admit(actor, match_id)
        if value not in RATING_STEPS:
            raise InvalidInput("a rating is one of -2, -1, 0, +1, +2")
        async with self._ctx.changing(match_id) as tx:
            match, found = await self._open_window(tx, match_id, round, actor, "rating")
            seat = _author_seat(found.locked, move)
            mine = match.seat_of(actor.player)
            if mine == seat:
                raise NotAllowed("you cannot rate your own seat's arguments")
            rater = mine or SPECTATORS
            before = [
                g
                for g in await repo.ratings(tx, match_id, round)
                if g.move == move and g.player == actor.player
            ]
            now = self._ctx.now()
            await repo.add_rating(tx, match_id, round, move, actor.player, rater, value, now)
            data = {"move": move, "value": value, "rater": rater}
            entry = log_repo.Entry("debate_rating", round, actor.player, seat, data)
            await log_repo.append(tx, match_id, now, [entry])
        return Rated(move, seat, value, rater, bool(before))

    async def counter(self, match_id: int, round: int, actor: Actor, move: str, text: str) -> str:
        """Answer a move's argument with a counter-argument (one per player and move), posted
        in the match thread; returns the move's seat."""
        self._ctx.throttle.admit(actor, match_id)
        text = text.strip()
        if not text:
            raise InvalidInput("a counter-argument needs some text")
        if len(text) > MAX_ARGUMENT:
            raise InvalidInput(f"a counter-argument has at most {MAX_ARGUMENT} characters")
        async with self._ctx.changing(match_id) as tx:
            match, found = await self._open_window(tx, match_id, round, actor, "counter-argument")
            seat = _author_seat(found.locked, move)
            if match.seat_of(actor.player) == seat:
                raise NotAllowed("you argue for your own seat's moves; answer other seats' moves")
            now = self._ctx.now()
            if not await repo.add_counter(tx, match_id, round, move, actor.player, text, now):
                raise InvalidInput("you have answered this move already (one counter-argument)")
            data = {"move": move, "text": text}
            entry = log_repo.Entry("debate_counter", round, actor.player, seat, data)
            await log_repo.append(tx, match_id, now, [entry])
            payload = {"round": round, "move": move, "seat": seat, "by": actor.player, "text": text}
            key = f"r{round}:counter:{move}:{actor.player}"
            await announce(tx, match, "debate_counter", key, now, round, payload)
        return seat

    async def may_umpire(self, match_id: int, actor: Actor) -> None:
        """NotAllowed unless the actor may rule as umpire (a moderator)."""
        async with self._ctx.read() as tx:
            await load_match(tx, match_id, actor, with_state=False)
            await require_moderator(tx, actor, "rule on a move as umpire")

    async def umpire(self, match_id: int, round: int, actor: Actor, move: str, value: int) -> str:
        """A moderator rules on a move (-2 .. +2): the ruling replaces every rater's, and the
        record names the umpire. Returns the move's seat."""
        self._ctx.throttle.admit(actor, match_id)
        if value not in RATING_STEPS:
            raise InvalidInput("a ruling is one of -2, -1, 0, +1, +2")
        async with self._ctx.changing(match_id) as tx:
            match, found = await self._open_window(tx, match_id, round, actor, "ruling")
            await require_moderator(tx, actor, "rule on a move as umpire")
            seat = _author_seat(found.locked, move)
            now = self._ctx.now()
            await repo.add_ruling(tx, match_id, round, move, actor.player, value, now)
            data = {"move": move, "value": value}
            entry = log_repo.Entry("debate_ruling", round, actor.player, seat, data)
            await log_repo.append(tx, match_id, now, [entry])
            await audit_match(tx, match, actor.player, "umpire", data, now)
            payload = {"round": round, "move": move, "seat": seat, "by": actor.player}
            key = f"r{round}:ruling:{move}:{now.timestamp()}"
            await announce(tx, match, "debate_ruling", key, now, round, payload)
        return seat

    async def done(
        self, match_id: int, round: int, actor: Actor
    ) -> tuple[str, RoundOutcome | None]:
        """The actor's seat is done rating; when every seat held by players is, the window
        closes and the round resolves (its outcome is returned)."""
        self._ctx.throttle.admit(actor, match_id)
        async with self._ctx.changing(match_id) as tx:
            match, _found = await self._open_window(tx, match_id, round, actor, "Done")
            seat = match.seat_of(actor.player)
            if seat is None:
                raise NotAllowed("only the seats' players press Done; spectators just rate")
            now = self._ctx.now()
            await repo.mark_done(tx, match_id, round, seat, actor.player, now)
            done = await repo.done(tx, match_id, round)
            entry = log_repo.Entry("debate_done", round, actor.player, seat)
            await log_repo.append(tx, match_id, now, [entry])
        players = {s.seat for s in match.seats if s.controller == "players" and s.holders}
        if not players <= done:
            return seat, None
        return seat, await self._rounds.resolve_window(match_id, round, "all_done")

    async def close(self, match_id: int, round: int, actor: Actor) -> RoundOutcome:
        """The host or a moderator closes the window early: the round resolves now."""
        self._ctx.throttle.admit(actor, match_id)
        async with self._ctx.read() as tx:
            match, _found = await self._open_window(tx, match_id, round, actor, "close")
            if actor.player != match.host and not await is_moderator(tx, actor):
                raise NotAllowed("only the host or a moderator may close the debate early")
        return await self._rounds.resolve_window(match_id, round, "host")

    async def points(self, match_id: int, actor: Actor) -> Tally:
        """The match's debate points so far, per seat and per author (never in the score),
        with the ratings given after each sealed round's reveal."""
        scenario = await self._ctx.scenario_of(match_id, actor)
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor, with_state=False)
            stored = await repo.with_later_ratings(
                tx, match_id, await rounds_repo.all_rounds(tx, match_id)
            )
        hidden = set() if match.finished else _hidden_metrics(scenario)
        rounds: list[Mapping[str, SeatOrders]] = [
            {seat: _unforecast(item.orders, hidden) for seat, item in s.orders.items()}
            for s in stored[1:]
        ]
        metrics = [dict(s.state.metrics) for s in stored]
        return tally(rounds, metrics, scenario.seat_ids, scenario.rules.spectator_weight)

    async def had_window(self, match_id: int, round: int, actor: Actor) -> bool:
        """Whether the round was debated in an open window (False: sealed, rated afterwards)."""
        async with self._ctx.read() as tx:
            await load_match(tx, match_id, actor, with_state=False)
            return await repo.window(tx, match_id, round) is not None

    async def later(self, match_id: int, round: int, actor: Actor) -> dict[str, list[str]]:
        """The moves the actor may still rate after a sealed round's reveal, by seat (their own
        seat's and covert ones left out); RoundClosed when that round's ratings are over."""
        async with self._ctx.read() as tx:
            match, stored = await self._later_round(tx, match_id, round, actor)
        scenario = await self._ctx.scenario_of(match_id, actor)
        secret = secret_moves(scenario, stored.state.exposed, None, over=match.finished)
        mine = match.seat_of(actor.player)
        return {
            seat: [o.move for o in item.orders.moves if o.move not in secret]
            for seat, item in stored.orders.items()
            if seat != mine and any(o.move not in secret for o in item.orders.moves)
        }

    async def _later_round(
        self, tx: Tx, match_id: int, round: int, actor: Actor
    ) -> tuple[Match, StoredRound]:
        match = await load_match(tx, match_id, actor, with_state=False)
        stored = await rounds_repo.get_round(tx, match_id, round)
        if stored is None or round < 1:
            raise NotFound(f"round {round} of match {match_id} has not been resolved")
        if round != match.rounds_resolved or round in await repo.window_rounds(tx, match_id):
            raise RoundClosed(
                f"ratings of round {round} are over: rate the latest reveal's arguments"
            )
        return match, stored

    async def rate_after(
        self, match_id: int, round: int, actor: Actor, move: str, value: int
    ) -> Rated:
        """Rate an argument after a sealed round's reveal (the latest one): it counts as debate
        points only, never on the numbers. A later rating replaces the earlier one."""
        self._ctx.throttle.admit(actor, match_id)
        if value not in RATING_STEPS:
            raise InvalidInput("a rating is one of -2, -1, 0, +1, +2")
        allowed = await self.later(match_id, round, actor)
        seat = next((s for s, moves in allowed.items() if move in moves), None)
        async with self._ctx.changing(match_id) as tx:
            match, stored = await self._later_round(tx, match_id, round, actor)
            if seat is None:
                mine = match.seat_of(actor.player)
                if mine is not None and any(
                    o.move == move for o in stored.orders[mine].orders.moves
                ):
                    raise NotAllowed("you cannot rate your own seat's arguments")
                raise InvalidInput(f"{move} is not an argument you can rate in round {round}")
            rater = match.seat_of(actor.player) or SPECTATORS
            before = [
                g
                for g in await repo.ratings(tx, match_id, round)
                if g.move == move and g.player == actor.player
            ]
            now = self._ctx.now()
            await repo.add_rating(tx, match_id, round, move, actor.player, rater, value, now)
            data = {"move": move, "value": value, "rater": rater, "after": True}
            entry = log_repo.Entry("debate_rating", round, actor.player, seat, data)
            await log_repo.append(tx, match_id, now, [entry])
        return Rated(move, seat, value, rater, bool(before))

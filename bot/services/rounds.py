"""Resolving rounds: lock the orders (missing seats get the AI's or hold), run the engine, store.

A round is resolved once: the engine runs outside the database transaction, then one
``BEGIN IMMEDIATE`` transaction compares-and-sets the match's round, phase and revision and writes
the round, the locked orders, the log and the announcements together. A second call (or a call
racing the first) returns the stored result and changes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.game.ai_debate import ai_ratings
from bot.game.debate import rate, settle, umpire_ruling
from bot.game.engine import resolve_round, round_rng
from bot.game.errors import IllegalOrder
from bot.game.policies import AiPolicy
from bot.game.scenario import Scenario
from bot.game.scoring import scores, winners
from bot.game.state import MatchState, RoundResult, SeatOrders
from bot.game.view import hide_covert, seat_view, secret_moves
from bot.render.narrative import Moved, causes_seen, estimated_changes, moved
from bot.services import debate_window, team_draft
from bot.services.common import (
    announce,
    deadline_for,
    engine_entries,
    iso,
    schedule_round,
)
from bot.services.context import Context, load_match, require_host, require_orders_phase
from bot.services.deals import DealService, live_state
from bot.services.errors import Conflict, NotFound, NotSeated
from bot.services.models import SYSTEM, Actor, RoundOutcome
from bot.services.orders import seat_statuses
from db.codec import dumps, time_text
from db.models import LockedSeat, Match, StoredRound, Submission
from db.repos import deals as deals_repo
from db.repos import debate as debate_repo
from db.repos import log as log_repo
from db.repos import matches as matches_repo
from db.repos import orders as orders_repo
from db.repos import rounds as repo
from db.repos import timers as timers_repo
from db.repos.log import Entry
from db.store import Tx

MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class SeenCauses:
    """What moved the metrics a seat sees in one round (``round`` 0: none was played yet)."""

    seat: str
    round: int
    moved: list[Moved]


def outcome(scenario: Scenario, stored: StoredRound, already: bool) -> RoundOutcome:
    """A stored round with its scores."""
    table = scores(scenario, stored.state)
    return RoundOutcome(
        match_id=stored.match_id,
        round=stored.round,
        trigger=stored.trigger,
        resolved_at=stored.resolved_at,
        orders=stored.orders,
        records=stored.records,
        state=stored.state,
        scores=table,
        winners=tuple(winners(table)) if stored.state.finished else (),
        already_resolved=already,
    )


def _fallback(scenario: Scenario, match: Match, seat: str, at: datetime) -> LockedSeat:
    assert match.state is not None
    info = match.seat(seat)
    use_ai = info is not None and (
        info.controller == "ai" or (info.controller == "players" and match.ai_fill)
    )
    if use_ai:
        orders = AiPolicy().orders(scenario, match.state, seat, match.seed)
        return LockedSeat(seat, "ai", orders, None, at)
    return LockedSeat(seat, "hold", SeatOrders(), None, at)


def lock_orders(
    scenario: Scenario,
    match: Match,
    live: Mapping[str, Submission],
    at: datetime,
    drafts: Mapping[str, SeatOrders] | None = None,
) -> dict[str, LockedSeat]:
    """Every seat's orders for the engine: submitted (each argument credited to the player who
    wrote it, else to who submitted it), else its team's draft as it stands (in a match played
    in teams), else the AI's or none (hold)."""
    locked = {}
    for seat in scenario.seat_ids:
        sub = live.get(seat)
        draft = (drafts or {}).get(seat)
        if sub is not None:
            wrote = {m: a.argument_author for m, a in sub.authors.items()}
            moves = tuple(
                replace(o, author=o.author or wrote.get(o.move) or sub.player)
                for o in sub.orders.moves
            )
            orders = replace(sub.orders, moves=moves)
            locked[seat] = LockedSeat(seat, "players", orders, sub.id, at)
        elif draft is not None and (draft.moves or draft.decisions):
            locked[seat] = LockedSeat(seat, "players", draft, None, at)
        else:
            locked[seat] = _fallback(scenario, match, seat, at)
    return locked


@dataclass(frozen=True)
class Debate:
    """What a debate window gathered before resolution: ``ratings`` rater seat -> move -> -2..2
    (``spectators`` for the bloc), umpire rulings move -> (umpire, -2..2), and whether the
    ratings act on the numbers (open debate) or count only as points (sealed)."""

    open: bool = False
    ratings: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    rulings: Mapping[str, tuple[str, int]] = field(default_factory=dict)


def debate_locked(
    scenario: Scenario, match: Match, locked: dict[str, LockedSeat], debate: Debate
) -> dict[str, LockedSeat]:
    """The locked orders rated: by every AI seat (always), by the debate's raters and umpire,
    and settled (r set) when the debate is open."""
    assert match.state is not None
    orders = {seat: item.orders for seat, item in locked.items()}
    ai_seats = [seat for seat, item in locked.items() if item.source == "ai"]
    orders = ai_ratings(scenario, match.state, orders, ai_seats)
    for rater, values in debate.ratings.items():
        for seat, seat_orders in orders.items():
            if seat != rater:
                orders[seat] = rate(seat_orders, rater, values)
    for seat, seat_orders in orders.items():
        moves = tuple(
            umpire_ruling(o, *debate.rulings[o.move]) if o.move in debate.rulings else o
            for o in seat_orders.moves
        )
        orders[seat] = replace(seat_orders, moves=moves)
    orders = settle(orders, scenario.rules.spectator_weight, open_debate=debate.open)
    return {seat: replace(item, orders=orders[seat]) for seat, item in locked.items()}


def run_engine(
    scenario: Scenario, match: Match, locked: dict[str, LockedSeat], at: datetime
) -> tuple[RoundResult, list[str]]:
    """Resolve with the locked orders; a submission the rules refuse is replaced by the
    fallback (and named in the returned list), so one bad seat cannot block the match."""
    assert match.state is not None
    rejected: list[str] = []
    while True:
        orders = {seat: item.orders for seat, item in locked.items()}
        try:
            rng = round_rng(match.seed, match.round)
            return resolve_round(scenario, match.state, orders, rng), rejected
        except IllegalOrder as err:
            item = locked.get(err.seat)
            if item is None or item.source != "players" or err.seat in rejected:
                raise
            rejected.append(err.seat)
            locked[err.seat] = _fallback(scenario, match, err.seat, at)


Ran = tuple[dict[str, LockedSeat], tuple[RoundResult, list[str]], repo.Encoded]
"""A round run in the worker thread: its locked orders, (result, rejected), and the result
encoded for the store (encoding a large state takes milliseconds: not on the event loop)."""


def _run(scenario: Scenario, match: Match, locked: dict[str, LockedSeat], at: datetime) -> Ran:
    """Resolve the locked orders and encode the result, both in the worker thread."""
    result, rejected = run_engine(scenario, match, locked, at)
    return locked, (result, rejected), repo.encode(result.state, result.records)


def _lock_and_run(
    scenario: Scenario,
    match: Match,
    live: Mapping[str, Submission],
    at: datetime,
    debate: Debate,
    drafts: Mapping[str, SeatOrders],
) -> Ran:
    locked = debate_locked(scenario, match, lock_orders(scenario, match, live, at, drafts), debate)
    return _run(scenario, match, locked, at)


def _debated_run(
    scenario: Scenario,
    match: Match,
    at: datetime,
    window: tuple[dict[str, LockedSeat], dict[str, tuple[str, int]]],
) -> Ran:
    """A round whose debate window closed: its intentions as they locked, rated in the window
    (and by the AI seats), ruled on by an umpire, settled (open debate), then resolved."""
    intentions, rulings = window
    locked = debate_locked(scenario, match, intentions, Debate(open=True, rulings=rulings))
    return _run(scenario, match, locked, at)


class RoundService:
    """Locking orders and resolving rounds; reading resolved rounds back."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def resolve(
        self,
        match_id: int,
        round: int,
        actor: Actor,
        *,
        trigger: str = "manual",
        timer_id: int | None = None,
        debate: Debate | None = None,
    ) -> RoundOutcome:
        """Lock the round's orders and resolve it; idempotent.

        ``trigger`` is recorded (``all_submitted``, ``deadline``, ``host``...). Only the host or
        a moderator (or the bot itself, ``SYSTEM``) may force a round closed. ``debate``
        carries the ratings of a debate window; without one the AI seats' ratings count as
        points only (sealed).
        If the round was already resolved, the stored result is returned
        (``already_resolved`` True) and nothing changes. Announces ``round_resolved`` (and
        ``match_ended`` after the last round) through the outbox.
        """
        self._ctx.throttle.admit(actor, match_id)
        return await self._resolve(
            match_id, round, actor, trigger, timer_id, host_only=True, debate=debate
        )

    async def _resolve(
        self,
        match_id: int,
        round: int,
        actor: Actor,
        trigger: str,
        timer_id: int | None,
        *,
        host_only: bool,
        debate: Debate | None = None,
    ) -> RoundOutcome:
        scenario = await self._ctx.scenario_of(match_id, actor)
        async with self._ctx.lock(match_id):
            for _attempt in range(MAX_ATTEMPTS):
                async with self._ctx.read() as tx:
                    match = await load_match(tx, match_id, actor)
                    if host_only:
                        await require_host(tx, match, actor, "close the round early")
                    stored = await repo.get_round(tx, match_id, round)
                    live = await orders_repo.live_submissions(tx, match_id, round)
                    drafts = await _team_drafts(tx, match, round, live)
                    window = None
                    if match.phase == "debate" and stored is None:
                        window = await debate_window.gathered(tx, match_id, round)
                    talks = await deals_repo.steps(tx, match_id, round)
                if match.state is not None and talks and match.round == round:  # its deals
                    match = replace(match, state=live_state(scenario, match.state, talks))
                if stored is not None:
                    if timer_id is not None:
                        await self._finish_timer(timer_id)
                    return outcome(scenario, stored, already=True)
                require_orders_phase(match, round, "resolve a round", debate_too=True)
                now = self._ctx.now()
                # The AI and the engine are pure CPU work: run them in a worker thread so the
                # event loop keeps acknowledging other interactions meanwhile (outside any
                # transaction; the write below compares-and-sets, so nothing else changes).
                if window is not None:
                    locked, (result, rejected), encoded = await asyncio.to_thread(
                        _debated_run, scenario, match, now, window
                    )
                else:
                    locked, (result, rejected), encoded = await asyncio.to_thread(
                        _lock_and_run, scenario, match, live, now, debate or Debate(), drafts
                    )
                async with self._ctx.write() as tx:
                    done = await self._store(
                        tx,
                        scenario,
                        match,
                        locked,
                        (result, encoded),
                        (trigger, now, timer_id),
                        rejected,
                    )
                self._ctx.forget(match_id)
                if done is not None:
                    break
            else:
                raise Conflict("the match kept changing while its round was resolved; try again")
        assert done is not None
        if not done.state.finished:  # the next round opens: the AI seats' talks
            await DealService(self._ctx).open_round(match_id)
        return outcome(scenario, done, already=False)

    async def _finish_timer(self, timer_id: int) -> None:
        async with self._ctx.write() as tx:
            await timers_repo.finish(tx, timer_id, self._ctx.now())

    async def _store(
        self,
        tx: Tx,
        scenario: Scenario,
        match: Match,
        locked: dict[str, LockedSeat],
        ran: tuple[RoundResult, repo.Encoded],
        how: tuple[str, datetime, int | None],
        rejected: list[str],
    ) -> StoredRound | None:
        """Write the resolved round in the open transaction; None when the CAS lost."""
        trigger, now, timer_id = how
        result, encoded = ran
        state, number = result.state, match.round
        table = scores(scenario, state)
        won = winners(table) if state.finished else []
        deadline = None if state.finished else deadline_for(match, now)
        text = encoded.state
        changes = _match_changes(match, state, deadline, won, now) | {"state": text}
        if await orders_repo.live_ids(tx, match.id, number) != _submitted(locked):
            return None  # a submission came in from another process since we read them
        expect = (number, match.phase, match.revision)  # orders, or its debate window
        if not await matches_repo.compare_and_set(tx, match.id, expect, changes):
            return None
        if match.phase == "debate":
            await debate_repo.close(tx, match.id, number, now)
        await repo.insert_round(
            tx, match.id, number, state, result.records, locked, trigger, now, encoded
        )
        await orders_repo.lock_current(tx, match.id, number, now)
        entries = _log_entries(number, locked, result, rejected)
        entries.append(
            Entry(
                "round_resolved",
                number,
                data={"trigger": trigger, "state_sha256": encoded.state_sha256},
            )
        )
        if state.finished:
            data = {"ending": state.ending, "scores": table, "winners": won}
            entries.append(Entry("match_finished", number, data=data))
        await log_repo.append(tx, match.id, now, entries)
        if timer_id is not None:
            await timers_repo.finish(tx, timer_id, now)
        await timers_repo.cancel_all(tx, match.id, now)
        if deadline is not None and not match.paused and match.deadline_seconds is not None:
            await schedule_round(tx, match.id, number + 1, deadline, match.deadline_seconds, now)
        payload = {
            "round": number,
            "finished": state.finished,
            "ending": state.ending,
            "next_round": None if state.finished else number + 1,
            "deadline_at": iso(deadline),
            "winners": won,
        }
        await announce(tx, match, "round_resolved", f"r{number}:resolved", now, number, payload)
        if state.finished:
            ended = {"reason": "finished", "ending": state.ending, "winners": won, "scores": table}
            await announce(tx, match, "match_ended", "ended", now, number, ended)
        return StoredRound(
            match.id,
            number,
            dict(locked),
            result.records,
            state,
            encoded.state_sha256,
            now,
            trigger,
        )

    async def resolve_submitted(
        self, match_id: int, round: int, actor: Actor
    ) -> RoundOutcome | None:
        """Resolve a round whose seats have all submitted (the caller checked): anyone whose
        submission completed the round may set this off, not only the host. In open debate
        the debate window opens instead (None)."""
        if await self.open_debate(match_id, round, "all_submitted"):
            return None
        return await self._resolve(match_id, round, actor, "all_submitted", None, host_only=False)

    async def resolve_window(self, match_id: int, round: int, trigger: str) -> RoundOutcome:
        """Close a round's debate window and resolve it with what the window gathered (its
        deadline passed, or every seat is done); idempotent like every resolution."""
        return await self._resolve(match_id, round, SYSTEM, trigger, None, host_only=False)

    async def open_debate(
        self, match_id: int, round: int, trigger: str, timer_id: int | None = None
    ) -> bool:
        """In open debate, lock the round's orders as its intentions and open the debate
        window instead of resolving (``debate_window``); True too when the round's debate is
        open already (two last submissions at once: the second must not resolve it); False when
        the round resolves at once (sealed, no window, no players, paused) or has moved on."""
        scenario = await self._ctx.scenario_of(match_id, SYSTEM)
        async with self._ctx.lock(match_id):
            async with self._ctx.read() as tx:
                match = await load_match(tx, match_id, SYSTEM)
                if match.phase == "debate" and match.round == round:
                    return True
                if match.phase != "orders" or match.round != round or match.paused:
                    return False
                if not debate_window.wanted(scenario, match):
                    return False
                live = await orders_repo.live_submissions(tx, match_id, round)
                drafts = await _team_drafts(tx, match, round, live)
            now = self._ctx.now()
            locked = lock_orders(scenario, match, live, now, drafts)
            async with self._ctx.write() as tx:
                if await orders_repo.live_ids(tx, match_id, round) != _submitted(locked):
                    raise Conflict("the orders changed while the debate opened; try again")
                opened = await debate_window.open_in(tx, match, trigger, locked, now, timer_id)
            self._ctx.forget(match_id)
            return opened

    async def resolve_if_ready(
        self, match_id: int, actor: Actor, round: int | None = None
    ) -> RoundOutcome | None:
        """Resolve the round at once when every seat held by players has submitted (and the
        match is not paused); None when some are still missing. Call it after each submit."""
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor, with_state=False)
            live = await orders_repo.live_submissions(tx, match_id, match.round)
        if match.phase != "orders" or match.paused:
            return None
        if round is not None and round != match.round:
            return None
        statuses = seat_statuses(match, live)
        if not all(s.submitted for s in statuses if s.controller == "players"):
            return None
        if await self.open_debate(match_id, match.round, "all_submitted"):
            return None
        return await self._resolve(
            match_id, match.round, actor, "all_submitted", None, host_only=False
        )

    async def intentions(self, match_id: int, actor: Actor) -> dict[str, SeatOrders]:
        """The current round's orders as they would lock now (submitted, else the AI's or a
        hold), for the debate's intentions; nothing is stored. The host (or a moderator)
        opens the debate, so only they may read them before the orders lock."""
        scenario = await self._ctx.scenario_of(match_id, actor)
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor)
            await require_host(tx, match, actor, "post the intentions")
            live = await orders_repo.live_submissions(tx, match_id, match.round)
        locked = lock_orders(scenario, match, live, self._ctx.now())
        return {seat: item.orders for seat, item in locked.items()}

    async def causes_seen(
        self, match_id: int, actor: Actor, *, private_only: bool = False
    ) -> SeenCauses:
        """What moved the metrics the actor's seat sees in the last resolved round: exact
        changes for the metrics it sees exactly; for those it sees as an estimate, the causes
        with their direction only and the seat's own estimated change (issue 12 §4: a seat
        sees the causes of every change to a metric it can see, and no more than its view).
        Another seat's covert moves stay "a covert move" until exposed. ``private_only``:
        only the metrics the public reveal leaves out. NotSeated without a seat."""
        scenario = await self._ctx.scenario_of(match_id, actor)
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor, with_state=False)
            seat = match.seat_of(actor.player)
            if seat is None:
                raise NotSeated(f"you hold no seat in match {match_id}")
            number = match.rounds_resolved
            if number < 1:
                return SeenCauses(seat, 0, [])
            stored = await repo.get_round(tx, match_id, number)
            earlier = await repo.get_round(tx, match_id, number - 1)
        if stored is None or earlier is None:
            return SeenCauses(seat, 0, [])
        secret = secret_moves(scenario, stored.state.exposed, seat, over=match.finished)
        records = hide_covert((r for r in stored.records if r.round == number), secret)
        found = causes_seen(scenario, records, seat, private_only=private_only)
        now = seat_view(scenario, stored.state, seat, match.seed)
        old = seat_view(scenario, earlier.state, seat, match.seed)
        return SeenCauses(seat, number, moved(found, estimated_changes(scenario, now, old, seat)))

    async def get(self, match_id: int, round: int, actor: Actor) -> RoundOutcome:
        """A resolved round (0: the opening); NotFound when it has not been resolved."""
        scenario = await self._ctx.scenario_of(match_id, actor)
        async with self._ctx.read() as tx:
            stored = await repo.get_round(tx, match_id, round)
        if stored is None:
            raise NotFound(f"round {round} of match {match_id} has not been resolved")
        return outcome(scenario, stored, already=True)

    async def history(self, match_id: int, actor: Actor) -> list[RoundOutcome]:
        """Every resolved round of a match, the opening (round 0) first."""
        scenario = await self._ctx.scenario_of(match_id, actor)
        async with self._ctx.read() as tx:
            stored = await repo.all_rounds(tx, match_id)
        return [outcome(scenario, s, already=True) for s in stored]


async def _team_drafts(
    tx: Tx, match: Match, round: int, live: Mapping[str, Submission]
) -> dict[str, SeatOrders]:
    """The drafts of team seats that did not submit: they lock as they stand."""
    if match.team_size == 1 or all(s.seat in live for s in match.seats if s.holders):
        return {}
    found = await team_draft.latest(tx, match.id, round)
    return {
        seat: replace(
            orders,
            moves=tuple(
                replace(o, author=authors[o.move].argument_author if o.move in authors else None)
                for o in orders.moves
            ),
        )
        for seat, (orders, authors) in found.items()
        if seat not in live
    }


def _submitted(locked: Mapping[str, LockedSeat]) -> set[int]:
    """The ids of the submissions a round's locked orders came from."""
    return {item.submission_id for item in locked.values() if item.submission_id is not None}


def _match_changes(
    match: Match, state: MatchState, deadline: datetime | None, won: list[str], now: datetime
) -> dict[str, object]:
    """The columns of the match a resolved round changes (besides the state)."""
    if state.finished:
        return {
            "phase": "finished",
            "ended_at": time_text(now),
            "ending": state.ending,
            "winners": dumps(won),
            "deadline_at": None,
            "remaining_seconds": None,
        }
    if match.paused:
        return {
            "phase": "orders",
            "round": match.round + 1,
            "deadline_at": None,
            "remaining_seconds": match.deadline_seconds,
        }
    return {
        "phase": "orders",  # after a debate window
        "round": match.round + 1,
        "remaining_seconds": None,
        "deadline_at": None if deadline is None else time_text(deadline),
    }


def _log_entries(
    number: int, locked: Mapping[str, LockedSeat], result: RoundResult, rejected: list[str]
) -> list[Entry]:
    """The log lines of a resolved round: rejected and locked orders, then the engine's records."""
    entries = [Entry("orders_rejected", number, None, seat) for seat in rejected]
    for seat, item in locked.items():
        data = {
            "source": item.source,
            "submission": item.submission_id,
            "moves": [o.move for o in item.orders.moves],
        }
        entries.append(Entry("orders_locked", number, None, seat, data))
    return entries + engine_entries(result.records)

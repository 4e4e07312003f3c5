"""Forks of a stored match (``/match whatif``) and seat-swap rematches (``/match rematch``).

Who may fork: a fork replays the rest of a match under other seeds and shows every metric's
final value, hidden ones included. Once a match is over its record is open to everyone, so its
host, its players and the server's moderators may fork it; while it runs, a fork would show its
players what they may not see, so only moderators may. Forks are stored with the match and
listed in its log (those made while it ran: to moderators only, until it is over).

The engine work (``bot.game.fork``, ``bot.game.seat_swap.expected_scores``) runs in the
worker process of ``bot.library.compute``, never on the event loop.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.game.fork import Changes, ForkError, SeatPolicy, StoredMatch, check_fork
from bot.game.scenario import Scenario
from bot.game.seat_swap import EXPECTED_MATCHES, SWAP_MODES, SwapMode, swap_seats
from bot.library.compute import Compute, ComputeBusy, expected_job, fork_job
from bot.services.context import Context, is_moderator, load_match, require_host
from bot.services.errors import Cooldown, InvalidInput, NotAllowed, NotFound, WrongPhase
from bot.services.matches import MatchService
from bot.services.models import Actor
from db.models import Match, SeatSwap, StoredFork
from db.repos import forks as forks_repo
from db.repos import log as log_repo
from db.repos import rounds as rounds_repo
from db.repos import scenarios as scenarios_repo
from db.repos.log import Entry
from db.store import Tx

MAX_SEEDS = 200  # a fork asked for in Discord: enough for clear intervals, and quick
DEFAULT_SEEDS = 50
MAX_CHANGES = 25  # seats and moves named in one fork
BUSY = "the bot is busy with other forks and rematches; try again in a minute (nothing was saved)"


@dataclass(frozen=True)
class ForkChoices:
    """What a fork of a match may change: the rounds it may start from, the seats, the moves."""

    rounds: range
    scenario: Scenario


def _names(kind: str, given: Iterable[str], known: Iterable[str]) -> list[str]:
    wanted = [g.strip() for g in given if g.strip()]
    if len(wanted) > MAX_CHANGES:
        raise InvalidInput(f"a fork names at most {MAX_CHANGES} {kind}s")
    ids = list(known)
    for name in wanted:
        if name not in ids:
            raise InvalidInput(f"there is no {kind} '{name[:60]}' in this match's scenario")
    return list(dict.fromkeys(wanted))


async def _played_in(tx: Tx, match: Match, player: str) -> bool:
    if match.seat_of(player) is not None:
        return True
    taken = await log_repo.entries(tx, match.id, kinds=["seat_taken", "seat_substituted"])
    return any(str(e.data.get("player") or "") == player for e in taken)


class WhatIfService:
    """Forks of a stored match: made in the worker process, stored, listed."""

    def __init__(self, ctx: Context, compute: Compute) -> None:
        self._ctx = ctx
        self._compute = compute

    async def _may_fork(self, tx: Tx, match: Match, actor: Actor) -> bool:
        """Raise unless the actor may fork the match now; True when they are a moderator."""
        if match.phase == "lobby":
            raise WrongPhase(f"match {match.id} has not started: there is nothing to fork yet")
        moderator = await is_moderator(tx, actor)
        if not match.finished:
            if not moderator:
                raise NotAllowed(
                    f"match {match.id} is still running, and a fork would show values its "
                    "players may not see: only a moderator may fork it before it ends"
                )
        elif not (
            moderator or actor.player == match.host or await _played_in(tx, match, actor.player)
        ):
            raise NotAllowed("only the match's host, its players and moderators may fork it")
        return moderator

    async def choices(self, match_id: int, actor: Actor) -> ForkChoices:
        """The rounds a fork of the match may start from, and its scenario (seats, moves)."""
        scenario = await self._ctx.scenario_of(match_id, actor)
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor, with_state=False)
        resolved = match.rounds_resolved
        last = resolved if match.phase == "finished" else resolved + 1
        return ForkChoices(range(1, last + 1) if match.phase != "lobby" else range(0), scenario)

    async def fork(
        self,
        match_id: int,
        actor: Actor,
        from_round: int,
        *,
        hold: Iterable[str] = (),
        ai: Iterable[str] = (),
        drop: Iterable[str] = (),
        seeds: int = DEFAULT_SEEDS,
    ) -> StoredFork:
        """Fork the match from ``from_round``: ``hold`` seats give no orders, ``ai`` seats are
        played by the AI, ``drop`` moves are taken out, over ``seeds`` seeds; stored."""
        self._ctx.throttle.admit(actor, match_id)
        scenario = await self._ctx.scenario_of(match_id, actor)
        if not 1 <= seeds <= MAX_SEEDS:
            raise InvalidInput(f"a fork runs over 1 to {MAX_SEEDS} seeds")
        held = _names("seat", hold, scenario.seat_ids)
        played = _names("seat", ai, scenario.seat_ids)
        both = sorted(set(held) & set(played))
        if both:
            raise InvalidInput(f"a seat cannot both hold and be played by the AI: {both[0]}")
        dropped = _names("move", drop, (m.id for m in scenario.moves))
        policies: dict[str, SeatPolicy] = {s: "hold" for s in held}
        policies.update({s: "ai" for s in played})
        changes = Changes(policies=policies, drop=frozenset(dropped))
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor, with_state=False)
            await self._may_fork(tx, match, actor)
            text = await scenarios_repo.get_text(tx, match.scenario_sha256)
            rounds = await rounds_repo.all_rounds(tx, match_id)
        if text is None:
            raise NotFound(f"the scenario of match {match_id} is no longer stored")
        stored = StoredMatch(
            seed=match.seed,
            states=tuple(r.state for r in rounds),
            orders=tuple({s: o.orders for s, o in r.orders.items()} for r in rounds[1:]),
        )
        try:
            check_fork(scenario, stored, from_round, changes)
            report = await self._compute.run(
                fork_job, text, stored, from_round, seeds, changes, match_id
            )
        except ForkError as err:
            raise InvalidInput(str(err)) from None
        except ComputeBusy:
            raise Cooldown(BUSY) from None
        asked = {"hold": held, "ai": played, "drop": dropped}
        now = self._ctx.now()
        async with self._ctx.write() as tx:
            fork_id = await forks_repo.add_fork(
                tx,
                match_id,
                now,
                actor.player,
                actor.label,
                not match.finished,
                from_round,
                seeds,
                asked,
                report,
            )
            found = await forks_repo.get_fork(tx, fork_id)
        assert found is not None
        return found

    async def forks(self, match_id: int, actor: Actor) -> list[StoredFork]:
        """The match's stored forks the actor may see, oldest first (forks made while it runs
        are for moderators until it is over)."""
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor, with_state=False)
            everyone = match.finished or await is_moderator(tx, actor)
            return await forks_repo.forks_of(tx, match_id, with_running=everyone)


class RematchService:
    """Seat-swap rematches: the same scenario and seed, every seat's players moved."""

    def __init__(self, ctx: Context, matches: MatchService, compute: Compute) -> None:
        self._ctx = ctx
        self._matches = matches
        self._compute = compute

    async def create(
        self, match_id: int, by: Actor, mode: str, channel_id: str | None
    ) -> tuple[Match, SeatSwap]:
        """A new match in the lobby (host or moderator of a match that is over), with every
        seat's players seated in the seat the swap gives them; start it as any other.
        ``channel_id``: where its lobby goes (None: the source match's channel)."""
        self._ctx.throttle.admit(by, match_id)
        if mode not in SWAP_MODES:
            raise InvalidInput("a swap is rotate or random")
        scenario = await self._ctx.scenario_of(match_id, by)
        async with self._ctx.read() as tx:
            source = await load_match(tx, match_id, by, with_state=False)
            await require_host(tx, source, by, "start a rematch")
            text = await scenarios_repo.get_text(tx, source.scenario_sha256)
        if not source.finished:
            raise WrongPhase(f"match {match_id} is not over yet: a rematch follows its end")
        if text is None:
            raise NotFound(f"the scenario of match {match_id} is no longer stored")
        if not any(s.holders for s in source.seats):
            raise InvalidInput(f"nobody played match {match_id}: there is nobody to swap")
        kind: SwapMode = "random" if mode == "random" else "rotate"
        seats = swap_seats(scenario.seat_ids, kind, source.seed)
        try:
            expected = await self._compute.run(
                expected_job, text, source.seed, source.last_round, EXPECTED_MATCHES
            )
        except ComputeBusy:
            raise Cooldown(BUSY) from None
        match = await self._matches.create(
            by,
            source.scenario_sha256,
            source_id=source.scenario_source,
            seed=source.seed,
            rounds=source.last_round,
            deadline_seconds=source.deadline_seconds,
            ai_fill=source.ai_fill,
            team_size=source.team_size,
            guild_id=source.guild_id,
            channel_id=channel_id or source.channel_id,
            settings={"rematch_of": source.id, "swap": mode},
        )
        swap = SeatSwap(
            match.id,
            source.id,
            kind,
            seats,
            expected,
            EXPECTED_MATCHES,
            self._ctx.now(),
        )
        async with self._ctx.changing(match.id) as tx:
            for info in source.seats:
                for holder in info.holders:
                    current = await load_match(tx, match.id, by, with_state=False)
                    await self._matches.seat_in(
                        tx, current, seats[info.seat], holder.player, holder.name, by.player
                    )
            await forks_repo.add_swap(tx, swap)
            entry = Entry(
                "rematch_of",
                0,
                by.player,
                data={"match": source.id, "mode": mode, "seats": seats},
            )
            await log_repo.append(tx, match.id, self._ctx.now(), [entry])
            seated = await load_match(tx, match.id, by)
        return seated, swap

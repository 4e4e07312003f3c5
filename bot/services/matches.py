"""Matches: create, the lobby (take, leave, assign, remove seats), start, and reading them."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.game.engine import new_match, round_rng
from bot.services.common import (
    announce,
    audit_match,
    deadline_for,
    engine_entries,
    iso,
    schedule_round,
    team_member,
)
from bot.services.context import (
    Context,
    is_moderator,
    load_match,
    require_host,
    require_live,
    scope,
)
from bot.services.deals import DealService
from bot.services.errors import (
    Conflict,
    InvalidInput,
    NotAllowed,
    NotSeated,
    SeatTaken,
    UnknownSeat,
    WrongPhase,
)
from bot.services.models import MAX_NAME, MAX_TEAM, Actor
from db.codec import state_text, time_text
from db.models import Holder, LogEntry, Match
from db.repos import log as log_repo
from db.repos import matches as repo
from db.repos import rounds as rounds_repo
from db.repos import servers as servers_repo
from db.repos import watchers as watchers_repo
from db.repos.log import Entry
from db.store import Tx

MIN_DEADLINE = 10
MAX_DEADLINE = 14 * 24 * 3600
MAX_SEED = 2**62


@dataclass(frozen=True)
class Planned:
    """A match checked and ready to store (``MatchService.plan``)."""

    new: repo.NewMatch
    seat_ids: tuple[str, ...]
    version: str


def capacity(players_max: int, seats: int, team_size: int) -> int:
    """How many players a match seats: the seats humans may take, times the team size."""
    return min(players_max, seats) * team_size


class MatchService:
    """Creating matches, seating players, starting, and reading matches and their logs."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    async def create(
        self,
        host: Actor,
        scenario_sha256: str,
        *,
        source_id: int | None = None,
        seed: int | None = None,
        rounds: int | None = None,
        deadline_seconds: int | None = None,
        ai_fill: bool = True,
        teams: bool = False,
        team_size: int | None = None,
        guild_id: str | None = None,
        channel_id: str | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> Match:
        """Create a match in the lobby.

        ``seed`` is drawn with ``secrets`` when omitted; ``rounds`` defaults to the scenario's;
        ``deadline_seconds`` is the time each round's orders stay open (None: no deadline);
        ``ai_fill``: empty seats (and seats whose players miss a deadline) get the AI's orders,
        otherwise they hold; ``team_size``: how many players may hold one seat (1 to 10; the
        scenario's ``players`` counts seats, the team size multiplies it); ``teams`` alone (no
        size) means up to ten a seat. On a server whose settings list allowed channels, a
        match elsewhere is NotAllowed.
        """
        planned = await self.plan(
            host,
            scenario_sha256,
            source_id=source_id,
            seed=seed,
            rounds=rounds,
            deadline_seconds=deadline_seconds,
            ai_fill=ai_fill,
            teams=teams,
            team_size=team_size,
            guild_id=guild_id,
            channel_id=channel_id,
            settings=settings,
        )
        async with self._ctx.write() as tx:
            await self.check_channel(tx, planned.new.guild_id, planned.new.channel_id)
            match_id = await self.insert(tx, planned, host)
            return await load_match(tx, match_id, host)

    async def plan(
        self,
        host: Actor,
        scenario_sha256: str,
        *,
        source_id: int | None = None,
        seed: int | None = None,
        rounds: int | None = None,
        deadline_seconds: int | None = None,
        ai_fill: bool = True,
        teams: bool = False,
        team_size: int | None = None,
        guild_id: str | None = None,
        channel_id: str | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> Planned:
        """A new match's settings, checked (InvalidInput), before anything is stored (``create``
        explains the options; a class run plans one and inserts it once per group)."""
        scope(host)
        if host.front == "discord":
            guild_id = host.guild_id  # a server's match is created from that server only
        scenario = await self._ctx.scenario(scenario_sha256)
        last = scenario.meta.rounds if rounds is None else rounds
        if not 1 <= last <= 20:
            raise InvalidInput("a match lasts between 1 and 20 rounds")
        if deadline_seconds is not None and not MIN_DEADLINE <= deadline_seconds <= MAX_DEADLINE:
            raise InvalidInput(f"a round's deadline is between {MIN_DEADLINE} seconds and 14 days")
        size = team_size if team_size is not None else (MAX_TEAM if teams else 1)
        if not 1 <= size <= MAX_TEAM:
            raise InvalidInput(f"a team has between 1 and {MAX_TEAM} players")
        teams = size > 1
        if seed is None:
            seed = secrets.randbelow(2**31)
        if not 0 <= seed < MAX_SEED:
            raise InvalidInput(f"a seed is a whole number from 0 to {MAX_SEED - 1}")
        new = repo.NewMatch(
            scenario_sha256=scenario_sha256,
            scenario_source=source_id,
            scenario_id=scenario.meta.id,
            scenario_version=scenario.meta.version,
            guild_id=guild_id,
            channel_id=channel_id,
            host=host.player,
            seed=seed,
            last_round=last,
            ai_fill=ai_fill,
            teams=teams,
            deadline_seconds=deadline_seconds,
            settings=dict(settings or {}),
            team_size=size,
        )
        return Planned(new, tuple(scenario.seat_ids), scenario.meta.version)

    async def check_channel(self, tx: Tx, guild_id: str | None, channel_id: str | None) -> None:
        """NotAllowed when the server plays only in channels its moderators chose, and this is
        not one of them."""
        if guild_id is not None and channel_id is not None:
            allowed = (await servers_repo.get_settings(tx, guild_id)).allowed_channels
            if allowed and channel_id not in allowed:
                raise NotAllowed(
                    "matches on this server are played only in the channels its moderators "
                    "chose, and this is not one of them"
                )

    async def insert(self, tx: Tx, planned: Planned, host: Actor) -> int:
        """Store a planned match in the lobby (in the caller's transaction); its id."""
        new = planned.new
        now = self._ctx.now()
        match_id = await repo.insert_match(tx, new, planned.seat_ids, now)
        data = {
            "scenario": new.scenario_id,
            "version": new.scenario_version,
            "sha256": new.scenario_sha256,
            "seed": new.seed,
            "rounds": new.last_round,
            "ai_fill": new.ai_fill,
            "teams": new.teams,
            "team_size": new.team_size,
            "deadline_seconds": new.deadline_seconds,
            "host_name": host.name,
        }
        await log_repo.append(
            tx, match_id, now, [Entry("match_created", 0, host.player, data=data)]
        )
        return match_id

    async def place(self, tx: Tx, match: Match, seat: str, player: str, name: str) -> Match:
        """Seat a player in a lobby match by the match's host, in the caller's transaction (a
        class run spreading a role); the match as it is afterwards."""
        await self._seat(tx, match, seat, player, name, match.host)
        found = await repo.get_match(tx, match.id, with_state=False)
        assert found is not None
        return found

    async def get(self, match_id: int, actor: Actor) -> Match:
        """The match with its seats, holders, phase, round, deadline and current state."""
        async with self._ctx.read() as tx:
            return await load_match(tx, match_id, actor)

    async def list_matches(
        self,
        actor: Actor,
        *,
        guild_id: str | None = None,
        local_only: bool = False,
        active_only: bool = False,
        player: str | None = None,
        scenario_id: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Match]:
        """Matches, newest first: of one server, local (terminal) ones, unfinished, a player's,
        of one scenario (by id); ``offset`` skips the first ones (for pages). A Discord actor
        sees only its own server's matches, whatever ``guild_id`` says."""
        scope(actor)
        if actor.front == "discord":
            guild_id, local_only = actor.guild_id, False
        phases = ["lobby", "orders", "debate"] if active_only else None
        async with self._ctx.read() as tx:
            return await repo.list_matches(
                tx,
                guild_id=guild_id,
                local_only=local_only,
                phases=phases,
                player=player,
                scenario_id=scenario_id,
                limit=limit,
                offset=offset,
            )

    async def seat_of(self, match_id: int, actor: Actor) -> str | None:
        """The seat the actor holds in the match, or None."""
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor, with_state=False)
        return match.seat_of(actor.player)

    async def sight_of(self, match_id: int, actor: Actor) -> tuple[str | None, bool]:
        """How the actor may see the running match: the seat they hold (its secrets), and
        whether they see it as its umpire, a moderator with no seat, who sees every covert move
        (metrics stay as the public sees them)."""
        async with self._ctx.read() as tx:
            match = await load_match(tx, match_id, actor, with_state=False)
            seat = match.seat_of(actor.player)
            return seat, seat is None and await is_moderator(tx, actor)

    async def log(
        self, match_id: int, actor: Actor, *, after_id: int = 0, kinds: Sequence[str] | None = None
    ) -> list[LogEntry]:
        """The match's append-only log (after ``after_id``, of the given kinds)."""
        async with self._ctx.read() as tx:
            await load_match(tx, match_id, actor, with_state=False)
            return await log_repo.entries(tx, match_id, after_id=after_id, kinds=kinds)

    async def take_seat(self, match_id: int, actor: Actor, seat: str) -> Match:
        """The actor takes a seat in the lobby (switching seats if they held another)."""
        self._ctx.throttle.admit(actor, match_id)
        async with self._ctx.changing(match_id) as tx:
            match = await load_match(tx, match_id, actor, with_state=False)
            if match.phase != "lobby":
                raise WrongPhase("the match has started: ask the host or a moderator for a seat")
            await self._seat(tx, match, seat, actor.player, actor.name, actor.player)
            return await load_match(tx, match_id, actor)

    async def leave(self, match_id: int, actor: Actor) -> Match:
        """The actor gives up their seat (in a started match the AI or nobody takes over)."""
        self._ctx.throttle.admit(actor, match_id)
        async with self._ctx.changing(match_id) as tx:
            match = await load_match(tx, match_id, actor, with_state=False)
            require_live(match, "leave a seat")
            await self._unseat(tx, match, actor.player, actor.player, "seat_left")
            return await load_match(tx, match_id, actor)

    async def assign_seat(
        self, match_id: int, by: Actor, player: str, name: str, seat: str
    ) -> Match:
        """The host or a moderator seats a player (in the lobby or during the match)."""
        self._ctx.throttle.admit(by, match_id)
        async with self._ctx.changing(match_id) as tx:
            match = await load_match(tx, match_id, by, with_state=False)
            await require_host(tx, match, by, "assign seats")
            require_live(match, "take a seat")
            await self._seat(tx, match, seat, player, name, by.player)
            await audit_match(
                tx,
                match,
                by.player,
                "seat_assigned",
                {"seat": seat, "player": player},
                self._ctx.now(),
            )
            return await load_match(tx, match_id, by)

    async def remove_player(self, match_id: int, by: Actor, player: str) -> Match:
        """The host or a moderator takes a player out of their seat."""
        self._ctx.throttle.admit(by, match_id)
        async with self._ctx.changing(match_id) as tx:
            match = await load_match(tx, match_id, by, with_state=False)
            await require_host(tx, match, by, "remove players")
            require_live(match, "change seats")
            await self._unseat(tx, match, player, by.player, "seat_removed")
            await audit_match(
                tx, match, by.player, "player_removed", {"player": player}, self._ctx.now()
            )
            return await load_match(tx, match_id, by)

    async def seat_in(
        self, tx: Tx, match: Match, seat: str, player: str, name: str, by: str
    ) -> None:
        """Seat a player in the caller's transaction (a rematch seats its players at once)."""
        await self._seat(tx, match, seat, player, name, by)

    async def _seat(self, tx: Tx, match: Match, seat: str, player: str, name: str, by: str) -> None:
        info = match.seat(seat)
        if info is None:
            known = ", ".join(s.seat for s in match.seats)
            raise UnknownSeat(f"there is no seat '{seat}'; the seats are {known}")
        if player in info.players:
            return
        if len(info.holders) >= match.team_size:
            if match.team_size == 1:
                raise SeatTaken(f"{info.holders[0].name or 'another player'} already holds {seat}")
            raise SeatTaken(f"{seat}'s team is full ({match.team_size} players)")
        scenario = await self._ctx.scenario(match.scenario_sha256)
        room = capacity(scenario.meta.players.max, len(match.seats), match.team_size)
        seated = sum(len(s.holders) for s in match.seats) - (1 if match.seat_of(player) else 0)
        if seated >= room:
            raise SeatTaken(f"the match is full ({room} players)")
        now = self._ctx.now()
        if match.seat_of(player) is not None:
            await self._unseat(tx, match, player, by, "seat_left")
        await repo.add_holder(tx, match.id, seat, player, name[:MAX_NAME], now)
        await watchers_repo.remove(tx, match.id, player)  # a player no longer watches
        entries = [Entry("seat_taken", match.round, by, seat, {"player": player, "name": name})]
        await team_member(tx, match, seat, player, True, now)
        if not info.holders or info.captain is None:
            await repo.set_captain(tx, match.id, seat, player)
            if match.team_size > 1:
                entries.append(Entry("captain", match.round, by, seat, {"player": player}))
        await repo.bump(tx, match.id)
        await log_repo.append(tx, match.id, now, entries)

    async def _unseat(self, tx: Tx, match: Match, player: str, by: str, kind: str) -> None:
        seat = await repo.remove_holder(tx, match.id, player)
        if seat is None:
            raise NotSeated(f"{player if by != player else 'you'} hold(s) no seat in this match")
        info = match.seat(seat)
        if match.phase != "lobby" and info is not None and len(info.holders) == 1:
            await repo.set_ai(tx, match.id, [seat], match.ai_fill)
        entries = [Entry(kind, match.round, by, seat, {"player": player})]
        await team_member(tx, match, seat, player, False, self._ctx.now())
        if info is not None and info.captain in (player, None):
            # The longest-serving member left leads (holders come oldest first).
            heir = next((h.player for h in info.holders if h.player != player), None)
            await repo.set_captain(tx, match.id, seat, heir)
            if match.team_size > 1:
                entries.append(Entry("captain", match.round, by, seat, {"player": heir}))
        await repo.bump(tx, match.id)
        await log_repo.append(tx, match.id, self._ctx.now(), entries)

    async def watch(self, match_id: int, actor: Actor) -> bool:
        """Watch the match as a spectator, or stop watching when the actor already does;
        True when they watch now. A seated player cannot watch (NotAllowed)."""
        self._ctx.throttle.admit(actor, match_id)
        async with self._ctx.write() as tx:
            match = await load_match(tx, match_id, actor, with_state=False)
            if await watchers_repo.remove(tx, match_id, actor.player):
                return False
            if match.seat_of(actor.player) is not None:
                raise NotAllowed(
                    "you hold a seat in this match: players play, they do not watch "
                    "(leave your seat first to watch)"
                )
            if match.finished:
                raise WrongPhase(f"match {match_id} is over: its record is open to everyone")
            await watchers_repo.add(
                tx, match_id, actor.player, actor.name[:MAX_NAME], self._ctx.now()
            )
            return True

    async def watchers(self, match_id: int, actor: Actor) -> list[Holder]:
        """Who watches the match, longest watching first."""
        async with self._ctx.read() as tx:
            await load_match(tx, match_id, actor, with_state=False)
            return await watchers_repo.of_match(tx, match_id)

    async def set_captain(self, match_id: int, by: Actor, player: str) -> Match:
        """Make ``player`` their seat's captain: the captain hands over to a member of their
        own team, or the host or a moderator picks any seated player."""
        self._ctx.throttle.admit(by, match_id)
        async with self._ctx.changing(match_id) as tx:
            match = await load_match(tx, match_id, by, with_state=False)
            require_live(match, "change captains")
            seat = match.seat_of(player)
            if seat is None:
                raise NotSeated(f"{player} holds no seat in this match")
            if match.captain_of(seat) != by.player or match.seat_of(by.player) != seat:
                await require_host(tx, match, by, "choose another team's captain")
                await audit_match(
                    tx,
                    match,
                    by.player,
                    "captain_assigned",
                    {"seat": seat, "player": player},
                    self._ctx.now(),
                )
            await repo.set_captain(tx, match_id, seat, player)
            await repo.bump(tx, match_id)
            entry = Entry("captain", match.round, by.player, seat, {"player": player})
            await log_repo.append(tx, match_id, self._ctx.now(), [entry])
            return await load_match(tx, match_id, by)

    async def start(self, match_id: int, by: Actor) -> Match:
        """Lobby -> round 1: empty seats get the AI (or hold), the opening is stored, the first
        deadline is set, and ``match_started`` is announced."""
        self._ctx.throttle.admit(by, match_id)
        scenario = await self._ctx.scenario_of(match_id, by)
        async with self._ctx.changing(match_id) as tx:
            match = await load_match(tx, match_id, by, with_state=False)
            await require_host(tx, match, by, "start the match")
            if match.phase != "lobby":
                raise WrongPhase(f"match {match_id} has already started")
            opening = new_match(scenario, round_rng(match.seed, 0), match.last_round)
            now = self._ctx.now()
            deadline = deadline_for(match, now)
            text = state_text(opening.state)
            changes = {
                "phase": "orders",
                "round": 1,
                "state": text,
                "started_at": time_text(now),
                "deadline_at": None if deadline is None else time_text(deadline),
            }
            if not await repo.compare_and_set(tx, match_id, (0, "lobby", None), changes):
                raise Conflict("the match changed while starting; try again")
            empty = [s.seat for s in match.seats if not s.holders]
            await repo.set_ai(tx, match_id, empty, match.ai_fill)
            await rounds_repo.insert_round(
                tx, match_id, 0, opening.state, opening.records, {}, "start", now
            )
            entries = [Entry("match_started", 1, by.player, data={"ai_seats": empty})]
            await log_repo.append(tx, match_id, now, entries + engine_entries(opening.records))
            if deadline is not None and match.deadline_seconds is not None:
                await schedule_round(tx, match_id, 1, deadline, match.deadline_seconds, now)
            started = await load_match(tx, match_id, by)
            seats = {s.seat: s.controller for s in started.seats}
            await announce(
                tx,
                started,
                "match_started",
                "started",
                now,
                1,
                {"seats": seats, "deadline_at": iso(deadline)},
            )
        await DealService(self._ctx).open_round(match_id)  # round 1 opens: the AI's talks
        return started

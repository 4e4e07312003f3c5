"""Class runs: one teacher opens several matches at once with the same scenario and seed (one
group each), optionally spreads a role's members over them, and compares them at the end.

A class run is one row (``classes``) with its matches (``class_matches``). Its use cases follow
the rules of matches: a class run of another server is *not found* (exactly like one that does
not exist), a direct message is refused, and its matches keep their own rules (the creator
hosts every one; the host or a moderator starts, ends and seats them).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.services.context import Context, scope
from bot.services.errors import ClassNotFound, InvalidInput
from bot.services.matches import MatchService, capacity
from bot.services.models import MAX_NAME, Actor
from db.models import ClassRun, Match
from db.repos import classes as repo
from db.repos import matches as matches_repo
from db.store import Tx

MIN_GROUPS = 2
MAX_GROUPS = 10
MAX_STUDENTS = 500
CLASS_KEY = -1  # throttle key for creating class runs (match ids are positive)


@dataclass(frozen=True)
class Placement:
    """Where a student sits: their group (from 1), its match, and the seat."""

    player: str
    name: str
    group: int
    match_id: int
    seat: str


@dataclass(frozen=True)
class ClassView:
    """A class run with its matches as they stand (group 1 first), and who sits where."""

    run: ClassRun
    matches: tuple[Match, ...]
    placements: tuple[Placement, ...] = field(default=())

    @property
    def over(self) -> bool:
        """True once every group's match is over."""
        return all(m.finished for m in self.matches)


def spread(
    members: Sequence[tuple[str, str]], groups: int, seats: Sequence[str], seed: int
) -> list[tuple[str, str, int, str]]:
    """(player, name, group from 1, seat) for every member: shuffled with the class's seed, dealt
    round-robin over the groups, then over each group's seats (in a seeded order), so groups
    differ by at most one student and a group's seats by at most one member."""
    rng = random.Random(f"levers-class:{seed}")
    people = sorted(dict(members).items())
    rng.shuffle(people)
    orders = []
    for _ in range(groups):
        order = list(seats)
        rng.shuffle(order)
        orders.append(order)
    made = []
    for index, (player, name) in enumerate(people):
        group, turn = index % groups, index // groups
        made.append((player, name, group + 1, orders[group][turn % len(seats)]))
    return made


class ClassService:
    """Creating class runs and reading them (the review compares their records)."""

    def __init__(self, ctx: Context, matches: MatchService) -> None:
        self._ctx = ctx
        self._matches = matches

    async def create(
        self,
        host: Actor,
        scenario_sha256: str,
        *,
        groups: int,
        team_size: int = 1,
        seed: int | None = None,
        rounds: int | None = None,
        deadline_seconds: int | None = None,
        ai_fill: bool = True,
        source_id: int | None = None,
        guild_id: str | None = None,
        channel_id: str | None = None,
        role_id: str | None = None,
        members: Sequence[tuple[str, str]] = (),
    ) -> ClassView:
        """Open ``groups`` matches in the lobby with the same scenario and seed, hosted by
        ``host``, all in one transaction; ``members`` ((id, name) pairs, e.g. a role's) are
        spread over the groups and seats at random (seeded by the class's seed), evenly.

        InvalidInput for a group count out of range or more members than the groups seat.
        """
        scope(host)
        self._ctx.throttle.admit(host, CLASS_KEY)
        if not MIN_GROUPS <= groups <= MAX_GROUPS:
            raise InvalidInput(f"a class run has between {MIN_GROUPS} and {MAX_GROUPS} groups")
        if seed is None:
            seed = secrets.randbelow(2**31)
        planned = await self._matches.plan(
            host,
            scenario_sha256,
            source_id=source_id,
            seed=seed,
            rounds=rounds,
            deadline_seconds=deadline_seconds,
            ai_fill=ai_fill,
            team_size=team_size,
            guild_id=guild_id,
            channel_id=channel_id,
        )
        new = planned.new
        scenario = await self._ctx.scenario(scenario_sha256)
        room = capacity(scenario.meta.players.max, len(planned.seat_ids), new.team_size)
        people = {p: n[:MAX_NAME] for p, n in members}
        if len(people) > MAX_STUDENTS:
            raise InvalidInput(f"a class run seats at most {MAX_STUDENTS} students")
        if len(people) > groups * room:
            raise InvalidInput(
                f"the {len(people)} students do not fit in {groups} groups of {room} "
                f"({len(planned.seat_ids)} seats, teams of up to {new.team_size}): "
                "give more groups or a larger team_size"
            )
        async with self._ctx.write() as tx:
            await self._matches.check_channel(tx, new.guild_id, new.channel_id)
            match_ids = [await self._matches.insert(tx, planned, host) for _ in range(groups)]
            class_id = await repo.insert_class(
                tx,
                repo.NewClass(
                    guild_id=new.guild_id,
                    channel_id=new.channel_id,
                    host=host.player,
                    scenario_sha256=scenario_sha256,
                    scenario_id=new.scenario_id,
                    seed=new.seed,
                    team_size=new.team_size,
                    role_id=role_id,
                ),
                self._ctx.now(),
            )
            await repo.add_matches(tx, class_id, match_ids)
            placements = await self._place(tx, match_ids, people, planned.seat_ids, new.seed)
            return await self._view(tx, class_id, host, placements)

    async def _place(
        self,
        tx: Tx,
        match_ids: Sequence[int],
        people: dict[str, str],
        seats: Sequence[str],
        seed: int,
    ) -> tuple[Placement, ...]:
        placed = []
        current: dict[int, Match] = {}
        for player, name, group, seat in spread(list(people.items()), len(match_ids), seats, seed):
            match_id = match_ids[group - 1]
            match = current.get(match_id) or await matches_repo.get_match(
                tx, match_id, with_state=False
            )
            assert match is not None
            current[match_id] = await self._matches.place(tx, match, seat, player, name)
            placed.append(Placement(player, name, group, match_id, seat))
        return tuple(placed)

    async def _view(
        self, tx: Tx, class_id: int, actor: Actor, placements: tuple[Placement, ...] = ()
    ) -> ClassView:
        run = await repo.get_class(tx, class_id)
        if run is None or not actor.sees(run.guild_id):
            raise ClassNotFound(class_id)
        found = []
        for match_id in run.matches:
            match = await matches_repo.get_match(tx, match_id, with_state=False)
            assert match is not None
            found.append(match)
        return ClassView(run, tuple(found), placements)

    async def get(self, class_id: int, actor: Actor) -> ClassView:
        """The class run with its matches as they stand (ClassNotFound for another server's)."""
        scope(actor)
        async with self._ctx.read() as tx:
            return await self._view(tx, class_id, actor)

    async def list_classes(self, actor: Actor, limit: int = 25) -> list[ClassRun]:
        """The class runs of the actor's server (a terminal actor: every one), newest first."""
        scope(actor)
        guild = actor.guild_id if actor.front == "discord" else None
        async with self._ctx.read() as tx:
            return await repo.list_classes(tx, guild, limit)

"""What every service shares: the store, the clock, one lock per match, parsed scenarios."""

from __future__ import annotations

import asyncio
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from bot.game.scenario import Scenario
from bot.game.validate import ScenarioInvalid, load_scenario
from bot.services.clock import Clock
from bot.services.errors import (
    MatchNotFound,
    NoServer,
    NotAllowed,
    RoundClosed,
    StorageBusy,
    StorageError,
    StorageFull,
    UnknownScenario,
    WrongPhase,
)
from bot.services.models import Actor
from bot.services.throttle import Throttle
from db.errors import StoreBusy, StoreError, StoreFull
from db.models import Match
from db.repos import matches as matches_repo
from db.repos import scenarios as scenarios_repo
from db.repos import servers as servers_repo
from db.shards import Shards
from db.store import Store, Tx

SCENARIO_CACHE = 32
_PARSED: OrderedDict[str, Scenario] = OrderedDict()
"""Parsed scenarios by the SHA-256 of their exact text, shared by the process (they are
immutable and the key is their content, so sharing is safe)."""


def remember(sha256: str, scenario: Scenario) -> None:
    """Keep a parsed scenario under the hash of its text (the last few are kept)."""
    _PARSED[sha256] = scenario
    _PARSED.move_to_end(sha256)
    while len(_PARSED) > SCENARIO_CACHE:
        _PARSED.popitem(last=False)


def known(sha256: str) -> Scenario | None:
    """The parsed scenario with this text hash, if this process has parsed it."""
    found = _PARSED.get(sha256)
    if found is not None:
        _PARSED.move_to_end(sha256)
    return found


def storage_error(err: StoreError) -> StorageError:
    """The service error for a store error (the message says nothing was saved)."""
    if isinstance(err, StoreFull):
        return StorageFull(str(err))
    if isinstance(err, StoreBusy):
        return StorageBusy(str(err))
    return StorageError(str(err))


class Context:
    """Shared by the services of one ``Services``: never used by front ends directly."""

    def __init__(self, store: Store, clock: Clock, shards: Shards | None = None) -> None:
        self.store = store
        self.clock = clock
        self.shards = shards
        """The shards this process holds (None: all): it fires only their servers' timers
        and posts only their announcements (another process holds the others)."""
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._match_sha: dict[int, tuple[str, str | None]] = {}
        self.throttle = Throttle()
        """How fast one person may act on one match (``admit`` in each use case that acts)."""
        self.listeners: list[Callable[[frozenset[str]], None]] = []
        """Told after a commit that wrote announcements or timers (``Tx.touched``): the Discord
        front end wakes its announcer and timer worker, so no use case's caller has to."""
        self.views: dict[tuple[int, str], Any] = {}
        """Per (match, player): what submissions are checked against (``orders.py``)."""

    def forget(self, match_id: int) -> None:
        """Drop cached views of a match after changing its round, phase or seats."""
        for key in [k for k in self.views if k[0] == match_id]:
            del self.views[key]

    def now(self) -> datetime:
        """The current time from the injected clock."""
        return self.clock()

    @asynccontextmanager
    async def lock(self, match_id: int) -> AsyncIterator[None]:
        """The lock of one match: use cases on a match run one at a time in this process
        (an ``asyncio.Lock``) and across the processes sharing the store (the store's match
        lock: a PostgreSQL advisory lock; nothing more with SQLite's single process)."""
        found = self._locks.get(match_id)
        if found is None:
            found = asyncio.Lock()
            self._locks[match_id] = found
        async with found:
            try:
                async with self.store.match_lock(match_id):
                    yield
            except StoreError as err:
                raise storage_error(err) from err

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Tx]:
        """A write transaction; store faults become StorageError (nothing was saved)."""
        try:
            async with self.store.write() as tx:
                yield tx
        except StoreError as err:
            raise storage_error(err) from err
        if tx.touched:
            touched = frozenset(tx.touched)
            for listener in self.listeners:
                listener(touched)

    @asynccontextmanager
    async def changing(self, match_id: int) -> AsyncIterator[Tx]:
        """The match's lock and a write transaction; cached views of the match are dropped."""
        async with self.lock(match_id):
            try:
                async with self.write() as tx:
                    yield tx
            finally:
                self.forget(match_id)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """A read transaction; store faults become StorageError."""
        try:
            async with self.store.read() as tx:
                yield tx
        except StoreError as err:
            raise storage_error(err) from err

    async def scenario(self, sha256: str) -> Scenario:
        """The parsed scenario stored under this hash."""
        found = known(sha256)
        if found is not None:
            return found
        async with self.read() as tx:
            body = await scenarios_repo.get_text(tx, sha256)
        if body is None:
            raise UnknownScenario(f"no stored scenario has the hash {sha256[:12]}…")
        try:
            scenario = load_scenario(body, f"scenario {sha256[:12]}")
        except ScenarioInvalid as err:
            raise UnknownScenario(
                f"the stored scenario {sha256[:12]}… no longer loads: {err}"
            ) from None
        remember(sha256, scenario)
        return scenario

    async def scenario_of(self, match_id: int, actor: Actor) -> Scenario:
        """The scenario a match plays (read before taking the match's transaction);
        MatchNotFound when the match is not the actor's server's."""
        scope(actor)
        found = self._match_sha.get(match_id)
        if found is None:
            async with self.read() as tx:
                found = await matches_repo.scenario_and_guild(tx, match_id)
            if found is None:
                raise MatchNotFound(match_id)
            self._match_sha[match_id] = found
        sha, guild = found
        if not actor.sees(guild):
            raise MatchNotFound(match_id)
        return await self.scenario(sha)


def scope(actor: Actor) -> None:
    """NoServer for a Discord request without a server (a direct message)."""
    if actor.front == "discord" and actor.guild_id is None:
        raise NoServer()


def server_of(actor: Actor) -> str:
    """The server the actor asks from (NoServer when there is none: a library, settings and
    an audit log belong to a server)."""
    scope(actor)
    if actor.guild_id is None:
        raise NoServer()
    return actor.guild_id


def visible(match: Match | None, match_id: int, actor: Actor) -> Match:
    """The match when the actor may know of it; MatchNotFound otherwise (another server's
    match is answered exactly like one that does not exist)."""
    scope(actor)
    if match is None or not actor.sees(match.guild_id):
        raise MatchNotFound(match_id)
    return match


async def load_match(tx: Tx, match_id: int, actor: Actor, *, with_state: bool = True) -> Match:
    """The match, or MatchNotFound (also for another server's match)."""
    found = await matches_repo.get_match(tx, match_id, with_state=with_state)
    return visible(found, match_id, actor)


async def is_moderator(tx: Tx, actor: Actor) -> bool:
    """Administrator's right (``actor.moderator``), or the server's moderator role."""
    if actor.moderator:
        return True
    if actor.guild_id is None or not actor.roles:
        return False
    role = (await servers_repo.get_settings(tx, actor.guild_id)).moderator_role_id
    return role is not None and role in actor.roles


async def require_moderator(tx: Tx, actor: Actor, doing: str) -> None:
    """NotAllowed unless the actor is a moderator (NoServer from a direct message)."""
    scope(actor)
    if not await is_moderator(tx, actor):
        raise NotAllowed(
            f"only a moderator (Manage Server, or the server's moderator role) may {doing}"
        )


async def require_host(tx: Tx, match: Match, actor: Actor, doing: str) -> None:
    """NotAllowed unless the actor hosts the match or is a moderator."""
    if actor.player != match.host and not await is_moderator(tx, actor):
        raise NotAllowed(f"only the host or a moderator may {doing}")


def require_live(match: Match, doing: str) -> None:
    """WrongPhase when the match is over."""
    if match.finished:
        raise WrongPhase(f"match {match.id} is over; nobody can {doing} any more")


def require_orders_phase(
    match: Match, round_number: int | None, doing: str, *, debate_too: bool = False
) -> None:
    """WrongPhase unless the match is taking orders (for ``round_number`` when given); a
    round in its debate window has locked its orders (``debate_too``: resolving it is fine)."""
    require_live(match, doing)
    if match.phase == "lobby":
        raise WrongPhase(f"match {match.id} has not started yet")
    if match.phase == "debate" and not debate_too:
        raise WrongPhase(
            f"round {match.round}'s orders are locked: its debate is open in the match thread"
        )
    if round_number is not None and round_number != match.round:
        raise RoundClosed(
            f"round {round_number} is not being played; match {match.id} is in round {match.round}"
        )

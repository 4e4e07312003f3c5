"""Helpers for service tests: a store on a temporary file, the tutorial, started matches."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import asyncpg

from bot.game.policies import AiPolicy
from bot.game.scenario import Scenario
from bot.services import Actor, ManualClock, Services
from bot.services.models import Match
from db.store import is_url
from tests.pg_cluster import query

ANA = Actor("100", "Ana")
BEN = Actor("200", "Ben")
CAT = Actor("300", "Cat")
MOD = Actor("900", "Mo", moderator=True)


async def open_services(path: Path | str, clock: ManualClock | None = None, **kw: Any) -> Services:
    """Services on a file, with a manual clock."""
    return await Services.open(path, clock=clock or ManualClock(), **kw)


async def tutorial_sha(services: Services) -> str:
    """Store the tutorial scenario and return its hash."""
    return (await services.scenarios.add_builtin("tutorial")).sha256


async def started(
    services: Services,
    seats: dict[str, Actor] | None = None,
    *,
    seed: int = 11,
    deadline: int | None = None,
    ai_fill: bool = True,
    teams: bool = False,
    guild: str | None = "g1",
) -> Match:
    """A started tutorial match hosted by Ana, with the given seats taken."""
    sha = await tutorial_sha(services)
    match = await services.matches.create(
        ANA,
        sha,
        seed=seed,
        deadline_seconds=deadline,
        ai_fill=ai_fill,
        teams=teams,
        guild_id=guild,
        channel_id=None if guild is None else "c1",
    )
    for seat, actor in (seats or {}).items():
        await services.matches.take_seat(match.id, actor, seat)
    return await services.matches.start(match.id, ANA)


def ai_moves(scenario: Scenario, match: Match, seat: str, seed: int = 5) -> list[tuple[str, str]]:
    """A legal set of moves for a seat (what the AI would pick with another seed)."""
    assert match.state is not None
    orders = AiPolicy().orders(scenario, match.state, seat, seed)
    return [(o.move, f"argument for {o.move}") for o in orders.moves]


def rows(path: Path | str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Query the store directly (a separate connection: what is really on disk)."""
    if is_url(path):
        return query(str(path), sql, params)
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def tamper(path: Path | str, sql: str, params: tuple[Any, ...] = ()) -> None:
    """Change stored rows behind the store's back, with its guard triggers off."""
    if is_url(path):
        query(str(path), sql, params, no_triggers=True)
        return
    conn = sqlite3.connect(path)
    try:
        for name in ("locked_orders_no_update", "rounds_no_update"):
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def refused(path: Path | str, sql: str) -> bool:
    """Whether the store's own rules (triggers, constraints) refuse a statement."""
    try:
        if is_url(path):
            query(str(path), sql)
        else:
            conn = sqlite3.connect(path)
            try:
                conn.execute(sql)
                conn.commit()
            finally:
                conn.close()
    except (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError):
        return True
    return False

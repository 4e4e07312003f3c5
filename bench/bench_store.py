"""Store speed (issue 4): orders committed per second through the service, against raw aiosqlite
inserts with the same pragmas measured in the same run (target: at least half), and the cost of
resolving and storing a round of the default scenario.

Both sides commit one transaction per order with ``journal_mode=WAL, synchronous=FULL``, so each
pays one fsync. The two alternate one transaction at a time (raw, service, raw, ...) so that a
disk or a neighbour slowing down for a moment hurts both alike; rates are orders over the summed
time of each side, and the ratio is service rate / raw rate.

    make bench                                   # every benchmark
    .venv/bin/python -m bench store              # this one
    LEVERS_BENCH_ORDERS=3000 LEVERS_BENCH_DIR=/path/on/the/real/disk .venv/bin/python -m bench store
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

import aiosqlite

from bot.game.match import play_match
from bot.game.policies import AiPolicy
from bot.game.scenario import Scenario
from bot.services import Actor, Services
from bot.services.models import SYSTEM

ORDERS = int(os.environ.get("LEVERS_BENCH_ORDERS", "1000"))
MATCHES = int(os.environ.get("LEVERS_BENCH_MATCHES", "3"))
ARGUMENT = "Because it works: " + "x" * 180
HOST = Actor("host", "Host")

RAW_SCHEMA = (
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, match_id INTEGER NOT NULL, "
    "round INTEGER NOT NULL, seat TEXT NOT NULL, player TEXT NOT NULL, move TEXT NOT NULL, "
    "argument TEXT NOT NULL, submitted_at TEXT NOT NULL)"
)


async def _raw_connection(path: Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(str(path), isolation_level=None)
    for pragma in (
        "PRAGMA busy_timeout = 5000",
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = FULL",
        "PRAGMA foreign_keys = ON",
    ):
        await conn.execute(pragma)
    await conn.execute(RAW_SCHEMA)
    return conn


async def _raw_batch(conn: aiosqlite.Connection, count: int) -> float:
    """Seconds for ``count`` one-row transactions."""
    start = time.perf_counter()
    for index in range(count):
        await conn.execute("BEGIN IMMEDIATE")
        await conn.execute(
            "INSERT INTO orders (match_id, round, seat, player, move, argument, submitted_at) "
            "VALUES (1, 1, ?, ?, 'us.engage', ?, '2021-01-20T12:00:00.000000Z')",
            (f"seat{index % 6}", f"p{index % 6}", ARGUMENT),
        )
        await conn.execute("COMMIT")
    return time.perf_counter() - start


class OrderLoad:
    """A started match of the default scenario with every seat held; submissions cycle."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.match_id = 0
        self.plans: list[tuple[Actor, list[tuple[str, str]]]] = []
        self.done = 0

    async def setup(self) -> None:
        """Create, seat and start the match; choose each seat's (legal) orders."""
        stored = await self.services.scenarios.add_builtin(None)
        scenario = await self.services.scenarios.get(stored.sha256)
        match = await self.services.matches.create(HOST, stored.sha256, seed=3)
        for index, seat in enumerate(scenario.seat_ids):
            player = Actor(f"p{index}", f"Player {index}")
            await self.services.matches.take_seat(match.id, player, seat)
        match = await self.services.matches.start(match.id, HOST)
        assert match.state is not None
        self.match_id = match.id
        for index, seat in enumerate(scenario.seat_ids):
            orders = AiPolicy().orders(scenario, match.state, seat, 99)
            moves = [(o.move, ARGUMENT) for o in orders.moves]
            self.plans.append((Actor(f"p{index}", f"Player {index}"), moves))

    async def batch(self, count: int) -> float:
        """Seconds for ``count`` submissions (each replaces the seat's previous one)."""
        start = time.perf_counter()
        for _ in range(count):
            actor, moves = self.plans[self.done % len(self.plans)]
            self.done += 1
            await self.services.orders.submit(self.match_id, actor, moves)
        return time.perf_counter() - start


def _ms(values: list[float], q: float) -> float:
    return sorted(values)[int(q * (len(values) - 1))] * 1000


async def orders_per_second(work: Path) -> None:
    """Raw inserts and service submissions, alternating one transaction at a time."""
    raw = await _raw_connection(work / "raw.db")
    services = await Services.open(work / "service.db")
    raw_s: list[float] = []
    svc_s: list[float] = []
    try:
        load = OrderLoad(services)
        await load.setup()
        await _raw_batch(raw, 20)  # warm both up
        await load.batch(20)
        for _ in range(ORDERS):
            raw_s.append(await _raw_batch(raw, 1))
            svc_s.append(await load.batch(1))
    finally:
        await raw.close()
        await services.close()
    raw_rate, svc_rate = ORDERS / sum(raw_s), ORDERS / sum(svc_s)
    ratio = svc_rate / raw_rate
    print(f"orders: {ORDERS} of each, alternating, one transaction (one fsync) each:")
    for name, rate, times in (
        ("raw aiosqlite insert", raw_rate, raw_s),
        ("OrderService.submit ", svc_rate, svc_s),
    ):
        print(
            f"  {name}: {rate:6.0f} orders/s   "
            f"(median {_ms(times, 0.5):.2f} ms, p90 {_ms(times, 0.9):.2f} ms)"
        )
    verdict = "met" if ratio >= 0.5 else "NOT met"
    print(f"  service / raw: {ratio:.2f} (target >= 0.50: {verdict})")


def _engine_round_ms(scenario: Scenario, seeds: list[int]) -> tuple[float, int]:
    """The same rounds in memory: the AI seats' talks and orders, then the engine (the loop
    ``levers simulate`` plays)."""
    start = time.perf_counter()
    rounds = sum(len(play_match(scenario, seed).rounds) for seed in seeds)
    return (time.perf_counter() - start) * 1000, rounds


async def _service_rounds(services: Services, seeds: list[int]) -> tuple[float, int, int]:
    stored = await services.scenarios.add_builtin(None)
    ids = []
    for seed in seeds:
        match = await services.matches.create(HOST, stored.sha256, seed=seed)
        ids.append((await services.matches.start(match.id, HOST)).id)
    start = time.perf_counter()
    rounds = 0
    for match_id in ids:
        while True:
            match = await services.matches.get(match_id, SYSTEM)
            if match.finished:
                break
            await services.rounds.resolve(match_id, match.round, SYSTEM, trigger="bench")
            rounds += 1
    elapsed = (time.perf_counter() - start) * 1000
    log_lines = 0
    for match_id in ids:
        log_lines += len(await services.matches.log(match_id, SYSTEM))
    return elapsed, rounds, log_lines


async def resolve_cost(work: Path) -> None:
    """Resolving and storing whole matches of the default scenario, every seat on the AI."""
    seeds = [11 + i for i in range(MATCHES)]
    services = await Services.open(work / "rounds.db")
    try:
        scenario = await services.scenarios.get((await services.scenarios.add_builtin(None)).sha256)
        engine_ms, engine_rounds = _engine_round_ms(scenario, seeds)
        service_ms, rounds, lines = await _service_rounds(services, seeds)
    finally:
        await services.close()
    assert rounds == engine_rounds
    per_engine, per_service = engine_ms / rounds, service_ms / rounds
    print(f"resolving a round of {scenario.meta.id} ({len(scenario.seat_ids)} seats, AI on all):")
    print(f"  in memory (AI orders + engine)     : {per_engine:6.1f} ms/round")
    print(
        f"  RoundService.resolve (read, AI, engine, one transaction with fsync): "
        f"{per_service:6.1f} ms/round"
    )
    print(
        f"  storing it (the difference)        : {per_service - per_engine:6.1f} ms/round "
        f"({lines / rounds:.0f} log lines per round, {rounds} rounds)"
    )


def main() -> None:
    """Run both measurements in a temporary directory (``LEVERS_BENCH_DIR`` picks where)."""
    with tempfile.TemporaryDirectory(dir=os.environ.get("LEVERS_BENCH_DIR")) as tmp:
        work = Path(tmp)
        print(f"database files in {work}")
        asyncio.run(orders_per_second(work))
        asyncio.run(resolve_cost(work))

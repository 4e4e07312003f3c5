"""Scaling out (issue 18): 1,000 matches played by two processes on one PostgreSQL, against
the same schedule played by one process on SQLite, measured in the same run.

Each match (the tutorial, two seats held by players, servers spread over two shards) plays
``ROUNDS`` rounds: both seats submit their orders (an acknowledgment: the order is committed
when ``submit`` returns), then the round is resolved. Reported for both: the acknowledgment
p50/p99 and the rounds resolved per second over the wall time. On PostgreSQL each of the two
processes (``python -m bench.bench_scale worker URL SHARD``) holds one shard and plays only its
servers' matches, as two ``levers run --shards 2`` processes would; the server is a throwaway
cluster (``tests/pg_cluster.py``) with ``fsync=off``, so it shows the cost of the driver, the
network round trips and the locks, not of a disk.

    make bench                                           # every benchmark
    .venv/bin/python -m bench scale                      # this one
    LEVERS_BENCH_SCALE_MATCHES=200 .venv/bin/python -m bench scale
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.services import Actor, Services
from bot.services.models import SYSTEM

MATCHES = int(os.environ.get("LEVERS_BENCH_SCALE_MATCHES", "1000"))
ROUNDS = 2
AT_ONCE = 50
"""Matches in play at once in one process (players acting at the same time)."""
SHARDS = 2


def guild(index: int) -> str:
    """A server id on shard ``index % SHARDS`` (Discord's ``(guild_id >> 22) % count``)."""
    return str((index << 22) | 1)


async def _prepare(services: Services, indexes: list[int]) -> list[tuple[int, Actor, Actor]]:
    sha = (await services.scenarios.add_builtin("tutorial")).sha256
    host = Actor("host", "Host")
    made = []
    for index in indexes:
        match = await services.matches.create(
            host, sha, seed=index, rounds=ROUNDS, guild_id=guild(index), channel_id="1"
        )
        one, two = Actor(f"a{index}", "A"), Actor(f"b{index}", "B")
        await services.matches.take_seat(match.id, one, "upstream")
        await services.matches.take_seat(match.id, two, "downstream")
        await services.matches.start(match.id, host)
        made.append((match.id, one, two))
    return made


async def _play(services: Services, match: tuple[int, Actor, Actor], acks: list[float]) -> int:
    match_id, one, two = match
    for number in range(1, ROUNDS + 1):
        for actor in (one, two):
            began = time.perf_counter()
            await services.orders.submit(match_id, actor, [], round=number)
            acks.append(time.perf_counter() - began)
        await services.rounds.resolve(match_id, number, SYSTEM)
    return ROUNDS


async def play(target: Path | str, indexes: list[int]) -> dict[str, Any]:
    """Prepare the matches (not timed), then play them, ``AT_ONCE`` at a time."""
    services = await Services.open(target)
    try:
        prepared = await _prepare(services, indexes)
        acks: list[float] = []
        gate = asyncio.Semaphore(AT_ONCE)

        async def one(match: tuple[int, Actor, Actor]) -> int:
            async with gate:
                return await _play(services, match, acks)

        began = time.perf_counter()
        rounds = sum(await asyncio.gather(*(one(m) for m in prepared)))
        return {"acks": acks, "rounds": rounds, "began": began, "ended": time.perf_counter()}
    finally:
        await services.close()


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _report(name: str, acks: list[float], rounds: int, wall: float) -> float:
    rate = rounds / wall
    print(
        f"{name:<34} acks {len(acks):>5}  p50 {_quantile(acks, 0.5):7.1f} ms  "
        f"p99 {_quantile(acks, 0.99):7.1f} ms  rounds {rounds:>5}  {rate:7.1f} rounds/s"
    )
    return rate


async def _two_processes(url: str) -> tuple[list[float], int, float]:
    """Two worker processes, one shard each, started together; the wall is first start to
    last end (perf_counter is one clock for the machine)."""
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.bench_scale",
            "worker",
            url,
            str(shard),
            stdout=asyncio.subprocess.PIPE,
        )
        for shard in range(SHARDS)
    ]
    results = []
    for worker in workers:
        out, _ = await worker.communicate()
        if worker.returncode != 0:
            raise RuntimeError(f"a benchmark worker failed ({worker.returncode})")
        results.append(json.loads(out.decode().strip().splitlines()[-1]))
    acks = [a for r in results for a in r["acks"]]
    wall = max(r["ended"] for r in results) - min(r["began"] for r in results)
    return acks, sum(int(r["rounds"]) for r in results), wall


def worker(url: str, shard: int) -> None:
    """One of the two processes: the matches of servers on ``shard``."""
    mine = [i for i in range(MATCHES) if i % SHARDS == shard]
    print(json.dumps(asyncio.run(play(url, mine))))


def main() -> None:
    from tests.pg_cluster import start  # the same throwaway cluster as the tests

    print(f"{MATCHES} matches x {ROUNDS} rounds, 2 seats each, {AT_ONCE} at once per process")
    with tempfile.TemporaryDirectory() as folder:
        done = asyncio.run(play(Path(folder) / "scale.db", list(range(MATCHES))))
    sqlite_rate = _report(
        "SQLite, one process", done["acks"], done["rounds"], done["ended"] - done["began"]
    )
    cluster = start()
    try:
        acks, rounds, wall = asyncio.run(_two_processes(cluster.new_database()))
    finally:
        cluster.stop()
    pg_rate = _report("PostgreSQL, two processes (2 shards)", acks, rounds, wall)
    print(f"rounds/s ratio PostgreSQL x2 / SQLite x1: {pg_rate / sqlite_rate:.2f}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "worker":
        worker(sys.argv[2], int(sys.argv[3]))
    else:
        main()

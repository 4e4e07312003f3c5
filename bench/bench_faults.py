"""The fault soak: matches played through a misbehaving fake Discord, the bot restarted often.

50 matches (two players each, the other seats AI, six rounds, a 10-minute deadline on the
services' clock, which moves 5 minutes every 20 s) are played through the real bot and the fake
Discord for a few minutes, while the fake injects every fault of ``tests/discord/fake/faults.py``
at seeded random moments (429 per route and global, exhausted buckets, 500/502/503, requests
applied whose answer is lost, slow answers, on posts, history reads, threads, interaction
callbacks, followups and edits), delivers some INTERACTION_CREATEs twice, and has forgotten
every nonce (so exactly-once cannot lean on it). The bot process is "killed" (its work in
flight cancelled) and restarted every 10 to 30 s. Players think 5 to 40 s before each round.

At the end the faults stop, the matches left unfinished are played out by their deadlines (the
proof they were resumable), and each match's posts are compared with its outbox: no duplicate,
no gap, no post out of order or unaccounted for, one thread per match, every acknowledged
submission locked as the player sent it, and ``levers replay --match ID --verify`` passing.

    .venv/bin/python -m bench faults
    LEVERS_SOAK_SECONDS=60 LEVERS_SOAK_MATCHES=10 .venv/bin/python -m bench faults   # shorter
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.bench_discord import LagMeter, Records, play, quantile, settings
from bot.cli.main import main as levers
from bot.discord.runtime import starter
from bot.scenarios import default_id
from bot.services.models import SYSTEM, Actor
from tests.discord import faulty
from tests.discord.fake.faults import Fault, Faults
from tests.discord.fake.payloads import FakeUser
from tests.discord.fake.state import InteractionRecord, Sent
from tests.discord.harness import Harness

SECONDS = float(os.environ.get("LEVERS_SOAK_SECONDS", "240"))
MATCHES = int(os.environ.get("LEVERS_SOAK_MATCHES", "50"))
SEED = int(os.environ.get("LEVERS_SOAK_SEED", "19"))
ROUNDS, PLAYERS, DEADLINE = 6, 2, 600
THINK = (5.0, 40.0)  # seconds a player takes before playing a round
TWICE = 0.03  # share of interactions delivered twice

RANDOM_FAULTS: list[tuple[str, Fault, float]] = [
    ("messages", Fault.ratelimit(0.05), 0.03),
    ("messages", Fault.ratelimit(0.1, global_=True), 0.005),
    ("messages", Fault.exhaust(0.2), 0.02),
    ("messages", Fault.server_error(503), 0.02),
    ("messages", Fault.server_error(500), 0.005),
    ("messages", Fault.server_error(502), 0.005),
    ("messages", Fault.lost(), 0.02),
    ("messages", Fault.slow(0.3, after=True), 0.01),
    ("history", Fault.server_error(503), 0.03),
    ("history", Fault.ratelimit(0.05), 0.03),
    ("threads", Fault.lost(), 0.05),
    ("threads", Fault.server_error(503), 0.03),
    ("callback", Fault.ratelimit(0.05), 0.02),
    ("callback", Fault.lost(), 0.01),
    ("callback", Fault.slow(1.0, virtual=True), 0.02),
    ("callback", Fault.slow(0.2, after=True), 0.01),
    ("followup", Fault.ratelimit(0.05), 0.02),
    ("followup", Fault.server_error(503), 0.01),
    ("followup", Fault.lost(), 0.01),
    ("webhook_edit", Fault.ratelimit(0.05), 0.02),
    ("webhook_edit", Fault.server_error(500), 0.01),
    ("edit", Fault.ratelimit(0.05), 0.02),
    ("edit", Fault.server_error(503), 0.01),
]


class SoakHarness(Harness):
    """The harness, delivering some interactions twice (the gateway's at-least-once)."""

    rng = random.Random(SEED + 1)
    twice = 0

    def start_interaction(
        self, user: FakeUser, kind: int, data: dict[str, Any], channel_id: int, message: Any = None
    ) -> InteractionRecord:
        record = super().start_interaction(user, kind, data, channel_id, message)
        if self.rng.random() < TWICE:
            self.twice += 1
            self.feed("INTERACTION_CREATE", self.interaction_payload(record, message))
        return record


@dataclass
class Soak:
    """What the soak counts."""

    h: SoakHarness
    up: asyncio.Event = field(default_factory=asyncio.Event)
    restarts: int = 0
    attempts: int = 0
    failed_attempts: int = 0
    acknowledged: list[tuple[int, int, FakeUser]] = field(default_factory=list)
    records: Records = field(default_factory=list)
    restarting: asyncio.Task[None] | None = None

    def thread_of(self, match_id: int) -> int | None:
        for channel in self.h.http.channels.values():
            if channel["type"] == 11 and str(channel["name"]).startswith(f"Match {match_id}:"):
                return int(channel["id"])
        return None

    def briefing(self, match_id: int) -> Sent | None:
        thread = self.thread_of(match_id)
        found = [
            m
            for m in (self.h.channel_messages(thread) if thread else [])
            if any(c.get("label") == "Orders" for c in m.components())
        ]
        return found[-1] if found else None

    async def player(self, match_id: int, user: FakeUser, rng: random.Random) -> None:
        """Play every round: open the panel, pick, argue, submit; retry what fails."""
        played = thought = 0
        while True:
            await self.up.wait()
            try:
                match = await self.h.runtime.services.matches.get(match_id, SYSTEM)
            except Exception:
                await asyncio.sleep(0.5)  # the bot is being restarted
                continue
            if match.phase != "orders":
                return
            briefing = self.briefing(match_id)
            if played == match.round or briefing is None:
                await asyncio.sleep(rng.uniform(0.3, 1.0))  # waiting for the next round
                continue
            if thought != match.round:
                thought = match.round
                await asyncio.sleep(rng.uniform(*THINK))  # reading the reveal, arguing
                continue
            self.attempts += 1
            before = len(self.records)
            try:
                await asyncio.wait_for(play(self.h, briefing, user, self.records), 20)
            except Exception:
                self.failed_attempts += 1
                await asyncio.sleep(rng.uniform(0.5, 2.0))
                continue
            submit = self.records[-1][1] if len(self.records) > before else None
            if submit is not None and submit.edits > 0 and not submit.followups:
                self.acknowledged.append((match_id, match.round, user))
                played = match.round
            await asyncio.sleep(rng.uniform(0.1, 0.5))

    async def restarter(self, rng: random.Random) -> None:
        """Kill and restart the bot every 10 to 30 s (a restart is never cut in half)."""
        while True:
            await asyncio.sleep(rng.uniform(10, 30))
            self.restarting = asyncio.create_task(self.restart())
            await asyncio.shield(self.restarting)

    async def restart(self) -> None:
        """One kill and restart."""
        self.up.clear()
        await faulty.crash(self.h)
        await self.h.start_bot()
        self.restarts += 1
        stage(f"restart {self.restarts}")
        self.up.set()

    async def deadlines(self) -> None:
        """Move the services' clock: a round's deadline passes every 40 s or so."""
        while True:
            await asyncio.sleep(20)
            await self.up.wait()
            self.h.clock.advance(DEADLINE / 2)
            if self.h.bot is not None:
                self.h.runtime.timers.wake()


async def set_up(h: Harness) -> list[tuple[int, list[FakeUser]]]:
    """The matches, started (before any fault), two players each."""
    services = h.runtime.services
    stored = await services.scenarios.add_builtin(default_id())
    made = []
    for number in range(MATCHES):
        players = [h.user(f"S{number}-{i}") for i in range(PLAYERS)]
        host = Actor(str(players[0].id), players[0].name)
        match = await services.matches.create(
            host,
            stored.sha256,
            rounds=ROUNDS,
            deadline_seconds=DEADLINE,
            guild_id=str(h.guild_id),
            channel_id=str(h.channel_id),
        )
        for player, seat in zip(players, match.seats, strict=False):
            await services.matches.take_seat(match.id, Actor(str(player.id)), seat.seat)
        await services.matches.start(match.id, host)
        made.append((match.id, players))
    await h.runtime.announcer.flush()
    return made


async def play_out(h: Harness, match_ids: list[int]) -> int:
    """Faults off: let deadlines finish every match still open (they must be resumable)."""
    for _ in range(ROUNDS * 4):
        if await phases(h, match_ids, "orders") == 0:
            break
        await h.advance(DEADLINE)
    for _ in range(20):
        if not await h.runtime.services.outbox.pending(scope="discord"):
            break
        await h.runtime.announcer.flush()
    return await phases(h, match_ids, "finished")


async def phases(h: Harness, match_ids: list[int], phase: str) -> int:
    """How many of the matches are in ``phase``."""
    return len(
        [m for m in match_ids if (await h.runtime.services.matches.get(m, SYSTEM)).phase == phase]
    )


def stage(text: str) -> None:
    """Progress on stderr."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def verify(db: Path | str, match_id: int) -> int:
    """``levers replay --match ID --verify`` (the real command), its exit code."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return levers(["replay", "--match", str(match_id), "--db", str(db), "--verify"])


async def run(folder: Path) -> dict[str, Any]:
    shown = logging.StreamHandler(sys.stderr)
    shown.setLevel(logging.WARNING)
    logging.getLogger("levers").addHandler(shown)  # the bot's own errors, as they happen
    h = SoakHarness(settings(folder), starter_factory=lambda clock: starter(clock))
    h.http.faults = Faults(seed=SEED)
    await h.start()
    soak = Soak(h)
    soak.up.set()
    rng = random.Random(SEED)
    try:
        made = await set_up(h)
        match_ids = [m for m, _ in made]
        h.http.faults.forget_nonces = True
        for route, fault, rate in RANDOM_FAULTS:
            h.http.faults.randomly(route, fault, rate)
        began = time.perf_counter()
        with LagMeter() as lag:
            players = [
                asyncio.create_task(soak.player(m, p, random.Random(rng.random())))
                for m, group in made
                for p in group
            ]
            helpers = [
                asyncio.create_task(soak.restarter(random.Random(rng.random()))),
                asyncio.create_task(soak.deadlines()),
            ]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*players), SECONDS)
            for task in players + helpers:
                task.cancel()
            await asyncio.gather(*players, *helpers, return_exceptions=True)
            if soak.restarting is not None:
                await soak.restarting
        wall = time.perf_counter() - began
        stage("soak over; playing out what is left")
        await soak.up.wait()
        finished_in_soak = await phases(h, match_ids, "finished")
        h.http.faults.clear()
        await h.settle()
        finished = await play_out(h, match_ids)
        stage("comparing posts with the outbox")
        problems = await faulty.ledger(h, match_ids)
        nonces = {a.nonce for m in match_ids for a in await h.runtime.services.outbox.of_match(m)}
        stray = [n for n in faulty.marks(h) if n not in nonces]
        threads = Counter(
            str(c["name"]).split(":")[0] for c in h.http.channels.values() if c["type"] == 11
        )
        lost = []
        for match_id, number, user in soak.acknowledged:
            seat = await h.runtime.services.matches.seat_of(match_id, Actor(str(user.id)))
            rounds = await h.runtime.services.rounds.history(match_id, SYSTEM)
            orders = rounds[number].orders if number < len(rounds) else {}
            if seat is None or seat not in orders or orders[seat].source == "ai":
                lost.append((match_id, number, user.name))
        announcements = [a for m in match_ids for a in await h.runtime.services.outbox.of_match(m)]
        posts = sum(len(v) for v in faulty.marks(h).values())
        db = h.settings.database
    finally:
        await h.stop()
    failed_replays = [m for m in match_ids if await asyncio.to_thread(verify, db, m) != 0]
    return {
        "matches": len(match_ids),
        "wall_s": wall,
        "finished_during_soak": finished_in_soak,
        "finished_after_play_out": finished,
        "restarts": soak.restarts,
        "faults": dict(sorted(h.http.faults.injected.items())),
        "interactions": len(soak.records),
        "delivered_twice": h.twice,
        "play_attempts": soak.attempts,
        "play_attempts_failed": soak.failed_attempts,
        "acknowledged_submissions": len(soak.acknowledged),
        "acknowledged_lost": lost,
        "announcements": len(announcements),
        "announcements_unsent": sum(1 for a in announcements if a.sent_at is None),
        "posts": posts,
        "ledger_problems": problems,
        "stray_posts": stray,
        "duplicate_threads": {k: v for k, v in threads.items() if v > 1},
        "rate_limit_violations": h.http.faults.violations,
        "sent_before_a_429_was_read": h.http.faults.in_flight,
        "ack_probes": sum(1 for f in h.http.failures if "already been acknowledged" in f),
        "protocol_failures": [f for f in h.http.failures if "already been ack" not in f][:5],
        "replay_failures": failed_replays,
        "lag_p99_ms": 1000 * quantile(lag.samples, 0.99),
        "lag_max_ms": 1000 * max(lag.samples, default=0.0),
    }


def main() -> None:
    """Run the soak and print its figures; exit 1 when a promise did not hold."""
    with tempfile.TemporaryDirectory() as folder:
        figures = asyncio.run(run(Path(folder)))
    for key, value in figures.items():
        print(f"{key:28}{value if not isinstance(value, float) else f'{value:.1f}'}")
    broken = [
        k
        for k in (
            "acknowledged_lost",
            "ledger_problems",
            "stray_posts",
            "duplicate_threads",
            "rate_limit_violations",
            "protocol_failures",
            "replay_failures",
        )
        if figures[k]
    ]
    broken += ["unfinished"] if figures["finished_after_play_out"] != figures["matches"] else []
    broken += ["unsent"] if figures["announcements_unsent"] else []
    print("every promise held" if not broken else f"BROKEN: {', '.join(broken)}")
    sys.stdout.flush()
    if broken:
        raise SystemExit(1)

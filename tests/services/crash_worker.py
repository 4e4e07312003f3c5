"""A worker that plays matches through the services, to be killed with SIGKILL by the tests.

Run as ``python -m tests.services.crash_worker``: a zygote that imports everything once, then
reads commands on stdin and forks one real worker process per ``run`` (so a hundred kills do
not pay a hundred interpreter start-ups):

    run {"db": ..., "acks": ..., "sink": ..., "seed": 1, "matches": 3, "crash": ["begin", 7]}
    -> pid 12345
    reap
    -> exit 12345 -9            (the exit status; -9: killed by SIGKILL)

The worker creates ``matches`` tutorial matches (seeds ``seed``, ``seed + 1``, ...), seats two
players (``upstream``, ``downstream``; ``council`` is the AI), and plays them to the end: each
player submits the orders ``player_orders`` gives, each round is resolved, and announcements are
delivered to the sink. After every acknowledged submission it appends a line to ``acks``. It
picks up wherever a killed predecessor left off. With ``crash`` = [point, n] it kills itself at
the n-th time it reaches ``point``: ``begin``, ``before_commit``, ``after_commit`` (the store's
hooks), ``before_announce`` or ``after_announce`` (around sending, before ``mark_sent``).

The sink stands for Discord: it receives every send (``sink`` file, one JSON line each) and, like
Discord's ``enforce_nonce``, shows a message with an already seen nonce only once.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import Any

from bot.game.policies import AiPolicy
from bot.game.scenario import Scenario
from bot.game.state import MatchState, SeatOrders
from bot.game.validate import load_scenario
from bot.scenarios import scenario_path
from bot.services import Actor, Services
from bot.services.context import remember
from bot.services.models import SYSTEM, Announcement, Match
from db.codec import sha256_hex

PLAYERS = {"upstream": Actor("p-up", "Uma"), "downstream": Actor("p-down", "Dov")}
HOST = Actor("host", "Hal")


def player_orders(scenario: Scenario, state: MatchState, seat: str, seed: int) -> SeatOrders:
    """What the player of a seat submits: deterministic, so a rerun submits the same."""
    return AiPolicy().orders(scenario, state, seat, seed + 1000)


def argument(match_id: int, round_number: int, move: str) -> str:
    """The argument written for a move."""
    return f"m{match_id} r{round_number}: {move} will work"


class Crash:
    """Kill this process (SIGKILL, no clean-up) the n-th time a point is reached."""

    def __init__(self, spec: list[Any] | None) -> None:
        self.point = None if spec is None else str(spec[0])
        self.at = 0 if spec is None else int(spec[1])
        self.seen = 0

    def __call__(self, point: str) -> None:
        """A hook: called at every crash point."""
        if point == self.point:
            self.seen += 1
            if self.seen == self.at:
                os.kill(os.getpid(), signal.SIGKILL)


class Sink:
    """The announcement channel: every send is appended; a repeated nonce shows once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.shown: set[str] = set()
        if path.exists():
            for line in path.read_text().splitlines():
                if line.endswith("}"):
                    self.shown.add(json.loads(line)["nonce"])

    def send(self, item: Announcement) -> None:
        """Post an announcement (once per nonce)."""
        if item.nonce in self.shown:
            return
        line = {"nonce": item.nonce, "key": item.dedupe_key, "kind": item.kind, "round": item.round}
        with self.path.open("a") as out:
            out.write(json.dumps(line) + "\n")
        self.shown.add(item.nonce)


class Worker:
    """Plays the matches of one configuration to the end, resuming whatever is stored."""

    def __init__(self, services: Services, config: dict[str, Any], crash: Crash) -> None:
        self.services = services
        self.config = config
        self.crash = crash
        self.sink = Sink(Path(config["sink"]))

    async def deliver(self) -> None:
        """Send what is pending, then mark it sent."""
        for item in await self.services.outbox.pending():
            self.crash("before_announce")
            self.sink.send(item)
            self.crash("after_announce")
            await self.services.outbox.mark_sent(item.id)

    async def ensure_matches(self, sha: str) -> list[Match]:
        """Create the configured number of matches (some may exist from an earlier run)."""
        found = await self.services.matches.list_matches(SYSTEM, limit=1000)
        while len(found) < self.config["matches"]:
            seed = self.config["seed"] + len(found)
            await self.services.matches.create(HOST, sha, seed=seed)
            found = await self.services.matches.list_matches(SYSTEM, limit=1000)
        return sorted(found, key=lambda m: m.id)

    async def step(self, match: Match, scenario: Scenario) -> None:
        """Advance one match by one step: seat, start, or play one round."""
        if match.phase == "lobby":
            for seat, actor in PLAYERS.items():
                if match.seat_of(actor.player) is None:
                    await self.services.matches.take_seat(match.id, actor, seat)
            await self.services.matches.start(match.id, HOST)
            return
        assert match.state is not None
        status = {s.seat: s.submitted for s in await self.services.orders.status(match.id, SYSTEM)}
        for seat, actor in PLAYERS.items():
            if status.get(seat):
                continue
            orders = player_orders(scenario, match.state, seat, match.seed)
            moves = [(o.move, argument(match.id, match.round, o.move)) for o in orders.moves]
            sub = await self.services.orders.submit(
                match.id, actor, moves, orders.decisions, round=match.round
            )
            self.ack(sub.id, match.id, match.round, seat, moves)
        await self.services.rounds.resolve(match.id, match.round, SYSTEM, trigger="all_submitted")

    def ack(
        self, sub_id: int, match_id: int, round_number: int, seat: str, moves: list[Any]
    ) -> None:
        """Record an acknowledged submission (flushed: it survives this process's death)."""
        line = {"submission": sub_id, "match": match_id, "round": round_number, "seat": seat}
        line["moves"] = [list(m) for m in moves]
        with open(self.config["acks"], "a") as out:
            out.write(json.dumps(line) + "\n")

    async def run(self) -> None:
        """Play every match to its end."""
        await self.deliver()
        sha = (await self.services.scenarios.add_builtin("tutorial")).sha256
        scenario = await self.services.scenarios.get(sha)
        while True:
            live = [m for m in await self.ensure_matches(sha) if not m.finished]
            if not live:
                break
            for summary in live:
                match = await self.services.matches.get(summary.id, SYSTEM)
                await self.step(match, scenario)
                await self.deliver()
        await self.deliver()


async def work(config: dict[str, Any]) -> None:
    """One worker's life: open the store, play, close."""
    crash = Crash(config.get("crash"))
    services = await Services.open(config["db"], hook=crash)
    try:
        await Worker(services, config, crash).run()
    finally:
        await services.close()


def _child(config: dict[str, Any]) -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        asyncio.run(work(config))
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(3)
    os._exit(0)


def zygote() -> None:
    """Read commands from stdin; fork a worker per ``run``; report its pid and exit status."""
    raw = scenario_path("tutorial").read_bytes()
    remember(sha256_hex(raw), load_scenario(raw))  # parsed once; every fork inherits it
    child = 0
    for line in sys.stdin:
        command, _, rest = line.strip().partition(" ")
        if command == "run":
            child = os.fork()
            if child == 0:
                _child(json.loads(rest))
            print(f"pid {child}", flush=True)
        elif command == "reap":
            _pid, status = os.waitpid(child, 0)
            print(f"exit {child} {os.waitstatus_to_exitcode(status)}", flush=True)
        elif command == "quit":
            return


if __name__ == "__main__":
    zygote()

"""The Discord bot under load, through the test harness, against a file database.

200 matches are set up through the services (not measured); then 1,000 players (five seats of
each match, the sixth is the AI) each press Orders, pick a move, argue for it in the modal and
submit, all at once: 4,000 interactions, 200 rounds resolved and revealed. The same interaction
pattern is then played against a no-op bot that only acknowledges, in the same run. Reported:
acknowledgment latency (INTERACTION_CREATE handed to discord.py → the callback reaching
Discord's edge, below) p50 and p99, event-loop lag p99 (a 10 ms ticker), the bot's wall time
against the arrival window, the reveal latency (a match's last Submit → the first post of its
reveal in the match's thread, every reveal accounted for) and peak resident memory.

In both arms the fake Discord's HTTP server runs on its own thread with its own event loop
(``Harness(fake_thread=True)``), as the real Discord runs outside the bot's process: its
handlers do not queue behind the bot's work, and its work is not done on the bot's loop. Both
threads share the GIL, though (hence the edge, below), and the CPU figure counts every thread of
the process, the fake's included. ``LagMeter`` measures the bot's loop only.

    make bench            # or: .venv/bin/python -m bench discord
    LEVERS_BENCH_MATCHES=20 .venv/bin/python -m bench discord   # a smaller run
    LEVERS_BENCH_GROUP_COMMIT=0 .venv/bin/python -m bench discord   # one commit per write
    LEVERS_BENCH_FAKE_THREAD=0 .venv/bin/python -m bench discord   # the fake on the bot's loop
    LEVERS_BENCH_EDGE=0 .venv/bin/python -m bench discord   # acknowledgments timed in the fake

An acknowledgment ends when its callback reaches Discord's edge: a relay in a process of its own
between the bot and the fake (``bench/edge.py``), in both arms. The fake, in the benchmark's
process, must take the interpreter lock from the bot's busy loop before it can read a request;
its own time for the same callback is reported beside the edge's (``ack_in_fake_*``).
"""

from __future__ import annotations

import asyncio
import cProfile
import gc
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import discord
from pydantic import SecretStr

from bench.edge import Edge
from bench.loop_probe import probing
from bot.discord.client import LeversBot, configure_endpoints
from bot.discord.settings import Settings
from bot.scenarios import default_id
from bot.services.models import SYSTEM, Actor
from db import sqlite
from db.sqlite import SqliteStore
from tests.discord import transcript
from tests.discord.fake.payloads import FakeUser
from tests.discord.fake.state import InteractionRecord, Sent
from tests.discord.harness import Harness

Figures = dict[str, float]
MATCHES = int(os.environ.get("LEVERS_BENCH_MATCHES", "200"))
WINDOW = float(os.environ.get("LEVERS_BENCH_WINDOW", "30"))
PLAYERS_PER_MATCH = 5
GROUP_COMMIT = os.environ.get("LEVERS_BENCH_GROUP_COMMIT", "1") != "0"
TICK = 0.010
PROFILE = os.environ.get("LEVERS_BENCH_PROFILE", "")  # cProfile the bot loop's thread to this file
PROBE = os.environ.get("LEVERS_BENCH_LOOP_PROBE", "0") != "0"  # time the loop's callbacks
# The fake Discord on its own thread and loop (0: on the bot's loop, as before, to compare)
FAKE_THREAD = os.environ.get("LEVERS_BENCH_FAKE_THREAD", "1") != "0"
# Time acknowledgments at the edge, a relay in its own process (0: in the fake, as before)
EDGE = os.environ.get("LEVERS_BENCH_EDGE", "1") != "0"


class NoopBot(LeversBot):
    """The baseline: the same client, no cogs and no store; every interaction is acknowledged."""

    async def setup_hook(self) -> None:
        """Only acknowledge."""
        self.add_listener(self._ack, "on_interaction")

    async def _ack(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer()


def quantile(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


class GcMeter:
    """Every garbage-collector pass during the run, from any thread (a pass holds the
    interpreter lock, so no thread of the process runs while it lasts: not even the sender of
    early answers)."""

    def __init__(self) -> None:
        self.passes: list[tuple[float, float, int]] = []  # (start, stop, generation)
        self._began = 0.0

    def _note(self, phase: str, info: dict[str, int]) -> None:
        now = time.monotonic()
        if phase == "start":
            self._began = now
        else:
            self.passes.append((self._began, now, info.get("generation", 0)))

    def __enter__(self) -> GcMeter:
        gc.callbacks.append(self._note)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._note)

    def overlapping(self, spans: list[tuple[float, float]]) -> int:
        """How many of these (start, end) spans a pass overlapped."""
        return sum(any(a < end and start < b for a, b, _g in self.passes) for start, end in spans)


class LagMeter:
    """Event-loop lag: how late a 10 ms ticker wakes up."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(TICK)
            self.samples.append(max(0.0, loop.time() - start - TICK))

    def __enter__(self) -> LagMeter:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


def settings(folder: Path) -> Settings:
    """A bench bot's settings: a file database in a temporary folder, no command sync."""
    return Settings(
        token=SecretStr("bench-token"),
        database=folder / "bench.db",
        sync_commands=True,
        _env_file=None,
    )


async def set_up_matches(h: Harness) -> list[tuple[int, Sent, list[FakeUser]]]:
    """MATCHES started matches (five players each), their briefings posted in their threads."""
    services = h.runtime.services
    stored = await services.scenarios.add_builtin(default_id())
    found = []
    for number in range(MATCHES):
        players = [h.user(f"P{number}-{i}") for i in range(PLAYERS_PER_MATCH)]
        host = Actor(str(players[0].id), players[0].name)
        match = await services.matches.create(
            host, stored.sha256, rounds=1, guild_id=str(h.guild_id), channel_id=str(h.channel_id)
        )
        for player, seat in zip(players, match.seats, strict=False):
            await services.matches.take_seat(match.id, Actor(str(player.id)), seat.seat)
        await services.matches.start(match.id, host)
        await h.runtime.announcer.flush()
        thread = int(await h.runtime.threads.of_match(match.id) or 0)
        briefing = next(m for m in h.channel_messages(thread) if m.components())
        found.append((match.id, briefing, players))
    return found


Records = list[tuple[str, InteractionRecord, float]]


class PostTimes:
    """When each message reached the fake Discord (by its nonce: announcements carry one)."""

    def __init__(self, h: Harness) -> None:
        self.began = h.http.clock()  # just before the first player arrives
        store = h.http.store

        def timed(*args: Any, **kwargs: Any) -> Sent:
            sent = store(*args, **kwargs)
            self.pending.append((h.http.clock(), sent))
            return sent

        self.pending: list[tuple[float, Sent]] = []
        h.http.store = timed  # type: ignore[method-assign]

    def by_nonce(self) -> dict[str, float]:
        """Post time per nonce (the fake sets a message's nonce just after storing it)."""
        return {s.nonce: t for t, s in self.pending if s.nonce is not None}


async def step(
    h: Harness,
    records: Records,
    name: str,
    start: InteractionRecord,
    done: Callable[[InteractionRecord], bool],
) -> InteractionRecord:
    """Wait until the bot has finished with one interaction (events only, no polling)."""
    await start.until(done)
    records.append((name, start, h.http.clock() - start.created))
    return start


async def play(h: Harness, briefing: Sent, player: FakeUser, records: Records) -> None:
    """One player: Orders, pick a move, argue in the modal, Submit."""
    data = {"custom_id": briefing.component(label="Orders")["custom_id"], "component_type": 2}

    def panel_of(record: InteractionRecord) -> Sent | None:
        # after round 1 the panel comes after what moved the seat's private metrics
        for message_id in record.followups:
            message = h.http.messages.get(message_id)
            if message is not None and transcript.has_pick_select(message):
                return message
        return None

    opened = await step(
        h,
        records,
        "orders",
        h.start_interaction(player, 3, data, briefing.channel_id, briefing),
        lambda r: panel_of(r) is not None,
    )
    panel = panel_of(opened)
    assert panel is not None
    pick = transcript.pick_select(panel)
    options: Any = pick["options"]
    data = {"custom_id": pick["custom_id"], "component_type": 3, "values": [options[0]["value"]]}
    modal_for = await step(
        h,
        records,
        "pick",
        h.start_interaction(player, 3, data, panel.channel_id, panel),
        lambda r: r.modal is not None,
    )
    assert modal_for.modal is not None
    fields = [{"type": 1, "components": [{"type": 4, "custom_id": "argument", "value": "because"}]}]
    data = {"custom_id": modal_for.modal["custom_id"], "components": fields}
    await step(
        h,
        records,
        "argument",
        h.start_interaction(player, 5, data, panel.channel_id, panel),
        lambda r: r.edits > 0 or bool(r.followups),
    )
    data = {"custom_id": panel.component(label="Submit")["custom_id"], "component_type": 2}
    await step(
        h,
        records,
        "submit",
        h.start_interaction(player, 3, data, panel.channel_id, panel),
        lambda r: r.edits > 0 or bool(r.followups),
    )


async def play_noop(h: Harness, message: Sent, player: FakeUser, records: Records) -> None:
    """The same four interactions against the no-op bot (each only acknowledged)."""
    data = {"custom_id": message.components()[0]["custom_id"], "component_type": 2}
    for name in ("orders", "pick", "argument", "submit"):
        record = h.start_interaction(player, 3, data, message.channel_id, message)
        await step(h, records, name, record, lambda r: bool(r.callbacks))


Player = Callable[[Harness, Sent, FakeUser, Records], Awaitable[None]]


async def start(h: Harness) -> Edge | None:
    """Start the fake, the edge between it and the bot (with EDGE), then the bot."""
    base = await h.start_server()
    edge = Edge(int(base.rsplit(":", 1)[1])) if EDGE else None
    try:
        if edge is not None:
            configure_endpoints(f"{await asyncio.to_thread(edge.start)}/api/v10", None)
        await h.start_bot()
    except BaseException:
        await stop(h, edge)  # nothing left running: the fake's thread, the edge's process
        raise
    return edge


async def stop(h: Harness, edge: Edge | None) -> None:
    """Stop the bot and the fake, then the edge."""
    try:
        await h.stop()
    finally:
        if edge is not None:
            await asyncio.to_thread(edge.stop)


async def acknowledged(records: Records, edge: Edge | None) -> tuple[dict[int, float], int]:
    """When each interaction's callback arrived: at the edge, or (without one, or for a
    callback it did not see) in the fake; and how many the edge did not see."""
    in_fake = {r.id: r.acked_at or 0.0 for _name, r, _done in records}
    if edge is None:
        return in_fake, 0
    arrived = await asyncio.to_thread(edge.arrivals)
    missing = sum(i not in arrived for i in in_fake)
    return {i: arrived.get(i, t) for i, t in in_fake.items()}, missing


async def measure(
    h: Harness,
    players: list[tuple[Sent, FakeUser]],
    run: Player,
    records: Records,
    edge: Edge | None,
) -> Figures:
    """Players arrive over WINDOW seconds (the same seeded schedule for both bots)."""
    arrivals = random.Random(2021)

    async def arrive(at: float, message: Sent, player: FakeUser) -> None:
        await asyncio.sleep(at)  # a benchmark's load schedule (tests never sleep)
        await run(h, message, player, records)

    began = time.perf_counter()
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    with LagMeter() as lag, GcMeter() as collected:
        await asyncio.gather(*(arrive(arrivals.uniform(0, WINDOW), m, p) for m, p in players))
        await h.settle()
    wall = time.perf_counter() - began
    used = resource.getrusage(resource.RUSAGE_SELF)
    assert not h.http.failures, h.http.failures[:5]
    acked_at, not_at_edge = await acknowledged(records, edge)
    acks = [acked_at[r.id] - r.created for _name, r, _done in records]
    fake_acks = [(r.acked_at or 0.0) - r.created for _name, r, _done in records]
    figures: Figures = {
        "interactions": len(records),
        "ack_p50_ms": 1000 * quantile(acks, 0.5),
        "ack_p99_ms": 1000 * quantile(acks, 0.99),
        "ack_max_ms": 1000 * max(acks),
        "ack_in_fake_p50_ms": 1000 * quantile(fake_acks, 0.5),
        "ack_in_fake_p99_ms": 1000 * quantile(fake_acks, 0.99),
        # callbacks the edge never saw (the benchmark expects none; timed in the fake then)
        "acks_not_at_edge": not_at_edge,
        "lag_p99_ms": 1000 * quantile(lag.samples, 0.99),
        "wall_s": wall,
        # CPU of this process (every thread; not the render worker's): what keeping pace needs
        "cpu_s": used.ru_utime - cpu.ru_utime + used.ru_stime - cpu.ru_stime,
    }
    pauses = [b - a for a, b, _g in collected.passes]
    figures["gc_passes"] = len(pauses)
    figures["gc_ms"] = 1000 * sum(pauses)
    figures["gc_max_ms"] = 1000 * max(pauses, default=0.0)
    for generation in (0, 1, 2):
        took = [b - a for a, b, g in collected.passes if g == generation]
        figures[f"gc_gen{generation}_ms"] = 1000 * sum(took)
    # the slowest 1 % of acknowledgments (the p99's tail): how many waited through a pass
    slowest = sorted(records, key=lambda e: acked_at[e[1].id] - e[1].created)[
        -len(records) // 100 :
    ]
    spans = [(r.created, acked_at[r.id]) for _n, r, _d in slowest]
    figures["slow_acks_in_gc_pct"] = 100 * collected.overlapping(spans) / max(1, len(spans))
    for name in ("orders", "pick", "argument", "submit"):
        done = [d for n, _r, d in records if n == name]
        figures[f"done_{name}_p99_ms"] = 1000 * quantile(done, 0.99)
        acked = [acked_at[r.id] - r.created for n, r, _d in records if n == name]
        figures[f"ack_{name}_p99_ms"] = 1000 * quantile(acked, 0.99)
    return figures


async def run_levers(folder: Path) -> Figures:
    """The real bot."""
    h = Harness(settings(folder), fake_thread=FAKE_THREAD)
    edge = await start(h)
    try:
        matches = await set_up_matches(h)
        players = [(briefing, p) for _id, briefing, group in matches for p in group]
        posts = PostTimes(h)
        records: Records = []
        store = h.runtime.services.store
        before = (store.commits, store.writes) if isinstance(store, SqliteStore) else (0, 0)
        profile = cProfile.Profile() if PROFILE else None
        with probing() if PROBE else nullcontext() as probe:
            if profile is not None:
                profile.enable()
            figures = await measure(h, players, play, records, edge)
            if profile is not None:
                profile.disable()
                profile.dump_stats(PROFILE)
        if probe is not None:
            probe.report()
        history = [await h.runtime.services.rounds.history(m, SYSTEM) for m, _b, _g in matches]
        figures["rounds_resolved"] = sum(len(rounds) - 1 for rounds in history)
        assert h.bot is not None
        figures["early_answers"] = h.bot.early.sent  # acknowledged from the parser
        match_of = {p.id: m for m, _b, group in matches for p in group}
        last_submit: dict[int, float] = {}
        for name, record, _done in records:
            if name == "submit":
                m = match_of[record.user.id]
                last_submit[m] = max(last_submit.get(m, 0.0), record.created)
        figures |= await reveals(h, [m for m, _b, _g in matches], last_submit, posts, records)
        if isinstance(store, SqliteStore):
            figures["commits"] = store.commits - before[0]
            figures["writes"] = store.writes - before[1]
        return figures
    finally:
        await stop(h, edge)


UNMEASURED: dict[str, int] = {}
"""Why a reveal was not measured, with how many (printed; the benchmark expects none)."""


async def reveals(
    h: Harness,
    match_ids: list[int],
    last_submit: dict[int, float],
    posts: PostTimes,
    records: Records,
) -> Figures:
    """Time from each match's last Submit to the first post of its reveal (and to the last post
    of its end, debrief included); every match is measured or counted under a reason."""
    sent = posts.by_nonce()
    last_reveal = max((r.created + done for _n, r, done in records), default=posts.began)
    revealed: list[float] = []
    ended: list[float] = []
    for match_id in match_ids:
        found = await h.runtime.services.outbox.of_match(match_id)
        reveal = next((a for a in found if a.kind == "round_resolved"), None)
        why = None
        if match_id not in last_submit:
            why = "no Submit was made"
        elif reveal is None:
            why = "the round was not resolved"
        elif reveal.sent_at is None:
            why = "the reveal is still pending in the outbox"
        elif f"{reveal.nonce}0" not in sent:
            why = "marked sent, but no post reached Discord"
        if why is not None or reveal is None:
            UNMEASURED[why or "?"] = UNMEASURED.get(why or "?", 0) + 1
            continue
        revealed.append(sent[f"{reveal.nonce}0"] - last_submit[match_id])
        last_reveal = max(last_reveal, sent[f"{reveal.nonce}0"])
        end = next((a for a in found if a.kind == "match_ended"), None)
        times = [t for n, t in sent.items() if end is not None and n.startswith(end.nonce)]
        if times:
            ended.append(max(times) - last_submit[match_id])
    return {
        "reveals_measured": len(revealed),
        "reveal_p50_ms": 1000 * quantile(revealed, 0.5),
        "reveal_p99_ms": 1000 * quantile(revealed, 0.99),
        "reveal_max_ms": 1000 * max(revealed, default=0.0),
        "ended_p99_ms": 1000 * quantile(ended, 0.99),
        "answered_s": last_reveal - posts.began,
    }


async def run_noop(folder: Path) -> Figures:
    """The no-op baseline, the same number of players and interactions."""
    h = Harness(
        settings(folder),
        bot_class=NoopBot,
        starter_factory=lambda clock: None,
        fake_thread=FAKE_THREAD,
    )
    edge = await start(h)
    try:
        body = {
            "content": "x",
            "components": [
                {
                    "type": 1,
                    "components": [
                        {"type": 2, "style": 1, "label": "Orders", "custom_id": "lv:m:1:r:1:orders"}
                    ],
                }
            ],
        }
        message = h.http.store(h.channel_id, body, ephemeral=False, owner=None, iid=None)
        players = [(message, h.user(f"N{i}")) for i in range(MATCHES * PLAYERS_PER_MATCH)]
        return await measure(h, players, play_noop, [], edge)
    finally:
        await stop(h, edge)


def report(levers: Figures, noop: Figures, rss_noop: float, rss: float) -> None:
    """Print the figures side by side, with ratios and the targets."""
    players = MATCHES * PLAYERS_PER_MATCH
    print(
        f"{MATCHES} matches, {players} players arriving over {WINDOW:.0f} s, file database, "
        f"group commit {'on' if GROUP_COMMIT else 'off'}"
    )
    where = "its own thread and loop" if FAKE_THREAD else "the bot's loop (FAKE_THREAD=0)"
    print(f"fake Discord served from {where}, in both arms")
    if EDGE:
        print(
            "acknowledged = the callback reached the edge (a relay in its own process); "
            "ack_in_fake = the fake's handler read it"
        )
    else:
        print("acknowledged = the fake's handler read the callback (EDGE=0)")
    print(f"{'':24}{'levers':>12}{'no-op':>12}{'ratio':>8}")
    for key in levers:
        if key not in noop:
            continue
        ratio = levers[key] / noop[key] if noop[key] else float("nan")
        print(f"{key:24}{levers[key]:>12.1f}{noop[key]:>12.1f}{ratio:>8.2f}")
    print("each step, p99 (ms): acknowledged; done (the bot finished with it)")
    for key in ("orders", "pick", "argument", "submit"):
        print(
            f"  {key:22}{levers[f'ack_{key}_p99_ms']:>12.1f}{levers[f'done_{key}_p99_ms']:>12.1f}"
        )
    print(
        f"acknowledged from the parser (early answers): {levers['early_answers']:.0f} of "
        f"{levers['interactions']:.0f}"
    )
    print(f"rounds resolved: {levers['rounds_resolved']:.0f}", end="")
    if "commits" in levers:
        print(
            f"; write transactions {levers['writes']:.0f} in {levers['commits']:.0f} commits",
            end="",
        )
    print()
    print(
        f"reveal (last Submit -> first reveal post): p50 {levers['reveal_p50_ms']:.0f} ms, "
        f"p99 {levers['reveal_p99_ms']:.0f} ms, max {levers['reveal_max_ms']:.0f} ms; "
        f"measured {levers['reveals_measured']:.0f} of {MATCHES}"
    )
    for why, count in UNMEASURED.items():
        print(f"  not measured: {count} ({why})")
    print(f"end of match posted (debrief included), p99: {levers['ended_p99_ms']:.0f} ms")
    print(
        f"wall time / arrival window: {levers['wall_s']:.1f} / {WINDOW:.0f} s = "
        f"{levers['wall_s'] / WINDOW:.2f} (everything, debriefs included); until every "
        f"interaction was answered and every reveal posted: {levers['answered_s']:.1f} s = "
        f"{levers['answered_s'] / WINDOW:.2f}"
    )
    print(f"peak resident memory: no-op {rss_noop:.0f} MB, levers {rss:.0f} MB")
    checks = {
        "ack p99 <= 2x no-op": levers["ack_p99_ms"] <= 2 * noop["ack_p99_ms"],
        "every acknowledgment timed where it was meant to be": (
            levers["acks_not_at_edge"] == noop["acks_not_at_edge"] == 0
        ),
        "ack p99 < 3 s": levers["ack_p99_ms"] < 3000,
        "loop lag p99 < 50 ms": levers["lag_p99_ms"] < 50,
        "wall time <= 1.2x the arrival window": levers["wall_s"] <= 1.2 * WINDOW,
        "answers and reveals <= 1.2x the window": levers["answered_s"] <= 1.2 * WINDOW,
        "reveal p99 < 2 s": levers["reveal_p99_ms"] < 2000,
        "every reveal measured": levers["reveals_measured"] == MATCHES,
        "memory < 300 MB": rss < 300,
    }
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'MISS'} {name}")


def peak_rss_mb() -> float:
    """This process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    """Run both (the no-op first, so its memory peak is its own) and print the comparison."""
    if not GROUP_COMMIT:
        sqlite.MAX_BATCH = 1  # every write commits alone, as before group commit
    with tempfile.TemporaryDirectory() as folder:
        noop = asyncio.run(run_noop(Path(folder) / "noop"))
        rss_noop = peak_rss_mb()
        levers = asyncio.run(run_levers(Path(folder)))
    report(levers, noop, rss_noop, peak_rss_mb())
    sys.stdout.flush()

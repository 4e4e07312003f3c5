"""What the running bot opens at start and closes at stop: the services and two workers.

``Runtime`` holds the services the cogs call, the announcer that posts the outbox, and the timer
worker that fires deadlines and reminders (rows in the store, so they survive restarts: on start
it picks up whatever came due while the bot was down).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot import collector
from bot.discord import offload
from bot.discord.announcer import Announcer
from bot.services import Services
from bot.services.clock import Clock, system_clock
from bot.services.drafts import DraftService
from bot.services.models import FiredTimer
from bot.services.threads import ThreadService

if TYPE_CHECKING:
    from bot.discord.client import LeversBot

log = logging.getLogger("levers.discord")
SWITCH_INTERVAL = 0.001
"""How long another thread may hold the interpreter lock once the event loop asks for it (Python's
default is 5 ms): the round's resolution runs in a thread, and the loop's acknowledgments must
not wait 5 ms for it at each step. Set when the bot's runtime starts."""
GC_THRESHOLDS = collector.THRESHOLDS
"""The collector's thresholds while the bot runs (Python's default: 700, 10, 10). With 700, a
run of the Discord benchmark made ~1,100 young passes (0.9 s), 100 middle ones (6.5 ms each)
and 9 full ones (50 ms each) on the event loop; with 10,000: 61 young passes (4.6 ms each),
5 middle (28 ms), no full one in the window (0.4 s in all; probe figures in docs/performance.md).
Per-interaction objects mostly die by reference counting before a pass sees them."""
MAX_NAP = 300.0  # re-read the next deadline at least this often
RETRY_NAPS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)  # after a failed announcement


class TimerWorker:
    """Sleeps until the next deadline or reminder, fires what is due, then announces it."""

    def __init__(self, services: Services, announcer: Announcer, clock: Clock) -> None:
        self._services = services
        self._announcer = announcer
        self._clock = clock
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.napping = False  # asleep until the next due time or a wake()

    async def tick(self) -> list[FiredTimer]:
        """Fire every timer due now and deliver what they announce."""
        fired = await self._services.timers.fire_due(self._clock())
        await self._announcer.flush()
        return fired

    def wake(self) -> None:
        """Re-read the next due time (call after a change that sets or cancels timers)."""
        self._wake.set()

    def start(self) -> None:
        """Run the worker in the background."""
        self._task = asyncio.create_task(self._run(), name="levers-worker-timers")

    async def stop(self) -> None:
        """Stop the worker."""
        if self._task is not None:
            self._task.cancel()
            # asyncio.wait: the worker's cancellation is not raised here, ours still is
            await asyncio.wait([self._task])
            self._task = None

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                await self.tick()
                due = await self._services.timers.next_due_at()
            except Exception:
                log.exception("the timer worker failed; retrying in a minute")
                due = None
            nap = MAX_NAP if due is None else (due - self._clock()).total_seconds()
            # Announcements held back by Discord (a 429 storm, 5xx) are retried, never dropped.
            failures = failures + 1 if self._announcer.backlog else 0
            if failures:
                nap = min(nap, RETRY_NAPS[min(failures, len(RETRY_NAPS)) - 1])
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that
            # arrives just as the event is set (a wake() racing stop()), and the worker ran on.
            self.napping = True
            try:
                async with asyncio.timeout(min(max(nap, 0.0), MAX_NAP)):
                    await self._wake.wait()
            except TimeoutError:
                pass
            finally:
                self.napping = False
            self._wake.clear()


@dataclass
class Runtime:
    """The services and workers the cogs use."""

    services: Services
    drafts: DraftService
    threads: ThreadService
    announcer: Announcer
    timers: TimerWorker
    _flusher: asyncio.Task[None] | None = None
    _again: bool = False

    def wake(self, touched: frozenset[str]) -> None:
        """Told by the services after a commit: post what it announced (in the background: one
        look at the outbox at a time, which starts each match's delivery without waiting for
        it, so a slow match never delays another's reveal) and re-read the next deadline when
        timers changed."""
        if "timers" in touched:
            self.timers.wake()
        if "outbox" in touched:
            self._again = True
            if self._flusher is None or self._flusher.done():
                self._flusher = asyncio.create_task(self._flush(), name="levers-task-announce")

    async def _flush(self) -> None:
        while self._again:
            self._again = False
            try:
                await self.announcer.start()
            except Exception:
                log.exception("posting announcements failed; the next change retries")

    async def changed(self) -> None:
        """Post what is pending now and re-read the next deadline (the services do this by
        themselves after each change; this is for a store changed from outside)."""
        await self.announcer.flush()
        self.timers.wake()

    async def stop(self) -> None:
        """Let the deliveries in progress finish, then stop the timer worker."""
        if self._flusher is not None:
            # Finished, or cut off by a crash: either way the stop goes on (_flush logs failures).
            await asyncio.wait([self._flusher])
        await self.announcer.idle()
        await self.timers.stop()


def quiet_collector(loop: asyncio.AbstractEventLoop) -> None:
    """Keep the garbage collector's full passes short: what is alive now (the code, the cogs,
    the open store) and what survives each full pass is frozen (``gc.freeze``), so the next
    full pass walks only what was made since. A full pass over a 280 MB heap held the event
    loop 100 to 300 ms, several times a run; every acknowledgment due meanwhile waited for it.
    The price: a reference cycle that dies after being frozen is not freed (per-interaction
    objects die by reference counting; the long-lived ones are the scenarios and caches)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    _collected_on[:] = [loop]
    if _freeze_survivors not in gc.callbacks:
        gc.callbacks.append(_freeze_survivors)


_collected_on: list[asyncio.AbstractEventLoop] = []  # the loop of the latest bot started


def _freeze_survivors(phase: str, info: dict[str, int]) -> None:
    """After a full pass, freeze what survived it (on the loop: not inside the collector)."""
    if phase == "stop" and info["generation"] == 2:
        for loop in _collected_on:
            if not loop.is_closed():
                loop.call_soon_threadsafe(gc.freeze)


def runtime_of(client: discord.Client) -> Runtime:
    """The running bot's runtime."""
    found = getattr(client, "runtime", None)
    assert isinstance(found, Runtime), "the bot has no runtime (setup_hook has not run)"
    return found


def starter(
    clock: Clock = system_clock, run_timers: bool = True
) -> Callable[[LeversBot], Awaitable[Callable[[], Awaitable[None]]]]:
    """A starter for ``LeversBot``: open the store at the configured path, start the workers."""

    async def start(bot: LeversBot) -> Callable[[], Awaitable[None]]:
        sys.setswitchinterval(SWITCH_INTERVAL)
        quiet_collector(asyncio.get_running_loop())
        services = await Services.open(
            bot.settings.database, clock=clock, shards=bot.settings.shards()
        )
        threads = services.threads
        announcer = Announcer(bot, services, threads)
        runtime = Runtime(
            services,
            services.drafts,
            threads,
            announcer,
            TimerWorker(services, announcer, clock),
        )
        bot.runtime = runtime
        services.ctx.listeners.append(runtime.wake)
        if run_timers:
            runtime.timers.start()
        offload.warm()  # the debriefs' render workers: spawned now, not at the first debrief

        async def close() -> None:
            await runtime.stop()
            await services.close()

        return close

    return start


open_runtime = starter()

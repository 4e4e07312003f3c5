"""CPU-heavy rendering in a worker process, off the bot's event loop and its GIL.

A debrief (its forks and its two charts) costs some tens of milliseconds of CPU (a few hundred
when matplotlib drew its charts), 200 debriefs within half a minute several seconds. In a
thread it still holds the interpreter lock the event loop needs, so acknowledgements and reveals
wait behind it under load; a separate process does not. Worker processes (``WORKERS``) are
started with the bot (``warm``; ``spawn``: never a fork of a process with running threads),
warmed up (a chart drawn: the fonts loaded) and reused. When the pool cannot be used (a
broken pool, a value that does not pickle) the work runs here, in a thread, as before: slower
under load, never lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.game.scenario import Scenario
    from bot.review.from_store import StoredMatch
    from bot.review.pages import DebriefPost

log = logging.getLogger("levers.discord")
WORKERS = int(os.environ.get("LEVERS_RENDER_WORKERS", str(min(2, os.cpu_count() or 1))))
"""Worker processes (0: render in this process, in a thread). Two by default (one on a
one-core machine): they run at a lower priority (``NICE``), so they use the CPU the bot leaves
idle; with one, 200 matches ending within 30 s had their debriefs posted 30 s after the last
Submit, with two, 12 s."""

_pool: ProcessPoolExecutor | None = None


NICE = 10
"""How much lower the worker's CPU priority is than the bot's: a debrief is background work,
the bot's loop answers people (on a busy machine the worker took the CPU the loop needed to
keep pace with arrivals)."""


def _background() -> None:
    """In the worker, at start: yield the CPU to the bot (and to anything interactive), then
    import and warm up what a debrief uses (the charts' fonts, the engine): CPU that the first
    debrief of each worker paid otherwise."""
    with contextlib.suppress(OSError, AttributeError):  # not everywhere (Windows: no nice)
        os.nice(NICE)
    from bot import collector
    from bot.review.charts import warm_up

    warm_up()
    collector.quiet()


def _ready() -> int:
    """A job that returns once the worker has started (``_background`` ran)."""
    return os.getpid()


def warm() -> None:
    """Start the render workers now, at the bot's start, not at the first debrief: a worker
    takes a second or two to spawn and warm up, which the first debriefs waited for."""
    pool = _executor()
    if pool is None:
        return
    with contextlib.suppress(BrokenProcessPool, OSError, RuntimeError):
        for _ in range(WORKERS):  # one job each: the pool spawns a worker per waiting job
            pool.submit(_ready)


def _executor() -> ProcessPoolExecutor | None:
    global _pool
    if WORKERS <= 0:
        return None
    if _pool is None:
        _pool = ProcessPoolExecutor(
            WORKERS, mp_context=multiprocessing.get_context("spawn"), initializer=_background
        )
    return _pool


_SCENARIOS: dict[str, Scenario] = {}
"""In the worker: scenarios parsed from their text, by hash (a parsed scenario takes longer
to pickle, about 10 ms for the default one, than its text takes to parse once)."""


def _debrief(stored: StoredMatch) -> DebriefPost:
    """In the worker: the match's record built from its stored rows (about 10 ms a match, off
    the bot's loop too), then the debrief post (``debrief_post`` runs its parts in threads of
    its own event loop there)."""
    from bot.game.validate import load_scenario
    from bot.review.from_store import assemble_record
    from bot.review.pages import debrief_post

    sha = stored.match.scenario_sha256
    scenario = _SCENARIOS.get(sha)
    if scenario is None:
        assert stored.body is not None, "read the match with its scenario's text"
        scenario = load_scenario(stored.body, f"scenario {sha[:12]}")
        if len(_SCENARIOS) >= 8:
            _SCENARIOS.clear()
        _SCENARIOS[sha] = scenario
    _scenario, record = assemble_record(stored, scenario)
    return asyncio.run(debrief_post(scenario, record))


async def debrief(scenario: Scenario, stored: StoredMatch) -> DebriefPost:
    """The end-of-match debrief with its charts, made in the worker process from what
    ``bot.review.from_store.read_stored`` read (without a scenario: the worker takes the
    scenario's text, not the parsed ``scenario``, which is the one it gives)."""
    global _pool
    pool = _executor()
    if pool is not None:
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, _debrief, stored)
        except (BrokenProcessPool, pickle.PicklingError, OSError) as err:
            log.warning("the render worker failed (%r); rendering here", err)
            if _pool is pool:
                _pool = None
                pool.shutdown(wait=False, cancel_futures=True)
    from bot.review.from_store import assemble_record
    from bot.review.pages import debrief_post

    _scenario, record = await asyncio.to_thread(assemble_record, stored, scenario)
    return await debrief_post(scenario, record)

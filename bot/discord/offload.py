"""CPU-heavy rendering in a worker process, off the bot's event loop and its GIL.

A debrief (its forks and its matplotlib charts) costs a few hundred milliseconds of CPU. In a
thread it still holds the interpreter lock the event loop needs, so acknowledgements and reveals
wait behind it under load; a separate process does not. One worker process per bot process,
started the first time it is needed (``spawn``: never a fork of a process with running threads)
and reused. When it cannot be used (a broken pool, a value that does not pickle) the work runs
here, in a thread, as before: slower under load, never lost.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.game.scenario import Scenario
    from bot.review.pages import DebriefPost
    from bot.review.record import MatchRecord

log = logging.getLogger("levers.discord")
WORKERS = int(os.environ.get("LEVERS_RENDER_WORKERS", "1"))
"""Worker processes (0: render in this process, in a thread)."""

_pool: ProcessPoolExecutor | None = None


def _executor() -> ProcessPoolExecutor | None:
    global _pool
    if WORKERS <= 0:
        return None
    if _pool is None:
        _pool = ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn"))
    return _pool


def _debrief(scenario: Scenario, record: MatchRecord) -> DebriefPost:
    """In the worker: the debrief post (``debrief_post`` runs its parts in threads of its own
    event loop there)."""
    from bot.review.pages import debrief_post

    return asyncio.run(debrief_post(scenario, record))


async def debrief(scenario: Scenario, record: MatchRecord) -> DebriefPost:
    """The end-of-match debrief with its charts, made in the worker process."""
    global _pool
    pool = _executor()
    if pool is not None:
        try:
            return await asyncio.get_running_loop().run_in_executor(
                pool, _debrief, scenario, record
            )
        except (BrokenProcessPool, pickle.PicklingError, OSError) as err:
            log.warning("the render worker failed (%r); rendering here", err)
            if _pool is pool:
                _pool = None
                pool.shutdown(wait=False, cancel_futures=True)
    from bot.review.pages import debrief_post

    return await debrief_post(scenario, record)

"""Engine work too heavy for the event loop: a match's forks and the AI's expected seat scores.

``/match whatif`` plays the rest of a match twice per seed (``bot.game.fork``) and ``/match
rematch`` plays dozens of all-AI matches (``bot.game.seat_swap.expected_scores``): seconds of
pure CPU. A thread would still hold the GIL against the event loop, so the work runs in one
worker process (``Compute``), started on first use from a fork server (a clean process: the
bot's threads and sockets are never forked) and kept for the next job. Jobs queue one at a
time; each gets the scenario as its exact text and parses it once per process (by hash).

As with any spawned or fork-server process, the program's main module is imported again in
the worker under the name ``__mp_main__``: entry points keep their work under
``if __name__ == "__main__":`` (``levers`` and pytest do).

Everything a job takes and returns is plain data (dataclasses of the engine, dicts), so the
results are the same as the pure functions called in-process (a test compares them).
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Literal, TypeVar

from bot import collector
from bot.game.fork import Changes, StoredMatch, fork, fork_report
from bot.game.scenario import Scenario
from bot.game.seat_swap import expected_scores
from bot.game.validate import load_scenario

T = TypeVar("T")
MAX_WAITING = 8  # jobs queued behind the running one before new ones are turned away
_PARSED: dict[str, Scenario] = {}  # the worker's parsed scenarios, by the hash of their text
_KEEP = 8


def _scenario(text: bytes) -> Scenario:
    key = hashlib.sha256(text).hexdigest()
    found = _PARSED.get(key)
    if found is None:
        if len(_PARSED) >= _KEEP:
            _PARSED.pop(next(iter(_PARSED)))
        found = _PARSED[key] = load_scenario(text, f"scenario {key[:12]}")
    return found


def fork_job(
    text: bytes,
    stored: StoredMatch,
    from_round: int,
    seeds: int,
    changes: Changes,
    match_id: int | None,
) -> dict[str, Any]:
    """A fork's report (``levers whatif --json``'s object); ForkError on a bad fork."""
    scenario = _scenario(text)
    return fork_report(scenario, fork(scenario, stored, from_round, seeds, changes), match_id)


def expected_job(text: bytes, seed: int, rounds: int | None, matches: int) -> dict[str, float]:
    """Each seat's expected score with the AI in every seat (``seat_swap.expected_scores``)."""
    return expected_scores(_scenario(text), seed, rounds, matches)


class ComputeBusy(RuntimeError):
    """Too many jobs already wait for the worker; this one was not queued."""


class Compute:
    """Runs jobs off the event loop: in one worker process (``process``, the default), or in
    one thread (``thread``: for callers that cannot start processes)."""

    def __init__(self, mode: Literal["process", "thread"] = "process") -> None:
        self.mode = mode
        self._executor: Executor | None = None
        self._queue = asyncio.Semaphore(1)
        self._waiting = 0

    def _pool(self) -> Executor:
        if self._executor is None:
            if self.mode == "thread":
                self._executor = ThreadPoolExecutor(1, thread_name_prefix="levers-compute")
            else:
                methods = multiprocessing.get_all_start_methods()
                method = "forkserver" if "forkserver" in methods else "spawn"
                self._executor = ProcessPoolExecutor(
                    1, mp_context=multiprocessing.get_context(method), initializer=collector.quiet
                )
        return self._executor

    async def run(self, job: Callable[..., T], *args: Any) -> T:
        """``job(*args)`` in the worker; a worker that died is started again once.

        ComputeBusy when ``MAX_WAITING`` jobs already wait: the queue stays bounded.
        """
        if self._waiting >= MAX_WAITING:
            raise ComputeBusy(f"{self._waiting} jobs are already waiting")
        loop = asyncio.get_running_loop()
        self._waiting += 1
        try:
            await self._queue.acquire()
        finally:
            self._waiting -= 1
        try:
            try:
                return await loop.run_in_executor(self._pool(), job, *args)
            except BrokenProcessPool:
                self.close()
                return await loop.run_in_executor(self._pool(), job, *args)
        finally:
            self._queue.release()

    def close(self) -> None:
        """Stop the worker (a job running in it is abandoned)."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

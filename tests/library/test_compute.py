"""The compute worker: jobs run off the event loop with the pure functions' results, one at a
time, and a full queue turns new jobs away instead of growing."""

from __future__ import annotations

import asyncio

import pytest

from bot.game.seat_swap import expected_scores
from bot.library import compute
from bot.library.compute import Compute, ComputeBusy, expected_job
from bot.scenarios import read_scenario


async def test_a_job_gives_what_the_pure_function_gives() -> None:
    scenario, raw, _path = read_scenario("tutorial")
    worker = Compute()
    try:
        found = await worker.run(expected_job, raw, 3, 2, 2)
    finally:
        worker.close()
    assert found == expected_scores(scenario, 3, 2, 2)


async def test_a_full_queue_turns_new_jobs_away(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compute, "MAX_WAITING", 1)
    worker = Compute("thread")
    gate = asyncio.Event()
    loop = asyncio.get_running_loop()
    started = asyncio.Event()

    def slow() -> int:
        loop.call_soon_threadsafe(started.set)
        asyncio.run_coroutine_threadsafe(gate.wait(), loop).result()
        return 1

    try:
        first = asyncio.create_task(worker.run(slow))
        await started.wait()
        second = asyncio.create_task(worker.run(lambda: 2))
        await asyncio.sleep(0)
        with pytest.raises(ComputeBusy):
            await worker.run(lambda: 3)
        gate.set()
        assert (await first, await second) == (1, 2), "queued jobs still run, in order"
    finally:
        worker.close()

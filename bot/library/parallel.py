"""``levers simulate --workers N``: the same report as one process, from N worker processes.

Each worker loads the scenario from its exact bytes once, then plays contiguous chunks of match
indices with fresh policies built from plain specs (``ai``, ``hold`` or a script's move lists).
The parent puts the chunks back in index order before summing them up (``report.tally``), so
every mean is summed in the same order as a single process sums it: the reports are equal to
the byte. Workers are forked where the platform can (``levers simulate`` is single-threaded
when it starts them, and a fork starts in milliseconds where a spawned worker re-imports
everything, several seconds on a busy machine); elsewhere they are spawned. Either way they get
the scenario from its bytes, not from the parent's memory.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from bot import collector
from bot.game.policies import AiPolicy, Entry, HoldPolicy, Policy, ScriptPolicy
from bot.game.report import MatchFigures, play_one, simulate, tally
from bot.game.scenario import Scenario
from bot.game.validate import load_scenario


@dataclass(frozen=True)
class ScriptSpec:
    """A script file's content: the moves per round, and whether an illegal move waits."""

    rounds: tuple[tuple[Entry, ...], ...]
    wait: bool = False


PolicySpec = str | ScriptSpec  # "ai", "hold", or a script
MAX_WORKERS = 64
CHUNKS_PER_WORKER = 4  # smaller chunks even out workers that draw longer matches

_scenario: Scenario | None = None  # the worker process's scenario, loaded by _start


def build_policies(specs: Mapping[str, PolicySpec]) -> dict[str, Policy]:
    """Fresh policies (scripts count their skipped moves per match) from their specs."""
    made: dict[str, Policy] = {}
    for seat, what in specs.items():
        if what == "ai":
            made[seat] = AiPolicy()
        elif what == "hold":
            made[seat] = HoldPolicy()
        else:
            assert isinstance(what, ScriptSpec)
            made[seat] = ScriptPolicy([list(r) for r in what.rounds], wait=what.wait)
    return made


def _start(raw: bytes, name: str) -> None:
    global _scenario
    _scenario = load_scenario(raw, name)
    collector.quiet()


def _chunk(
    seed: int,
    indices: range,
    specs: Mapping[str, PolicySpec],
    rounds: int | None,
    rate: Mapping[str, float] | None = None,
) -> list[MatchFigures]:
    assert _scenario is not None, "the worker was started without its scenario"
    return [play_one(_scenario, seed, i, build_policies(specs), rounds, rate) for i in indices]


def chunks(matches: int, workers: int) -> list[range]:
    """Contiguous ranges of match indices, in order, covering 0..matches-1."""
    count = max(1, min(matches, workers * CHUNKS_PER_WORKER))
    size, extra = divmod(matches, count)
    found, start = [], 0
    for k in range(count):
        stop = start + size + (1 if k < extra else 0)
        found.append(range(start, stop))
        start = stop
    return found


def simulate_parallel(
    scenario: Scenario,
    raw: bytes,
    matches: int,
    seed: int,
    specs: Mapping[str, PolicySpec],
    rounds: int | None = None,
    workers: int = 2,
    rate: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """``report.simulate`` over ``workers`` processes; ``raw`` is the scenario's file."""
    if not 1 <= workers <= MAX_WORKERS:
        raise ValueError(f"workers must be between 1 and {MAX_WORKERS}")
    if workers == 1:
        collector.quiet()
        return simulate(scenario, matches, seed, lambda: build_policies(specs), rounds, rate)
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start, initargs=(raw, scenario.meta.id)
    ) as pool:
        parts = [
            pool.submit(_chunk, seed, indices, dict(specs), rounds, dict(rate or {}))
            for indices in chunks(matches, workers)
        ]
        return tally(scenario, (figure for part in parts for figure in part.result()))

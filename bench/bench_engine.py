"""Engine speed: full matches of the default scenario with the AI on every seat.

Targets: issue 2's 1,000 AI matches in at most 5 s on one core, and issue 17's at least 200
matches/s. Three runs over the same seeds, in the same process: the engine (the fast path),
the reference engine (``bot/game/reference/``: the engine and AI as they were before the fast
path, which gives the same matches to the byte), and the hold baseline (the fast engine with
every seat on `hold`: the engine's own cost with no moves). The three alternate in blocks of
``BLOCK`` matches, so a busy moment of a shared machine hits all three alike; each is timed by
the wall clock and by the CPU time of this process (the better figure on a shared machine).
``LEVERS_BENCH_ENGINE_MATCHES`` changes the count (1,000 by default). The garbage collector is
set as the commands that play matches in bulk set it (``bot.collector.quiet``).

The engine runs compiled when a build matching the sources exists (``bot/native_engine.py``);
the report says which one it measured, and when it is the compiled one a child process then
plays the same matches with the interpreted fast engine (``LEVERS_ENGINE=interpreted``), after
the main run rather than interleaved with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping

import bot.game
from bot import collector
from bot.game import match as fast
from bot.game.match import MatchLog, match_seed
from bot.game.policies import HoldPolicy, Policy
from bot.game.reference import match as reference
from bot.game.scenario import Scenario
from bot.scenarios import default_id, read_scenario

MATCHES = int(os.environ.get("LEVERS_BENCH_ENGINE_MATCHES", "1000"))
TARGET = 200.0  # matches per second (issue 17)
BLOCK = 100  # matches of each engine in turn

Player = Callable[[Scenario, int, Mapping[str, Policy] | None], MatchLog]


def _run(
    play: Player, scenario: Scenario, policies: Mapping[str, Policy], indices: range
) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and rounds for the matches ``indices``."""
    start, cpu = time.perf_counter(), time.process_time()
    rounds = 0
    for index in indices:
        rounds += len(play(scenario, match_seed(7, index), policies).rounds)
    return time.perf_counter() - start, time.process_time() - cpu, rounds


def _add(total: list[float], part: tuple[float, float, int]) -> None:
    for n, value in enumerate(part):
        total[n] += value


def _line(name: str, wall: float, cpu: float, rounds: float) -> str:
    return (
        f"{name:<18}: {MATCHES / wall:7.1f} matches/s wall ({wall:6.2f} s), "
        f"{MATCHES / cpu:7.1f} matches/s CPU ({cpu:6.2f} s), {rounds:.0f} rounds"
    )


def _interpreted_only() -> None:
    """The child's part: the fast engine's AI matches alone, as one line."""
    scenario, _raw, _path = read_scenario(None)
    fast.play_match(scenario, 1)
    collector.quiet()
    print(_line(f"AI, {bot.game.ENGINE}", *_run(fast.play_match, scenario, {}, range(MATCHES))))


def main() -> None:
    """Print matches per second: the engine, the reference engine and the hold baseline."""
    if os.environ.get("LEVERS_BENCH_ENGINE_CHILD"):
        _interpreted_only()
        return
    scenario, _raw, _path = read_scenario(None)
    hold: dict[str, Policy] = {seat: HoldPolicy() for seat in scenario.seat_ids}
    fast.play_match(scenario, 1)  # build the per-scenario tables outside the timing
    reference.play_match(scenario, 1)
    collector.quiet()  # as ``levers simulate`` and the other batch commands run (bot/collector.py)
    base, new, old = [0.0, 0.0, 0], [0.0, 0.0, 0], [0.0, 0.0, 0]
    for first in range(0, MATCHES, BLOCK):
        block = range(first, min(first + BLOCK, MATCHES))
        _add(base, _run(fast.play_match, scenario, hold, block))
        _add(new, _run(fast.play_match, scenario, {}, block))
        _add(old, _run(reference.play_match, scenario, {}, block))
    assert new[2] == old[2], "the engines played different matches"
    print(f"scenario: {default_id()} ({len(scenario.seat_ids)} seats), {MATCHES} matches each")
    print(f"engine: {bot.game.ENGINE} ({bot.game.ENGINE_REASON})")
    print(_line("hold baseline", *base))
    print(_line("AI, engine", *new))
    print(_line("AI, reference", *old))
    print(f"engine / reference speed-up: {old[1] / new[1]:.2f}x (CPU)")
    print(f"engine AI / hold baseline time: {new[1] / base[1]:.2f}x (CPU)")
    rate = MATCHES / new[1]
    verdict = "met" if rate >= TARGET else "NOT met"
    print(f"target >= {TARGET:.0f} AI matches/s on one core: {verdict} ({rate:.1f} CPU)")
    if bot.game.ENGINE == "compiled":
        env = {**os.environ, "LEVERS_ENGINE": "interpreted", "LEVERS_BENCH_ENGINE_CHILD": "1"}
        child = [sys.executable, "-m", "bench", "engine"]
        out = subprocess.run(child, env=env, capture_output=True, text=True, check=True).stdout
        print("then, in a child process:", *[x for x in out.splitlines() if x.startswith("AI")])

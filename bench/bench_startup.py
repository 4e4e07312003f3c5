"""Start time of the command line: ``levers --help`` and ``levers validate`` on a small file.

Target (issue 16): every command starts well under half a second. The baseline, measured in the
same run, is ``python -c pass`` with the same interpreter, so the ratios say what Levers itself
adds to starting Python. Each figure is the median of ``RUNS`` fresh processes.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bot.scenarios import SCENARIOS

RUNS = int(os.environ.get("LEVERS_BENCH_STARTS", "15"))
SMALL = SCENARIOS / "tutorial.yaml"
TARGET_S = 0.5


def _levers() -> list[str]:
    """The installed ``levers`` script next to this interpreter, as a user runs it."""
    script = Path(sys.executable).with_name("levers")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.cli.main"]


def _median(command: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print the median start times and their ratio to ``python -c pass``."""
    levers = _levers()
    base = _median([sys.executable, "-c", "pass"])
    help_s = _median([*levers, "--help"])
    validate_s = _median([*levers, "validate", str(SMALL)])
    print(f"median of {RUNS} runs each; small file: {SMALL.name} ({SMALL.stat().st_size} bytes)")
    print(f"python -c pass       : {base * 1000:6.0f} ms")
    for name, took in (("levers --help", help_s), ("levers validate FILE", validate_s)):
        print(f"{name:<20} : {took * 1000:6.0f} ms  ({took / base:.1f}x baseline)")
    worst = max(help_s, validate_s)
    verdict = "met" if worst < TARGET_S else "NOT met"
    print(f"target every start < {TARGET_S} s: {verdict} (slowest {worst:.3f} s)")

"""The CPU of one end-of-match debrief, in the render worker's code path, split by part.

Plays a small ``bench discord`` (20 matches over 6 s, the same one-round matches), keeps what
the bot hands the render worker for each debrief (``bot.discord.offload.debrief``), then, in
this process, times ``offload._debrief`` on each (the record built from the stored rows, the
forks, the text, the charts) and each part on its own. Not part of ``make bench``:

    PYTHONPATH=. .venv/bin/python -m bench.debrief_cost
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, TypeVar

os.environ.setdefault("LEVERS_BENCH_MATCHES", "20")
os.environ.setdefault("LEVERS_BENCH_WINDOW", "6")

from bench import bench_discord
from bot.discord import offload
from bot.game.scenario import Scenario
from bot.review.from_store import StoredMatch

T = TypeVar("T")


def captured() -> list[StoredMatch]:
    """Run the small bench and keep every match handed to the render worker."""
    found: list[StoredMatch] = []
    original = offload.debrief

    async def keep(scenario: Scenario, stored: StoredMatch) -> object:
        found.append(stored)
        return await original(scenario, stored)

    offload.debrief = keep  # type: ignore[assignment]
    try:
        bench_discord.main()
    finally:
        offload.debrief = original
    return found


def main() -> None:
    """Print the CPU of a whole debrief (first, then the others) and of its parts."""
    from bot.game.validate import load_scenario
    from bot.review import charts, debrief, what_if
    from bot.review.debrief_text import debrief_lines
    from bot.review.from_store import assemble_record

    stored = captured()
    start = time.process_time()
    offload._debrief(stored[0])
    first = time.process_time() - start
    whole = []
    for item in stored[1:]:
        start = time.process_time()
        offload._debrief(item)
        whole.append(time.process_time() - start)
    assert stored[0].body is not None
    scenario = load_scenario(stored[0].body, "bench")
    parts: dict[str, float] = {}

    def timed(name: str, work: Callable[..., T], *args: Any) -> T:
        start = time.process_time()
        made = work(*args)
        parts[name] = parts.get(name, 0.0) + time.process_time() - start
        return made

    for item in stored[1:]:
        record = timed("record", assemble_record, item, scenario)[1]
        points = timed("turning points", debrief.turning_points, scenario, record)
        timed("what-if forks", what_if.what_if, scenario, record, points)
        made = timed("whole debrief (no charts)", debrief.build_debrief, scenario, record)
        timed("text", debrief_lines, made, True)
        timed("charts", charts.charts, record)
    whole.sort()
    print(f"{len(stored)} debriefs; the first (a worker's first) {first * 1000:.0f} ms of CPU")
    print(
        f"the others: mean {1000 * sum(whole) / len(whole):.0f} ms, median "
        f"{1000 * whole[len(whole) // 2]:.0f} ms, max {1000 * whole[-1]:.0f} ms"
    )
    for name, total in parts.items():
        print(f"  {name:28}{1000 * total / len(whole):8.1f} ms")


if __name__ == "__main__":
    main()

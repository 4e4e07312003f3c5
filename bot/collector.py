"""The garbage collector's settings for processes that play many matches, and for the bot.

A match makes many short-lived objects and few reference cycles. Python's default thresholds
(700, 10, 10) run a young pass every 700 net allocations and a full pass, which walks every
live object (the code, the scenario and its tables included), every hundred of those; in a run
of AI matches that was about 4 % of the instructions (callgrind, docs/performance.md).
``quiet`` collects once, freezes what is alive then (no later pass walks it) and raises the
first threshold. The objects a match makes still die by reference counting; a cycle is still
collected, later. Called where a process starts playing matches in bulk: ``levers simulate``
and its workers, ``levers whatif``, the scenario check's worker, the render and compute
workers, and the benchmarks that measure them. The bot's runtime uses the same thresholds.
"""

from __future__ import annotations

import gc

THRESHOLDS = (10_000, 10, 10)


def quiet() -> None:
    """Collect once, freeze what survives, and raise the young generation's threshold."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)

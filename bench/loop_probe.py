"""Which callbacks hold the event loop, for ``LEVERS_BENCH_LOOP_PROBE=1 python -m bench discord``.

Every ``asyncio.Handle`` the loop runs is timed; a task's step is named by its coroutine and where
it resumed and where it stopped (the innermost frame of the project's code, else the innermost
one). The slowest kinds are printed: how many steps took longer than ``SLOW`` and their total,
and the total of all steps of that kind. A diagnostic, not a figure: timing every callback costs
a little of the loop itself.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from types import CoroutineType, FrameType, GeneratorType
from typing import Any

SLOW = 0.002
PROJECT = ("/bot/", "/cogs/", "/db/", "/tests/", "/bench/")


def _frames(coro: Any) -> list[FrameType]:
    found: list[FrameType] = []
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is not None:
            found.append(frame)
        if isinstance(coro, CoroutineType):
            coro = coro.cr_await
        elif isinstance(coro, GeneratorType):
            coro = coro.gi_yieldfrom
        else:
            coro = getattr(coro, "cr_await", None)
    return found


def _where(coro: Any) -> str:
    frames = _frames(coro)
    if not frames:
        return "-"
    ours = [f for f in frames if any(p in f.f_code.co_filename for p in PROJECT)]
    frame = (ours or frames)[-1]
    name = frame.f_code.co_filename.rsplit("/", 2)
    return f"{name[-2]}/{name[-1]}:{frame.f_lineno} {frame.f_code.co_name}"


def _label(callback: Any) -> tuple[str, Any]:
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, asyncio.Task):
        coro = owner.get_coro()
        return f"task {getattr(coro, '__qualname__', '?')}", coro
    name = getattr(callback, "__qualname__", None) or type(callback).__name__
    return f"cb {name}", None


class Probe:
    """Totals per kind of callback: (count, slow count, slow total, total)."""

    def __init__(self) -> None:
        self.kinds: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0])
        self.busy = 0.0
        self.slow_sizes: list[float] = []

    def record(self, label: str, took: float) -> None:
        kind = self.kinds[label]
        kind[0] += 1
        kind[3] += took
        self.busy += took
        if took > SLOW:
            kind[1] += 1
            kind[2] += took
            self.slow_sizes.append(took)

    def report(self, top: int = 40) -> None:
        print(
            f"loop probe: busy {self.busy:.1f} s; steps over {1000 * SLOW:.0f} ms: "
            f"{len(self.slow_sizes)}, {sum(self.slow_sizes):.1f} s"
        )
        ranked = sorted(self.kinds.items(), key=lambda kv: -kv[1][2])
        print(f"  {'slow':>6} {'slow s':>7} {'count':>7} {'total s':>8}  kind")
        for label, (count, slow, slow_total, total) in ranked[:top]:
            print(f"  {slow:>6.0f} {slow_total:>7.2f} {count:>7.0f} {total:>8.2f}  {label}")


@contextmanager
def probing() -> Iterator[Probe]:
    """Time every callback the loop runs while inside."""
    probe = Probe()
    original = asyncio.events.Handle._run

    def timed(handle: asyncio.events.Handle) -> None:
        label, coro = _label(handle._callback)  # type: ignore[attr-defined]
        before = _where(coro) if coro is not None else ""
        start = time.perf_counter()
        original(handle)
        took = time.perf_counter() - start
        if coro is not None:
            label = f"{label} [{before} -> {_where(coro)}]"
        probe.record(label, took)

    started: list[float] = []

    def collected(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            probe.record(f"gc generation {info['generation']}", time.perf_counter() - started.pop())

    asyncio.events.Handle._run = timed  # type: ignore[method-assign,assignment]
    gc.callbacks.append(collected)
    try:
        yield probe
    finally:
        asyncio.events.Handle._run = original  # type: ignore[method-assign]
        gc.callbacks.remove(collected)

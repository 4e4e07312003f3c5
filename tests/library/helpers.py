"""Helpers for the scenario library's tests: timing a check, checking Discord's limits."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from bot.library import report, sandbox
from bot.library.results import CheckResult


@dataclass(frozen=True)
class Timed:
    """A check's result, how long it took, and how the event loop fared meanwhile."""

    result: CheckResult
    elapsed: float
    max_gap: float  # the longest the ticker waited for a 5 ms sleep
    ticks: int


async def check_while_ticking(
    raw: bytes,
    name: str,
    *,
    time_limit: float = sandbox.DEFAULT_TIME_LIMIT,
    memory_mb: int = sandbox.DEFAULT_MEMORY_MB,
    lint_matches: int = 0,
    lint_time_limit: float = sandbox.DEFAULT_LINT_TIME_LIMIT,
) -> Timed:
    """Run ``check_upload`` while a ticker coroutine measures the event loop's responsiveness."""
    done = asyncio.Event()
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.monotonic()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    start = time.monotonic()
    result = await sandbox.check_upload(
        raw,
        name,
        time_limit=time_limit,
        memory_mb=memory_mb,
        lint_matches=lint_matches,
        lint_time_limit=lint_time_limit,
    )
    elapsed = time.monotonic() - start
    done.set()
    await task
    return Timed(result, elapsed, max(gaps, default=0.0), len(gaps))


def assert_within_discord_limits(reply: report.Reply) -> None:
    """The embed text fits Discord's limits (the Discord layer checks again before sending)."""
    embed = reply.embed
    assert 0 < len(embed.title) <= report.TITLE
    assert len(embed.description) <= report.DESCRIPTION
    assert len(embed.fields) <= report.FIELDS
    for field in embed.fields:
        assert 0 < len(field.name) <= report.FIELD_NAME
        assert 0 < len(field.value) <= report.FIELD_VALUE
    assert len(embed.footer) <= report.FOOTER
    assert embed.length() <= report.TOTAL

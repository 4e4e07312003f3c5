"""`/scenario check` speed: the library's check of the default scenario with a 1,000-match lint.

Target (issue 17): the check with 1,000 matches answers within 10 s. Runs the real path
(``sandbox.check_upload``: the check server forks a child that validates the file, plays the
test match, then lints it over the simulated matches) and, as the baseline in the same run, the
same check without the lint. The check server is started (and warmed up) before timing.
"""

from __future__ import annotations

import asyncio
import time

from bot.library import sandbox, worker
from bot.library.results import CheckResult
from bot.scenarios import read_scenario

MATCHES = 1_000
TARGET_S = 10.0


async def _timed(raw: bytes, name: str, matches: int) -> tuple[float, CheckResult]:
    start = time.perf_counter()
    result = await sandbox.check_upload(raw, name, lint_matches=matches)
    return time.perf_counter() - start, result


async def _main() -> None:
    _scenario, raw, path = read_scenario(None)
    await sandbox.warm_up()
    base_s, base = await _timed(raw, path.name, 0)
    lint_s, linted = await _timed(raw, path.name, MATCHES)
    assert base.ok and linted.ok, (base.problems, linted.problems)
    assert linted.balance is not None and not linted.lint_stopped
    print(f"scenario: {path.name}; lint processes: {worker.LINT_WORKERS}")
    print(f"check, no lint      : {base_s:6.2f} s")
    print(f"check, {MATCHES} matches: {lint_s:6.2f} s ({MATCHES / lint_s:.0f} matches/s)")
    verdict = "met" if lint_s <= TARGET_S else "NOT met"
    print(f"target {MATCHES} matches <= {TARGET_S:g} s: {verdict}")


def main() -> None:
    """Print the check's time with and without the 1,000-match lint."""
    asyncio.run(_main())

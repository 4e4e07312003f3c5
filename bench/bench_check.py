"""`/scenario check` speed: the library's check of the default scenario with a 1,000-match lint.

Target (issue 17): the check with 1,000 matches answers within 10 s. Runs the real path
(``sandbox.check_upload``: the check server forks a child that validates the file, plays the
test match, then lints it over the simulated matches) and, as the baseline in the same run, the
same check without the lint. The check server is started (and warmed up) before timing.
Then the same lint in this process, with the CPU time of this process and of its forked
helpers: on a shared machine the wall clock measures the neighbours as well.
"""

from __future__ import annotations

import asyncio
import resource
import time

from bot.library import sandbox, worker
from bot.library.lint import lint
from bot.library.results import CheckResult
from bot.scenarios import read_scenario

MATCHES = 1_000
TARGET_S = 10.0


async def _timed(raw: bytes, name: str, matches: int) -> tuple[float, CheckResult]:
    start = time.perf_counter()
    result = await sandbox.check_upload(raw, name, lint_matches=matches)
    return time.perf_counter() - start, result


async def _main() -> None:
    scenario, raw, path = read_scenario(None)
    await sandbox.warm_up()
    base_s, base = await _timed(raw, path.name, 0)
    lint_s, linted = await _timed(raw, path.name, MATCHES)
    assert base.ok and linted.ok, (base.problems, linted.problems)
    stopped = " (the lint hit its time limit and was stopped)" if linted.lint_stopped else ""
    print(f"scenario: {path.name}; lint processes: {worker.LINT_WORKERS}")
    print(f"check, no lint      : {base_s:6.2f} s")
    print(f"check, {MATCHES} matches: {lint_s:6.2f} s ({MATCHES / lint_s:.0f} matches/s){stopped}")
    verdict = "met" if lint_s <= TARGET_S and not stopped else "NOT met"
    print(f"target {MATCHES} matches <= {TARGET_S:g} s: {verdict}")
    # The same lint in this process, to see the CPU each process needs (the wall clock on a
    # shared machine measures the neighbours too): this process plays the first run of
    # matches, forked helpers the others (their CPU is counted once they are waited for).
    own, kids = time.process_time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    lint(scenario, raw, MATCHES, 0, spread=(worker.LINT_WORKERS, worker.forked_parts))
    wall = time.perf_counter() - start
    own = time.process_time() - own
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    helpers = after.ru_utime + after.ru_stime - kids.ru_utime - kids.ru_stime
    print(
        f"lint alone, {worker.LINT_WORKERS} processes: {wall:.2f} s wall; CPU {own:.2f} s here,"
        f" {helpers:.2f} s in the helpers (on free cores: about {max(own, helpers):.1f} s)"
    )


def main() -> None:
    """Print the check's time with and without the 1,000-match lint."""
    asyncio.run(_main())

"""Crash safety: real worker processes killed with SIGKILL at random moments and at injected
points (after BEGIN, before COMMIT, after COMMIT before the announcement, after sending before
marking it sent). After every kill the database passes ``check_after_kill``: integrity, no
acknowledged order lost, every round whole or untouched, announcements only of what was
committed, ``levers replay --verify``. Each run that ends without a kill must equal the
uninterrupted reference. ``LEVERS_CRASH_KILLS`` sets how many kills (default 100);
``bench/crash_soak.py`` runs the long version.
"""

from __future__ import annotations

import os
import random
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.services.crash_check import Zygote, check_after_kill, check_complete

POINTS = ["begin", "before_commit", "after_commit", "before_announce", "after_announce"]
MATCHES = 2


@dataclass
class Tally:
    """What a crash campaign did."""

    kills: int = 0
    runs: int = 0
    completed: int = 0
    by_point: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def campaign(workdir: Path, kills: int, seed: int, log: Path) -> Tally:
    """Kill workers until ``kills`` kills happened; check after each kill and each completion."""
    rng = random.Random(seed)
    tally = Tally()
    started = time.monotonic()
    zygote = Zygote(log)
    epoch = 0
    try:
        while tally.kills < kills:
            epoch += 1
            files = {k: workdir / f"e{epoch}.{k}" for k in ("db", "acks", "sink")}
            config: dict[str, object] = {k: str(v) for k, v in files.items()}
            config |= {"seed": 1000 * epoch, "matches": MATCHES}
            while True:
                point = rng.choice([*POINTS, "random", "random"])
                reach = 8 if point.endswith("announce") else 35  # about 2/3 of a full run's
                config["crash"] = None if point == "random" else [point, rng.randint(1, reach)]
                pid = zygote.run(config)
                tally.runs += 1
                if point == "random":
                    time.sleep(rng.uniform(0.0, 0.2))
                    os.kill(pid, signal.SIGKILL)
                status = zygote.reap()
                if status == -signal.SIGKILL:
                    tally.kills += 1
                    tally.by_point[point] = tally.by_point.get(point, 0) + 1
                    check_after_kill(files["db"], files["acks"], files["sink"])
                    if tally.kills >= kills:
                        config["crash"] = None
                        zygote.run(config)
                        assert zygote.reap() == 0, log.read_text()[-3000:]
                elif status != 0:
                    raise AssertionError(f"worker failed ({status}):\n{log.read_text()[-3000:]}")
                if status == 0 or tally.kills >= kills:
                    check_complete(files["db"], files["sink"], 1000 * epoch, MATCHES)
                    tally.completed += 1
                    break
    finally:
        zygote.close()
    tally.seconds = time.monotonic() - started
    return tally


def test_killed_workers_lose_nothing_and_resume_exactly(tmp_path: Path) -> None:
    wanted = int(os.environ.get("LEVERS_CRASH_KILLS", "100"))
    tally = campaign(tmp_path, wanted, seed=20210120, log=tmp_path / "workers.log")
    assert tally.kills >= wanted
    assert set(tally.by_point) == {*POINTS, "random"}, tally.by_point
    assert tally.completed >= 1

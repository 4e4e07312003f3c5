"""The long crash campaign: kill store workers 1,000 times (``tests/services/test_crash.py``
runs 100 in the suite). Not part of ``make bench``; run it by hand and record the result in
docs/reliability.md:

    .venv/bin/python -m bench.crash_soak [KILLS] [SEED]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from tests.services.test_crash import campaign


def main(argv: list[str]) -> int:
    """Run the campaign; print what it did; exit 1 on the first failed check."""
    kills = int(argv[0]) if argv else 1000
    seed = int(argv[1]) if len(argv) > 1 else 1
    with tempfile.TemporaryDirectory(prefix="levers-soak-") as tmp:
        work = Path(tmp)
        started = time.monotonic()
        try:
            tally = campaign(work, kills, seed, work / "workers.log")
        except AssertionError as err:
            print(f"FAILED after {time.monotonic() - started:.0f} s: {err}")
            return 1
    print(f"kills: {tally.kills} (by point: {dict(sorted(tally.by_point.items()))})")
    print(f"worker runs: {tally.runs}; runs that finished their matches: {tally.completed}")
    print(f"every check passed after every kill; {tally.seconds:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

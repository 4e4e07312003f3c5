"""The instructions the engine executes for N AI matches, counted by callgrind.

On a shared machine a timed run moves by 5-10 % with the neighbours' load, more than most single
changes to the engine gain; an instruction count does not move at all (the same matches, the
same hash seed, the same count), so a change worth 1 % shows as 1 %. Runs ``N`` AI matches of
the default scenario after one warm-up match (the scenario's tables built outside the count)
with the collector set as the batch commands set it, and counts only what runs inside
``match.play_match`` of the compiled engine. Not part of ``make bench`` (it needs valgrind and
takes about 30 s for 20 matches):

    PYTHONPATH=. .venv/bin/python -m bench.engine_cost [N]        # prints the count
    PYTHONPATH=. .venv/bin/python -m bench.engine_cost --play N   # the measured program itself

The output file (``callgrind.levers.out``, in the working folder) is a full profile:
``callgrind_annotate --inclusive=yes callgrind.levers.out`` lists the engine's functions
(``CPyDef_<module>___<function>``) by the instructions they and their callees executed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

OUT = "callgrind.levers.out"


def play(matches: int) -> None:
    """The measured program: one warm-up match, the collector quieted, then ``matches``."""
    import bot.game
    from bot import collector
    from bot.game import match
    from bot.scenarios import read_scenario

    if bot.game.ENGINE != "compiled":
        raise SystemExit(f"the compiled engine is not in use ({bot.game.ENGINE_REASON})")
    scenario, _raw, _path = read_scenario(None)
    match.play_match(scenario, 1)
    collector.quiet()
    for index in range(matches):
        match.play_match(scenario, match.match_seed(7, index), {})


def count(matches: int) -> int:
    """Run ``play`` under callgrind and return the instructions counted in ``play_match``."""
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={OUT}",
        "--toggle-collect=CPyPy_match___play_match",
        sys.executable,
        "-m",
        "bench.engine_cost",
        "--play",
        str(matches),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no count:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: list[str]) -> None:
    """``[N]``: count N matches (20); ``--play N``: play them (what callgrind runs)."""
    if argv[:1] == ["--play"]:
        play(int(argv[1]))
        return
    matches = int(argv[0]) if argv else 20
    total = count(matches)
    print(f"{matches} AI matches (+1 warm-up): {total:,} instructions in play_match")


if __name__ == "__main__":
    main(sys.argv[1:])

"""What-if latency: a fork of 200 seeds from round 2 of a stored default-scenario match.

Target (issue 17): at most 3 s on this machine, so a fork can answer while people wait. The
baseline, measured in the same run, plays the same number of rounds with every seat on
``hold`` (the engine alone, no AI): the ratio says what a fork costs beyond resolving its rounds.

Two forks of one all-AI match (seed ``SEED``), both from round 2 over 200 seeds:

- **drop**: the first seat's round-2 moves left out (the debrief's kind of fork): both arms
  replay the stored orders, so it costs about the engine's time;
- **ai**: the first seat played by the AI from round 2 on instead of its stored orders.

Each is timed three times and the best time kept (the machine is shared); the fork's report
(``fork_report``, what ``levers whatif --json`` prints) is included.
"""

from __future__ import annotations

import time

from bot import collector
from bot.game.engine import resolve_round, round_rng
from bot.game.fork import Changes, Fork, StoredMatch, fork, fork_report, stored_from_log
from bot.game.match import match_seed, play_match
from bot.game.policies import HoldPolicy, Policy
from bot.game.scenario import Scenario
from bot.scenarios import default_id, read_scenario

SEED = 2021
SEEDS = 200
FROM_ROUND = 2
TARGET_S = 3.0
REPEATS = 3


def _rounds(result: Fork) -> int:
    """Rounds resolved by both arms (a state's round is one past the last one resolved)."""
    arms = [*result.as_played, *result.what_if]
    return sum(o.rounds for o in arms)


def _hold_rounds(scenario: Scenario, rounds: int) -> float:
    """Seconds to resolve at least ``rounds`` rounds with every seat holding."""
    hold: dict[str, Policy] = {seat: HoldPolicy() for seat in scenario.seat_ids}
    start = time.perf_counter()
    done = index = 0
    while done < rounds:
        done += len(play_match(scenario, match_seed(SEED, index), hold).rounds)
        index += 1
    return time.perf_counter() - start


def _replay_rounds(scenario: Scenario, stored: StoredMatch, rounds: int) -> float:
    """Seconds to resolve ``rounds`` rounds of the stored match again from its stored orders and
    seed (rounds 2 to the end, over and over): the engine's time for the fork's kind of rounds."""
    start = time.perf_counter()
    done = 0
    while done < rounds:
        for number in range(FROM_ROUND, stored.rounds_played + 1):
            state = stored.before(number)
            resolve_round(
                scenario, state, stored.orders[number - 1], round_rng(stored.seed, number)
            )
            done += 1
    return time.perf_counter() - start


def _fork_seconds(scenario: Scenario, stored: StoredMatch, changes: Changes) -> tuple[float, Fork]:
    best, result = float("inf"), None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = fork(scenario, stored, FROM_ROUND, SEEDS, changes)
        fork_report(scenario, result, None)
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def main() -> None:
    """Print each fork's latency against the hold baseline for the same rounds."""
    scenario, _raw, _path = read_scenario(None)
    log = play_match(scenario, SEED)
    stored = stored_from_log(log)
    collector.quiet()  # as ``levers whatif`` and the compute worker run (bot/collector.py)
    seat = scenario.seat_ids[0]
    moves = {o.move for o in log.rounds[FROM_ROUND - 1].orders[seat].moves}
    print(
        f"scenario: {default_id()}, match seed {SEED} ({len(log.rounds)} rounds, "
        f"{log.final.ending}), {SEEDS} seeds from round {FROM_ROUND}"
    )
    worst = 0.0
    for label, changes in (
        (f"drop {', '.join(sorted(moves)) or 'nothing'}", Changes(drop=frozenset(moves))),
        (f"{seat}=ai", Changes(policies={seat: "ai"})),
    ):
        seconds, result = _fork_seconds(scenario, stored, changes)
        rounds = _rounds(result)
        base = min(_hold_rounds(scenario, rounds) for _ in range(REPEATS))
        again = min(_replay_rounds(scenario, stored, rounds) for _ in range(REPEATS))
        worst = max(worst, seconds)
        print(f"what-if {label}: {seconds:.2f} s for {rounds} rounds")
        print(f"  same rounds on hold          : {base:5.2f} s; ratio {seconds / base:5.2f}x")
        print(f"  stored rounds resolved again : {again:5.2f} s; ratio {seconds / again:5.2f}x")
    verdict = "met" if worst <= TARGET_S else "NOT met"
    print(f"target what-if of {SEEDS} seeds <= {TARGET_S:g} s: {verdict} (slowest {worst:.2f} s)")

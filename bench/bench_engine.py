"""Engine speed: full matches of the default scenario with the AI on every seat.

Target (issue 2): 1,000 matches in at most 5 s on one core. The baseline, measured in the same
run, is the same loop with every seat on `hold`, so the ratio isolates what the AI costs.
"""

from __future__ import annotations

import time

from bot.game.match import match_seed, play_match
from bot.game.policies import HoldPolicy, Policy
from bot.game.scenario import Scenario
from bot.scenarios import default_id, read_scenario

MATCHES = 1_000


def _run(scenario: Scenario, policies: dict[str, Policy], matches: int) -> tuple[float, int]:
    start = time.perf_counter()
    rounds = 0
    for index in range(matches):
        rounds += len(play_match(scenario, match_seed(7, index), policies).rounds)
    return time.perf_counter() - start, rounds


def main() -> None:
    """Print matches per second with the AI and with every seat holding, and their ratio."""
    scenario, _raw, _path = read_scenario(None)
    hold: dict[str, Policy] = {seat: HoldPolicy() for seat in scenario.seat_ids}
    base_s, base_rounds = _run(scenario, hold, MATCHES)
    ai_s, ai_rounds = _run(scenario, {}, MATCHES)
    seats = len(scenario.seat_ids)
    ai_round_us = (ai_s / ai_rounds - base_s / base_rounds) * 1e6
    print(f"scenario: {default_id()} ({seats} seats), {MATCHES} matches each")
    print(
        f"hold baseline : {MATCHES / base_s:8.0f} matches/s  ({base_s:.2f} s, {base_rounds} rounds)"
    )
    print(f"AI every seat : {MATCHES / ai_s:8.0f} matches/s  ({ai_s:.2f} s, {ai_rounds} rounds)")
    print(f"AI / baseline time ratio: {ai_s / base_s:.2f}x")
    per_seat = ai_round_us / seats
    print(f"AI cost per round (all seats): {ai_round_us:.0f} us; per seat: {per_seat:.0f} us")
    verdict = "met" if ai_s <= 5.0 else "NOT met"
    print(f"target 1,000 AI matches <= 5 s: {verdict} ({ai_s:.2f} s)")

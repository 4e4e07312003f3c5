"""``levers simulate``: many seeded matches played offline, summed up as tables or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from bot.cli.terminal import print_report
from bot.game.policies import AiPolicy, HoldPolicy, Policy, ScriptPolicy
from bot.game.report import simulate
from bot.game.scenario import Scenario
from bot.game.validate import ScenarioInvalid
from bot.game.yaml_safe import YamlError, load_yaml
from bot.scenarios import ScenarioNotFound, read_scenario


def _script(scenario: Scenario, path: str, seat: str) -> ScriptPolicy:
    """Read a script file: ``rounds: [[move, ...], ...]`` and optionally ``wait: true``;
    every move must be the seat's."""
    data = load_yaml(Path(path).read_bytes()).data
    rounds = data.get("rounds") if isinstance(data, dict) else None
    if not isinstance(rounds, list) or not all(
        isinstance(r, list) and all(isinstance(m, str) for m in r) for r in rounds
    ):
        raise ValueError(f"{path}: expected 'rounds: [[move ids for round 1], [round 2], ...]'")
    wait = data.get("wait", False)
    if not isinstance(wait, bool) or set(data) - {"rounds", "wait"}:
        raise ValueError(f"{path}: a script has 'rounds' and optionally 'wait: true', nothing else")
    for moves in rounds:
        for move in moves:
            if move not in {m.id for m in scenario.moves}:
                raise ValueError(f"{path}: there is no move '{move}' in {scenario.meta.id}")
            if not move.startswith(seat + "."):
                raise ValueError(f"{path}: '{move}' is not a move of seat '{seat}'")
    return ScriptPolicy(rounds, wait=wait)


def parse_policies(scenario: Scenario, specs: list[str]) -> Callable[[], Mapping[str, Policy]]:
    """Turn ``SEAT=ai|hold|FILE`` options into a factory of fresh policies per match."""
    chosen: dict[str, str | ScriptPolicy] = {}
    for spec in specs:
        seat, sep, what = spec.partition("=")
        if not sep or seat not in scenario.seat_ids:
            raise ValueError(
                f"--policy {spec}: expected SEAT=ai|hold|FILE with a seat of {scenario.seat_ids}"
            )
        chosen[seat] = what if what in ("ai", "hold") else _script(scenario, what, seat)

    def build() -> dict[str, Policy]:
        made: dict[str, Policy] = {}
        for seat, what in chosen.items():
            if what == "ai":
                made[seat] = AiPolicy()
            elif what == "hold":
                made[seat] = HoldPolicy()
            else:
                assert isinstance(what, ScriptPolicy)
                made[seat] = ScriptPolicy(what.rounds, wait=what.wait)
        return made

    return build


def parse_rates(scenario: Scenario, specs: list[str]) -> dict[str, float]:
    """``SEAT=R`` pairs (R from -1 to 1): the rating every argument of that seat receives."""
    rates: dict[str, float] = {}
    for spec in specs:
        seat, sep, value = spec.partition("=")
        if not sep or seat not in scenario.seat_ids:
            raise ValueError(
                f"--rate {spec}: give SEAT=R with a seat of {', '.join(scenario.seat_ids)}"
            )
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not -1 <= number <= 1:
            raise ValueError(f"--rate {spec}: R is a number from -1 to 1")
        rates[seat] = number
    return rates


def cmd_simulate(args: argparse.Namespace) -> int:
    """Run N seeded matches and print the report (a table, or JSON with --json)."""
    if args.matches < 1 or args.matches > 1_000_000:
        print("levers simulate: --matches must be between 1 and 1000000", file=sys.stderr)
        return 2
    if args.rounds is not None and not 1 <= args.rounds <= 20:
        print("levers simulate: --rounds must be between 1 and 20", file=sys.stderr)
        return 2
    try:
        scenario, _raw, _path = read_scenario(args.scenario)
        policies = parse_policies(scenario, args.policy)
    except (ScenarioNotFound, ScenarioInvalid, ValueError, YamlError, OSError) as err:
        print(f"levers simulate: {err}", file=sys.stderr)
        return 2
    try:
        rate = parse_rates(scenario, args.rate)
    except ValueError as err:
        print(f"levers simulate: {err}", file=sys.stderr)
        return 2
    report = simulate(scenario, args.matches, args.seed, policies, args.rounds, rate)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(scenario, report)
    return 0

"""``levers simulate``: many seeded matches played offline, summed up as tables or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.cli.terminal import print_report
from bot.game.policies import Conditional, Entry
from bot.game.scenario import Scenario
from bot.game.validate import ScenarioInvalid
from bot.game.yaml_safe import YamlError, load_yaml
from bot.library.parallel import MAX_WORKERS, PolicySpec, ScriptSpec, simulate_parallel
from bot.scenarios import ScenarioNotFound, read_scenario


def _entry(scenario: Scenario, path: str, seat: str, item: object) -> Entry:
    """One script entry: a move id, or ``{move: ID, if: SEAT.MOVE}`` (``if`` may be a list)."""
    known = {m.id for m in scenario.moves}
    if isinstance(item, dict) and set(item) == {"move", "if"}:
        move, given = item["move"], item["if"]
        conditions = [given] if isinstance(given, str) else given
        if not isinstance(move, str) or not isinstance(conditions, list):
            raise ValueError(f"{path}: expected {{move: ID, if: SEAT.MOVE}}")
        for condition in conditions:
            if not isinstance(condition, str) or condition not in known:
                raise ValueError(f"{path}: the condition {condition!r} is not a move")
        entry: Entry = Conditional(move, tuple(conditions))
    elif isinstance(item, str):
        move = entry = item
    else:
        raise ValueError(f"{path}: a round lists move ids or {{move: ID, if: SEAT.MOVE}}")
    if move not in known:
        raise ValueError(f"{path}: there is no move '{move}' in {scenario.meta.id}")
    if not move.startswith(seat + "."):
        raise ValueError(f"{path}: '{move}' is not a move of seat '{seat}'")
    return entry


def _script(scenario: Scenario, path: str, seat: str) -> ScriptSpec:
    """Read a script file: ``rounds: [[move, ...], ...]`` and optionally ``wait: true``;
    every move must be the seat's; an entry may be ``{move: ID, if: SEAT.MOVE}``."""
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise ValueError(f"{path}: cannot read: {err.strerror or err}") from None
    try:
        data = load_yaml(raw).data
    except YamlError as err:
        raise ValueError(f"{path}: {err}") from None
    rounds = data.get("rounds") if isinstance(data, dict) else None
    if not isinstance(rounds, list) or not all(isinstance(r, list) for r in rounds):
        raise ValueError(f"{path}: expected 'rounds: [[move ids for round 1], [round 2], ...]'")
    wait = data.get("wait", False)
    if not isinstance(wait, bool) or set(data) - {"rounds", "wait"}:
        raise ValueError(f"{path}: a script has 'rounds' and optionally 'wait: true', nothing else")
    entries = tuple(tuple(_entry(scenario, path, seat, item) for item in r) for r in rounds)
    return ScriptSpec(entries, wait)


def policy_specs(
    scenario: Scenario, specs: list[str], option: str = "--policy"
) -> dict[str, PolicySpec]:
    """Read ``SEAT=ai|hold|FILE`` options: seat -> ``"ai"``, ``"hold"`` or a script."""
    chosen: dict[str, PolicySpec] = {}
    for spec in specs:
        seat, sep, what = spec.partition("=")
        if not sep or seat not in scenario.seat_ids:
            raise ValueError(
                f"{option} {spec}: expected SEAT=ai|hold|FILE with a seat of "
                f"{', '.join(scenario.seat_ids)}"
            )
        chosen[seat] = what if what in ("ai", "hold") else _script(scenario, what, seat)
    return chosen


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
    if not 1 <= args.workers <= MAX_WORKERS:
        print(f"levers simulate: --workers must be between 1 and {MAX_WORKERS}", file=sys.stderr)
        return 2
    try:
        scenario, raw, _path = read_scenario(args.scenario)
        specs = policy_specs(scenario, args.policy)
        rate = parse_rates(scenario, args.rate)
    except (ScenarioNotFound, ScenarioInvalid, ValueError, YamlError, OSError) as err:
        print(f"levers simulate: {err}", file=sys.stderr)
        return 2
    report = simulate_parallel(
        scenario, raw, args.matches, args.seed, specs, args.rounds, args.workers, rate
    )
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(scenario, report)
    return 0

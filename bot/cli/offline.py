"""Offline commands for scenario authors: ``validate``, ``schema`` and ``simulate``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.cli.terminal import print_report
from bot.game.scenario import Scenario
from bot.game.validate import ScenarioInvalid, load_scenario_report
from bot.game.yaml_safe import YamlError, load_yaml
from bot.library.lint import DEFAULT_MATCHES, lint
from bot.library.parallel import MAX_WORKERS, PolicySpec, simulate_parallel
from bot.scenarios import ScenarioNotFound, read_scenario


def register(commands: Any) -> None:
    """Add this module's subcommands to the ``levers`` parser."""
    p = commands.add_parser("validate", help="check scenario files; FILE:LINE: field: message")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--lint", action="store_true", help="also warn about balance, from simulated AI matches"
    )
    p.add_argument("--matches", type=int, default=DEFAULT_MATCHES, help="matches for --lint")
    p.add_argument("--seed", type=int, default=0, help="seed for --lint")
    p.set_defaults(handler=cmd_validate)

    p = commands.add_parser("schema", help="print the JSON Schema of scenario files")
    p.set_defaults(handler=cmd_schema)

    p = commands.add_parser("simulate", help="play many seeded matches offline and report")
    p.add_argument("--scenario", help="a built-in scenario id or a file (default: the default)")
    p.add_argument("--matches", type=int, required=True)
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--policy", action="append", default=[], metavar="SEAT=ai|hold|FILE")
    p.add_argument("--rounds", type=int)
    p.add_argument(
        "--workers", type=int, default=1, help="spread the matches over N processes (same report)"
    )
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")
    p.set_defaults(handler=cmd_simulate)


def cmd_validate(args: argparse.Namespace) -> int:
    """Exit 0 when every file is valid (warnings allowed); otherwise print each problem, exit 1.

    With ``--lint``, valid files are also played ``--matches`` times with the AI in every seat
    and the balance lint's warnings are printed in the same ``FILE:LINE: path: warning:`` form.
    """
    if args.lint and not 1 <= args.matches <= 100_000:
        print("levers validate: --matches must be between 1 and 100000", file=sys.stderr)
        return 2
    status = 0
    for name in args.files:
        path = Path(name)
        try:
            raw = path.read_bytes()
        except OSError as err:
            print(f"{name}:1: (file): cannot read: {err.strerror}")
            status = 1
            continue
        try:
            scenario, warnings = load_scenario_report(raw, name)
        except ScenarioInvalid as err:
            for problem in err.problems:
                print(problem.format(name))
            status = 1
            continue
        for warning in warnings:
            print(warning.format(name))
        if not args.lint:
            print(f"{name}: ok", file=sys.stderr)
            continue
        _stats, balance = lint(scenario, raw, args.matches, args.seed)
        for warning in balance:
            print(warning.format(name))
        print(
            f"{name}: ok; {len(balance)} balance warnings from {args.matches} matches",
            file=sys.stderr,
        )
    return status


def schema_text() -> str:
    """The JSON Schema of scenario files, as committed in content/schema/."""
    return json.dumps(Scenario.model_json_schema(), indent=2, sort_keys=True) + "\n"


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema generated from the models."""
    sys.stdout.write(schema_text())
    return 0


def _script(path: str, seat: str) -> list[list[str]]:
    """Read a script file: ``rounds: [[move, ...], ...]``."""
    try:
        raw = Path(path).read_bytes()
    except OSError as err:
        raise ValueError(f"{path}: cannot read: {err.strerror or err}") from None
    try:
        data = load_yaml(raw).data
    except YamlError as err:
        raise ValueError(f"{path}: {err}") from None
    rounds = data.get("rounds") if isinstance(data, dict) else None
    if not isinstance(rounds, list) or not all(
        isinstance(r, list) and all(isinstance(m, str) for m in r) for r in rounds
    ):
        raise ValueError(f"{path}: expected 'rounds: [[move ids for round 1], [round 2], ...]'")
    for moves in rounds:
        for move in moves:
            if not move.startswith(seat + "."):
                raise ValueError(f"{path}: '{move}' is not a move of seat '{seat}'")
    return rounds


def policy_specs(
    scenario: Scenario, specs: list[str], option: str = "--policy"
) -> dict[str, PolicySpec]:
    """Read ``SEAT=ai|hold|FILE`` options: seat -> ``"ai"``, ``"hold"`` or a script's moves."""
    chosen: dict[str, PolicySpec] = {}
    for spec in specs:
        seat, sep, what = spec.partition("=")
        if not sep or seat not in scenario.seat_ids:
            raise ValueError(
                f"{option} {spec}: expected SEAT=ai|hold|FILE with a seat of "
                f"{', '.join(scenario.seat_ids)}"
            )
        chosen[seat] = what if what in ("ai", "hold") else _script(what, seat)
    return chosen


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
    except (ScenarioNotFound, ScenarioInvalid, ValueError, YamlError, OSError) as err:
        print(f"levers simulate: {err}", file=sys.stderr)
        return 2
    report = simulate_parallel(
        scenario, raw, args.matches, args.seed, specs, args.rounds, args.workers
    )
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(scenario, report)
    return 0

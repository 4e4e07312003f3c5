"""Offline commands for scenario authors: ``validate`` and ``schema`` (``simulate`` is in
``bot.cli.simulate_cmd``). Kept light: ``levers validate`` loads the validator and nothing else."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.game.scenario import Scenario
from bot.game.validate import ScenarioInvalid, load_scenario_report


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
        from bot.library.lint import lint  # the AI matches: only for --lint

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

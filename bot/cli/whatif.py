"""``levers whatif``: a stored match forked from one round, as played and with changes.

    levers whatif --match ID --from-round R [--policy SEAT=ai|hold|FILE]... [--drop MOVE]...
                  [--seeds N] [--json] [--db PATH] [--full]

Both arms are played over the same N seeds, the match's own first (``bot.game.fork``). A
script (FILE) lists moves from the fork's first round on. A running match is forked only with
``--full``: the fork recomputes values its players may not see (moderators only).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from rich.table import Table

from bot import collector
from bot.cli.simulate_cmd import policy_specs
from bot.cli.terminal import console
from bot.game.fork import MAX_SEEDS, Changes, ForkError, SeatPolicy, fork, fork_report
from bot.game.scenario import Scenario
from bot.game.validate import ScenarioInvalid
from bot.game.yaml_safe import YamlError
from bot.library.parallel import PolicySpec, ScriptSpec
from bot.review.forks import ForkSource, load_fork_source
from bot.review.from_store import RecordNotFound
from db.errors import StoreError
from db.paths import db_target
from db.store import Store

PROG = "levers whatif"
DEFAULT_SEEDS = 100


async def _read(path: Path | str, match_id: int) -> ForkSource:
    store = await Store.open(path)
    try:
        return await load_fork_source(store, match_id)
    finally:
        await store.close()


def _seat_policy(spec: PolicySpec) -> SeatPolicy:
    if spec == "ai":
        return "ai"
    if spec == "hold":
        return "hold"
    assert isinstance(spec, ScriptSpec)  # policy_specs gives ai, hold or a script
    if spec.wait:
        raise ForkError("a script for a fork cannot wait (wait: true); list the moves per round")
    return spec.rounds


def _changes(scenario: Scenario, args: argparse.Namespace) -> Changes:
    specs = policy_specs(scenario, args.policy)
    policies = {seat: _seat_policy(spec) for seat, spec in specs.items()}
    return Changes(policies=policies, drop=frozenset(args.drop))


def _prepare(args: argparse.Namespace) -> tuple[ForkSource, Changes]:
    if not 1 <= args.seeds <= MAX_SEEDS:
        raise ForkError(f"--seeds must be between 1 and {MAX_SEEDS}")
    path = db_target(args.db)  # a file, or a postgresql:// URL
    if isinstance(path, Path) and not path.is_file():
        raise ForkError(f"no database at {path} (give --db PATH or set $LEVERS_DB)")
    source = asyncio.run(_read(path, args.match))
    if source.running and not args.full:
        raise ForkError(
            f"match {args.match} is still running and a fork would show values its players "
            "may not see; moderators add --full"
        )
    return source, _changes(source.scenario, args)


def _cell(spread: dict[str, float]) -> str:
    return f"{spread['mean']:.1f} ({spread['p10']:.1f}–{spread['p90']:.1f})"


def print_fork(scenario: Scenario, report: dict[str, Any]) -> None:
    """The fork as tables: each metric and seat, both arms (mean, p10–p90) and the difference."""
    seeds = report["seeds"]
    heading = f"Match {report['match']} from round {report['from_round']}, {seeds} seeds"
    for key, title, names in (
        ("metrics", "Metric", {m.id: m.name for m in scenario.metrics}),
        ("scores", "Seat", {s.id: s.name for s in scenario.seats}),
    ):
        table = Table(title=f"{heading}: final {key}", title_justify="left")
        for col in (title, "As played", "What if", "Difference"):
            table.add_column(col, justify="left" if col == title else "right")
        for ident, name in names.items():
            table.add_row(
                name,
                _cell(report["as_played"][key][ident]),
                _cell(report["what_if"][key][ident]),
                f"{report['delta'][key][ident]:+.1f}",
            )
        console.print(table)
    for arm, label in (("as_played", "As played"), ("what_if", "What if")):
        endings = ", ".join(f"{k} {v}" for k, v in report[arm]["endings"].items())
        console.print(f"[bold]Endings, {label.lower()}[/]: {endings}")


def cmd_whatif(args: argparse.Namespace) -> int:
    """Fork one stored match; exit 1 when the match is missing, 2 on any other bad input."""
    try:
        source, changes = _prepare(args)
        collector.quiet()
        result = fork(source.scenario, source.stored, args.from_round, args.seeds, changes)
    except RecordNotFound as err:
        print(f"{PROG}: {err}", file=sys.stderr)
        return 1
    except (ForkError, ScenarioInvalid, ValueError, YamlError, OSError, StoreError) as err:
        print(f"{PROG}: {err}", file=sys.stderr)
        return 2
    report = fork_report(source.scenario, result, source.match_id)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_fork(source.scenario, report)
    return 0

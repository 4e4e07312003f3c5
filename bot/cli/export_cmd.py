"""``levers export``: a match as JSON, Markdown, HTML or CSV, from the store or played offline.

    levers export --match 12 --format html [--db PATH] [-o FILE] [--as SEAT|public] [--full]
    levers export --offline [--scenario ID|FILE] --seed 5 [--rounds N] --format markdown
    levers export --schema          # the JSON Schema of the match record

A running match is cut as the public would see it (``--as SEAT``: as that seat would) unless
``--full`` is given; a finished match is shown whole.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import cast

from bot.cli.database import foreign_database
from bot.game.match import play_match
from bot.game.scenario import Scenario
from bot.game.validate import ScenarioInvalid
from bot.review.build import MatchFacts, record_from_log, sha256_of
from bot.review.exports import Format, export
from bot.review.from_store import RecordNotFound, load_record
from bot.review.record import MatchRecord
from bot.review.redact import view_for
from bot.scenarios import ScenarioNotFound, read_scenario
from db.errors import StoreError
from db.paths import db_target
from db.store import Store

PROG = "levers export"


def _offline(args: argparse.Namespace) -> tuple[Scenario, MatchRecord]:
    if args.seed is None:
        raise ValueError("--offline needs --seed N")
    if args.rounds is not None and not 1 <= args.rounds <= 20:
        raise ValueError("--rounds must be between 1 and 20")
    scenario, raw, _path = read_scenario(args.scenario)
    log = play_match(scenario, args.seed, rounds=args.rounds)
    return scenario, record_from_log(scenario, log, MatchFacts(scenario_sha256=sha256_of(raw)))


async def _stored(path: Path | str, match_id: int) -> tuple[Scenario, MatchRecord]:
    store = await Store.open(path)
    try:
        return await load_record(store, match_id)
    finally:
        await store.close()


def _load(args: argparse.Namespace) -> tuple[Scenario, MatchRecord]:
    if args.offline:
        return _offline(args)
    path = db_target(args.db)  # a file, or a postgresql:// URL
    if isinstance(path, Path) and not path.is_file():
        raise ValueError(f"no database at {path} (give --db PATH or set $LEVERS_DB)")
    problem = foreign_database(path) if isinstance(path, Path) else None
    if problem is not None:
        raise ValueError(problem)
    return asyncio.run(_stored(path, args.match))


def _cut(scenario: Scenario, record: MatchRecord, args: argparse.Namespace) -> MatchRecord:
    viewer = None if args.viewer in (None, "public") else str(args.viewer)
    if viewer is not None and viewer not in scenario.seat_ids:
        raise ValueError(f"--as {viewer}: the seats are {', '.join(scenario.seat_ids)} or public")
    if args.full:
        return record
    return view_for(record, scenario, viewer)


def output_problem(output: str | None) -> str | None:
    """Why ``-o FILE`` cannot be written, checked before any work (None: it can, or stdout)."""
    if not output or output == "-":
        return None
    folder = Path(output).resolve().parent
    if not folder.is_dir():
        return f"cannot write {output}: the folder {folder} does not exist"
    if Path(output).is_dir():
        return f"cannot write {output}: it is a folder"
    return None


def cmd_export(args: argparse.Namespace) -> int:
    """Export one match; exit 2 on a usage or input problem, 1 when the match is missing."""
    if args.schema:
        sys.stdout.write(json.dumps(MatchRecord.model_json_schema(), indent=2) + "\n")
        return 0
    problem = output_problem(args.output)
    if problem is not None:
        print(f"{PROG}: {problem}", file=sys.stderr)
        return 2
    try:
        scenario, record = _load(args)
        record = _cut(scenario, record, args)
    except RecordNotFound as err:
        print(f"{PROG}: {err}", file=sys.stderr)
        return 1
    except (ScenarioNotFound, ScenarioInvalid, ValueError, OSError, StoreError) as err:
        print(f"{PROG}: {err}", file=sys.stderr)
        return 2
    exported = export(scenario, record, cast(Format, args.format))
    if args.output and args.output != "-":
        try:
            Path(args.output).write_bytes(exported.data)
        except OSError as err:
            print(f"{PROG}: cannot write {args.output}: {err.strerror}", file=sys.stderr)
            return 2
        print(f"{args.output}: {len(exported.data)} bytes", file=sys.stderr)
    else:
        sys.stdout.write(exported.data.decode("utf-8"))
    return 0

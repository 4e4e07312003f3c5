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
from typing import Any, cast

from bot.game.match import play_match
from bot.game.scenario import Scenario
from bot.game.validate import ScenarioInvalid
from bot.review.build import MatchFacts, record_from_log, sha256_of
from bot.review.exports import FORMATS, Format, export
from bot.review.from_store import RecordNotFound, load_record
from bot.review.record import MatchRecord
from bot.review.redact import view_for
from bot.scenarios import ScenarioNotFound, read_scenario
from db.errors import StoreError
from db.paths import db_path
from db.store import Store

PROG = "levers export"


def register(commands: Any) -> None:
    """Add ``export`` to the ``levers`` parser."""
    p = commands.add_parser(
        "export", help="export a match as json, markdown, html or csv (docs/match-record.md)"
    )
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--match", type=int, metavar="ID", help="a stored match")
    source.add_argument("--offline", action="store_true", help="play an AI match and export it")
    source.add_argument("--schema", action="store_true", help="print the record's JSON Schema")
    p.add_argument("--format", choices=FORMATS, default="json")
    p.add_argument("--db", help="the database file (default: $LEVERS_DB or ./data/levers.db)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of to stdout")
    p.add_argument("--as", dest="viewer", metavar="SEAT|public", help="cut a running match")
    p.add_argument("--full", action="store_true", help="show a running match's secrets too")
    p.add_argument("--scenario", help="with --offline: a built-in scenario id or a file")
    p.add_argument("--seed", type=int, help="with --offline: the match seed")
    p.add_argument("--rounds", type=int, help="with --offline: play this many rounds")
    p.set_defaults(handler=cmd_export)


def _offline(args: argparse.Namespace) -> tuple[Scenario, MatchRecord]:
    if args.seed is None:
        raise ValueError("--offline needs --seed N")
    if args.rounds is not None and not 1 <= args.rounds <= 20:
        raise ValueError("--rounds must be between 1 and 20")
    scenario, raw, _path = read_scenario(args.scenario)
    log = play_match(scenario, args.seed, rounds=args.rounds)
    return scenario, record_from_log(scenario, log, MatchFacts(scenario_sha256=sha256_of(raw)))


async def _stored(path: Path, match_id: int) -> tuple[Scenario, MatchRecord]:
    store = await Store.open(path)
    try:
        return await load_record(store, match_id)
    finally:
        await store.close()


def _load(args: argparse.Namespace) -> tuple[Scenario, MatchRecord]:
    if args.offline:
        return _offline(args)
    path = db_path(args.db)
    if not path.is_file():
        raise ValueError(f"no database at {path} (give --db PATH or set $LEVERS_DB)")
    return asyncio.run(_stored(path, args.match))


def _cut(scenario: Scenario, record: MatchRecord, args: argparse.Namespace) -> MatchRecord:
    viewer = None if args.viewer in (None, "public") else str(args.viewer)
    if viewer is not None and viewer not in scenario.seat_ids:
        raise ValueError(f"--as {viewer}: the seats are {', '.join(scenario.seat_ids)} or public")
    if args.full:
        return record
    return view_for(record, scenario, viewer)


def cmd_export(args: argparse.Namespace) -> int:
    """Export one match; exit 2 on a usage or input problem, 1 when the match is missing."""
    if args.schema:
        sys.stdout.write(json.dumps(MatchRecord.model_json_schema(), indent=2) + "\n")
        return 0
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
        Path(args.output).write_bytes(exported.data)
        print(f"{args.output}: {len(exported.data)} bytes", file=sys.stderr)
    else:
        sys.stdout.write(exported.data.decode("utf-8"))
    return 0

"""Commands on the match store: ``levers matches`` and ``levers replay``.

levers matches [--db PATH] [--json] [--limit N]
levers replay --match ID [--db PATH] --verify
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.table import Table

from bot.cli.database import existing_database
from bot.cli.terminal import console
from bot.services import USER_ERRORS, Services
from bot.services.models import SYSTEM, Match, ReplayReport
from db.codec import time_text


def seats_text(match: Match) -> str:
    """``us: Ana; guaido: Ben; 4 AI`` for a table cell."""
    parts = []
    others: dict[str, int] = {}
    for seat in match.seats:
        if seat.holders:
            parts.append(f"{seat.seat}: {', '.join(h.name or h.player for h in seat.holders)}")
        else:
            label = {"ai": "AI", "hold": "empty", "open": "open"}.get(seat.controller, "")
            others[label] = others.get(label, 0) + 1
    parts += [f"{count} {label}" for label, count in others.items()]
    return "; ".join(parts)


def match_json(match: Match) -> dict[str, Any]:
    """One match as a JSON object for ``levers matches --json``."""
    return {
        "id": match.id,
        "scenario": match.scenario_id,
        "scenario_version": match.scenario_version,
        "guild_id": match.guild_id,
        "host": match.host,
        "seed": match.seed,
        "created": time_text(match.created_at),
        "started": None if match.started_at is None else time_text(match.started_at),
        "round": match.round,
        "rounds": match.last_round,
        "rounds_resolved": match.rounds_resolved,
        "phase": match.phase,
        "paused": match.paused,
        "finished": match.finished,
        "ending": match.ending,
        "winners": list(match.winners or []),
        "seats": {
            s.seat: {"controller": s.controller, "players": [h.player for h in s.holders]}
            for s in match.seats
        },
    }


def print_matches(found: Sequence[Match]) -> None:
    """The table of matches."""
    table = Table(title="Matches", title_justify="left")
    for column in ("Id", "Scenario", "Started", "Round", "Phase", "Seats", "Winner"):
        table.add_column(column, justify="right" if column in ("Id", "Round") else "left")
    for m in found:
        started = "" if m.started_at is None else m.started_at.strftime("%Y-%m-%d %H:%M")
        phase = m.phase + (" (paused)" if m.paused else "")
        table.add_row(
            str(m.id),
            escape(f"{m.scenario_id} {m.scenario_version}"),
            started,
            f"{m.round}/{m.last_round}",
            phase,
            escape(seats_text(m)),
            escape(", ".join(m.winners or [])),
        )
    console.print(table)


async def _list(path: Path | str, limit: int) -> list[Match]:
    services = await Services.open(path)
    try:
        return await services.matches.list_matches(SYSTEM, limit=limit)
    finally:
        await services.close()


def cmd_matches(args: argparse.Namespace) -> int:
    """List matches as a table, or as JSON with --json."""
    path = existing_database("levers matches", args.db)
    if path is None:
        return 2
    try:
        found = asyncio.run(_list(path, args.limit))
    except USER_ERRORS as err:
        print(f"levers matches: {err}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([match_json(m) for m in found], indent=2))
    else:
        print_matches(found)
    return 0


async def _verify(path: Path | str, match_id: int) -> ReplayReport:
    services = await Services.open(path)
    try:
        return await services.verify_replay(match_id, SYSTEM)
    finally:
        await services.close()


def cmd_replay(args: argparse.Namespace) -> int:
    """Replay a match from its stored scenario text, seed and locked orders."""
    path = existing_database("levers replay", args.db)
    if path is None:
        return 2
    try:
        report = asyncio.run(_verify(path, args.match))
    except USER_ERRORS as err:
        print(f"levers replay: {err}", file=sys.stderr)
        return 2
    if report.ok:
        print(f"match {report.match_id}: {report.rounds_checked} resolved round(s) replay exactly")
        return 0
    if report.first_difference is not None:
        print(
            f"match {report.match_id}: round {report.first_difference} differs: {report.detail}",
            file=sys.stderr,
        )
    for problem in report.problems:
        print(f"match {report.match_id}: {problem}", file=sys.stderr)
    return 1 if args.verify else 0

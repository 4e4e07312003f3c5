"""``levers class``: the class runs in the store, and one compared or exported.

    levers class [--db PATH]                               # the class runs, newest first
    levers class --class 3 [--format compare]              # the groups side by side
    levers class --class 3 --format gradebook -o grades.csv
    levers class --class 3 --format html -o class-3.html   # or markdown

A class run is compared once every group's match is over (a running match's record holds
secrets); the terminal runs on the machine that holds the database and sees every server's.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli.database import existing_database
from bot.cli.export_cmd import output_problem
from bot.review.classes import (
    class_gradebook,
    class_html,
    class_markdown,
    compare,
    compare_lines,
    load_class,
)
from bot.services import USER_ERRORS, Services
from bot.services.classes import ClassView
from bot.services.errors import WrongPhase
from bot.services.models import SYSTEM

PROG = "levers class"


async def _list(path: Path | str) -> list[ClassView]:
    services = await Services.open(path)
    try:
        runs = await services.classes.list_classes(SYSTEM, limit=100)
        return [await services.classes.get(r.id, SYSTEM) for r in runs]
    finally:
        await services.close()


async def _render(path: Path | str, class_id: int, fmt: str) -> str:
    services = await Services.open(path)
    try:
        view = await services.classes.get(class_id, SYSTEM)
        running = [str(g) for g, m in enumerate(view.matches, start=1) if not m.finished]
        if running:
            raise WrongPhase(
                f"class run {class_id} is compared once every group is over; group(s) "
                f"{', '.join(running)} are still playing"
            )
        scenario = await services.scenarios.get(view.run.scenario_sha256)
        _same, records = await load_class(services.ctx, view.run, scenario)
    finally:
        await services.close()
    found = compare(scenario, view.run, records)
    if fmt == "gradebook":
        return class_gradebook(scenario, found, records)
    if fmt == "markdown":
        return class_markdown(found)
    if fmt == "html":
        return class_html(found)
    return "\n".join(compare_lines(found)) + "\n"


def _table(views: list[ClassView]) -> str:
    if not views:
        return "no class runs (open one with /class new in Discord)\n"
    lines = [f"{'id':>4}  {'scenario':<20} {'seed':>10}  groups (match: phase)"]
    for view in views:
        groups = ", ".join(f"{m.id}: {m.phase}" for m in view.matches)
        lines.append(f"{view.run.id:>4}  {view.run.scenario_id:<20} {view.run.seed:>10}  {groups}")
    return "\n".join(lines) + "\n"


def cmd_class(args: argparse.Namespace) -> int:
    """List class runs, or compare/export one; exit 1 when it is missing or not over."""
    problem = output_problem(args.output)
    if problem is not None:
        print(f"{PROG}: {problem}", file=sys.stderr)
        return 2
    path = existing_database(PROG, args.db)
    if path is None:
        return 2
    try:
        if args.class_id is None:
            text = _table(asyncio.run(_list(path)))
        else:
            text = asyncio.run(_render(path, args.class_id, args.format))
    except USER_ERRORS as err:
        print(f"{PROG}: {err}", file=sys.stderr)
        return 1
    if args.output and args.output != "-":
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as err:
            print(f"{PROG}: cannot write {args.output}: {err.strerror}", file=sys.stderr)
            return 2
        print(f"{args.output}: {len(text.encode())} bytes", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0

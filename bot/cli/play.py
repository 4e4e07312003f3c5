"""``levers play`` and ``levers resume``: a stored match in the terminal.

Named seats are played at the keyboard, the rest by the AI. The match goes through the same
services as the Discord bot (``bot.services``) and is stored in the database (``--db``,
``$LEVERS_DB`` or ``./data/levers.db``), so it can be reviewed, replayed (``levers replay``) and,
if the terminal is closed mid-match, continued (``levers resume --match ID``). What a round
shows is printed from the outbox after the round is committed, as the bot announces it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.prompt import Prompt

from bot.cli.terminal import (
    console,
    print_orders,
    print_scores,
    print_state,
    print_story,
    round_label,
)
from bot.game.legal import legal_moves
from bot.game.scenario import Scenario
from bot.game.state import MatchState, Order, Record, SeatOrders
from bot.game.validate import ScenarioInvalid
from bot.game.view import hide_covert, seat_view, secret_moves
from bot.render.narrative import state_rows
from bot.scenarios import ScenarioNotFound, read_scenario
from bot.services import USER_ERRORS, Actor, Services
from bot.services.models import MAX_ARGUMENT, Announcement, Match
from db.paths import db_path

LOCAL = "local:"
HOST = Actor(f"{LOCAL}host", "you")


def register(commands: Any) -> None:
    """Add ``play`` and ``resume`` to the ``levers`` parser."""
    p = commands.add_parser("play", help="play a stored match in the terminal")
    p.add_argument("--scenario", help="a built-in scenario id or a file (default: the default)")
    p.add_argument("--seat", action="append", default=[], help="a seat you play (repeatable)")
    p.add_argument("--seed", type=int, help="the match seed (random when omitted)")
    p.add_argument("--rounds", type=int, help="play fewer (or more) rounds than the scenario")
    p.add_argument("--db", help="the database file (default: $LEVERS_DB or ./data/levers.db)")
    p.set_defaults(handler=cmd_play)
    r = commands.add_parser("resume", help="continue an unfinished terminal match")
    r.add_argument("--match", type=int, required=True, metavar="ID")
    r.add_argument("--db", help="the database file (default: $LEVERS_DB or ./data/levers.db)")
    r.set_defaults(handler=cmd_resume)


def cmd_play(args: argparse.Namespace) -> int:
    """Create, store and play one match; without --seat every seat is the AI (no input)."""
    try:
        scenario, _raw, _path = read_scenario(args.scenario)
    except (ScenarioNotFound, ScenarioInvalid, OSError) as err:
        print(f"levers play: {err}", file=sys.stderr)
        return 2
    unknown = [s for s in args.seat if s not in scenario.seat_ids]
    if unknown:
        print(
            f"levers play: unknown seat(s) {unknown}; seats are {scenario.seat_ids}",
            file=sys.stderr,
        )
        return 2
    if args.rounds is not None and not 1 <= args.rounds <= 20:
        print("levers play: --rounds must be between 1 and 20", file=sys.stderr)
        return 2
    return _run("levers play", _play(db_path(args.db), args))


def cmd_resume(args: argparse.Namespace) -> int:
    """Continue a terminal match where it stopped."""
    path = db_path(args.db)
    if not path.is_file():
        print(f"levers resume: no database at {path}", file=sys.stderr)
        return 2
    return _run("levers resume", _resume(path, args.match))


def _run(prog: str, work: Any) -> int:
    try:
        result: int = asyncio.run(work)
    except USER_ERRORS as err:
        print(f"{prog}: {err}", file=sys.stderr)
        return 1
    return result


async def _play(path: Path, args: argparse.Namespace) -> int:
    services = await Services.open(path)
    try:
        stored = await services.scenarios.add_builtin(args.scenario)
        match = await services.matches.create(
            HOST, stored.sha256, source_id=stored.source_id, seed=args.seed, rounds=args.rounds
        )
        console.print(f"Match {match.id}")
        console.print(
            f"[dim]Stored in {escape(str(path))}: levers replay --match {match.id} --verify[/]"
        )
        for seat in dict.fromkeys(args.seat):
            await services.matches.assign_seat(match.id, HOST, f"{LOCAL}{seat}", seat, seat)
        await services.matches.start(match.id, HOST)
        await play_stored(services, match.id)
    finally:
        await services.close()
    return 0


async def _resume(path: Path, match_id: int) -> int:
    services = await Services.open(path)
    try:
        match = await services.matches.get(match_id)
        if match.guild_id is not None:
            print(f"levers resume: match {match_id} is played on Discord", file=sys.stderr)
            return 2
        console.print(f"Match {match.id}  [dim](resumed from {escape(str(path))})[/]")
        if match.phase == "lobby":
            await services.matches.start(match_id, HOST)
        await play_stored(services, match_id)
    finally:
        await services.close()
    return 0


async def play_stored(services: Services, match_id: int) -> Match:
    """Play a stored terminal match to its end (its ``local:`` seats at the keyboard)."""
    scenario = await services.scenarios.of_match(match_id)
    match = await services.matches.get(match_id)
    console.print(f"[bold]{escape(scenario.meta.title)}[/]  (seed {match.seed})")
    console.print(escape(scenario.meta.description.strip()))
    while True:
        await show_announcements(services, scenario, match_id)
        match = await services.matches.get(match_id)
        if match.finished:
            return match
        assert match.state is not None
        await _briefing(services, scenario, match)
        waiting = {s.seat: s.submitted for s in await services.orders.status(match_id)}
        for info in match.seats:
            local = [p for p in info.players if p.startswith(LOCAL)]
            if not local:
                continue
            if waiting.get(info.seat):
                console.print(f"[dim]{escape(info.seat)} has already given its orders.[/]")
                continue
            await _submit(services, scenario, match, info.seat, Actor(local[0], info.seat))
        await services.rounds.resolve(match_id, match.round, trigger="terminal")


async def show_announcements(services: Services, scenario: Scenario, match_id: int) -> None:
    """Print what the match announced (committed rounds, the end) and mark it shown."""
    for item in await services.outbox.pending(scope="local", match_id=match_id):
        await _show(services, scenario, item)
        await services.outbox.mark_sent(item.id)


async def _show(services: Services, scenario: Scenario, item: Announcement) -> None:
    if item.kind == "round_resolved" and item.round is not None:
        outcome = await services.rounds.get(item.match_id or 0, item.round)
        match = await services.matches.get(item.match_id or 0)
        local = [i.seat for i in match.seats if any(p.startswith(LOCAL) for p in i.players)]
        # One player at the screen sees their own covert moves; several share the public view.
        secret = secret_moves(
            scenario, outcome.state.exposed, local[0] if len(local) == 1 else None
        )
        shown = {seat: locked.orders for seat, locked in outcome.orders.items()}
        print_orders(scenario, shown, secret)
        print_story(scenario, hide_covert(outcome.records_of(item.round), secret))
        print_scores(scenario, outcome.scores, [], "Scoreboard")
    elif item.kind == "match_ended":
        console.rule("[bold]The end[/]")
        last = await services.rounds.get(item.match_id or 0, item.round or 0)
        print_story(scenario, [r for r in last.records if r.kind == "ending"])
        if item.payload.get("note"):
            console.print(f"Ended early: {escape(str(item.payload['note']))}")
        print_scores(scenario, last.scores, list(item.payload.get("winners", [])), "Final scores")


async def _briefing(services: Services, scenario: Scenario, match: Match) -> None:
    assert match.state is not None
    previous = await services.rounds.get(match.id, match.round - 1)
    before = None
    if match.round >= 2:
        before = (await services.rounds.get(match.id, match.round - 2)).state
    briefing(scenario, match.state, match.seed, previous.records_of(match.round), before)


async def _submit(
    services: Services, scenario: Scenario, match: Match, seat: str, actor: Actor
) -> None:
    assert match.state is not None
    while True:
        orders = ask_orders(scenario, match.state, seat, match.seed)
        moves = [(o.move, o.argument) for o in orders.moves]
        try:
            await services.orders.submit(
                match.id, actor, moves, orders.decisions, round=match.round
            )
            return
        except USER_ERRORS as err:
            console.print(f"[red]Not accepted:[/] {escape(str(err))}")


def briefing(
    scenario: Scenario,
    state: MatchState,
    seed: int,
    events: Sequence[Record],
    before: MatchState | None,
) -> None:
    """The start of a round: its label, its events, and the public state."""
    console.rule(f"[bold]{escape(round_label(scenario, state.round))}[/]")
    for rec in events:
        if rec.kind == "event":
            event = scenario.event(rec.source.partition(":")[2])
            console.print(f"[bold yellow]Event[/] {escape(event.name)}: {escape(event.text)}")
    now = seat_view(scenario, state, None, seed)
    old = seat_view(scenario, before, None, seed) if before else None
    print_state(state_rows(scenario, now, old), "The situation")


def ask_orders(scenario: Scenario, state: MatchState, seat_id: str, seed: int) -> SeatOrders:
    """Ask the player of a seat for this round's moves, arguments and decisions."""
    seat = scenario.seat(seat_id)
    console.rule(f"[{seat.colour}]{escape(seat.name)}[/]: your orders")
    view = seat_view(scenario, state, seat_id, seed)
    print_state(state_rows(scenario, view), "What you see")
    for objective in seat.objectives:
        console.print(f"[dim]Secret objective:[/] {escape(objective.text)}")
    budget = seat.budget
    chosen: list[Order] = []
    while True:
        options = [
            m
            for m in legal_moves(scenario, state, seat_id)
            if m.cost <= budget and all(o.move != m.id for o in chosen)
        ]
        if not options:
            break
        console.print(f"Budget left: {budget} AP. 0) done")
        for number, move in enumerate(options, 1):
            console.print(
                f"  {number}) {escape(move.name)} ({move.cost} AP): {escape(move.description)}"
            )
        pick = Prompt.ask("Move", choices=[str(i) for i in range(len(options) + 1)], default="0")
        if pick == "0":
            break
        move = options[int(pick) - 1]
        argument = Prompt.ask(escape(move.prompt))[:MAX_ARGUMENT]
        chosen.append(Order(move.id, argument))
        budget -= move.cost
    decisions: dict[str, str] = {}
    for event_id, who in state.awaiting.items():
        decision = scenario.event(event_id).decision
        if who != seat_id or decision is None:
            continue
        console.print(escape(decision.prompt))
        for option in decision.options:
            console.print(f"  {option.id}: {escape(option.label)}")
        decisions[event_id] = Prompt.ask(
            "Your answer", choices=[o.id for o in decision.options], default=decision.default
        )
    return SeatOrders(moves=tuple(chosen), decisions=decisions)

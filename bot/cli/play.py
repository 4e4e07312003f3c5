"""``levers play`` and ``levers resume``: a stored match in the terminal.

Named seats are played at the keyboard, the rest by the AI. The match goes through the same
services as the Discord bot (``bot.services``) and is stored in the database (``--db``,
``$LEVERS_DB`` or ``./data/levers.db``), so it can be reviewed, replayed (``levers replay``) and,
if the terminal is closed mid-match, continued (``levers resume``) with the orders being written
kept as a draft. What a round shows is printed from the outbox after the round is committed, as
the bot announces it; the end shows the final state, hidden metrics included, and the debrief.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from rich.markup import escape

from bot.cli.database import existing_database, foreign_database
from bot.cli.deals_cli import (
    confirm_orders,
    print_credibility,
    print_deal_outcome,
    show_talks,
    talk_keys,
)
from bot.cli.debate_cli import (
    ask_ratings,
    debate_points,
    print_debate_outcome,
    print_intentions,
)
from bot.cli.keyboard import Interrupted, ask
from bot.cli.menu import Edit, take_orders
from bot.cli.panels import (
    goal_rows,
    print_causes,
    print_debrief,
    print_final_state,
    print_goal_panel,
    print_moved,
    print_seat_briefing,
)
from bot.cli.terminal import (
    console,
    print_orders,
    print_scores,
    print_state,
    print_story,
    round_label,
)
from bot.game.scenario import Scenario
from bot.game.scoring import scores_seen, visible_outcome
from bot.game.state import MatchState, SeatOrders
from bot.game.validate import ScenarioInvalid
from bot.game.view import hide_covert, seat_view, secret_moves
from bot.render.narrative import estimated_changes, state_rows
from bot.review.from_store import load_record
from bot.scenarios import ScenarioNotFound, read_scenario
from bot.services import USER_ERRORS, Actor, Services
from bot.services.models import Announcement, Match
from bot.services.rounds import Debate
from db.paths import db_target

LOCAL = "local:"
HOST = Actor(f"{LOCAL}host", "you", moderator=True)  # the terminal holds the database


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
            f"levers play: unknown seat(s) {', '.join(unknown)}; "
            f"the seats are {', '.join(scenario.seat_ids)}",
            file=sys.stderr,
        )
        return 2
    if args.rounds is not None and not 1 <= args.rounds <= 20:
        print("levers play: --rounds must be between 1 and 20", file=sys.stderr)
        return 2
    path = db_target(args.db)
    problem = foreign_database(path) if isinstance(path, Path) else None
    if problem is not None:
        print(f"levers play: {problem}", file=sys.stderr)
        return 2
    return _run("levers play", _play(path, args))


def cmd_resume(args: argparse.Namespace) -> int:
    """Continue a terminal match where it stopped, its seats' drafts restored."""
    path = existing_database("levers resume", args.db)
    if path is None:
        return 2
    return _run("levers resume", _resume(path, args))


def _run(prog: str, work: Coroutine[Any, Any, int]) -> int:
    # A plain event loop, not asyncio.run: its SIGINT handler would swallow a Ctrl-C typed at
    # a prompt (it cancels the task, which waits in input() until Enter). Here Ctrl-C raises
    # KeyboardInterrupt in input(), which bot.cli.keyboard turns into Interrupted.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(work)
    except USER_ERRORS as err:
        print(f"{prog}: {err}", file=sys.stderr)
        return 1
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def _how_to_go_on(prog: str, match_id: int, given_db: str | None, left: Interrupted) -> int:
    db = f" --db {given_db}" if given_db else ""
    print(
        f"{prog}: stopped ({left}). The match is saved and your orders so far are kept as a "
        f"draft.\nTo go on: levers resume --match {match_id}{db}",
        file=sys.stderr,
    )
    return left.exit_code


async def _play(path: Path | str, args: argparse.Namespace) -> int:
    services = await Services.open(path)
    try:
        stored = await services.scenarios.add_builtin(args.scenario)
        settings = {"debate": args.debate} if args.debate else None
        match = await services.matches.create(
            HOST,
            stored.sha256,
            source_id=stored.source_id,
            seed=args.seed,
            rounds=args.rounds,
            settings=settings,
        )
        console.print(f"Match {match.id}")
        console.print(
            f"[dim]Stored in {escape(str(path))}: levers replay --match {match.id} --verify[/]"
        )
        for seat in dict.fromkeys(args.seat):
            await services.matches.assign_seat(match.id, HOST, f"{LOCAL}{seat}", seat, seat)
        await services.matches.start(match.id, HOST)
        try:
            await play_stored(services, match.id, verbose=args.verbose)
        except Interrupted as left:
            return _how_to_go_on("levers play", match.id, args.db, left)
    finally:
        await services.close()
    return 0


async def _resume(path: Path | str, args: argparse.Namespace) -> int:
    services = await Services.open(path)
    try:
        match_id = args.match
        if match_id is None:
            found = await services.matches.list_matches(
                HOST, local_only=True, active_only=True, limit=1
            )
            if not found:
                print("levers resume: no unfinished terminal match to resume", file=sys.stderr)
                return 2
            match_id = found[0].id
        match = await services.matches.get(match_id, HOST)
        if match.guild_id is not None:
            print(f"levers resume: match {match_id} is played on Discord", file=sys.stderr)
            return 2
        console.print(f"Match {match.id}  [dim](resumed from {escape(str(path))})[/]")
        if match.phase == "lobby":
            await services.matches.start(match_id, HOST)
        try:
            await play_stored(services, match_id, verbose=args.verbose)
        except Interrupted as left:
            return _how_to_go_on("levers resume", match_id, args.db, left)
    finally:
        await services.close()
    return 0


def local_seats(match: Match) -> list[tuple[str, str]]:
    """(seat, player) for each seat played at this keyboard, in seat order."""
    found = []
    for info in match.seats:
        player = next((p for p in info.players if p.startswith(LOCAL)), None)
        if player is not None:
            found.append((info.seat, player))
    return found


async def play_stored(services: Services, match_id: int, *, verbose: bool = False) -> Match:
    """Play a stored terminal match to its end (its ``local:`` seats at the keyboard).

    In open debate (the match's ``debate`` setting, else the scenario's ``rules.debate``) the
    intentions are printed after the orders and each seat at the keyboard rates the others'
    arguments. Raises Interrupted when the player leaves at a prompt; what they ordered so far
    is kept.
    """
    scenario = await services.scenarios.of_match(match_id, HOST)
    match = await services.matches.get(match_id, HOST)
    open_debate = match.settings.get("debate", scenario.rules.debate) == "open"
    seats = local_seats(match)
    # One player at the keyboard reads the reveal as their seat sees it; in hot-seat play the
    # shared screen shows only what the public may see.
    viewer = seats[0][0] if len(seats) == 1 else None
    console.print(f"[bold]{escape(scenario.meta.title)}[/]  (seed {match.seed})")
    console.print(escape(scenario.meta.description.strip()))
    briefed: set[str] = set()
    while True:
        await show_announcements(services, scenario, match_id, viewer, verbose)
        match = await services.matches.get(match_id, HOST)
        if match.finished:
            await _the_end(services, scenario, match_id)
            return match
        await _round_start(services, scenario, match, public_table=not seats)
        waiting = {s.seat: s.submitted for s in await services.orders.status(match_id, HOST)}
        for seat, player in seats:
            if waiting.get(seat):
                console.print(f"[dim]{escape(seat)} has already given its orders.[/]")
                continue
            hot_seat = len(seats) > 1
            if hot_seat:
                ask(f"Pass the keyboard to {escape(scenario.seat(seat).name)}, then press Enter: ")
            if seat not in briefed:
                print_seat_briefing(scenario, seat)
                briefed.add(seat)
            await _seat_panel(services, scenario, match, seat)
            if hot_seat:  # the shared reveal left out what only this seat sees
                await _private_causes(services, scenario, match, Actor(player, seat), verbose)
            await show_talks(services, scenario, match, seat, Actor(player, seat))
            await _give_orders(services, scenario, match, seat, Actor(player, seat))
            if hot_seat:
                console.clear()  # the next player must not read this seat's panel
        rated = Debate()
        if open_debate and seats:
            rated = await _debate(services, scenario, match, [seat for seat, _p in seats])
        await services.rounds.resolve(match_id, match.round, HOST, trigger="terminal", debate=rated)


async def _debate(
    services: Services, scenario: Scenario, match: Match, raters: list[str]
) -> Debate:
    """The intentions, then each seat at the keyboard rates the other seats' arguments."""
    assert match.state is not None
    orders = await services.rounds.intentions(match.id, HOST)
    secret = secret_moves(scenario, match.state.exposed, None)
    print_intentions(scenario, orders, secret)
    ratings = {seat: ask_ratings(scenario, orders, seat, secret) for seat in raters}
    return Debate(open=True, ratings=ratings)


async def show_announcements(
    services: Services,
    scenario: Scenario,
    match_id: int,
    viewer: str | None = None,
    verbose: bool = False,
) -> None:
    """Print what the match announced (committed rounds, the end) and mark it shown."""
    for item in await services.outbox.pending(scope="local", match_id=match_id):
        await _show(services, scenario, item, viewer, verbose)
        await services.outbox.mark_sent(item.id)


async def _show(
    services: Services, scenario: Scenario, item: Announcement, viewer: str | None, verbose: bool
) -> None:
    if item.kind == "round_resolved" and item.round is not None:
        outcome = await services.rounds.get(item.match_id or 0, item.round, HOST)
        console.rule(f"[bold]{escape(round_label(scenario, item.round))}: the reveal[/]")
        # The player at the keyboard sees their own covert moves; hot-seat play shares the
        # public view, where covert moves stay hidden until exposed.
        secret = secret_moves(scenario, outcome.state.exposed, viewer)
        print_orders(
            scenario, {seat: locked.orders for seat, locked in outcome.orders.items()}, secret
        )
        records = hide_covert(outcome.records_of(item.round), secret)
        print_story(scenario, records)
        print_deal_outcome(scenario, outcome.state, records)
        history = await services.rounds.history(item.match_id or 0, HOST)
        seed = (await services.matches.get(item.match_id or 0, HOST)).seed
        estimates = None
        if viewer is not None:  # the seat's own estimate of what moved a metric it sees noisily
            old = seat_view(scenario, history[item.round - 1].state, viewer, seed)
            now = seat_view(scenario, outcome.state, viewer, seed)
            estimates = estimated_changes(scenario, now, old, viewer)
        print_causes(scenario, records, viewer, verbose, estimates)
        played = [{s: locked.orders for s, locked in h.orders.items()} for h in history[1:]]
        metrics = [h.state.metrics for h in history]
        print_debate_outcome(
            scenario, item.round, played[: item.round], metrics[: item.round + 1], secret, viewer
        )
        points = debate_points(scenario, played[: item.round], metrics[: item.round + 1], viewer)
        view = seat_view(scenario, outcome.state, viewer, seed)
        seen = scores_seen(scenario, outcome.scores, view, viewer)
        shared = visible_outcome(scenario, view)
        print_scores(scenario, seen, [], "Scoreboard (goals so far)", points, shared)
        print_credibility(scenario, outcome.state)
    elif item.kind == "match_ended":
        # The ending's sentence was in the last reveal; the scores, broken down, are in the
        # debrief printed after the final state.
        console.rule("[bold]The end[/]")
        if item.payload.get("note"):
            console.print(f"Ended early: {escape(str(item.payload['note']))}")


async def _the_end(services: Services, scenario: Scenario, match_id: int) -> None:
    _scenario, record = await load_record(services.store, match_id, scenario)
    final = record.rounds[-1].metrics if record.rounds else record.opening.metrics
    print_final_state(scenario, final, record.opening.metrics)
    print_debrief(scenario, record)


async def _round_start(
    services: Services, scenario: Scenario, match: Match, public_table: bool
) -> None:
    """The round's header and its events; the public state when nobody plays at the keyboard
    (a seat at the keyboard gets the table as it sees it, once)."""
    assert match.state is not None
    previous = await services.rounds.get(match.id, match.round - 1, HOST)
    console.rule(f"[bold]{escape(round_label(scenario, match.round))}[/]")
    for rec in previous.records_of(match.round):
        if rec.kind == "event":
            event = scenario.event(rec.source.partition(":")[2])
            console.print(f"[bold yellow]Event[/] {escape(event.name)}: {escape(event.text)}")
    if public_table:
        before = await _state_before(services, match)
        now = seat_view(scenario, match.state, None, match.seed)
        old = seat_view(scenario, before, None, match.seed) if before else None
        print_state(state_rows(scenario, now, old), "The situation")


async def _state_before(services: Services, match: Match) -> MatchState | None:
    """The state a round earlier (None in round 1)."""
    if match.round < 2:
        return None
    return (await services.rounds.get(match.id, match.round - 2, HOST)).state


async def _seat_panel(services: Services, scenario: Scenario, match: Match, seat: str) -> None:
    """Where the seat stands against its goals, then the state as it sees it."""
    assert match.state is not None
    before = await _state_before(services, match)
    now = seat_view(scenario, match.state, seat, match.seed)
    old = seat_view(scenario, before, seat, match.seed) if before else None
    score = (await services.rounds.get(match.id, match.round - 1, HOST)).scores.get(seat)
    name = scenario.seat(seat).name
    print_goal_panel(goal_rows(scenario, seat, now, old), name, score)
    print_state(state_rows(scenario, now, old), f"What {name} sees")


async def _private_causes(
    services: Services, scenario: Scenario, match: Match, actor: Actor, verbose: bool
) -> None:
    """In hot-seat play, what moved the metrics only this seat sees last round (the shared
    reveal showed the public's): directions and its own estimate for a noisy metric."""
    seen = await services.rounds.causes_seen(match.id, actor, private_only=True)
    if seen.moved:
        label = round_label(scenario, seen.round)
        title = f"What moved your metrics in {label} (only you see this)"
        print_moved(seen.moved, title, verbose)


async def _give_orders(
    services: Services, scenario: Scenario, match: Match, seat: str, actor: Actor
) -> None:
    assert match.state is not None
    drafts = services.drafts
    _seat, _round, draft = await drafts.get(match.id, actor)
    if draft.moves or draft.decisions:
        console.print("[bold]Your draft is restored[/]: the orders you had entered are ticked.")

    async def save(edit: Edit) -> SeatOrders:
        _seat, changed, _authors = await drafts.change(match.id, actor, match.round, edit)
        return changed

    async def submit(orders: SeatOrders) -> str | None:
        moves = [(o.move, o.argument) for o in orders.moves]
        forecasts = {o.move: o.forecast for o in orders.moves if o.forecast is not None}
        if not await confirm_orders(services, scenario, match, actor, [m for m, _a in moves]):
            return "your orders are not locked; change them to keep your word, or confirm"
        try:
            await services.orders.submit(
                match.id, actor, moves, orders.decisions, round=match.round, forecasts=forecasts
            )
        except USER_ERRORS as err:
            return str(err)
        return None

    talk = talk_keys(services, scenario, match, actor)
    await take_orders(scenario, match.state, seat, draft, save, submit, talk)
    console.print(f"Orders in for {escape(scenario.seat(seat).name)}.")

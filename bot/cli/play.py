"""``levers play``: a match in the terminal; named seats at the keyboard, the rest by the AI."""

from __future__ import annotations

import argparse
import secrets
import sys
from collections.abc import Sequence
from typing import Any

from rich.markup import escape
from rich.prompt import Prompt

from bot.cli.terminal import console, print_orders, print_scores, print_state, print_story, round_label
from bot.game.engine import new_match, resolve_round, round_rng
from bot.game.legal import legal_moves
from bot.game.policies import AiPolicy
from bot.game.scenario import Scenario
from bot.game.scoring import scores, winners
from bot.game.state import MatchState, Order, Record, SeatOrders
from bot.game.validate import ScenarioInvalid
from bot.game.view import seat_view
from bot.render.narrative import state_rows
from bot.scenarios import ScenarioNotFound, read_scenario

MAX_ARGUMENT = 1000


def register(commands: Any) -> None:
    """Add ``play`` to the ``levers`` parser."""
    p = commands.add_parser("play", help="play a match in the terminal")
    p.add_argument("--scenario", help="a built-in scenario id or a file (default: the default)")
    p.add_argument("--seat", action="append", default=[], help="a seat you play (repeatable)")
    p.add_argument("--seed", type=int, help="the match seed (random when omitted)")
    p.add_argument("--rounds", type=int, help="play fewer (or more) rounds than the scenario")
    p.set_defaults(handler=cmd_play)


def cmd_play(args: argparse.Namespace) -> int:
    """Play one match; without --seat every seat is the AI and no input is read."""
    try:
        scenario, _raw, _path = read_scenario(args.scenario)
    except (ScenarioNotFound, ScenarioInvalid, OSError) as err:
        print(f"levers play: {err}", file=sys.stderr)
        return 2
    unknown = [s for s in args.seat if s not in scenario.seat_ids]
    if unknown:
        print(f"levers play: unknown seat(s) {unknown}; seats are {scenario.seat_ids}", file=sys.stderr)
        return 2
    if args.rounds is not None and not 1 <= args.rounds <= 20:
        print("levers play: --rounds must be between 1 and 20", file=sys.stderr)
        return 2
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    play_in_terminal(scenario, seed, set(args.seat), args.rounds)
    return 0


def briefing(scenario: Scenario, state: MatchState, seed: int, events: Sequence[Record],
             before: MatchState | None) -> None:
    """The start of a round: its label, its events, and the public state."""
    console.rule(f"[bold]{escape(round_label(scenario, state.round))}[/]")
    for rec in events:
        if rec.kind == "event":
            event = scenario.event(rec.source.partition(":")[2])
            console.print(f"[bold yellow]Event[/] {escape(event.name)}: {escape(event.text)}")
    now = seat_view(scenario, state, None, seed)
    old = seat_view(scenario, before, None, seed) if before else None
    print_state(state_rows(scenario, now, old), "The situation")


def play_in_terminal(scenario: Scenario, seed: int, humans: set[str], rounds: int | None) -> MatchState:
    """Run a whole match, printing each round; return the final state."""
    console.print(f"[bold]{escape(scenario.meta.title)}[/]  (seed {seed})")
    console.print(escape(scenario.meta.description.strip()))
    opening = new_match(scenario, round_rng(seed, 0), rounds)
    state, events, before = opening.state, list(opening.records), None
    ai = AiPolicy()
    while not state.finished:
        briefing(scenario, state, seed, events, before)
        orders = {
            seat: ask_orders(scenario, state, seat, seed) if seat in humans
            else ai.orders(scenario, state, seat, seed)
            for seat in scenario.seat_ids
        }
        print_orders(scenario, orders)
        result = resolve_round(scenario, state, orders, round_rng(seed, state.round))
        played = [r for r in result.records if r.round == state.round]
        print_story(scenario, played)
        events = [r for r in result.records if r.round == result.state.round]
        before, state = state, result.state
        table = scores(scenario, state)
        print_scores(scenario, table, [], "Scoreboard")
    console.rule("[bold]The end[/]")
    print_story(scenario, [r for r in events if r.kind == "ending"])
    final = scores(scenario, state)
    print_scores(scenario, final, winners(final), "Final scores")
    return state


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
        options = [m for m in legal_moves(scenario, state, seat_id)
                   if m.cost <= budget and all(o.move != m.id for o in chosen)]
        if not options:
            break
        console.print(f"Budget left: {budget} AP. 0) done")
        for number, move in enumerate(options, 1):
            console.print(f"  {number}) {escape(move.name)} ({move.cost} AP): {escape(move.description)}")
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
        decisions[event_id] = Prompt.ask("Your answer", choices=[o.id for o in decision.options],
                                         default=decision.default)
    return SeatOrders(moves=tuple(chosen), decisions=decisions)

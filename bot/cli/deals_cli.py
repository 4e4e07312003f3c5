"""Deals at the keyboard (``levers play``): between rounds a seat answers the offers made to it
(the AI's, or another seat's at the same keyboard), may propose a deal of its own (an AI party
answers at once), and is asked to confirm orders that would break a promise, with the cost.
The reveal says which deals were kept, broken or lapsed, and the scoreboard the credibility."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich.markup import escape

from bot.cli.keyboard import ask
from bot.cli.menu import Talk
from bot.cli.terminal import console
from bot.game.deal_state import Deal, DealKind, Term
from bot.game.deal_talks import AtStake
from bot.game.deals import MAX_TEXT
from bot.game.scenario import Move, Scenario
from bot.game.state import MatchState, Record
from bot.render.deals import credibility_line, deal_lines, outcome_lines, term_text
from bot.services import USER_ERRORS, Actor, Services
from bot.services.deals import SeatDeals
from bot.services.models import Match


def _yes(prompt: str, default: bool = False) -> bool:
    while True:
        answer = ask(prompt).lower()
        if not answer:
            return default
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False
        console.print("Answer y or n.")


def _number(prompt: str, count: int, allow_zero: bool = False) -> int:
    """A number from 1 to ``count`` (or 0 when allowed)."""
    low = 0 if allow_zero else 1
    while True:
        answer = ask(prompt)
        if answer.isdigit() and low <= int(answer) <= count:
            return int(answer)
        console.print(f"Type a number from {low} to {count}.")


def print_deal(scenario: Scenario, deal: Deal) -> None:
    """A deal, a few lines."""
    lines = deal_lines(scenario, deal)
    console.print(f"[bold]{escape(lines[0])}[/]")
    for line in lines[1:]:
        console.print(f"  {escape(line)}")


def _answered(scenario: Scenario, deal: Deal) -> None:
    if deal.status == "active":
        console.print(f"[green]Deal {deal.id} is agreed and in force.[/]")
    elif deal.status == "rejected":
        who = next((e.seat for e in deal.events if e.status == "rejected"), None)
        name = scenario.seat(who).name if who else "a party"
        console.print(f"[yellow]{escape(name)} rejected deal {deal.id}.[/]")
    else:
        waiting = [scenario.seat(s).name for s in deal.parties if s not in deal.accepted_by]
        console.print(f"Deal {deal.id} waits for {escape(', '.join(waiting))}.")


async def show_talks(
    services: Services, scenario: Scenario, match: Match, seat: str, actor: Actor
) -> None:
    """Before the seat's orders: the offers waiting for an answer, and the deals in force."""
    mine = await services.deals.of_seat(match.id, actor)
    for deal in mine.waiting:
        console.rule(f"[bold]A deal offered by {escape(scenario.seat(deal.proposer).name)}[/]")
        print_deal(scenario, deal)
    if mine.waiting:
        console.print("Type [bold]a[/] at the orders prompt to accept or reject it.")
    due = [d for d in mine.active if any(t.due(match.round) for t in d.terms)]
    if due:
        console.print("[bold]Your deals in force this round[/]")
        for deal in due:
            for term in (t for t in deal.terms if t.due(match.round)):
                line = f"{deal.id} ({deal.kind}): {term_text(scenario, term)}"
                console.print(f"  {escape(line)}")


def talk_keys(services: Services, scenario: Scenario, match: Match, actor: Actor) -> Talk:
    """What the orders menu's a and p do: answer the offers, propose a deal."""

    async def talk(key: str) -> None:
        mine = await services.deals.of_seat(match.id, actor)
        if key == "a":
            await answer_offers(services, scenario, match, mine, actor)
            return
        others = [s for s in (*mine.ai_seats, *mine.people_seats) if s != mine.seat]
        if others:
            await propose(services, scenario, match, mine, actor, others)
        else:
            console.print("No other seat is played: there is nobody to deal with.")

    return talk


async def answer_offers(
    services: Services, scenario: Scenario, match: Match, mine: SeatDeals, actor: Actor
) -> None:
    """Accept or reject each offer waiting for the seat."""
    if not mine.waiting:
        console.print("No deal is waiting for your answer.")
    for deal in mine.waiting:
        print_deal(scenario, deal)
        accept = _yes("Accept this deal? (y/n): ")
        try:
            done = await services.deals.answer(match.id, actor, deal.id, accept, round=match.round)
        except USER_ERRORS as err:
            console.print(f"[red]Not taken:[/] {escape(str(err))}")
            continue
        _answered(scenario, done)


def _pick_move(
    scenario: Scenario, moves: Sequence[Move], prompt: str, none: str | None
) -> Move | None:
    for number, move in enumerate(moves, 1):
        console.print(f"  {number:>2}. {escape(move.name)} [dim]({move.cost} AP)[/]")
    if none is not None:
        console.print(f"   0. {escape(none)}")
    chosen = _number(prompt, len(moves), allow_zero=none is not None)
    return moves[chosen - 1] if chosen else None


def _seat_numbers(prompt: str, count: int) -> list[int]:
    """One seat's number, or two different ones (``1,2``) for a deal of three."""
    while True:
        parts = [p.strip() for p in ask(prompt).replace(" ", ",").split(",") if p.strip()]
        numbers = [int(p) for p in parts if p.isdigit() and 1 <= int(p) <= count]
        if numbers and len(numbers) == len(parts) <= 2 and len(set(numbers)) == len(numbers):
            return numbers
        console.print(f"Type a number from 1 to {count}, or two of them (e.g. 1,2).")


def _refrain(who: str) -> bool:
    """In a promise: whether the move is to be played (1) or promised not to be (2)."""
    console.print(f"  1. {who} play it   2. {who} promise NOT to play it")
    return _number("Play it or not? ", 2) == 2


def _rounds(match: Match) -> tuple[int, int]:
    while True:
        answer = ask(
            f"Which rounds? (Enter: this round, {match.round}; or FIRST-LAST up to "
            f"{match.last_round}): "
        )
        if not answer:
            return match.round, match.round
        first, _dash, last = answer.partition("-")
        if first.isdigit() and (not last or last.isdigit()):
            low, high = int(first), int(last or first)
            if match.round <= low <= high <= match.last_round:
                return low, high
        console.print(f"Rounds from {match.round} to {match.last_round}, e.g. {match.round}.")


async def propose(
    services: Services,
    scenario: Scenario,
    match: Match,
    mine: SeatDeals,
    actor: Actor,
    others: Sequence[str],
) -> None:
    seat = mine.seat
    console.print("[bold]With which seat?[/]")
    for number, other in enumerate(others, 1):
        who = "AI" if other in mine.ai_seats else "player"
        credibility = mine.state.credibility.get(other, scenario.seat(other).credibility)
        console.print(
            f"  {number}. {escape(scenario.seat(other).name)} [dim]({who}, credibility "
            f"{credibility:.0f})[/]"
        )
    if len(others) > 1:
        console.print("[dim]Two numbers (e.g. 1,2) make a deal of three.[/]")
    chosen = [others[n - 1] for n in _seat_numbers("Seat: ", len(others))]
    console.print("  1. escrow: every move runs together, or none does")
    console.print("  2. promise: each plays its part; breaking it costs points and credibility")
    kind: DealKind = "escrow" if _number("Kind: ", 2) == 1 else "promise"
    console.print("[bold]What you give[/]")
    give = _pick_move(
        scenario, scenario.moves_of(seat), "Your move: ", "nothing" if kind == "promise" else None
    )
    give_not = give is not None and kind == "promise" and _refrain("you")
    asked: list[tuple[str, Move, bool]] = []
    for other in chosen:
        console.print(f"[bold]What you ask of {escape(scenario.seat(other).name)}[/]")
        get = _pick_move(scenario, scenario.moves_of(other), "Their move: ", None)
        if get is not None:
            asked.append((other, get, kind == "promise" and _refrain("they")))
    first, last = _rounds(match)
    text = ask(f"A short message (up to {MAX_TEXT} characters, Enter for none): ")[:MAX_TEXT]
    terms = [Term(seat, give.id, first, last, avoid=give_not)] if give is not None else []
    terms += [Term(other, get.id, first, last, avoid=no) for other, get, no in asked]
    try:
        deal = await services.deals.propose(match.id, actor, terms, kind, text, round=match.round)
    except USER_ERRORS as err:
        console.print(f"[red]Not proposed:[/] {escape(str(err))}")
        return
    print_deal(scenario, deal)
    _answered(scenario, deal)


async def confirm_orders(
    services: Services, scenario: Scenario, match: Match, actor: Actor, moves: Collection[str]
) -> bool:
    """True when the orders break no deal, or the player confirms they may."""
    stake = await services.deals.at_stake(match.id, actor, moves)
    if not stake:
        return True
    for item in stake:
        console.print(f"[bold red]{escape(stake_line(scenario, item))}[/]")
    return _yes("Lock these orders anyway? (y/N): ")


def stake_line(scenario: Scenario, item: AtStake) -> str:
    """What one broken term will cost."""
    term = term_text(scenario, item.term)
    if item.breach:
        return (
            f"These orders break your promise in deal {item.deal.id} ({term}): it will cost "
            f"{item.cost:g} points and {item.credibility:g} credibility."
        )
    return (
        f"These orders leave out your part of escrow {item.deal.id} ({term}): the exchange "
        "lapses this round and none of its moves run."
    )


def print_deal_outcome(scenario: Scenario, state: MatchState, records: Sequence[Record]) -> None:
    """The reveal's deals: kept, broken, lapsed, expired."""
    for line in outcome_lines(scenario, state, records):
        console.print(escape(line))


def print_credibility(scenario: Scenario, state: MatchState) -> None:
    """Under the scoreboard: every seat's credibility, once deals are made."""
    shown = credibility_line(scenario, state)
    if shown is not None:
        console.print(f"[dim]{escape(shown)}[/]")

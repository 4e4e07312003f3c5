"""Giving a seat's orders at the keyboard: numbered menus that are not traps.

Every move of the seat keeps its number for the whole round; one that cannot be ordered now is
shown greyed with the reason, one already chosen is ticked (its number takes it back). Empty
Enter does nothing, ``?`` explains, submitting with action points unspent asks first, an event's
decision is a numbered menu with what each answer does, and an argument too long is refused
with its length rather than cut. Each change is saved as the seat's draft (``save``), so an
interrupted player finds it again with ``levers resume``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from rich.markup import escape

from bot.cli.keyboard import ask
from bot.cli.terminal import console
from bot.game.legal import spent, why_illegal
from bot.game.scenario import Move, Scenario
from bot.game.state import Forecast, MatchState, Order, SeatOrders
from bot.render.debate import forecast_metrics, forecast_text
from bot.services.drafts import with_decision, with_move, without_move
from bot.services.models import MAX_ARGUMENT

Edit = Callable[[str, SeatOrders], SeatOrders]
Save = Callable[[Edit], Awaitable[SeatOrders]]
Submit = Callable[[SeatOrders], Awaitable[str | None]]  # None when accepted, else why not
Talk = Callable[[str], Awaitable[None]]  # deals: "a" answers the offers, "p" proposes one

SUMMARY = 90  # characters of a move's description in the menu ("? N" prints all of it)
PROMPT = "Your choice (a number, 0 to submit, ? for help): "
HELP = (
    "Type a move's number to order it: you are asked for an argument, your case for the move,\n"
    "which the other seats read at the reveal, and whether to add a forecast (a metric your\n"
    "seat sees goes up or down: a debate point if it comes true). Type a ticked move's number\n"
    "to take it back.\n"
    "Greyed moves cannot be ordered now; the reason is beside them. Moves cost action points\n"
    "(AP) from your budget for the round. Type ? and a number (? 4) to read a move in full.\n"
    "Type d to change your answer to an event's decision, 0 to submit your orders (you can\n"
    "submit none). Type a to answer the deals offered to you, p to propose a deal.\n"
    "Ctrl-D or Ctrl-C keeps your orders so far as a draft and leaves; `levers resume` goes on."
)


@dataclass(frozen=True)
class Entry:
    """One line of the menu: a move, its fixed number, and whether it is chosen or blocked."""

    number: int
    move: Move
    chosen: Order | None
    reason: str | None  # why it cannot be ordered now (None: it can, or it is chosen)


def menu_entries(
    scenario: Scenario, state: MatchState, seat_id: str, draft: SeatOrders
) -> list[Entry]:
    """Every move of the seat, numbered in file order, whatever is chosen or possible."""
    left = scenario.seat(seat_id).budget - spent(scenario, draft)
    entries = []
    for number, move in enumerate(scenario.moves_of(seat_id), 1):
        chosen = next((o for o in draft.moves if o.move == move.id), None)
        reason = None if chosen else why_illegal(scenario, state, move)
        if chosen is None and reason is None and move.cost > left:
            reason = f"costs {move.cost} AP, more than the {left} AP left"
        clash = sorted(scenario.exclusions(move.id) & {o.move for o in draft.moves})
        if chosen is None and reason is None and clash:
            reason = f"cannot be ordered with {scenario.move(clash[0]).name} in one round"
        entries.append(Entry(number, move, chosen, reason))
    return entries


def print_menu(scenario: Scenario, seat_id: str, entries: list[Entry], draft: SeatOrders) -> None:
    """The menu: chosen moves ticked with their argument, blocked ones greyed with the reason."""
    budget = scenario.seat(seat_id).budget
    left = budget - spent(scenario, draft)
    console.print(f"[bold]Your moves[/]: {left} of {budget} AP left")
    for entry in entries:
        move = entry.move
        head = f"{entry.number:>3}) {escape(move.name)} ({move.cost} AP)"
        if entry.chosen is not None:
            said = entry.chosen.argument
            quoted = f" “{escape(said[:60])}{'…' if len(said) > 60 else ''}”" if said else ""
            forecast = entry.chosen.forecast
            told = f" [dim]({escape(forecast_text(scenario, forecast))})[/]" if forecast else ""
            console.print(f"[green]✓{head}[/]{quoted}{told}")
        elif entry.reason is not None:
            console.print(f" {head}: {escape(entry.reason)}", style="dim")
        else:
            room = max(30, console.width - len(head) - 4)  # one line per move
            console.print(f" {head}: {escape(summary(move.description, min(room, SUMMARY)))}")
    for event_id, option_id in draft.decisions.items():
        event = scenario.event(event_id)
        label = _label(scenario, event_id, option_id)
        console.print(f"  Decision on {escape(event.name)}: {escape(label)}")
    change = "    d) change your decision" if draft.decisions else ""
    console.print(f"   0) submit these orders    ?) help{change}")


def summary(text: str, limit: int = SUMMARY) -> str:
    """A move's description cut to its first sentence (and ``limit`` characters) for the menu."""
    flat = " ".join(text.split())
    end = flat.find(". ")
    first = flat if end < 0 else flat[: end + 1]
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def _label(scenario: Scenario, event_id: str, option_id: str) -> str:
    decision = scenario.event(event_id).decision
    options = decision.options if decision else []
    return next((o.label for o in options if o.id == option_id), option_id)


def ask_argument(move: Move) -> str:
    """The argument for a move: an empty one is asked again once, a long one is refused."""
    console.print(f"[bold]{escape(move.prompt)}[/] [dim](up to {MAX_ARGUMENT} characters)[/]")
    asked_again = False
    while True:
        text = ask("Your argument: ")
        if len(text) > MAX_ARGUMENT:
            console.print(
                f"[red]That is {len(text)} characters; the limit is {MAX_ARGUMENT}.[/] "
                "Write it shorter."
            )
            continue
        if text or asked_again:
            return text
        console.print(
            "An argument is your case for the move: the other seats read it and the debrief "
            "quotes it. Write one, or press Enter again to go without."
        )
        asked_again = True


FORECAST_PROMPT = "Add a forecast? (y/N): "


def _choose(prompt: str, allowed: dict[str, str], again: str) -> str:
    while True:
        answer = ask(prompt).strip().lower()
        if answer in allowed:
            return allowed[answer]
        console.print(again)


def ask_forecast(scenario: Scenario, seat_id: str) -> Forecast | None:
    """After an argument: an optional forecast (metric, up or down, this round or the next).

    Enter (or n) goes without one; only metrics the seat sees are offered (issue 13: a seat
    forecasts only what it may see), so the engine's check never refuses it.
    """
    if ask(FORECAST_PROMPT).strip().lower() not in ("y", "yes"):
        return None
    metrics = forecast_metrics(scenario, seat_id)
    console.print(
        "A forecast says where one metric goes; if it comes true the argument earns a debate "
        "point (never policy points)."
    )
    for number, metric_id in enumerate(metrics, 1):
        console.print(f"  {number:>2}) {escape(scenario.metric(metric_id).name)}")
    count = len(metrics)
    numbers = {str(n): metrics[n - 1] for n in range(1, count + 1)}
    metric = _choose(f"Which metric (1-{count}): ", numbers, f"Type a number from 1 to {count}.")
    way = _choose(
        "Up or down? (u/d): ",
        {"u": "up", "up": "up", "d": "down", "down": "down"},
        "Type u for up or d for down.",
    )
    when = _choose(
        "By when? (0 this round, 1 by the end of next round): ",
        {"0": "0", "1": "1"},
        "Type 0 for this round or 1 for the end of next round.",
    )
    return Forecast(metric, "up" if way == "up" else "down", int(when))


def ask_decision(scenario: Scenario, event_id: str) -> str:
    """An event's decision as a numbered menu with what each answer does; the option id."""
    event = scenario.event(event_id)
    decision = event.decision
    assert decision is not None  # only events with a decision await an answer
    console.print(f"[bold yellow]Decision[/] on {escape(event.name)}: {escape(decision.prompt)}")
    for number, option in enumerate(decision.options, 1):
        default = (
            " [dim](what happens if you do not answer)[/]" if option.id == decision.default else ""
        )
        console.print(
            f"  {number}) [bold]{escape(option.label)}[/]{default}: {escape(option.text)}"
        )
    count = len(decision.options)
    while True:
        answer = ask(f"Your answer (1-{count}, ? for help): ")
        if not answer:
            continue
        if answer in ("?", "help"):
            console.print(f"Type the number of your answer, 1 to {count}.")
        elif answer.isdigit() and 1 <= int(answer) <= count:
            return decision.options[int(answer) - 1].id
        else:
            console.print(f"Not a choice: {escape(repr(answer))}. Type 1 to {count}.")


def _describe(entries: list[Entry], number: int) -> None:
    entry = next((e for e in entries if e.number == number), None)
    if entry is None:
        console.print(f"There is no move {number}.")
        return
    move = entry.move
    console.print(f"[bold]{escape(move.name)}[/] ({move.cost} AP): {escape(move.description)}")


def _decide(event_id: str, option_id: str) -> Edit:
    return lambda _seat, draft: with_decision(draft, event_id, option_id)


def _drop(move_id: str) -> Edit:
    return lambda _seat, draft: without_move(draft, move_id)


def _add(move_id: str, argument: str, forecast: Forecast | None = None) -> Edit:
    return lambda _seat, draft: with_move(draft, move_id, argument, forecast)


def _confirm(left: int) -> bool:
    console.print(f"You have {left} AP unspent.")
    while True:
        answer = ask("Submit anyway? (y/n): ").lower()
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False


class _Desk:
    """One seat's order entry for one round: the draft, and what each answer does to it."""

    def __init__(
        self, scenario: Scenario, state: MatchState, seat_id: str, draft: SeatOrders, save: Save
    ) -> None:
        self.scenario, self.state, self.seat_id = scenario, state, seat_id
        self.draft, self.save = draft, save
        self.waiting = [e for e, who in sorted(state.awaiting.items()) if who == seat_id]

    def entries(self) -> list[Entry]:
        return menu_entries(self.scenario, self.state, self.seat_id, self.draft)

    async def decide(self, again: bool) -> None:
        """Ask each decision awaiting the seat (only those unanswered unless ``again``)."""
        for event_id in self.waiting:
            if again or event_id not in self.draft.decisions:
                option = ask_decision(self.scenario, event_id)
                self.draft = await self.save(_decide(event_id, option))

    async def pick(self, entry: Entry) -> bool:
        """Order the move, or take it back; False when it cannot be ordered (nothing changed)."""
        move = entry.move
        if entry.chosen is not None:
            self.draft = await self.save(_drop(move.id))
            console.print(f"Taken back: {escape(move.name)}.")
        elif entry.reason is not None:
            console.print(f"{escape(move.name)} {escape(entry.reason)}.", style="dim")
            return False
        else:
            argument = ask_argument(move)
            self.draft = await self.save(_add(move.id, argument))  # kept if they leave now
            forecast = ask_forecast(self.scenario, self.seat_id)
            if forecast is not None:
                self.draft = await self.save(_add(move.id, argument, forecast))
        return True

    def ready(self, entries: list[Entry]) -> bool:
        """Whether to submit now: asks first when an affordable move is left unordered."""
        left = self.scenario.seat(self.seat_id).budget - spent(self.scenario, self.draft)
        open_moves = any(e.chosen is None and e.reason is None for e in entries)
        return not open_moves or _confirm(left)


async def take_orders(
    scenario: Scenario,
    state: MatchState,
    seat_id: str,
    draft: SeatOrders,
    save: Save,
    submit: Submit,
    talk: Talk | None = None,
) -> SeatOrders:
    """Ask for the seat's decisions and moves, saving the draft at each change, and submit
    (``talk`` takes the deals' keys, a and p)."""
    desk = _Desk(scenario, state, seat_id, draft, save)
    await desk.decide(again=False)
    redraw = True
    while True:
        entries = desk.entries()
        if redraw:
            print_menu(scenario, seat_id, entries, desk.draft)
        redraw = False
        answer = ask(PROMPT).lower()
        if not answer:
            continue
        if answer in ("?", "h", "help"):
            console.print(HELP)
        elif answer.startswith("?") and answer[1:].strip().isdigit():
            _describe(entries, int(answer[1:]))
        elif answer in ("a", "p") and talk is not None:
            await talk(answer)
            redraw = True
        elif answer == "d" and desk.waiting:
            await desk.decide(again=True)
            redraw = True
        elif answer in ("0", "done", "submit"):
            redraw = True
            if not desk.ready(entries):
                continue
            problem = await submit(desk.draft)
            if problem is None:
                return desk.draft
            console.print(f"[red]Not accepted:[/] {escape(problem)}")
        elif answer.isdigit() and 1 <= int(answer) <= len(entries):
            redraw = await desk.pick(entries[int(answer) - 1])
        else:
            console.print(
                f"Not a choice: {escape(repr(answer))}. Type a move's number "
                f"(1-{len(entries)}), 0 to submit, or ? for help."
            )

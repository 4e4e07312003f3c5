"""Discord rendering of the open debate: the intentions with their rating selects and buttons,
the counter-argument form, the umpire's selects, and the posts the window makes.

The intentions are public: every seat's moves with their arguments, forecasts and conditions.
Who rated what is never shown while the window is open (only how many ratings a move has, in
the reveal and the record once it has closed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import discord

from bot.discord import ids, limits, pages
from bot.discord.components import Routed, button, option, select, view
from bot.discord.render_match import round_label, when
from bot.discord.text import esc, quote
from bot.game.scenario import Scenario
from bot.game.state import Order
from bot.render.debate import forecast_text
from bot.services.debate import DebateView
from bot.services.models import MAX_ARGUMENT, Match

COUNTER_FIELD = "counter"
MOVES_A_MESSAGE = 4  # a select per move, and one row of buttons: Discord allows five rows
STEPS = (
    ("2", "+2 · convincing"),
    ("1", "+1 · plausible"),
    ("0", "0 · neither"),
    ("-1", "−1 · doubtful"),
    ("-2", "−2 · implausible"),
)
VALUE_TEXT = dict(STEPS)


def _order_lines(scenario: Scenario, order: Order) -> list[str]:
    move = scenario.move(order.move)
    lines = [f"**{esc(move.name)}** ({move.cost} AP)"]
    lines.append(quote(order.argument) if order.argument else "> *(no argument)*")
    extra = [forecast_text(scenario, order.forecast)] if order.forecast else []
    extra += [f"only if {c} runs" for c in order.conditions]
    if extra:
        lines.append(f"-# {esc(' · '.join(extra))}")
    return lines


def intentions(
    scenario: Scenario, match: Match, debate: DebateView
) -> list[tuple[list[discord.Embed], discord.ui.View | None]]:
    """The intentions: a header (the deadline and the Done button), then each seat's moves with
    one rating select per move and its Answer and Umpire buttons."""
    label = round_label(scenario, debate.round)
    head = [
        "Every seat's orders are locked. Before the round resolves, rate each argument's "
        "plausibility (−2 … +2) for your seat, or as a spectator if you hold none; you may "
        "change a rating until the debate closes, and answer each move once (**Answer**). "
        "Nobody rates their own seat. In open debate the ratings scale each move's own effects "
        f"by up to ±{scenario.rules.rating_bound:.0%}.",
        "",
        f"The debate closes {when(debate.closes_at)}, or when every seat has pressed **Done** "
        "(the host or a moderator may close it early).",
    ]
    done = view(
        [
            button(ids.round_action(match.id, debate.round, "dne"), "Done", _GREEN),
            button(ids.round_action(match.id, debate.round, "cls"), "Close the debate"),
        ]
    )
    posts: list[tuple[list[discord.Embed], discord.ui.View | None]] = [
        (pages.embeds(f"{label}: the intentions", head, 0x3498DB), done)
    ]
    for seat in scenario.seats:
        locked = debate.intentions.get(seat.id)
        moves = list(locked.orders.moves) if locked else []
        if not moves:
            continue
        source = " (🤖 AI)" if locked and locked.source == "ai" else ""
        for start in range(0, len(moves), MOVES_A_MESSAGE):
            chunk = moves[start : start + MOVES_A_MESSAGE]
            lines: list[str] = []
            for order in chunk:
                lines += _order_lines(scenario, order)
            title = f"{seat.name}{source}"
            posts.append(
                (
                    pages.embeds(title, lines, 0x5865F2),
                    _seat_view(scenario, match.id, debate.round, seat.id, chunk),
                )
            )
    return posts


_GREEN = discord.ButtonStyle.success


def _seat_view(
    scenario: Scenario, match_id: int, round_number: int, seat: str, orders: Sequence[Order]
) -> discord.ui.View:
    rows: list[list[Routed]] = []
    for order in orders:
        name = scenario.move(order.move).name
        rows.append(
            [
                select(
                    ids.round_action(match_id, round_number, "rt", order.move),
                    [option(value, text) for value, text in STEPS],
                    f"Rate: {name}",
                )
            ]
        )
    buttons = [
        button(
            ids.round_action(match_id, round_number, "ans", order.move),
            f"Answer: {scenario.move(order.move).name}",
        )
        for order in orders
    ]
    buttons.append(button(ids.round_action(match_id, round_number, "ump", seat), "Umpire"))
    rows.append(buttons)
    return view(*rows)


class CounterModal(discord.ui.Modal):
    """A counter-argument to one move; routed by custom_id (it survives restarts)."""

    def __init__(self, match_id: int, round_number: int, move: str, name: str) -> None:
        super().__init__(
            title=limits.fit(f"Answer: {name}", limits.MODAL_TITLE),
            custom_id=ids.round_action(match_id, round_number, "anm", move),
            timeout=None,
        )
        self.add_item(
            discord.ui.TextInput[Any](
                label="Your counter-argument",
                custom_id=COUNTER_FIELD,
                style=discord.TextStyle.paragraph,
                required=True,
                max_length=MAX_ARGUMENT,
                placeholder="Why will this move not work as its seat says? (posted publicly)",
            )
        )


def umpire_panel(
    scenario: Scenario, match_id: int, round_number: int, orders: Sequence[Order]
) -> tuple[str, discord.ui.View]:
    """The umpire's private selects: a ruling per move replaces every rater's."""
    rows = [
        [
            select(
                ids.round_action(match_id, round_number, "rul", order.move),
                [option(value, text) for value, text in STEPS],
                f"Rule: {scenario.move(order.move).name}",
            )
        ]
        for order in list(orders)[: limits.ACTION_ROWS]
    ]
    text = (
        "As umpire, your ruling on a move replaces every rater's rating of it; the record names "
        "you. A later ruling replaces yours."
    )
    return text, view(*rows)


def counter_post(scenario: Scenario, data: Mapping[str, Any]) -> str:
    """A counter-argument, posted in the match thread as it comes."""
    seat = scenario.seat(str(data["seat"])).name
    move = scenario.move(str(data["move"])).name
    by = str(data.get("by") or "")
    who = f"<@{by}>" if by.isdigit() else esc(by)
    text = f"💬 {who} answers **{esc(seat)}: {esc(move)}**\n{quote(str(data.get('text') or ''))}"
    return limits.fit(text, limits.CONTENT)


def ruling_post(scenario: Scenario, data: Mapping[str, Any]) -> str:
    """An umpire's ruling, announced without its value (shown in the reveal)."""
    move = scenario.move(str(data["move"])).name
    by = str(data.get("by") or "")
    who = f"<@{by}>" if by.isdigit() else esc(by)
    return f"⚖️ Umpire {who} ruled on **{esc(move)}**: the ruling replaces its ratings."


def rated_text(scenario: Scenario, move: str, value: int, rater: str, changed: bool) -> str:
    """The private answer to a rating."""
    name = scenario.move(move).name
    as_who = "as a spectator" if rater == "spectators" else f"for {scenario.seat(rater).name}"
    verb = "changed your rating of" if changed else "rated"
    return (
        f"You {verb} **{esc(name)}**: {VALUE_TEXT[str(value)]} ({esc(as_who)}). "
        "You can change it until the debate closes."
    )


def later_view(match_id: int, round_number: int) -> discord.ui.View:
    """The button under a sealed round's reveal: rate its arguments (debate points only)."""
    custom_id = ids.round_action(match_id, round_number, "lat", "0")
    return view([button(custom_id, "Rate the arguments")])


def later_panel(
    scenario: Scenario,
    match_id: int,
    round_number: int,
    moves: Mapping[str, Sequence[str]],
    page: int,
) -> tuple[str, discord.ui.View | None]:
    """A page of rating selects for a sealed round's arguments, four moves a page."""
    flat = [(seat, move) for seat, found in moves.items() for move in found]
    if not flat:
        return "There is no argument here you can rate.", None
    pages_count = (len(flat) + MOVES_A_MESSAGE - 1) // MOVES_A_MESSAGE
    page = min(max(page, 0), pages_count - 1)
    chunk = flat[page * MOVES_A_MESSAGE : (page + 1) * MOVES_A_MESSAGE]
    rows: list[list[Routed]] = [
        [
            select(
                ids.round_action(match_id, round_number, "rta", move),
                [option(value, text) for value, text in STEPS],
                f"Rate: {scenario.seat(seat).name} · {scenario.move(move).name}",
            )
        ]
        for seat, move in chunk
    ]
    if pages_count > 1:
        nxt = str((page + 1) % pages_count)
        rows.append([button(ids.round_action(match_id, round_number, "lat", nxt), "More")])
    text = (
        f"Rate the arguments of {round_label(scenario, round_number)} ({page + 1}/{pages_count}). "
        "In sealed debate the ratings count as debate points only, never on the numbers; you "
        "can change yours until the next round resolves."
    )
    return text, view(*rows)

"""The private orders panel (ephemeral) and the argument modal.

Only the seat's own players see these: its exact and noisy metrics, its secret objectives, its
draft orders and its decisions. Nothing here is ever sent to a public message.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.discord import ids, limits, pages
from bot.discord.components import Routed, button, option, select, view
from bot.discord.render_match import round_label, state_table, when
from bot.discord.render_scenario import colour
from bot.discord.text import esc, quote
from bot.game.legal import affordable, spent
from bot.game.scenario import Move, Scenario
from bot.game.state import MatchState, SeatOrders
from bot.game.view import seat_view, sight
from bot.render.narrative import state_rows
from bot.services.models import MAX_ARGUMENT, Match, SeatOptions

ARGUMENT_FIELD = "argument"


def panel_lines(
    scenario: Scenario, match: Match, state: MatchState, options: SeatOptions, draft: SeatOrders
) -> list[str]:
    """What the seat knows and what it has ordered so far."""
    seat = scenario.seat(options.seat)
    lines = [f"Orders are due {when(match.deadline_at)}."]
    if seat.objectives:
        lines += ["", "**Secret objectives** (only your seat sees these)"]
        lines += [f"• {esc(o.text)} (+{o.points:g})" for o in seat.objectives]
    lines += ["", "**What your seat sees**"]
    view = seat_view(scenario, state, seat.id, match.seed)
    noisy = {m.id for m in scenario.metrics if sight(m, seat.id) == "noisy"}
    lines += state_table(state_rows(scenario, view), noisy)
    if noisy:
        lines.append("*≈ an estimate: your seat does not see this exactly.*")
    for event_id in options.decisions:
        decision = scenario.event(event_id).decision
        assert decision is not None
        chosen = draft.decisions.get(event_id, decision.default)
        picked = next(o.label for o in decision.options if o.id == chosen)
        default = " (the default if you do not answer)" if event_id not in draft.decisions else ""
        lines += ["", f"**Decision: {esc(decision.prompt)}** → {esc(picked)}{default}"]
    used = spent(scenario, draft)
    lines += ["", f"**Your orders** ({used} of {options.budget} AP)"]
    for order in draft.moves:
        move = scenario.move(order.move)
        lines += [f"• **{esc(move.name)}** ({move.cost} AP)", quote(order.argument or "…")]
    if not draft.moves:
        lines.append("No moves yet: your seat holds unless you add some.")
    current = options.current
    if current is not None and current.orders == draft:
        lines += ["", "✅ Submitted. You can still change your orders until the round resolves."]
    elif current is not None:
        lines += ["", "⚠️ You changed your orders: press **Submit** again, or they stay as sent."]
    else:
        lines += ["", "Not submitted yet: press **Submit** when you are done."]
    return lines


def panel_view(scenario: Scenario, options: SeatOptions, draft: SeatOrders) -> discord.ui.View:
    """The pick and drop selects, decision selects, then Submit and Withdraw."""
    m, r = options.match_id, options.round
    rows: list[list[Routed]] = []
    can_add = affordable(scenario, options.moves, options.budget, draft)[: limits.SELECT_OPTIONS]
    if can_add:
        left = options.budget - spent(scenario, draft)
        picks = [option(mv.id, f"{mv.name} · {mv.cost} AP", mv.description) for mv in can_add]
        rows.append([select(ids.round_action(m, r, "pick"), picks, f"Add a move ({left} AP left)")])
    if draft.moves:
        drops = [option(o.move, scenario.move(o.move).name) for o in draft.moves]
        rows.append([select(ids.round_action(m, r, "drop"), drops, "Remove a move")])
    for event_id in options.decisions[:2]:
        decision = scenario.event(event_id).decision
        assert decision is not None
        answers = [option(o.id, o.label) for o in decision.options]
        rows.append([select(ids.round_action(m, r, "dec", event_id), answers, decision.prompt)])
    controls = [button(ids.round_action(m, r, "submit"), "Submit", discord.ButtonStyle.success)]
    if options.current is not None:
        controls.append(button(ids.round_action(m, r, "withdraw"), "Withdraw"))
    return view(*rows, controls)


def panel(
    scenario: Scenario, match: Match, state: MatchState, options: SeatOptions, draft: SeatOrders
) -> tuple[list[discord.Embed], discord.ui.View]:
    """The whole ephemeral panel."""
    seat = scenario.seat(options.seat)
    title = f"{seat.name}: your orders for {round_label(scenario, options.round)}"
    lines = panel_lines(scenario, match, state, options, draft)
    found = pages.embeds(title, lines, colour=colour(seat.colour))
    limits.check_embeds(found)
    return found, panel_view(scenario, options, draft)


class ArgumentModal(discord.ui.Modal):
    """One move's argument; its submission is routed by custom_id (it survives restarts)."""

    def __init__(self, match_id: int, round_number: int, move: Move, current: str = "") -> None:
        super().__init__(
            title=limits.fit(move.name, limits.MODAL_TITLE),
            custom_id=ids.round_action(match_id, round_number, "arg", move.id),
            timeout=None,
        )
        self.add_item(
            discord.ui.TextInput[Any](
                label=limits.fit(move.prompt, limits.MODAL_LABEL),
                custom_id=ARGUMENT_FIELD,
                style=discord.TextStyle.paragraph,
                default=current or None,
                required=False,
                max_length=MAX_ARGUMENT,
                placeholder=f"Your public argument (up to {MAX_ARGUMENT} characters): why?",
            )
        )

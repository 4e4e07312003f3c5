"""The orders panel: the briefing's Orders button, and the panel's selects, modal and buttons.

The seat always comes from who clicks (never from the custom_id), so nobody can act for another
seat; the round in the custom_id must be the round being played, and a chosen move must be one
the panel offers. Each handler reads what it needs once and redraws from it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import discord
from discord.ext import commands

from bot.discord import limits, render_deals, render_orders, render_round
from bot.discord.components import Given, router_of
from bot.discord.early import DEFER, THINKING_PRIVATELY, Asked, Early, EarlyAcks, early_of
from bot.discord.ids import Route
from bot.discord.runtime import Runtime, runtime_of
from bot.discord.who import actor
from bot.game.legal import affordable
from bot.game.scenario import Scenario
from bot.game.state import SeatOrders
from bot.services.drafts import DealsAtStake, Panel, with_decision, with_move, without_move
from bot.services.errors import InvalidInput, RoundClosed
from bot.services.models import Submission

Interaction = discord.Interaction[Any]
RESOLVED = "✅ Every seat is in: the round is resolved. The reveal is in the match's thread."
DEBATE = "✅ Every seat is in: the orders are locked. Rate the intentions in the match's thread."


def _ids(route: Route) -> tuple[int, int]:
    if route.match is None or route.round is None:
        raise InvalidInput("that control names no round")
    return route.match, route.round


async def _panel(runtime: Runtime, interaction: Interaction, route: Route) -> Panel:
    """The clicking player's seat's panel data, for the round the control belongs to."""
    match_id, round_number = _ids(route)
    found = await runtime.drafts.panel(match_id, actor(interaction))
    if found.options.round != round_number:
        raise RoundClosed(
            f"that panel is for round {round_number}; round {found.options.round} is being "
            "played. Press Orders on the latest briefing."
        )
    _remember(interaction, found)
    return found


def _remember(interaction: Interaction, panel: Panel) -> None:
    """Keep the scenario of the panel just read, so this player's pick of a move can open its
    modal from the parser (``_early_modal``) without waiting for the event loop."""
    early = early_of(interaction.client)
    if early is not None:
        early.remember(
            _panel_key(interaction.guild_id, interaction.user.id, panel.match.id), panel.scenario
        )


def _panel_key(
    guild_id: int | None, user_id: int, match_id: int
) -> tuple[str, int | None, int, int]:
    return ("panel", guild_id, user_id, match_id)


def _early_modal(early: EarlyAcks, asked: Asked) -> discord.ui.Modal | None:
    """The argument modal a pick opens, built as ``pick`` builds it, when this player's panel
    for the match was read on this server (so the scenario is in memory); None otherwise, and
    ``pick`` answers after its own read."""
    route = asked.route
    if route.match is None or route.round is None:
        return None
    scenario = early.recall(_panel_key(asked.guild_id, asked.user_id, route.match))
    if scenario is None:
        return None
    return _argument_modal(scenario, route.match, route.round, asked.values)


def _argument_modal(
    scenario: Scenario, match_id: int, round_number: int, values: tuple[str, ...]
) -> discord.ui.Modal | None:
    """The argument modal for the one move chosen, or None when it is not a move of the
    scenario (or not exactly one was chosen)."""
    chosen = values[0] if len(values) == 1 else ""
    move = next((m for m in scenario.moves if m.id == chosen), None)
    return (
        None
        if move is None
        else render_orders.ArgumentModal(scenario, match_id, round_number, move)
    )


async def _render(runtime: Runtime, panel: Panel) -> tuple[list[discord.Embed], discord.ui.View]:
    assert panel.match.state is not None
    return render_orders.panel(
        panel.scenario, panel.match, panel.match.state, panel.options, panel.draft, panel.authors
    )


async def _redraw(runtime: Runtime, interaction: Interaction, panel: Panel) -> None:
    embeds, view = await _render(runtime, panel)
    embeds += _deals(panel, len(embeds))
    await interaction.edit_original_response(content=None, embeds=embeds, view=view)


def _deals(panel: Panel, shown: int) -> list[discord.Embed]:
    """The seat's deals under its panel: offers waiting and this round's terms in force."""
    lines = render_deals.panel_lines(panel.scenario, panel.deals, panel.options.round)
    if not lines or shown >= limits.EMBEDS:
        return []
    return [render_deals.panel_embed(lines)]


async def open_panel(interaction: Interaction, route: Route, given: Given) -> None:
    """The briefing's Orders button: what moved the seat's private metrics last round (those
    the public reveal leaves out), then the seat's own panel; both ephemeral."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    runtime = runtime_of(interaction.client)
    panel = await _panel(runtime, interaction, route)
    embeds, view = await _render(runtime, panel)
    seen = await runtime.services.rounds.causes_seen(
        panel.match.id, actor(interaction), private_only=True
    )
    for moved in render_orders.causes_seen(panel.scenario, seen):
        await interaction.followup.send(embeds=moved, ephemeral=True)
    embeds += _deals(panel, len(embeds))
    await interaction.followup.send(embeds=embeds, view=view, ephemeral=True)


async def pick(interaction: Interaction, route: Route, given: Given) -> None:
    """A move chosen in the panel: open the modal for its argument at once.

    A modal must be the first response, so nothing slow happens before it: the move is checked
    against the match's scenario (kept in memory); whether this seat may order it now is checked
    when the modal comes back (``argument``) and again on submit.
    """
    if interaction.response.is_done():
        return  # the parser opened the same modal already (``_early_modal``)
    match_id, round_number = _ids(route)
    scenario = await runtime_of(interaction.client).services.scenarios.of_match(
        match_id, actor(interaction)
    )
    modal = _argument_modal(scenario, match_id, round_number, given.values)
    if modal is None:
        raise InvalidInput("that move is not one of the options the panel offers you")
    await interaction.response.send_modal(modal)


async def argument(interaction: Interaction, route: Route, given: Given) -> None:
    """The argument modal: add the move (with its argument and forecast) to the draft."""
    await interaction.response.defer()
    runtime = runtime_of(interaction.client)
    panel = await _panel(runtime, interaction, route)
    move = route.arg or ""
    options = panel.options
    offered = {m.id for m in affordable(panel.scenario, options.moves, options.budget, panel.draft)}
    if move not in offered | {o.move for o in panel.draft.moves}:
        raise InvalidInput("that move is not one your seat can order now (or afford)")
    text = given.fields.get(render_orders.ARGUMENT_FIELD, "").strip()
    forecast = render_orders.forecast_of(panel.scenario, options.seat, given.fields)
    await _change(runtime, interaction, panel, lambda d: with_move(d, move, text, forecast))


async def drop(interaction: Interaction, route: Route, given: Given) -> None:
    """Remove a move from the draft."""
    await interaction.response.defer()
    runtime = runtime_of(interaction.client)
    panel = await _panel(runtime, interaction, route)
    moves = set(given.values)
    await _change(runtime, interaction, panel, lambda d: _without(d, moves))


def _without(draft: SeatOrders, moves: set[str]) -> SeatOrders:
    if not moves <= {o.move for o in draft.moves}:
        raise InvalidInput("that move is not in your orders")
    for move in moves:
        draft = without_move(draft, move)
    return draft


async def decide(interaction: Interaction, route: Route, given: Given) -> None:
    """Answer an event's decision (the default applies when the seat does not)."""
    await interaction.response.defer()
    runtime = runtime_of(interaction.client)
    panel = await _panel(runtime, interaction, route)
    event = route.arg or ""
    if event not in panel.options.decisions:
        raise InvalidInput("that decision is not your seat's to make")
    decision = panel.scenario.event(event).decision
    answer = given.values[0] if len(given.values) == 1 else ""
    if decision is None or answer not in {o.id for o in decision.options}:
        raise InvalidInput("that answer is not one of the options")
    await _change(runtime, interaction, panel, lambda d: with_decision(d, event, answer))


async def _change(
    runtime: Runtime,
    interaction: Interaction,
    panel: Panel,
    edit: Callable[[SeatOrders], SeatOrders],
) -> None:
    """Change the draft (one write), then redraw from what was read and the new draft."""
    _seat, draft, authors = await runtime.drafts.change(
        panel.match.id, actor(interaction), panel.options.round, lambda _seat, d: edit(d)
    )
    await _redraw(runtime, interaction, dataclasses.replace(panel, draft=draft, authors=authors))


async def submit(interaction: Interaction, route: Route, given: Given) -> None:
    """Submit the draft: one use case, which also resolves the round when every seat is in.
    Orders that would break a deal ask first (``submitok`` submits anyway)."""
    await _submit(interaction, route, check=True)


async def submit_anyway(interaction: Interaction, route: Route, given: Given) -> None:
    """Submit, the cost of the deals it breaks confirmed."""
    await _submit(interaction, route, check=False)


async def _submit(interaction: Interaction, route: Route, *, check: bool) -> None:
    await interaction.response.defer()
    runtime = runtime_of(interaction.client)
    match_id, round_number = _ids(route)
    try:
        done = await runtime.drafts.submit(
            match_id, actor(interaction), round_number, confirmed=not check
        )
    except DealsAtStake as asked:  # say what the orders break and what it costs, then ask
        scenario = await runtime.services.scenarios.of_match(match_id, actor(interaction))
        text = "\n".join(render_deals.stake_lines(scenario, asked.stake))
        view = render_deals.confirm_view(match_id, round_number)
        await interaction.followup.send(limits.fit(text, limits.CONTENT), view=view, ephemeral=True)
        return
    if done.resolved:
        text = DEBATE if done.debate else RESOLVED
        await interaction.edit_original_response(content=text, embeds=[], view=None)
    else:
        await _redraw(runtime, interaction, done.panel)


def _with_current(panel: Panel, current: Submission | None) -> Panel:
    return dataclasses.replace(panel, options=dataclasses.replace(panel.options, current=current))


async def withdraw(interaction: Interaction, route: Route, given: Given) -> None:
    """Withdraw the submitted orders (the draft stays, to change and submit again)."""
    await interaction.response.defer()
    runtime = runtime_of(interaction.client)
    panel = await _panel(runtime, interaction, route)
    await runtime.services.orders.withdraw(
        panel.match.id, actor(interaction), round=panel.options.round
    )
    await _redraw(runtime, interaction, _with_current(panel, None))


async def all_causes(interaction: Interaction, route: Route, given: Given) -> None:
    """The reveal's All causes button: every public cause of the round, to the clicker only
    (anyone on the match's server may ask: it is what the public reveal summarises)."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    runtime = runtime_of(interaction.client)
    match_id, round_number = _ids(route)
    who = actor(interaction)
    scenario = await runtime.services.scenarios.of_match(match_id, who)
    result = await runtime.services.rounds.get(match_id, round_number, who)
    for group in render_round.all_causes(scenario, result):
        await interaction.followup.send(embeds=group, ephemeral=True)


ACTIONS = {
    "orders": open_panel,
    "pick": pick,
    "arg": argument,
    "drop": drop,
    "dec": decide,
    "submit": submit,
    "submitok": submit_anyway,
    "withdraw": withdraw,
    "causes": all_causes,
}


# What each action answers first, sent as soon as the click is parsed (bot/discord/early.py).
EARLY: dict[str, Early] = {
    "orders": THINKING_PRIVATELY,
    "pick": _early_modal,
    "arg": DEFER,
    "drop": DEFER,
    "dec": DEFER,
    "submit": DEFER,
    "submitok": DEFER,
    "withdraw": DEFER,
    "causes": THINKING_PRIVATELY,
}


async def setup(bot: commands.Bot) -> None:
    """Route the panel's controls."""
    router = router_of(bot)
    for action, handler in ACTIONS.items():
        router.add(action, handler, EARLY.get(action))


async def teardown(bot: commands.Bot) -> None:
    """Stop routing them."""
    for action in ACTIONS:
        router_of(bot).remove(action)

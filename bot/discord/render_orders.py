"""The private orders panel (ephemeral) and the argument modal.

Only the seat's own players see these: its exact and noisy metrics, its secret objectives, its
draft orders and its decisions. Nothing here is ever sent to a public message.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import discord

from bot.discord import ids, limits, pages
from bot.discord.components import Routed, button, option, select, view
from bot.discord.render_match import round_label, state_table, when
from bot.discord.render_scenario import colour
from bot.discord.text import esc, quote
from bot.game.legal import affordable, spent
from bot.game.scenario import Move, Scenario
from bot.game.state import Forecast, MatchState, SeatOrders
from bot.game.view import seat_view, sight
from bot.render.debate import forecast_metrics, forecast_text
from bot.render.narrative import state_rows
from bot.services.errors import InvalidInput
from bot.services.models import MAX_ARGUMENT, Authors, Match, SeatOptions
from bot.services.rounds import SeenCauses

ARGUMENT_FIELD = "argument"


_KIND = {"at_least": "at least", "at_most": "at most", "near": "near"}


def goal_lines(
    scenario: Scenario, seen: Mapping[str, float | None], noisy: Collection[str], seat_id: str
) -> list[str]:
    """The seat's goals: each target, the value as the seat sees it, and how far it is."""
    lines = []
    for goal in scenario.seat(seat_id).goals:
        metric = scenario.metric(goal.metric)
        value = seen.get(goal.metric)
        target = f"{_KIND[goal.kind]} {goal.target:g}{esc(metric.unit)}"
        if value is None:
            lines.append(f"• {esc(metric.name)} {target}: your seat cannot see it")
            continue
        gap = {
            "at_least": max(0.0, goal.target - value),
            "at_most": max(0.0, value - goal.target),
            "near": abs(value - goal.target),
        }[goal.kind]
        about = "≈" if goal.metric in noisy else ""
        where = "met ✅" if gap == 0 else f"{about}{gap:.1f} to go"
        lines.append(f"• {esc(metric.name)} {target}: now {about}{value:.1f} · {where}")
    return lines


def team_lines(match: Match, seat_id: str) -> list[str]:
    """A team's members, its captain first (only in a match played in teams)."""
    info = match.seat(seat_id)
    if match.team_size == 1 or info is None:
        return []
    names = [
        f"{esc(h.name)}{' (captain: locks the orders)' if h.player == info.captain else ''}"
        for h in sorted(info.holders, key=lambda h: h.player != info.captain)
    ]
    return ["", f"**Your team** ({len(names)} of {match.team_size}): " + ", ".join(names)]


def panel_lines(
    scenario: Scenario,
    match: Match,
    state: MatchState,
    options: SeatOptions,
    draft: SeatOrders,
    authors: Mapping[str, Authors] | None = None,
) -> list[str]:
    """What the seat knows and what it has ordered so far (and, for a team, who wrote what)."""
    seat = scenario.seat(options.seat)
    lines = [f"Orders are due {when(match.deadline_at)}. Budget: {options.budget} AP a round."]
    lines += team_lines(match, seat.id)
    view = seat_view(scenario, state, seat.id, match.seed)
    noisy = {m.id for m in scenario.metrics if sight(m, seat.id) == "noisy"}
    lines += ["", "**Your goals** (where they stand, as your seat sees it)"]
    lines += goal_lines(scenario, view, noisy, seat.id)
    if seat.objectives:
        lines += ["", "**Secret objectives** (only your seat sees these)"]
        lines += [f"• {esc(o.text)} (+{o.points:g})" for o in seat.objectives]
    lines += ["", "**What your seat sees**"]
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
    names = {h.player: h.name for s in match.seats for h in s.holders}
    for order in draft.moves:
        move = scenario.move(order.move)
        lines += [f"• **{esc(move.name)}** ({move.cost} AP)", quote(order.argument or "…")]
        if order.forecast is not None:
            lines.append(f"-# {esc(forecast_text(scenario, order.forecast))}")
        wrote = (authors or {}).get(order.move)
        if match.team_size > 1 and wrote is not None:
            added = esc(names.get(wrote.author, "a former member"))
            argued = esc(names.get(wrote.argument_author, "a former member"))
            lines.append(f"  *added by {added} · argument by {argued}*")
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
    scenario: Scenario,
    match: Match,
    state: MatchState,
    options: SeatOptions,
    draft: SeatOrders,
    authors: Mapping[str, Authors] | None = None,
) -> tuple[list[discord.Embed], discord.ui.View]:
    """The whole ephemeral panel."""
    seat = scenario.seat(options.seat)
    title = f"{seat.name}: your orders for {round_label(scenario, options.round)}"
    lines = panel_lines(scenario, match, state, options, draft, authors)
    found = pages.embeds(title, lines, colour=colour(seat.colour))
    limits.check_embeds(found)
    return found, panel_view(scenario, options, draft)


def causes_seen(scenario: Scenario, seen: SeenCauses) -> list[list[discord.Embed]]:
    """What moved the metrics the seat sees that the public reveal leaves out (issue 12 §4):
    exact amounts where the seat sees a metric exactly, directions and the seat's own
    estimate where it sees one only as an estimate; one or more messages of embeds, none when
    nothing moved them."""
    if not seen.moved:
        return []
    lines = [f"• **{esc(m.metric)}** {m.head}: {esc(m.summary(None))}" for m in seen.moved]
    footer = (
        "Only your seat sees this. ↑/↓ without a number: your seat sees that metric only as an "
        "estimate. The public metrics' causes are in the reveal."
    )
    title = f"What moved your metrics in {round_label(scenario, seen.round)}"
    return pages.messages(pages.embeds(title, lines, 0x95A5A6, footer))


FORECAST_METRIC = "forecast_metric"
FORECAST_WAY = "forecast_way"
WAYS = {
    "up:0": "↑ goes up this round",
    "down:0": "↓ goes down this round",
    "up:1": "↑ goes up by the end of next round",
    "down:1": "↓ goes down by the end of next round",
}


def forecast_of(scenario: Scenario, seat_id: str, fields: Mapping[str, str]) -> Forecast | None:
    """The forecast chosen in the argument modal: None when both selects are left empty;
    InvalidInput when only one is chosen or the metric is not one the seat may forecast."""
    metric = fields.get(FORECAST_METRIC, "")
    way = fields.get(FORECAST_WAY, "")
    if not metric and not way:
        return None
    if not metric or way not in WAYS:
        raise InvalidInput(
            "a forecast needs both a metric and which way it goes (or neither): "
            "choose the move again to fill in both"
        )
    if metric not in forecast_metrics(scenario, seat_id):
        raise InvalidInput("your seat cannot forecast that metric: it does not see it")
    direction, _, horizon = way.partition(":")
    return Forecast(metric, "up" if direction == "up" else "down", int(horizon))


class ArgumentModal(discord.ui.Modal):
    """One move's argument and its optional forecast (a metric the seat sees, which way, and
    by when); its submission is routed by custom_id (it survives restarts)."""

    def __init__(
        self, scenario: Scenario, match_id: int, round_number: int, move: Move, current: str = ""
    ) -> None:
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
        # A move belongs to one seat, so the metrics it may forecast are known without a read
        # (the modal must be the first answer); the submission is checked again.
        metrics = forecast_metrics(scenario, move.seat)[: limits.SELECT_OPTIONS]
        if not metrics:
            return
        self.add_item(
            discord.ui.Label[Any](
                text="Forecast (optional): which metric?",
                description="A debate point if it comes true; never policy points.",
                component=discord.ui.Select[Any](
                    custom_id=FORECAST_METRIC,
                    placeholder="No forecast",
                    options=[option(m, scenario.metric(m).name) for m in metrics],
                    min_values=0,
                    required=False,
                ),
            )
        )
        self.add_item(
            discord.ui.Label[Any](
                text="Forecast: which way, and by when?",
                component=discord.ui.Select[Any](
                    custom_id=FORECAST_WAY,
                    placeholder="No forecast",
                    options=[option(k, v) for k, v in WAYS.items()],
                    min_values=0,
                    required=False,
                ),
            )
        )

"""Discord rendering of a resolved round (the reveal) and of the end of a match (the scores).

The reveal shows every seat's orders and arguments at once, the story of the round, which move
or rule changed which metric, the public state and the scoreboard. Long reveals are split over
several embeds and messages, never cut.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from bot.discord import ids, pages
from bot.discord.components import button, view
from bot.discord.render_match import round_label, state_table
from bot.discord.text import esc, quote
from bot.game.debate import Tally, forecast_hit
from bot.game.scenario import Scenario
from bot.game.scoring import outcome_score, scores_seen, visible_outcome
from bot.game.state import MatchState
from bot.game.view import hide_covert, seat_view, secret_moves, sight
from bot.render.deals import credibility_line, outcome_lines
from bot.render.debate import forecast_text, rating_text
from bot.render.narrative import cause_summaries, causes, moved, state_rows, story
from bot.services.models import LockedSeat, Match, RoundOutcome

SOURCE = {"players": "", "ai": " (🤖 AI)", "hold": " (held)"}
Earlier = tuple[Mapping[str, LockedSeat], MatchState]  # last round's orders, the state before it


def order_lines(
    scenario: Scenario, orders: Mapping[str, LockedSeat], secret: frozenset[str] = frozenset()
) -> list[str]:
    """Every seat's moves with their cost and argument, in seat order (``secret``: covert moves
    left out, as if not ordered)."""
    lines: list[str] = []
    for seat in scenario.seats:
        locked = orders.get(seat.id)
        source = SOURCE[locked.source] if locked else SOURCE["hold"]
        moves = [o for o in locked.orders.moves if o.move not in secret] if locked else ()
        lines.append(f"**{esc(seat.name)}**{source}")
        if not moves:
            lines.append("holds: no moves")
        for order in moves:
            move = scenario.move(order.move)
            lines.append(f"• {esc(move.name)} ({move.cost} AP)")
            if order.argument:
                lines.append(quote(order.argument))
            debated = [forecast_text(scenario, order.forecast)] if order.forecast else []
            debated += [t for t in [rating_text(scenario, order, seat.id)] if t]
            if debated:
                text = esc(" · ".join(debated))
                if order.umpire and order.umpire.isdigit():  # name the umpire (embeds never ping)
                    text = text.replace(f"umpire {order.umpire}", f"umpire <@{order.umpire}>")
                lines.append(f"-# {text}")
    return lines


def forecast_lines(
    scenario: Scenario,
    orders: Mapping[str, LockedSeat],
    before: MatchState,
    after: MatchState,
    secret: frozenset[str] = frozenset(),
    earlier: Earlier | None = None,
) -> list[str]:
    """This round's forecasts for this round, each checked (next-round ones wait), then last
    round's next-round forecasts (``earlier``: its orders and the state before it), due now."""
    lines = []
    due = [(orders, before, 0, "")]
    if earlier is not None:
        due.insert(0, (earlier[0], earlier[1], 1, " (made last round)"))
    for made, was_state, horizon, note in due:
        for seat in scenario.seats:
            locked = made.get(seat.id)
            for order in locked.orders.moves if locked else ():
                forecast = order.forecast
                if forecast is None or order.move in secret:
                    continue
                if horizon == 1 and forecast.horizon != 1:
                    continue  # checked in its own round's reveal
                move = scenario.move(order.move).name
                if sight(scenario.metric(forecast.metric), None) == "hidden":
                    mark = "🔒 checked in the debrief"  # the public may not learn a hidden metric
                elif forecast.horizon == horizon:
                    was = was_state.metrics[forecast.metric]
                    now = after.metrics[forecast.metric]
                    mark = "✅ came true" if forecast_hit(forecast, was, now) else "❌ missed"
                else:
                    mark = "⏳ checked next round"
                text = forecast_text(scenario, forecast)
                lines.append(f"• {esc(seat.name)}, {esc(move)}{note}: {esc(text)}: {mark}")
    return lines


def score_lines(
    scenario: Scenario,
    table: Mapping[str, float | None],
    won: Sequence[str],
    points: Mapping[str, float] | None = None,
) -> list[str]:
    """The scoreboard, best first (🏆 for the winners once the match is over); a score that
    would give away a hidden metric reads "hidden until the end" (``scores_seen``). With
    ``points``, each seat's debate points stand beside its policy score, never added to it."""
    ranked = sorted(table.items(), key=lambda kv: -1.0 if kv[1] is None else -kv[1])
    return [
        f"{esc(scenario.seat(seat).name)}: "
        + ("*hidden until the end*" if value is None else f"**{value:.1f}**")
        + ("" if points is None else f" · debate {points.get(seat, 0.0):+.1f}")
        + (" 🏆" if seat in won else "")
        for seat, value in ranked
    ]


def author_lines(tally: Tally) -> list[str]:
    """Debate points per player (an AI seat as ``AI (seat)``), best first."""
    lines = []
    for author, value in sorted(tally.author_points.items(), key=lambda kv: (-kv[1], kv[0])):
        who = f"<@{author}>" if author.isdigit() else esc(author.replace("ai:", "AI: "))
        lines.append(f"{who}: {value:+.1f} debate points")
    return lines


def reveal(
    scenario: Scenario,
    match: Match,
    result: RoundOutcome,
    before: MatchState,
    earlier: Earlier | None = None,
    points: Mapping[str, float] | None = None,
) -> list[list[discord.Embed]]:
    """The reveal of a resolved round, as one or more messages of embeds (``earlier``: last
    round's orders and the state before it, to check its next-round forecasts)."""
    secret = secret_moves(scenario, result.state.exposed, None)  # the reveal is public
    records = hide_covert(result.records_of(result.round), secret)
    label = round_label(scenario, result.round)
    lines = order_lines(scenario, result.orders, secret)
    made = pages.embeds(f"{label}: the orders", lines, 0x5865F2)
    told = [f"• {esc(line)}" for line in story(scenario, records)] or ["Nothing happened."]
    # One line per metric, net change first, its biggest causes after: about 25 lines at most
    # (the full list is behind the reveal's All causes button, and in /match export).
    summaries = [
        f"• **{esc(metric)}** {net:+.1f}: {esc(why)}"
        for metric, net, why in cause_summaries(causes(scenario, records, None))
    ]
    made += pages.embeds(f"{label}: what happened", told, 0xE67E22)
    dealt = [f"• {esc(line)}" for line in outcome_lines(scenario, result.state, records)]
    if dealt:  # deals kept, broken, lapsed or expired this round
        made += pages.embeds(f"{label}: deals", dealt, 0x1ABC9C)
    if summaries:
        footer = "All causes: the full list, one line a cause (only you see it)."
        made += pages.embeds(f"{label}: {CAUSES_TITLE}", summaries, 0x95A5A6, footer)
    checked = forecast_lines(scenario, result.orders, before, result.state, secret, earlier)
    if checked:
        made += pages.embeds(f"{label}: forecasts", checked, 0x9B59B6)
    now = seat_view(scenario, result.state, None, match.seed)
    old = seat_view(scenario, before, None, match.seed)
    made += pages.embeds("The situation now", state_table(state_rows(scenario, now, old)), 0xF1C40F)
    seen = scores_seen(scenario, result.scores, now, None)
    scores = score_lines(scenario, seen, result.winners, points)
    shared = visible_outcome(scenario, now)
    if shared is not None and scenario.outcome is not None:
        scores += ["", f"{esc(scenario.outcome.name)}: **{shared:.1f}** / 100 (shared; no score)"]
    trust = credibility_line(scenario, result.state)
    if trust is not None:
        scores += ["", esc(trust)]
    made += pages.embeds("Scoreboard", scores, 0x2ECC71)
    return pages.messages(made)


CAUSES_TITLE = "why the numbers moved"


def all_causes_view(match_id: int, round_number: int) -> discord.ui.View:
    """The reveal's *All causes* button (persistent: it works after a restart)."""
    return view([button(ids.round_action(match_id, round_number, "causes"), "All causes")])


def with_causes_button(groups: Sequence[Sequence[discord.Embed]]) -> int | None:
    """Which message of a reveal carries the causes (the *All causes* button goes there)."""
    return next(
        (i for i, g in enumerate(groups) if any(CAUSES_TITLE in (e.title or "") for e in g)),
        None,
    )


def all_causes(scenario: Scenario, result: RoundOutcome) -> list[list[discord.Embed]]:
    """Every public cause of a round's changes, grouped by metric (net change first, then each
    cause, biggest first), in as many embeds and messages as Discord's limits need. Public:
    the metrics everyone sees exactly; covert moves not yet exposed stay "a covert move"."""
    secret = secret_moves(scenario, result.state.exposed, None)
    records = hide_covert(result.records_of(result.round), secret)
    lines: list[str] = []
    for group in moved(causes(scenario, records, None)):
        lines.append(f"**{esc(group.metric)}** {group.head}")
        lines += [f"• {esc(c.short())}" for c in group.causes]
    label = round_label(scenario, result.round)
    found = pages.embeds(f"{label}: every cause", lines or ["Nothing moved."], 0x95A5A6)
    return pages.messages(found)


def final(
    scenario: Scenario,
    match: Match,
    state: MatchState,
    table: Mapping[str, float],
    tally: Tally | None = None,
) -> list[list[discord.Embed]]:
    """The end of a match played to its end: the ending, final scores and winners (the debrief
    follows in its own messages: ``render_review.debrief_messages``)."""
    ending = next((e for e in scenario.endings if e.id == state.ending), None)
    headline = (
        f"**{esc(ending.name)}**: {esc(ending.text)}" if ending else "The last round is over."
    )
    won = [s for s in (match.winners or ())]
    names = ", ".join(esc(scenario.seat(s).name) for s in won) or "nobody"
    lines = [headline, "", f"🏆 **Winner{'s' if len(won) > 1 else ''}: {names}**", ""]
    lines += score_lines(scenario, table, won, tally.seat_points if tally else None)
    if tally is not None and tally.author_points:
        lines += ["", "**Debate points per player**", *author_lines(tally)]
    shared = outcome_score(scenario, state.metrics)
    if shared is not None and scenario.outcome is not None:
        lines += ["", f"{esc(scenario.outcome.name)}: **{shared:.1f}** / 100 (shared; no score)"]
    made = pages.embeds(f"{scenario.meta.title}: final scores", lines, 0x2ECC71)
    return pages.messages(made)

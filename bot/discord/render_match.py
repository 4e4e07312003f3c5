"""Discord rendering of a match's public messages: the lobby, the briefing, reminders, status.

Everything here is public: it uses only what every seat may see (``seat_view(..., None)``) and
never an order before the reveal. Private panels are in ``render_orders``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

import discord

from bot.discord import ids, pages
from bot.discord.components import button, view
from bot.discord.render_scenario import summary_lines
from bot.discord.text import esc, label, number
from bot.game.scenario import Scenario
from bot.game.state import MatchState, Record
from bot.game.view import seat_view
from bot.render.narrative import Row, state_rows
from bot.services.clock import parse_time
from bot.services.models import Match, SeatInfo

CONTROLLER = {"players": "", "ai": "🤖 AI", "hold": "holds", "open": "open"}


def round_label(scenario: Scenario, round_number: int) -> str:
    """``Round 3 (Autumn)``, with the scenario's label when it has one."""
    labels = scenario.meta.round_labels
    extra = f" ({labels[round_number - 1]})" if 0 < round_number <= len(labels) else ""
    return f"Round {round_number}{extra}"


def when(moment: datetime | None) -> str:
    """A Discord timestamp that each reader sees in their own time zone."""
    if moment is None:
        return "no deadline"
    unix = int(moment.timestamp())
    return f"<t:{unix}:R> (<t:{unix}:t>)"


def seat_line(scenario: Scenario, seat: SeatInfo) -> str:
    """``**Upstream town**: Ana, Ben`` or ``**Council**: 🤖 AI``."""
    name = esc(scenario.seat(seat.seat).name)
    who = ", ".join(esc(h.name) for h in seat.holders) or CONTROLLER[seat.controller] or "open"
    return f"**{name}**: {who}"


def lobby(scenario: Scenario, match: Match) -> tuple[list[discord.Embed], discord.ui.View | None]:
    """The lobby: the scenario, the match's settings, the seats, and one button per seat.

    Once the match has started the buttons go and the seats show who plays (or the AI).
    """
    deadline = f"{match.deadline_seconds // 60} min" if match.deadline_seconds else "none"
    empty = "the AI plays them" if match.ai_fill else "they hold (no moves)"
    lines = summary_lines(scenario)
    lines += [
        "",
        f"**Match {match.id}** · host <@{match.host}> · {match.last_round} rounds · "
        f"deadline {deadline} · empty seats at the start: {empty}"
        + (f" · teams of up to {match.team_size}" if match.team_size > 1 else "")
        + _debate_text(scenario, match),
        "",
        "**Who plays**",
        *(seat_line(scenario, seat) for seat in match.seats),
        "",
        "Click a seat to take it (click it again to leave). The host starts the match."
        if match.phase == "lobby"
        else f"The match has started ({match.phase}): it is played in its thread.",
    ]
    title = f"Lobby: {scenario.meta.title}"
    embeds = pages.embeds(title, lines, colour=discord.Colour.blurple())
    return embeds, lobby_view(scenario, match) if match.phase == "lobby" else None


def lobby_view(scenario: Scenario, match: Match) -> discord.ui.View:
    """One button per seat (five to a row), then Start and Leave."""
    seats = [
        button(
            ids.seat(match.id, seat.seat),
            label_for_seat(scenario, seat, match.teams),
            discord.ButtonStyle.secondary if seat.holders else discord.ButtonStyle.primary,
        )
        for seat in match.seats
    ]
    rows = [seats[i : i + 5] for i in range(0, len(seats), 5)]
    controls = [
        button(ids.lobby(match.id, "start"), "Start", discord.ButtonStyle.success),
        button(ids.lobby(match.id, "leave"), "Leave my seat"),
        button(ids.lobby(match.id, "watch"), "Watch"),
    ]
    return view(*rows, controls)


def state_table(rows: Iterable[Row], estimates: Collection[str] = ()) -> list[str]:
    """One line per metric: ``Power supply: 36.0 ↑ +6.0`` (``≈`` marks a noisy estimate)."""
    lines = []
    for row in rows:
        change = "" if row.change is None else f" {row.arrow} {row.change:+.1f}"
        about = "≈" if row.metric in estimates and row.value is not None else ""
        lines.append(f"{esc(row.name)}: **{about}{number(row.value, esc(row.unit))}**{change}")
    return lines


def event_lines(scenario: Scenario, records: Sequence[Record]) -> list[str]:
    """This round's events, with the seat asked to decide (never its answer)."""
    lines = []
    for rec in records:
        if rec.kind != "event":
            continue
        event = scenario.event(rec.source.partition(":")[2])
        text = f"**{esc(event.name)}**: {esc(event.text)}"
        if event.decision is not None:
            who = esc(scenario.seat(event.decision.seat).name)
            text += f" *{who} must decide: {esc(event.decision.prompt)}*"
        lines.append(text)
    return lines


def briefing(
    scenario: Scenario,
    match: Match,
    state: MatchState,
    events: Sequence[Record],
    before: MatchState | None,
    deadline: datetime | None,
) -> tuple[list[discord.Embed], discord.ui.View]:
    """The public briefing of the round about to be played, with the Orders button."""
    now = seat_view(scenario, state, None, match.seed)
    old = seat_view(scenario, before, None, match.seed) if before is not None else None
    lines = [f"Orders are due {when(deadline)}.", ""]
    happening = event_lines(scenario, events)
    if happening:
        lines += ["**This round**", *happening, ""]
    lines += ["**The situation**", *state_table(state_rows(scenario, now, old))]
    lines += ["", "Press **Orders** to see what your seat knows and to give your orders."]
    lines += ["Not playing? Press **Watch** to follow the match as a spectator."]
    title = f"{scenario.meta.title}: {round_label(scenario, state.round)}"
    embeds = pages.embeds(title, lines, colour=discord.Colour.gold())
    orders = button(
        ids.round_action(match.id, state.round, "orders"), "Orders", discord.ButtonStyle.primary
    )
    return embeds, view([orders, button(ids.lobby(match.id, "watch"), "Watch")])


def reminder(
    scenario: Scenario,
    seats: Sequence[str],
    users: Sequence[str],
    last_minute: bool,
    deadline: datetime | None,
) -> tuple[str, discord.AllowedMentions]:
    """A reminder that pings only the players of seats that have not submitted."""
    names = ", ".join(esc(scenario.seat(s).name) for s in seats)
    lead = "⏰ One minute left" if last_minute else "⏳ Half the time is gone"
    pings = " ".join(f"<@{u}>" for u in users if u.isdigit())
    text = f"{lead}: orders still missing from {names}. {pings}".strip()
    text += f"\nDeadline {when(deadline)}."
    mentions = discord.AllowedMentions(
        everyone=False, roles=False, users=[discord.Object(id=int(u)) for u in users if u.isdigit()]
    )
    return text, mentions


def _debate_text(scenario: Scenario, match: Match) -> str:
    """`` · open debate, 10 min a round`` when the match has a debate window, else sealed."""
    seconds = match.settings.get("debate_seconds")
    if scenario.rules.debate == "open" and isinstance(seconds, int) and seconds > 0:
        return f" · open debate, {seconds // 60} min a round"
    return " · sealed debate (rate the arguments after each reveal)"


def status_lines(scenario: Scenario, match: Match, submitted: set[str]) -> list[str]:
    """The match's phase, round, deadline and seats, with who has submitted (never what)."""
    phase = "paused" if match.paused else match.phase
    lines = [f"**Match {match.id}**: {esc(scenario.meta.title)} · {phase}"]
    if match.phase == "orders":
        lines.append(f"{round_label(scenario, match.round)} of {match.last_round}")
        lines.append(f"Deadline: {when(match.deadline_at)}")
    if match.phase == "debate":
        lines.append(f"{round_label(scenario, match.round)} of {match.last_round}: orders locked")
        lines.append(f"The debate closes {when(match.deadline_at)}")
    for seat in match.seats:
        mark = " ✅" if seat.seat in submitted else ""
        lines.append(seat_line(scenario, seat) + mark)
    return lines


def label_for_seat(scenario: Scenario, seat: SeatInfo, teams: bool) -> str:
    """A lobby button label: the seat's name, and who holds it (``United States · Ana``)."""
    name = scenario.seat(seat.seat).name
    if not seat.holders:
        return label(name)
    who = seat.holders[0].name if len(seat.holders) == 1 else f"{len(seat.holders)} players"
    return label(f"{name} · {who}")


def notice(scenario: Scenario, kind: str, data: dict[str, object]) -> str:
    """A one-line public notice: paused, resumed, a seat handed to someone else."""
    by = str(data.get("by") or "")
    who = f"<@{by}>" if by.isdigit() else "the host"
    if kind == "match_paused":
        reason = esc(str(data.get("reason") or ""))
        return f"⏸️ The match is paused by {who}." + (f" Reason: {reason}" if reason else "")
    if kind == "match_resumed":
        deadline = data.get("deadline_at")
        due = f" Orders are due {when(parse_time(str(deadline)))}." if deadline else ""
        return f"▶️ The match goes on (resumed by {who}).{due}"
    if kind == "seat_substituted":
        seat = esc(scenario.seat(str(data.get("seat"))).name)
        player = str(data.get("player") or "")
        now = f"<@{player}>" if player.isdigit() else "the AI"
        return f"🔁 {seat} is now played by {now}."
    return f"({esc(kind)})"

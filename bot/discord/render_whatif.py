"""Discord rendering of ``/match whatif`` (a fork's embed and chart, a line in the log) and of
``/match rematch`` (who moved to which seat).

A fork's report is ``bot.game.fork.fork_report``'s object: per arm, each metric's and seat's
final mean, p10 and p90, and the mean difference. Names come from the scenario and are
escaped; the asker's name is escaped too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import discord

from bot.discord import limits
from bot.discord.text import esc
from bot.game.scenario import Scenario
from bot.review.charts import Chart, fork_metrics
from bot.review.text import md
from bot.services.models import Match, SeatSwap, StoredFork

FORK_COLOUR = 0x0072B2
TOP_METRICS = 6


def changes_text(scenario: Scenario, changes: Mapping[str, Any], escape: bool = True) -> str:
    """``United States holds; the AI plays Maduro; without Drug indictments (United States)``."""
    clean = esc if escape else md
    seat_names = {s.id: s.name for s in scenario.seats}
    move_names = {m.id: (m.name, seat_names.get(m.seat, m.seat)) for m in scenario.moves}
    parts = [f"{clean(seat_names.get(s, s))} holds" for s in changes.get("hold", [])]
    parts += [f"the AI plays {clean(seat_names.get(s, s))}" for s in changes.get("ai", [])]
    for move in changes.get("drop", []):
        name, seat = move_names.get(move, (move, "?"))
        parts.append(f"without {clean(name)} ({clean(seat)})")
    return "; ".join(parts) or "no change (the match replayed under other seeds)"


def _cell(spread: Mapping[str, float]) -> str:
    return f"{spread['mean']:.1f} ({spread['p10']:.1f}–{spread['p90']:.1f})"


def _rows(report: Mapping[str, Any], key: str, names: Sequence[tuple[str, str]]) -> list[str]:
    return [
        f"**{esc(name)}**: {_cell(report['as_played'][key][ident])} → "
        f"{_cell(report['what_if'][key][ident])}, **{report['delta'][key][ident]:+.1f}**"
        for ident, name in names
    ]


def _endings(scenario: Scenario, counts: Mapping[str, int]) -> str:
    names = {e.id: e.name for e in scenario.endings}
    names.update({"last_round": "the last round", "none": "none"})
    return ", ".join(f"{esc(names.get(k, k))} {v}" for k, v in counts.items()) or "none"


def fork_embed(scenario: Scenario, fork: StoredFork, chart: Chart | None) -> discord.Embed:
    """The fork as an embed: the changes, each seat's score and the metrics it moved most in
    both arms (mean, p10–p90) with their difference, and how often each ending fired."""
    report = fork.report
    description = (
        f"From round {fork.from_round}, over {fork.seeds} seeds (the match's own first): "
        f"{changes_text(scenario, fork.changes)}.\nAs played → what if: the mean over the "
        "seeds (p10–p90) and the mean difference."
    )
    embed = discord.Embed(
        title=limits.fit(f"What if: match {fork.match_id}", limits.EMBED_TITLE),
        description=limits.fit(description, limits.EMBED_DESCRIPTION),
        colour=FORK_COLOUR,
    )
    seats = [(s.id, s.name) for s in scenario.seats]
    embed.add_field(
        name="Final scores",
        value=limits.fit("\n".join(_rows(report, "scores", seats)), limits.FIELD_VALUE),
        inline=False,
    )
    named = {m.id: m.name for m in scenario.metrics}
    moved = [(m, named[m]) for m in fork_metrics(scenario, report, TOP_METRICS)]
    embed.add_field(
        name="Metrics it changed most",
        value=limits.fit("\n".join(_rows(report, "metrics", moved)), limits.FIELD_VALUE)
        if moved
        else "No metric ends differently on average.",
        inline=False,
    )
    endings = (
        f"As played: {_endings(scenario, report['as_played']['endings'])}\n"
        f"What if: {_endings(scenario, report['what_if']['endings'])}"
    )
    embed.add_field(name="Endings", value=limits.fit(endings, limits.FIELD_VALUE), inline=False)
    if chart is not None:
        embed.set_image(url=f"attachment://{chart.filename}")
    footer = (
        f"Fork {fork.id}, asked for by {fork.made_by_name} · stored with the match: "
        "/match log lists it"
    )
    embed.set_footer(text=limits.fit(footer, limits.FOOTER))
    limits.check_embeds([embed])
    return embed


def fork_line(scenario: Scenario, fork: StoredFork) -> str:
    """A fork in the log's summary: who asked, the changes, and each seat's score difference."""
    names = {s.id: s.name for s in scenario.seats}
    deltas = ", ".join(
        f"{md(names.get(seat, seat))} {value:+.1f}"
        for seat, value in fork.report["delta"]["scores"].items()
    )
    when = fork.made_at.strftime("%Y-%m-%d %H:%M")
    running = " (while the match ran)" if fork.while_running else ""
    return (
        f"- Fork {fork.id}, {when} UTC by {md(fork.made_by_name)}{running}: from round "
        f"{fork.from_round}, {changes_text(scenario, fork.changes, escape=False)}; "
        f"{fork.seeds} seeds. Scores: {deltas}."
    )


def rematch_text(scenario: Scenario, source: int, match: Match, swap: SeatSwap) -> str:
    """Who plays which seat in the rematch, and what they will be compared against."""
    names = {s.id: s.name for s in scenario.seats}
    lines = [
        f"Match {match.id} replays match {source} (same scenario and seed), its players "
        f"moved ({swap.mode}):"
    ]
    for info in match.seats:
        if info.holders:
            was = next((a for a, b in swap.seats.items() if b == info.seat), info.seat)
            players = ", ".join(esc(h.name or h.player) for h in info.holders)
            now = esc(names.get(info.seat, info.seat))
            lines.append(f"- {players}: {esc(names.get(was, was))} → **{now}**")
    lines.append(
        f"At its end, each player's score in each seat is compared with the AI's expected "
        f"score there (the mean of {swap.expected_seeds} matches with the AI in every seat)."
    )
    return limits.fit("\n".join(lines), limits.CONTENT)

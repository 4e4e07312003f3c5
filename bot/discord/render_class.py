"""Discord rendering of class runs: where each student sits, the status, the comparison.

Public text only: seats and phases (never orders), and the comparison of matches that are over.
A seating post mentions its students and allows pings to exactly them (never a role, never
everyone), so a class is told where it sits without a mass ping.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.discord import limits, pages
from bot.discord.render_match import round_label
from bot.discord.text import esc
from bot.game.scenario import Scenario
from bot.services.classes import ClassView, Placement

CLASS_COLOUR = 0x2E7D32


def seating_posts(
    view: ClassView, scenario: Scenario, group: int
) -> list[tuple[str, discord.AllowedMentions]]:
    """The post (or posts, when long) telling a group's students where they sit, each student
    mentioned, with pings allowed to those students only (none without placements)."""
    posts: list[tuple[str, discord.AllowedMentions]] = []
    match = view.matches[group - 1]
    mine = [p for p in view.placements if p.match_id == match.id]
    if mine:
        by_seat: dict[str, list[Placement]] = {}
        for placement in mine:
            by_seat.setdefault(placement.seat, []).append(placement)
        lines = [
            f"🎓 Class run {view.run.id} · **group {group}** plays match {match.id} "
            "(its lobby is just above). You sit here:"
        ]
        for seat in scenario.seat_ids:
            if seat in by_seat:
                who = ", ".join(f"<@{p.player}>" for p in by_seat[seat] if p.player.isdigit())
                lines.append(f"**{esc(scenario.seat(seat).name)}**: {who}")
        for chunk in limits.split_text(lines, limits.CONTENT):
            users = [
                int(p.player) for p in mine if p.player.isdigit() and f"<@{p.player}>" in chunk
            ]
            mentions = discord.AllowedMentions(
                everyone=False, roles=False, users=[discord.Object(id=u) for u in users]
            )
            posts.append((chunk, mentions))
    return posts


def created_text(view: ClassView, role_name: str | None) -> str:
    """The teacher's (ephemeral) answer to ``/class new``."""
    groups = ", ".join(f"group {g} is match {m.id}" for g, m in enumerate(view.matches, start=1))
    text = (
        f"Class run {view.run.id} is open with {len(view.matches)} groups playing the same "
        f"scenario from the same seed ({groups}); their lobbies are in this channel."
    )
    if role_name is not None:
        text += (
            f" The {len(view.placements)} members of {esc(role_name)} are spread over the groups "
            "and seats, and each group's post tells its students where they sit."
        )
    else:
        text += " Students take their seats in the lobbies themselves."
    text += " Start each group with its lobby's Start button; `/class status` shows where they are."
    return limits.fit(text, limits.CONTENT)


def status_embeds(view: ClassView, scenario: Scenario) -> list[discord.Embed]:
    """Where every group stands: phase, round, players (never what anyone ordered)."""
    lines = [
        f"{esc(scenario.meta.title)} · seed {view.run.seed} · teams of up to {view.run.team_size}",
        "",
    ]
    for group, match in enumerate(view.matches, start=1):
        players = sum(len(s.holders) for s in match.seats)
        if match.phase == "orders":
            phase = f"{round_label(scenario, match.round)} of {match.last_round}"
            phase += " (paused)" if match.paused else ""
        elif match.phase == "lobby":
            phase = "in the lobby"
        else:
            phase = f"over after {match.rounds_resolved} rounds"
        lines.append(f"**Group {group}** · match {match.id}: {phase} · {players} players")
    if view.over:
        lines += ["", "Every group is done: `/class compare` puts them side by side."]
    title = limits.fit(f"Class run {view.run.id}", limits.EMBED_TITLE)
    return pages.embeds(title, lines, CLASS_COLOUR)


def compare_embeds(lines: Sequence[str]) -> list[discord.Embed]:
    """The comparison's text (``bot.review.classes.compare_lines``), escaped, as embeds."""
    title, *rest = [esc(line) for line in lines] or [""]
    return pages.embeds(limits.fit(title, limits.EMBED_TITLE), rest, CLASS_COLOUR)

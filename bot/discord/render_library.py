"""Discord rendering of the scenario library, the server's settings and its audit log.

The check reports come from ``bot.library.report`` as plain text within Discord's limits; here
they become embeds and files. Everything taken from a scenario file or a person is escaped;
people are shown as mentions (which never ping: the client allows no mentions).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from itertools import groupby
from typing import Any

import discord

from bot.discord import ids, limits, pages
from bot.discord.components import button, view
from bot.discord.text import esc
from bot.game.scenario import Scenario, Seat
from bot.game.validate import Problem
from bot.library import report
from bot.library.results import CheckResult
from bot.services.catalog import Uploaded, Version
from bot.services.models import AuditEntry, GuildSettings, LibraryEntry

AUDIT_PAGE = 10  # entries per page of /levers audit
AUDIT_PAGES = 50  # pages reachable (the newest 500 entries)
GOAL = {"at_least": "at least", "at_most": "at most", "near": "near"}
ACTIONS = {
    "scenario_uploaded": "uploaded a scenario",
    "scenario_enabled": "enabled a scenario",
    "scenario_disabled": "disabled a scenario",
    "scenario_default": "set the default scenario",
    "scenario_checked": "ran a balance check",
    "settings_changed": "changed the settings",
    "match_ended": "ended a match",
    "seat_substituted": "substituted a seat",
    "seat_assigned": "assigned a seat",
    "player_removed": "removed a player",
    "paused": "paused a match",
    "resumed": "resumed a match",
}


# --- check reports -------------------------------------------------------------------------


def embed(text: report.EmbedText, image: str | None = None) -> discord.Embed:
    """A report's embed text as a ``discord.Embed`` (showing the attached image when named)."""
    made = discord.Embed(title=text.title, description=text.description, colour=text.colour)
    for field in text.fields:
        made.add_field(name=field.name, value=field.value, inline=field.inline)
    if text.footer:
        made.set_footer(text=text.footer)
    if image is not None:
        made.set_image(url=f"attachment://{image}")
    return made


def reply(
    answer: report.Reply, png: bytes | None = None
) -> tuple[list[discord.Embed], list[discord.File]]:
    """A report as embeds and files: the text report when long, the chart when given."""
    files = []
    if answer.attachment is not None:
        data = io.BytesIO(answer.attachment.data)
        files.append(discord.File(data, filename=answer.attachment.filename))
    image = answer.image if png is not None else None
    if png is not None and image is not None:
        files.append(discord.File(io.BytesIO(png), filename=image))
    return [embed(answer.embed, image)], files


def too_big(filename: str, size: int, problem: Problem) -> report.Reply:
    """The refusal of a file whose declared size is over the cap (it was never downloaded)."""
    return report.refusal(CheckResult(filename, "", size, problems=(problem,)))


def uploaded(result: CheckResult, done: Uploaded) -> report.Reply:
    """The summary of an accepted upload (saying so when the same file was already there)."""
    answer = report.accepted(result, version_number=done.number)
    if done.new:
        return answer
    note = f"This exact file was already version {done.number}; nothing changed.\n"
    text = replace(answer.embed, description=report.cut(note + answer.embed.description, 4000))
    return replace(answer, embed=text)


def stopped(result: CheckResult, ref: str) -> discord.Embed:
    """A balance check whose simulation ran out of time (the stored version is unaffected)."""
    lines = [f"The simulated matches of `{ref}` took too long and were stopped."]
    lines += [esc(w.message) for w in result.warnings[:5]]
    text = limits.fit("\n".join(lines), limits.EMBED_DESCRIPTION)
    return discord.Embed(title="Balance check stopped", description=text, colour=report.AMBER)


# --- the library ---------------------------------------------------------------------------


def status(version: Version) -> str:
    """``built-in``, ``default``, ``enabled`` or ``disabled``."""
    if version.builtin:
        return "built-in"
    return "default" if version.is_default else "enabled" if version.enabled else "disabled"


def day(moment: datetime) -> str:
    """A date each reader sees in their own time zone."""
    return f"<t:{int(moment.timestamp())}:d>"


def version_line(version: Version) -> str:
    """``1.1 · default · loaded by @Mo on 1/2/2026`` (or ``1.0 · built-in``)."""
    entry = version.entry
    text = f"{esc(version.version)} · {status(version)}"
    if entry is not None:
        text += f" · loaded by <@{entry.uploaded_by}> on {day(entry.uploaded_at)}"
    return text


def library_embeds(versions: Sequence[Version], default_ref: str) -> list[discord.Embed]:
    """``/scenario list``: built-in scenarios, then this server's, every version with status."""
    lines = ["**Built-in**"]
    lines += [
        f"• `{v.scenario_id}` {esc(v.title)} {esc(v.version)}"
        + (" · used when the server has no default" if v.ref == default_ref else "")
        for v in versions
        if v.builtin
    ]
    uploads = [v for v in versions if not v.builtin]
    lines += ["", "**This server's library**"]
    if not uploads:
        lines.append("Nothing uploaded yet: a moderator can use `/scenario upload`.")
    for scenario_id, group in groupby(uploads, key=lambda v: v.scenario_id):
        mine = list(group)
        lines.append(f"• `{scenario_id}` {esc(mine[-1].title)}")
        lines += [f"  └ {version_line(v)}" for v in mine]
    footer = "/scenario show ID for details · /match new scenario:ID to play"
    return pages.embeds("Scenarios", lines, discord.Colour.blurple(), footer)


def _goal(scenario: Scenario, seat: Seat) -> str:
    goals = []
    for goal in seat.goals:
        metric = scenario.metric(goal.metric)
        goals.append(f"{esc(metric.name)} {GOAL[goal.kind]} {goal.target:g}{esc(metric.unit)}")
    return "; ".join(goals)


def seat_lines(scenario: Scenario) -> list[str]:
    """Each seat: its levers (moves) and goals; secret objectives are only counted."""
    lines = []
    for seat in scenario.seats:
        moves = scenario.moves_of(seat.id)
        names = ", ".join(esc(m.name) for m in moves)
        lines.append(f"**{esc(seat.name)}** (`{seat.id}`) · {seat.budget} AP")
        lines.append(limits.fit(f"  {len(moves)} levers: {names}", 900))
        lines.append(limits.fit(f"  Goals: {_goal(scenario, seat)}", 900))
        if seat.objectives:
            count = len(seat.objectives)
            lines.append(f"  {count} secret objective{'s' if count > 1 else ''}")
    return lines


def show_embeds(
    shown: Version, scenario: Scenario, versions: Sequence[Version]
) -> list[discord.Embed]:
    """``/scenario show``: the version's description, source, author, seats, and all versions."""
    meta = scenario.meta
    lines = [limits.fit(esc(meta.description.strip()), 1500), ""]
    lines.append(f"**Author:** {esc(meta.author)} · **Source:** {esc(meta.source)}")
    lines.append(
        f"**Rounds:** {meta.rounds} · **Players:** {meta.players.min}–{meta.players.max} · "
        f"**Shown:** {esc(shown.version)} ({status(shown)})"
    )
    lines += ["", *seat_lines(scenario), "", "**Versions**"]
    lines += [f"• {version_line(v)}" for v in versions]
    title = f"{esc(meta.title)} ({meta.id} {meta.version})"
    footer = f"sha256 {shown.sha256[:12]} · /scenario export {shown.ref} gives the file back"
    return pages.embeds(title, lines, discord.Colour.blurple(), footer)


def choice(version: Version) -> str:
    """A menu entry: ``Tutorial · tutorial 1.0 · built-in`` (100 characters at most)."""
    text = f"{version.title} · {version.scenario_id} {version.version} · {status(version)}"
    return limits.fit(" ".join(text.split()), limits.OPTION_TEXT)


def changed(entries: Iterable[LibraryEntry]) -> str:
    """What enable/disable/default changed: one line per version."""
    lines = []
    for entry in entries:
        state = "default" if entry.is_default else "enabled" if entry.enabled else "disabled"
        lines.append(f"`{entry.scenario_id}` {esc(entry.version)} is now {state}.")
    return limits.fit("\n".join(lines), limits.CONTENT)


# --- settings and the audit log --------------------------------------------------------------


def channels(found: Sequence[str]) -> str:
    """``<#1>, <#2>`` or ``any channel``."""
    return ", ".join(f"<#{c}>" for c in found) if found else "any channel"


def settings_embed(settings: GuildSettings) -> discord.Embed:
    """``/levers settings``: the moderator role, the default deadline, the allowed channels."""
    role = f"<@&{settings.moderator_role_id}>" if settings.moderator_role_id else "none"
    seconds = settings.default_deadline_seconds
    deadline = f"{seconds // 60} min" if seconds else "none"
    lines = [
        f"**Moderator role:** {role} (Manage Server always counts)",
        f"**Default deadline:** {deadline}",
        f"**Matches may run in:** {channels(settings.allowed_channels)}",
    ]
    if settings.updated_at is not None and settings.updated_by:
        lines.append(f"Last changed by <@{settings.updated_by}> {day(settings.updated_at)}")
    text = limits.fit("\n".join(lines), limits.EMBED_DESCRIPTION)
    return discord.Embed(title="Settings", description=text, colour=discord.Colour.blurple())


def _value(key: str, value: Any) -> str:
    if key == "moderator_role_id":
        return f"moderator role {f'<@&{value}>' if value else 'none'}"
    if key == "default_deadline_seconds":
        return f"default deadline {f'{int(value) // 60} min' if value else 'none'}"
    if key == "allowed_channels":
        return f"channels {channels([str(c) for c in value or []])}"
    if key == "sha256":
        return f"sha256 {str(value)[:12]}"
    return f"{esc(key)} {esc(str(value))}"


def audit_line(entry: AuditEntry, names: Mapping[str, str]) -> str:
    """``<when> · @Mo · uploaded a scenario · cuba 1.1 · file cuba.yaml``."""
    who = "Levers" if entry.actor == "system" else f"<@{entry.actor}>"
    what = ACTIONS.get(entry.action, esc(entry.action.replace("_", " ")))
    parts = [f"<t:{int(entry.at.timestamp())}:f>", who, what]
    if entry.target:
        target = names.get(entry.target) or entry.target.replace(":", " ")
        parts.append(f"`{target.replace('`', '')}`")
    detail = ", ".join(_value(k, v) for k, v in entry.detail.items() if v not in (None, ""))
    if detail:
        parts.append(limits.fit(detail, 250))
    return " · ".join(parts)


def audit_page(
    entries: Sequence[AuditEntry], page: int, more: bool, names: Mapping[str, str]
) -> tuple[list[discord.Embed], discord.ui.View | None]:
    """One page of ``/levers audit`` (newest first) with Previous / Next buttons."""
    start = page * AUDIT_PAGE
    shown = entries[start : start + AUDIT_PAGE]
    lines = [audit_line(e, names) for e in shown] or ["Nothing has been recorded yet."]
    footer = f"Page {page + 1} · newest first · who, what and when"
    made = pages.embeds("Audit log", lines, discord.Colour.dark_grey(), footer)
    buttons = None
    if page > 0 or more:
        newer = ids.Route("audit", arg=f"p:{max(page - 1, 0)}").custom_id
        older = ids.Route("audit", arg=f"n:{page + 1}").custom_id
        buttons = view(
            [button(newer, "Newer", disabled=not page), button(older, "Older", disabled=not more)]
        )
    return made, buttons

"""The slow parts of ``/scenario`` (``cogs/library.py``): an upload and a balance check.

Not an extension (the loader skips modules starting with ``_``). Both run after the command has
deferred: the file is checked by ``bot.library.sandbox`` in a separate process with a time and a
memory limit, and the chart is drawn in a worker thread, so the event loop keeps answering
everyone else.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import discord

from bot.discord import limits, pages
from bot.discord import render_library as render
from bot.discord.runtime import Runtime
from bot.library import chart, report, sandbox
from bot.services.catalog import Version
from bot.services.models import Actor

log = logging.getLogger("levers.discord")
Interaction = discord.Interaction[Any]
UPLOAD_LINT = 20  # simulated matches behind an upload's balance warnings (under a second)
CHECK_TIME = 120.0  # seconds for /scenario check's simulated matches
DOWNLOAD_FAILED = "I could not download the file from Discord. Please try again in a moment."


async def send(
    interaction: Interaction,
    embeds: Sequence[discord.Embed],
    files: Sequence[discord.File] = (),
    content: str | None = None,
) -> None:
    """Answer a deferred interaction ephemerally: the embeds in as many messages as they need
    (files with the first), each checked against Discord's limits before it is sent."""
    groups = pages.messages(list(embeds)) or [[]]
    for index, group in enumerate(groups):
        text = content if index == 0 else None
        limits.check_message(text, group)
        await interaction.followup.send(
            content=text or discord.utils.MISSING,
            embeds=group,
            files=list(files) if index == 0 else discord.utils.MISSING,
            ephemeral=True,
        )


async def send_reply(
    interaction: Interaction, answer: report.Reply, png: bytes | None = None
) -> None:
    """Send a report from ``bot.library.report`` (with its text file and chart, if any)."""
    embeds, files = render.reply(answer, png)
    await send(interaction, embeds, files)


async def upload_file(
    interaction: Interaction, runtime: Runtime, who: Actor, file: discord.Attachment
) -> None:
    """Refuse an oversized file before downloading it; check the rest in the sandbox; store
    what passes and show its summary, or show every problem (nothing is stored then)."""
    name = sandbox.clean_filename(file.filename)
    too_big = sandbox.size_problem(file.size)
    if too_big is not None:
        await send_reply(interaction, render.too_big(name, file.size, too_big))
        return
    try:
        raw = await file.read()
    except discord.HTTPException:
        log.warning("could not download attachment %s", file.id, exc_info=True)
        await send(interaction, [], content=DOWNLOAD_FAILED)
        return
    result = await sandbox.check_upload(raw, file.filename, lint_matches=UPLOAD_LINT)
    if not result.ok:
        await send_reply(interaction, report.refusal(result))
        return
    done = await runtime.services.catalog.upload(who, raw, result)
    await send_reply(interaction, render.uploaded(result, done))


async def balance_check(
    interaction: Interaction, runtime: Runtime, who: Actor, chosen: Version, matches: int
) -> None:
    """Play ``matches`` AI-only matches of a version in the sandbox; reply with the balance
    report and the win-share chart. The check changes nothing but the audit log."""
    raw = await runtime.services.catalog.text(chosen)
    result = await sandbox.check_upload(
        raw,
        f"{chosen.scenario_id}-{chosen.version}.yaml",
        lint_matches=matches,
        lint_time_limit=CHECK_TIME,
    )
    target = f"library:{chosen.entry.id}" if chosen.entry else f"scenario:{chosen.scenario_id}"
    detail = {"version": chosen.version, "matches": matches, "ok": result.ok}
    await runtime.services.servers.audit(who, "scenario_checked", target, detail)
    if not result.ok:
        await send_reply(interaction, report.refusal(result))
    elif result.balance is None:
        await send(interaction, [render.stopped(result, chosen.ref)])
    else:
        png = await asyncio.to_thread(chart.win_share_png, result)
        await send_reply(interaction, report.balance(result), png)

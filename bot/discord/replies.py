"""Replying to interactions: polite refusals, errors, and limit-checked sends.

Every reply about a refusal or an error is ephemeral; errors also reach the log with the full
traceback and a short reference the player can quote to a moderator.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from typing import Any

import aiohttp
import discord
from discord import app_commands

from bot.discord import limits
from bot.services.errors import USER_ERRORS

log = logging.getLogger("levers.discord")

ALREADY_ACKNOWLEDGED = 40060  # Discord's code for a second initial response
ERROR_TEXT = (
    "Sorry, something went wrong on our side (reference `{ref}`). A moderator can look it up."
)


async def respond(
    interaction: discord.Interaction[Any],
    content: str | None = None,
    *,
    embeds: list[discord.Embed] | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = True,
    files: Sequence[discord.File] = (),
) -> None:
    """Answer an interaction, as its first response or as a followup once it was answered."""
    limits.check_message(content, embeds or [], view)
    kwargs: dict[str, Any] = {"content": content, "embeds": embeds or [], "ephemeral": ephemeral}
    if view is not None:
        kwargs["view"] = view
    if files:
        kwargs["files"] = list(files)
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
        return
    try:
        await interaction.response.send_message(**kwargs)
    except discord.HTTPException as err:
        if err.code != ALREADY_ACKNOWLEDGED:
            raise
        # An earlier acknowledgment reached Discord though its answer was lost (the cog saw an
        # error): the interaction is answered, so this reply goes out as a followup.
        await interaction.followup.send(**kwargs)
    except (aiohttp.ClientError, OSError, TimeoutError):
        # The answer was lost on the way back: ask again. "Already acknowledged" means the first
        # one arrived (the player has it); anything else means it did not and this one counts.
        try:
            await interaction.response.send_message(**kwargs)
        except discord.HTTPException as err:
            if err.code != ALREADY_ACKNOWLEDGED:
                raise


async def refuse(interaction: discord.Interaction[Any], text: str) -> None:
    """A polite, ephemeral refusal."""
    await respond(interaction, text, ephemeral=True)


async def report_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """Log an unexpected error with its traceback and tell the player briefly, ephemerally."""
    ref = secrets.token_hex(4)
    log.error(
        "error %s in interaction %s (%s) from user %s",
        ref,
        interaction.id,
        _describe(interaction),
        interaction.user.id,
        exc_info=error,
    )
    try:
        await respond(interaction, ERROR_TEXT.format(ref=ref), ephemeral=True)
    except discord.HTTPException:
        log.exception("could not tell the player about error %s", ref)


def _describe(interaction: discord.Interaction[Any]) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    data: dict[str, Any] = dict(interaction.data or {})
    return str(data.get("custom_id", interaction.type.name))


async def on_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """The one error path of every command, component and modal: a service's refusal (or a
    rule the engine enforces) becomes the polite ephemeral refusal; anything else is a bug,
    logged with its traceback under an incident id the player is given."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, (*USER_ERRORS, app_commands.CheckFailure)):
        await refuse(interaction, polite(error))
    else:
        await report_error(interaction, error)


def polite(error: BaseException) -> str:
    """The player-facing text of a service or rule error, as a sentence."""
    text = str(getattr(error, "message", None) or error) or "That is not possible right now."
    text = text[0].upper() + text[1:]
    return limits.fit(text if text.endswith((".", "!", "?")) else text + ".", limits.CONTENT)

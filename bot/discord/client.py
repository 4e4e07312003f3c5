"""The discord.py client: intents, mentions, endpoints, cog loading and command sync.

The client knows nothing about the game. ``setup_hook`` opens the services (through the factory
the entry point passes in), loads every extension under ``cogs``, registers the persistent
components and starts the background workers; cogs do the rest.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord
import yarl
from discord.ext import commands

from bot.discord import slim
from bot.discord.ack_sender import AckSender
from bot.discord.components import Routed, Router, on_interaction
from bot.discord.early import EarlyAcks
from bot.discord.global_limit import GlobalLimit
from bot.discord.once import SeenOnce
from bot.discord.release import Holds
from bot.discord.replies import on_error
from bot.discord.settings import Settings

if TYPE_CHECKING:
    from bot.discord.runtime import Runtime

log = logging.getLogger("levers.discord")

# Called with the bot once it has logged in: opens what the cogs need (the store and services)
# and returns a coroutine function that closes it again.
Starter = Callable[["LeversBot"], Awaitable[Callable[[], Awaitable[None]]]]


def configure_endpoints(api: str | None, gateway: str | None) -> None:
    """Point discord.py at a Discord-compatible server instead of discord.com.

    ``Route.BASE`` is used both by the REST client and by the webhook adapter that sends
    interaction responses and followups; ``DEFAULT_GATEWAY`` is where the websocket connects.
    """
    if api:
        discord.http.Route.BASE = api
    if gateway:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)


def intents(members: bool = False) -> discord.Intents:
    """The gateway intents the bot asks for: guilds, and the Server Members intent only when
    the operator turned it on (``LEVERS_MEMBERS_INTENT=1``).

    Slash commands and components arrive as interactions whatever the intents; the guilds intent
    keeps channels and threads in the cache so the bot can post briefings and reveals. The
    members intent is privileged: it fills the member cache (so ``/class new role:`` can spread a
    role's members over groups), and Discord refuses the connection (close code 4014) when the
    application has not enabled it in the developer portal, so it is off by default.
    """
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.members = members
    return wanted


def extension_names(package: str = "cogs") -> list[str]:
    """Every extension module in the package, skipping modules whose name starts with ``_``."""
    module = importlib.import_module(package)
    found = pkgutil.iter_modules(module.__path__, prefix=f"{package}.")
    return sorted(info.name for info in found if not info.name.rsplit(".", 1)[1].startswith("_"))


class LeversBot(commands.Bot):
    """The Levers bot: the real client used by ``levers run``, the tests and the benchmark."""

    def __init__(self, settings: Settings, starter: Starter | None = None, **options: Any) -> None:
        options.setdefault("intents", intents(settings.members_intent))
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        # the second look for a global 429, before every attempt (bot/discord/global_limit.py)
        self.global_limit = GlobalLimit()
        self.http.http_trace = self.global_limit.trace()
        self.settings = settings
        self.router = Router()
        self.runtime: Runtime | None = None
        self._starter = starter
        self._stopper: Callable[[], Awaitable[None]] | None = None
        self.tree.error(on_error)
        self.holds = Holds()  # clicks freed when handled (bot/discord/release.py)
        self.interactions = SeenOnce()  # a replayed INTERACTION_CREATE is dropped
        # answers known before any handler runs go out from the parser (bot/discord/early.py)
        self.early = EarlyAcks(
            self.router.early, AckSender(self.http) if settings.early_ack else None
        )
        parsers = self._connection.parsers
        # the message a click comes with is cut to the clicked control first (bot/discord/slim.py)
        parsed = self.early.wrap(slim.wrap(parsers["INTERACTION_CREATE"]))
        parsers["INTERACTION_CREATE"] = self.interactions.wrap(parsed)  # replays: no answer

    async def setup_hook(self) -> None:
        """Open the services, load the cogs, and sync the slash commands when asked to."""
        if self._starter is not None:
            self._stopper = await self._starter(self)
        self.add_dynamic_items(Routed)
        self.add_listener(on_interaction, "on_interaction")
        for name in extension_names():
            await self.load_extension(name)
        if self.settings.sync_commands:
            await self.sync_commands(self.settings.sync_guild)

    async def sync_commands(self, guild_id: int | None) -> int:
        """Sync slash commands: instantly to one server, or globally (up to an hour to show)."""
        if guild_id is not None:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to server %d", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d commands globally", len(synced))
        return len(synced)

    async def close(self) -> None:
        """Stop the background workers and close the store, then disconnect."""
        try:
            if self._stopper is not None:
                stopper, self._stopper = self._stopper, None
                await stopper()
        finally:
            try:
                await self.early.close()
            finally:
                await super().close()


class ShardedLeversBot(LeversBot, commands.AutoShardedBot):
    """The bot holding some of Discord's shards (``shard_count``, ``shard_ids``): discord.py's
    ``AutoShardedBot`` opens one gateway connection per shard, and Discord sends each only its
    servers' events (``(guild_id >> 22) % shard_count``). Its services fire only those servers'
    timers and post only their announcements (``Settings.shards``)."""


def make_bot(settings: Settings, starter: Starter | None = None, **options: Any) -> LeversBot:
    """The bot for these settings: sharded when ``LEVERS_SHARDS`` (``--shards``) is set."""
    shards = settings.shards()
    if shards is None:
        return LeversBot(settings, starter, **options)
    return ShardedLeversBot(
        settings, starter, shard_count=shards.count, shard_ids=list(shards.ids), **options
    )

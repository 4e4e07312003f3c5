"""``levers run``: start the Discord bot (token from ``DISCORD_TOKEN`` or ``.env``)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

import aiohttp
import discord
from pydantic import ValidationError

from bot.discord.client import configure_endpoints, make_bot
from bot.discord.runtime import open_runtime
from bot.discord.settings import Settings, describe_problem, load_settings

log = logging.getLogger("levers")


def cmd_run(args: argparse.Namespace) -> int:
    """Run the bot until it is stopped (Ctrl-C or SIGTERM); exit 2 on missing settings."""
    overrides: dict[str, object] = {}
    if args.sync_guild is not None:
        overrides["sync_guild"] = args.sync_guild
    if args.no_sync:
        overrides["sync_commands"] = False
    if args.db:
        overrides["database"] = args.db
    if args.shards is not None:
        overrides["shard_count"] = args.shards
    if args.shard_ids is not None:
        overrides["shard_ids"] = args.shard_ids
    try:
        settings = load_settings(**overrides)
    except ValidationError as err:
        print(f"levers run: {describe_problem(err)}", file=sys.stderr)
        return 2
    discord.utils.setup_logging(level=logging.getLevelNamesMapping()[settings.log_level])
    configure_endpoints(settings.api, settings.gateway)
    try:
        return asyncio.run(serve(settings))
    except discord.LoginFailure:
        print(
            "levers run: Discord refused the token. Reset it on the Bot page of your application "
            "(https://discord.com/developers/applications) and update DISCORD_TOKEN.",
            file=sys.stderr,
        )
        return 1
    except discord.PrivilegedIntentsRequired:
        print(
            "levers run: Discord refused the Server Members intent (close code 4014): "
            "LEVERS_MEMBERS_INTENT is on but the application has not enabled it. Turn on "
            "'Server Members Intent' on the Bot page of your application "
            "(https://discord.com/developers/applications), or unset LEVERS_MEMBERS_INTENT.",
            file=sys.stderr,
        )
        return 1
    except (aiohttp.ClientError, discord.GatewayNotFound, OSError) as err:
        where = settings.api or "discord.com"
        reason = " ".join(str(err).split()) or type(err).__name__
        print(
            f"levers run: cannot reach Discord at {where} ({reason}); check the network "
            "connection (or LEVERS_DISCORD_API) and start the bot again.",
            file=sys.stderr,
        )
        return 1


async def serve(settings: Settings) -> int:
    """Log in, connect, and run until a stop signal; close the store cleanly on the way out."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with make_bot(settings, open_runtime) as bot:
        running = asyncio.create_task(bot.start(settings.token.get_secret_value()))
        stopping = asyncio.create_task(stop.wait())
        done, _pending = await asyncio.wait(
            {running, stopping}, return_when=asyncio.FIRST_COMPLETED
        )
        if running in done:
            stopping.cancel()
            running.result()  # raises what stopped the bot (a refused token, say)
            return 1
        log.info("stopping")
        await bot.close()
        await asyncio.gather(running, return_exceptions=True)
    return 0

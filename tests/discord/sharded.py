"""Starting real ``levers run`` processes that hold one shard of two, against the fake Discord
served at ``base`` and a shared store (the sharded tests' common set-up)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARDS = 2


def shard_env(base: str, db: str, token: str) -> dict[str, str]:
    """The environment of a bot process: the fake Discord's addresses, the store, two shards."""
    return {
        **os.environ,
        "DISCORD_TOKEN": token,
        "LEVERS_DISCORD_API": f"{base}/api/v10",
        "LEVERS_DISCORD_GATEWAY": f"{base.replace('http', 'ws')}/gateway",
        "LEVERS_DB": db,
        "LEVERS_SHARDS": str(SHARDS),
        "PYTHONPATH": str(ROOT),
    }


def owner_shard(guild_id: int) -> int:
    """The shard that holds a server, by Discord's formula."""
    return (guild_id >> 22) % SHARDS


async def start_shard(
    env: dict[str, str],
    shard: int,
    sync_guild: int | None,
    *,
    keep_output: bool = False,
    cwd: Path | None = None,
) -> asyncio.subprocess.Process:
    """A ``levers run`` process holding ``shard``; the one that holds ``sync_guild`` syncs its
    commands there (None: no sync, as after a restart). With ``keep_output`` its output is
    readable (to show when a test fails)."""
    owns = sync_guild is not None and shard == owner_shard(sync_guild)
    sync = ["--sync-guild", str(sync_guild)] if owns else ["--no-sync"]
    output = asyncio.subprocess.PIPE if keep_output else asyncio.subprocess.DEVNULL
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli.main",
        "run",
        "--shard-ids",
        str(shard),
        *sync,
        cwd=cwd,
        env=env,
        stdout=output,
        stderr=asyncio.subprocess.STDOUT if keep_output else asyncio.subprocess.DEVNULL,
    )

"""Helpers for the fault tests and the soak: the outbox-against-Discord ledger, a crash, waits.

``ledger`` compares what Discord shows with the outbox, independently of the bot's code: every
announcement post carries ``ref <nonce>.<index>``; a sent announcement must show indices
0..n-1 exactly once each, a pending one a prefix of them (it resumes where it stopped), and
within a match the posts appear in the outbox's order.
"""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from collections.abc import Awaitable, Callable

from bot.discord.client import LeversBot, configure_endpoints
from tests.discord.fake.state import Sent
from tests.discord.fake.ws import FakeGateway
from tests.discord.harness import TASK_PREFIXES, Harness

MARK = re.compile(r"ref ([0-9a-f]{20})\.(\d+)")


def marks(h: Harness) -> dict[str, list[tuple[int, Sent]]]:
    """Every public message's markers: nonce -> [(index, message)] in posting order."""
    found: dict[str, list[tuple[int, Sent]]] = defaultdict(list)
    for message in sorted(h.http.messages.values(), key=lambda m: m.id):
        if message.ephemeral or message.deleted:
            continue
        for nonce, index in MARK.findall(message.text()):
            found[nonce].append((int(index), message))
    return found


async def ledger(h: Harness, match_ids: list[int]) -> list[str]:
    """What differs between each match's outbox and its posts (empty: exactly once, in order)."""
    found = marks(h)
    problems: list[str] = []
    outbox = h.runtime.services.outbox
    for match_id in match_ids:
        last = 0
        for item in await outbox.of_match(match_id):
            if item.channel_id is None:
                continue
            posts = found.get(item.nonce, [])
            indices = [i for i, _ in posts]
            what = f"match {match_id} announcement {item.id} ({item.kind})"
            if len(indices) != len(set(indices)):
                problems.append(f"{what}: posted twice: indices {indices}")
            if sorted(set(indices)) != list(range(len(set(indices)))):
                problems.append(f"{what}: a gap: indices {indices}")
            # an AI's deal offer with no private place to go (no team or talks thread), or one
            # answered before its turn came, is settled without a post: the orders panel and
            # /deal list show it (bot/discord/announcer.py); any offer posted is checked above
            if item.sent_at is not None and not posts and item.kind != "deal_offer":
                problems.append(f"{what}: marked sent, never posted")
            ids = [m.id for _, m in posts]
            if ids != sorted(ids) or (ids and ids[0] < last):
                problems.append(f"{what}: out of order")
            last = max(ids, default=last)
    return problems


async def wait_until(h: Harness, done: Callable[[], bool], timeout: float = 60.0) -> None:
    """Wait (on the fake's new-message event, never polling) until ``done()`` holds."""

    async def watch() -> None:
        while not done():
            h.http.posted.clear()
            await h.http.posted.wait()

    await asyncio.wait_for(watch(), timeout)


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 60.0) -> None:
    """Wait until ``check()`` holds, looking again every 20 ms (for work the bot's own
    background worker does, which no fake event marks the end of)."""

    async def watch() -> None:
        while not await check():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(watch(), timeout)


async def crash(h: Harness) -> None:
    """Stop the bot as a killed process would: its work in flight is cut off, not finished."""
    me = asyncio.current_task()
    cut = [
        t
        for t in asyncio.all_tasks()
        if t is not me and not t.done() and t.get_name().startswith(TASK_PREFIXES)
    ]
    for task in cut:
        task.cancel()
    await asyncio.gather(*cut, return_exceptions=True)
    if h.bot is not None:
        await h.bot.close()
        h.bot = None


async def connect(h: Harness, ws: FakeGateway, **options: object) -> asyncio.Task[None]:
    """Start the bot over the fake's real gateway (not the harness's direct feed)."""
    h.http.gateway = ws.handle
    await h.start_server()
    h.http.token = ws.token
    configure_endpoints(None, f"{h.base.replace('http', 'ws')}/gateway")
    bot = LeversBot(
        h.settings,
        h.starter_factory(h.clock),
        guild_ready_timeout=0.01,
        chunk_guilds_at_startup=False,
        **options,
    )
    h.bot = bot
    await bot.login(ws.token)

    def relay(event: str, data: dict[str, object]) -> None:
        asyncio.get_running_loop().create_task(ws.dispatch(event, data))

    h.http.dispatch = relay
    task = asyncio.get_running_loop().create_task(bot.connect(reconnect=True))
    await asyncio.wait_for(bot.wait_until_ready(), 30)
    return task

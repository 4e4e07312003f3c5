"""Gateway faults, with the bot connected to the fake's real websocket (not the direct feed):
a resumable close whose RESUME replays what was missed (and, at least once, something already
seen), a close that forces a new IDENTIFY, and a zombied connection that never ACKs a heartbeat.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest

from bot.services.models import SYSTEM
from tests.discord import faulty
from tests.discord.conftest import make_settings
from tests.discord.fake import gateway, payloads
from tests.discord.fake.state import InteractionRecord
from tests.discord.fake.ws import FakeGateway
from tests.discord.harness import Harness


class Connected:
    """The harness, its fake gateway, and the bot's connection task."""

    def __init__(self, h: Harness, ws: FakeGateway) -> None:
        self.h, self.ws = h, ws

    async def send(self, command: str, **values: object) -> InteractionRecord:
        """Ana runs a slash command: the INTERACTION_CREATE goes out on the gateway."""
        record = self.h.new_record(
            self.ana, 2, self.h.slash_data(command, values), self.h.channel_id
        )
        await self.ws.dispatch("INTERACTION_CREATE", self.h.interaction_payload(record, None))
        return record

    ana = payloads.FakeUser("Ana")


async def answered(record: InteractionRecord) -> None:
    await asyncio.wait_for(record.answered.wait(), 30)
    await record.until(lambda r: bool(r.followups) or r.callbacks != [5])


@pytest.fixture
def heartbeat_timeout() -> float:
    """How long the bot waits for anything from the gateway (discord.py's default)."""
    return 60.0


@pytest.fixture
async def connected(tmp_path: Path, heartbeat_timeout: float) -> AsyncIterator[Connected]:
    h = Harness(make_settings(tmp_path))
    ws = FakeGateway(
        "fake-token",
        lambda: gateway.ready(h.bot_user, h.application_id, h.guild_id),
        lambda: payloads.guild(h.guild_id, h.owner, [h.http.channels[h.channel_id]]),
        heartbeat_ms=100,
    )
    saved = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    task = await faulty.connect(h, ws, heartbeat_timeout=heartbeat_timeout)
    try:
        yield Connected(h, ws)
        await h.settle()
    finally:
        await h.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 10)
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved
    assert not h.http.failures, f"the bot broke Discord's rules: {h.http.failures}"
    logged = [f"{r.name}: {r.getMessage()}" for r in h.errors.records]
    assert not logged, f"errors were logged: {logged}"


async def test_a_resume_replays_missed_events_and_a_replayed_one_acts_once(
    connected: Connected,
) -> None:
    c = connected
    first = await c.send("match new", rounds=1)
    await answered(first)
    c.ws.overlap = 1  # the replay starts one event early: the match creation comes again
    await c.ws.drop(4000)
    missed = await c.send("scenarios")  # sent while the bot is away
    await asyncio.wait_for(c.ws.resumed.wait(), 30)
    await answered(missed)
    assert len(c.ws.resumes) == 1 and len(c.ws.identifies) == 1, "resumed, not re-identified"
    assert missed.callbacks == [4]
    assert first.callbacks == [5], "the replayed interaction was not answered twice"
    assert len(await c.h.runtime.services.matches.list_matches(SYSTEM)) == 1, "one match, not two"


async def test_a_close_that_forbids_resuming_makes_the_bot_identify_again(
    connected: Connected,
) -> None:
    c = connected
    c.ws.identified.clear()
    # discord.py waits 5 s before identifying again (Discord asks for 1-5 s after op 9).
    await c.ws.drop(4000, invalidate=True)  # the RESUME will be answered "invalid session"
    await asyncio.wait_for(c.ws.identified.wait(), 30)
    assert len(c.ws.identifies) == 2 and len(c.ws.resumes) == 1
    after = await c.send("scenarios")
    await answered(after)
    assert after.callbacks == [4], "the bot answers on its new session"


@pytest.mark.parametrize("heartbeat_timeout", [0.5])  # a zombie is noticed in 0.5 s
async def test_a_zombied_connection_is_dropped_and_resumed(connected: Connected) -> None:
    c = connected
    c.ws.zombie = True  # no heartbeat ACK, nothing delivered
    waiting = await c.send("scenarios")
    await asyncio.wait_for(c.ws.resumed.wait(), 30)
    await answered(waiting)
    assert waiting.callbacks == [4], "delivered after the bot gave up on the dead connection"
    assert len(c.ws.resumes) == 1 and len(c.ws.identifies) == 1

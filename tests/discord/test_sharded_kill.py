"""Two ``levers run`` processes (two shards) on one PostgreSQL, a match in a server of each
shard: one process is killed (SIGKILL) in the middle of the round and restarted; both rounds
resolve once, every announcement is posted once (distinct nonces), and the acknowledged orders
are kept.

The bots run in other processes, so this harness hands interactions to them through the fake
gateway, which gives each connection only its shard's servers."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

from bot.services import Services
from bot.services.models import SYSTEM
from tests.discord import transcript as t
from tests.discord.conftest import make_settings
from tests.discord.fake import gateway, payloads
from tests.discord.fake.payloads import FakeUser, snowflake
from tests.discord.fake.state import Sent
from tests.discord.fake.ws import FakeGateway
from tests.discord.harness import Harness
from tests.discord.sharded import owner_shard, shard_env, start_shard

TOKEN = "kill-token"
Json = dict[str, Any]


class RemoteHarness(Harness):
    """The harness with the bot in other processes: dispatches go through the fake gateway,
    and settling waits until every interaction is answered and Discord has been quiet."""

    ws: FakeGateway

    def feed(self, event: str, data: Json) -> None:
        self._sent = asyncio.ensure_future(self.ws.dispatch(event, data))

    async def settle(self) -> None:
        await self._sent
        loop = asyncio.get_running_loop()
        end = loop.time() + 60
        seen = -1
        while loop.time() < end:
            answered = all(r.answered.is_set() for r in self.http.interactions.values())
            if answered and len(self.http.requests) == seen:
                return
            seen = len(self.http.requests)
            await asyncio.sleep(0.7)
        raise AssertionError("the bots did not settle")


def _lobby(h: Harness, channel_id: int) -> Sent:
    found = [m for m in h.channel_messages(channel_id) if "Lobby" in m.text()]
    assert found, "no lobby was posted"
    return found[-1]


def _briefing(h: Harness, channel_id: int) -> Sent:
    """The latest briefing in the thread of the match opened in ``channel_id``."""
    threads = [
        int(c["id"])
        for c in h.http.channels.values()
        if c["type"] == 11 and c.get("parent_id") == str(channel_id)
    ]
    assert len(threads) == 1, threads
    found = [
        m
        for m in h.channel_messages(threads[0])
        if any(c.get("label") == "Orders" for c in m.components())
    ]
    assert found, "no briefing in the thread"
    return found[-1]


async def _start(h: Harness, user: FakeUser, channel_id: int) -> None:
    await h.slash(user, "match new", channel_id, rounds=2)
    lobby = _lobby(h, channel_id)
    await h.click(user, lobby, custom_id=lobby.components()[0]["custom_id"])
    await h.click(user, lobby, label="Start")
    _briefing(h, channel_id)  # round 1 is open


async def _play(h: Harness, user: FakeUser, channel_id: int, argument: str) -> None:
    shown = await h.click(user, _briefing(h, channel_id), label="Orders")
    panel = shown.message
    options = t.pick_select(panel)["options"]
    assert isinstance(options, list) and options
    await t.add_move(h, user, panel, str(options[0]["value"]), argument)
    t.accepted(await h.click(user, panel, label="Submit"))


async def test_a_process_killed_mid_round_loses_nothing_and_doubles_nothing(
    tmp_path: Path, pg_url: str
) -> None:
    h = RemoteHarness(make_settings(tmp_path))
    h.ws = FakeGateway(
        TOKEN,
        lambda: gateway.ready(h.bot_user, h.application_id, h.guild_id),
        lambda: payloads.guild(h.guild_id, h.owner, [h.http.channels[h.channel_id]]),
    )
    other_guild = ((h.guild_id >> 22) + 1) << 22  # the other shard of two
    other_channel = snowflake()
    h.http.channels[other_channel] = payloads.text_channel(other_channel, other_guild, "other")
    other_owner = FakeUser("Other owner", permissions=(1 << 41) - 1)
    h.ws.more_guilds.append(
        payloads.guild(other_guild, other_owner, [h.http.channels[other_channel]])
    )
    h.http.token = TOKEN
    h.http.gateway = h.ws.handle
    h.http.dispatch = h.feed
    base = await h.start_server()
    env = shard_env(base, pg_url, TOKEN)
    owner = owner_shard(h.guild_id)
    procs = {s: await start_shard(env, s, h.guild_id) for s in (0, 1)}
    h._sent = asyncio.ensure_future(asyncio.sleep(0))
    try:
        loop = asyncio.get_running_loop()
        end = loop.time() + 90
        while not (len(h.ws.identifies) == 2 and h.http.commands):
            assert loop.time() < end
            await asyncio.sleep(0.2)
        ana, zed = h.user("Ana"), h.user("Zed")
        await asyncio.gather(_start(h, ana, h.channel_id), _start(h, zed, other_channel))
        procs[owner].send_signal(signal.SIGKILL)  # in the middle of the round
        await procs[owner].wait()
        connected = len(h.ws.identifies)
        procs[owner] = await start_shard(env, owner, None)
        while len(h.ws.identifies) == connected:
            assert loop.time() < end + 60
            await asyncio.sleep(0.2)
        await asyncio.gather(
            _play(h, ana, h.channel_id, "after the restart"),
            _play(h, zed, other_channel, "on the other shard"),
        )
        await h.settle()
    finally:
        for proc in procs.values():
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
                await asyncio.wait_for(proc.wait(), timeout=60)
        await h.stop()
    services = await Services.open(pg_url)
    try:
        matches = await services.matches.list_matches(SYSTEM)
        assert sorted(m.guild_id or "" for m in matches) == sorted(
            [str(h.guild_id), str(other_guild)]
        )
        for match in matches:
            history = await services.rounds.history(match.id, SYSTEM)
            announcements = await services.outbox.of_match(match.id)
            assert [r.round for r in history] == [0, 1]
            # AI deal offers (the default scenario's talks) come or not with the match's seed
            kinds = [a.kind for a in announcements if a.kind != "deal_offer"]
            assert kinds == ["match_started", "round_resolved"]
            assert all(a.sent_at is not None for a in announcements)
            sources = [o.source for o in history[1].orders.values()]
            assert "players" in sources, "the acknowledged orders were kept"
    finally:
        await services.close()
    assert len(h.ws.identifies) == 3  # two processes, then the restarted one
    posted = [r for r in h.http.requests if r.method == "POST" and r.path.endswith("/messages")]
    nonces = [str((r.body or {}).get("nonce")) for r in posted if isinstance(r.body, dict)]
    assert len(nonces) == len(set(nonces)), "no announcement posted twice"
    assert not h.http.failures, h.http.failures

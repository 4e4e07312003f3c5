"""Two ``levers run`` processes (two shards) on one PostgreSQL: the process holding a match's
server is killed (SIGKILL) in the middle of a round and restarted; the round still resolves
once, every announcement is posted once (distinct nonces), and the acknowledged orders are kept.

The bots run in other processes, so this harness hands interactions to them through the fake
gateway, which gives each connection only its shard's servers."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

from bot.services import Services
from bot.services.models import SYSTEM
from tests.discord import transcript as t
from tests.discord.conftest import make_settings
from tests.discord.fake import gateway, payloads
from tests.discord.fake.ws import FakeGateway
from tests.discord.harness import Harness

ROOT = Path(__file__).resolve().parents[2]
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


async def _run(env: dict[str, str], shard: int, sync: list[str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli.main",
        "run",
        "--shard-ids",
        str(shard),
        *sync,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def test_a_process_killed_mid_round_loses_nothing_and_doubles_nothing(
    tmp_path: Path, pg_url: str
) -> None:
    h = RemoteHarness(make_settings(tmp_path))
    h.ws = FakeGateway(
        TOKEN,
        lambda: gateway.ready(h.bot_user, h.application_id, h.guild_id),
        lambda: payloads.guild(h.guild_id, h.owner, [h.http.channels[h.channel_id]]),
    )
    h.http.token = TOKEN
    h.http.gateway = h.ws.handle
    h.http.dispatch = h.feed
    base = await h.start_server()
    env = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        "LEVERS_DISCORD_API": f"{base}/api/v10",
        "LEVERS_DISCORD_GATEWAY": f"{base.replace('http', 'ws')}/gateway",
        "LEVERS_DB": pg_url,
        "LEVERS_SHARDS": "2",
        "PYTHONPATH": str(ROOT),
    }
    owner = (h.guild_id >> 22) % 2
    procs = {
        s: await _run(env, s, ["--sync-guild", str(h.guild_id)] if s == owner else ["--no-sync"])
        for s in (0, 1)
    }
    h._sent = asyncio.ensure_future(asyncio.sleep(0))
    try:
        loop = asyncio.get_running_loop()
        end = loop.time() + 90
        while not (len(h.ws.identifies) == 2 and h.http.commands):
            assert loop.time() < end
            await asyncio.sleep(0.2)
        ana = h.user("Ana")
        await h.slash(ana, "match new", rounds=2)
        lobby = t.lobby(h)
        await h.click(ana, lobby, custom_id=lobby.components()[0]["custom_id"])
        await h.click(ana, lobby, label="Start")
        t.briefing(h)  # round 1 is open
        procs[owner].send_signal(signal.SIGKILL)  # in the middle of the round
        await procs[owner].wait()
        connected = len(h.ws.identifies)
        procs[owner] = await _run(env, owner, ["--no-sync"])
        while len(h.ws.identifies) == connected:
            assert loop.time() < end + 60
            await asyncio.sleep(0.2)
        await t.play_first_move(h, ana, "after the restart")
        await h.settle()
    finally:
        for proc in procs.values():
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
                await asyncio.wait_for(proc.wait(), timeout=60)
        await h.stop()
    services = await Services.open(pg_url)
    try:
        history = await services.rounds.history(1, SYSTEM)
        announcements = await services.outbox.of_match(1)
        orders = history[1].orders
    finally:
        await services.close()
    assert len(h.ws.identifies) == 3  # two processes, then the restarted one
    assert [r.round for r in history] == [0, 1]
    assert [a.kind for a in announcements] == ["match_started", "round_resolved"]
    assert any(o.source == "players" for o in orders.values()), "Ana's orders were kept"
    assert all(a.sent_at is not None for a in announcements)
    posted = [r for r in h.http.requests if r.method == "POST" and r.path.endswith("/messages")]
    nonces = [str((r.body or {}).get("nonce")) for r in posted if isinstance(r.body, dict)]
    assert len(nonces) == len(set(nonces)), "no announcement posted twice"
    assert not h.http.failures, h.http.failures

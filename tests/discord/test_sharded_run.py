"""Two ``levers run`` processes, two shards, one PostgreSQL: each connection of the fake
Discord receives only its shard's servers (``(guild_id >> 22) % 2``), so exactly one process
answers a server's slash command, and both share the store."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from tests.discord.conftest import make_settings
from tests.discord.fake import gateway, payloads
from tests.discord.fake.ws import FakeGateway
from tests.discord.harness import Harness
from tests.discord.sharded import shard_env, start_shard

TOKEN = "sharded-token"


async def _until(check: object, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not check():  # type: ignore[operator]
        assert loop.time() < end, "timed out"
        await asyncio.sleep(0.1)


async def test_two_processes_each_hold_one_shard_and_answer_only_their_servers(
    tmp_path: Path, pg_url: str
) -> None:
    h = Harness(make_settings(tmp_path))
    ws = FakeGateway(
        TOKEN,
        lambda: gateway.ready(h.bot_user, h.application_id, h.guild_id),
        lambda: payloads.guild(h.guild_id, h.owner, [h.http.channels[h.channel_id]]),
    )
    h.http.token = TOKEN
    h.http.gateway = ws.handle
    base = await h.start_server()
    env = shard_env(base, pg_url, TOKEN)
    procs = [
        await start_shard(env, shard, h.guild_id, keep_output=True, cwd=tmp_path)
        for shard in (0, 1)
    ]
    try:
        await _until(lambda: len(ws.identifies) == 2 and h.http.commands, 90)
        assert sorted(tuple(i["shard"]) for i in ws.identifies) == [(0, 2), (1, 2)]
        record = h.new_record(h.user("Ana"), 2, h.slash_data("scenarios", {}), h.channel_id)
        await ws.dispatch("INTERACTION_CREATE", h.interaction_payload(record, None))
        await asyncio.wait_for(record.answered.wait(), timeout=30)
        await asyncio.sleep(1.0)  # a second process answering would show by now
        assert record.callbacks == [4]
    finally:
        outputs = []
        for proc in procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(proc.communicate(), timeout=60)
            outputs.append(output.decode())
        await h.stop()
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert not h.http.failures, h.http.failures

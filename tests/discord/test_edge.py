"""The benchmark's edge (``bench/edge.py``): a relay in its own process between the bot and the
fake Discord that times each interaction callback as it arrives.

A match is played through it, as the Discord benchmark plays: every callback is seen at the
edge, after the interaction was handed to the bot and before the fake's handler read it, and
every answer still arrives. The relay's copy loop is checked on its own for what a real
connection can do to it: a request line cut between two reads, a request that is not a callback,
bytes passed on unchanged.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest

from bench import bench_discord
from bench.edge import Edge, EdgeError, pump
from tests.discord.conftest import make_settings
from tests.discord.harness import Harness

TIMEOUT = 60.0


@pytest.fixture
async def through_edge(tmp_path: Path) -> AsyncIterator[tuple[Harness, Edge]]:
    """The real bot against the fake on its own thread, the edge between them."""
    h = Harness(make_settings(tmp_path), fake_thread=True)
    edge = await bench_discord.start(h)
    assert edge is not None
    try:
        yield h, edge
    finally:
        await bench_discord.stop(h, edge)
    with pytest.raises(EdgeError):
        edge.arrivals()  # stopped


async def test_every_callback_of_a_match_is_timed_at_the_edge(
    through_edge: tuple[Harness, Edge], monkeypatch: pytest.MonkeyPatch
) -> None:
    h, edge = through_edge
    assert f"{edge.base}/api/v10" == discord.http.Route.BASE and edge.base != h.base
    monkeypatch.setattr(bench_discord, "MATCHES", 1)
    [(_match, briefing, players)] = await bench_discord.set_up_matches(h)
    records: bench_discord.Records = []
    await asyncio.wait_for(
        asyncio.gather(*(bench_discord.play(h, briefing, p, records) for p in players)), TIMEOUT
    )
    assert len(records) == 4 * len(players)
    arrivals = await asyncio.to_thread(edge.arrivals)
    for _name, record, _done in records:
        assert record.acked_at is not None
        assert record.created <= arrivals[record.id] <= record.acked_at, record
    assert not h.http.failures


async def test_the_edge_finds_a_callback_cut_between_reads_and_passes_bytes_unchanged() -> None:
    received = bytearray()
    got_all = asyncio.Event()
    request = (
        b"POST /api/v10/interactions/1234567/tok-en/callback HTTP/1.1\r\nHost: x\r\n\r\n"
        b"POST /api/v10/interactions/555/tok/callback?with_response=true HTTP/1.1\r\n\r\n"
        b"POST /api/v10/webhooks/1/tok HTTP/1.1\r\n\r\n"
        b"PATCH /api/v10/interactions/777/tok/callback HTTP/1.1\r\n\r\n"
    )

    async def target(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(1024):
            received.extend(data)
            if len(received) >= len(request):
                got_all.set()
        writer.close()

    server = await asyncio.start_server(target, "127.0.0.1", 0)
    async with server:
        _r, writer = await asyncio.open_connection("127.0.0.1", server.sockets[0].getsockname()[1])
        reader = asyncio.StreamReader()
        arrivals: dict[int, float] = {}
        copying = asyncio.create_task(pump(reader, writer, arrivals))
        cut = request.index(b"67/tok-en")  # inside the first request line
        before = time.monotonic()
        reader.feed_data(request[:cut])
        await asyncio.sleep(0.01)
        assert arrivals == {}  # not yet a whole request line
        reader.feed_data(request[cut:])
        reader.feed_eof()
        await asyncio.wait_for(got_all.wait(), TIMEOUT)
        await asyncio.wait_for(copying, TIMEOUT)
        writer.close()
    assert bytes(received) == request
    assert set(arrivals) == {1234567, 555}  # not a webhook, not a PATCH
    assert all(before <= t <= time.monotonic() for t in arrivals.values())

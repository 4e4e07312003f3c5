"""The fake Discord's gateway: HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats, dispatches.

It speaks plain-text JSON frames (discord.py decompresses only binary frames), so a real client
started with ``LEVERS_DISCORD_GATEWAY`` pointing here connects as it would to Discord. A
connection that identifies with ``shard: [id, count]`` gets only its shard's servers, by
Discord's formula ``(guild_id >> 22) % count``: in READY, as GUILD_CREATE, and in dispatches.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

Json = dict[str, Any]
HEARTBEAT_MS = 41_250


class FakeGateway:
    """Accepts gateway connections and sends them dispatches."""

    def __init__(self, token: str, ready: Callable[[], Json], guild: Callable[[], Json]) -> None:
        self.token = token
        self._ready = ready
        self._guild = guild
        self.sockets: list[web.WebSocketResponse] = []
        self.identified = asyncio.Event()
        self.identifies: list[Json] = []
        self.closed = asyncio.Event()
        self._sequence = 0
        self._shards: dict[web.WebSocketResponse, tuple[int, int]] = {}

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """One client connection, until it closes."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_MS}}))
        try:
            async for frame in ws:
                if frame.type != WSMsgType.TEXT:
                    continue
                await self._receive(ws, json.loads(frame.data))
        finally:
            if ws in self.sockets:
                self.sockets.remove(ws)
            self._shards.pop(ws, None)
            self.closed.set()
        return ws

    async def _receive(self, ws: web.WebSocketResponse, message: Json) -> None:
        op = message.get("op")
        if op == 1:
            await ws.send_str(json.dumps({"op": 11}))
        elif op == 2:
            data = message.get("d") or {}
            if data.get("token") != self.token:
                await ws.close(code=4004, message=b"Authentication failed.")
                return
            self.identifies.append(data)
            self.sockets.append(ws)
            shard = data.get("shard")
            guild = self._guild()
            ready = self._ready()
            if shard:
                self._shards[ws] = (int(shard[0]), int(shard[1]))
                ready["shard"] = [int(shard[0]), int(shard[1])]  # as Discord echoes it
            if self._holds(ws, guild["id"]):
                await self._send(ws, "READY", ready)
                await self._send(ws, "GUILD_CREATE", guild)
            else:
                await self._send(ws, "READY", {**ready, "guilds": []})
            self.identified.set()

    def _holds(self, ws: web.WebSocketResponse, guild_id: object) -> bool:
        """Whether this connection's shard receives that server's events."""
        shard = self._shards.get(ws)
        if shard is None or guild_id is None:
            return shard is None or shard[0] == 0  # no server: shard 0, as Discord does
        return (int(str(guild_id)) >> 22) % shard[1] == shard[0]

    async def _send(self, ws: web.WebSocketResponse, event: str, data: Json) -> None:
        self._sequence += 1
        frame = {"op": 0, "t": event, "s": self._sequence, "d": data}
        await ws.send_str(json.dumps(frame))

    async def dispatch(self, event: str, data: Json) -> None:
        """Send a dispatch to every identified connection that holds its server's shard."""
        for ws in list(self.sockets):
            if self._holds(ws, data.get("guild_id")):
                await self._send(ws, event, data)

"""The fake Discord's gateway: HELLO, IDENTIFY, READY, GUILD_CREATE, heartbeats, dispatches.

It speaks plain-text JSON frames (discord.py decompresses only binary frames), so a real client
started with ``LEVERS_DISCORD_GATEWAY`` pointing here connects as it would to Discord. A
connection that identifies with ``shard: [id, count]`` gets only its shard's servers, by
Discord's formula ``(guild_id >> 22) % count``: in READY, as GUILD_CREATE, and in dispatches.

Like Discord it keeps the session's dispatches, so a client that RESUMEs gets what it missed
(``overlap`` replays that many events it already had too: delivery is at least once). Faults:
``drop(code)`` closes the connection (4000: resumable; ``invalidate=True`` answers the next
RESUME with an invalid session, forcing a new IDENTIFY), ``zombie`` stops acknowledging
heartbeats and sending anything until the client gives up on the connection.

Privileged intents as Discord enforces them: a client that identifies with the Server Members
intent while ``members_switch`` (the developer portal's switch) is off is closed with 4014
("disallowed intents"); with it, GUILD_CREATE carries ``members`` and a member request (op 8)
is answered with GUILD_MEMBERS_CHUNK.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

Json = dict[str, Any]
HEARTBEAT_MS = 41_250
GUILD_MEMBERS = 1 << 1  # the privileged Server Members intent's bit


class FakeGateway:
    """Accepts gateway connections and sends them dispatches."""

    def __init__(
        self,
        token: str,
        ready: Callable[[], Json],
        guild: Callable[[], Json],
        heartbeat_ms: int = HEARTBEAT_MS,
    ) -> None:
        self.token = token
        self._ready = ready
        self._guild = guild
        self.more_guilds: list[Json] = []
        """Servers besides ``guild`` (GUILD_CREATE to the connections of their shard)."""
        self.heartbeat_ms = heartbeat_ms
        self.members: list[Json] = []  # the main server's member objects
        self.members_switch = False  # the application's Server Members Intent, in the portal
        self.chunk_requests: list[Json] = []
        self.sockets: list[web.WebSocketResponse] = []
        self.identified = asyncio.Event()
        self.identifies: list[Json] = []
        self.resumes: list[Json] = []
        self.resumed = asyncio.Event()
        self.closed = asyncio.Event()
        self.session = ""
        self.zombie = False  # no heartbeat ACK, nothing sent: a half-dead connection
        self.overlap = 0  # events a RESUME replays that the client already had
        self._invalidate = False
        self._sessions = 0
        self._sequence = 0
        self._log: list[Json] = []  # the session's dispatches, for RESUME
        self._shards: dict[web.WebSocketResponse, tuple[int, int]] = {}

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """One client connection, until it closes."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._url = f"ws://{request.host}{request.path}"
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_ms}}))
        try:
            async for frame in ws:
                if frame.type != WSMsgType.TEXT:
                    continue
                await self._receive(ws, json.loads(frame.data))
        finally:
            if ws in self.sockets:
                self.sockets.remove(ws)
            self.zombie = False  # the client gave up on it; the next connection is healthy
            self._shards.pop(ws, None)
            self.closed.set()
        return ws

    async def _receive(self, ws: web.WebSocketResponse, message: Json) -> None:
        op = message.get("op")
        data = message.get("d") or {}
        if op == 1:
            if not self.zombie:
                await ws.send_str(json.dumps({"op": 11}))
        elif op == 2:
            if data.get("token") != self.token:
                await ws.close(code=4004, message=b"Authentication failed.")
                return
            self.identifies.append(data)
            wants_members = bool(int(data.get("intents") or 0) & GUILD_MEMBERS)
            if wants_members and not self.members_switch:
                await ws.close(code=4014, message=b"Disallowed intent(s).")
                return
            self._sessions += 1
            self.session, self._sequence, self._log = f"fake-session-{self._sessions}", 0, []
            self._invalidate = False
            self.sockets.append(ws)
            ready = {**self._ready(), "session_id": self.session, "resume_gateway_url": self._url}
            shard = data.get("shard")
            if shard:
                self._shards[ws] = (int(shard[0]), int(shard[1]))
                ready["shard"] = [int(shard[0]), int(shard[1])]  # as Discord echoes it
            held = [g for g in [self._guild(), *self.more_guilds] if self._holds(ws, g["id"])]
            listed = [{"id": g["id"], "unavailable": True} for g in held]
            await self._send(ws, self._frame("READY", {**ready, "guilds": listed}))
            for guild in held:
                if wants_members and guild["id"] == self._guild()["id"]:
                    guild = {**guild, "members": self.members}
                await self._send(ws, self._frame("GUILD_CREATE", guild))
            self.identified.set()
        elif op == 6:
            await self._resume(ws, data)
        elif op == 8:
            await self._chunk(ws, data)

    async def _chunk(self, ws: web.WebSocketResponse, data: Json) -> None:
        """A member request (op 8): one GUILD_MEMBERS_CHUNK with the server's members."""
        self.chunk_requests.append(data)
        guild_id = str(data.get("guild_id"))
        members = self.members if guild_id == self._guild()["id"] else []
        chunk = {
            "guild_id": guild_id,
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
            "nonce": data.get("nonce"),
        }
        await self._send(ws, self._frame("GUILD_MEMBERS_CHUNK", chunk))

    async def _resume(self, ws: web.WebSocketResponse, data: Json) -> None:
        """Replay what the client missed, then RESUMED; or an invalid session (op 9)."""
        self.resumes.append(data)
        if self._invalidate or data.get("session_id") != self.session:
            await ws.send_str(json.dumps({"op": 9, "d": False}))
            return
        seen = int(data.get("seq") or 0)
        self.sockets.append(ws)
        for frame in self._log:
            if frame["s"] > seen - self.overlap:
                await self._send(ws, frame)
        await self._send(ws, self._frame("RESUMED", {}))
        self.resumed.set()

    def _holds(self, ws: web.WebSocketResponse, guild_id: object) -> bool:
        """Whether this connection's shard receives that server's events."""
        shard = self._shards.get(ws)
        if shard is None or guild_id is None:
            return shard is None or shard[0] == 0  # no server: shard 0, as Discord does
        return (int(str(guild_id)) >> 22) % shard[1] == shard[0]

    def _frame(self, event: str, data: Json) -> Json:
        self._sequence += 1
        frame = {"op": 0, "t": event, "s": self._sequence, "d": data}
        self._log.append(frame)
        return frame

    async def _send(self, ws: web.WebSocketResponse, frame: Json) -> None:
        if not self.zombie and not ws.closed:
            await ws.send_str(json.dumps(frame))

    async def dispatch(self, event: str, data: Json) -> None:
        """Send a dispatch to every identified connection that holds its server's shard (kept
        for a RESUME if none is up)."""
        frame = self._frame(event, data)
        for ws in list(self.sockets):
            if self._holds(ws, data.get("guild_id")):
                await self._send(ws, frame)

    async def drop(self, code: int = 4000, *, invalidate: bool = False) -> None:
        """Close every connection with ``code``; ``invalidate``: refuse the next RESUME."""
        self._invalidate = invalidate
        self.resumed.clear()
        for ws in list(self.sockets):
            self.sockets.remove(ws)
            await ws.close(code=code, message=b"fake gateway fault")

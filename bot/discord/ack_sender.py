"""Interaction callbacks posted from threads of their own, over plain keep-alive connections.

The bot's event loop also runs the store's reads, panel renders, the round's resolution and
discord.py's parsing; under load it is busy most of the time, and an acknowledgment sent from it
waits its turn behind all of that (43-53 ms at p99 in the Discord benchmark, every step alike).
Discord gives an interaction three seconds, and a player sees a spinner until the answer comes.
``AckSender`` posts the callback from a small pool of threads, each with one blocking HTTP
connection kept alive: a blocking socket call lets go of the interpreter lock while it waits,
and there is no second event loop to wake, so a callback costs the process little CPU (an
aiohttp session on a loop of its own cost 1-2 ms of CPU per callback in the benchmark, enough
to slow the reveals). It follows discord.py's webhook adapter: 429 is waited out and asked
again, a 5xx is asked again after 1, 3, 5, 7 s, any other error raises discord.py's own
``HTTPException``. A dropped connection raises the ``OSError``: the caller decides whether to
ask again (``EarlyAcks.settle`` does, and takes "already acknowledged" as arrived).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.client
import json
import threading
import time
import urllib.parse
from typing import Any

import discord

Json = dict[str, Any]
THREADS = 4  # callbacks in flight at once; each takes about a millisecond on the wire
TIMEOUT = 10.0  # seconds for a connection or an answer (Discord's deadline is 3 s)
ATTEMPTS = 5  # as discord.py's adapter


class AckSender:
    """Posts ``/interactions/{id}/{token}/callback`` requests on the sender's threads."""

    def __init__(self) -> None:
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._local = threading.local()
        self._lock = threading.Lock()

    def post(
        self, interaction_id: int, token: str, payload: Json
    ) -> concurrent.futures.Future[Any]:
        """Send the callback; the future completes with Discord's answer (or its error)."""
        with self._lock:
            if self._pool is None:
                self._pool = concurrent.futures.ThreadPoolExecutor(THREADS, "levers-ack")
            pool = self._pool
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode()
        return pool.submit(self._post, interaction_id, token, body)

    def _connection(self, base: urllib.parse.SplitResult) -> http.client.HTTPConnection:
        found: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if found is not None and getattr(self._local, "netloc", None) == base.netloc:
            return found
        if found is not None:
            found.close()
        made_class = (
            http.client.HTTPSConnection if base.scheme == "https" else http.client.HTTPConnection
        )
        made = made_class(base.netloc, timeout=TIMEOUT)
        self._local.connection, self._local.netloc = made, base.netloc
        return made

    def _post(self, interaction_id: int, token: str, body: bytes) -> Any:
        # Route.BASE is read per request: the tests point discord.py at a fake Discord
        base = urllib.parse.urlsplit(discord.http.Route.BASE)
        quoted = urllib.parse.quote(token, safe="")
        path = f"{base.path}/interactions/{interaction_id}/{quoted}/callback?with_response=1"
        headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
        for attempt in range(ATTEMPTS):
            connection = self._connection(base)
            try:
                connection.request("POST", path, body, headers)
                response = connection.getresponse()
                raw = response.read()
            except (OSError, http.client.HTTPException):
                connection.close()  # the next request opens a fresh one
                self._local.connection = None
                raise
            data = _decoded(raw, response.getheader("Content-Type") or "")
            if 200 <= response.status < 300:
                return data
            if response.status == 429 and response.getheader("Via") and isinstance(data, dict):
                time.sleep(float(data.get("retry_after") or 1.0))
                continue
            if response.status >= 500 and attempt < ATTEMPTS - 1:
                time.sleep(1 + attempt * 2)
                continue
            raise _error(response, data)
        raise _error(response, data)

    async def close(self) -> None:
        """Let the callbacks in flight finish, then stop the threads."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown)


def _decoded(raw: bytes, content_type: str) -> Any:
    if not raw:
        return None
    text = raw.decode("utf-8", "replace")
    if content_type.startswith("application/json"):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _error(response: http.client.HTTPResponse, data: Any) -> discord.HTTPException:
    """discord.py's exception for this answer (it reads ``status`` and ``reason``, which an
    ``http.client`` response has too)."""
    kind = {403: discord.Forbidden, 404: discord.NotFound}.get(response.status)
    if kind is None:
        kind = discord.DiscordServerError if response.status >= 500 else discord.HTTPException
    return kind(response, data)

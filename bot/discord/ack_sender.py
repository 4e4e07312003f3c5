"""Interaction callbacks posted from a thread of their own.

The bot's event loop also runs the store's reads, panel renders, the round's resolution and
discord.py's parsing; under load it is busy most of the time, and an acknowledgment sent from it
waits its turn behind all of that (43-53 ms at p99 in the Discord benchmark, every step alike).
Discord gives an interaction three seconds, and a player sees a spinner until the answer comes.
``AckSender`` keeps a second event loop on a daemon thread, with its own HTTP session and its own
copy of discord.py's webhook adapter (the code discord.py uses for the same request: its retries
on 429 and 5xx, its errors), so the callback goes out as soon as the payload is parsed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable
from typing import Any

import aiohttp
import discord
from discord.http import MultipartParameters
from discord.webhook.async_ import AsyncWebhookAdapter

Json = dict[str, Any]
CLOSE_TIMEOUT = 5.0  # seconds to close the session and join the thread when the bot stops
# How long ``post`` lets the sender's thread run before the caller goes on: until the request
# is written, but never longer than this (a sender that is slow to start is not waited for).
HANDOFF = 0.005
WRITE_TURNS = 2


class AckSender:
    """Posts ``/interactions/{id}/{token}/callback`` requests on the sender's own thread."""

    def __init__(self, http: discord.http.HTTPClient) -> None:
        self._proxy = http.proxy
        self._proxy_auth = http.proxy_auth
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._session: aiohttp.ClientSession | None = None
        self._adapter: AsyncWebhookAdapter | None = None
        self._start_lock = threading.Lock()

    def post(
        self, interaction_id: int, token: str, payload: Json
    ) -> concurrent.futures.Future[Any]:
        """Send the callback; the future completes with Discord's answer (or its error).

        The caller (the bot's loop, which holds the interpreter lock while it works) waits
        until the sender has written the request, at most HANDOFF seconds: otherwise the sender's
        thread waited for the lock at the next switch (1 ms and more while the loop is busy)."""
        loop = self._started()
        written = threading.Event()
        future = asyncio.run_coroutine_threadsafe(
            self._post(interaction_id, token, payload, written), loop
        )
        written.wait(HANDOFF)  # releases the lock: the sender runs now
        return future

    def _started(self) -> asyncio.AbstractEventLoop:
        with self._start_lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="levers-ack", daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    async def _post(
        self, interaction_id: int, token: str, payload: Json, written: threading.Event
    ) -> Any:
        if self._session is None or self._adapter is None:
            # made on this thread's loop: a session and the adapter's locks belong to one loop
            self._session = aiohttp.ClientSession()
            self._adapter = AsyncWebhookAdapter()  # type: ignore[no-untyped-call]
        request = asyncio.ensure_future(
            self._adapter.create_interaction_response(
                interaction_id,
                token,
                session=self._session,
                proxy=self._proxy,
                proxy_auth=self._proxy_auth,
                params=MultipartParameters(payload=payload, multipart=None, files=None),
            )
        )
        # The request's first step writes its headers and starts the task that writes its body
        # (aiohttp on Python < 3.12); two turns of this loop later both are on the wire.
        _after_turns(asyncio.get_running_loop(), WRITE_TURNS, written.set)
        return await request

    async def close(self) -> None:
        """Close the session and stop the thread (callbacks still in flight are let finish
        for up to CLOSE_TIMEOUT seconds)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self._loop = self._thread = None
        closing = asyncio.run_coroutine_threadsafe(self._close_session(), loop)
        try:
            await asyncio.wait_for(asyncio.wrap_future(closing), CLOSE_TIMEOUT)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            await asyncio.to_thread(thread.join, CLOSE_TIMEOUT)
            if not thread.is_alive():
                loop.close()

    async def _close_session(self) -> None:
        pending = [
            t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()
        ]
        if pending:
            await asyncio.wait(pending, timeout=CLOSE_TIMEOUT)
        if self._session is not None:
            await self._session.close()
            self._session = None


def _after_turns(loop: asyncio.AbstractEventLoop, turns: int, callback: Callable[[], Any]) -> None:
    """Call ``callback`` after ``turns`` more turns of ``loop``."""
    if turns <= 0:
        callback()
    else:
        loop.call_soon(_after_turns, loop, turns - 1, callback)

"""Every request the bot sends waits out a global rate limit, retries and queued ones included.

discord.py (2.7) checks for a global 429 once, when a request starts, before it takes its
bucket's lock. A request that then waits for that lock (a channel's posts queue behind each
other) or sleeps before retrying a 500/502 is sent without a second look, so it can reach
Discord in the middle of a global limit that began meanwhile, and Discord counts such requests
towards a Cloudflare ban. This module adds the second look through aiohttp's request hooks,
which run before every attempt: ``on_request_end`` notes until when a global 429 holds,
``on_request_start`` sleeps until then.

The deadline comes from the 429's ``Retry-After`` header (whole seconds, rounded up), so the
wait is bounded and never rests on discord.py's private event: a request cut off while it
slept on a 429 (a bot being stopped) cannot leave every later request waiting forever.
Interaction routes (the callback, followups, ``@original``) are exempt, as Discord documents.
"""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import aiohttp
import yarl

log = logging.getLogger("levers.discord")

EXEMPT = ("/interactions/", "/webhooks/")  # not bound by the bot's global limit
MAX_WAIT = 60.0  # seconds: a longer Retry-After is not a rate limit worth sleeping through


class GlobalLimit:
    """Until when (on the loop's clock) a global 429 holds the bot's requests back."""

    def __init__(self) -> None:
        self.until = 0.0
        self.waited = 0  # attempts this held back (the tests check it did the waiting)

    def trace(self) -> aiohttp.TraceConfig:
        """The hooks to pass to discord.py as ``http_trace``."""
        config = aiohttp.TraceConfig()
        config.on_request_start.append(self._before)
        config.on_request_end.append(self._after)
        return config

    @staticmethod
    def bound(url: yarl.URL) -> bool:
        """Whether a request to ``url`` is bound by the global limit (not the gateway's socket,
        not an interaction's routes)."""
        return url.scheme in ("http", "https") and not any(part in url.path for part in EXEMPT)

    async def _before(
        self,
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        params: aiohttp.TraceRequestStartParams,
    ) -> None:
        delay = self.until - asyncio.get_running_loop().time()
        if delay > 0 and self.bound(params.url):
            self.waited += 1
            await asyncio.sleep(delay)

    async def _after(
        self,
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        params: aiohttp.TraceRequestEndParams,
    ) -> None:
        response = params.response
        if response.status != 429 or not self.bound(params.url):
            return
        headers = response.headers
        if headers.get("X-RateLimit-Global", "").lower() != "true":
            return
        try:
            seconds = float(headers.get("Retry-After", "1"))
        except ValueError:
            seconds = 1.0
        seconds = min(max(seconds, 0.0), MAX_WAIT)
        self.until = max(self.until, asyncio.get_running_loop().time() + seconds)
        # discord.py already warns of the 429 itself; this says what the bot does about it
        log.info("global rate limit: every request waits %.1f s", seconds)

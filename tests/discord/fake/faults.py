"""Faults the fake Discord injects on command: rate limits, server errors, lost answers, slowness.

A test scripts them (``faults.on("messages", Fault.ratelimit(0.05), times=3)``: the next three
message posts answer 429) or draws them at random from a seeded generator
(``faults.randomly(...)``, for the soak). Either way the fake also checks the client's side of
the bargain: a request sent to a bucket before the ``retry_after`` of its 429 (or the reset of
an exhausted bucket) has passed, or any request before a global 429 has passed, is recorded in
``violations`` (Discord counts those towards a Cloudflare ban); one that arrives within
``IN_FLIGHT`` of a global 429 was already on its way and is counted in ``in_flight`` instead.

Fault kinds, as Discord shows them to a client:

- ``ratelimit``: 429 with ``retry_after``, ``X-RateLimit-*`` headers and ``Via`` (discord.py
  treats a 429 without ``Via`` as a Cloudflare ban); ``global_`` adds ``X-RateLimit-Global``.
- ``exhaust``: the request succeeds but its bucket is left with ``X-RateLimit-Remaining: 0``
  for ``seconds``: a client that skips its own limiter sends too early.
- ``server_error``: 500, 502 or 503, nothing applied.
- ``lost``: the request is applied, then the connection drops before the answer.
- ``slow``: Discord takes ``seconds`` before applying (``after=False``) or before answering
  (``after=True``). With ``virtual=True`` no real time passes: Discord's clock jumps instead (its
  interaction deadlines move accordingly), so a test can cross the 3 s deadline instantly.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

# Route names a test can use instead of a regular expression (paths after /api/v10).
ROUTES = {
    "messages": r"POST /channels/\d+/messages",
    "history": r"GET /channels/\d+/messages",
    "threads": r"POST /channels/\d+(/messages/\d+)?/threads",
    "callback": r"POST /interactions/\d+/[^/]+/callback",
    "followup": r"POST /webhooks/\d+/[^/]+",
    "webhook_edit": r"PATCH /webhooks/\d+/[^/]+/messages/.+",
    "edit": r"PATCH /channels/\d+/messages/\d+",
    "any": r"\w+ /.*",
}

# A request reaching Discord this soon after a global 429 left the client before the client
# could read that 429 (other connections, a busy loop): Discord answers it 429 too, but no
# client can avoid it, so it is counted apart, not as a violation. Observed: 0-30 ms.
IN_FLIGHT = 0.1
INTERACTION_ROUTES = ("/interactions/", "/webhooks/")  # exempt from the global limit


@dataclass(frozen=True)
class Fault:
    """One misbehaviour (build with the class methods)."""

    kind: str
    status: int = 0
    seconds: float = 0.0
    global_: bool = False
    after: bool = False
    virtual: bool = False

    @classmethod
    def ratelimit(cls, retry_after: float, *, global_: bool = False) -> Fault:
        """429 Too Many Requests for ``retry_after`` seconds (per route, or global)."""
        return cls("ratelimit", 429, retry_after, global_)

    @classmethod
    def exhaust(cls, reset_after: float) -> Fault:
        """Succeed, but leave the bucket empty for ``reset_after`` seconds."""
        return cls("exhaust", 200, reset_after)

    @classmethod
    def server_error(cls, status: int) -> Fault:
        """A 500, 502 or 503 answer; nothing applied."""
        assert status in (500, 502, 503)
        return cls("server_error", status)

    @classmethod
    def lost(cls) -> Fault:
        """Applied, then the connection drops before the answer."""
        return cls("lost")

    @classmethod
    def slow(cls, seconds: float, *, after: bool = False, virtual: bool = False) -> Fault:
        """Take ``seconds`` before applying (or, ``after``, before answering)."""
        return cls("slow", 0, seconds, after=after, virtual=virtual)


@dataclass
class _Rule:
    fault: Fault
    pattern: re.Pattern[str]
    times: int  # requests it still hits (-1: every one)
    skip: int  # matching requests to let through first
    rate: float = 1.0  # probability of hitting a matching request (random rules)


def _pattern(route: str) -> re.Pattern[str]:
    return re.compile("^" + ROUTES.get(route, route) + "$")


def bucket_of(method: str, path: str) -> str:
    """The fake's rate-limit bucket of a request: the route with its major parameter kept."""
    path = re.sub(r"/messages/\d+", "/messages/:id", path)
    return f"{method} {path}"


@dataclass
class Faults:
    """The faults in force, what was injected, and the client's rate-limit violations."""

    seed: int = 0
    rules: list[_Rule] = field(default_factory=list)
    injected: Counter[str] = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)
    skew: float = 0.0  # seconds Discord's clock is ahead (virtual slowness)
    forget_nonces: bool = False  # Discord keeps a nonce a few minutes only: as if they passed
    _blocked: dict[str, float] = field(default_factory=dict)
    in_flight: int = 0  # requests that reached Discord just after a global 429 (not violations)
    _global_until: float = 0.0
    _global_last: float = 0.0  # when the last global 429 was answered

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def on(self, route: str, fault: Fault, *, times: int = 1, skip: int = 0) -> None:
        """Inject ``fault`` on the next ``times`` requests matching ``route`` (after ``skip``)."""
        self.rules.append(_Rule(fault, _pattern(route), times, skip))

    def randomly(self, route: str, fault: Fault, rate: float) -> None:
        """Inject ``fault`` on each request matching ``route`` with probability ``rate``."""
        self.rules.append(_Rule(fault, _pattern(route), -1, 0, rate))

    def clear(self) -> None:
        """No more faults (those already answered stay answered)."""
        self.rules.clear()

    def pick(self, method: str, path: str) -> Fault | None:
        """The fault for this request, if any (each request draws at most one)."""
        key = f"{method} {path.removeprefix('/api/v10')}"
        for rule in self.rules:
            if rule.times == 0 or not rule.pattern.match(key):
                continue
            if rule.skip > 0:
                rule.skip -= 1
                continue
            if rule.rate < 1.0 and self.rng.random() >= rule.rate:
                continue
            if rule.times > 0:
                rule.times -= 1
            self.injected[rule.fault.kind] += 1
            return rule.fault
        return None

    # --- rate limits -------------------------------------------------------------------------

    def check_limits(self, method: str, path: str, now: float) -> None:
        """Record a request sent while its bucket (or everything) was rate limited."""
        bucket = bucket_of(method, path)
        # "Interaction endpoints are not bound to the bot's Global Rate Limit" (Discord's docs):
        # the callback and the routes the interaction token opens (@original, followups).
        interaction = path.startswith(INTERACTION_ROUTES)
        if now < self._global_until and not interaction:
            since = now - self._global_last
            if since < IN_FLIGHT:
                self.in_flight += 1  # sent before the client could have read the 429
            else:
                self.violations.append(
                    f"{method} {path}: sent during a global rate limit"
                    f" ({1000 * since:.0f} ms after its 429)"
                )
        if now < self._blocked.get(bucket, 0.0):
            self.violations.append(f"{method} {path}: sent before its bucket reset")

    def ratelimited(self, method: str, path: str, fault: Fault, now: float) -> web.Response:
        """The 429 answer, remembering until when the client must wait."""
        if fault.global_:
            if not path.startswith(INTERACTION_ROUTES):  # those never bind the bot's others
                self._global_last = now
                self._global_until = max(self._global_until, now + fault.seconds)
        else:
            bucket = bucket_of(method, path)
            self._blocked[bucket] = max(self._blocked.get(bucket, 0.0), now + fault.seconds)
        body = {
            "message": "You are being rate limited.",
            "retry_after": fault.seconds,
            "global": fault.global_,
            "code": 0,
        }
        headers = self.limit_headers(method, path, fault.seconds)
        headers["Retry-After"] = str(math.ceil(fault.seconds))
        headers["X-RateLimit-Scope"] = "global" if fault.global_ else "user"
        if fault.global_:
            headers["X-RateLimit-Global"] = "true"
        return web.Response(
            body=json.dumps(body).encode(),
            status=429,
            headers={**headers, "Content-Type": "application/json"},
        )

    def exhausted(self, method: str, path: str, fault: Fault, now: float) -> dict[str, str]:
        """Headers for a success that empties its bucket for ``fault.seconds``."""
        bucket = bucket_of(method, path)
        self._blocked[bucket] = max(self._blocked.get(bucket, 0.0), now + fault.seconds)
        return self.limit_headers(method, path, fault.seconds)

    @staticmethod
    def limit_headers(method: str, path: str, reset_after: float) -> dict[str, str]:
        """The ``X-RateLimit-*`` headers of an empty bucket (``Via``: Discord's proxy)."""
        return {
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": format(abs(hash(bucket_of(method, path))), "x"),
            "Via": "1.1 google",
        }

    # --- slowness ----------------------------------------------------------------------------

    async def wait(self, fault: Fault) -> None:
        """Let ``fault.seconds`` pass: really, or on Discord's clock only."""
        if fault.virtual:
            self.skew += fault.seconds
        else:
            await asyncio.sleep(fault.seconds)  # the fake's latency, not a test waiting


def drop_connection(request: web.Request) -> None:
    """Close the client's connection without an answer (the request was already applied)."""
    transport = request.transport
    if transport is not None:
        transport.abort()


async def inject(
    faults: Faults,
    request: web.Request,
    now: float,
    handle: Callable[[], Awaitable[web.Response]],
) -> web.Response:
    """Answer one request, with the fault drawn for it (if any) around the real handler."""
    method, path = request.method, request.path.removeprefix("/api/v10")
    faults.check_limits(method, path, now)
    fault = faults.pick(method, path)
    if fault is None:
        return await handle()
    if fault.kind == "ratelimit":
        return faults.ratelimited(method, path, fault, now)
    if fault.kind == "server_error":
        if fault.status == 502:  # Cloudflare's gateway error is an HTML page
            return web.Response(status=502, text="<html>502 Bad Gateway</html>")
        data = {"message": f"{fault.status}: Internal Server Error", "code": 0}
        return web.Response(
            body=json.dumps(data).encode(),
            status=fault.status,
            headers={"Content-Type": "application/json"},
        )
    if fault.kind == "slow" and not fault.after:
        await faults.wait(fault)
    response = await handle()
    if fault.kind == "slow" and fault.after:
        await faults.wait(fault)
    elif fault.kind == "lost":
        drop_connection(request)
    elif fault.kind == "exhaust" and response.status < 300:
        response.headers.update(faults.exhausted(method, path, fault, now))
    return response


def describe(faults: Faults) -> dict[str, Any]:
    """A summary for reports: injected faults by kind and the violations seen."""
    return {"injected": dict(faults.injected), "violations": len(faults.violations)}

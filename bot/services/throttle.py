"""Abuse limits: how fast one person may act on one match.

A token bucket per (player, match): ``RATE`` actions a second on average, ``BURST`` at once
(a few quick clicks while composing orders are normal; a script hammering a button is not).
Beyond that the use case raises Cooldown before it reads or writes anything, so nothing is
stored. Only requests from Discord are limited: the terminal and the bot itself are not.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from bot.services.errors import Cooldown
from bot.services.models import Actor

RATE = 5.0
"""Actions a second one person may take on one match, on average."""
BURST = 10
"""Actions one person may take on one match at once before the rate applies."""
KEPT = 4096
"""Buckets remembered (the least recently used go first)."""


class Throttle:
    """Token buckets keyed by (player, match), on a monotonic clock (injectable for tests)."""

    def __init__(
        self,
        rate: float = RATE,
        burst: int = BURST,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: OrderedDict[tuple[str, int], tuple[float, float]] = OrderedDict()

    def admit(self, actor: Actor, match_id: int) -> None:
        """Count one action of the actor on the match; Cooldown when they act too fast."""
        if actor.front != "discord":
            return
        key = (actor.player, match_id)
        now = self.clock()
        tokens, since = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - since) * self.rate)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            raise Cooldown(
                f"that was more than {self.rate:g} actions a second on match {match_id}; "
                "wait a moment, then try again (nothing was saved)"
            )
        self._buckets[key] = (tokens - 1.0, now)
        while len(self._buckets) > KEPT:
            self._buckets.popitem(last=False)

"""An interaction Discord delivers twice is handled once.

The gateway delivers at least once: after a RESUME it may replay an INTERACTION_CREATE the bot
already saw. discord.py would build and dispatch a second ``Interaction`` with the same id (the
second answer fails with "already acknowledged", and the action would run twice), so the
bot's INTERACTION_CREATE parser is wrapped to drop an id it has already seen.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

REMEMBERED = 10_000  # ids kept; an interaction's token lives 15 minutes, far fewer arrive
Parser = Callable[[Any], None]


class SeenOnce:
    """The ids of the latest interactions, oldest forgotten first."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self.dropped = 0

    def first(self, key: str) -> bool:
        """True the first time ``key`` is seen."""
        if key in self._seen:
            self.dropped += 1
            return False
        self._seen[key] = None
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return True

    def wrap(self, parser: Parser) -> Parser:
        """``parser``, skipping payloads whose interaction id was already parsed."""

        def parse(data: Any) -> None:
            if self.first(str(data.get("id"))):
                parser(data)

        return parse

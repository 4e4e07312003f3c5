"""What the fake Discord remembers: messages as the bot sent them, and interactions."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.discord.fake.payloads import FakeUser

EPHEMERAL = 1 << 6
LOADING = 1 << 7


@dataclass
class Sent:
    """A message the bot posted, as the fake stores it (the latest version, plus history)."""

    id: int
    channel_id: int
    data: dict[str, Any]
    ephemeral: bool
    owner: int | None  # who may see an ephemeral message
    interaction_id: int | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    nonce: str | None = None
    files: dict[str, bytes] = field(default_factory=dict)  # attached files by name, as uploaded

    @property
    def content(self) -> str:
        """The message text."""
        return str(self.data.get("content") or "")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        """The embeds as sent."""
        embeds: list[dict[str, Any]] = self.data.get("embeds") or []
        return embeds

    def text(self) -> str:
        """Everything a person reads in the message: content, embeds and component labels."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            parts += [(embed.get("author") or {}).get("name") or ""]
            parts += [(embed.get("footer") or {}).get("text") or ""]
            for f in embed.get("fields") or []:
                parts += [f.get("name") or "", f.get("value") or ""]
        for item in self.components():
            parts += [item.get("label") or "", item.get("placeholder") or ""]
            for option in item.get("options") or []:
                parts += [option.get("label") or "", option.get("description") or ""]
        return "\n".join(p for p in parts if p)

    def components(self) -> list[dict[str, Any]]:
        """Every button and select in the message, in order."""
        found: list[dict[str, Any]] = []
        for row in self.data.get("components") or []:
            found.extend(row.get("components") or [])
        return found

    def component(
        self, *, label: str | None = None, custom_id: str | None = None
    ) -> dict[str, Any]:
        """The one component with this label or custom_id (AssertionError otherwise)."""
        hits = [
            c
            for c in self.components()
            if (label is None or c.get("label") == label)
            and (custom_id is None or c.get("custom_id") == custom_id)
        ]
        labels = [c.get("label") or c.get("custom_id") for c in self.components()]
        assert len(hits) == 1, f"no single component {label or custom_id!r} among {labels}"
        return hits[0]


@dataclass
class InteractionRecord:
    """One interaction the fake handed to the bot, and how the bot answered it."""

    id: int
    token: str
    user: FakeUser
    kind: int
    channel_id: int
    created: float
    data: dict[str, Any] = field(default_factory=dict)
    message_id: int | None = None
    callbacks: list[int] = field(default_factory=list)
    acked_at: float | None = None
    original: int | None = None
    deferred_ephemeral: bool = False
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None  # an autocomplete's answer
    followups: list[int] = field(default_factory=list)
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    updated: asyncio.Event = field(default_factory=asyncio.Event)
    edits: int = 0

    def touch(self, wake: Callable[[asyncio.Event], None] = asyncio.Event.set) -> None:
        """Something happened for this interaction (a response, a followup, an edit); ``wake``
        sets the event on the loop that waits on it (the fake may serve from another thread)."""
        wake(self.updated)

    async def until(self, done: Callable[[InteractionRecord], bool]) -> None:
        """Wait (on events, never sleeps) until ``done(record)`` holds."""
        while not done(self):
            await self.updated.wait()
            self.updated.clear()

"""Which servers a bot process owns when several share one store (Discord's sharding).

Discord sends a server's events to shard ``(guild_id >> 22) % shard_count``; a process holding
some shards owns those servers' timers and announcements, and no other process touches them.
Matches without a server (the terminal's) belong to shard 0, as direct messages do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

SHIFT = 1 << 22
"""``guild_id >> 22`` written as a division, which SQLite and PostgreSQL both do on integers."""


def shard_of(guild_id: int, count: int) -> int:
    """The shard Discord delivers a server's events on."""
    return (guild_id >> 22) % count


@dataclass(frozen=True)
class Shards:
    """The shards one process holds, of ``count``."""

    count: int
    ids: tuple[int, ...]

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError("the shard count is at least 1")
        if not self.ids or any(i < 0 or i >= self.count for i in self.ids):
            raise ValueError(f"shard ids are between 0 and {self.count - 1}")

    @classmethod
    def of(cls, count: int, ids: Iterable[int] | None = None) -> Shards:
        """``ids`` of ``count`` shards (all of them when None)."""
        chosen = range(count) if ids is None else ids
        return cls(count, tuple(sorted(set(chosen))))

    @property
    def all(self) -> bool:
        """Whether this process holds every shard (the one-process deployment)."""
        return len(self.ids) == self.count

    def owns(self, guild_id: str | None) -> bool:
        """Whether this process handles that server (None: no server, shard 0)."""
        if guild_id is None:
            return 0 in self.ids
        return shard_of(int(guild_id), self.count) in self.ids

    def where(self, column: str) -> tuple[str, list[Any]]:
        """An SQL condition on a server-id column, with its parameters: the rows this process
        owns. (Server ids are Discord's numeric ids whenever a process holds only some shards.)
        """
        marks = ",".join("?" * len(self.ids))
        sql = f"(CAST({column} AS BIGINT) / {SHIFT}) % ? IN ({marks})"
        if 0 in self.ids:
            sql = f"({column} IS NULL OR {sql})"
        return sql, [self.count, *self.ids]

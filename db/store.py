"""The store's one interface: transactions (``Tx``) and the store that hands them out.

Two drivers implement it: ``db.sqlite`` (one file, aiosqlite; the default) and ``db.postgres``
(a shared PostgreSQL server, asyncpg; for several bot processes). ``Store.open`` picks the
driver from the target: a ``postgresql://`` URL or a file path. The repositories (``db.repos``)
write their SQL once, with ``?`` placeholders, in the dialect both engines share.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from db.errors import StoreError

Hook = Callable[[str], None]
"""Called at ``begin``, ``before_commit`` and ``after_commit`` (crash tests kill there)."""

URL_SCHEMES = ("postgresql://", "postgres://")


class Row(Protocol):
    """A result row: by column position or name (``sqlite3.Row``, ``asyncpg.Record``)."""

    def __getitem__(self, key: int | str, /) -> Any: ...


def is_url(target: Path | str) -> bool:
    """Whether a ``--db``/``$LEVERS_DB`` value names a PostgreSQL server (not a file)."""
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


class Tx(ABC):
    """Statements inside one transaction."""

    def __init__(self) -> None:
        self.touched: set[str] = set()
        """What the transaction wrote that someone may wait for (``outbox``, ``timers``)."""

    def touch(self, what: str) -> None:
        """Note that the transaction wrote to ``what`` (told to listeners after the commit)."""
        self.touched.add(what)

    @abstractmethod
    async def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Every row of a query."""

    async def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """The first row of a query, or None."""
        rows = await self.all(sql, params)
        return rows[0] if rows else None

    async def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """The first column of the first row, or None."""
        row = await self.one(sql, params)
        return None if row is None else row[0]

    @abstractmethod
    async def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Execute one statement."""

    async def count(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute an UPDATE or DELETE and return how many rows it changed."""
        return len(await self.all(f"{sql} RETURNING 1", params))

    @abstractmethod
    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute an INSERT into a table with an ``id`` column and return the new row's id."""

    @abstractmethod
    async def many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Execute one statement for each row of parameters."""

    async def skip_locked(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """A SELECT whose rows this transaction claims: rows another transaction has claimed
        are skipped (PostgreSQL's ``FOR UPDATE SKIP LOCKED``; SQLite has one writer, so a plain
        SELECT in a write transaction claims them already)."""
        return await self.all(sql, params)


class Store(ABC):
    """Where matches live; open with ``await Store.open(target)``, close with ``close()``."""

    location: str
    """The file or the server (without its password), for messages."""

    @classmethod
    async def open(
        cls,
        target: Path | str,
        *,
        clock: Callable[[], datetime] | None = None,
        busy_timeout_ms: int = 5000,
        max_page_count: int | None = None,
        hook: Hook | None = None,
        upto: int | None = None,
    ) -> Store:
        """Open and migrate the store: a PostgreSQL server for a ``postgresql://`` URL, else
        the SQLite file at that path. Raises SchemaTooNew, before changing anything, when the
        store is newer than this code; ``upto`` stops at an older migration (tests)."""
        if is_url(target):
            from db.postgres import PgStore  # asyncpg is imported only when asked for

            return await PgStore.connect(
                str(target), clock=clock, busy_timeout_ms=busy_timeout_ms, hook=hook, upto=upto
            )
        from db.sqlite import SqliteStore

        return await SqliteStore.connect(
            Path(target),
            clock=clock,
            busy_timeout_ms=busy_timeout_ms,
            max_page_count=max_page_count,
            hook=hook,
            upto=upto,
        )

    @abstractmethod
    async def close(self) -> None:
        """Close every connection."""

    @abstractmethod
    def write(self) -> AbstractAsyncContextManager[Tx]:
        """One write transaction, committed when the block ends without error (StoreBusy,
        StoreFull: nothing was written)."""

    @abstractmethod
    def read(self) -> AbstractAsyncContextManager[Tx]:
        """A read transaction: one consistent snapshot."""

    @abstractmethod
    def match_lock(self, match_id: int) -> AbstractAsyncContextManager[None]:
        """Held around a use case that changes one match, across every process that shares
        the store (SQLite: nothing to do, one process writes the file; PostgreSQL: an
        advisory lock). The per-process ``asyncio.Lock`` is taken first, by the services."""

    @abstractmethod
    async def trace(self, callback: Callable[[str], None] | None) -> None:
        """Call ``callback`` with the text of every statement run (None: stop)."""

    async def set_max_page_count(self, pages: int) -> None:
        """Cap the database's size (SQLite only: a server's size is its operator's)."""
        raise StoreError(f"{self.location}: a size cap is set on the server, not by Levers")

    async def backup(self, target: Path | str) -> None:
        """Copy the database consistently to a file (SQLite only: use pg_dump for a server)."""
        raise StoreError(f"{self.location}: back a PostgreSQL store up with pg_dump")


__all__ = ["Hook", "Row", "Store", "StoreError", "Tx", "is_url"]

"""The SQLite driver: one file, one writer connection behind a lock, one reader connection.

Every write is one ``BEGIN IMMEDIATE`` transaction on the writer (``async with store.write()``);
nothing but the database is awaited inside one, because aiosqlite runs every statement of a
connection on one thread and a foreign ``await`` would let other coroutines' statements join the
transaction. Reads use a small pool of their own connections (WAL lets them run beside a write
and beside each other), each read in a read transaction, so its queries see one snapshot.
Pragmas: ``journal_mode=WAL``, ``synchronous=FULL`` (a commit is on disk before it is
acknowledged), ``busy_timeout``, ``foreign_keys=ON``. Migrations run at open. sqlite3 errors a
person can act on (full, locked, unreadable) become ``StoreError``s; the transaction is undone
and the store keeps working.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

from db.errors import ConstraintBroken, StoreUnavailable, translate
from db.migrate import load_migrations, migrate, too_new, user_version
from db.store import Hook, Row, Store, Tx

READERS = 3
"""Reader connections (each with its own thread); reads wait only when all are busy."""


class SqliteTx(Tx):
    """Statements inside one transaction; each call is one trip to the database thread."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        super().__init__()
        self._conn = conn

    async def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Every row of a query."""
        try:
            return list(await self._conn.execute_fetchall(sql, params))
        except sqlite3.IntegrityError as err:
            raise ConstraintBroken(str(err)) from err

    async def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Execute one statement."""
        await self.all(sql, params)

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute an INSERT and return the new row's id."""
        try:
            row = await self._conn.execute_insert(sql, params)
        except sqlite3.IntegrityError as err:
            raise ConstraintBroken(str(err)) from err
        assert row is not None
        return int(row[0])

    async def many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Execute one statement for each row of parameters."""
        try:
            await self._conn.executemany(sql, rows)
        except sqlite3.IntegrityError as err:
            raise ConstraintBroken(str(err)) from err


async def _connect(path: Path, busy_timeout_ms: int) -> aiosqlite.Connection:
    try:
        conn = await aiosqlite.connect(str(path), isolation_level=None)
    except sqlite3.Error as err:
        raise translate(err, path) or StoreUnavailable(f"cannot open {path}: {err}") from err
    conn.row_factory = sqlite3.Row
    await conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    return conn


async def _pragmas(conn: aiosqlite.Connection, path: Path, *, reader: bool) -> None:
    rows = list(await conn.execute_fetchall("PRAGMA journal_mode = WAL"))
    if str(rows[0][0]).lower() != "wal":
        raise StoreUnavailable(f"{path}: this filesystem does not support SQLite's WAL mode")
    await conn.execute("PRAGMA synchronous = FULL")
    await conn.execute("PRAGMA foreign_keys = ON")
    if reader:
        await conn.execute("PRAGMA query_only = ON")


class SqliteStore(Store):
    """The database of matches in one SQLite file (``Store.open(path)``)."""

    def __init__(
        self,
        path: Path,
        writer: aiosqlite.Connection,
        readers: list[aiosqlite.Connection],
        busy_timeout_ms: int,
        hook: Hook | None,
    ) -> None:
        self.path = path
        self.location = str(path)
        self._writer = writer
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        for reader in readers:
            self._readers.put_nowait(reader)
        self._reader_count = len(readers)
        self._busy_timeout_ms = busy_timeout_ms
        self._hook = hook
        self._write_lock = asyncio.Lock()
        self._max_page_count: int | None = None

    @classmethod
    async def connect(
        cls,
        path: Path | str,
        *,
        clock: Callable[[], datetime] | None = None,
        busy_timeout_ms: int = 5000,
        max_page_count: int | None = None,
        hook: Hook | None = None,
        upto: int | None = None,
    ) -> SqliteStore:
        """Open (creating it and its directory if needed) and migrate the database.

        Raises SchemaTooNew, before changing anything, when the file is newer than this code.
        ``max_page_count`` caps the file's size; ``upto`` stops at an older migration (tests).
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        now = (clock or (lambda: datetime.now(UTC)))()
        writer = await _connect(path, busy_timeout_ms)
        readers: list[aiosqlite.Connection] = []
        try:
            latest = len(load_migrations())
            found = await user_version(writer)
            if found > latest:
                raise too_new(path, found, latest)
            await _pragmas(writer, path, reader=False)
            await migrate(writer, now, path, upto=upto)
            for _ in range(READERS):
                readers.append(await _connect(path, busy_timeout_ms))
                await _pragmas(readers[-1], path, reader=True)
        except BaseException as err:
            for conn in [writer, *readers]:
                await conn.close()
            if isinstance(err, sqlite3.Error):
                raise translate(err, path) or err from err
            raise
        store = cls(path, writer, readers, busy_timeout_ms, hook)
        if max_page_count is not None:
            await store.set_max_page_count(max_page_count)
        return store

    async def close(self) -> None:
        """Close both connections (the last one out checkpoints the WAL)."""
        async with self._write_lock:
            for _ in range(self._reader_count):
                await (await self._readers.get()).close()
            await self._writer.close()

    async def set_max_page_count(self, pages: int) -> None:
        """Cap the database at ``pages`` pages (the cap holds for this store's writer only)."""
        async with self._write_lock:
            self._max_page_count = pages
            await self._writer.execute(f"PRAGMA max_page_count = {int(pages)}")

    async def trace(self, callback: Callable[[str], None] | None) -> None:
        """Call ``callback`` with the text of every statement any connection runs (None: stop);
        tests count the statements of one interaction with it."""
        handler: Any = callback  # aiosqlite's stub has no None, which sqlite3 takes to stop
        async with self._write_lock:
            await self._writer.set_trace_callback(handler)
            readers = [await self._readers.get() for _ in range(self._reader_count)]
            try:
                for reader in readers:
                    await reader.set_trace_callback(handler)
            finally:
                for reader in readers:
                    self._readers.put_nowait(reader)

    def _at(self, point: str) -> None:
        if self._hook is not None:
            self._hook(point)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Tx]:
        """One ``BEGIN IMMEDIATE`` transaction, committed when the block ends without error.

        Raises StoreBusy when another process holds the write lock past the busy timeout,
        StoreFull when the file cannot grow; in both cases nothing was written.
        """
        async with self._write_lock:
            conn = self._writer
            try:
                await conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as err:
                await self._recover()
                raise translate(err, self.path) or err from err
            self._at("begin")
            try:
                yield SqliteTx(conn)
                self._at("before_commit")
                await conn.execute("COMMIT")
            except sqlite3.Error as err:
                await self._recover()
                raise translate(err, self.path) or err from err
            except BaseException:
                await self._recover()
                raise
            self._at("after_commit")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """A read transaction on one of the reader connections: one consistent snapshot."""
        conn = await self._readers.get()
        try:
            try:
                await conn.execute("BEGIN")
                yield SqliteTx(conn)
                await conn.execute("COMMIT")
            except BaseException:
                await _undo(conn)
                raise
        except sqlite3.Error as err:
            raise translate(err, self.path) or err from err
        finally:
            self._readers.put_nowait(conn)

    @asynccontextmanager
    async def match_lock(self, match_id: int) -> AsyncIterator[None]:
        """Nothing to take: one process writes the file, and its services lock each match."""
        yield

    async def _recover(self) -> None:
        """Undo whatever is left of a failed transaction; reopen the writer if that fails."""
        if await _undo(self._writer):
            return
        with suppress(sqlite3.Error, ValueError):
            await self._writer.close()
        self._writer = await _connect(self.path, self._busy_timeout_ms)
        await _pragmas(self._writer, self.path, reader=False)
        if self._max_page_count is not None:
            await self._writer.execute(f"PRAGMA max_page_count = {self._max_page_count}")

    async def backup(self, target: Path | str) -> None:
        """Copy the database, consistently, to another file (SQLite's online backup)."""
        async with self._write_lock:
            dest = await aiosqlite.connect(str(target))
            try:
                await self._writer.backup(dest)
            finally:
                await dest.close()


async def _undo(conn: aiosqlite.Connection) -> bool:
    """Roll back an open transaction; False when the connection is unusable."""
    try:
        if conn.in_transaction:
            await conn.execute("ROLLBACK")
    except (sqlite3.Error, ValueError):
        return False
    return True


__all__ = ["SqliteStore", "SqliteTx"]

"""The SQLite driver: one file, one writer connection, a small pool of reader connections.

Writes are group-committed. Transaction bodies run one at a time on the writer (a lock), and
nothing but the database is awaited inside one, because aiosqlite runs every statement of a
connection on one thread and a foreign ``await`` would let other coroutines' statements join.
But the bodies that queue up while one commits share the next commit: the first opens
``BEGIN IMMEDIATE``, each later one runs inside a savepoint (so a failing body undoes only its
own statements), and one ``COMMIT`` (one fsync) makes all of them durable. Each caller's
``async with store.write()`` returns only after that commit: nothing is acknowledged before it
is on disk, and if the shared commit fails every caller in it gets the error (nothing of theirs
was saved). A writer alone commits at once, as before; see docs/reliability.md.

Reads use a small pool of their own connections (WAL lets them run beside a write and beside
each other), each read in a read transaction, so its queries see one snapshot; they see a
batch's writes once it is committed. Pragmas: ``journal_mode=WAL``, ``synchronous=FULL`` (a
commit is on disk before it is acknowledged), ``busy_timeout``, ``foreign_keys=ON``. Migrations
run at open. sqlite3 errors a person can act on (full, locked, unreadable) become
``StoreError``s; the transaction is undone and the store keeps working.
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
MAX_BATCH = 8
"""Most transactions one commit carries: a bound on the work one failure undoes, and on the
burst of writers a commit wakes at once (64 let acknowledgments queue behind that burst)."""
MEMBER = "levers_member"
"""The savepoint each transaction after a batch's first runs in."""


class _Batch:
    """Transactions sharing one ``BEGIN IMMEDIATE … COMMIT``: they learn its outcome together."""

    def __init__(self) -> None:
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.members = 0  # bodies that ended well (their statements are in the transaction)
        self.committer: asyncio.Task[None] | None = None

    def fail(self, error: BaseException) -> None:
        """Tell every member that nothing of theirs was saved."""
        if not self.done.done():
            self.done.set_exception(error)
            self.done.exception()  # retrieved here: a batch whose members all left is fine


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
        self._waiting = 0  # writers queued for the lock: they will join the open batch
        self._batch: _Batch | None = None
        self._max_page_count: int | None = None
        self.commits = 0
        """COMMITs run so far (the benchmark and the tests compare it with ``writes``)."""
        self.writes = 0
        """Write transactions that ended well (each in some commit)."""

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
        """Close every connection (the last one out checkpoints the WAL)."""
        async with self._exclusive():
            for _ in range(self._reader_count):
                await (await self._readers.get()).close()
            await self._writer.close()

    async def set_max_page_count(self, pages: int) -> None:
        """Cap the database at ``pages`` pages (the cap holds for this store's writer only)."""
        async with self._exclusive():
            self._max_page_count = pages
            await self._writer.execute(f"PRAGMA max_page_count = {int(pages)}")

    async def trace(self, callback: Callable[[str], None] | None) -> None:
        """Call ``callback`` with the text of every statement any connection runs (None: stop);
        tests count the statements of one interaction with it."""
        handler: Any = callback  # aiosqlite's stub has no None, which sqlite3 takes to stop
        async with self._exclusive():
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
        """One write transaction, durable (committed and synced) when the block ends without
        error; it may share its commit with other callers' (group commit, module docstring).

        Raises StoreBusy when another process holds the write lock past the busy timeout,
        StoreFull when the file cannot grow; in both cases nothing of this block was written.
        """
        self._waiting += 1
        try:
            await self._write_lock.acquire()
        finally:
            self._waiting -= 1
        try:
            batch = await self._member()
        except BaseException:
            self._write_lock.release()
            raise
        commit_now = False
        try:
            first = batch.members == 0
            conn = self._writer
            try:
                if not first:
                    await conn.execute(f"SAVEPOINT {MEMBER}")
                self._at("begin")
                yield SqliteTx(conn)
                if not first:
                    await conn.execute(f"RELEASE {MEMBER}")
            except BaseException as err:
                await self._undo_member(batch, first, err)
                if isinstance(err, sqlite3.Error):
                    raise translate(err, self.path) or err from err
                raise
            batch.members += 1
            self.writes += 1
            if self._waiting == 0 or batch.members >= MAX_BATCH:
                commit_now = True
                await self._commit(batch)
            elif batch.committer is None:
                # Those queued now run first and join this batch; the committer queues behind.
                batch.committer = asyncio.create_task(
                    self._commit_later(batch), name="levers-store-commit"
                )
        finally:
            self._write_lock.release()
        if not commit_now:
            await asyncio.shield(batch.done)
            return
        failed = batch.done.exception()
        if failed is not None:
            raise failed

    async def _member(self) -> _Batch:
        """The open batch, or a new one (``BEGIN IMMEDIATE``); the write lock is held."""
        if self._batch is not None:
            return self._batch
        try:
            await self._writer.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            await self._recover()
            raise translate(err, self.path) or err from err
        self._batch = _Batch()
        return self._batch

    async def _undo_member(self, batch: _Batch, first: bool, error: BaseException) -> None:
        """Undo a failed body's statements; when the whole transaction is lost with them (a
        failed first body, an error SQLite answers with a rollback), fail the batch."""
        conn = self._writer
        if not first and conn.in_transaction:
            try:
                await conn.execute(f"ROLLBACK TO {MEMBER}")
                await conn.execute(f"RELEASE {MEMBER}")
                return  # the others' statements stand; the batch goes on
            except (sqlite3.Error, ValueError):
                pass
        self._batch = None
        await self._recover()
        if batch.members:
            failed = translate(error, self.path) if isinstance(error, sqlite3.Error) else None
            batch.fail(failed or StoreUnavailable(f"{self.path}: the transaction was undone"))

    async def _commit(self, batch: _Batch) -> None:
        """COMMIT the batch and tell its members (the write lock is held)."""
        self._batch = None
        try:
            self._at("before_commit")
            await self._writer.execute("COMMIT")
        except BaseException as err:
            await self._recover()
            failed = translate(err, self.path) if isinstance(err, sqlite3.Error) else None
            batch.fail(failed or err)
            return
        self.commits += 1
        self._at("after_commit")
        if not batch.done.done():
            batch.done.set_result(None)

    async def _commit_later(self, batch: _Batch) -> None:
        """Commit the batch once the writers queued before this task have joined it."""
        async with self._write_lock:
            if self._batch is batch:
                await self._commit(batch)

    @asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[None]:
        """The writer to itself, with no batch open (one is committed first)."""
        async with self._write_lock:
            if self._batch is not None:
                await self._commit(self._batch)
            yield

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
        async with self._exclusive():
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

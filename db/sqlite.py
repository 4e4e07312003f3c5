"""The SQLite driver: one file, one writer connection, a small pool of reader connections.

Statements run on the event loop's own thread, straight through ``sqlite3``: a statement of
this bot reads or writes a few pages of the page cache and takes microseconds, less than
handing it to a thread and back (a queue, a wake-up, the interpreter lock changing hands, a
turn of the loop: under load that hand-off, once per statement, was most of an interaction's
time). The two steps that can take long run on the store's own thread, so the loop never waits
for the disk or for another process: ``BEGIN IMMEDIATE`` (it may wait up to the busy timeout
for another process's write lock) and ``COMMIT`` (it syncs the file), plus opening, closing and
backing up.

Writes are group-committed. Transaction bodies run one at a time on the writer (a lock), and
nothing but the database is awaited inside one. The bodies that queue up while one commits
share the next commit: the first opens ``BEGIN IMMEDIATE``, each later one runs inside a
savepoint (so a failing body undoes only its own statements), and one ``COMMIT`` (one fsync)
makes all of them durable. Each caller's ``async with store.write()`` returns only after that
commit: nothing is acknowledged before it is on disk, and if the shared commit fails every
caller in it gets the error (nothing of theirs was saved). A writer alone commits at once, as
before; see docs/reliability.md.

Reads use a small pool of their own connections (WAL lets them run beside a write and beside
each other), each read in a read transaction, so its queries see one snapshot; they see a
batch's writes once it is committed. Pragmas: ``journal_mode=WAL``, ``synchronous=FULL`` (a
commit is on disk before it is acknowledged), ``busy_timeout``, ``foreign_keys=ON``. Migrations
run at open (through aiosqlite, ``db.migrate``). sqlite3 errors a person can act on (full,
locked, unreadable) become ``StoreError``s; the transaction is undone and the store keeps
working.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from db.errors import ConstraintBroken, StoreUnavailable, translate
from db.migrate import load_migrations, migrate, too_new, user_version
from db.store import Hook, Row, Store, Tx

READERS = 3
"""Reader connections; reads wait only when all are taken (a read that awaits something
else than its statements keeps its connection meanwhile)."""
MAX_BATCH = 8
"""Most transactions one commit carries: a bound on the work one failure undoes, and on the
burst of writers a commit wakes at once (64 let acknowledgments queue behind that burst)."""
MEMBER = "levers_member"
"""The savepoint each transaction after a batch's first runs in."""
T = TypeVar("T")


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
    """Statements inside one transaction, run at once on the calling thread."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__()
        self._conn = conn

    async def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Every row of a query."""
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.IntegrityError as err:
            raise ConstraintBroken(str(err)) from err

    async def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Execute one statement."""
        await self.all(sql, params)

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute an INSERT and return the new row's id."""
        try:
            found = self._conn.execute(sql, params).lastrowid
        except sqlite3.IntegrityError as err:
            raise ConstraintBroken(str(err)) from err
        assert found is not None
        return int(found)

    async def many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Execute one statement for each row of parameters."""
        try:
            self._conn.executemany(sql, rows)
        except sqlite3.IntegrityError as err:
            raise ConstraintBroken(str(err)) from err


async def _migrator(path: Path, busy_timeout_ms: int) -> aiosqlite.Connection:
    try:
        conn = await aiosqlite.connect(str(path), isolation_level=None)
    except sqlite3.Error as err:
        raise translate(err, path) or StoreUnavailable(f"cannot open {path}: {err}") from err
    await conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    return conn


def _open(path: Path, busy_timeout_ms: int, *, reader: bool) -> sqlite3.Connection:
    """A connection with the store's pragmas (on the store's thread: it may wait for a lock).
    ``check_same_thread`` is off because the store's thread commits what the loop's thread
    wrote; the store never uses one connection from both at once (the write lock, the pool)."""
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    except sqlite3.Error as err:
        raise translate(err, path) or StoreUnavailable(f"cannot open {path}: {err}") from err
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
        if str(mode[0]).lower() != "wal":
            raise StoreUnavailable(f"{path}: this filesystem does not support SQLite's WAL mode")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if reader:
            conn.execute("PRAGMA query_only = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def _undo(conn: sqlite3.Connection) -> bool:
    """Roll back an open transaction; False when the connection is unusable."""
    try:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    except (sqlite3.Error, ValueError):
        return False
    return True


def _copy(source: sqlite3.Connection, target: Path | str) -> None:
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)
    finally:
        dest.close()


class SqliteStore(Store):
    """The database of matches in one SQLite file (``Store.open(path)``)."""

    def __init__(
        self,
        path: Path,
        writer: sqlite3.Connection,
        readers: list[sqlite3.Connection],
        busy_timeout_ms: int,
        hook: Hook | None,
        io: ThreadPoolExecutor,
    ) -> None:
        self.path = path
        self.location = str(path)
        self._writer = writer
        # None, once closed: each read that takes it passes it on and fails (never waits forever)
        self._readers: asyncio.Queue[sqlite3.Connection | None] = asyncio.Queue()
        self._closed = False
        for reader in readers:
            self._readers.put_nowait(reader)
        self._reader_count = len(readers)
        self._busy_timeout_ms = busy_timeout_ms
        self._hook = hook
        self._io = io  # one thread: what it runs on the writer runs in the order asked
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
        migrator = await _migrator(path, busy_timeout_ms)
        try:
            latest = len(load_migrations())
            found = await user_version(migrator)
            if found > latest:
                raise too_new(path, found, latest)
            rows = list(await migrator.execute_fetchall("PRAGMA journal_mode = WAL"))
            if str(rows[0][0]).lower() != "wal":
                raise StoreUnavailable(
                    f"{path}: this filesystem does not support SQLite's WAL mode"
                )
            await migrator.execute("PRAGMA foreign_keys = ON")
            await migrate(migrator, now, path, upto=upto)
        except sqlite3.Error as err:
            raise translate(err, path) or err from err
        finally:
            await migrator.close()
        io = ThreadPoolExecutor(1, thread_name_prefix="levers-sqlite")
        loop = asyncio.get_running_loop()
        opened: list[sqlite3.Connection] = []
        try:
            for number in range(READERS + 1):
                made = functools.partial(_open, path, busy_timeout_ms, reader=number > 0)
                opened.append(await loop.run_in_executor(io, made))
        except BaseException as err:
            for conn in opened:
                conn.close()
            io.shutdown(wait=False)
            if isinstance(err, sqlite3.Error):
                raise translate(err, path) or err from err
            raise
        store = cls(path, opened[0], opened[1:], busy_timeout_ms, hook, io)
        if max_page_count is not None:
            await store.set_max_page_count(max_page_count)
        return store

    async def _slow(self, work: Callable[[], T]) -> T:
        """Run a step that may wait (for the disk, for another process) on the store's thread."""
        return await asyncio.get_running_loop().run_in_executor(self._io, work)

    async def close(self) -> None:
        """Close every connection (the last one out checkpoints the WAL)."""
        if self._closed:
            return
        async with self._exclusive():
            for _ in range(self._reader_count):
                (await self._reader()).close()
            await self._slow(self._writer.close)
            self._closed = True
            self._readers.put_nowait(None)
        self._io.shutdown(wait=False)

    async def _reader(self) -> sqlite3.Connection:
        """A reader connection (waiting for one to be free); StoreUnavailable once closed."""
        conn = await self._readers.get()
        if conn is None:
            self._readers.put_nowait(None)
            raise StoreUnavailable(f"the database {self.path} is closed")
        return conn

    async def set_max_page_count(self, pages: int) -> None:
        """Cap the database at ``pages`` pages (the cap holds for this store's writer only)."""
        async with self._exclusive():
            self._max_page_count = pages
            self._writer.execute(f"PRAGMA max_page_count = {int(pages)}")

    async def trace(self, callback: Callable[[str], None] | None) -> None:
        """Call ``callback`` with the text of every statement any connection runs (None: stop);
        tests count the statements of one interaction with it."""
        async with self._exclusive():
            self._writer.set_trace_callback(callback)
            readers = [await self._reader() for _ in range(self._reader_count)]
            try:
                for reader in readers:
                    reader.set_trace_callback(callback)
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
                    conn.execute(f"SAVEPOINT {MEMBER}")
                self._at("begin")
                yield SqliteTx(conn)
                if not first:
                    conn.execute(f"RELEASE {MEMBER}")
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
            if not self._begin_at_once():
                await self._slow(lambda: self._writer.execute("BEGIN IMMEDIATE"))
        except BaseException as err:
            await self._recover()
            if isinstance(err, sqlite3.Error):
                raise translate(err, self.path) or err from err
            raise
        self._batch = _Batch()
        return self._batch

    def _begin_at_once(self) -> bool:
        """``BEGIN IMMEDIATE`` here, without waiting: False when another process holds the
        write lock (the caller then waits for it on the store's thread, up to the busy
        timeout). Alone on the file, as the bot is, a batch thus costs one trip to the thread
        (its COMMIT), not two."""
        conn = self._writer
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            if err.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:  # any kind of busy
                raise
            return False
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
        return True

    async def _undo_member(self, batch: _Batch, first: bool, error: BaseException) -> None:
        """Undo a failed body's statements; when the whole transaction is lost with them (a
        failed first body, an error SQLite answers with a rollback), fail the batch."""
        conn = self._writer
        if not first and conn.in_transaction:
            try:
                conn.execute(f"ROLLBACK TO {MEMBER}")
                conn.execute(f"RELEASE {MEMBER}")
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
            await self._slow(lambda: self._writer.execute("COMMIT"))
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
        """A read transaction on one of the reader connections: one consistent snapshot.

        It starts with a turn of the event loop: its statements then run without one, so
        without that turn a use case's reads, checks and rendering would hold the loop in one
        piece, and acknowledgments waiting behind it would wait longer."""
        await asyncio.sleep(0)
        conn = await self._reader()
        try:
            try:
                conn.execute("BEGIN")
                yield SqliteTx(conn)
                conn.execute("COMMIT")
            except BaseException:
                _undo(conn)
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
        """Undo whatever is left of a failed transaction; reopen the writer if that fails.
        On the store's thread, after whatever it still runs on the writer (a BEGIN or COMMIT
        whose caller was cancelled)."""
        if await self._slow(lambda: _undo(self._writer)):
            return
        with suppress(sqlite3.Error, ValueError):
            await self._slow(self._writer.close)
        self._writer = await self._slow(
            lambda: _open(self.path, self._busy_timeout_ms, reader=False)
        )
        if self._max_page_count is not None:
            self._writer.execute(f"PRAGMA max_page_count = {self._max_page_count}")

    async def backup(self, target: Path | str) -> None:
        """Copy the database, consistently, to another file (SQLite's online backup)."""
        async with self._exclusive():
            await self._slow(lambda: _copy(self._writer, target))


__all__ = ["SqliteStore", "SqliteTx"]

"""The PostgreSQL driver (asyncpg): one server shared by every bot process.

What SQLite gets from having one writer, PostgreSQL gets from transactions: each write is one
transaction on a pooled connection, and the repositories' compare-and-set on a match's round
and phase decides which of two racing writers wins. A use case that changes a match holds that
match's advisory lock (``pg_advisory_lock``, on a connection of its own, so a process that dies
releases it with its session): two processes never work on one match at once. Reads are
``REPEATABLE READ`` read-only transactions: one snapshot each. The repositories' ``?``
placeholders become ``$1, $2, ...`` here.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from db.codec import time_text
from db.errors import (
    ConstraintBroken,
    StoreBusy,
    StoreError,
    StoreFull,
    StoreUnavailable,
)
from db.migrate import MIGRATIONS, Migration, check_hashes, load_migrations, too_new
from db.store import Hook, Row, Store, Tx

MIGRATIONS_PG = MIGRATIONS / "postgresql"
POOL_SIZE = 10
"""Connections for transactions; match locks have a pool of their own (``LOCK_POOL_SIZE``),
so a use case waiting for a transaction never holds the connection another needs."""
LOCK_POOL_SIZE = 20
MIGRATION_LOCK = 0x1E7E25
"""The advisory lock two processes starting at once take to migrate one after the other."""

Connection = asyncpg.Connection | PoolConnectionProxy


def _safe(url: str) -> str:
    """The URL without its password (for messages)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


@functools.lru_cache(maxsize=2048)
def numbered(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's ``$1, $2, ...`` (quoted text is left alone)."""
    out: list[str] = []
    quote: str | None = None
    number = 0
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "?":
            number += 1
            out.append(f"${number}")
            continue
        out.append(char)
    return "".join(out)


def translate(err: BaseException, where: str) -> StoreError | None:
    """The store error for an asyncpg error, or None when it is a bug to re-raise as is."""
    if isinstance(err, asyncpg.IntegrityConstraintViolationError):
        return ConstraintBroken(str(err))
    if isinstance(err, asyncpg.DiskFullError | asyncpg.InsufficientResourcesError):
        return StoreFull(f"the database {where} is full; nothing was saved")
    if isinstance(
        err,
        asyncpg.LockNotAvailableError
        | asyncpg.DeadlockDetectedError
        | asyncpg.SerializationError
        | asyncpg.QueryCanceledError,
    ):
        return StoreBusy(f"the database {where} is busy; nothing was saved, try again")
    if isinstance(
        err,
        OSError
        | asyncpg.InterfaceError
        | asyncpg.PostgresConnectionError
        | asyncpg.InvalidAuthorizationSpecificationError
        | asyncpg.InvalidCatalogNameError,
    ):
        return StoreUnavailable(f"the database {where} cannot be used: {err}")
    return None


class PgTx(Tx):
    """Statements inside one transaction on one pooled connection."""

    def __init__(self, conn: Connection, store: PgStore) -> None:
        super().__init__()
        self._conn = conn
        self._store = store

    def _sql(self, sql: str) -> str:
        if self._store.tracer is not None:
            self._store.tracer(sql)
        return numbered(sql)

    async def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Every row of a query."""
        try:
            return list(await self._conn.fetch(self._sql(sql), *params))
        except asyncpg.IntegrityConstraintViolationError as err:
            raise ConstraintBroken(str(err)) from err

    async def run(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Execute one statement."""
        await self.all(sql, params)

    async def insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute an INSERT and return the new row's ``id``."""
        row = await self.one(f"{sql} RETURNING id", params)
        assert row is not None
        return int(row[0])

    async def many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Execute one statement for each row of parameters."""
        batch = list(rows)
        if not batch:
            return
        try:
            await self._conn.executemany(self._sql(sql), batch)
        except asyncpg.IntegrityConstraintViolationError as err:
            raise ConstraintBroken(str(err)) from err

    async def skip_locked(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Rows this transaction claims; those another transaction holds are skipped."""
        return await self.all(f"{sql} FOR UPDATE SKIP LOCKED", params)


class PgStore(Store):
    """The database of matches on a PostgreSQL server (``Store.open("postgresql://...")``)."""

    def __init__(
        self, url: str, pool: asyncpg.Pool, locks: asyncpg.Pool, hook: Hook | None
    ) -> None:
        self.url = url
        self.location = _safe(url)
        self._pool = pool
        self._locks = locks
        self._hook = hook
        self.tracer: Callable[[str], None] | None = None

    @classmethod
    async def connect(
        cls,
        url: str,
        *,
        clock: Callable[[], datetime] | None = None,
        busy_timeout_ms: int = 5000,
        hook: Hook | None = None,
        upto: int | None = None,
    ) -> PgStore:
        """Connect, and migrate the database (one process at a time); SchemaTooNew when the
        database is newer than this code, before anything in it is changed."""
        now = (clock or (lambda: datetime.now(UTC)))()
        where = _safe(url)
        settings = {"lock_timeout": str(int(busy_timeout_ms)), "timezone": "UTC"}
        try:
            pool = await asyncpg.create_pool(
                url, min_size=1, max_size=POOL_SIZE, server_settings=settings
            )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
            raise translate(err, where) or StoreUnavailable(f"cannot open {where}: {err}") from err
        try:
            async with pool.acquire() as conn:
                await migrate(conn, now, where, upto=upto)
            locks = await asyncpg.create_pool(url, min_size=0, max_size=LOCK_POOL_SIZE)
        except BaseException as err:
            await pool.close()
            if isinstance(err, asyncpg.PostgresError | OSError):
                raise translate(err, where) or err from err
            raise
        return cls(url, pool, locks, hook)

    async def close(self) -> None:
        """Close every connection (advisory locks still held are released with them)."""
        await self._locks.close()
        await self._pool.close()

    async def trace(self, callback: Callable[[str], None] | None) -> None:
        """Call ``callback`` with every statement this process sends (None: stop)."""
        self.tracer = callback

    def _at(self, point: str) -> None:
        if self._hook is not None:
            self._hook(point)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Tx]:
        """One transaction, committed when the block ends without error."""
        try:
            async with self._pool.acquire() as conn:
                transaction = conn.transaction()
                await transaction.start()
                self._at("begin")
                try:
                    yield PgTx(conn, self)
                    self._at("before_commit")
                except BaseException:
                    await transaction.rollback()
                    raise
                await transaction.commit()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
            raise translate(err, self.location) or err from err
        self._at("after_commit")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """A read-only ``REPEATABLE READ`` transaction: one consistent snapshot."""
        try:
            async with (
                self._pool.acquire() as conn,
                conn.transaction(isolation="repeatable_read", readonly=True),
            ):
                yield PgTx(conn, self)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
            raise translate(err, self.location) or err from err

    @asynccontextmanager
    async def match_lock(self, match_id: int) -> AsyncIterator[None]:
        """The match's advisory lock, held by a session of its own: another process that
        wants the match waits; a process that dies releases it with its connection."""
        try:
            async with self._locks.acquire() as conn:
                await conn.execute("SELECT pg_advisory_lock($1)", match_id)
                try:
                    yield
                finally:
                    await conn.execute("SELECT pg_advisory_unlock($1)", match_id)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
            raise translate(err, self.location) or err from err


async def schema_version(conn: Connection) -> int:
    """The highest migration applied (0 for an empty database)."""
    if await conn.fetchval("SELECT to_regclass('schema_migrations')") is None:
        return 0
    return int(await conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_migrations"))


async def migrate(
    conn: Connection,
    now: datetime,
    where: str = "<db>",
    migrations: list[Migration] | None = None,
    upto: int | None = None,
) -> int:
    """Apply every pending migration (up to ``upto``) in one transaction; return the version."""
    known = load_migrations(MIGRATIONS_PG) if migrations is None else migrations
    target = known if upto is None else known[:upto]
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        current = await schema_version(conn)
        if current > len(known):
            raise too_new(where, current, len(known))
        if current:
            rows = await conn.fetch("SELECT version, sha256 FROM schema_migrations")
            check_hashes({int(r[0]): str(r[1]) for r in rows}, known[:current])
        for migration in target[current:]:
            await conn.execute(migration.sql)
            await conn.execute(
                "INSERT INTO schema_migrations (version, name, sha256, applied_at) "
                "VALUES ($1, $2, $3, $4)",
                migration.version,
                migration.name,
                migration.sha256,
                time_text(now),
            )
        return await schema_version(conn)


__all__ = ["MIGRATIONS_PG", "PgStore", "PgTx", "migrate", "numbered"]

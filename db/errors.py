"""Store errors: what went wrong with the database file, in words a person can act on."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class StoreError(Exception):
    """Base of the store's errors; ``str(err)`` says what happened and what to do."""


class StoreFull(StoreError):
    """The database reached its size cap or its disk is full; the transaction was undone."""


class StoreBusy(StoreError):
    """Another process held the write lock longer than the busy timeout; nothing was done."""


class StoreUnavailable(StoreError):
    """The file cannot be read or written (permissions, I/O error, not a database)."""


class ConstraintBroken(StoreError):
    """A row broke one of the schema's constraints (a duplicate, a missing reference); the
    statement did nothing and the transaction goes on."""


class SchemaTooNew(StoreError):
    """The file was written by a newer Levers; it is refused and left untouched."""


class MigrationError(StoreError):
    """A migration file is misnamed, missing, or was edited after being applied."""


def translate(err: sqlite3.Error, path: Path | str) -> StoreError | None:
    """The store error for an sqlite3 error, or None when it is a bug to re-raise as is."""
    name = getattr(err, "sqlite_errorname", "") or ""
    text = str(err)
    if name.startswith("SQLITE_FULL") or "database or disk is full" in text:
        return StoreFull(f"the database {path} is full (size cap or disk); nothing was saved")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return StoreBusy(
            f"the database {path} is locked by another process; nothing was saved, try again"
        )
    if name.startswith(
        ("SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_NOTADB", "SQLITE_CORRUPT")
    ):
        return StoreUnavailable(f"the database {path} cannot be used: {text}")
    return None

"""Refusing a database file that is not Levers' before the store would adopt it.

The store creates its tables in any SQLite file it is given, so ``--db`` pointing at another
program's database would quietly gain Levers' tables. A file that already has tables of its own
and no Levers schema version is refused here, read-only, in one line.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from db.paths import db_target

SQLITE_HEADER = b"SQLite format 3\x00"


def foreign_database(path: Path) -> str | None:
    """Why ``path`` is not a Levers database, or None (it is one, or is new or empty).

    Files the store reports itself (locked, unreadable) pass here: it words those better.
    """
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError:
        return None
    if header != SQLITE_HEADER:
        return f"{path} is not a Levers database (not an SQLite file at all); give another --db"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1.0)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = [
                str(row[0])
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    if version == 0 and tables:
        shown = ", ".join(tables[:3]) + (", ..." if len(tables) > 3 else "")
        return (
            f"{path} is an SQLite database but not a Levers one (it has tables {shown}); "
            "give another --db"
        )
    return None


def existing_database(prog: str, given: str | None) -> Path | str | None:
    """The database a command reads (``--db``, ``$LEVERS_DB`` or the default) when it exists and
    is Levers'; otherwise None, after saying why in one line. A ``postgresql://`` URL is
    returned as is (opening it says what is wrong with it)."""
    target = db_target(given)
    if not isinstance(target, Path):
        return target
    path = target
    if not path.is_file():
        print(f"{prog}: no database at {path} (give --db PATH or set $LEVERS_DB)", file=sys.stderr)
        return None
    problem = foreign_database(path)
    if problem is not None:
        print(f"{prog}: {problem}", file=sys.stderr)
        return None
    return path

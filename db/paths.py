"""Where the database lives: ``--db``, else ``$LEVERS_DB``, else ``./data/levers.db``; a file
path (SQLite) or a ``postgresql://`` URL (a shared server)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from db.store import URL_SCHEMES

DEFAULT_DB = Path("data") / "levers.db"
ENV_VAR = "LEVERS_DB"


def db_path(
    given: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Path:
    """The database file to use (its directory is created when the store opens it)."""
    if given:
        return Path(given)
    environ = os.environ if env is None else env
    from_env = environ.get(ENV_VAR)
    return Path(from_env) if from_env else DEFAULT_DB


def db_target(
    given: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Path | str:
    """The store to open: a ``postgresql://`` URL as given, else the SQLite file's path."""
    environ = os.environ if env is None else env
    raw = given or environ.get(ENV_VAR)
    if isinstance(raw, str) and raw.startswith(URL_SCHEMES):
        return raw
    return db_path(given, env)

"""Where the database lives: ``--db PATH``, else ``$LEVERS_DB``, else ``./data/levers.db``."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

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

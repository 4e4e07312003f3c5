"""Settings shared by the whole suite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.pg_cluster import Cluster, cluster, unavailable, under_ci

# Under CI, property tests draw the same examples every run: a red CI then always means a
# change broke something, never that a new random example turned up an old bug. Locally they
# stay random, which is where new counterexamples should be found (and then pinned as tests).
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if under_ci():
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """The session's PostgreSQL server (``tests/pg_cluster.py``): started on first use."""
    try:
        yield from cluster()
    except RuntimeError as err:
        unavailable(err)


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> str:
    """A fresh database on the session's PostgreSQL server."""
    return pg_cluster.new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where the test's store lives, once per driver: an SQLite file, a PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "levers.db"
    return str(request.getfixturevalue("pg_url"))

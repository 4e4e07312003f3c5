"""Fixtures: services on a temporary database file with a manual clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.services import ManualClock, Services
from tests.services.helpers import open_services


@pytest.fixture
def clock() -> ManualClock:
    """A clock the test moves."""
    return ManualClock()


@pytest.fixture
def db(store_target: Path | str) -> Path | str:
    """The test's store: an SQLite file, then a PostgreSQL database (every test runs on both)."""
    return store_target


@pytest.fixture
async def services(db: Path | str, clock: ManualClock) -> AsyncIterator[Services]:
    """Services on the test's store."""
    opened = await open_services(db, clock)
    try:
        yield opened
    finally:
        await opened.close()

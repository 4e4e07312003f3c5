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
def db(tmp_path: Path) -> Path:
    """The database file of the test."""
    return tmp_path / "levers.db"


@pytest.fixture
async def services(db: Path, clock: ManualClock) -> AsyncIterator[Services]:
    """Services on the test's database file."""
    opened = await open_services(db, clock)
    try:
        yield opened
    finally:
        await opened.close()

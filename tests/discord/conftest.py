"""Fixtures: a fake Discord with the real bot logged in, torn down after each test.

A test fails when the bot made a request the fake does not know, broke one of Discord's limits
or its interaction protocol, or logged an error on the ``discord`` or ``levers`` loggers
(discord.py logs exceptions from handlers instead of raising them).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.discord.settings import Settings
from tests.discord.harness import Harness


def make_settings(tmp_path: Path) -> Settings:
    """Settings for a test bot: a fake token, a file database in the test's folder."""
    return Settings(
        token=SecretStr("fake-token"),
        database=tmp_path / "levers.sqlite3",
        sync_commands=True,
        _env_file=None,
    )


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    """The real bot against the fake Discord."""
    h = Harness(make_settings(tmp_path))
    await h.start()
    try:
        yield h
        await h.settle()
    finally:
        await h.stop()
    assert not h.http.failures, f"the bot broke Discord's rules: {h.http.failures}"
    violations = h.http.faults.violations
    assert not violations, f"the bot ignored a rate limit: {violations}"
    logged = [f"{r.name}: {r.getMessage()}" for r in h.errors.records]
    assert not logged, f"errors were logged: {logged}"

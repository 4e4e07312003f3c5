"""Fixtures: a fake Discord with the real bot logged in, torn down after each test.

A test fails when the bot made a request the fake does not know, broke one of Discord's limits
or its interaction protocol, or logged an error on the ``discord`` or ``levers`` loggers
(discord.py logs exceptions from handlers instead of raising them).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.discord.settings import Settings
from bot.scenarios import SCENARIOS
from tests.discord.harness import Harness


def make_settings(tmp_path: Path) -> Settings:
    """Settings for a test bot: a fake token, a file database in the test's folder."""
    return Settings(
        token=SecretStr("fake-token"),
        database=tmp_path / "levers.sqlite3",
        sync_commands=True,
        _env_file=None,
    )


@asynccontextmanager
async def running(h: Harness) -> AsyncIterator[Harness]:
    """Start the harness, hand it over, stop it; then fail if the bot broke one of Discord's
    rules, ignored a rate limit or logged an error meanwhile."""
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


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    """The real bot against the fake Discord."""
    async with running(Harness(make_settings(tmp_path))) as h:
        yield h


@pytest.fixture
def no_ai_talks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The built-in scenarios as they ship, but with the AI's talks off: for transcripts whose
    announcements or deal ids must not depend on whether the AI makes an offer (the default
    scenario's `rules.ai_talks` opens talks in a quarter of the rounds, by the match's seed)."""
    folder = tmp_path / "builtin"
    folder.mkdir()
    for source in SCENARIOS.glob("*.yaml"):
        text = source.read_text(encoding="utf-8")
        (folder / source.name).write_text(text.replace("\n  ai_talks: ", "\n  ai_talks: 0 #"))
    for module in ("bot.scenarios", "bot.services.scenarios", "bot.services.catalog"):
        monkeypatch.setattr(f"{module}.SCENARIOS", folder)

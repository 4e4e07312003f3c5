"""Shared fixtures for the scenario library's tests."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from bot.library import sandbox


@pytest.fixture(scope="session", autouse=True)
def _check_server() -> Iterator[None]:
    """Start the check server once, so no test pays its start-up (about half a second)."""
    asyncio.run(sandbox.warm_up())
    yield

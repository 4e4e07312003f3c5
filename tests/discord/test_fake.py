"""The fake Discord itself: it answers like Discord where the bot could go wrong."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.discord.conftest import make_settings
from tests.discord.harness import Harness


@pytest.fixture
async def fake(tmp_path: Path) -> AsyncIterator[Harness]:
    """The fake alone, without a bot."""
    h = Harness(make_settings(tmp_path))
    await h.start_server()
    try:
        yield h
    finally:
        await h.stop()


async def call(h: Harness, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, f"{h.base}/api/v10{path}", json=body) as response,
    ):
        assert response.headers["Content-Type"] == "application/json"
        return response.status, await response.json()


async def test_one_initial_response_within_three_seconds(fake: Harness) -> None:
    h = fake
    record = h.new_record(h.user("Ana"), 2, {"name": "x"}, h.channel_id)
    path = f"/interactions/{record.id}/{record.token}/callback"
    status, body = await call(h, "POST", path, {"type": 5})
    assert status == 200 and body["interaction"]["id"] == str(record.id), "a body, never a 204"
    status, body = await call(h, "POST", path, {"type": 5})
    assert (status, body["code"]) == (400, 40060)
    late = h.new_record(h.user("Ben"), 2, {"name": "x"}, h.channel_id)
    late.created -= 3.5
    status, body = await call(
        h,
        "POST",
        f"/interactions/{late.id}/{late.token}/callback",
        {"type": 4, "data": {"content": "hi"}},
    )
    assert (status, body["code"]) == (404, 10062)
    assert len(h.http.failures) == 2
    h.http.failures.clear()


async def test_limits_unknown_routes_and_followups_before_a_response(fake: Harness) -> None:
    h = fake
    status, body = await call(
        h, "POST", f"/channels/{h.channel_id}/messages", {"content": "x" * 2001}
    )
    assert (status, body["code"]) == (400, 50035)
    too_many_rows = [
        {"type": 1, "components": [{"type": 2, "style": 1, "label": "b", "custom_id": f"c{i}"}]}
        for i in range(6)
    ]
    status, body = await call(
        h,
        "POST",
        f"/channels/{h.channel_id}/messages",
        {"content": "x", "components": too_many_rows},
    )
    assert (status, body["code"]) == (400, 50035)
    status, _ = await call(h, "GET", "/guilds/1/audit-logs")
    assert status == 404
    record = h.new_record(h.user("Ana"), 2, {"name": "x"}, h.channel_id)
    status, body = await call(
        h, "POST", f"/webhooks/{h.application_id}/{record.token}", {"content": "early"}
    )
    assert (status, body["code"]) == (404, 10015)
    assert any("unknown route" in f for f in h.http.failures)
    assert len(h.http.failures) == 4
    h.http.failures.clear()

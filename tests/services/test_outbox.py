"""The outbox: announcements are written with their change and sent after the commit."""

from __future__ import annotations

import pytest

from bot.services import Services
from bot.services.models import SYSTEM, Announcement
from tests.services.helpers import BEN, started


async def test_deliver_sends_in_order_and_marks_each_sent(services: Services) -> None:
    match = await started(services, {"upstream": BEN})
    await services.rounds.resolve(match.id, 1, SYSTEM)
    sent: list[Announcement] = []

    async def send(item: Announcement) -> None:
        sent.append(item)

    assert await services.outbox.deliver(send) == 2
    assert [a.kind for a in sent] == ["match_started", "round_resolved"]
    assert len({a.nonce for a in sent}) == 2 and all(len(a.nonce) <= 25 for a in sent)
    assert await services.outbox.pending() == []
    assert not await services.outbox.mark_sent(sent[0].id)


async def test_a_failed_send_stays_pending_and_keeps_its_nonce(services: Services) -> None:
    await started(services, {"upstream": BEN})
    before = (await services.outbox.pending())[0]

    async def broken(item: Announcement) -> None:
        raise ConnectionError("discord is down")

    with pytest.raises(ConnectionError):
        await services.outbox.deliver(broken)
    after = (await services.outbox.pending())[0]
    assert after.nonce == before.nonce and after.attempts == 1


async def test_scopes_separate_discord_and_terminal_announcements(services: Services) -> None:
    await started(services, {"upstream": BEN}, guild="g1")
    await started(services, {"upstream": BEN}, guild=None)
    assert [a.channel_id for a in await services.outbox.pending(scope="discord")] == ["c1"]
    assert [a.channel_id for a in await services.outbox.pending(scope="local")] == [None]

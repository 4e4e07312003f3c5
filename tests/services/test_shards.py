"""Sharded processes on one store: each fires only its servers' timers and posts only their
announcements (Discord's formula ``(guild_id >> 22) % shard_count``), never another's."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services import ManualClock, Services
from db.models import Announcement
from db.shards import Shards, shard_of
from tests.services.helpers import BEN, CAT, open_services, started

EVEN, ODD = str(2 << 22 | 99), str(3 << 22 | 99)  # servers on shard 0 and shard 1 of 2


def test_the_shard_of_a_server_is_discords_formula() -> None:
    assert shard_of(int(EVEN), 2) == 0 and shard_of(int(ODD), 2) == 1
    assert shard_of(81384788765712384, 4) == (81384788765712384 >> 22) % 4
    one, other = Shards.of(2, [0]), Shards.of(2, [1])
    assert one.owns(EVEN) and not one.owns(ODD) and other.owns(ODD) and not other.owns(EVEN)
    assert one.owns(None) and not other.owns(None)  # no server: shard 0, as direct messages
    assert Shards.of(3).all and not one.all
    with pytest.raises(ValueError, match="between 0 and 1"):
        Shards.of(2, [2])


async def test_each_process_fires_and_posts_only_its_own_servers(
    services: Services, db: Path | str, clock: ManualClock
) -> None:
    first = await open_services(db, clock, shards=Shards.of(2, [0]))
    second = await open_services(db, clock, shards=Shards.of(2, [1]))
    try:
        even = await started(services, {"upstream": BEN}, deadline=600, guild=EVEN)
        odd = await started(services, {"upstream": CAT}, deadline=600, guild=ODD)
        mine = {a.match_id for a in await first.outbox.pending(scope="discord")}
        theirs = {a.match_id for a in await second.outbox.pending(scope="discord")}
        assert (mine, theirs) == ({even.id}, {odd.id})
        assert {t.match_id for t in await first.timers.next_due()} == {even.id}
        clock.advance(601)
        fired = await first.timers.fire_due()
        assert {(f.timer.match_id, f.timer.kind) for f in fired} >= {(even.id, "deadline")}
        assert all(f.timer.match_id == even.id for f in fired)
        assert (await services.matches.get(odd.id, CAT)).round == 1  # not the first's to fire
        assert (await services.matches.get(even.id, BEN)).round == 2
        await second.timers.fire_due()
        assert (await services.matches.get(odd.id, CAT)).round == 2
        posted: list[Announcement] = []

        async def send(item: Announcement) -> None:
            posted.append(item)

        await first.outbox.deliver(send, scope="discord")
        await second.outbox.deliver(send, scope="discord")
        await first.outbox.deliver(send, scope="discord")  # nothing left of its own
        everything = await services.outbox.of_match(even.id) + await services.outbox.of_match(
            odd.id
        )
        assert sorted(a.id for a in posted) == sorted(a.id for a in everything)
        assert all(a.sent_at is not None for a in everything)
    finally:
        await first.close()
        await second.close()

"""Class runs in the services: same scenario and seed per group, an even seeded spread of the
students, refusals that store nothing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.services import Services
from bot.services.classes import spread
from bot.services.errors import InvalidInput, NotAllowed
from bot.services.models import Actor
from tests.services.helpers import rows

HOST = Actor("7", "Ro", guild_id="g1", front="discord")
SEATS = ("a", "b", "c", "d", "e", "f")


def test_the_spread_is_seeded_and_even() -> None:
    people = [(str(i), f"P{i}") for i in range(31)]
    first = spread(people, 4, SEATS, 5)
    assert first == spread(list(reversed(people)), 4, SEATS, 5), "the order given does not matter"
    assert first != spread(people, 4, SEATS, 6), "another seed, another spread"
    groups = Counter(g for _p, _n, g, _s in first)
    assert sorted(groups.values()) == [7, 8, 8, 8]
    for group in groups:
        seats = Counter(s for _p, _n, g, s in first if g == group)
        assert max(seats.values()) - min(seats.values()) <= 1 and len(seats) == 6
    assert sorted(p for p, _n, _g, _s in first) == sorted(p for p, _n in people)


async def test_a_class_run_opens_its_groups_with_one_seed(services: Services, db: Path) -> None:
    sha = (await services.scenarios.add_builtin("tutorial")).sha256
    students = [(str(100 + i), f"S{i}") for i in range(5)]
    made = await services.classes.create(
        HOST, sha, groups=3, team_size=2, seed=42, channel_id="c1", members=students
    )
    assert len(made.matches) == 3 and {m.seed for m in made.matches} == {42}
    assert {m.team_size for m in made.matches} == {2} and {m.host for m in made.matches} == {"7"}
    seated = sorted(h.player for m in made.matches for s in m.seats for h in s.holders)
    assert seated == sorted(p for p, _n in students)
    assert sorted(Counter(p.group for p in made.placements).values()) == [1, 2, 2]
    again = await services.classes.get(made.run.id, HOST)
    assert again.run == made.run and not again.over
    assert rows(db, "SELECT grp, match_id FROM class_matches ORDER BY grp") == [
        (1, made.matches[0].id),
        (2, made.matches[1].id),
        (3, made.matches[2].id),
    ]


async def test_refusals_store_nothing(services: Services, db: Path) -> None:
    sha = (await services.scenarios.add_builtin("tutorial")).sha256
    many = [(str(100 + i), f"S{i}") for i in range(40)]
    with pytest.raises(InvalidInput, match="do not fit"):
        await services.classes.create(HOST, sha, groups=2, channel_id="c1", members=many)
    with pytest.raises(InvalidInput, match="between 2 and 10 groups"):
        await services.classes.create(HOST, sha, groups=11, channel_id="c1")
    await services.servers.update_settings(
        Actor("9", "Mo", moderator=True, guild_id="g1", front="discord"), allowed_channels=["c2"]
    )
    with pytest.raises(NotAllowed):
        await services.classes.create(HOST, sha, groups=2, channel_id="c1")
    assert rows(db, "SELECT count(*) FROM classes") == [(0,)]
    assert rows(db, "SELECT count(*) FROM matches") == [(0,)]

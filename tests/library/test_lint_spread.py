"""The lint spread over forked processes (``/scenario check``) counts exactly what one run does."""

from __future__ import annotations

import json

from bot.library.lint import collect, collect_part
from bot.library.worker import forked_parts
from bot.scenarios import read_scenario


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))  # key order kept: it must match too


def test_three_processes_give_the_same_statistics_to_the_byte() -> None:
    scenario = read_scenario("tutorial")[0]
    one = collect(scenario, 14, 5)
    three = collect(scenario, 14, 5, spread=(3, forked_parts))
    assert _json(three.to_dict()) == _json(one.to_dict())
    assert one.matches == 14 and sum(one.endings.values()) == 14


def test_parts_come_back_in_order_and_cover_every_match() -> None:
    scenario = read_scenario("tutorial")[0]
    parts = forked_parts(scenario, [range(0, 3), range(3, 5), range(5, 9)], 2)
    assert [len(p.winners) for p in parts] == [3, 2, 4]
    alone = collect_part(scenario, range(5, 9), 2)
    assert _json(parts[2].stats.to_dict()) == _json(alone.stats.to_dict())
    assert parts[2].winners == alone.winners

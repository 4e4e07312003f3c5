"""The public reveal leaves out another seat's covert move until it is exposed."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.discord.render_round import order_lines
from bot.game.view import secret_moves
from bot.services.models import LockedSeat
from tests.game.builder import orders
from tests.game.test_covert import covert_scenario


def test_the_reveal_lists_a_covert_move_only_once_it_is_exposed() -> None:
    s = covert_scenario()
    given = orders(red=["red.bribe", "red.push"])["red"]
    locked = {"red": LockedSeat("red", "players", given, None, datetime(2026, 1, 1, tzinfo=UTC))}
    hidden = "\n".join(order_lines(s, locked, secret_moves(s, [], None)))
    assert "red.bribe" not in hidden and "red.push" in hidden
    shown = "\n".join(order_lines(s, locked, secret_moves(s, ["red.bribe"], None)))
    assert "red.bribe" in shown

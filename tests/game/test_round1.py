"""``ai_tables.round1`` is ``round(x, 1)``: the same float, bit for bit, on every kind of input."""

from __future__ import annotations

import math
import random
import struct

from bot.game.ai_tables import round1


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


def _same(x: float) -> None:
    assert _bits(round1(x)) == _bits(round(x, 1)), x


def test_random_values_across_magnitudes() -> None:
    rng = random.Random(17)
    for _ in range(200_000):
        scale = 10.0 ** rng.uniform(-4, 10)
        _same(rng.uniform(-scale, scale))


def test_values_at_and_next_to_every_half_tenth() -> None:
    # k/20 (a "tie" in decimal) and its neighbours: where the shortcut must defer to round
    for k in range(-4_000, 4_001):
        x = k / 20
        for near in (x, math.nextafter(x, math.inf), math.nextafter(x, -math.inf)):
            _same(near)
            _same(near + 1e-7)
            _same(near - 1e-7)


def test_zeros_signs_and_huge_values() -> None:
    for x in (0.0, -0.0, 0.04, -0.04, 0.05, -0.05, 0.95, -0.95, 99.95, 1e9, -1e9, 1e15, 1e300):
        _same(x)


def test_a_round_trip_of_the_noisy_views_values() -> None:
    # what ``_known`` rounds: a metric plus uniform noise, clamped to its bounds
    rng = random.Random(3)
    for _ in range(100_000):
        value, noise = rng.uniform(0, 100), rng.choice((5.0, 6.0, 8.0, 10.0))
        noisy = value + (-noise + (noise - -noise) * rng.random())
        _same(min(max(noisy, 0.0), 100.0))

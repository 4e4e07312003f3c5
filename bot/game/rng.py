"""The engine's seeded generators: ``random.Random`` with the same numbers, made and drawn faster.

A match makes about 160 generators (five per seat and round: the AI's, its view's noise, its
arguments', the rules' and the talks'), each seeded from the match seed. ``random.Random(n)``
spends a third of its time in two Python frames (``__init__`` and ``seed``, which for an int
only call the C seed and clear ``gauss_next``); ``seeded`` makes the same generator without
them. ``gauss`` is ``Random.gauss`` (CPython 3.11) spelt out here, the same float operations
in the same order, so that it runs compiled; it reads and writes the generator's
``gauss_next`` exactly as the method does.
"""

from __future__ import annotations

import math
from _random import Random as _CRandom
from random import Random
from typing import Any

_new = Random.__new__
_seed = _CRandom.seed  # the C seeding: for an int, all its bits
_TWOPI = 2.0 * math.pi


def seeded(n: int) -> Random:
    """``random.Random(n)`` for an int ``n``: the same state, the same draws."""
    rng = _new(Random)
    _seed(rng, n)
    state: Any = rng
    state.gauss_next = None
    return rng


def gauss(rng: Random, mu: float, sigma: float) -> float:
    """``rng.gauss(mu, sigma)``."""
    state: Any = rng
    z: float | None = state.gauss_next
    state.gauss_next = None
    if z is None:
        x2pi = rng.random() * _TWOPI
        g2rad = math.sqrt(-2.0 * math.log(1.0 - rng.random()))
        z = math.cos(x2pi) * g2rad
        state.gauss_next = math.sin(x2pi) * g2rad
    return mu + z * sigma

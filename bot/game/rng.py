"""The engine's seeded generators: ``random.Random`` with the same numbers, made and drawn faster.

A match makes about 160 generators (five per seat and round: the AI's, its view's noise, its
arguments', the rules' and the talks'), each seeded from the match seed. ``random.Random(n)``
spends a third of its time in two Python frames (``__init__`` and ``seed``, which for an int
only call the C seed and clear ``gauss_next``); ``seeded`` makes the same generator without
them. ``gauss`` is ``Random.gauss`` (CPython 3.11) spelt out here, the same float operations
in the same order, so that it runs compiled; it reads and writes the generator's
``gauss_next`` exactly as the method does. ``choice`` and ``shuffle`` are the methods of
the same name spelt out likewise (their draws go through ``getrandbits``, as the methods').
"""

from __future__ import annotations

import math
from _random import Random as _CRandom
from collections.abc import Sequence
from random import Random
from typing import Any, Final, TypeVar

T = TypeVar("T")

# Final: compiled, each is read from a C static rather than looked up in the module's dict.
_new: Final = Random.__new__
_seed: Final = _CRandom.seed  # the C seeding: for an int, all its bits
# The C methods themselves: calling them skips looking the name up on the instance's class
# (``random.Random`` inherits both and overrides neither).
_random: Final = _CRandom.random
_getrandbits: Final = _CRandom.getrandbits
_TWOPI: Final = 2.0 * math.pi


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
    if z is None:
        x2pi = _random(rng) * _TWOPI
        g2rad = math.sqrt(-2.0 * math.log(1.0 - _random(rng)))
        z = math.cos(x2pi) * g2rad
        state.gauss_next = math.sin(x2pi) * g2rad
    else:
        state.gauss_next = None  # the method clears it first: the same state either way
    return mu + z * sigma


def below(rng: Random, n: int) -> int:
    """``rng._randbelow(n)`` for ``n > 0`` (``_randbelow_with_getrandbits``, CPython 3.11)."""
    k = n.bit_length()
    r: int = _getrandbits(rng, k)
    while r >= n:
        r = _getrandbits(rng, k)
    return r


def choice(rng: Random, seq: Sequence[T]) -> T:
    """``rng.choice(seq)``: the same draw, the same element."""
    if not len(seq):
        raise IndexError("Cannot choose from an empty sequence")
    return seq[below(rng, len(seq))]


def shuffle(rng: Random, items: list[T]) -> None:
    """``rng.shuffle(items)``: the same draws, the same order."""
    for i in range(len(items) - 1, 0, -1):
        j = below(rng, i + 1)
        items[i], items[j] = items[j], items[i]


class Lazy:
    """``seeded(n)``, made only once a draw's answer can matter.

    ``choice`` of a one-item sequence answers its item, but ``random.Random.choice`` still
    draws for it (``_randbelow(1)``: ``getrandbits(1)`` until it gives 0). Until the generator
    is needed those draws are only counted; when it is made they are drawn first, in order,
    so every later draw is the one the plain generator would give. Most of the AI's argument
    generators only ever choose among one text: they are never seeded at all.
    """

    __slots__ = ("_n", "_owed", "_rng")

    def __init__(self, n: int, rng: Random | None = None) -> None:
        self._n = n
        self._rng = rng
        self._owed = 0

    def get(self) -> Random:
        """The generator, every draw owed so far made."""
        rng = self._rng
        if rng is None:
            rng = self._rng = seeded(self._n)
            for _ in range(self._owed):
                below(rng, 1)
            self._owed = 0
        return rng

    def choice(self, seq: Sequence[T]) -> T:
        """``choice(generator, seq)``."""
        if self._rng is None and len(seq) == 1:
            self._owed += 1
            return seq[0]
        return choice(self.get(), seq)

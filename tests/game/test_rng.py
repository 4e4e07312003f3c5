"""``bot.game.rng`` gives the draws ``random.Random`` gives: ``choice``, ``shuffle``, ``gauss``,
and ``Lazy``, which seeds only when a choice among several items comes up."""

from __future__ import annotations

import random

from bot.game.rng import Lazy, choice, gauss, seeded, shuffle


def test_choice_shuffle_and_gauss_draw_as_the_methods() -> None:
    for n in range(50):
        ours, plain = seeded(n), random.Random(n)
        for size in (1, 2, 3, 5, 8, 13):
            items = list(range(size))
            assert choice(ours, items) == plain.choice(items)
            mine, theirs = list(items), list(items)
            shuffle(ours, mine)
            plain.shuffle(theirs)
            assert mine == theirs
            assert gauss(ours, 1.0, 2.0) == plain.gauss(1.0, 2.0)
        assert ours.getstate() == plain.getstate()


def test_lazy_makes_the_owed_draws_before_the_first_real_choice() -> None:
    rng = random.Random(9)
    for n in range(200):
        sizes = [rng.choice((1, 1, 1, 2, 3)) for _ in range(rng.randrange(1, 12))]
        lazy, plain = Lazy(n), random.Random(n)
        for size in sizes:
            items = [f"t{i}" for i in range(size)]
            assert lazy.choice(items) == plain.choice(items), (n, sizes)
        if any(size > 1 for size in sizes):
            assert lazy.get().getstate() == plain.getstate()


def test_lazy_never_seeds_when_every_choice_has_one_item() -> None:
    lazy = Lazy(3)
    for _ in range(5):
        assert lazy.choice(["only"]) == "only"
    assert lazy._rng is None  # nothing was seeded
    plain = random.Random(3)
    for _ in range(5):
        plain.choice(["only"])
    assert lazy.get().getstate() == plain.getstate()  # and the owed draws are made on demand


def test_lazy_wraps_a_given_generator() -> None:
    given, plain = random.Random(5), random.Random(5)
    lazy = Lazy(0, given)
    assert [lazy.choice("abc") for _ in range(10)] == [plain.choice("abc") for _ in range(10)]
    assert lazy.choice(["x"]) == "x" and plain.choice(["x"]) == "x"
    assert given.getstate() == plain.getstate()

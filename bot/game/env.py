"""What a condition can see: the bridge between parsed expressions and a match's state."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from mypy_extensions import mypyc_attr

from bot.game.expr import (
    PLAN_AND,
    PLAN_CMP,
    PLAN_EVENT,
    PLAN_NOT,
    PLAN_OR,
    PLAN_PLAYED,
    PLAN_PLAYED_LAST,
    Expr,
    Plan,
    Value,
    compare,
)
from bot.game.state import MatchState

_EMPTY: Final[frozenset[str]] = frozenset()
SETS_KEPT: Final = 1 << 12  # rounds' sets kept before the memo starts again


class _Sets:
    """Each history round's set of moves, by the round's dict (kept with it, so an id is never
    taken for another dict's). A round's dict is made once, when the round is resolved, and
    shared by every later state (their history lists copy the references, never the dicts),
    so its set is the same for every env that reads it."""

    __slots__ = ("by_id",)

    def __init__(self) -> None:
        self.by_id: dict[int, tuple[dict[str, list[str]], frozenset[str]]] = {}


_SETS: Final = _Sets()


def round_set(moves_by_seat: dict[str, list[str]]) -> frozenset[str]:
    """Every move of one history round (read-only: it is shared)."""
    by_id = _SETS.by_id
    key = id(moves_by_seat)
    found = by_id.get(key)
    if found is not None and found[0] is moves_by_seat:
        return found[1]
    made = frozenset([m for moves in moves_by_seat.values() for m in moves])
    if len(by_id) >= SETS_KEPT:
        by_id.clear()
    by_id[key] = (moves_by_seat, made)
    return made


@mypyc_attr(allow_interpreted_subclasses=True)  # the reference engine's _ForesightEnv
class StateEnv:
    """Answers a condition's identifiers and function calls from a state.

    ``metrics`` is the set of values the condition reads (the state's own, a snapshot taken at the
    start of resolution so that simultaneous moves see the same world, or a seat's noisy view);
    ``played`` is what is ordered this round.
    """

    __slots__ = ("_last_set", "_played_sets", "metrics", "played", "seat_counts", "state")

    def __init__(
        self,
        state: MatchState,
        *,
        metrics: Mapping[str, float] | None = None,
        played: frozenset[str] = frozenset(),
        seat_counts: Mapping[str, int] | None = None,
    ) -> None:
        self.state = state
        self.metrics = state.metrics if metrics is None else metrics
        self.played = played
        self.seat_counts = seat_counts or {}
        self._played_sets: list[frozenset[str]] | None = None
        self._last_set: frozenset[str] | None = None  # the last round's alone (``rounds=1``)

    def value(self, name: str) -> float:
        """A bare identifier: ``round`` or a metric id."""
        if name == "round":
            return float(self.state.round)
        return self.metrics[name]

    def holds(self, expr: Expr) -> bool:
        """``bool(expr.evaluate(self))``: the condition read from its plan, without the
        closures' calls where the plan knows the shape (a subclass, which may answer
        differently, gets the closures)."""
        if type(self) is not StateEnv:
            return bool(expr.compiled(self))
        return self._truth(expr.plan)

    def _truth(self, plan: Plan) -> bool:
        kind = plan.kind
        if kind == PLAN_CMP:
            return compare(self.value(plan.name), plan.op, plan.number)
        if kind == PLAN_AND:
            return all(self._truth(kid) for kid in plan.kids)
        if kind == PLAN_OR:
            return any(self._truth(kid) for kid in plan.kids)
        if kind == PLAN_NOT:
            return not self._truth(plan.kids[0])
        if kind == PLAN_PLAYED:
            return plan.name in self.played
        if kind == PLAN_EVENT:
            return plan.name in self.state.events_now
        if kind == PLAN_PLAYED_LAST:
            return plan.name in self._last_round_set()
        return bool(plan.code(self))

    def _history_sets(self) -> list[frozenset[str]]:
        if self._played_sets is None:
            self._played_sets = [round_set(rnd) for rnd in self.state.history]
        return self._played_sets

    def _last_round_set(self) -> frozenset[str]:
        """The moves of the last round played (empty before round 2): what
        ``played_before(m, rounds=1)``, the usual call, reads, without every round's set."""
        found = self._last_set
        if found is None:
            if self._played_sets is not None:
                found = self._played_sets[-1] if self._played_sets else _EMPTY
            else:
                history = self.state.history
                found = round_set(history[-1]) if history else _EMPTY
            self._last_set = found
        return found

    def call(
        self, name: str, args: tuple[str | float, ...], kwargs: Mapping[str, str | float]
    ) -> Value:
        """A function call; the expression module has already checked names and arguments."""
        first = str(args[0]) if args else ""
        if name == "played":
            return first in self.played
        if name == "played_before":
            rounds = kwargs.get("rounds")
            if rounds == 1:  # the last round's set is the whole window
                return first in self._last_round_set()
            sets = self._history_sets()
            window = (
                sets if rounds is None else sets[-int(float(rounds)) :] if float(rounds) > 0 else []
            )
            return any(first in s for s in window)
        if name == "times_played":
            return float(sum(first in s for s in self._history_sets()))
        if name == "event":
            return first in self.state.events_now
        if name == "fired":
            return self.state.fired.get(first, 0) > 0
        if name == "decided":
            return self.state.decided.get(first) == str(args[1])
        if name == "active":
            return first in self.state.active
        if name == "seat_played":
            return float(self.seat_counts.get(first, 0))
        if name == "start":
            return self.state.start[first]
        if name == "prev":
            return self.state.round_start[first]
        raise KeyError(name)

"""What a condition can see: the bridge between parsed expressions and a match's state."""

from __future__ import annotations

from collections.abc import Mapping

from mypy_extensions import mypyc_attr

from bot.game.expr import Value
from bot.game.state import MatchState


@mypyc_attr(allow_interpreted_subclasses=True)  # the reference engine's _ForesightEnv
class StateEnv:
    """Answers a condition's identifiers and function calls from a state.

    ``metrics`` is the set of values the condition reads (the state's own, a snapshot taken at the
    start of resolution so that simultaneous moves see the same world, or a seat's noisy view);
    ``played`` is what is ordered this round.
    """

    __slots__ = ("_played_sets", "metrics", "played", "seat_counts", "state")

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
        self._played_sets: list[set[str]] | None = None

    def value(self, name: str) -> float:
        """A bare identifier: ``round`` or a metric id."""
        if name == "round":
            return float(self.state.round)
        return self.metrics[name]

    def _history_sets(self) -> list[set[str]]:
        if self._played_sets is None:
            self._played_sets = [
                {m for moves in rnd.values() for m in moves} for rnd in self.state.history
            ]
        return self._played_sets

    def call(
        self, name: str, args: tuple[str | float, ...], kwargs: Mapping[str, str | float]
    ) -> Value:
        """A function call; the expression module has already checked names and arguments."""
        first = str(args[0]) if args else ""
        if name == "played":
            return first in self.played
        if name == "played_before":
            sets = self._history_sets()
            rounds = kwargs.get("rounds")
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

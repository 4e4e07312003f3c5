"""A deal's data: its terms, its timeline and where it stands (the rules are in ``deals.py``).

Plain frozen values kept in a match's state, serialised with the state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

DealKind = Literal["promise", "escrow"]
DealStatus = Literal[
    "proposed", "accepted", "rejected", "expired", "active", "kept", "broken", "lapsed"
]
STAGE: dict[str, int] = {
    "proposed": 0,
    "accepted": 1,
    "rejected": 1,
    "expired": 1,
    "active": 2,
    "kept": 3,
    "broken": 3,
    "lapsed": 3,
}


@dataclass(frozen=True)
class Term:
    """One seat's undertaking: to play ``move`` (or, with ``avoid``, not to) in rounds
    ``first`` to ``last``."""

    seat: str
    move: str
    first: int
    last: int
    avoid: bool = False

    def due(self, round_number: int) -> bool:
        """Whether the term covers the round."""
        return self.first <= round_number <= self.last

    def describe(self) -> str:
        """``red.push, rounds 2-3`` or ``not red.push, round 2``."""
        span = (
            f"round {self.first}" if self.first == self.last else f"rounds {self.first}-{self.last}"
        )
        return f"{'not ' if self.avoid else ''}{self.move}, {span}"


@dataclass(frozen=True)
class DealEvent:
    """One line of a deal's timeline: a state change, or a term kept, broken or lapsed."""

    round: int
    status: str
    seat: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class Deal:
    """A deal between seats and where it stands."""

    id: str
    proposer: str
    parties: tuple[str, ...]
    terms: tuple[Term, ...]
    kind: DealKind
    deadline: int  # the last round before whose resolution every party must have accepted
    text: str = ""
    status: DealStatus = "proposed"
    accepted_by: tuple[str, ...] = ()
    events: tuple[DealEvent, ...] = ()

    @property
    def last_round(self) -> int:
        """The last round any term covers."""
        return max(t.last for t in self.terms)

    def to_dict(self) -> dict[str, Any]:
        """The deal as a JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Deal:
        """Rebuild a deal stored with ``to_dict``."""
        values = dict(data)
        values["parties"] = tuple(data["parties"])
        values["accepted_by"] = tuple(data.get("accepted_by", ()))
        values["terms"] = tuple(Term(**t) for t in data["terms"])
        values["events"] = tuple(DealEvent(**e) for e in data.get("events", ()))
        return cls(**values)

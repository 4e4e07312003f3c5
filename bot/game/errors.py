"""Domain errors: rule violations the front ends turn into polite replies."""

from __future__ import annotations


class GameError(Exception):
    """Base for every rule violation the engine reports."""


class IllegalOrder(GameError):
    """An order breaks the rules: unknown or unaffordable move, a limit, a wrong seat."""

    def __init__(self, seat: str, message: str, move: str | None = None) -> None:
        super().__init__(message)
        self.seat = seat
        self.move = move
        self.message = message


class MatchOver(GameError):
    """The match has already ended; no more rounds can be resolved."""

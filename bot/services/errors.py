"""Errors the services raise. Each carries ``message``, written to be shown to a player as is.

Front ends catch ``USER_ERRORS`` (every ``ServiceError`` plus the engine's ``GameError``, whose
``IllegalOrder`` reports rule violations in submitted orders) and reply politely; anything else
is a bug and should be logged.
"""

from __future__ import annotations

from bot.game.errors import GameError, IllegalOrder, MatchOver


class ServiceError(Exception):
    """Base of every domain error a service raises; ``message`` is fit for a player to read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """Something asked for does not exist (a match, a scenario, a library entry...)."""


class MatchNotFound(NotFound):
    """No match has that id."""

    def __init__(self, match_id: int) -> None:
        super().__init__(f"there is no match {match_id}")
        self.match_id = match_id


class ClassNotFound(NotFound):
    """No class run has that id (or it is another server's: answered the same way)."""

    def __init__(self, class_id: int) -> None:
        super().__init__(f"there is no class run {class_id} in this server")
        self.class_id = class_id


class UnknownScenario(NotFound):
    """No stored scenario text has that hash (store it first with ``scenarios.add``)."""


class ScenarioRejected(ServiceError):
    """A scenario file failed validation; ``problems`` lists ``FILE:LINE: field: message``."""

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


class WrongPhase(ServiceError):
    """The match is not in a phase that allows this (e.g. orders in the lobby, or after the end)."""


class RoundClosed(WrongPhase):
    """The round named is not the one being played (a stale button or a late command)."""


class NotAllowed(ServiceError):
    """The player may not do this (only the host or a moderator may)."""


class NoServer(NotAllowed):
    """A Discord request from a direct message: matches and libraries belong to a server."""

    def __init__(self) -> None:
        super().__init__("Levers is played in a server: use this command in a server's channel")


class Cooldown(ServiceError):
    """The player acts faster than a person plays (about five actions a second); nothing was
    stored."""


class NotSeated(ServiceError):
    """The player holds no seat in this match."""


class UnknownSeat(ServiceError):
    """The scenario of this match has no such seat."""


class SeatTaken(ServiceError):
    """The seat already has a player and the match does not play in teams."""


class InvalidInput(ServiceError):
    """A value is out of range: an argument too long, a deadline too short, too many moves..."""


class NothingToWithdraw(ServiceError):
    """The seat has no orders submitted this round."""


class Conflict(ServiceError):
    """Another process kept changing the match at the same moment; trying again will do."""


class StorageError(ServiceError):
    """The database could not save (or read) anything; nothing was acknowledged."""


class StorageFull(StorageError):
    """The database file or its disk is full; nothing was saved."""


class StorageBusy(StorageError):
    """Another process holds the database's write lock; nothing was saved."""


USER_ERRORS: tuple[type[Exception], ...] = (ServiceError, GameError)
"""Catch these in a front end and show ``str(error)`` (or ``error.message``) to the user."""

__all__ = [
    "USER_ERRORS",
    "ClassNotFound",
    "Conflict",
    "Cooldown",
    "GameError",
    "IllegalOrder",
    "InvalidInput",
    "MatchNotFound",
    "MatchOver",
    "NoServer",
    "NotAllowed",
    "NotFound",
    "NotSeated",
    "NothingToWithdraw",
    "RoundClosed",
    "ScenarioRejected",
    "SeatTaken",
    "ServiceError",
    "StorageBusy",
    "StorageError",
    "StorageFull",
    "UnknownScenario",
    "UnknownSeat",
    "WrongPhase",
]

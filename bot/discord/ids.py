"""Custom ids of every persistent component and modal: ``lv:…``, ≤ 100 characters, no secrets.

Shape: ``lv:[m:{match}:][r:{round}:]{action}[:{arg}]``, e.g. ``lv:m:7:r:2:orders`` or
``lv:m:7:seat:us``. A custom_id carries only public ids (the match number, the round, seat and
move ids from the scenario); every part is checked again against the store when it is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.discord import limits

TEMPLATE = (
    r"lv:(?:m:(?P<match>[0-9]{1,12}):)?(?:r:(?P<round>[0-9]{1,2}):)?"
    r"(?P<action>[a-z]{1,12})(?::(?P<arg>[a-z0-9_.:]{1,80}))?"
)
PATTERN = re.compile(TEMPLATE)


@dataclass(frozen=True)
class Route:
    """A parsed custom_id."""

    action: str
    match: int | None = None
    round: int | None = None
    arg: str | None = None

    @property
    def custom_id(self) -> str:
        """The custom_id that parses back to this route."""
        parts = ["lv"]
        if self.match is not None:
            parts += ["m", str(self.match)]
        if self.round is not None:
            parts += ["r", str(self.round)]
        parts.append(self.action)
        if self.arg is not None:
            parts.append(self.arg)
        text = ":".join(parts)
        if len(text) > limits.CUSTOM_ID or not PATTERN.fullmatch(text):
            raise limits.LimitExceeded(f"bad custom_id {text!r}")
        return text


def parse(custom_id: str) -> Route | None:
    """The route of a custom_id, or None when it is not one of ours."""
    found = PATTERN.fullmatch(custom_id)
    if found is None:
        return None
    return route_of(found)


def route_of(found: re.Match[str]) -> Route:
    """The route of a match of ``TEMPLATE``."""
    match, rnd = found["match"], found["round"]
    return Route(
        found["action"],
        int(match) if match is not None else None,
        int(rnd) if rnd is not None else None,
        found["arg"],
    )


def scenario_page(page: int, direction: str) -> str:
    """A page of ``/scenarios``: ``lv:page:n:2``."""
    return Route("page", arg=f"{direction}:{page % 1000}").custom_id


def seat(match: int, seat_id: str) -> str:
    """A lobby seat button: ``lv:m:7:seat:us``."""
    return Route("seat", match, arg=seat_id).custom_id


def lobby(match: int, action: str) -> str:
    """A lobby control (``start``, ``leave``): ``lv:m:7:start``."""
    return Route(action, match).custom_id


def round_action(match: int, round_number: int, action: str, arg: str | None = None) -> str:
    """A round control (``orders``, ``pick``, ``submit``…): ``lv:m:7:r:2:orders``."""
    return Route(action, match, round_number, arg).custom_id

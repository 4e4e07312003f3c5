"""Turning values into what the store keeps: UTC time text, canonical JSON, orders, states."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.game.state import (
    Forecast,
    MatchState,
    Order,
    Rating,
    Record,
    SeatOrders,
    canonical_json,
)

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def time_text(when: datetime) -> str:
    """An aware datetime as sortable UTC text: ``2021-01-20T12:00:00.000000Z``."""
    if when.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return when.astimezone(UTC).strftime(TIME_FORMAT)


def parse_time(text: str) -> datetime:
    """The aware datetime stored as ``time_text`` (``fromisoformat``: 40 times ``strptime``'s
    speed, and a match's rows hold many times)."""
    return datetime.fromisoformat(text)


def maybe_time(text: str | None) -> datetime | None:
    """``parse_time``, passing None through."""
    return None if text is None else parse_time(text)


def sha256_hex(data: bytes | str) -> str:
    """The SHA-256 of bytes (or UTF-8 text) in hex."""
    raw = data.encode() if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()


def dumps(value: Any) -> str:
    """Canonical JSON (sorted keys, no spaces), the form every JSON column holds."""
    return canonical_json(value)


def loads(text: str) -> Any:
    """Parse a JSON column."""
    return json.loads(text)


def order_to_dict(o: Order) -> dict[str, Any]:
    """One order as a JSON-ready dict; the debate's fields only when set, so that orders
    stored before the debate serialise to the same bytes."""
    data: dict[str, Any] = {"move": o.move, "argument": o.argument}
    if o.rating is not None:
        data["rating"] = o.rating
    if o.forecast is not None:
        data["forecast"] = o.forecast.to_dict()
    if o.author is not None:
        data["author"] = o.author
    if o.ratings:
        data["ratings"] = [r.to_dict() for r in o.ratings]
    if o.umpire is not None:
        data["umpire"] = o.umpire
    if o.counter_arguments:
        data["counter_arguments"] = [{"by": by, "text": t} for by, t in o.counter_arguments]
    return data


def order_from_dict(m: Mapping[str, Any]) -> Order:
    """Rebuild an order stored with ``order_to_dict`` (older orders lack the debate's fields)."""
    forecast = m.get("forecast")
    return Order(
        m["move"],
        m.get("argument", ""),
        m.get("rating"),
        Forecast.from_dict(forecast) if forecast else None,
        m.get("author"),
        tuple(Rating.from_dict(r) for r in m.get("ratings", [])),
        m.get("umpire"),
        tuple((str(c["by"]), str(c["text"])) for c in m.get("counter_arguments", [])),
    )


def orders_to_dict(orders: SeatOrders) -> dict[str, Any]:
    """A seat's orders as a JSON-ready dict."""
    return {
        "moves": [order_to_dict(o) for o in orders.moves],
        "decisions": dict(sorted(orders.decisions.items())),
    }


def orders_from_dict(data: Mapping[str, Any]) -> SeatOrders:
    """Rebuild a seat's orders stored with ``orders_to_dict``."""
    moves = tuple(order_from_dict(m) for m in data.get("moves", []))
    return SeatOrders(moves=moves, decisions=dict(data.get("decisions", {})))


def state_text(state: MatchState) -> str:
    """A state as canonical JSON."""
    return dumps(state.to_dict())


def state_from_text(text: str) -> MatchState:
    """Rebuild a state stored with ``state_text``."""
    return MatchState.from_dict(loads(text))


def records_from_text(text: str) -> tuple[Record, ...]:
    """Rebuild engine records stored as canonical JSON."""
    return tuple(Record(**item) for item in loads(text))

"""A seat's draft as the match log keeps it, with who wrote what (for teams).

Each change to a draft is one ``order_draft`` log line: the orders, and by move who added it
(``author``) and who last wrote its argument (``argument_author``). Every member of a team edits
the same draft; an edit is applied to the latest line inside the write transaction, so two
members editing at once both keep their change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.game.state import SeatOrders
from db.codec import orders_from_dict, orders_to_dict
from db.models import Authors, LogEntry
from db.repos import log as log_repo
from db.store import Tx

KIND = "order_draft"


def authored(
    before: SeatOrders, after: SeatOrders, authors: Mapping[str, Authors], player: str
) -> dict[str, Authors]:
    """Who wrote each move of ``after``, when ``player`` changed ``before`` into it."""
    old = {o.move: (o.argument, o.forecast) for o in before.moves}
    found: dict[str, Authors] = {}
    for order in after.moves:
        known = authors.get(order.move)
        if order.move not in old:
            found[order.move] = Authors(player, player)
        elif old[order.move] != (order.argument, order.forecast):  # the forecast is argued too
            found[order.move] = Authors(known.author if known else player, player)
        else:
            found[order.move] = known or Authors(player, player)
    return found


def draft_data(orders: SeatOrders, authors: Mapping[str, Authors]) -> dict[str, Any]:
    """A log line's data: the orders and their authors."""
    written = {m: [a.author, a.argument_author] for m, a in sorted(authors.items())}
    return orders_to_dict(orders) | {"authors": written}


def from_line(entry: LogEntry) -> tuple[SeatOrders, dict[str, Authors]]:
    """The draft and its authors kept in one log line (older lines name no authors)."""
    raw = entry.data.get("authors", {})
    authors = {str(m): Authors(str(a[0]), str(a[1])) for m, a in raw.items()}
    return orders_from_dict(entry.data), authors


Draft = tuple[SeatOrders, dict[str, Authors]]


async def latest(tx: Tx, match_id: int, round: int) -> dict[str, Draft]:
    """Each seat's latest draft line in the round: seat -> (orders, authors)."""
    lines = await log_repo.entries(tx, match_id, kinds=[KIND], round=round)
    found: dict[str, Draft] = {}
    for entry in lines:
        if entry.seat is not None:
            found[entry.seat] = from_line(entry)
    return found

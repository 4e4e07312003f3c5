"""The message a click arrives with, cut down to the clicked control before discord.py parses it.

Discord sends the whole message with every component interaction and modal submission (a
panel: its embeds, up to five rows, selects of 25 options). discord.py parses all of it into
objects for ``Interaction.message``, and once more into a ``View`` (``View.from_message``) to
find the item that was clicked; for a panel that is over a thousand objects a click, which the
garbage collector then walks while the acknowledgments wait (docs/performance.md, the sixth pass
of the acknowledgment).

Levers' handlers read the match from the store, never from the message. What they and discord.py
use of it is its id and channel (for edits), its flags, and whether the clicked control is on it
(``components.on_interaction`` refuses a control that is not). So a click's message keeps the row
with the clicked control, holding that control alone; a modal submission's message keeps no
components; both lose their embeds. The rest of the payload is untouched, and the payload the
caller passed in is not changed (the message dict may be shared: copies are made).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Json = dict[str, Any]
Parser = Callable[[Any], None]
COMPONENT, MODAL_SUBMIT = 3, 5
COMPONENTS_V2 = 1 << 15  # a layout message: components nest in containers; left whole


def slimmed(data: Json) -> Json:
    """``data`` with its message cut to what the bot reads (``data`` itself is not changed)."""
    kind = data.get("type")
    message = data.get("message")
    if kind not in (COMPONENT, MODAL_SUBMIT) or not isinstance(message, dict):
        return data
    if int(message.get("flags") or 0) & COMPONENTS_V2:
        return data
    kept: list[Json] = []
    if kind == COMPONENT:
        custom_id = (data.get("data") or {}).get("custom_id")
        for row in message.get("components") or []:
            clicked = [c for c in row.get("components") or [] if c.get("custom_id") == custom_id]
            if clicked:
                kept = [{**row, "components": clicked[:1]}]
                break
    return {**data, "message": {**message, "components": kept, "embeds": []}}


def wrap(parser: Parser) -> Parser:
    """The INTERACTION_CREATE parser, given slimmed payloads."""

    def parse(data: Any) -> None:
        parser(slimmed(data) if isinstance(data, dict) else data)

    return parse

"""Discord's documented limits, and checks the renderer runs before anything is sent.

A check that fails raises ``LimitExceeded``: a rendering bug must never reach Discord as an error
from the API (or, worse, be cut silently). Renderers split or paginate long content themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import discord

CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
EMBED_TOTAL = 6000
ACTION_ROWS = 5
ROW_BUTTONS = 5
SELECT_OPTIONS = 25
OPTION_TEXT = 100
PLACEHOLDER = 150
CUSTOM_ID = 100
BUTTON_LABEL = 80
MODAL_TITLE = 45
MODAL_INPUTS = 5
MODAL_LABEL = 45
TEXT_INPUT = 4000
COMMAND_NAME = 32
COMMAND_DESCRIPTION = 100
THREAD_NAME = 100


class LimitExceeded(ValueError):
    """Something about to be sent breaks one of Discord's limits."""


def _check(what: str, value: str | None, limit: int) -> None:
    if value is not None and len(value) > limit:
        raise LimitExceeded(f"{what} has {len(value)} characters; Discord allows {limit}")


def check_embeds(embeds: Sequence[discord.Embed]) -> None:
    """Raise LimitExceeded unless the embeds fit in one message."""
    if len(embeds) > EMBEDS:
        raise LimitExceeded(f"{len(embeds)} embeds; Discord allows {EMBEDS}")
    total = 0
    for embed in embeds:
        _check("embed title", embed.title, EMBED_TITLE)
        _check("embed description", embed.description, EMBED_DESCRIPTION)
        _check("embed footer", embed.footer.text, FOOTER)
        _check("embed author", embed.author.name, AUTHOR)
        if len(embed.fields) > EMBED_FIELDS:
            raise LimitExceeded(f"{len(embed.fields)} fields; Discord allows {EMBED_FIELDS}")
        for field in embed.fields:
            _check("field name", field.name, FIELD_NAME)
            _check("field value", field.value, FIELD_VALUE)
        total += len(embed)  # the characters Discord counts towards 6000
    if total > EMBED_TOTAL:
        raise LimitExceeded(f"embeds total {total} characters; Discord allows {EMBED_TOTAL}")


def check_content(content: str | None) -> None:
    """Raise LimitExceeded when message content is too long."""
    _check("message content", content, CONTENT)


def _check_item(item: discord.ui.Item[discord.ui.View]) -> None:
    custom_id = getattr(item, "custom_id", None)
    _check("custom_id", custom_id, CUSTOM_ID)
    if isinstance(item, discord.ui.Button):
        _check("button label", item.label, BUTTON_LABEL)
    elif isinstance(item, discord.ui.Select):
        if not 1 <= len(item.options) <= SELECT_OPTIONS:
            raise LimitExceeded(f"a select with {len(item.options)} options")
        _check("placeholder", item.placeholder, PLACEHOLDER)
        for option in item.options:
            _check("option label", option.label, OPTION_TEXT)
            _check("option value", option.value, OPTION_TEXT)
            _check("option description", option.description, OPTION_TEXT)


def check_view(view: discord.ui.View | None) -> None:
    """Raise LimitExceeded unless the view's rows, buttons and selects fit Discord's limits."""
    if view is None:
        return
    for item in view.children:
        _check_item(getattr(item, "item", item))  # a DynamicItem wraps the real component
    payload_rows = view.to_components()
    if len(payload_rows) > ACTION_ROWS:
        raise LimitExceeded(f"{len(payload_rows)} action rows; Discord allows {ACTION_ROWS}")


def check_message(
    content: str | None = None,
    embeds: Iterable[discord.Embed] = (),
    view: discord.ui.View | None = None,
) -> None:
    """Check a whole message before it is sent."""
    check_content(content)
    check_embeds(list(embeds))
    check_view(view)


def fit(text: str, limit: int, ellipsis: str = "…") -> str:
    """Shorten a label-like text (names, button labels) to a limit, marking the cut, at the
    end of a word when one ends in the last quarter (never silently, nor mid-word if avoidable)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ellipsis)]
    space = cut.rfind(" ")
    if space >= (limit * 3) // 4:
        cut = cut[:space].rstrip()
    return cut + ellipsis


def split_text(lines: Iterable[str], limit: int) -> list[str]:
    """Join lines into chunks of at most ``limit`` characters, breaking only between lines.

    A single line longer than the limit is broken at spaces (or hard, as a last resort) so that
    nothing is ever dropped.
    """
    chunks: list[str] = []
    current = ""
    for line in lines:
        for piece in _break_line(line, limit):
            candidate = f"{current}\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks


def _break_line(line: str, limit: int) -> list[str]:
    pieces: list[str] = []
    while len(line) > limit:
        cut = line.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(line[:cut])
        line = line[cut:].lstrip(" ")
    pieces.append(line)
    return pieces

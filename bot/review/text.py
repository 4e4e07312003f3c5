"""Small text helpers shared by the review renderers: Markdown escaping and number formats."""

from __future__ import annotations

import re

_MD_INLINE = re.compile(r"([\\`*_~|\[\]<>])")
_MD_BLOCK = re.compile(r"^([#>+-])")
_MD_NUMBERED = re.compile(r"^(\d+)([.)])")
_SPACE = re.compile(r"\s+")


def one_line(text: str) -> str:
    """Text on one line: runs of whitespace (newlines included) become one space."""
    return _SPACE.sub(" ", text).strip()


def md(text: str) -> str:
    """User or scenario text made inert in Markdown (Discord's flavour and CommonMark).

    Emphasis, code, links, tables, quotes, headings and lists cannot be started from inside it;
    what a reader sees is the text as written. Newlines become spaces.
    """
    flat = one_line(text)
    escaped = _MD_INLINE.sub(r"\\\1", flat)
    escaped = _MD_BLOCK.sub(r"\\\1", escaped)
    return _MD_NUMBERED.sub(r"\1\\\2", escaped)


def signed(value: float) -> str:
    """``+3.0`` / ``-1.5``."""
    return f"{value:+.1f}"


def number(value: float | None, unit: str = "") -> str:
    """``42.0%``, or ``hidden`` for a value the viewer may not see."""
    return "hidden" if value is None else f"{value:.1f}{unit}"


def round_title(number: int, label: str) -> str:
    """``Round 3 (Q3 2021)``; round 0 is ``Before round 1``."""
    if number == 0:
        return "Before round 1"
    return f"Round {number}" + (f" ({label})" if label else "")

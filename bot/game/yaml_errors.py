"""YAML syntax errors in plain words, for people who have never read a parser message.

PyYAML says "mapping values are not allowed in this context"; a teacher needs "`effects` is
indented 6 spaces; the lines around it use 4", the line, and a caret under the spot. The
parser's own message is kept underneath for those who know YAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_KEY = re.compile(r"\s*(?:-\s+)?([A-Za-z_][\w.-]*)\s*:(?:\s|$)")
_WORDS = re.compile(r"\s*(?:-\s+)?([A-Za-z_][\w.-]*)\s+(\S.*)")


@dataclass(frozen=True)
class Explained:
    """A plain message and the (1-based) spot it is about."""

    message: str
    line: int
    column: int


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _meaningful(lines: list[str], index: int, step: int) -> str | None:
    """The nearest line before (step -1) or after (+1) that is not blank or a comment."""
    index += step
    while 0 <= index < len(lines):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            return lines[index]
        index += step
    return None


def _around(lines: list[str], index: int) -> int | None:
    """The indentation the keys around this line use: that of the nearest key above it, or
    where the mapping of the nearest list item above it starts (``- id: x`` starts at 4).

    Text lines (a ``>`` block's) and list items nested deeper are passed over.
    """
    indent = _indent(lines[index])
    for row in reversed(lines[:index]):
        stripped = row.strip()
        if not stripped or stripped.startswith("#"):
            continue
        dash = re.match(r"(\s*)-\s+", row)
        if dash:
            if len(dash[1]) < indent:
                return dash.end()
            continue
        if _KEY.match(row):
            return _indent(row)
    return None


def _inner_quotes(lines: list[str], index: int) -> Explained | None:
    """A text in double quotes that itself holds double quotes: YAML ends it at the second."""
    for number in (index, index - 1):
        if not 0 <= number < len(lines):
            continue
        value = re.match(r'\s*(?:-\s+)?[\w.-]+:\s+(")', lines[number])
        if value and lines[number].count('"') > 2:
            second = lines[number].index('"', value.end(1))
            return Explained(
                "this text is in double quotes and holds double quotes too, so it ends at the "
                "second one: put it in single quotes instead ('played(\"x.y\")')",
                number + 1,
                second + 1,
            )
    return None


def _unclosed(lines: list[str], index: int) -> Explained | None:
    """A double quote opened on a line above and not closed there (YAML carries it on)."""
    for number in range(index - 1, max(-1, index - 30), -1):
        value = re.match(r'\s*(?:-\s+)?[\w.-]+:\s+(")', lines[number])
        if value and lines[number].count('"') - lines[number].count('\\"') == 1:
            return Explained(
                f'the quote " opened here is never closed (YAML reads on to line {index + 1}): '
                'end the text with a matching "',
                number + 1,
                value.start(1) + 1,
            )
    return None


def _tab(lines: list[str], start: int) -> Explained | None:
    for index in range(max(0, start - 1), len(lines)):
        head = lines[index][: len(lines[index]) - len(lines[index].lstrip(" \t"))]
        if "\t" in head:
            return Explained(
                "this line is indented with a tab: use spaces, not tabs, to indent",
                index + 1,
                head.index("\t") + 1,
            )
    return None


def _indented(lines: list[str], index: int, column: int | None = None) -> Explained | None:
    """A key indented more or less than its neighbours (``column``: where the parser stopped,
    which must be the key's own colon when given)."""
    line = lines[index]
    key = _KEY.match(line)
    if key is None or (column is not None and line.index(":", key.start(1)) != column):
        return None
    around = _around(lines, index)
    if around is None or _indent(line) == around:
        return None
    return Explained(
        f"`{key[1]}` is indented {_indent(line)} spaces; the lines around it use {around}",
        index + 1,
        _indent(line) + 1,
    )


def explain(exc: yaml.MarkedYAMLError, text: str) -> Explained | None:
    """Plain words for the common syntax mistakes, or None for the rest."""
    lines = text.splitlines()
    problem = exc.problem or ""
    context = exc.context or ""
    mark, opened = exc.problem_mark, exc.context_mark
    if mark is None:
        return None
    if "tab" in problem or "'\\t'" in problem:
        return _tab(lines, mark.line)
    if "quoted scalar" in context and opened is not None:
        quote = (
            lines[opened.line][opened.column : opened.column + 1]
            if opened.line < len(lines)
            else ""
        )
        return Explained(
            f"the quote {quote} opened here is never closed: end the text with a matching {quote}",
            opened.line + 1,
            opened.column + 1,
        )
    if "expected ':'" in problem and opened is not None and opened.line < len(lines):
        words = _WORDS.match(lines[opened.line])
        if words:
            value = words[2].strip()
            value = value if len(value) <= 30 else value[:30].rstrip() + " ..."
            fix = f"`{words[1]}: {value}`"
            return Explained(
                f"`{words[1]}` has no colon after it: write {fix}",
                opened.line + 1,
                opened.column + len(words[1]) + 1,
            )
        return Explained("a colon (:) is missing on this line", opened.line + 1, opened.column + 1)
    if mark.line >= len(lines):
        return None
    if "mapping values are not allowed" in problem:
        deeper = _indented(lines, mark.line, mark.column)
        if deeper is not None:
            return deeper
        return Explained(
            "a colon followed by a space inside unquoted text starts a new key: put the text "
            "in quotes, or rephrase it without ': '",
            mark.line + 1,
            mark.column + 1,
        )
    if "did not find expected" in problem or "expected <block end>" in problem:
        return (
            _indented(lines, mark.line)
            or _inner_quotes(lines, mark.line)
            or _unclosed(lines, mark.line)
        )
    return None


def caret(text: str, line: int, column: int) -> str:
    """The line with its number and a caret under ``column`` (both 1-based)."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    source = lines[line - 1].replace("\t", "→")
    number = f"{line:>5} | "
    return f"{number}{source}\n{' ' * (len(number) - 2)}| {' ' * (column - 1)}^"

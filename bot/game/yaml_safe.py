"""Hardened YAML loading for scenario files that moderators upload from Discord.

Uploads are treated as hostile. PyYAML is used only for scanning and parsing: we
walk its event stream (``yaml.parse`` with ``SafeLoader``) and build plain data
ourselves, so no PyYAML constructor ever runs. The walk is iterative, which keeps
deep nesting from reaching Python's recursion limit, and it stops at the first
refusal, so depth, node and alias bombs are cut off before they cost anything.

Scalars resolve with the YAML 1.2 core schema (``yes``/``no``/``on``/``off`` and
``1:30`` stay text), and every string is checked for invisible characters and
Discord mentions before it can reach a channel.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
)

from bot.game.yaml_errors import caret, explain

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Loaded", "YamlError", "load_yaml"]

# libyaml's parser (when PyYAML was built with it) is ~20x faster than the pure-Python one, which
# matters for uploads: a dense 256 KiB file takes seconds to parse in pure Python.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_BYTES = 256 * 1024
MAX_DEPTH = 24
MAX_NODES = 50_000

Path = tuple[str | int, ...]

_MAX_INT_DIGITS = 18
_BOM = b"\xef\xbb\xbf"
_MENTION_MESSAGE = "mentions such as @everyone or roles are not allowed in scenario text"

# YAML 1.2 core schema. Everything that matches none of these stays a string.
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"(?P<dec>[-+]?[0-9]+)|0o(?P<oct>[0-7]+)|0x(?P<hex>[0-9a-fA-F]+)")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
# Signed .nan is not core-schema syntax either, but refusing it beats a surprising string.
_NOT_FINITE = re.compile(r"[-+]?\.(?:inf|nan)", re.IGNORECASE)

# C0/C1 controls except \t and \n, zero-width characters, and bidi controls: all can
# hide or reorder text in Discord.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff"
    "\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]"
)
# Channel links (<#123>) are harmless; everything that pings people is not.
_MENTION = re.compile(r"@(?:everyone|here)|<@[!&]?[0-9]+>", re.IGNORECASE)
# PyYAML's Reader counts these as line breaks (a lone \r too), so we do the same.
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


class YamlError(ValueError):
    """A refused scenario file: a readable message plus a 1-based position if known."""

    def __init__(
        self, message: str, line: int | None = None, column: int | None = None, detail: str = ""
    ) -> None:
        """Record the message, the optional 1-based line and column, and optional detail lines
        (the source line with a caret, the parser's own message)."""
        super().__init__(message, line, column)
        self.message = message
        self.line = line
        self.column = column
        self.detail = detail

    def __str__(self) -> str:
        """Render as ``line L, column C: message`` (or less when the position is unknown)."""
        if self.line is None:
            return self.message
        if self.column is None:
            return f"line {self.line}: {self.message}"
        return f"line {self.line}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class Loaded:
    """Parsed scenario data plus the source line of every node, keyed by path.

    ``data`` holds only dict (with str keys), list, str, int, float, bool and None.
    ``lines`` maps a path such as ``("moves", 3, "effects", 0)`` to a 1-based line:
    for a mapping entry the line of its key, for a sequence item the line where the
    item starts, and for the root ``()`` the line where the document's content starts.
    """

    data: Any
    lines: Mapping[Path, int] = field(default_factory=lambda: MappingProxyType({}))

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """Line of the path, or of its nearest ancestor that has one (e.g. a missing key
        reports its parent mapping's line)."""
        key = tuple(path)
        while True:
            line = self.lines.get(key)
            if line is not None or not key:
                return line
            key = key[:-1]


def load_yaml(
    raw: bytes | str,
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    max_nodes: int = MAX_NODES,
) -> Loaded:
    """Parse one untrusted YAML document into plain data, or raise ``YamlError``.

    The size limit is checked on the UTF-8 bytes before any parsing. Anchors,
    aliases, tags, merge keys, duplicate or non-text keys, several documents,
    non-finite or oversized numbers, invisible/control characters and Discord
    mentions in strings are all refused, as is nesting deeper than ``max_depth``
    collections or more than ``max_nodes`` nodes (keys included).
    """
    text = _decode(raw, max_bytes)
    try:
        return _Builder(text, max_depth, max_nodes).build()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text) from exc
    except yaml.reader.ReaderError as exc:
        # Raised for raw control characters anywhere in the file; position is a char index.
        line, column = _line_col(text, int(exc.position))
        message = f"character {_describe(chr(exc.character))} is not allowed in the file"
        raise YamlError(message, line, column) from exc
    except yaml.YAMLError as exc:
        raise YamlError(f"not valid YAML: {exc}") from exc


def _decode(raw: bytes | str, max_bytes: int) -> str:
    """Enforce the byte limit, then decode strict UTF-8 (dropping one leading BOM)."""
    if isinstance(raw, str):
        # Every character is at least one byte, so this refuses huge text without encoding it.
        if len(raw) > max_bytes:
            raise YamlError(f"the file is larger than the {max_bytes}-byte limit")
        try:
            raw = raw.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise YamlError(
                f"the text contains an invalid character at offset {exc.start}"
            ) from exc
    if len(raw) > max_bytes:
        raise YamlError(f"the file is {len(raw)} bytes; the limit is {max_bytes} bytes")
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        message = f"the file is not valid UTF-8 (bad byte at offset {exc.start})"
        raise YamlError(message, line, column) from exc


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> YamlError:
    """Turn a PyYAML scanner/parser error into a YamlError with a 1-based position."""
    message = f"YAML syntax error: {exc.problem or exc.context or 'malformed document'}"
    if exc.problem and exc.context:
        message += f" ({exc.context})"
    mark = exc.problem_mark or exc.context_mark
    plain = explain(exc, text)
    if plain is not None:
        # Plain words first, then the spot, then the parser's message for those who know YAML.
        detail = f"{caret(text, plain.line, plain.column)}\n  {message}"
        return YamlError(plain.message, plain.line, plain.column, detail)
    if mark is None:
        return YamlError(message)
    # libyaml marks an error at the end of input on the line after the last one; keep it in
    # the file so editors can jump to it.
    last = max(1, len(_LINE_BREAK.split(text.rstrip("\r\n\x85\u2028\u2029"))))
    if mark.line + 1 > last:
        return YamlError(message, last, None)
    return YamlError(message, mark.line + 1, mark.column + 1)


def _line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index, counting breaks as PyYAML does."""
    line, line_start = 1, 0
    for match in _LINE_BREAK.finditer(text, 0, index):
        line, line_start = line + 1, match.end()
    return line, index - line_start + 1


def _describe(char: str) -> str:
    """Name a character as ``U+XXXX`` plus its Unicode name when it has one."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def _at(event: NodeEvent, message: str) -> YamlError:
    """A YamlError positioned at the start of an event."""
    mark = event.start_mark
    if mark is None:
        return YamlError(message)
    return YamlError(message, mark.line + 1, mark.column + 1)


def _show_tag(tag: str) -> str:
    """Render a resolved tag the way it was probably written (``!!str``, ``!custom``)."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def _resolve_plain(event: ScalarEvent) -> Any:
    """Resolve an untagged plain scalar with the YAML 1.2 core schema."""
    value = event.value
    if value in _NULLS:
        return None
    if value in _BOOLS:
        return _BOOLS[value]
    if _NOT_FINITE.fullmatch(value):
        raise _at(event, "NaN and infinity are not allowed")
    match = _INT.fullmatch(value)
    if match:
        digits = match["dec"] or match["oct"] or match["hex"]
        # Length first, so huge literals never reach int() (or its digit-limit error);
        # the magnitude check keeps hex/octal under the same ceiling as decimal.
        integer: int | None = None
        if len(digits.lstrip("+-")) <= _MAX_INT_DIGITS:
            integer = int(digits, 10 if match["dec"] else 8 if match["oct"] else 16)
        if integer is None or abs(integer) >= 10**_MAX_INT_DIGITS:
            raise _at(event, f"number too large (more than {_MAX_INT_DIGITS} digits)")
        return integer
    if _FLOAT.fullmatch(value):
        real = float(value)
        if math.isinf(real):
            raise _at(event, "number too large")
        return real
    return value


@dataclass(slots=True)
class _Frame:
    """An open collection on the build stack; mappings hold their pending key."""

    container: dict[str, Any] | list[Any]
    path: Path
    key: str | None = None
    key_line: int = 0


class _Builder:
    """Builds plain data from PyYAML's event stream with an explicit stack."""

    def __init__(self, text: str, max_depth: int, max_nodes: int) -> None:
        self.text = text
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.stack: list[_Frame] = []
        self.lines: dict[Path, int] = {}
        self.data: Any = None
        self.documents = 0
        self.nodes = 0
        self.empty = True

    def build(self) -> Loaded:
        """Consume the events lazily, so a refusal stops the parser immediately."""
        for event in yaml.parse(self.text, Loader=_LOADER):
            if isinstance(event, DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    mark = event.start_mark
                    line = mark.line + 1 if mark else None
                    raise YamlError("only one YAML document is allowed per file", line)
            elif isinstance(event, AliasEvent):
                raise _at(event, f"aliases such as *{event.anchor} are not allowed")
            elif isinstance(event, ScalarEvent):
                self._scalar(event)
            elif isinstance(event, CollectionStartEvent):
                self._collection(event)
            elif isinstance(event, CollectionEndEvent):
                self.stack.pop()
        if self.empty:
            raise YamlError("the file is empty")
        return Loaded(self.data, MappingProxyType(self.lines))

    def _check_node(self, event: ScalarEvent | CollectionStartEvent) -> None:
        """Refuse anchors and explicit tags, and enforce the node budget."""
        if event.anchor is not None:
            raise _at(event, f"anchors such as &{event.anchor} are not allowed")
        if event.tag is not None:
            raise _at(event, f"tags such as {_show_tag(event.tag)} are not allowed")
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise _at(event, f"the file has more than {self.max_nodes} values")

    def _pending_key_frame(self) -> _Frame | None:
        """The innermost mapping if it is waiting for a key (so the next node is a key)."""
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.container, dict) and frame.key is None:
            return frame
        return None

    def _scalar(self, event: ScalarEvent) -> None:
        self._check_node(event)
        # Quoted and block scalars are always text; only plain ones are resolved.
        value = _resolve_plain(event) if not event.style else event.value
        if isinstance(value, str):
            self._check_text(value, event)
        frame = self._pending_key_frame()
        if frame is not None:
            self._key(frame, value, event)
            return
        if not self.stack:
            self.empty = not event.style and event.value == ""
        self._attach(value, event)

    def _collection(self, event: CollectionStartEvent) -> None:
        self._check_node(event)
        if self._pending_key_frame() is not None:
            raise _at(event, "keys must be text, not a list or mapping")
        if len(self.stack) >= self.max_depth:
            raise _at(event, f"nesting is deeper than {self.max_depth} levels")
        container: dict[str, Any] | list[Any] = {} if isinstance(event, MappingStartEvent) else []
        self.empty = False
        self.stack.append(_Frame(container, self._attach(container, event)))

    def _key(self, frame: _Frame, key: Any, event: ScalarEvent) -> None:
        assert isinstance(frame.container, dict)
        if not isinstance(key, str):
            hint = f'quote it ("{event.value}") if you mean it' if event.value else "it is empty"
            raise _at(event, f"keys must be text; {hint}")
        if key == "<<":
            raise _at(event, "merge keys (<<) are not allowed")
        if key in frame.container:
            first = self.lines[(*frame.path, key)]
            raise _at(event, f"duplicate key {key!r} (first used on line {first})")
        frame.key = key
        frame.key_line = event.start_mark.line + 1 if event.start_mark else 0

    def _attach(self, value: Any, event: NodeEvent) -> Path:
        """Put a value node into its parent (or make it the root) and record its line."""
        line = event.start_mark.line + 1 if event.start_mark else 0
        frame = self.stack[-1] if self.stack else None
        if frame is None:
            path: Path = ()
            self.data = value
        elif isinstance(frame.container, list):
            path = (*frame.path, len(frame.container))
            frame.container.append(value)
        else:
            assert frame.key is not None
            path = (*frame.path, frame.key)
            line = frame.key_line
            frame.container[frame.key] = value
            frame.key = None
        self.lines[path] = line
        return path

    def _check_text(self, value: str, event: ScalarEvent) -> None:
        """Refuse invisible/control characters and Discord pings in a key or string."""
        bad = _FORBIDDEN.search(value)
        if bad is not None:
            message = f"character {_describe(bad.group())} is not allowed in scenario text"
            raise self._located(event, re.compile(re.escape(bad.group())), message)
        if _MENTION.search(value) is not None:
            raise self._located(event, _MENTION, _MENTION_MESSAGE)

    def _located(self, event: ScalarEvent, needle: re.Pattern[str], message: str) -> YamlError:
        """Point at the offending text inside the scalar's source if it appears there
        literally (it may not, e.g. a ``\\u200b`` escape); else at the scalar's start."""
        start, end = event.start_mark, event.end_mark
        found = needle.search(self.text, start.index, end.index) if start and end else None
        if found is None:
            return _at(event, message)
        line, column = _line_col(self.text, found.start())
        return YamlError(message, line, column)

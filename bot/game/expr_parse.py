"""Tokenizer and recursive-descent parser for the scenario condition language.

This is the front half of :mod:`bot.game.expr`: text in, an immutable syntax
tree out, with every syntax and argument-shape error raised as an
:class:`ExprError` carrying a 1-based column. Import the public names from
:mod:`bot.game.expr`; this module only exists to keep each file short.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, TypeAlias

ArgKind: TypeAlias = Literal["move", "event", "option", "seat", "rule", "metric", "number"]
MAX_DIGITS = 15


class ExprError(ValueError):
    """A parse or type error in an expression.

    ``column`` is the 1-based character position in the source text (a newline
    counts as one character); ``message`` is the text without the position.
    """

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"column {column}: {message}")
        self.message = message
        self.column = column

    def __reduce__(self) -> tuple[type[ExprError], tuple[str, int]]:
        # The default pickling replays ``args`` (one formatted string), which
        # would not fit this constructor.
        return (type(self), (self.message, self.column))


@dataclass(frozen=True)
class Signature:
    """The argument shape of one known function.

    ``params`` are the positional parameter kinds in order, of which the first
    ``required`` are mandatory; ``keywords`` are the allowed keyword names with
    their kinds. Kind "number" takes a numeric expression (a literal when given
    as a keyword), "metric" a quoted id or a bare identifier, and every other
    kind a quoted string id. ``returns`` is "bool" or "number". A ``builtin``
    is computed by the expression itself and never reaches ``Env.call``.
    """

    params: tuple[ArgKind, ...]
    required: int
    keywords: tuple[tuple[str, ArgKind], ...] = ()
    returns: Literal["bool", "number"] = "bool"
    builtin: bool = False

    def keyword_kind(self, name: str) -> ArgKind | None:
        """The kind of keyword ``name``, or None if the function has no such keyword."""
        return dict(self.keywords).get(name)


def _number_fn(*params: ArgKind) -> Signature:
    return Signature(params, len(params), returns="number", builtin=True)


FUNCTIONS: Mapping[str, Signature] = MappingProxyType(
    {
        "played": Signature(("move",), 1),
        "played_before": Signature(("move",), 1, (("rounds", "number"),)),
        "times_played": Signature(("move",), 1, returns="number"),
        "event": Signature(("event",), 1),
        "fired": Signature(("event",), 1),
        "decided": Signature(("event", "option"), 2),
        "active": Signature(("rule",), 1),
        "seat_played": Signature(("seat",), 1, returns="number"),
        "start": Signature(("metric",), 1, returns="number"),
        "prev": Signature(("metric",), 1, returns="number"),
        "min": _number_fn("number", "number"),
        "max": _number_fn("number", "number"),
        "abs": _number_fn("number"),
        "clamp": _number_fn("number", "number", "number"),
    }
)


# --- syntax tree -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Const:
    """A number literal, ``true`` or ``false``."""

    value: float | bool
    column: int


@dataclass(frozen=True, slots=True)
class Name:
    """A bare identifier, looked up with ``Env.value``."""

    name: str
    column: int


@dataclass(frozen=True, slots=True)
class Unary:
    """Prefix ``-`` or ``not``."""

    op: str
    operand: Node
    column: int


@dataclass(frozen=True, slots=True)
class Chain:
    """A left-associative run of one precedence level: ``ops[i]`` joins operands i and i+1.

    Kept flat (rather than nested binary nodes) so long chains never nest deeply.
    """

    ops: tuple[str, ...]
    operands: tuple[Node, ...]
    column: int


@dataclass(frozen=True, slots=True)
class Compare:
    """One comparison; the grammar forbids chaining them."""

    op: str
    left: Node
    right: Node
    column: int


@dataclass(frozen=True, slots=True)
class FuncCall:
    """A call to a known function; string-kind arguments are plain ``str``."""

    name: str
    args: tuple[str | Node, ...]
    kwargs: tuple[tuple[str, str | float], ...]
    column: int


Node: TypeAlias = Const | Name | Unary | Chain | Compare | FuncCall


# --- tokenizer ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical token; ``value`` is the float of a number or the text of a string."""

    kind: Literal["num", "str", "name", "kw", "op", "end"]
    text: str
    column: int
    value: float | str = 0.0


_DIGITS = frozenset("0123456789")
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyz_")
_NAME_CHARS = _NAME_START | _DIGITS
_SPACE = frozenset(" \t\r\n")
_KEYWORDS = frozenset({"and", "or", "not", "true", "false"})
_TWO_CHAR_OPS = frozenset({"<=", ">=", "==", "!="})
_ONE_CHAR_OPS = frozenset("<>+-*/%(),=")
_COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})
_HINTS = {"!": "; use 'not' to negate", "&": "; use 'and'", "|": "; use 'or'"}


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, ending with an "end" token one past the text."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _SPACE:
            i += 1
        elif ch in _DIGITS or (ch == "." and text[i + 1 : i + 2] in _DIGITS):
            i = _scan_number(text, i, tokens)
        elif ch in _NAME_START:
            i = _scan_name(text, i, tokens)
        elif ch in "\"'":
            i = _scan_string(text, i, tokens)
        elif text[i : i + 2] in _TWO_CHAR_OPS:
            tokens.append(Token("op", text[i : i + 2], i + 1))
            i += 2
        elif ch in _ONE_CHAR_OPS:
            tokens.append(Token("op", ch, i + 1))
            i += 1
        else:
            hint = _HINTS.get(ch, "; names are lowercase ASCII" if ch.isalpha() else "")
            raise ExprError(f"unexpected character {ch!r}{hint}", i + 1)
    tokens.append(Token("end", "", n + 1))
    return tokens


def _scan_digits(text: str, i: int) -> int:
    while i < len(text) and text[i] in _DIGITS:
        i += 1
    return i


def _scan_number(text: str, start: int, tokens: list[Token]) -> int:
    i = _scan_digits(text, start)
    if text[i : i + 1] == ".":
        frac = i + 1
        i = _scan_digits(text, frac)
        if i == frac:
            raise ExprError("expected a digit after '.'", i + 1)
    if text[i : i + 1] == "." or text[i : i + 1] in _NAME_CHARS:
        raise ExprError(f"malformed number {text[start : i + 1]!r}", start + 1)
    literal = text[start:i]
    if sum(c in _DIGITS for c in literal) > MAX_DIGITS:
        raise ExprError(f"number has more than {MAX_DIGITS} digits", start + 1)
    tokens.append(Token("num", literal, start + 1, float(literal)))
    return i


def _scan_name(text: str, start: int, tokens: list[Token]) -> int:
    i = start
    while i < len(text) and text[i] in _NAME_CHARS:
        i += 1
    word = text[start:i]
    if text[i : i + 1] == ".":
        # Move ids look like "us.oil_sanctions"; only quoted strings may hold dots.
        while i < len(text) and (text[i] in _NAME_CHARS or text[i] == "."):
            i += 1
        raise ExprError(f'dotted ids must be quoted strings: write "{text[start:i]}"', start + 1)
    tokens.append(Token("kw" if word in _KEYWORDS else "name", word, start + 1))
    return i


def _scan_string(text: str, start: int, tokens: list[Token]) -> int:
    end = text.find(text[start], start + 1)
    newline = text.find("\n", start + 1)
    if end < 0 or 0 <= newline < end:
        raise ExprError("unterminated string", start + 1)
    tokens.append(Token("str", text[start : end + 1], start + 1, text[start + 1 : end]))
    return end + 1


def _describe(token: Token) -> str:
    if token.kind == "end":
        return "end of expression"
    if token.kind == "str":
        return f"string {token.text}"
    return repr(token.text)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# --- parser ------------------------------------------------------------------


def parse_tree(text: str, *, max_length: int, max_depth: int) -> Node:
    """Parse ``text`` into a syntax tree, checking function names and argument shapes."""
    if len(text) > max_length:
        raise ExprError(
            f"expression is too long ({len(text)} characters; max {max_length})", max_length + 1
        )
    tokens = tokenize(text)
    if tokens[0].kind == "end":
        raise ExprError("empty expression", 1)
    return _Parser(tokens, max_depth).parse()


class _Parser:
    """Recursive descent over the token list, one method per precedence level."""

    def __init__(self, tokens: list[Token], max_depth: int) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.max_depth = max_depth

    def parse(self) -> Node:
        node = self.expression()
        token = self.peek()
        if token.kind != "end":
            hint = ""
            if token.text == "=":
                after = self.peek(1)
                swapped = {">": ">=", "<": "<="}.get(after.text)
                glued = after.column == token.column + 1
                hint = (
                    f"; did you mean '{swapped}'?" if swapped and glued else "; use '==' to compare"
                )
            raise ExprError(f"unexpected {_describe(token)}{hint}", token.column)
        return node

    # token helpers

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.peek()
        self.pos += 1
        return token

    def at(self, kind: str, *texts: str) -> bool:
        token = self.peek()
        return token.kind == kind and token.text in texts

    def enter(self, token: Token) -> None:
        # Bounding nesting here keeps the parser, compiler and closures far from
        # Python's recursion limit.
        self.depth += 1
        if self.depth > self.max_depth:
            raise ExprError(f"expression is nested too deeply (max {self.max_depth})", token.column)

    # grammar, lowest precedence first

    def expression(self) -> Node:
        return self.chain("kw", ("or",), self.conjunction)

    def conjunction(self) -> Node:
        return self.chain("kw", ("and",), self.negation)

    def negation(self) -> Node:
        return self.prefix("kw", "not", self.comparison)

    def comparison(self) -> Node:
        left = self.sum()
        if not self.at("op", *_COMPARISONS):
            return left
        op = self.advance()
        right = self.sum()
        if self.at("op", *_COMPARISONS):
            raise ExprError(
                "comparisons cannot be chained; join them with 'and'", self.peek().column
            )
        return Compare(op.text, left, right, op.column)

    def sum(self) -> Node:
        return self.chain("op", ("+", "-"), self.term)

    def term(self) -> Node:
        return self.chain("op", ("*", "/", "%"), self.unary)

    def chain(self, kind: str, ops: tuple[str, ...], operand: Callable[[], Node]) -> Node:
        operands = [operand()]
        symbols: list[str] = []
        while self.at(kind, *ops):
            symbols.append(self.advance().text)
            operands.append(operand())
        if not symbols:
            return operands[0]
        return Chain(tuple(symbols), tuple(operands), operands[0].column)

    def unary(self) -> Node:
        return self.prefix("op", "-", self.primary)

    def prefix(self, kind: str, op: str, operand: Callable[[], Node]) -> Node:
        if not self.at(kind, op):
            return operand()
        token = self.advance()
        self.enter(token)
        node = self.prefix(kind, op, operand)
        self.depth -= 1
        return Unary(op, node, token.column)

    def primary(self) -> Node:
        token = self.advance()
        if token.kind == "num":
            return Const(float(token.value), token.column)
        if token.kind == "kw" and token.text in ("true", "false"):
            return Const(token.text == "true", token.column)
        if token.kind == "name":
            return self.call(token) if self.at("op", "(") else Name(token.text, token.column)
        if token.kind == "op" and token.text == "(":
            self.enter(token)
            node = self.expression()
            self.close(token)
            self.depth -= 1
            return node
        if token.kind == "str":
            raise ExprError("a quoted string is only allowed as a function argument", token.column)
        raise ExprError(f"unexpected {_describe(token)}", token.column)

    def close(self, opener: Token) -> None:
        token = self.peek()
        if not self.at("op", ")"):
            raise ExprError(
                f"expected ')' to close '(' at column {opener.column}, found {_describe(token)}",
                token.column,
            )
        self.advance()

    # function calls

    def call(self, name: Token) -> FuncCall:
        sig = FUNCTIONS.get(name.text)
        if sig is None:
            known = ", ".join(sorted(FUNCTIONS))
            raise ExprError(f"unknown function {name.text!r}; known: {known}", name.column)
        opener = self.advance()
        self.enter(opener)
        args: list[str | Node] = []
        kwargs: dict[str, str | float] = {}
        if not self.at("op", ")"):
            self.argument(name.text, sig, args, kwargs)
            while self.at("op", ","):
                self.advance()
                self.argument(name.text, sig, args, kwargs)
        self.close(opener)
        self.depth -= 1
        if len(args) < sig.required:
            raise ExprError(
                f"{name.text}() needs {_plural(sig.required, 'argument')}, got {len(args)}",
                name.column,
            )
        return FuncCall(name.text, tuple(args), tuple(kwargs.items()), name.column)

    def argument(
        self, func: str, sig: Signature, args: list[str | Node], kwargs: dict[str, str | float]
    ) -> None:
        token = self.peek()
        if token.kind == "name" and self.peek(1).kind == "op" and self.peek(1).text == "=":
            self.keyword(func, sig, kwargs)
            return
        if kwargs:
            raise ExprError("positional argument after keyword argument", token.column)
        if len(args) >= len(sig.params):
            most = _plural(len(sig.params), "argument")
            raise ExprError(f"{func}() takes at most {most}", token.column)
        args.append(self.positional(func, len(args), sig.params[len(args)]))

    def positional(self, func: str, index: int, kind: ArgKind) -> str | Node:
        token = self.peek()
        where = f"argument {index + 1} of {func}()"
        if kind == "number":
            if token.kind == "str":
                raise ExprError(f"{where} must be a number, not a string", token.column)
            return self.expression()
        if token.kind == "str":
            self.advance()
            return str(token.value)
        if kind == "metric" and token.kind == "name" and self.peek(1).text in (",", ")"):
            self.advance()
            return token.text
        wanted = "a metric name" if kind == "metric" else f'a quoted {kind} id like "x"'
        raise ExprError(f"{where} must be {wanted}", token.column)

    def keyword(self, func: str, sig: Signature, kwargs: dict[str, str | float]) -> None:
        name = self.advance()
        self.advance()  # the "="
        kind = sig.keyword_kind(name.text)
        if kind is None:
            allowed = ", ".join(key for key, _ in sig.keywords) or "none"
            raise ExprError(
                f"{func}() has no keyword {name.text!r} (allowed: {allowed})", name.column
            )
        if name.text in kwargs:
            raise ExprError(f"keyword {name.text!r} given twice", name.column)
        kwargs[name.text] = self.literal(func, name.text, kind)

    def literal(self, func: str, key: str, kind: ArgKind) -> str | float:
        # Keyword values are literals only, so validators can read them statically.
        token = self.advance()
        if kind != "number" and token.kind == "str":
            return str(token.value)
        sign = 1.0
        if kind == "number" and token.kind == "op" and token.text == "-":
            sign, token = -1.0, self.advance()
        if kind == "number" and token.kind == "num":
            return sign * float(token.value)
        wanted = "a number literal" if kind == "number" else "a quoted string"
        raise ExprError(f"keyword {key!r} of {func}() must be {wanted}", token.column)

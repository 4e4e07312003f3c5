"""The condition/expression language used by scenario files.

``parse(text)`` checks the text once (syntax, function names, argument shapes)
and compiles it into nested closures, so ``Expr.evaluate(env)`` is one call of
plain Python code with constant subtrees already folded. Nothing here uses
``eval``; the tokenizer and parser live in :mod:`bot.game.expr_parse`.

Grammar, lowest precedence first: ``or``; ``and``; prefix ``not``; one
comparison ``< <= > >= == !=`` (never chained); ``+ -``; ``* / %``; unary
``-``; then numbers, ``true``/``false``, identifiers, calls and parentheses.
Division or ``%`` by zero gives 0.0; booleans count as 1/0 in arithmetic.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol, TypeAlias

from bot.game.expr_parse import (
    FUNCTIONS,
    ArgKind,
    Chain,
    Compare,
    Const,
    ExprError,
    FuncCall,
    Name,
    Node,
    Signature,
    Unary,
    parse_tree,
)

__all__ = [
    "FUNCTIONS",
    "ArgKind",
    "Call",
    "Env",
    "Expr",
    "ExprError",
    "FrozenKwargs",
    "Signature",
    "Value",
    "parse",
]

Value: TypeAlias = float | bool


class Env(Protocol):
    """What an expression reads while it is evaluated."""

    def value(self, name: str) -> float:
        """The value of a bare identifier (a metric id, ``round``...); KeyError if unknown."""
        ...

    def call(
        self, name: str, args: tuple[str | float, ...], kwargs: Mapping[str, str | float]
    ) -> Value:
        """The result of a non-builtin function such as ``played("us.oil")``."""
        ...


class FrozenKwargs(Mapping[str, str | float]):
    """An immutable, hashable mapping of keyword arguments (so ``Call`` hashes)."""

    __slots__ = ("_items",)

    def __init__(self, items: Mapping[str, str | float] | None = None) -> None:
        self._items: dict[str, str | float] = dict(items or {})

    def __getitem__(self, key: str) -> str | float:
        return self._items[key]

    def get(self, key: str, default: Any = None) -> Any:
        """Mapping's ``get`` without its Python mixin (one dict read; ``played_before`` asks
        for ``rounds`` on every call)."""
        return self._items.get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __eq__(self, other: object) -> bool:
        # Mapping's own __eq__, spelt out: a class compiled by mypyc does not inherit it.
        if not isinstance(other, Mapping):
            return NotImplemented
        return dict(self.items()) == dict(other.items())

    def __repr__(self) -> str:
        return f"FrozenKwargs({self._items!r})"


@dataclass(frozen=True)
class Call:
    """One function call found in an expression, for validators.

    ``args`` holds string ids (a metric given as a bare identifier appears as
    its name) and numbers; a numeric argument only known at run time is NaN.
    """

    name: str
    args: tuple[str | float, ...]
    kwargs: FrozenKwargs
    column: int


Compiled: TypeAlias = Callable[[Env], Value]
# A compiled node: its closure, and its folded value when it is constant.
_Code: TypeAlias = tuple[Compiled, Value | None]


class Expr:
    """A parsed and compiled expression; build one with :func:`parse`."""

    __slots__ = ("_all_const", "_calls", "_names", "compiled", "needs_played", "plan", "source")
    source: str
    compiled: Compiled  # evaluate() without the method hop, for hot loops

    def __init__(self, source: str, tree: Node) -> None:
        """Compile ``tree`` (parsed from ``source``); use :func:`parse` instead."""
        self.source = source
        self.compiled = _compile(tree)[0]
        names: dict[str, int] = {}
        calls: list[Call] = []
        const = True
        for node in _walk(tree):
            if isinstance(node, Name):
                names.setdefault(node.name, node.column)
                const = False
            elif isinstance(node, FuncCall):
                calls.append(_call_info(node))
                const = const and FUNCTIONS[node.name].builtin
        self._names = names
        self._calls = tuple(calls)
        self._all_const = const
        # Moves that must be played this round for the expression to be true: lets the engine
        # skip most interaction rules without evaluating them.
        self.needs_played: frozenset[str] = _needs_played(tree)
        # The same condition as plain data, for an env that reads it without the closures
        # (``StateEnv.holds``).
        self.plan: Plan = _plan(tree)

    def evaluate(self, env: Env) -> Value:
        """Evaluate against ``env``; KeyError from ``env.value`` propagates.

        A comparison or a chain of ``and``/``or``/``not`` is walked from its plan (the same
        reads in the same order, one call fewer per node); anything else runs its closure."""
        plan = self.plan
        if plan.kind == PLAN_CODE:
            return self.compiled(env)
        return _walk_plan(plan, env)

    def names(self) -> frozenset[str]:
        """The bare identifiers used (not function names, not metric arguments)."""
        return frozenset(self._names)

    def name_columns(self) -> dict[str, int]:
        """The 1-based column of the first use of each bare identifier."""
        return dict(self._names)

    def calls(self) -> tuple[Call, ...]:
        """Every function call, builtins included, in source order (outer before inner)."""
        return self._calls

    def is_const(self) -> bool:
        """True if there are no identifiers and no calls that reach ``Env.call``.

        Builtins (min, max, abs, clamp) of constants are constant too.
        """
        return self._all_const

    def __repr__(self) -> str:
        return f"Expr({self.source!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Expr) and other.source == self.source

    def __hash__(self) -> int:
        return hash(self.source)

    def __reduce__(self) -> tuple[Callable[[str], Expr], tuple[str]]:
        # Closures do not pickle; the source does, and parsing it again is cheap.
        return (_reparse, (self.source,))

    def __copy__(self) -> Expr:
        return self  # immutable

    def __deepcopy__(self, memo: dict[int, object]) -> Expr:
        return self


def parse(text: str, *, max_length: int = 500, max_depth: int = 40) -> Expr:
    """Parse and compile ``text``; raise ExprError (with a column) if it is invalid.

    ``max_length`` bounds the text in characters, ``max_depth`` the nesting of
    parentheses, prefix operators and calls.
    """
    try:
        return Expr(text, parse_tree(text, max_length=max_length, max_depth=max_depth))
    except RecursionError:
        # Only reachable when a caller raises max_depth far above the default.
        raise ExprError("expression is nested too deeply", 1) from None


def _reparse(source: str) -> Expr:
    # It parsed once already, so only keep the limits from refusing it now.
    return parse(source, max_length=max(len(source), 1), max_depth=len(source) + 1)


# --- tree helpers --------------------------------------------------------------


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Chain):
        return node.operands
    if isinstance(node, Compare):
        return (node.left, node.right)
    if isinstance(node, FuncCall):
        return tuple(arg for arg in node.args if not isinstance(arg, str))
    return ()


def _walk(node: Node) -> Iterator[Node]:
    """Yield ``node`` and its descendants in source order (pre-order, no recursion)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(_children(current)))


def _call_info(node: FuncCall) -> Call:
    args = tuple(arg if isinstance(arg, str) else _static_number(arg) for arg in node.args)
    return Call(node.name, args, FrozenKwargs(dict(node.kwargs)), node.column)


def _static_number(node: Node) -> float:
    value = _compile(node)[1]
    return math.nan if value is None else float(value)


# --- compiler ------------------------------------------------------------------


def _div(a: Value, b: Value) -> Value:
    return a / b if b else 0.0


def _mod(a: Value, b: Value) -> Value:
    return a % b if b else 0.0


def _dyn_div(a: Compiled, b: Compiled) -> Compiled:
    def run(env: Env) -> Value:
        x = a(env)
        y = b(env)
        return x / y if y else 0.0

    return run


def _dyn_mod(a: Compiled, b: Compiled) -> Compiled:
    def run(env: Env) -> Value:
        x = a(env)
        y = b(env)
        return x % y if y else 0.0

    return run


_APPLY: dict[str, Callable[[Value, Value], Value]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": _div,
    "%": _mod,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}

# One closure shape per operator (instead of calling _APPLY) saves a call per node. Nested
# defs rather than lambdas that return lambdas, which mypyc cannot compile.


def _dd_add(a: Compiled, b: Compiled) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) + b(env)

    return run


def _dd_sub(a: Compiled, b: Compiled) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) - b(env)

    return run


def _dd_mul(a: Compiled, b: Compiled) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) * b(env)

    return run


def _dd_lt(a: Compiled, b: Compiled) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) < b(env)

    return run


def _dd_le(a: Compiled, b: Compiled) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) <= b(env)

    return run


def _dd_gt(a: Compiled, b: Compiled) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) > b(env)

    return run


def _dd_ge(a: Compiled, b: Compiled) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) >= b(env)

    return run


def _dd_eq(a: Compiled, b: Compiled) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) == b(env)

    return run


def _dd_ne(a: Compiled, b: Compiled) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) != b(env)

    return run


def _dc_add(a: Compiled, c: Value) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) + c

    return run


def _dc_sub(a: Compiled, c: Value) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) - c

    return run


def _dc_mul(a: Compiled, c: Value) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) * c

    return run


def _dc_div(a: Compiled, c: Value) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) / c

    return run


def _dc_mod(a: Compiled, c: Value) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) % c

    return run


def _dc_lt(a: Compiled, c: Value) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) < c

    return run


def _dc_le(a: Compiled, c: Value) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) <= c

    return run


def _dc_gt(a: Compiled, c: Value) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) > c

    return run


def _dc_ge(a: Compiled, c: Value) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) >= c

    return run


def _dc_eq(a: Compiled, c: Value) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) == c

    return run


def _dc_ne(a: Compiled, c: Value) -> Compiled:
    def run(env: Env) -> Value:
        return a(env) != c

    return run


_DYN_DYN: dict[str, Callable[[Compiled, Compiled], Compiled]] = {
    "+": _dd_add,
    "-": _dd_sub,
    "*": _dd_mul,
    "/": _dyn_div,
    "%": _dyn_mod,
    "<": _dd_lt,
    "<=": _dd_le,
    ">": _dd_gt,
    ">=": _dd_ge,
    "==": _dd_eq,
    "!=": _dd_ne,
}

# Right operand constant (and non-zero for / and %): the common `metric >= 50`.
_DYN_CONST: dict[str, Callable[[Compiled, Value], Compiled]] = {
    "+": _dc_add,
    "-": _dc_sub,
    "*": _dc_mul,
    "/": _dc_div,
    "%": _dc_mod,
    "<": _dc_lt,
    "<=": _dc_le,
    ">": _dc_gt,
    ">=": _dc_ge,
    "==": _dc_eq,
    "!=": _dc_ne,
}

# A metric (bare identifier) against a constant, the commonest condition (`oil_sanctions >= 60`):
# one closure that reads the value itself, instead of a comparison calling a name's closure.


def _nc_lt(name: str, c: Value) -> Compiled:
    def run(env: Env) -> Value:
        return env.value(name) < c

    return run


def _nc_le(name: str, c: Value) -> Compiled:
    def run(env: Env) -> Value:
        return env.value(name) <= c

    return run


def _nc_gt(name: str, c: Value) -> Compiled:
    def run(env: Env) -> Value:
        return env.value(name) > c

    return run


def _nc_ge(name: str, c: Value) -> Compiled:
    def run(env: Env) -> Value:
        return env.value(name) >= c

    return run


def _nc_eq(name: str, c: Value) -> Compiled:
    def run(env: Env) -> Value:
        return env.value(name) == c

    return run


def _nc_ne(name: str, c: Value) -> Compiled:
    def run(env: Env) -> Value:
        return env.value(name) != c

    return run


_NAME_CONST: dict[str, Callable[[str, Value], Compiled]] = {
    "<": _nc_lt,
    "<=": _nc_le,
    ">": _nc_gt,
    ">=": _nc_ge,
    "==": _nc_eq,
    "!=": _nc_ne,
}

# `c OP x` rewritten as `x SWAP c` so a constant left operand also gets _DYN_CONST.
_SWAP = {"+": "+", "*": "*", "<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_DIVISIONS = frozenset({"/", "%"})
# Longer arithmetic chains run as a loop so closures never nest past this.
_MAX_NESTED_CHAIN = 32


def _clamp(x: Value, low: Value, high: Value) -> Value:
    return min(max(x, low), high)


_BUILTINS: dict[str, Callable[..., Value]] = {"min": min, "max": max, "abs": abs, "clamp": _clamp}


def _constant(value: Value) -> _Code:
    return (lambda env: value), value


def _compile(node: Node) -> _Code:
    if isinstance(node, Const):
        return _constant(node.value)
    if isinstance(node, Name):
        name = node.name
        return (lambda env: env.value(name)), None
    if isinstance(node, Unary):
        return _unary(node)
    if isinstance(node, Chain):
        return _logic(node) if node.ops[0] in ("and", "or") else _arith(node)
    if isinstance(node, Compare):
        left, right = _compile(node.left), _compile(node.right)
        if node.op in _NAME_CONST:
            if isinstance(node.left, Name) and right[1] is not None:
                return _NAME_CONST[node.op](node.left.name, right[1]), None
            if isinstance(node.right, Name) and left[1] is not None:
                return _NAME_CONST[_SWAP[node.op]](node.right.name, left[1]), None
        return _binary(node.op, left, right)
    if FUNCTIONS[node.name].builtin:
        return _builtin(node)
    return _env_call(node), None


def _unary(node: Unary) -> _Code:
    fn, const = _compile(node.operand)
    if node.op == "-":
        if const is not None:
            return _constant(-const)
        return (lambda env: -fn(env)), None
    if const is not None:
        return _constant(not const)
    return (lambda env: not fn(env)), None


def _binary(op: str, left: _Code, right: _Code) -> _Code:
    (fa, ca), (fb, cb) = left, right
    if ca is not None and cb is not None:
        return _constant(_APPLY[op](ca, cb))
    if cb is not None and (cb or op not in _DIVISIONS):
        return _DYN_CONST[op](fa, cb), None
    if ca is not None and op in _SWAP:
        return _DYN_CONST[_SWAP[op]](fb, ca), None
    return _DYN_DYN[op](fa, fb), None


def _arith(node: Chain) -> _Code:
    codes = [_compile(operand) for operand in node.operands]
    if len(codes) <= _MAX_NESTED_CHAIN:
        acc = codes[0]
        for op, code in zip(node.ops, codes[1:], strict=True):
            acc = _binary(op, acc, code)
        return acc
    first = codes[0][0]
    steps = tuple((_APPLY[op], fn) for op, (fn, _) in zip(node.ops, codes[1:], strict=True))

    def run(env: Env) -> Value:
        acc = first(env)
        for apply, fn in steps:
            acc = apply(acc, fn(env))
        return acc

    return run, None


# --- plans: a condition as data, for StateEnv.holds ---------------------------

PLAN_CODE: Final = 0  # anything else: ``bool(code(env))``
PLAN_CMP: Final = 1  # ``name OP number``: a metric (or ``round``) against a float constant
PLAN_AND: Final = 2
PLAN_OR: Final = 3
PLAN_NOT: Final = 4
PLAN_PLAYED: Final = 5  # ``played("m")``
PLAN_EVENT: Final = 6  # ``event("e")``
PLAN_PLAYED_LAST: Final = 7  # ``played_before("m", rounds=1)``
# Comparison codes of PLAN_CMP (Final: compiled, they are constants in the code).
CMP_LT: Final = 0
CMP_LE: Final = 1
CMP_GT: Final = 2
CMP_GE: Final = 3
CMP_EQ: Final = 4
CMP_NE: Final = 5
_CMP_CODES = {"<": CMP_LT, "<=": CMP_LE, ">": CMP_GT, ">=": CMP_GE, "==": CMP_EQ, "!=": CMP_NE}


class Plan:
    """One node of a condition as data: its kind, what it reads, its parts, and its compiled
    closure (what the node gives, always right; the kinds only say how to skip it)."""

    __slots__ = ("code", "kids", "kind", "name", "number", "op")

    def __init__(
        self,
        kind: int,
        code: Compiled,
        name: str = "",
        op: int = 0,
        number: float = 0.0,
        kids: tuple[Plan, ...] = (),
    ) -> None:
        self.kind = kind
        self.code = code
        self.name = name
        self.op = op
        self.number = number
        self.kids = kids


def compare(value: float, op: int, number: float) -> bool:
    """``value OP number`` for a plan's comparison code ``op`` (``CMP_*``)."""
    if op == CMP_LT:
        return value < number
    if op == CMP_LE:
        return value <= number
    if op == CMP_GT:
        return value > number
    if op == CMP_GE:
        return value >= number
    if op == CMP_EQ:
        return value == number
    return value != number


def _walk_plan(plan: Plan, env: Env) -> Value:
    """What ``plan.code(env)`` gives: a bool for the kinds walked here, the closure's own
    value for the others (a call's answer is returned as the env gives it)."""
    kind = plan.kind
    if kind == PLAN_CMP:
        return compare(env.value(plan.name), plan.op, plan.number)
    if kind == PLAN_AND:
        return all(_walk_plan(kid, env) for kid in plan.kids)
    if kind == PLAN_OR:
        return any(_walk_plan(kid, env) for kid in plan.kids)
    if kind == PLAN_NOT:
        return not _walk_plan(plan.kids[0], env)
    return plan.code(env)


def _plan(node: Node) -> Plan:
    """The plan of ``node``: the shapes the closures give in a boolean context, the same
    truth in the same order of reads (constants are left to the closures' folding)."""
    code, const = _compile(node)
    if const is not None:
        return Plan(PLAN_CODE, code)
    if isinstance(node, Compare) and node.op in _CMP_CODES:
        left, right = _compile(node.left)[1], _compile(node.right)[1]
        if isinstance(node.left, Name) and type(right) is float:
            return Plan(PLAN_CMP, code, node.left.name, _CMP_CODES[node.op], right)
        if isinstance(node.right, Name) and type(left) is float:
            return Plan(PLAN_CMP, code, node.right.name, _CMP_CODES[_SWAP[node.op]], left)
    elif isinstance(node, Chain) and node.ops[0] in ("and", "or"):
        if all(_compile(operand)[1] is None for operand in node.operands):
            kind = PLAN_OR if node.ops[0] == "or" else PLAN_AND
            return Plan(kind, code, kids=tuple(_plan(operand) for operand in node.operands))
    elif isinstance(node, Unary) and node.op == "not":
        return Plan(PLAN_NOT, code, kids=(_plan(node.operand),))
    elif isinstance(node, FuncCall) and len(node.args) == 1 and isinstance(node.args[0], str):
        first = node.args[0]
        if node.name == "played" and not node.kwargs:
            return Plan(PLAN_PLAYED, code, first)
        if node.name == "event" and not node.kwargs:
            return Plan(PLAN_EVENT, code, first)
        if node.name == "played_before" and node.kwargs == (("rounds", 1.0),):
            rounds = node.kwargs[0][1]
            if type(rounds) is float:
                return Plan(PLAN_PLAYED_LAST, code, first)
    return Plan(PLAN_CODE, code)


def _needs_played(node: Node) -> frozenset[str]:
    """Moves that ``played(...)`` must report for ``node`` to be true (empty if none is sure)."""
    if isinstance(node, FuncCall) and node.name == "played" and isinstance(node.args[0], str):
        return frozenset((node.args[0],))
    if isinstance(node, Chain) and node.ops and node.ops[0] in ("and", "or"):
        parts = [_needs_played(child) for child in node.operands]
        if node.ops[0] == "and":
            return frozenset().union(*parts)
        return frozenset.intersection(*parts)
    return frozenset()


def _logic(node: Chain) -> _Code:
    stop = node.ops[0] == "or"  # the operand truth value that decides the result
    fns: list[Compiled] = []
    for fn, const in map(_compile, node.operands):
        if const is None:
            fns.append(fn)
        elif bool(const) == stop:
            if not fns:
                return _constant(stop)
            fns.append(fn)  # later operands are never reached
            break
        # a constant that cannot decide the result is dropped
    if not fns:
        return _constant(not stop)
    if len(fns) == 1:
        only = fns[0]
        return (lambda env: bool(only(env))), None
    if len(fns) == 2:
        a, b = fns
        if stop:
            return (lambda env: bool(a(env) or b(env))), None
        return (lambda env: bool(a(env) and b(env))), None
    if stop:
        return (lambda env: any(f(env) for f in fns)), None
    return (lambda env: all(f(env) for f in fns)), None


def _builtin(node: FuncCall) -> _Code:
    func = _BUILTINS[node.name]
    codes = [_compile(arg) for arg in node.args if not isinstance(arg, str)]
    values = [const for _, const in codes]
    if all(value is not None for value in values):
        return _constant(func(*values))
    fns = [fn for fn, _ in codes]
    if len(fns) == 1:
        only = fns[0]
        return (lambda env: func(only(env))), None
    if len(fns) == 2:
        a, b = fns
        return (lambda env: func(a(env), b(env))), None
    return (lambda env: func(*[f(env) for f in fns])), None


def _env_call(node: FuncCall) -> Compiled:
    name = node.name
    kwargs = FrozenKwargs(dict(node.kwargs))
    parts = [_argument(arg) for arg in node.args]
    if all(static is not None for _, static in parts):
        args = tuple(static for _, static in parts if static is not None)
        return lambda env: env.call(name, args, kwargs)  # tuple built once, at compile time
    getters = tuple(getter for getter, _ in parts)
    return lambda env: env.call(name, tuple(g(env) for g in getters), kwargs)


def _argument(arg: str | Node) -> tuple[Callable[[Env], str | float], str | float | None]:
    """A getter for one Env.call argument, and its value when known at compile time."""
    if isinstance(arg, str):
        return (lambda env: arg), arg
    fn, const = _compile(arg)
    if const is not None:
        number = float(const)
        return (lambda env: number), number
    return (lambda env: float(fn(env))), None

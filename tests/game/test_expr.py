"""Tests for the scenario condition language in bot.game.expr."""

from __future__ import annotations

import contextlib
import copy
import math
import pickle
import string
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.game.expr import FUNCTIONS, Call, ExprError, FrozenKwargs, Signature, Value, parse


class FakeEnv:
    """Metric values from a dict; every call is recorded and answered from ``results``."""

    def __init__(
        self,
        values: Mapping[str, float] | None = None,
        results: Mapping[str, Value] | None = None,
    ) -> None:
        self.values = dict(values or {})
        self.results = dict(results or {})
        self.reads: list[str] = []
        self.calls: list[tuple[str, tuple[str | float, ...], dict[str, str | float]]] = []

    def value(self, name: str) -> float:
        self.reads.append(name)
        return self.values[name]

    def call(
        self, name: str, args: tuple[str | float, ...], kwargs: Mapping[str, str | float]
    ) -> Value:
        self.calls.append((name, args, dict(kwargs)))
        return self.results.get(name, True)


def ev(text: str, env: FakeEnv | None = None) -> Value:
    return parse(text).evaluate(env or FakeEnv())


def error(text: str, **limits: int) -> ExprError:
    with pytest.raises(ExprError) as info:
        parse(text, **limits)
    return info.value


# --- literals and operators ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12.0), ("3.5", 3.5), (".5", 0.5), ("007", 7.0), ("true", True), ("false", False)],
)
def test_literals(text: str, expected: Value) -> None:
    assert ev(text) == expected
    assert type(ev(text)) is type(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7 + 2", 9.0),
        ("7 - 2", 5.0),
        ("7 * 2", 14.0),
        ("7 / 2", 3.5),
        ("7 % 2", 1.0),
        ("-7", -7.0),
        ("1 < 2", True),
        ("2 <= 2", True),
        ("1 > 2", False),
        ("2 >= 3", False),
        ("2 == 2", True),
        ("2 != 2", False),
        ("true and false", False),
        ("true or false", True),
        ("not true", False),
    ],
)
def test_every_operator(text: str, expected: Value) -> None:
    assert ev(text) == expected


def test_division_by_zero_is_zero() -> None:
    assert ev("5 / 0") == 0.0
    assert ev("x / (y - 1)", FakeEnv({"x": 5, "y": 1})) == 0.0


def test_modulo_by_zero_is_zero() -> None:
    assert ev("5 % 0") == 0.0
    assert ev("x % y", FakeEnv({"x": 5, "y": 0})) == 0.0


def test_modulo_follows_python_sign_rule() -> None:
    assert ev("-1 % 3") == 2.0


def test_booleans_count_as_numbers_in_arithmetic() -> None:
    assert ev("true + true") == 2
    assert ev("(1 < 2) * 5") == 5
    assert ev("true == 1") is True


def test_comparisons_return_bool() -> None:
    assert ev("x > 1", FakeEnv({"x": 2})) is True


def test_and_or_return_bool_not_operand() -> None:
    env = FakeEnv({"x": 3, "y": 0})
    assert ev("x and x", env) is True
    assert ev("y or x", env) is True
    assert ev("x and y", env) is False
    assert ev("y or y", env) is False


# --- precedence and associativity ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("10 - 4 - 3", 3.0),  # left-associative
        ("64 / 4 / 2", 8.0),  # left-associative
        ("7 % 4 * 2", 6.0),  # same level, left to right
        ("-2 * 3", -6.0),
        ("- -2", 2.0),
        ("2 * -3", -6.0),
        ("1 + 2 < 4", True),  # arithmetic binds tighter than comparison
        ("not 1 > 2", True),  # `not` is looser than comparison
        ("true or true and false", True),  # `and` binds tighter than `or`
        ("(true or true) and false", False),
        ("not false and false", False),  # `not` binds tighter than `and`
        ("not not true", True),
    ],
)
def test_precedence_and_associativity(text: str, expected: Value) -> None:
    assert ev(text) == expected


def test_whitespace_anywhere_between_tokens() -> None:
    assert ev(" \t( 1\n+2 )*\r3 ") == 9.0
    assert ev("1+2*3") == 7.0


# --- identifiers and short-circuit -----------------------------------------------


def test_identifiers_read_env_value() -> None:
    env = FakeEnv({"gdp": 4.0, "round": 2.0})
    assert ev("gdp * round", env) == 8.0
    assert env.reads == ["gdp", "round"]


def test_unknown_identifier_raises_key_error_at_evaluation() -> None:
    with pytest.raises(KeyError):
        ev("nope > 1")


def test_and_short_circuits() -> None:
    env = FakeEnv({"x": 0})
    assert ev("x > 1 and missing > 1", env) is False
    assert env.reads == ["x"]


def test_or_short_circuits() -> None:
    env = FakeEnv({"x": 5})
    assert ev("x > 1 or missing > 1", env) is True
    assert env.reads == ["x"]


def test_long_and_chain_short_circuits() -> None:
    env = FakeEnv({"a": 1, "b": 0})
    assert ev("a and b and missing and missing", env) is False
    assert env.reads == ["a", "b"]


def test_constant_operand_decides_without_evaluating_rest() -> None:
    assert ev("false and missing") is False
    assert ev("true or missing") is True


def test_constant_operand_keeps_earlier_operands_evaluated() -> None:
    env = FakeEnv({"x": 1})
    assert ev("x or true", env) is True
    assert ev("x and false", env) is False
    assert env.reads == ["x", "x"]


# --- functions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "call"),
    [
        ('played("us.oil")', ("played", ("us.oil",), {})),
        ("played_before('us.oil')", ("played_before", ("us.oil",), {})),
        ('played_before("m", rounds=3)', ("played_before", ("m",), {"rounds": 3.0})),
        ('times_played("m")', ("times_played", ("m",), {})),
        ('event("storm")', ("event", ("storm",), {})),
        ('fired("storm")', ("fired", ("storm",), {})),
        ('decided("storm", "evacuate")', ("decided", ("storm", "evacuate"), {})),
        ('active("shortage")', ("active", ("shortage",), {})),
        ('seat_played("us")', ("seat_played", ("us",), {})),
        ('start("gdp")', ("start", ("gdp",), {})),
        ("prev(gdp)", ("prev", ("gdp",), {})),
    ],
)
def test_env_functions_pass_their_arguments(
    text: str, call: tuple[str, tuple[str | float, ...], dict[str, str | float]]
) -> None:
    env = FakeEnv(results={call[0]: 42.0})
    assert ev(text, env) == 42.0
    assert env.calls == [call]


def test_kwargs_reach_env_as_mapping() -> None:
    env = FakeEnv()
    ev('played_before("m", rounds=-2)', env)
    assert env.calls == [("played_before", ("m",), {"rounds": -2.0})]


def test_metric_argument_is_not_a_name() -> None:
    expr = parse("prev(gdp) < gdp")
    assert expr.names() == {"gdp"}
    assert expr.name_columns() == {"gdp": 13}


def test_function_results_combine() -> None:
    env = FakeEnv({"gdp": 10}, {"played": True, "prev": 8.0})
    assert ev('played("a") and gdp - prev(gdp) > 1', env) is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("min(3, 2)", 2.0),
        ("max(3, 2)", 3.0),
        ("abs(-4)", 4.0),
        ("clamp(5, 0, 3)", 3.0),
        ("clamp(-5, 0, 3)", 0.0),
        ("clamp(2, 0, 3)", 2.0),
        ("max(1 + 1, 3 * 1) - min(0, -1)", 4.0),
    ],
)
def test_builtin_functions(text: str, expected: float) -> None:
    assert ev(text) == expected


def test_builtins_never_reach_env() -> None:
    env = FakeEnv({"x": -3})
    assert ev("abs(x) + max(x, 1) + min(x, 0) + clamp(x, -1, 1)", env) == 3 + 1 - 3 - 1
    assert env.calls == []


def test_dynamic_number_argument_is_evaluated_as_float() -> None:
    env = FakeEnv({"x": 2})
    assert ev("max(x * 2, times_played('m'))", env) == 4.0


def test_function_names_are_not_reserved_as_identifiers() -> None:
    assert ev("min + 1", FakeEnv({"min": 1})) == 2.0


def test_known_functions_table() -> None:
    assert set(FUNCTIONS) == {
        "played", "played_before", "times_played", "event", "fired", "decided", "active",
        "seat_played", "start", "prev", "min", "max", "abs", "clamp",
    }  # fmt: skip
    assert FUNCTIONS["played_before"] == Signature(("move",), 1, (("rounds", "number"),))
    assert FUNCTIONS["decided"].params == ("event", "option")
    assert FUNCTIONS["times_played"].returns == "number"
    assert FUNCTIONS["clamp"].builtin
    assert FUNCTIONS["played_before"].keyword_kind("rounds") == "number"
    assert FUNCTIONS["played"].keyword_kind("rounds") is None


# --- names(), name_columns(), calls(), is_const() -----------------------------------


def test_names_and_first_columns() -> None:
    expr = parse("gdp > 2 and (debt < gdp or round == 3)")
    assert expr.names() == {"gdp", "debt", "round"}
    assert expr.name_columns() == {"gdp": 1, "debt": 14, "round": 28}


def test_names_exclude_function_names() -> None:
    assert parse('played("x") and max(a, 1) > 0').names() == {"a"}


def test_calls_in_source_order_with_nested() -> None:
    expr = parse('max(times_played("a"), 2) > 1 or played_before("b", rounds=2)')
    outer, *rest = expr.calls()
    assert (outer.name, outer.args[1], outer.column) == ("max", 2.0, 1)
    assert math.isnan(float(outer.args[0]))  # a number only known at run time
    assert rest == [
        Call("times_played", ("a",), FrozenKwargs(), 5),
        Call("played_before", ("b",), FrozenKwargs({"rounds": 2.0}), 34),
    ]


def test_calls_report_metric_identifier_as_string() -> None:
    (call,) = parse("start(gdp) > 1").calls()
    assert call.args == ("gdp",)


def test_calls_are_hashable() -> None:
    calls = parse('played_before("b", rounds=2)').calls()
    assert len(set(calls)) == 1
    assert calls[0].kwargs["rounds"] == 2.0


def test_is_const() -> None:
    assert parse("1 + 2 > 2").is_const()
    assert parse("max(1, 2) > 0").is_const()
    assert not parse("x > 1").is_const()
    assert not parse('played("a")').is_const()


def test_constant_expression_evaluates_with_any_env() -> None:
    assert parse("(1 + 2) * 3 == 9 and not false").evaluate(FakeEnv()) is True


def test_source_and_equality() -> None:
    assert parse("x > 1").source == "x > 1"
    assert parse("x > 1") == parse("x > 1")
    assert hash(parse("x > 1")) == hash(parse("x > 1"))


def test_expr_pickles_and_copies() -> None:
    expr = parse("x > 1 and played('a')")
    clone = pickle.loads(pickle.dumps(expr))
    assert clone == expr
    assert clone.evaluate(FakeEnv({"x": 2})) is True
    assert copy.deepcopy(expr) is expr


def test_compiled_attribute_matches_evaluate() -> None:
    expr = parse("x * 2")
    env = FakeEnv({"x": 4})
    assert expr.compiled(env) == expr.evaluate(env) == 8.0


# --- errors --------------------------------------------------------------------------


def test_error_str_has_column_and_message() -> None:
    err = error("1 + @")
    assert (err.column, err.message) == (5, "unexpected character '@'")
    assert str(err) == "column 5: unexpected character '@'"
    assert isinstance(err, ValueError)


def test_error_pickles() -> None:
    err = pickle.loads(pickle.dumps(error("1 + @")))
    assert (err.column, err.message) == (5, "unexpected character '@'")


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("1 + @", 5, "unexpected character '@'"),
        ("a && b", 3, "use 'and'"),
        ("Gdp", 1, "lowercase"),
        ('played("abc', 8, "unterminated string"),
        ("played('a\n')", 8, "unterminated string"),
        ("(1 + 2", 7, "expected ')' to close '(' at column 1"),
        ("min(1, 2", 9, "expected ')'"),
        ("1 + 2)", 6, "unexpected ')'"),
        ("foo(1)", 1, "unknown function 'foo'; known: abs, active"),
        ("1 + played()", 5, "played() needs 1 argument, got 0"),
        ('decided("e")', 1, "needs 2 arguments"),
        ('played("a", "b")', 13, "takes at most 1 argument"),
        ('1 + "x"', 5, "only allowed as a function argument"),
        ("'x' == 1", 1, "only allowed as a function argument"),
        ('max(1 + "x", 2)', 9, "only allowed as a function argument"),
        ("1 < 2 < 3", 7, "cannot be chained"),
        ("a == b != c", 8, "cannot be chained"),
        ("us.oil_sanctions", 1, 'write "us.oil_sanctions"'),
        ("played(us.oil)", 8, "dotted ids"),
        ("played(x)", 8, "must be a quoted move id"),
        ('min("a", 1)', 5, "must be a number, not a string"),
        ("start(1 + 1)", 7, "must be a metric name"),
        ("start(gdp + 1)", 7, "must be a metric name"),
        ('played_before("m", days=2)', 20, "no keyword 'days' (allowed: rounds)"),
        ('played_before("m", rounds="x")', 27, "must be a number literal"),
        ('played_before("m", rounds=x)', 27, "must be a number literal"),
        ('played_before("m", rounds=1, rounds=2)', 30, "given twice"),
        ('played_before(rounds=1, "m")', 25, "positional argument after keyword"),
        ("1 = 1", 3, "use '=='"),
        ("1 +", 4, "unexpected end of expression"),
        ("and", 1, "unexpected 'and'"),
        ("1 2", 3, "unexpected '2'"),
        ("1.", 3, "expected a digit after '.'"),
        ("1.2.3", 1, "malformed number"),
        ("2x", 1, "malformed number"),
        ("1234567890123456", 1, "more than 15 digits"),
        ("+1", 1, "unexpected '+'"),
    ],
)
def test_error_columns(text: str, column: int, fragment: str) -> None:
    err = error(text)
    assert err.column == column, err
    assert fragment in err.message


def test_fifteen_digits_are_allowed() -> None:
    assert ev("123456789012345") == 123456789012345.0


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_is_an_error(text: str) -> None:
    err = error(text)
    assert (err.column, err.message) == (1, "empty expression")


def test_too_long() -> None:
    err = error("1" + " + 1" * 200)
    assert err.column == 501
    assert "too long" in err.message
    assert parse("1" + " + 1" * 200, max_length=1000).evaluate(FakeEnv()) == 201


def test_too_deep_parentheses() -> None:
    err = error("(" * 1000 + "1" + ")" * 1000, max_length=5000)
    assert "nested too deeply (max 40)" in err.message
    assert err.column == 41


def test_too_deep_prefix_operators() -> None:
    assert "nested too deeply" in error("-" * 100 + "1").message
    assert "nested too deeply" in error("not " * 100 + "true").message


def test_too_deep_function_nesting() -> None:
    text = "abs(" * 50 + "1" + ")" * 50
    assert "nested too deeply" in error(text).message
    assert parse(text, max_depth=60).evaluate(FakeEnv()) == 1.0


def test_depth_limit_is_exact() -> None:
    assert ev("(" * 40 + "1" + ")" * 40) == 1.0
    assert error("(" * 41 + "1" + ")" * 41).column == 41


def test_huge_depth_limit_still_gives_expr_error() -> None:
    text = "(" * 20000 + "1" + ")" * 20000
    err = error(text, max_length=100000, max_depth=100000)
    assert "nested too deeply" in err.message


def test_long_flat_chain_evaluates_without_deep_recursion() -> None:
    expr = parse(" + ".join(["x"] * 5000), max_length=100000)
    assert expr.evaluate(FakeEnv({"x": 1})) == 5000
    assert parse(" and ".join(["x"] * 5000), max_length=100000).evaluate(FakeEnv({"x": 1}))


# --- properties ----------------------------------------------------------------------

_TOKENS = [
    "(", ")", ",", "=", "-", "+", "*", "/", "%", "<", "<=", "==", "!=", ">", ">=", "and",
    "or", "not", "true", "false", "x", "y", "round", "0", "1", "2.5", ".5", '"m"', "'e'",
    "played", "played_before", "rounds", "decided", "start", "min", "clamp", "abs", "foo",
    '"', "us.oil", "!", "@",
]  # fmt: skip


@settings(max_examples=400)
@given(st.text(alphabet=string.printable, max_size=60))
def test_random_printable_text_only_raises_expr_error(text: str) -> None:
    with contextlib.suppress(ExprError):
        parse(text)


@settings(max_examples=400)
@given(st.text(max_size=40))
def test_random_unicode_text_only_raises_expr_error(text: str) -> None:
    with contextlib.suppress(ExprError):
        parse(text)


@settings(max_examples=600)
@given(st.lists(st.sampled_from(_TOKENS), max_size=25).map(" ".join))
def test_token_soup_parses_or_raises_expr_error_and_evaluates(text: str) -> None:
    try:
        expr = parse(text)
    except ExprError:
        return
    values = {token: 1.0 for token in _TOKENS if token.isidentifier()} | {"x": 2.0, "y": 0.0}
    result = expr.evaluate(FakeEnv(values, {"played": False}))
    assert isinstance(result, float | int | bool)


def _reference(op: str, a: float, b: float) -> float:
    if op in "/%" and b == 0:
        return 0.0
    return (
        {"+": a + b, "-": a - b, "*": a * b}[op] if op in "+-*" else (a / b if op == "/" else a % b)
    )


# (text with identifiers, the same text with literals, reference value)
_Case = tuple[str, str, float]
_LEAVES = st.one_of(
    st.integers(0, 20).map(lambda n: (str(n), str(n), float(n))),
    st.sampled_from([("x", "3", 3.0), ("y", "0", 0.0), ("z", "7", 7.0)]),
)


def _combine(children: st.SearchStrategy[_Case]) -> st.SearchStrategy[_Case]:
    def build(op: str, left: _Case, right: _Case) -> _Case:
        return (
            f"({left[0]} {op} {right[0]})",
            f"({left[1]} {op} {right[1]})",
            _reference(op, left[2], right[2]),
        )

    negate = children.map(lambda c: (f"-{c[0]}", f"-{c[1]}", -c[2]))
    return st.one_of(st.builds(build, st.sampled_from("+-*/%"), children, children), negate)


_ARITH = st.recursive(_LEAVES, _combine, max_leaves=12)
_ENV_VALUES = {"x": 3.0, "y": 0.0, "z": 7.0}


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


@settings(max_examples=400)
@given(_ARITH)
def test_arithmetic_matches_reference(case: _Case) -> None:
    named, literal, expected = case
    assert _same(float(parse(named, max_length=2000).evaluate(FakeEnv(_ENV_VALUES))), expected)
    assert _same(float(parse(literal, max_length=2000).evaluate(FakeEnv())), expected)


@settings(max_examples=300)
@given(
    st.lists(st.integers(0, 9), min_size=1, max_size=8),
    st.lists(st.sampled_from("+-*/%"), min_size=7, max_size=7),
)
def test_unparenthesised_arithmetic_follows_precedence(numbers: list[int], ops: list[str]) -> None:
    used = ops[: len(numbers) - 1]
    text = str(numbers[0]) + "".join(f" {op} {n}" for op, n in zip(used, numbers[1:], strict=True))
    # Reference: fold each run of * / % first, then the + - between runs, left to right.
    terms: list[float] = [float(numbers[0])]
    signs: list[str] = []
    for op, n in zip(used, numbers[1:], strict=True):
        if op in "+-":
            signs.append(op)
            terms.append(float(n))
        else:
            terms[-1] = _reference(op, terms[-1], float(n))
    expected = terms[0]
    for sign, term in zip(signs, terms[1:], strict=True):
        expected = _reference(sign, expected, term)
    assert _same(float(ev(text)), expected)


def test_needs_played_lists_the_moves_an_expression_cannot_be_true_without() -> None:
    assert parse('played("a.x") and played("a.y")').needs_played == {"a.x", "a.y"}
    assert parse('played("a.x") and (played("a.y") or played("a.z"))').needs_played == {"a.x"}
    assert parse('(played("a.x") and r > 1) or played("a.x")').needs_played == {"a.x"}
    assert parse('not played("a.x")').needs_played == frozenset()
    assert parse('played("a.x") or r > 1').needs_played == frozenset()

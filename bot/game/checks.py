"""Cross-reference and sanity checks over a whole scenario, after its models have loaded.

Each check yields ``(path, message, severity)``; ``validate.py`` adds the file's lines.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Iterator, Mapping
from typing import Literal

from bot.game.expr import FUNCTIONS, Expr, ExprError, Value, parse
from bot.game.legal import legal_moves
from bot.game.scenario import Effect, Scenario
from bot.game.state import MatchState

Path = tuple[str | int, ...]
Found = tuple[Path, str, Literal["error", "warning"]]


def _duplicates(ids: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    return {i for i in ids if i in seen or seen.add(i)}  # type: ignore[func-returns-value]


class _Checker:
    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario
        self.found: list[Found] = []
        self.metrics = {m.id for m in scenario.metrics}
        self.seats = {s.id for s in scenario.seats}
        self.moves = {m.id for m in scenario.moves}
        self.events = {e.id for e in scenario.events}
        self.rules = {i.id for i in scenario.interactions if i.threshold is not None}
        self.options = {
            (e.id, o.id) for e in scenario.events if e.decision for o in e.decision.options
        }

    def error(self, path: Path, message: str) -> None:
        self.found.append((path, message, "error"))

    def warn(self, path: Path, message: str) -> None:
        self.found.append((path, message, "warning"))

    def condition(self, path: Path, text: str, what: str = "condition") -> Expr | None:
        """Parse a condition and check its names and arguments (None if anything is wrong)."""
        errors_before = len(self.found)
        try:
            expr = parse(text)
        except ExprError as err:
            self.error(path, f"{what} does not parse at column {err.column}: {err.message}")
            return None
        for name, column in expr.name_columns().items():
            if name != "round" and name not in self.metrics:
                self.error(path, f"column {column}: unknown metric '{name}'")
        for call in expr.calls():
            kinds = FUNCTIONS[call.name].params
            for kind, arg in zip(kinds, call.args, strict=False):
                problem = self._argument(kind, arg, call.args)
                if problem:
                    self.error(path, f"column {call.column}: {call.name}(): {problem}")
        return expr if len(self.found) == errors_before else None

    def _argument(self, kind: str, arg: str | float, args: tuple[str | float, ...]) -> str | None:
        known = {
            "move": self.moves,
            "event": self.events,
            "seat": self.seats,
            "rule": self.rules,
            "metric": self.metrics,
        }.get(kind)
        if known is not None and arg not in known:
            extra = " (only interactions with a threshold can be active)" if kind == "rule" else ""
            return f"unknown {kind} '{arg}'{extra}"
        if kind == "option" and (str(args[0]), str(arg)) not in self.options:
            return f"event '{args[0]}' has no option '{arg}'"
        return None

    def effects(self, path: Path, effects: Iterable[Effect]) -> None:
        for index, effect in enumerate(effects):
            here = (*path, index)
            if effect.metric not in self.metrics:
                self.error((*here, "metric"), f"unknown metric '{effect.metric}'")
            if effect.source is not None and (
                effect.source not in self.metrics or effect.source == effect.metric
            ):
                self.error((*here, "from"), f"'{effect.source}' is not another metric")
            if effect.chance == 0:
                self.error((*here, "chance"), "a chance of 0 means this effect can never apply")
            if effect.change == 0 or effect.range == [0, 0]:
                self.error(here, "this effect changes nothing")
            if effect.delay >= self.s.meta.rounds:
                self.error((*here, "delay"), "the delay puts this effect after the last round")
            if effect.formula is not None:
                expr = self.condition((*here, "change"), effect.formula, "expression")
                if expr is not None and expr.is_const() and not expr.evaluate(_ProbeEnv({}, {})):
                    self.error((*here, "change"), "this expression is always 0")
            if effect.condition is not None:
                expr = self.condition((*here, "condition"), effect.condition)
                if expr is not None and expr.is_const() and not expr.evaluate(_ProbeEnv({}, {})):
                    self.error((*here, "condition"), "this condition is always false")
            self.effects((*here, "else"), effect.otherwise)


CallKey = tuple[str, tuple[str | float, ...]]


class _ProbeEnv:
    """An environment with chosen metric values and a chosen answer for each function call."""

    def __init__(self, metrics: Mapping[str, float], answers: Mapping[CallKey, bool]) -> None:
        self.metrics, self.answers = metrics, answers

    def value(self, name: str) -> float:
        return self.metrics.get(name, 1.0)

    def call(
        self, name: str, args: tuple[str | float, ...], kwargs: Mapping[str, str | float]
    ) -> Value:
        answer = self.answers.get((name, args), False)
        return float(answer) if FUNCTIONS[name].returns == "number" else answer


def _answer_sets(expr: Expr) -> list[dict[CallKey, bool]]:
    """Ways the expression's calls might answer: every combination when there are few calls."""
    keys = sorted(
        {(c.name, c.args) for c in expr.calls() if not FUNCTIONS[c.name].builtin}, key=repr
    )
    if len(keys) <= 8:
        return [
            dict(zip(keys, bits, strict=True))
            for bits in itertools.product((True, False), repeat=len(keys))
        ]
    rng = random.Random(0)
    sets = [dict.fromkeys(keys, True), dict.fromkeys(keys, False)]
    sets += [{k: rng.random() < 0.5 for k in keys} for _ in range(62)]
    return sets


def can_be_true(scenario: Scenario, expr: Expr) -> bool:
    """Whether some values within the metrics' ranges make the condition true.

    Tries each metric it names at its bounds, start and middle (a seeded sample when there are
    too many combinations), with the function calls answering true or false in every
    combination (a seeded sample when there are more than eight calls), in the first and the
    last round.
    """
    names = sorted(n for n in expr.names() if n != "round")
    choices = []
    for name in names:
        m = scenario.metric(name)
        choices.append(sorted({m.min, m.max, m.start, (m.min + m.max) / 2}))
    answer_sets = _answer_sets(expr)
    budget = max(16, 20_000 // len(answer_sets))  # keeps the check well under a second
    combos: Iterator[tuple[float, ...]] | list[tuple[float, ...]]
    if 4 ** len(names) <= budget:
        combos = itertools.product(*choices)
    else:
        rng = random.Random(0)
        combos = [tuple(rng.choice(c) for c in choices) for _ in range(budget)]
    for combo in combos:
        values = dict(zip(names, combo, strict=True))
        for rnd in (1.0, float(scenario.meta.rounds)):
            values["round"] = rnd
            if any(expr.evaluate(_ProbeEnv(values, answers)) for answers in answer_sets):
                return True
    return False


def cross_check(scenario: Scenario) -> list[Found]:
    """Every cross-reference and sanity problem in the scenario."""
    c = _Checker(scenario)
    _check_ids(c)
    _check_metrics(c)
    _check_seats(c)
    _check_moves(c)
    _check_rules(c)
    _check_events(c)
    _check_endings(c)
    if not any(sev == "error" for _p, _m, sev in c.found):
        _check_round_one(c)
    return c.found


def _check_ids(c: _Checker) -> None:
    s = c.s
    for section, ids in (
        ("metrics", [m.id for m in s.metrics]),
        ("seats", [x.id for x in s.seats]),
        ("moves", [m.id for m in s.moves]),
        ("interactions", [i.id for i in s.interactions]),
        ("events", [e.id for e in s.events]),
        ("endings", [e.id for e in s.endings]),
    ):
        for dup in sorted(_duplicates(ids)):
            index = len(ids) - 1 - ids[::-1].index(dup)
            c.error((section, index, "id"), f"duplicate id '{dup}'")
    if s.meta.round_labels and len(s.meta.round_labels) != s.meta.rounds:
        c.error(
            ("meta", "round_labels"),
            f"there are {s.meta.rounds} rounds but {len(s.meta.round_labels)} labels",
        )
    if s.meta.players.min > s.meta.players.max:
        c.error(("meta", "players"), "'min' is more than 'max'")


def _check_metrics(c: _Checker) -> None:
    for i, m in enumerate(c.s.metrics):
        if m.min >= m.max:
            c.error(("metrics", i), "'min' must be below 'max'")
        elif not m.min <= m.start <= m.max:
            c.error(("metrics", i, "start"), f"start {m.start} is outside {m.min}..{m.max}")
        if m.balance is not None and (m.balance not in c.metrics or m.balance == m.id):
            c.error(("metrics", i, "balance"), f"'{m.balance}' is not another metric")
        if m.see != "all":
            for seat in [*m.see.exact, *m.see.noisy]:
                if seat not in c.seats:
                    c.error(("metrics", i, "see"), f"unknown seat '{seat}'")


def _check_seats(c: _Checker) -> None:
    for i, seat in enumerate(c.s.seats):
        for j, goal in enumerate(seat.goals):
            if goal.metric not in c.metrics:
                c.error(("seats", i, "goals", j, "metric"), f"unknown metric '{goal.metric}'")
                continue
            m = c.s.metric(goal.metric)
            if not m.min <= goal.target <= m.max:
                c.error(
                    ("seats", i, "goals", j, "target"),
                    f"target {goal.target} is outside {m.min}..{m.max}",
                )
        for dup in _duplicates(o.id for o in seat.objectives):
            c.error(("seats", i, "objectives"), f"duplicate objective id '{dup}'")
        for j, objective in enumerate(seat.objectives):
            c.condition(("seats", i, "objectives", j, "condition"), objective.condition)
        for move_id in seat.ai.prefer:
            if move_id not in c.moves or not move_id.startswith(seat.id + "."):
                c.error(("seats", i, "ai", "prefer"), f"'{move_id}' is not a move of this seat")


def _check_moves(c: _Checker) -> None:
    per_seat: dict[str, int] = {}
    for i, move in enumerate(c.s.moves):
        if move.seat not in c.seats:
            c.error(("moves", i, "id"), f"the move belongs to unknown seat '{move.seat}'")
        per_seat[move.seat] = per_seat.get(move.seat, 0) + 1
        if per_seat[move.seat] == 26:
            c.error(
                ("moves", i, "id"),
                f"seat '{move.seat}' has more than 25 moves (one Discord menu holds 25)",
            )
        for j, required in enumerate(move.requires):
            if required not in c.moves or required == move.id:
                c.error(("moves", i, "requires", j), f"'{required}' is not another move")
        for j, other in enumerate(move.excludes):
            if other not in c.moves or other == move.id:
                c.error(("moves", i, "excludes", j), f"'{other}' is not another move")
            elif not other.startswith(move.seat + "."):
                c.error(
                    ("moves", i, "excludes", j),
                    f"'{other}' is another seat's move (only a seat's own moves can exclude "
                    "each other: seats order at the same time)",
                )
        if move.condition is not None:
            c.condition(("moves", i, "condition"), move.condition)
        c.effects(("moves", i, "effects"), move.effects)
        if not move.effects:
            c.warn(("moves", i), "this move has no effects")


def _check_rules(c: _Checker) -> None:
    for i, rule in enumerate(c.s.interactions):
        if rule.when is not None:
            expr = c.condition(("interactions", i, "when"), rule.when)
            if expr is not None and not can_be_true(c.s, expr):
                c.error(("interactions", i, "when"), "this rule can never fire")
        if rule.threshold is not None and rule.threshold.metric is None:
            here: Path = ("interactions", i, "threshold")
            expr = c.condition((*here, "on"), str(rule.threshold.on))
            if expr is not None and not can_be_true(c.s, expr):
                c.error((*here, "on"), "this threshold can never switch on")
            c.condition((*here, "off"), str(rule.threshold.off))
        elif rule.threshold is not None:
            level = rule.threshold
            if level.metric not in c.metrics:
                c.error(
                    ("interactions", i, "threshold", "metric"), f"unknown metric '{level.metric}'"
                )
            else:
                m = c.s.metric(level.metric)
                if not m.min <= float(level.on) <= m.max:
                    c.error(
                        ("interactions", i, "threshold", "on"),
                        f"{level.on} is outside {m.min}..{m.max}",
                    )
        c.effects(("interactions", i, "effects"), rule.effects)


def _check_events(c: _Checker) -> None:
    for i, event in enumerate(c.s.events):
        here: Path = ("events", i)
        if event.round is not None and event.round > c.s.meta.rounds:
            c.error(
                (*here, "round"), f"round {event.round} is after the last round ({c.s.meta.rounds})"
            )
        if event.once and event.max_times is not None:
            c.error((*here, "max_times"), "give 'once: true' or 'max_times', not both")
        if event.kind == "scheduled" and event.cooldown:
            c.warn((*here, "cooldown"), "a scheduled event happens once; its cooldown does nothing")
        if event.condition is not None:
            c.condition((*here, "condition"), event.condition)
        for j, scale in enumerate(event.scale):
            c.condition((*here, "scale", j, "when"), scale.when)
        c.effects((*here, "effects"), event.effects)
        decision = event.decision
        if decision is None:
            continue
        if decision.seat not in c.seats:
            c.error((*here, "decision", "seat"), f"unknown seat '{decision.seat}'")
        options = [o.id for o in decision.options]
        for dup in _duplicates(options):
            c.error((*here, "decision", "options"), f"duplicate option id '{dup}'")
        if decision.default not in options:
            c.error(
                (*here, "decision", "default"), f"'{decision.default}' is not one of the options"
            )
        for j, option in enumerate(decision.options):
            c.effects((*here, "decision", "options", j, "effects"), option.effects)


def _check_endings(c: _Checker) -> None:
    for i, ending in enumerate(c.s.endings):
        expr = c.condition(("endings", i, "condition"), ending.condition)
        if expr is not None and not can_be_true(c.s, expr):
            c.error(
                ("endings", i, "condition"),
                "no values of the metrics in their ranges can make this ending happen",
            )
        if ending.earliest_round > c.s.meta.rounds:
            c.error(("endings", i, "earliest_round"), "this is after the last round")
        for seat in ending.bonus:
            if seat not in c.seats:
                c.error(("endings", i, "bonus"), f"unknown seat '{seat}'")
    for i, note in enumerate(c.s.debrief.notes):
        if note.when is not None:
            c.condition(("debrief", "notes", i, "when"), note.when)


def _check_round_one(c: _Checker) -> None:
    start = {m.id: m.start for m in c.s.metrics}
    state = MatchState(
        round=1,
        last_round=c.s.meta.rounds,
        metrics=dict(start),
        start=start,
        round_start=dict(start),
    )
    for i, seat in enumerate(c.s.seats):
        if not legal_moves(c.s, state, seat.id):
            c.error(("seats", i), f"seat '{seat.id}' has no legal move in round 1")

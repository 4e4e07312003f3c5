"""Cross-reference and sanity checks over a whole scenario, after its models have loaded.

Each check yields ``(path, message, severity)``; ``validate.py`` adds the file's lines. Unknown
ids are collected in ``refs.UnknownRefs`` and reported once each (see there).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Literal

from bot.game.expr import FUNCTIONS, Call, Expr, ExprError, Value, parse
from bot.game.legal import legal_moves
from bot.game.refs import LineOf, UnknownRefs, did_you_mean, path_text
from bot.game.scenario import Effect, Goal, Move, Scenario
from bot.game.state import MatchState
from bot.game.view import sight

Path = tuple[str | int, ...]
Found = tuple[Path, str, Literal["error", "warning"]]


def _duplicates(ids: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    return {i for i in ids if i in seen or seen.add(i)}  # type: ignore[func-returns-value]


class _Checker:
    def __init__(self, scenario: Scenario, line_of: LineOf | None = None) -> None:
        self.s = scenario
        self.line_of = line_of
        self.found: list[Found] = []
        self.refs = UnknownRefs()
        self.errors = 0  # errors so far, unknown ids included
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
        self.errors += 1

    def unknown(self, path: Path, kind: str, name: str, prefix: str = "", extra: str = "") -> None:
        """An id of ``kind`` that the scenario does not define (reported once per id)."""
        known = {
            "metric": self.metrics,
            "seat": self.seats,
            "move": self.moves,
            "event": self.events,
            "rule": self.rules,
        }[kind]
        self.refs.add(path, kind, name, known, prefix, extra)
        self.errors += 1

    def line(self, path: Path) -> str:
        found = self.line_of(path) if self.line_of else None
        return f"line {found}" if found else path_text(path)

    def warn(self, path: Path, message: str) -> None:
        self.found.append((path, message, "warning"))

    def condition(self, path: Path, text: str, what: str = "condition") -> Expr | None:
        """Parse a condition and check its names and arguments (None if anything is wrong)."""
        errors_before = self.errors
        try:
            expr = parse(text)
        except ExprError as err:
            self.error(path, f"{what} does not parse at column {err.column}: {err.message}")
            return None
        for name, column in expr.name_columns().items():
            if name != "round" and name not in self.metrics:
                self.unknown(path, "metric", name, f"column {column}: ")
        for call in expr.calls():
            kinds = FUNCTIONS[call.name].params
            for kind, arg in zip(kinds, call.args, strict=False):
                self._argument(path, call, kind, arg)
        return expr if self.errors == errors_before else None

    def _argument(self, path: Path, call: Call, kind: str, arg: str | float) -> None:
        known = {
            "move": self.moves,
            "event": self.events,
            "seat": self.seats,
            "rule": self.rules,
            "metric": self.metrics,
        }.get(kind)
        prefix = f"column {call.column}: {call.name}(): "
        if known is not None and arg not in known:
            extra = " (only interactions with a threshold can be active)" if kind == "rule" else ""
            self.unknown(path, kind, str(arg), prefix, extra)
        elif kind == "option" and (str(call.args[0]), str(arg)) not in self.options:
            options = {o for e, o in self.options if e == call.args[0]}
            hint = did_you_mean(str(arg), options)
            self.error(path, f"{prefix}event '{call.args[0]}' has no option '{arg}'{hint}")

    def nothing_played(self, path: Path, expr: Expr, when: str) -> None:
        """``played()`` and ``seat_played()`` are always false (0) where nothing is being played."""
        for call in expr.calls():
            if call.name in ("played", "seat_played"):
                self.error(
                    path,
                    f"column {call.column}: {call.name}() is always "
                    f"{'false' if call.name == 'played' else '0'} here: nothing is being played "
                    f"{when}; use played_before(...) or times_played(...)",
                )

    def effects(self, path: Path, effects: Iterable[Effect]) -> None:
        for index, effect in enumerate(effects):
            here = (*path, index)
            if effect.metric not in self.metrics:
                self.unknown((*here, "metric"), "metric", effect.metric)
            else:
                self._size(here, effect)
            if effect.source is not None and effect.source not in self.metrics:
                self.unknown((*here, "from"), "metric", effect.source)
            elif effect.source == effect.metric:
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

    def _size(self, here: Path, effect: Effect) -> None:
        """Effects bigger than the metric's whole range, and effects on a balancing metric."""
        metric = self.s.metric(effect.metric)
        span = metric.max - metric.min
        sizes = effect.range or ([] if effect.formula else [float(effect.change or 0)])
        if sizes and max(abs(x) for x in sizes) > span:
            field = "range" if effect.range else "change"
            size = max(sizes, key=abs)
            self.error(
                (*here, field),
                f"a change of {size:g} is more than the whole range of '{metric.id}' "
                f"({metric.min:g} to {metric.max:g})",
            )
        partners = sorted(m.id for m in self.s.metrics if m.balance == effect.metric)
        if partners and effect.source is None:
            self.error(
                (*here, "metric"),
                f"'{effect.metric}' is the balancing metric of {', '.join(partners)}: changing it "
                "breaks their sum; change one of them instead, or move the change with a "
                f"transfer ({{metric: {effect.metric}, change: ..., from: {partners[0]}}})",
            )


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


def cross_check(scenario: Scenario, line_of: LineOf | None = None) -> list[Found]:
    """Every cross-reference and sanity problem in the scenario (``line_of`` lets messages name
    the line of another place, such as the first of two duplicate ids)."""
    c = _Checker(scenario, line_of)
    _check_ids(c)
    _check_metrics(c)
    _check_seats(c)
    _check_outcome(c)
    _check_moves(c)
    _check_rules(c)
    _check_events(c)
    _check_endings(c)
    c.found += [(path, message, "error") for path, message in c.refs.problems(line_of)]
    if not c.errors:
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
            first = c.line((section, ids.index(dup), "id"))
            c.error((section, index, "id"), f"duplicate id '{dup}' (the first is on {first})")
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
        if m.balance is not None and m.balance not in c.metrics:
            c.unknown(("metrics", i, "balance"), "metric", m.balance)
        elif m.balance == m.id:
            c.error(("metrics", i, "balance"), f"'{m.balance}' is not another metric")
        if m.see != "all":
            for seat in [*m.see.exact, *m.see.noisy]:
                if seat not in c.seats:
                    c.unknown(("metrics", i, "see"), "seat", seat)


def _check_goals(c: _Checker, where: Path, goals: Sequence[Goal]) -> None:
    for j, goal in enumerate(goals):
        if goal.metric not in c.metrics:
            c.unknown((*where, j, "metric"), "metric", goal.metric)
            continue
        m = c.s.metric(goal.metric)
        if not m.min <= goal.target <= m.max:
            c.error((*where, j, "target"), f"target {goal.target} is outside {m.min}..{m.max}")


def _check_outcome(c: _Checker) -> None:
    if c.s.outcome is not None:
        _check_goals(c, ("outcome", "goals"), c.s.outcome.goals)


def _check_seats(c: _Checker) -> None:
    for i, seat in enumerate(c.s.seats):
        _check_goals(c, ("seats", i, "goals"), seat.goals)
        for dup in _duplicates(o.id for o in seat.objectives):
            c.error(("seats", i, "objectives"), f"duplicate objective id '{dup}'")
        for j, objective in enumerate(seat.objectives):
            here: Path = ("seats", i, "objectives", j, "condition")
            expr = c.condition(here, objective.condition)
            if expr is not None:
                c.nothing_played(here, expr, "when objectives are scored, after the last round")
        for move_id in seat.ai.prefer:
            owner = move_id.split(".", 1)[0]
            if owner not in c.seats and owner in {m.split(".", 1)[0] for m in c.moves}:
                continue  # the moves name a seat that does not exist: reported there, once
            if move_id not in c.moves and owner == seat.id:
                c.unknown(("seats", i, "ai", "prefer"), "move", move_id)
            elif move_id not in c.moves or owner != seat.id:
                c.error(("seats", i, "ai", "prefer"), f"'{move_id}' is not a move of this seat")


def _check_moves(c: _Checker) -> None:
    per_seat: dict[str, int] = {}
    for i, move in enumerate(c.s.moves):
        if move.seat not in c.seats:
            c.unknown(("moves", i, "id"), "seat", move.seat, "the move belongs to ")
        per_seat[move.seat] = per_seat.get(move.seat, 0) + 1
        if per_seat[move.seat] == 26:
            c.error(
                ("moves", i, "id"),
                f"seat '{move.seat}' has more than 25 moves (one Discord menu holds 25)",
            )
        _check_move_links(c, i, move)
        if move.condition is not None:
            expr = c.condition(("moves", i, "condition"), move.condition)
            if expr is not None:
                when = "when a move's legality is decided, before the round"
                c.nothing_played(("moves", i, "condition"), expr, when)
        if move.exposed_when is not None:
            if not move.covert:
                c.error(
                    ("moves", i, "exposed_when"), "only a covert move (covert: true) is exposed"
                )
            c.condition(("moves", i, "exposed_when"), move.exposed_when)
        _check_forecasts(c, i, move)
        c.effects(("moves", i, "effects"), move.effects)
        if not move.effects:
            c.warn(("moves", i), "this move has no effects")


def _check_forecasts(c: _Checker, i: int, move: Move) -> None:
    """An argument's forecast names a metric the move's seat may see."""
    for j, argument in enumerate(move.arguments):
        if argument.forecast is None:
            continue
        path = ("moves", i, "arguments", j, "forecast", "metric")
        metric_id = argument.forecast.metric
        if metric_id not in c.metrics:
            c.unknown(path, "metric", metric_id)
        elif sight(c.s.metric(metric_id), move.seat) == "hidden":
            c.error(path, f"seat '{move.seat}' cannot see '{metric_id}', so cannot forecast it")


def _check_move_links(c: _Checker, i: int, move: Move) -> None:
    """A move's ``requires`` and ``excludes`` name other moves (``excludes``: the seat's own)."""
    for field in ("requires", "excludes"):
        for j, other in enumerate(getattr(move, field)):
            if other not in c.moves:
                c.unknown(("moves", i, field, j), "move", other)
            elif other == move.id:
                c.error(("moves", i, field, j), f"'{other}' is not another move")
            elif field == "excludes" and not other.startswith(move.seat + "."):
                c.error(
                    ("moves", i, field, j),
                    f"'{other}' is another seat's move (only a seat's own moves can exclude "
                    "each other: seats order at the same time)",
                )


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
                c.unknown(("interactions", i, "threshold", "metric"), "metric", str(level.metric))
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
        drawn = "when events are drawn, before the round"
        if event.condition is not None:
            expr = c.condition((*here, "condition"), event.condition)
            if expr is not None:
                c.nothing_played((*here, "condition"), expr, drawn)
        for j, scale in enumerate(event.scale):
            expr = c.condition((*here, "scale", j, "when"), scale.when)
            if expr is not None:
                c.nothing_played((*here, "scale", j, "when"), expr, drawn)
        c.effects((*here, "effects"), event.effects)
        decision = event.decision
        if decision is None:
            continue
        if decision.seat not in c.seats:
            c.unknown((*here, "decision", "seat"), "seat", decision.seat)
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
        if expr is not None:
            c.nothing_played(("endings", i, "condition"), expr, "when endings are checked")
        if expr is not None and not can_be_true(c.s, expr):
            c.error(
                ("endings", i, "condition"),
                "no values of the metrics in their ranges can make this ending happen",
            )
        if ending.earliest_round > c.s.meta.rounds:
            c.error(("endings", i, "earliest_round"), "this is after the last round")
        for seat in ending.bonus:
            if seat not in c.seats:
                c.unknown(("endings", i, "bonus"), "seat", seat)
    for i, note in enumerate(c.s.debrief.notes):
        if note.when is not None:
            expr = c.condition(("debrief", "notes", i, "when"), note.when)
            if expr is not None:
                c.nothing_played(("debrief", "notes", i, "when"), expr, "when the match is over")


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

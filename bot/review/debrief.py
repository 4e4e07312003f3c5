"""The end-of-match debrief: scores against goals, turning points, notes and questions.

Everything is computed from the record (the engine's own records and final state) and the
scenario; nothing is invented. ``build_debrief`` needs a match that is over (the debrief shows
everything, secrets included).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, cast

from bot.game.engine import LAST_ROUND
from bot.game.env import StateEnv
from bot.game.scenario import Goal, Scenario
from bot.game.scoring import counts_from_start, goal_fraction, goal_score, outcome_score
from bot.render.narrative import source_name
from bot.review.debate_summary import DebateSummary, debate_summary
from bot.review.record import (
    MatchRecord,
    ObjectiveInfo,
    RecordEntry,
    SeatSwapInfo,
    WhatIfInfo,
)
from bot.review.timeline import all_entries
from bot.review.what_if import DEBRIEF_SEEDS, what_if

TURNING_POINTS = 3
QUESTIONS = 3


@dataclass(frozen=True)
class GoalResult:
    """How far one goal was met at the end."""

    metric: str
    name: str
    kind: str
    target: float
    value: float
    fraction: float

    def line(self) -> str:
        """``Power supply at least 70: 62.0 (89%)``."""
        kind = self.kind.replace("_", " ")
        return f"{self.name} {kind} {self.target:g}: {self.value:.1f} ({self.fraction:.0%})"


@dataclass(frozen=True)
class OutcomeResult:
    """The shared outcome at the end: its score from 0 to 100 and how far each goal was met."""

    name: str
    description: str | None
    score: float
    goals: list[GoalResult]


@dataclass(frozen=True)
class SeatResult:
    """A seat's final score, broken down into goals, secret objectives and the ending's bonus."""

    seat: str
    name: str
    colour: str
    score: float
    winner: bool
    goal_points: float
    goals: list[GoalResult]
    objectives: list[ObjectiveInfo]
    objective_points: float  # what the met objectives added (nothing when ended early)
    bonus: float


@dataclass(frozen=True)
class TurningCause:
    """One cause of a turning point: a move, rule or event, and what it did to the metric."""

    source: str
    name: str
    delta: float
    seat_name: str | None = None
    delayed_from: int | None = None
    argument: str = ""

    def line(self) -> str:
        """``Oil sanctions (United States) -6.0, from round 2``."""
        who = f" ({self.seat_name})" if self.seat_name else ""
        later = f", from round {self.delayed_from}" if self.delayed_from else ""
        return f"{self.name}{who} {self.delta:+.1f}{later}"


@dataclass(frozen=True)
class TurningPoint:
    """A round in which one metric moved most, and why."""

    round: int
    label: str
    metric: str
    name: str
    before: float
    after: float
    causes: list[TurningCause]

    @property
    def change(self) -> float:
        """The metric's net change over the round."""
        return round(self.after - self.before, 4)


@dataclass(frozen=True)
class DealMoment:
    """A deal that was kept or broken: a possible turning point, quoted in the debrief."""

    round: int
    label: str
    status: str  # kept, broken or lapsed
    kind: str
    parties: list[str]  # seat names
    text: str
    breakers: list[str]  # the names of the seats that broke a term

    def line(self) -> str:
        """``Round 3: promise between US and Maduro broken by Maduro``."""
        who = f" by {', '.join(self.breakers)}" if self.breakers else ""
        return f"{self.kind} between {' and '.join(self.parties)} {self.status}{who}"


NoteKind = Literal["scenario", "move", "interaction", "event", "ending"]


@dataclass(frozen=True)
class Note:
    """A debrief note: the scenario's own, or one tied to something that happened."""

    text: str
    kind: NoteKind
    source: str | None = None
    name: str | None = None
    rounds: tuple[int, ...] = ()

    @property
    def when(self) -> str:
        """``round 3`` or ``rounds 2, 4`` (empty for the scenario's own notes)."""
        if not self.rounds:
            return ""
        label = "round" if len(self.rounds) == 1 else "rounds"
        return f"{label} {', '.join(str(r) for r in self.rounds)}"


@dataclass(frozen=True)
class Debrief:
    """The whole debrief of a finished (or ended) match."""

    title: str
    ending: str | None
    ending_text: str | None
    seats: list[SeatResult]
    turning_points: list[TurningPoint]
    notes: list[Note]
    questions: list[str]
    debate: DebateSummary = field(default_factory=DebateSummary)
    what_if: list[WhatIfInfo] = field(default_factory=list)
    deals: list[DealMoment] = field(default_factory=list)
    outcome: OutcomeResult | None = None
    seat_swap: SeatSwapInfo | None = None  # a seat-swap rematch's comparison

    @property
    def key_notes(self) -> list[Note]:
        """The notes for a short debrief: the scenario's own, the ending's, and those of the
        turning points' causes (``notes`` has every note of what happened)."""
        causes = {c.source for p in self.turning_points for c in p.causes}
        return [n for n in self.notes if n.kind in ("scenario", "ending") or n.source in causes]


def _final_values(record: MatchRecord) -> dict[str, float]:
    final = record.rounds[-1].metrics if record.rounds else record.opening.metrics
    return {k: float(v) for k, v in final.items() if v is not None}


def _goal_results(
    scenario: Scenario, goals: Sequence[Goal], values: Mapping[str, float]
) -> list[GoalResult]:
    from_start = counts_from_start(scenario)
    return [
        GoalResult(
            g.metric,
            scenario.metric(g.metric).name,
            g.kind,
            g.target,
            values[g.metric],
            goal_fraction(scenario.metric(g.metric), g, values[g.metric], from_start),
        )
        for g in goals
    ]


def outcome_result(scenario: Scenario, record: MatchRecord) -> OutcomeResult | None:
    """The shared outcome of a match that is over (None when the scenario defines none)."""
    if scenario.outcome is None:
        return None
    values = _final_values(record)
    score = outcome_score(scenario, values)
    assert score is not None
    goals = _goal_results(scenario, scenario.outcome.goals, values)
    return OutcomeResult(scenario.outcome.name, scenario.outcome.description, score, goals)


def _seat_results(scenario: Scenario, record: MatchRecord) -> list[SeatResult]:
    assert record.result is not None
    values = _final_values(record)
    ending = next((e for e in scenario.endings if e.id == record.result.ending), None)
    made = []
    for seat in scenario.seats:
        goals = _goal_results(scenario, seat.goals, values)
        info = record.seat(seat.id)
        finished = record.match.status == "finished"
        objectives = list(info.objectives or [])
        bonus = ending.bonus.get(seat.id, 0.0) if ending and finished else 0.0
        made.append(
            SeatResult(
                seat=seat.id,
                name=seat.name,
                colour=seat.colour,
                score=record.result.scores.get(seat.id, 0.0),
                winner=seat.id in record.result.winners,
                goal_points=round(goal_score(scenario, seat, values), 3),
                goals=goals,
                objectives=objectives,
                objective_points=sum(o.points for o in objectives if o.met) if finished else 0.0,
                bonus=float(bonus),
            )
        )
    return made


def _argument(record: MatchRecord, rnd: int, seat: str | None, source: str) -> str:
    kind, _, move = source.partition(":")
    if kind != "move" or seat is None or not 1 <= rnd <= len(record.rounds):
        return ""
    for turn in record.round(rnd).turns:
        if turn.seat == seat:
            return next((o.argument for o in turn.orders if o.move == move), "")
    return ""


def _causes(
    scenario: Scenario, record: MatchRecord, number: int, effects: list[RecordEntry]
) -> list[TurningCause]:
    summed: dict[tuple[str, str | None, int | None], float] = {}
    for rec in effects:
        kind, _, ident = rec.source.partition(":")
        seat = rec.seat or (scenario.move(ident).seat if kind == "move" else None)
        key = (rec.source, seat, rec.delayed_from)
        summed[key] = summed.get(key, 0.0) + (rec.delta or 0.0)
    causes = [
        TurningCause(
            source=source,
            name=source_name(scenario, source),
            delta=round(delta, 4),
            seat_name=scenario.seat(seat).name if seat else None,
            delayed_from=origin,
            argument=_argument(record, origin or number, seat, source),
        )
        for (source, seat, origin), delta in summed.items()
        if abs(delta) > 1e-9
    ]
    return sorted(causes, key=lambda c: -abs(c.delta))


def turning_points(
    scenario: Scenario, record: MatchRecord, count: int = TURNING_POINTS
) -> list[TurningPoint]:
    """The ``count`` biggest moves of one metric within one round, with their causes.

    Moves are compared as a share of each metric's range; a metric that only absorbed another's
    change (``balance``) is left out, since its partner tells the same story.
    """
    candidates: list[tuple[float, int, int, TurningPoint]] = []
    order = {m.id: i for i, m in enumerate(scenario.metrics)}
    for played in record.rounds:
        by_metric: dict[str, list[RecordEntry]] = {}
        for rec in played.records:
            if rec.kind == "effect" and rec.metric is not None and rec.before is not None:
                by_metric.setdefault(rec.metric, []).append(rec)
        for metric_id, effects in by_metric.items():
            if all((r.detail or "").startswith("balances ") for r in effects):
                continue
            metric = scenario.metric(metric_id)
            if metric.bookkeeping:
                continue  # a switch or counter: the rule it serves tells the story
            before, after = effects[0].before, effects[-1].after
            assert before is not None and after is not None
            share = abs(after - before) / ((metric.max - metric.min) or 1.0)
            if share < 1e-9:
                continue
            point = TurningPoint(
                played.round,
                played.label,
                metric_id,
                metric.name,
                before,
                after,
                _causes(scenario, record, played.round, effects),
            )
            candidates.append((-share, played.round, order[metric_id], point))
    candidates.sort(key=lambda c: c[:3])
    ranked = [c[3] for c in candidates]
    chosen: list[TurningPoint] = []
    for point in ranked:  # one turning point per metric, while there are enough metrics
        if len(chosen) < count and all(p.metric != point.metric for p in chosen):
            chosen.append(point)
    for point in ranked:
        if len(chosen) < count and point not in chosen:
            chosen.append(point)
    return sorted(chosen, key=lambda p: (p.round, order[p.metric]))


def _happened_notes(scenario: Scenario, record: MatchRecord) -> list[Note]:
    found: dict[str, Note] = {}
    for rec in all_entries(record):
        kind, _, ident = rec.source.partition(":")
        text: str | None = None
        if rec.kind == "order":
            text = scenario.move(ident).debrief
        elif rec.kind in ("interaction", "threshold_on"):
            text = next(i.debrief for i in scenario.interactions if i.id == ident)
        elif rec.kind == "event":
            text = scenario.event(ident).debrief
        elif rec.kind == "ending" and ident != LAST_ROUND:
            text = next(e.debrief for e in scenario.endings if e.id == ident)
        if text is None:
            continue
        old = found.get(rec.source)
        rounds = old.rounds if old else ()
        if rec.round not in rounds:
            rounds = (*rounds, rec.round)
        found[rec.source] = Note(
            text.strip(),
            cast(NoteKind, kind),
            rec.source,
            source_name(scenario, rec.source),
            rounds,
        )
    return list(found.values())


def debrief_notes(scenario: Scenario, record: MatchRecord) -> list[Note]:
    """The scenario's notes whose condition held at the end, then the notes of what happened."""
    assert record.result is not None
    final = record.result.final_state()
    notes: list[Note] = []
    for note in scenario.debrief.notes:
        if note.when is not None and (
            final is None or not scenario.expr(note.when).evaluate(StateEnv(final))
        ):
            continue
        notes.append(Note(note.text.strip(), "scenario"))
    return notes + _happened_notes(scenario, record)


_WORD = re.compile(r"[a-z][a-z'-]{3,}")
_STOP = frozenset(
    re.findall(
        r"[a-z]+",
        "about after again also been before both does from have into just make more most much "
        "only other over same some such than that their them then there these they this those "
        "what when where which while will with would could should your anyone",
    )
)


def _words(texts: Iterable[str]) -> set[str]:
    return {w for t in texts for w in _WORD.findall(t.lower()) if w not in _STOP}


def pick_questions(
    scenario: Scenario, happened: Iterable[str], count: int = QUESTIONS
) -> list[str]:
    """Up to ``count`` of the scenario's questions, preferring those about what happened.

    A question scores one point per word it shares with the texts of what happened; ties keep
    the author's order, and the chosen questions are returned in that order.
    """
    seen = _words(happened)
    questions = scenario.debrief.questions
    ranked = sorted(range(len(questions)), key=lambda i: (-len(_words([questions[i]]) & seen), i))
    return [questions[i] for i in sorted(ranked[:count])]


def deal_moments(scenario: Scenario, record: MatchRecord) -> list[DealMoment]:
    """The deals that ended kept, broken or lapsed, in the round they ended, with their text."""
    moments = []
    for deal in record.deals:
        if deal.status not in ("kept", "broken", "lapsed") or not deal.events:
            continue
        rnd = deal.events[-1].round
        breakers = [e.seat for e in deal.events if e.status == "broken" and e.seat is not None]
        moments.append(
            DealMoment(
                round=rnd,
                label=record.round(rnd).label if 1 <= rnd <= len(record.rounds) else "",
                status=deal.status,
                kind=deal.kind,
                parties=[scenario.seat(s).name for s in deal.parties],
                text=deal.text,
                breakers=[scenario.seat(s).name for s in dict.fromkeys(breakers)],
            )
        )
    return sorted(moments, key=lambda m: m.round)


def build_debrief(
    scenario: Scenario, record: MatchRecord, what_if_seeds: int = DEBRIEF_SEEDS
) -> Debrief:
    """The debrief of a match that is over (ValueError while it runs).

    Its *What if* forks the match without each turning point's move over ``what_if_seeds``
    seeds (``bot.review.what_if``; 0 leaves it out).
    """
    if not record.over or record.result is None:
        raise ValueError("the debrief is for a match that is over")
    points = turning_points(scenario, record)
    notes = debrief_notes(scenario, record)
    happened = [n.name or "" for n in notes] + [n.text for n in notes if n.kind != "scenario"]
    happened += [p.name for p in points] + [c.name for p in points for c in p.causes]
    ending = next((e for e in scenario.endings if e.id == record.result.ending), None)
    return Debrief(
        title=scenario.meta.title,
        ending=record.result.ending_name,
        ending_text=ending.text if ending else None,
        seats=_seat_results(scenario, record),
        turning_points=points,
        notes=notes,
        questions=pick_questions(scenario, happened),
        debate=debate_summary(record),
        what_if=what_if(scenario, record, points, what_if_seeds),
        deals=deal_moments(scenario, record),
        outcome=outcome_result(scenario, record),
        seat_swap=record.seat_swap,
    )

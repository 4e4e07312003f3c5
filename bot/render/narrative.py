"""Turning the engine's records into words people read: shared by the terminal and Discord.

Nothing here knows about Discord or the terminal; it returns plain strings and small rows.
Metrics a viewer may not see exactly are left out of what that viewer is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.game.scenario import Scenario
from bot.game.state import Record
from bot.game.view import COVERT, sight


def source_name(scenario: Scenario, source: str) -> str:
    """A readable name for a record's source (``move:us.oil_sanctions`` -> ``Oil sanctions``)."""
    if source == COVERT:
        return "a covert move"
    kind, _, ident = source.partition(":")
    try:
        if kind == "move":
            return scenario.move(ident).name
        if kind == "interaction":
            return next(i.name for i in scenario.interactions if i.id == ident)
        if kind == "event":
            return scenario.event(ident).name
        if kind == "decision":
            event_id, _, option_id = ident.partition(".")
            event = scenario.event(event_id)
            decision = event.decision
            label = next(o.label for o in decision.options if o.id == option_id) if decision else ""
            return f"{event.name}: {label}"
        if kind == "ending":
            return next((e.name for e in scenario.endings if e.id == ident), "The last round")
    except (KeyError, StopIteration):
        pass
    return source


def story(scenario: Scenario, records: Iterable[Record]) -> list[str]:
    """The narrative of a round: one sentence per order, rule, event, decision and ending."""
    lines: list[str] = []
    for rec in records:
        ident = rec.source.partition(":")[2]
        if rec.kind == "order":
            move = scenario.move(ident)
            text = move.text_miss if rec.detail == "miss" and move.text_miss else move.text
            lines.append(f"{move.name}{' (covert)' if move.covert else ''}: {text}")
        elif rec.kind == "exposed":
            move = scenario.move(ident)
            seat = scenario.seat(move.seat).name
            lines.append(f"Exposed: {seat} had played {move.name} in secret.")
        elif rec.kind in ("interaction", "threshold_on"):
            rule = next(i for i in scenario.interactions if i.id == ident)
            lines.append(f"{rule.name}: {rule.text}")
        elif rec.kind == "threshold_off":
            lines.append(f"{source_name(scenario, rec.source)} is over.")
        elif rec.kind == "event":
            event = scenario.event(ident)
            lines.append(f"{event.name}: {event.text}")
        elif rec.kind == "decision":
            lines.append(_decision_line(scenario, ident, rec))
        elif rec.kind == "ending":
            ending = next((e for e in scenario.endings if e.id == ident), None)
            lines.append(f"{ending.name}: {ending.text}" if ending else "The last round is over.")
    return lines


def _decision_line(scenario: Scenario, event_id: str, rec: Record) -> str:
    decision = scenario.event(event_id).decision
    choice = (rec.detail or "").split(" ")[0]
    option = next((o for o in decision.options if o.id == choice), None) if decision else None
    default = " (no answer: the default applied)" if rec.detail and "default" in rec.detail else ""
    return f"{option.label if option else choice}: {option.text if option else ''}{default}"


@dataclass(frozen=True)
class Cause:
    """One change to a metric and what caused it.

    ``noisy``: the viewer sees the metric only as an estimate, so ``delta`` keeps just the
    change's sign (+1 or -1): exact amounts would add up to the exact value over a match.
    """

    metric: str
    delta: float
    cause: str
    delayed_from: int | None = None
    noisy: bool = False

    @property
    def amount(self) -> str:
        """``-3.0``, or an arrow alone for a noisy metric."""
        if self.noisy:
            return "↑" if self.delta > 0 else "↓"
        return f"{self.delta:+.1f}"

    def line(self) -> str:
        """``Humanitarian conditions -3.0 (Oil sanctions, from round 2)``."""
        later = f", from round {self.delayed_from}" if self.delayed_from else ""
        return f"{self.metric} {self.amount} ({self.cause}{later})"

    def short(self) -> str:
        """``Oil sanctions -3.0 (from round 2)``: the cause within its metric's group."""
        later = f" (from round {self.delayed_from})" if self.delayed_from else ""
        return f"{self.cause} {self.amount}{later}"


def causes(
    scenario: Scenario, records: Iterable[Record], viewer: str | None, *, everything: bool = False
) -> list[Cause]:
    """Every metric change the viewer may see, with its cause (None: the public).

    ``everything`` keeps every change whatever the viewer may see: for records already
    redacted for their reader (``bot.review.redact``) or a match that is over.
    """
    found = []
    for rec in records:
        if rec.kind != "effect" or rec.metric is None or not rec.delta:
            continue
        metric = scenario.metric(rec.metric)
        if not everything and sight(metric, viewer) != "exact":
            continue
        found.append(
            Cause(metric.name, rec.delta, source_name(scenario, rec.source), rec.delayed_from)
        )
    return found


def causes_seen(
    scenario: Scenario, records: Iterable[Record], seat: str, *, private_only: bool = False
) -> list[Cause]:
    """Every change to a metric the seat sees, exactly or as an estimate, with its cause.

    A noisy metric's changes keep only their sign (``Cause.noisy``), so the list tells the seat
    what moved the metric without the exact amounts its view withholds. ``private_only`` keeps
    only metrics the public reveal leaves out (those the public does not see exactly). The
    records must already hide what the seat may not see of the moves (``hide_covert``).
    """
    found = []
    for rec in records:
        if rec.kind != "effect" or rec.metric is None or not rec.delta:
            continue
        metric = scenario.metric(rec.metric)
        how = sight(metric, seat)
        if how == "hidden" or (private_only and sight(metric, None) == "exact"):
            continue
        noisy = how == "noisy"
        delta = (1.0 if rec.delta > 0 else -1.0) if noisy else rec.delta
        name = source_name(scenario, rec.source)
        found.append(Cause(metric.name, delta, name, rec.delayed_from, noisy))
    return found


@dataclass(frozen=True)
class Moved:
    """What moved one metric in a round, as one viewer may know it: the exact net change, or
    for a metric seen as an estimate the viewer's own estimated change (their two views)."""

    metric: str
    net: float | None
    estimate: float | None
    causes: tuple[Cause, ...]  # biggest first (a noisy metric's in the order they came)

    @property
    def head(self) -> str:
        """``+3.0``, ``≈-4.2 (your estimate)``, or ``(seen as an estimate)``."""
        if self.net is not None:
            return f"{self.net:+.1f}"
        if self.estimate is not None:
            return f"≈{self.estimate:+.1f} (your estimate)"
        return "(seen as an estimate)"

    def summary(self, shown: int | None = 3) -> str:
        """Its ``shown`` biggest causes (all with None) and how many more."""
        items = self.causes if shown is None else self.causes[:shown]
        more = len(self.causes) - len(items)
        return ", ".join(c.short() for c in items) + (f", and {more} more" if more > 0 else "")


def moved(
    found: Sequence[Cause], estimates: Mapping[str, float | None] | None = None
) -> list[Moved]:
    """Causes grouped by metric in first-seen order (``estimates``: by metric name, the
    viewer's estimated change of each metric it sees noisily)."""
    groups: dict[str, list[Cause]] = {}
    for cause in found:
        groups.setdefault(cause.metric, []).append(cause)
    made = []
    for metric, items in groups.items():
        if items[0].noisy:
            guess = (estimates or {}).get(metric)
            made.append(Moved(metric, None, guess, tuple(items)))
        else:
            net = round(sum(c.delta for c in items), 4)
            made.append(Moved(metric, net, None, tuple(sorted(items, key=lambda c: -abs(c.delta)))))
    return made


def estimated_changes(
    scenario: Scenario,
    now: Mapping[str, float | None],
    before: Mapping[str, float | None],
    seat: str,
) -> dict[str, float | None]:
    """By metric name, the change a seat estimates for each metric it sees noisily (the
    difference of its own two views: nothing it does not already see)."""
    found: dict[str, float | None] = {}
    for metric in scenario.metrics:
        if sight(metric, seat) != "noisy":
            continue
        new, old = now.get(metric.id), before.get(metric.id)
        found[metric.name] = None if new is None or old is None else round(new - old, 1)
    return found


def grouped_causes(found: Sequence[Cause]) -> list[tuple[str, float, list[Cause]]]:
    """Causes grouped by metric, in first-seen order: (metric, net change, biggest first)."""
    groups: dict[str, list[Cause]] = {}
    for cause in found:
        groups.setdefault(cause.metric, []).append(cause)
    return [
        (metric, round(sum(c.delta for c in items), 4), sorted(items, key=lambda c: -abs(c.delta)))
        for metric, items in groups.items()
    ]


def cause_summaries(found: Sequence[Cause], shown: int = 3) -> list[tuple[str, float, str]]:
    """One line per metric for a short reveal: (metric, net change, its ``shown`` biggest causes
    and how many more), the grouping of ``grouped_causes``."""
    lines = []
    for metric, net, items in grouped_causes(found):
        parts = [
            f"{c.cause} {c.delta:+.1f}"
            + (f" (from round {c.delayed_from})" if c.delayed_from else "")
            for c in items[:shown]
        ]
        more = len(items) - shown
        lines.append((metric, net, ", ".join(parts) + (f", and {more} more" if more > 0 else "")))
    return lines


@dataclass(frozen=True)
class Row:
    """One metric in a state table, as a viewer sees it."""

    metric: str
    name: str
    value: float | None
    change: float | None
    unit: str

    @property
    def arrow(self) -> str:
        """An arrow for the change: up, down, or level."""
        if self.change is None or abs(self.change) < 0.05:
            return "→"
        return "↑" if self.change > 0 else "↓"


def state_rows(
    scenario: Scenario,
    now: Mapping[str, float | None],
    before: Mapping[str, float | None] | None = None,
) -> list[Row]:
    """Rows for a state table from views (None values are hidden and shown as such)."""
    rows = []
    for metric in scenario.metrics:
        value = now.get(metric.id)
        old = before.get(metric.id) if before else None
        change = None if value is None or old is None else round(value - old, 1)
        rows.append(Row(metric.id, metric.name, value, change, metric.unit))
    return rows

"""The debate in the records: every order's argument, author, forecast (checked), ratings,
final rating, umpire and counter-arguments; version 1 records still read and replay; the
exports and the debrief show the debate; the gradebook has exactly its columns."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from functools import cache

from bot.game.match import MatchLog, PlayedRound, debate_tally, play_match
from bot.game.scenario import Scenario
from bot.game.state import SPECTATORS, Rating, SeatOrders
from bot.review.build import MatchFacts, record_from_log
from bot.review.debrief import build_debrief
from bot.review.debrief_text import debrief_lines
from bot.review.exports import render
from bot.review.gradebook import GRADEBOOK_COLUMNS, to_gradebook
from bot.review.record import HolderInfo, MatchRecord
from bot.review.redact import view_for
from bot.review.replay import replay_problems
from tests.review.helpers import scenario

HOLDER = HolderInfo(player="p:ana", name="Ana")


def _venezuela() -> Scenario:
    return scenario("venezuela-2021")


def _debated(log: MatchLog) -> MatchLog:
    """The log with a player's argument in round 1 answered, umpired and rated by spectators
    (as a debate window would leave it; the engine is not re-run, so only records matter)."""
    first = log.rounds[0]
    us = first.orders["us"]
    order = replace(
        us.moves[0],
        author="p:ana",
        ratings=(*us.moves[0].ratings, Rating(SPECTATORS, 1.5, count=12)),
        umpire="mod:kim",
        rating=0.5,
        counter_arguments=(("p:bo", "Sanctions never moved him before."),),
    )
    orders = {**first.orders, "us": SeatOrders((order, *us.moves[1:]), us.decisions)}
    rounds = [PlayedRound(first.round, orders, first.records, first.state), *log.rounds[1:]]
    return MatchLog(log.seed, log.start, log.opening, rounds)


@cache
def _log() -> MatchLog:
    return play_match(_venezuela(), 11, rounds=3)


@cache
def _record() -> MatchRecord:
    facts = MatchFacts(holders={"us": [HOLDER]}, ai_seats=frozenset(_venezuela().seat_ids) - {"us"})
    return record_from_log(_venezuela(), _debated(_log()), facts)


def test_every_order_carries_the_debate() -> None:
    data = json.loads(_record().to_json())
    assert data["version"] == 2
    order = data["rounds"][0]["turns"][0]["orders"][0]
    assert order["author"] == "p:ana"
    assert order["umpire"] == "mod:kim" and order["rating"] == 0.5 and order["applied"] is True
    assert {"by": SPECTATORS, "value": 1.5, "count": 12} in order["ratings"]
    assert all(r["by"] != "us" for r in order["ratings"])  # no self-rating
    assert order["counter_arguments"] == [
        {"by": "p:bo", "text": "Sanctions never moved him before."}
    ]
    assert set(order["forecast"]) == {"metric", "direction", "horizon", "hit"}


def test_forecast_hits_in_the_record_match_the_engine_tally() -> None:
    record = _record()
    hits = [
        o.forecast.hit
        for played in record.rounds
        for turn in played.turns
        for o in turn.orders
        if o.forecast is not None
    ]
    tally = debate_tally(_venezuela(), _log())
    assert sum(1 for h in hits if h) == sum(tally.hit.values())
    assert len(hits) == sum(tally.made.values())


def test_a_sealed_rating_is_recorded_but_does_not_replay_as_acting() -> None:
    record = record_from_log(_venezuela(), _log())
    rated = [o for p in record.rounds for t in p.turns for o in t.orders if o.rating is not None]
    assert rated and all(o.applied is False for o in rated)  # AI ratings, sealed: points only
    assert replay_problems(_venezuela(), MatchRecord.from_json(record.to_json())) == []


def test_a_version_1_record_still_reads_and_replays() -> None:
    data = json.loads(record_from_log(_venezuela(), _log()).to_json())
    data["version"] = 1
    for played in data["rounds"]:
        for turn in played["turns"]:
            turn["orders"] = [
                {k: v for k, v in o.items() if k in ("move", "name", "cost", "argument")}
                for o in turn["orders"]
            ]
    old = MatchRecord.model_validate(data)
    assert old.version == 1
    assert replay_problems(_venezuela(), old) == []
    assert render(_venezuela(), old, "markdown")  # the exports read it too


def test_the_debrief_and_exports_show_the_debate() -> None:
    record = _record()
    lines = "\n".join(debrief_lines(build_debrief(_venezuela(), record)))
    assert "**The debate**" in lines
    assert "Best-rated arguments" in lines and "Forecasts that came true" in lines
    assert "Sanctions never moved him before." in lines
    markdown = render(_venezuela(), record, "markdown")
    assert "rated +0.50 by umpire mod:kim" in markdown
    html = render(_venezuela(), record, "html")
    assert "<h3>The debate</h3>" in html and "Sanctions never moved him before." in html


def test_the_gradebook_has_exactly_its_columns_and_one_row_per_player() -> None:
    rows = list(csv.DictReader(io.StringIO(to_gradebook(_record()))))
    assert (
        tuple(rows[0])
        == GRADEBOOK_COLUMNS
        == (
            "player",
            "seat",
            "arguments",
            "mean_rating",
            "forecasts_made",
            "forecasts_hit",
            "counter_arguments",
            "ratings_given",
            "debate_points",
            "policy_score",
        )
    )
    by_player = {r["player"]: r for r in rows}
    assert set(by_player) == {"p:ana", "p:bo", "ai:us"} | {
        f"ai:{s}" for s in _venezuela().seat_ids if s != "us"
    }
    assert by_player["p:ana"]["seat"] == "us" and by_player["p:ana"]["arguments"] == "1"
    assert by_player["p:bo"]["counter_arguments"] == "1"
    ana = _record().rounds[0].turns[0].orders[0]
    assert float(by_player["p:ana"]["debate_points"]) == round(ana.points or 0.0, 3)
    assert by_player["ai:maduro"]["ratings_given"] != "0"
    assert by_player["ai:maduro"]["policy_score"] != ""


def test_a_running_match_hides_the_check_of_a_forecast_on_a_hidden_metric() -> None:
    s = _venezuela()
    running = record_from_log(s, _log(), MatchFacts(status="running"))
    public = view_for(running, s, None)
    forecasts = [o.forecast for p in public.rounds for t in p.turns for o in t.orders if o.forecast]
    hidden = {m.id for m in s.metrics if m.see != "all"}
    assert any(f.metric in hidden for f in forecasts)
    assert all(f.hit is None for f in forecasts if f.metric in hidden)
    assert any(f.hit is not None for f in forecasts if f.metric not in hidden)
    whole = [o.forecast for p in running.rounds for t in p.turns for o in t.orders if o.forecast]
    assert any(f.hit is not None for f in whole if f.metric in hidden)  # the full record keeps it

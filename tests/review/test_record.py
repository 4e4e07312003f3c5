"""The match record: it holds exactly what the engine did, reads back from its own JSON, and
replays to the same records from its seed and orders alone."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from bot.review.record import RECORD_VERSION, MatchRecord, RecordEntry
from bot.review.replay import replay_problems
from tests.review.helpers import (
    players_log,
    players_record,
    scenario,
    tutorial_log,
    tutorial_record,
)


def test_the_record_holds_every_round_as_the_engine_played_it() -> None:
    log, record = tutorial_log(), tutorial_record()
    assert record.match.rounds_played == len(log.rounds) == len(record.rounds)
    assert record.opening.records == [RecordEntry.of(r) for r in log.opening]
    assert record.opening.metrics == log.start.metrics
    for played, info in zip(log.rounds, record.rounds, strict=True):
        assert info.round == played.round
        assert info.records == [RecordEntry.of(r) for r in played.records]
        assert info.metrics == played.state.metrics
        moves = {t.seat: [o.move for o in t.orders] for t in info.turns}
        assert moves == {
            seat: [o.move for o in played.orders[seat].moves] for seat in scenario().seat_ids
        }
    assert record.result is not None
    assert record.result.ending == log.final.ending
    assert record.result.state == log.final.to_dict()


def test_arguments_and_holders_are_kept() -> None:
    record = players_record()
    downstream = record.seat("downstream")
    assert [h.name for h in downstream.holders] == ["Ana"] and not downstream.ai
    assert record.seat("upstream").ai
    log = players_log()
    for played, info in zip(log.rounds, record.rounds, strict=True):
        turn = next(t for t in info.turns if t.seat == "downstream")
        assert [o.argument for o in turn.orders] == [
            o.argument for o in played.orders["downstream"].moves
        ]
        assert turn.source == "players" and turn.on_time is True


def test_json_round_trip_is_exact_and_versioned() -> None:
    record = players_record()
    text = record.to_json()
    data = json.loads(text)
    assert data["format"] == "levers-match-record" and data["version"] == RECORD_VERSION == 2
    assert MatchRecord.from_json(text) == record


def test_a_record_of_another_version_is_refused() -> None:
    data = json.loads(tutorial_record().to_json())
    data["version"] = 3
    with pytest.raises(ValidationError):
        MatchRecord.model_validate(data)


def test_the_json_alone_replays_to_the_same_match() -> None:
    record = MatchRecord.from_json(tutorial_record().to_json())
    assert replay_problems(scenario(), record) == []


def test_a_tampered_record_fails_the_replay() -> None:
    record = tutorial_record()
    first = record.rounds[0]
    changed = first.model_copy(update={"metrics": {**first.metrics, "power": 99.0}})
    tampered = record.model_copy(update={"rounds": [changed, *record.rounds[1:]]})
    assert replay_problems(scenario(), tampered) == ["round 1: the metrics differ"]

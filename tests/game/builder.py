"""A small scenario builder for rulebook tests: a base two-seat scenario plus what a test adds."""

from __future__ import annotations

import copy
import random
from typing import Any

import yaml

from bot.game.engine import new_match, resolve_round, round_rng
from bot.game.scenario import Scenario
from bot.game.state import MatchState, Order, RoundResult, SeatOrders
from bot.game.validate import load_scenario

BASE: dict[str, Any] = {
    "meta": {
        "id": "rulebook",
        "title": "Rulebook",
        "version": "1.0",
        "author": "tests",
        "source": "test fixture",
        "description": "A scenario for rulebook tests.",
        "rounds": 4,
    },
    "metrics": [
        {"id": "a", "name": "A", "start": 50},
        {"id": "b", "name": "B", "start": 50},
        {"id": "share", "name": "Share", "start": 20, "balance": "rest"},
        {"id": "rest", "name": "Rest", "start": 80},
    ],
    "seats": [
        {
            "id": "red",
            "name": "Red",
            "description": "Red seat",
            "budget": 2,
            "goals": [{"metric": "a", "target": 80}],
        },
        {
            "id": "blue",
            "name": "Blue",
            "description": "Blue seat",
            "budget": 2,
            "goals": [{"metric": "b", "target": 80}],
        },
    ],
    "moves": [
        {
            "id": "red.push",
            "name": "Push",
            "description": "d",
            "text": "t",
            "effects": [{"metric": "a", "change": 5}],
        },
        {
            "id": "blue.push",
            "name": "Push",
            "description": "d",
            "text": "t",
            "effects": [{"metric": "b", "change": 5}],
        },
    ],
}


def build(**sections: Any) -> Scenario:
    """The base scenario with sections replaced (``moves=[...]``) or extended (``more_...=``)."""
    data = copy.deepcopy(BASE)
    for key, value in sections.items():
        if key.startswith("more_"):
            data[key[5:]] = data.get(key[5:], []) + value
        elif key == "meta":
            data["meta"].update(value)
        else:
            data[key] = value
    return load_scenario(yaml.safe_dump(data), "rulebook.yaml")


def move(move_id: str, *effects: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A move dict with the given effects."""
    return {
        "id": move_id,
        "name": move_id,
        "description": "d",
        "text": "t",
        "effects": list(effects),
        **fields,
    }


def orders(**by_seat: list[str]) -> dict[str, SeatOrders]:
    """Orders keyed by seat: ``orders(red=["red.push"])``."""
    return {seat: SeatOrders(tuple(Order(m) for m in moves)) for seat, moves in by_seat.items()}


def start(scenario: Scenario, seed: int = 1) -> MatchState:
    """The state before round 1."""
    return new_match(scenario, round_rng(seed, 0)).state


def play(scenario: Scenario, state: MatchState, seed: int = 1, **by_seat: list[str]) -> RoundResult:
    """Resolve the state's round with the given orders."""
    return resolve_round(scenario, state, orders(**by_seat), round_rng(seed, state.round))


class FixedRng(random.Random):
    """A Random whose draws are scripted, to test chance at its edges."""

    def __init__(self, *draws: float) -> None:
        super().__init__(0)
        self.draws = list(draws)

    def random(self) -> float:
        return self.draws.pop(0)

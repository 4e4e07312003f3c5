"""Covert moves: hidden from the other seats until a condition exposes them; the seat that
played one always sees it, and nothing stays hidden once the match is over."""

from __future__ import annotations

from bot.game.scenario import Scenario
from bot.game.view import COVERT, hide_covert, secret_moves
from bot.render.narrative import causes, story
from tests.game.builder import build, move, play, start


def covert_scenario() -> Scenario:
    """Red may bribe in secret (b -5); it comes out once b has fallen below 45."""
    return build(
        moves=[
            move("red.push", {"metric": "a", "change": 5}),
            move(
                "red.bribe",
                {"metric": "b", "change": -5},
                covert=True,
                exposed_when="b < 45",
            ),
            move("blue.push", {"metric": "b", "change": 1}),
        ]
    )


def test_rule_a_covert_move_is_exposed_after_the_round_its_condition_holds() -> None:
    s = covert_scenario()
    first = play(s, start(s), red=["red.bribe", "red.push"])
    assert first.state.exposed == [] and not [r for r in first.records if r.kind == "exposed"]
    second = play(s, first.state, red=["red.bribe"])
    assert second.state.exposed == ["red.bribe"]
    exposed = [r for r in second.records if r.kind == "exposed"]
    assert [(r.source, r.seat) for r in exposed] == [("move:red.bribe", "red")]


def test_rule_a_covert_move_never_played_is_never_exposed() -> None:
    s = build(
        moves=[
            move("red.push", {"metric": "a", "change": 5}),
            move("red.bribe", {"metric": "b", "change": -5}, covert=True, exposed_when="a > 1"),
            move("blue.push", {"metric": "b", "change": 1}),
        ]
    )
    assert play(s, start(s), red=["red.push"]).state.exposed == []


def test_other_seats_and_the_public_do_not_see_an_unexposed_covert_move() -> None:
    s = covert_scenario()
    result = play(s, start(s), red=["red.bribe", "red.push"])
    assert secret_moves(s, result.state.exposed, "red") == frozenset()
    for viewer in ("blue", None):
        secret = secret_moves(s, result.state.exposed, viewer)
        assert secret == {"red.bribe"}
        shown = hide_covert(result.records, secret)
        assert all("bribe" not in r.source for r in shown)
        text = " ".join(story(s, shown)) + " ".join(c.line() for c in causes(s, shown, viewer))
        assert "red.bribe" not in text and "a covert move" in text
        effect = next(r for r in shown if r.metric == "b")
        assert (effect.source, effect.seat, effect.delta) == (COVERT, None, -5)
    assert secret_moves(s, [], "blue", over=True) == frozenset()


def test_once_exposed_everyone_sees_the_move_and_the_story_says_so() -> None:
    s = covert_scenario()
    first = play(s, start(s), red=["red.bribe"])
    second = play(s, first.state, red=["red.bribe"])
    assert secret_moves(s, second.state.exposed, "blue") == frozenset()
    assert "Exposed: Red had played red.bribe in secret." in story(s, second.records)
    assert "red.bribe (covert): t" in story(s, second.records)


def test_scenarios_without_covert_moves_show_every_record() -> None:
    s = build()
    result = play(s, start(s), red=["red.push"])
    assert secret_moves(s, [], None) == frozenset()
    assert hide_covert(result.records, frozenset()) == list(result.records)

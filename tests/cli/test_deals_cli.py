"""Deals at the keyboard, with scripted input: a stored tutorial match, the upstream seat at
the keyboard and the others played by the AI. The council's offer is accepted with ``a`` and
kept (orders that would break it are refused once, with the cost); a proposal made with ``p``
is answered at once by the AI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import deals_cli, menu, play
from bot.cli.play import HOST, LOCAL, play_stored
from bot.services import Services

TALKS = "\nrules:\n  ai_talks: 1\n  deal_breach_cost: 5\n"


class Script:
    """Answers prompts in order; each must contain the text the test expects."""

    def __init__(self, steps: list[tuple[str, str]]) -> None:
        self.steps: Iterator[tuple[str, str]] = iter(steps)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        expected, answer = next(self.steps)
        assert expected in prompt, f"asked {prompt!r}, the script expected {expected!r}"
        return answer


def _scripted(monkeypatch: pytest.MonkeyPatch, steps: list[tuple[str, str]]) -> Script:
    script = Script(steps)
    for module in (deals_cli, menu, play):
        monkeypatch.setattr(module, "ask", script)
    return script


async def _match(tmp_path: Path, talks: bool) -> tuple[Services, int]:
    scenario = Path("content/scenarios/tutorial.yaml").read_text(encoding="utf-8")
    path = tmp_path / "tutorial-deals.yaml"
    path.write_text(scenario + (TALKS if talks else ""), encoding="utf-8")
    services = await Services.open(tmp_path / "levers.db")
    stored = await services.scenarios.add_builtin(str(path))
    match = await services.matches.create(
        HOST, stored.sha256, seed=11, rounds=1, settings={"debate": "sealed"}
    )
    await services.matches.assign_seat(match.id, HOST, f"{LOCAL}upstream", "upstream", "upstream")
    await services.matches.start(match.id, HOST)
    return services, match.id


ORDER = "Your choice"
TALKS_MOVE = "3"  # upstream.talks, third of the upstream seat's moves


async def test_an_ai_offer_is_accepted_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    services, match_id = await _match(tmp_path, talks=True)
    try:
        script = _scripted(
            monkeypatch,
            [
                ("Your answer", "1"),  # the drought's decision
                (ORDER, "a"),
                ("Accept this deal?", "y"),
                (ORDER, "1"),  # build the dam instead of talking...
                ("Your argument", "Power first."),
                ("Add a forecast?", ""),  # none
                (ORDER, "0"),
                ("Lock these orders anyway?", "n"),  # ...the promise is at stake: no
                (ORDER, "1"),  # take the dam back
                (ORDER, TALKS_MOVE),
                ("Your argument", "We promised to talk."),
                ("Add a forecast?", ""),  # none
                (ORDER, "0"),
                ("Submit anyway?", "y"),
            ],
        )
        await play_stored(services, match_id)
        shown = capsys.readouterr().out
        assert "A deal offered by River Council" in shown or "offered by" in shown
        assert "is agreed and in force" in shown
        assert "break your promise" in shown and "5 points and 15 credibility" in shown
        assert "was kept" in shown, "the reveal says the deal was kept"
        assert "Credibility (0-100)" in shown
        assert len(script.prompts) == 14
        record = await services.rounds.get(match_id, 1, HOST)
        kept = [d for d in record.state.deals if "upstream" in d.parties]
        assert kept and all(d.status == "kept" for d in kept)
        assert record.state.credibility["upstream"] > 50
    finally:
        await services.close()


async def test_a_proposal_to_an_ai_seat_is_answered_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    services, match_id = await _match(tmp_path, talks=False)
    try:
        _scripted(
            monkeypatch,
            [
                ("Your answer", "1"),  # the drought's decision
                (ORDER, "p"),
                ("Seat:", "2"),  # the council (the downstream seat is first)
                ("Kind:", "1"),  # escrow
                ("Your move:", TALKS_MOVE),
                ("Their move:", "1"),  # council.mediate
                ("Which rounds?", ""),
                ("A short message", "Talks for mediation"),
                (ORDER, TALKS_MOVE),
                ("Your argument", "Let us talk."),
                ("Add a forecast?", ""),  # none
                (ORDER, "0"),
                ("Submit anyway?", "y"),
            ],
        )
        await play_stored(services, match_id)
        shown = capsys.readouterr().out
        record = await services.rounds.get(match_id, 1, HOST)
        deal = next(d for d in record.state.deals if d.proposer == "upstream")
        assert deal.kind == "escrow" and deal.text == "Talks for mediation"
        assert {(t.seat, t.move) for t in deal.terms} == {
            ("upstream", "upstream.talks"),
            ("council", "council.mediate"),
        }
        answered = [e.status for e in deal.events if e.seat == "council"]
        assert answered, "the council answered before the orders were given"
        if "rejected" in answered:
            assert "River Council rejected deal" in shown or "rejected deal" in shown
        else:
            assert "is agreed and in force" in shown
    finally:
        await services.close()


async def test_a_promise_not_to_play_a_move_is_broken_and_announced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Upstream promises the council not to build the dam (for its mediation), then builds it:
    the submit asks first with the cost, and the reveal announces the breach."""
    services, match_id = await _match(tmp_path, talks=False)
    try:
        script = _scripted(
            monkeypatch,
            [
                ("Your answer", "1"),  # the drought's decision
                (ORDER, "p"),
                ("Seat:", "2"),  # the council
                ("Kind:", "2"),  # promise
                ("Your move:", "1"),  # build the dam...
                ("Play it or not?", "2"),  # ...promised NOT to be played
                ("Their move:", "1"),  # council.mediate
                ("Play it or not?", "1"),  # played
                ("Which rounds?", ""),
                ("A short message", "No dam this spring"),
                (ORDER, "1"),  # build the dam all the same
                ("Your argument", "Power first."),
                ("Add a forecast?", ""),  # none
                (ORDER, "0"),
                ("Lock these orders anyway?", "y"),
            ],
        )
        await play_stored(services, match_id)
        shown = capsys.readouterr().out
        assert "Upstream town does not play Build the dam" in shown, "the term, in words"
        assert "is agreed and in force" in shown
        assert "break your promise" in shown and "points and 15 credibility" in shown
        assert "Upstream town broke its promise" in shown, "the reveal announces the breach"
        assert len(script.prompts) == 15
        record = await services.rounds.get(match_id, 1, HOST)
        deal = next(d for d in record.state.deals if d.proposer == "upstream")
        assert deal.status == "broken" and deal.kind == "promise"
        assert [(t.seat, t.move, t.avoid) for t in deal.terms] == [
            ("upstream", "upstream.build_dam", True),
            ("council", "council.mediate", False),
        ]
        assert record.state.credibility["upstream"] < 50
    finally:
        await services.close()


async def test_a_deal_of_three_seats_is_proposed_with_two_seat_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``1,2`` at the seat prompt: an escrow between upstream, downstream and the council, each
    AI party answering at once."""
    services, match_id = await _match(tmp_path, talks=False)
    try:
        _scripted(
            monkeypatch,
            [
                ("Your answer", "1"),  # the drought's decision
                (ORDER, "p"),
                ("Seat:", "1,1"),  # the same seat twice: asked again
                ("Seat:", "1,2"),  # downstream and the council
                ("Kind:", "1"),  # escrow
                ("Your move:", TALKS_MOVE),
                ("Their move:", "3"),  # downstream.talks
                ("Their move:", "1"),  # council.mediate
                ("Which rounds?", ""),
                ("A short message", "All three at the table"),
                (ORDER, TALKS_MOVE),
                ("Your argument", "Let us talk."),
                ("Add a forecast?", ""),  # none
                (ORDER, "0"),
                ("Submit anyway?", "y"),
            ],
        )
        await play_stored(services, match_id)
        shown = capsys.readouterr().out
        assert "two of them (e.g. 1,2)" in shown
        assert "All three at the table" in shown, "the deal was printed back"
        record = await services.rounds.get(match_id, 1, HOST)
        deal = next(d for d in record.state.deals if d.proposer == "upstream")
        assert deal.parties == ("upstream", "downstream", "council")
        assert {(t.seat, t.move) for t in deal.terms} == {
            ("upstream", "upstream.talks"),
            ("downstream", "downstream.talks"),
            ("council", "council.mediate"),
        }
        answered = {e.seat for e in deal.events if e.status in ("accepted", "rejected")}
        assert answered & {"downstream", "council"}, "the AI answered before the orders"
    finally:
        await services.close()

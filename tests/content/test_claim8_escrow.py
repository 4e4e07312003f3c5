"""Claim 8 as a deal: relief only in exchange for openings, offered as an escrow.

The US offers `us.relief_for_openings` every round. In one arm it is simply played; in the other
it is also put to Maduro (the AI) as an escrow against `maduro.electoral_guarantees` each round,
which Maduro accepts when the two moves together are worth it to him. Same seeds in both arms;
every other seat holds, so the gap is the escrow's own.
"""

from __future__ import annotations

from bot.game.ai_deals import accepts
from bot.game.deal_state import Deal, Term
from bot.game.deals import answer, propose
from bot.game.engine import new_match, resolve_round, round_rng
from bot.game.match import match_seed
from bot.game.policies import AiPolicy, ScriptPolicy
from bot.game.state import MatchState, SeatOrders
from tests.content.sim import Sample, clearly_above, scenario

MATCHES = 30
RELIEF, GUARANTEES = "us.relief_for_openings", "maduro.electoral_guarantees"


def _escrow(state: MatchState) -> Deal:
    rnd = state.round
    terms = (Term("us", RELIEF, rnd, rnd), Term("maduro", GUARANTEES, rnd, rnd))
    return Deal(
        f"claim8.{rnd}", "us", ("us", "maduro"), terms, "escrow", rnd, "relief for openings"
    )


def _play(seed: int, escrow: bool) -> tuple[int, MatchState]:
    """Rounds in which the trade happened (both moves ran), and the final state."""
    sc = scenario()
    us, maduro = ScriptPolicy([[RELIEF]]), AiPolicy()
    state = new_match(sc, round_rng(seed, 0)).state
    trades = 0
    while not state.finished:
        if escrow:
            deal = _escrow(state)
            state = propose(sc, state, deal)
            state = answer(state, deal.id, "maduro", accepts(sc, state, deal, "maduro", seed))
        orders = {
            "us": us.orders(sc, state, "us", seed),
            "maduro": maduro.orders(sc, state, "maduro", seed),
        }
        orders |= {s: SeatOrders() for s in sc.seat_ids if s not in orders}
        result = resolve_round(sc, state, orders, round_rng(seed, state.round))
        ran = {m for moves in result.state.history[-1].values() for m in moves}
        trades += {RELIEF, GUARANTEES} <= ran
        state = result.state
    return trades, state


def _arm(escrow: bool) -> list[tuple[int, MatchState]]:
    return [_play(match_seed(8, i), escrow) for i in range(MATCHES)]


def test_claim_8_the_trade_happens_clearly_more_often_with_the_escrow_on_offer() -> None:
    plain, escrow = _arm(False), _arm(True)
    trades = Sample(tuple(float(t) for t, _ in escrow)), Sample(tuple(float(t) for t, _ in plain))
    assert clearly_above(*trades, min_gap=0.5), (trades[0].mean, trades[1].mean)
    space = [Sample(tuple(s.metrics["political_space"] for _, s in arm)) for arm in (escrow, plain)]
    assert clearly_above(space[0], space[1], min_gap=2.0), (space[0].mean, space[1].mean)
    relief = [Sample(tuple(s.metrics["humanitarian"] for _, s in arm)) for arm in (escrow, plain)]
    assert relief[0].mean >= relief[1].mean  # the openings do not cost humanitarian conditions

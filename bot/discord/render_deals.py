"""Deals in Discord: a proposal with Accept, Reject and Counter, a seat's deals listed, the
counter's modal, and the confirmation a Submit asks for when it would break a promise. Only a
party's players see these (its team thread, the pair's private thread, or ephemeral)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord

from bot.discord import ids, limits, pages
from bot.discord.components import Routed, button, view
from bot.discord.text import esc
from bot.game.deal_state import Deal, Term
from bot.game.deal_talks import AtStake
from bot.game.deals import MAX_TEXT
from bot.game.scenario import Scenario
from bot.render.deals import deal_lines, term_text

COLOUR = 0x1ABC9C
GIVE, GET, KIND, ROUNDS, TEXT = "give", "get", "kind", "rounds", "text"
MAX_LISTED = 4  # proposals with their buttons in one list (a row each, Discord allows five)


def deal_embed(scenario: Scenario, deal: Deal) -> list[discord.Embed]:
    """One deal as an embed."""
    lines = [esc(line) for line in deal_lines(scenario, deal)]
    found = pages.embeds(lines[0], lines[1:], COLOUR)
    limits.check_embeds(found)
    return found


def answer_row(match_id: int, round_number: int, deal: Deal) -> list[Routed]:
    """Accept, Reject and Counter for a proposal."""
    return [
        button(
            ids.round_action(match_id, round_number, "dealyes", deal.id),
            f"Accept {deal.id}",
            discord.ButtonStyle.success,
        ),
        button(
            ids.round_action(match_id, round_number, "dealno", deal.id),
            f"Reject {deal.id}",
            discord.ButtonStyle.danger,
        ),
        button(ids.round_action(match_id, round_number, "dealctr", deal.id), "Counter"),
    ]


def proposal(
    scenario: Scenario, match_id: int, round_number: int, deal: Deal
) -> tuple[list[discord.Embed], discord.ui.View]:
    """A proposal as posted to the other parties: the deal and its answers."""
    return deal_embed(scenario, deal), view(answer_row(match_id, round_number, deal))


def offer(
    scenario: Scenario, match_id: int, deal: Deal, seat: str
) -> tuple[str, list[discord.Embed], discord.ui.View]:
    """An AI's offer as posted to the asked seat's team: who offers, the deal, its answers."""
    text = (
        f"🤝 **{esc(scenario.seat(deal.proposer).name)} offers "
        f"{esc(scenario.seat(seat).name)} a deal** (match {match_id}). Only your side sees "
        "this; answer before this round resolves (your captain answers for a team)."
    )
    embeds, found = proposal(scenario, match_id, deal.deadline, deal)
    return limits.fit(text, limits.CONTENT), embeds, found


def listing_lines(scenario: Scenario, deals: Sequence[Deal], round_number: int) -> list[str]:
    """A seat's deals: waiting, in force (with this round's terms), and lately settled."""
    lines: list[str] = []
    for deal in deals:
        head, *rest = deal_lines(scenario, deal)
        lines += ["", f"**{esc(head)}**", *(esc(r) for r in rest)]
    if not lines:
        lines = ["No deals yet. Propose one with `/deal propose`."]
    return lines


def listing(
    scenario: Scenario,
    match_id: int,
    round_number: int,
    deals: Sequence[Deal],
    waiting: Sequence[Deal],
) -> tuple[list[discord.Embed], discord.ui.View | None]:
    """The seat's deals (ephemeral), with Accept/Reject/Counter for each proposal waiting."""
    found = pages.embeds("Your deals", listing_lines(scenario, deals, round_number), COLOUR)
    limits.check_embeds(found)
    rows = [answer_row(match_id, round_number, d) for d in waiting[:MAX_LISTED]]
    return found, view(*rows) if rows else None


def panel_lines(scenario: Scenario, deals: Sequence[Deal], round_number: int) -> list[str]:
    """The orders panel's deals: proposals waiting for the seat and this round's terms in force."""
    lines = []
    for deal in deals:
        if deal.status == "proposed":
            lines.append(f"• {esc(deal.id)} waits for an answer ({deal.kind}): `/deal list`")
        elif deal.status == "active":
            for term in deal.terms:
                if term.due(round_number):
                    lines.append(
                        f"• {esc(deal.id)} ({deal.kind}): {esc(term_text(scenario, term))}"
                    )
    return lines


def panel_embed(lines: Sequence[str]) -> discord.Embed:
    """The orders panel's deals, one embed."""
    return pages.embeds("Your deals", list(lines), COLOUR)[0]


def stake_lines(scenario: Scenario, stake: Sequence[AtStake]) -> list[str]:
    """What a Submit would break, and its cost."""
    lines = []
    for item in stake:
        term = esc(term_text(scenario, item.term))
        if item.breach:
            lines.append(
                f"💔 These orders break your promise in deal {esc(item.deal.id)} ({term}): it "
                f"will cost **{item.cost:g} points** and **{item.credibility:g} credibility**."
            )
        else:
            lines.append(
                f"⏸️ These orders leave out your part of escrow {esc(item.deal.id)} ({term}): "
                "the exchange lapses this round and none of its moves run."
            )
    return lines


def confirm_view(match_id: int, round_number: int) -> discord.ui.View:
    """Submit anyway, from the confirmation."""
    return view(
        [
            button(
                ids.round_action(match_id, round_number, "submitok"),
                "Submit anyway",
                discord.ButtonStyle.danger,
            )
        ]
    )


class CounterModal(discord.ui.Modal):
    """A counter-proposal: the moves (ids or names), kind, rounds and a message; prefilled
    with the deal it answers, seen from the countering seat."""

    def __init__(
        self, match_id: int, round_number: int, deal: Deal, seat: str, first: int, last: int
    ) -> None:
        super().__init__(
            title=limits.fit(f"Counter deal {deal.id}", limits.MODAL_TITLE),
            custom_id=ids.round_action(match_id, round_number, "dealcm", deal.id),
            timeout=None,
        )
        give = next((_typed(t) for t in deal.terms if t.seat == seat), "")
        get = next((_typed(t) for t in deal.terms if t.seat != seat), "")
        span = str(first) if first == last else f"{first}-{last}"
        fields = [
            (GIVE, "Your move (id/name, or: not <move>)", give, 100, False),
            (GET, "Their move (id/name, or: not <move>)", get, 100, True),
            (KIND, "escrow or promise", deal.kind, 7, True),
            (ROUNDS, "Rounds (e.g. 3, or 3-4)", span, 5, True),
            (TEXT, "A short message", deal.text, MAX_TEXT, False),
        ]
        for custom_id, label, value, longest, required in fields:
            self.add_item(
                discord.ui.TextInput[Any](
                    label=limits.fit(label, limits.MODAL_LABEL),
                    custom_id=custom_id,
                    default=value[:longest] or None,
                    required=required,
                    max_length=longest,
                )
            )


def _typed(term: Term) -> str:
    """A term as the counter's modal takes it: the move's id, ``not <id>`` for a promise not
    to play it."""
    return f"not {term.move}" if term.avoid else term.move

"""The seat-swap comparison in words, for the debrief (Discord, Markdown, HTML)."""

from __future__ import annotations

from bot.review.record import SeatSwapInfo, SwapResult


def _result(item: SwapResult) -> str:
    return (
        f"{item.seat_name} in match {item.match}: {item.score:.1f} against the AI's "
        f"{item.expected:.1f} ({item.relative:+.1f})"
    )


def swap_intro(info: SeatSwapInfo) -> str:
    """What the figures mean."""
    return (
        f"This match replayed match {info.source_match} with its players in other seats "
        f"({info.mode}). Each player's score in each seat is set against the AI's expected score "
        f"there (the mean of {info.expected_matches} matches with the AI in every seat), so "
        "seats of different difficulty compare fairly."
    )


def swap_texts(info: SeatSwapInfo) -> list[str]:
    """One sentence per player: each seat's result against the AI, and which suited them."""
    found = []
    for player in info.players:
        parts = [_result(r) for r in (player.first, player.second) if r is not None]
        if not parts:
            continue
        text = f"{player.name}: " + "; ".join(parts)
        if player.first is not None and player.second is not None:
            gap = player.second.relative - player.first.relative
            if abs(gap) < 0.05:
                text += ". Against the AI, both seats went as well"
            else:
                better = player.second if gap > 0 else player.first
                text += f". Against the AI, {better.seat_name} went {abs(gap):.1f} points better"
        found.append(text + ".")
    return found

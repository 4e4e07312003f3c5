"""A class run under load: 6 matches × 30 players (six teams of five), through the harness.

The class run is set up as a teacher would (not measured): ``/class new groups:6 team_size:5
role:@Class`` with the Server Members intent, the role's 180 members arriving in GUILD_CREATE;
the bot spreads them over the six groups' seats (five a seat) and the teacher starts every
group (so each team has its private thread). Then all 180
players, arriving over LEVERS_BENCH_TEAM_WINDOW seconds (a minute), each press Orders on their
match's briefing, pick a move and argue for it in the modal: five members of a seat edit one team
draft at about the same time. The same interactions are then played against the no-op bot in
the same run. Reported: acknowledgment p99 against the no-op's (target: at most 2×) and lost
draft edits (an edit the bot accepted whose move is missing from the team's final draft;
target: 0). A team's budget is shared, so once earlier members have spent it a member's panel
offers nothing to add: those players make no edit (``edits_not_made``). As in the Discord
benchmark, an acknowledgment ends when its callback reaches the edge, a relay in its own process
between the bot and the fake (``bench/edge.py``; ``LEVERS_BENCH_EDGE=0``: in the fake).

    .venv/bin/python -m bench teams
    LEVERS_BENCH_TEAM_WINDOW=10 .venv/bin/python -m bench teams   # a quicker run
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bench_discord import (
    LagMeter,
    NoopBot,
    Records,
    acknowledged,
    quantile,
    settings,
    start,
    step,
    stop,
)
from bench.edge import Edge
from bot.services.models import SYSTEM, Actor
from tests.discord import transcript
from tests.discord.fake.payloads import FakeRole, FakeUser
from tests.discord.fake.state import Sent
from tests.discord.harness import Harness

Figures = dict[str, float]
MATCHES = 6
TEAM = 5
WINDOW = float(os.environ.get("LEVERS_BENCH_TEAM_WINDOW", "60"))
STEPS = ("orders", "pick", "argument")


def class_harness(folder: Path) -> tuple[Harness, FakeRole]:
    """The bot with the Server Members intent, in a server whose @Class role has 180 members
    (sent in GUILD_CREATE, through discord.py's own parser, once the harness starts)."""
    h = Harness(settings(folder).model_copy(update={"members_intent": True}))
    role = FakeRole("Class")
    h.roles.append(role)
    h.members += [FakeUser(f"S{i:03d}", roles=[role.id]) for i in range(MATCHES * 6 * TEAM)]
    return h, role


async def set_up(h: Harness, role: FakeRole) -> list[tuple[int, Sent, FakeUser, str, int]]:
    """(match, briefing, player, seat, index in team) for every player of the class: the
    teacher runs ``/class new groups:6 team_size:5 role:@Class`` (not measured), which spreads
    the 180 members over the six groups' seats, then starts every group."""
    teacher = h.user("Teacher", moderator=True)
    made = await h.slash(teacher, "class new", groups=MATCHES, team_size=TEAM, role=role, rounds=1)
    assert "Class run 1 is open" in made.text, made.text
    services = h.runtime.services
    view = await services.classes.get(1, SYSTEM)
    people = {u.id: u for u in h.members}
    found = []
    for match in view.matches:
        await services.matches.start(match.id, Actor(str(teacher.id), teacher.name))
        await h.runtime.announcer.flush()
        thread = int(await h.runtime.threads.of_match(match.id) or 0)
        briefing = next(m for m in h.channel_messages(thread) if m.components())
        for seat in match.seats:
            assert len(seat.holders) == TEAM, "the class fills every seat evenly"
            for index, holder in enumerate(seat.holders):
                found.append((match.id, briefing, people[int(holder.player)], seat.seat, index))
    assert len(found) == MATCHES * 6 * TEAM
    return found


async def add_move(
    h: Harness, briefing: Sent, player: FakeUser, index: int, records: Records, added: list[Any]
) -> None:
    """Orders, then pick the index-th move offered (members pick different ones), then argue."""
    data = {"custom_id": briefing.component(label="Orders")["custom_id"], "component_type": 2}
    opened = await step(
        h,
        records,
        "orders",
        h.start_interaction(player, 3, data, briefing.channel_id, briefing),
        lambda r: bool(r.followups),
    )
    panel = h.http.messages[opened.followups[0]]
    if not any(str(c.get("custom_id", "")).endswith(":pick") for c in panel.components()):
        added.append((player, None, False))  # the team's budget is spent: nothing to add
        return
    pick = transcript.pick_select(panel)
    options: Any = pick["options"]
    move = options[index % len(options)]["value"]
    data = {"custom_id": pick["custom_id"], "component_type": 3, "values": [move]}
    modal_for = await step(
        h,
        records,
        "pick",
        h.start_interaction(player, 3, data, panel.channel_id, panel),
        lambda r: r.modal is not None,
    )
    assert modal_for.modal is not None
    fields = [{"type": 1, "components": [{"type": 4, "custom_id": "argument", "value": "why"}]}]
    data = {"custom_id": modal_for.modal["custom_id"], "components": fields}
    done = await step(
        h,
        records,
        "argument",
        h.start_interaction(player, 5, data, panel.channel_id, panel),
        lambda r: r.edits > 0 or bool(r.followups),
    )
    added.append((player, move, done.edits > 0 and not done.followups))


async def noop_player(h: Harness, message: Sent, player: FakeUser, records: Records) -> None:
    """The same three interactions against the no-op bot (each only acknowledged)."""
    data = {"custom_id": message.components()[0]["custom_id"], "component_type": 2}
    for name in STEPS:
        record = h.start_interaction(player, 3, data, message.channel_id, message)
        await step(h, records, name, record, lambda r: bool(r.callbacks))


async def timed(runs: list[Any], records: Records, h: Harness, edge: Edge | None) -> Figures:
    """Run the players on one seeded arrival schedule; acknowledgment and loop-lag figures."""
    arrivals = random.Random(2021)

    async def arrive(at: float, run: Any) -> None:
        await asyncio.sleep(at)  # a benchmark's load schedule (tests never sleep)
        await run()

    began = time.perf_counter()
    with LagMeter() as lag:
        await asyncio.gather(*(arrive(arrivals.uniform(0, WINDOW), run) for run in runs))
        await h.settle()
    assert not h.http.failures, h.http.failures[:5]
    acked_at, not_at_edge = await acknowledged(records, edge)
    acks = [acked_at[r.id] - r.created for _name, r, _done in records]
    return {
        "interactions": len(records),
        "acks_not_at_edge": not_at_edge,
        "ack_p50_ms": 1000 * quantile(acks, 0.5),
        "ack_p99_ms": 1000 * quantile(acks, 0.99),
        "lag_p99_ms": 1000 * quantile(lag.samples, 0.99),
        "wall_s": time.perf_counter() - began,
    }


async def run_levers(folder: Path) -> Figures:
    """The real bot: a class run of 180 players editing 36 team drafts."""
    h, role = class_harness(folder)
    edge = await start(h)
    try:
        players = await set_up(h, role)
        records: Records = []
        added: list[Any] = []
        runs = [
            (lambda b=b, p=p, i=i: add_move(h, b, p, i, records, added))
            for _m, b, p, _s, i in players
        ]
        figures = await timed(runs, records, h, edge)
        lost = accepted = 0
        seat_of = {p.id: (m, s) for m, _b, p, s, _i in players}
        for player, move, ok in added:
            if not ok:
                continue
            accepted += 1
            match_id, _seat = seat_of[player.id]
            _seat_id, _round, draft = await h.runtime.drafts.get(match_id, Actor(str(player.id)))
            lost += move not in {o.move for o in draft.moves}
        figures["edits_accepted"] = accepted
        figures["edits_not_made"] = len(added) - accepted  # budget spent, or refused
        figures["edits_lost"] = lost
        return figures
    finally:
        await stop(h, edge)


async def run_noop(folder: Path) -> Figures:
    """The no-op baseline: the same number of players and interactions, on one schedule."""
    h = Harness(settings(folder), bot_class=NoopBot, starter_factory=lambda clock: None)
    edge = await start(h)
    try:
        button = {"type": 2, "style": 1, "label": "Orders", "custom_id": "lv:m:1:r:1:orders"}
        body = {"content": "x", "components": [{"type": 1, "components": [button]}]}
        message = h.http.store(h.channel_id, body, ephemeral=False, owner=None, iid=None)
        records: Records = []
        people = [h.user(f"N{i}") for i in range(MATCHES * 6 * TEAM)]
        runs = [(lambda p=p: noop_player(h, message, p, records)) for p in people]
        return await timed(runs, records, h, edge)
    finally:
        await stop(h, edge)


def main() -> None:
    """Run the no-op, then Levers, and print the comparison and the targets."""
    with tempfile.TemporaryDirectory() as folder:
        noop = asyncio.run(run_noop(Path(folder) / "noop"))
        levers = asyncio.run(run_levers(Path(folder)))
    print(
        f"{MATCHES} matches × {6 * TEAM} players in teams of {TEAM}, arriving over {WINDOW:.0f} s"
    )
    print(f"{'':24}{'levers':>12}{'no-op':>12}{'ratio':>8}")
    shown = ("interactions", "acks_not_at_edge", "ack_p50_ms", "ack_p99_ms", "lag_p99_ms", "wall_s")
    for key in shown:
        ratio = levers[key] / noop[key] if noop[key] else float("nan")
        print(f"{key:24}{levers[key]:>12.1f}{noop[key]:>12.1f}{ratio:>8.2f}")
    for key in ("edits_accepted", "edits_not_made", "edits_lost"):
        print(f"{key:24}{levers[key]:>12.0f}")
    checks = {
        "ack p99 <= 2x no-op": levers["ack_p99_ms"] <= 2 * noop["ack_p99_ms"],
        "every acknowledgment timed at the edge": (
            levers["acks_not_at_edge"] == noop["acks_not_at_edge"] == 0
        ),
        "no draft edit lost": levers["edits_lost"] == 0,
    }
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'MISS'} {name}")

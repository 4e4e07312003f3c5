"""``/match whatif`` and ``/match rematch`` in Discord, as transcripts.

Ana and Ben play a two-round match. Once it is over Ben (a player) forks it: a private embed
with both arms and a chart, stored with the match and listed in its log for anyone. While a
match runs, a player's fork is refused (it would show hidden values) and a moderator's is made
but listed to moderators only. A bad round, another server's match and an unknown seat are
refused politely. Ana (the host) starts a seat-swap rematch, rotated and random: the players are
seated elsewhere, the rematch plays in its own thread, and its end posts each player's result in
each seat against the AI's expected score there, as the export's ``seat_swap`` holds it.
"""

from __future__ import annotations

import json

from bot.services.models import SYSTEM
from tests.discord import transcript as t
from tests.discord.fake.payloads import FakeUser
from tests.discord.fake.state import Sent
from tests.discord.harness import Harness
from tests.discord.second_server import add_server
from tests.discord.test_review import PNG, read_log, refused


async def _finished_match(h: Harness, ana: FakeUser, ben: FakeUser) -> None:
    await t.start_two_player_match(h, ana, ben)
    for number in (1, 2):
        for player in (ana, ben):
            await t.play_first_move(h, player, f"{player.name} in round {number}")
    assert (await h.runtime.services.matches.get(1, SYSTEM)).phase == "finished"


async def test_a_player_forks_a_finished_match_and_the_log_lists_it(harness: Harness) -> None:
    h = harness
    ana, ben, zoe = h.user("Ana"), h.user("Ben"), h.user("Zoe")
    await _finished_match(h, ana, ben)
    match = await h.runtime.services.matches.get(1, SYSTEM)
    other = next(s.seat for s in match.seats if not s.holders)

    choices = await h.autocomplete(ben, "match whatif", "hold", typed="", match=1, from_round=1)
    assert other in {c["value"] for c in choices}, "the seats are offered"
    moves = await h.autocomplete(ben, "match whatif", "drop", typed="us.o", match=1, from_round=1)
    assert moves and all(c["value"].startswith("us.") for c in moves)
    assert len(moves) <= 25

    answer = await h.slash(ben, "match whatif", match=1, from_round=1, hold=other, seeds=4)
    assert answer.ephemeral, "a fork is answered privately"
    shown = answer.message
    embed = shown.embeds[0]
    assert embed["title"] == "What if: match 1"
    assert {f["name"] for f in embed["fields"]} >= {"Final scores", "Endings"}
    assert "4 seeds" in embed["description"] and "holds" in embed["description"]
    ((name, data),) = shown.files.items()
    assert data.startswith(PNG) and embed["image"]["url"] == f"attachment://{name}"
    assert shown.data["attachments"][0].get("description"), "the chart has alt text"
    stored = await h.runtime.services.whatif.forks(1, SYSTEM)
    assert len(stored) == 1 and stored[0].changes["hold"] == [other]

    _page, log = await read_log(h, zoe, 1)
    assert "Fork 1" in log and "by Ben" in log, "the fork is listed in the match's log"


async def test_a_running_match_is_forked_by_a_moderator_only(harness: Harness) -> None:
    h = harness
    ana, ben, mo = h.user("Ana"), h.user("Ben"), h.user("Mo", moderator=True)
    await t.start_two_player_match(h, ana, ben)
    for player in (ana, ben):
        await t.play_first_move(h, player, f"{player.name} in round 1")

    answer = await h.slash(ben, "match whatif", match=1, from_round=1, seeds=2)
    refused(answer, "still running", "only a moderator")
    assert await h.runtime.services.whatif.forks(1, SYSTEM) == [], "nothing was stored"
    answer = await h.slash(mo, "match whatif", match=1, from_round=2, seeds=2)
    assert answer.ephemeral and answer.message.embeds[0]["title"] == "What if: match 1"
    _page, bens_log = await read_log(h, ben, 1)
    assert "Fork 1" not in bens_log, "a player does not see a running match's fork"
    _page, mods_log = await read_log(h, mo, 1)
    assert "Fork 1" in mods_log and "while the match ran" in mods_log


async def test_bad_forks_and_other_servers_are_refused(harness: Harness) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await _finished_match(h, ana, ben)
    refused(await h.slash(ben, "match whatif", match=1, from_round=3), "round 3", "out of range")
    refused(await h.slash(ben, "match whatif", match=1, from_round=1, ai="nobody"), "no seat")
    refused(await h.slash(ben, "match whatif", match=9, from_round=1), "no match 9")
    b = add_server(h)
    answer = await h.slash(
        b.moderator, "match whatif", channel_id=b.channel_id, match=1, from_round=1
    )
    refused(answer, "no match 1")
    answer = await h.slash(
        b.moderator, "match rematch", channel_id=b.channel_id, match=1, swap="rotate"
    )
    refused(answer, "no match 1")
    # asked by a member who is not the host: Ben has just acted on match 1 many times, and the
    # abuse limit (5 actions a second, on real time) could answer first on a fast machine
    zoe = h.user("Zoe")
    refused(await h.slash(zoe, "match rematch", match=1, swap="rotate"), "host or a moderator")
    assert await h.runtime.services.whatif.forks(1, SYSTEM) == []


def _newest_thread(h: Harness) -> int:
    threads = [int(c["id"]) for c in h.http.channels.values() if c["type"] == 11]
    return max(threads)


def _briefing(h: Harness, thread: int) -> Sent:
    return [
        m
        for m in h.channel_messages(thread)
        if any(c.get("label") == "Orders" for c in m.components())
    ][-1]


async def _play(h: Harness, thread: int, user: FakeUser, argument: str) -> None:
    shown = await h.click(user, _briefing(h, thread), label="Orders")
    panel = shown.message
    options = t.pick_select(panel)["options"]
    assert isinstance(options, list) and options
    await t.add_move(h, user, panel, str(options[0]["value"]), argument)
    t.accepted(await h.click(user, panel, label="Submit"))


async def _rematch(h: Harness, swap: str) -> tuple[dict[str, str], dict[str, str], str]:
    """Ana and Ben play match 1, Ana asks for a rematch with ``swap`` and both play it; the
    seats before and after (player id -> seat) and the rematch thread's text."""
    ana, ben = h.user("Ana"), h.user("Ben")
    await _finished_match(h, ana, ben)
    first = await h.runtime.services.matches.get(1, SYSTEM)
    answer = await h.slash(ana, "match rematch", match=1, swap=swap)
    assert answer.ephemeral and "Match 2 replays match 1" in answer.text
    second = await h.runtime.services.matches.get(2, SYSTEM)
    assert second.phase == "orders" and second.seed == first.seed, "started, the same seed"
    assert second.scenario_sha256 == first.scenario_sha256
    thread = _newest_thread(h)
    for number in (1, 2):
        for player in (ana, ben):
            await _play(h, thread, player, f"{player.name} in rematch round {number}")
    before = {h.player: s.seat for s in first.seats for h in s.holders}
    after = {h.player: s.seat for s in second.seats for h in s.holders}
    return before, after, "\n".join(m.text() for m in h.channel_messages(thread))


async def test_a_rotated_rematch_compares_each_player_against_the_ai(harness: Harness) -> None:
    h = harness
    before, after, thread = await _rematch(h, "rotate")
    seats = h.runtime.services
    scenario = await seats.scenarios.of_match(1, SYSTEM)
    order = scenario.seat_ids
    for player, seat in before.items():
        assert after[player] == order[(order.index(seat) + 1) % len(order)], "the next seat"
    assert "Seat swap" in thread and "against the AI's" in thread, "the end shows the comparison"
    assert "Ana:" in thread and "Ben:" in thread
    ana = h.user("Ana")
    exported = await h.slash(ana, "match export", match=2, format="json")
    record = json.loads(exported.message.files["levers-match-2.json"])
    swap = record["seat_swap"]
    assert swap["source_match"] == 1 and swap["mode"] == "rotate"
    assert len(swap["players"]) == 2
    for player in swap["players"]:
        first, second = player["first"], player["second"]
        assert first["seat"] != second["seat"], "nobody kept their seat"
        assert second["relative"] == round(second["score"] - swap["expected"][second["seat"]], 3)


async def test_a_random_rematch_moves_everyone(harness: Harness) -> None:
    h = harness
    before, after, thread = await _rematch(h, "random")
    assert all(after[p] != before[p] for p in before), "nobody keeps their seat"
    assert "Seat swap" in thread and "(random)" in thread

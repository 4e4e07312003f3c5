"""Reviewing matches in Discord, as transcripts: history, the log, exports, the replay check and
the end-of-match debrief with its charts.

Ana and Ben play a short match in the server; when it ends the thread gets the debrief with PNG
charts. Anyone runs /match history and pages through the server's matches; /match log shows the
timeline a round per page, and while the match runs Ben's log never shows Ana's secret
objective (it does once the match is over). /match export attaches each format; a moderator's
/match verify replays the match from the store. Unknown matches, another server's matches, a
non-moderator's verify and a button whose match is gone are refused politely and privately.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from bot.scenarios import default_id, read_scenario
from bot.services.models import Actor
from tests.discord import transcript as t
from tests.discord.conftest import make_settings
from tests.discord.fake.payloads import FakeUser
from tests.discord.fake.state import Sent
from tests.discord.harness import Harness
from tests.discord.result import Result

PNG = b"\x89PNG\r\n\x1a\n"
NEXT, PREVIOUS = "Next ▶", "◀ Previous"


async def start_match(h: Harness, players: list[FakeUser], rounds: int) -> None:
    """The first player opens a lobby, each player takes the next seat, the host starts."""
    await h.slash(players[0], "match new", rounds=rounds)
    lobby = t.lobby(h)
    for player, seat in zip(players, lobby.components(), strict=False):
        await h.click(player, lobby, custom_id=seat["custom_id"])
    await h.click(players[0], lobby, label="Start")


async def play_round(h: Harness, players: list[FakeUser], number: int) -> None:
    """Every player argues for their first move and submits; the round resolves."""
    for player in players:
        await t.play_first_move(h, player, f"{player.name} argues in round {number}")


async def read_log(h: Harness, user: FakeUser, match: int, **options: Any) -> tuple[Sent, str]:
    """``user`` runs /match log and presses Next until the last page; returns all the text."""
    shown = await h.slash(user, "match log", match=match, **options)
    assert shown.ephemeral, "a log may hold the asker's own secrets: it is private"
    page = shown.message
    texts = [page.text()]
    while not page.component(label=NEXT).get("disabled"):
        turned = await h.click(user, page, label=NEXT)
        assert turned.record.callbacks == [6], "a page turn is a deferred update"
        texts.append(page.text())
    return page, "\n".join(texts)


def refused(result: Result, *words: str) -> str:
    """The refusal: ephemeral, for the asker only, a polite sentence holding ``words``."""
    answer = result.messages[-1]
    assert answer.ephemeral and answer.owner == result.record.user.id
    text = answer.content
    assert text[:1].isupper() and text.rstrip().endswith((".", "!", "?")), text
    assert all(w.lower() in text.lower() for w in words), f"{words} not in {text!r}"
    return text


async def test_the_end_of_a_match_posts_the_debrief_with_its_charts(harness: Harness) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await start_match(h, [ana, ben], rounds=2)
    for number in (1, 2):
        await play_round(h, [ana, ben], number)

    thread = h.channel_messages(t.thread_id(h))
    debrief = [m for m in thread if any("Debrief" in (e.get("title") or "") for e in m.embeds)]
    assert debrief, "the end of the match posts the debrief"
    text = "\n".join(m.text() for m in debrief)
    for heading in (
        "Final scores against each seat's goals",
        "Turning points",
        "What if",
        "Questions",
    ):
        assert heading in text
    charted = [m for m in thread if m.files]
    assert charted and charted[-1] is thread[-1], "the charts come with the debrief, last"
    files = charted[-1].files
    assert len(files) >= 2 and all(data.startswith(PNG) for data in files.values())
    images = [(e.get("image") or {}).get("url") for e in charted[-1].embeds]
    assert {f"attachment://{name}" for name in files} <= set(images), "each chart is shown"
    attachments = charted[-1].data["attachments"]
    assert all(a.get("description") for a in attachments), "every chart has alt text"
    here = await h.slash(ben, "match log", channel_id=t.thread_id(h))
    assert "Match 1" in here.text, "in the match's thread, the log finds the match itself"


async def test_a_match_ended_early_gets_its_debrief_too(harness: Harness) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await start_match(h, [ana, ben], rounds=3)
    await play_round(h, [ana, ben], 1)
    await h.slash(ana, "match end", reason="The bell rang")
    thread = h.channel_messages(t.thread_id(h))
    ended = next(i for i, m in enumerate(thread) if "was ended" in m.content)
    after = "\n".join(m.text() for m in thread[ended:])
    assert "The bell rang" in after and "Debrief" in after and "Turning points" in after
    assert thread[-1].files and all(f.startswith(PNG) for f in thread[-1].files.values())


async def test_a_seats_secret_stays_out_of_other_logs_until_the_match_ends(
    harness: Harness,
) -> None:
    h = harness
    scenario, _raw, _path = read_scenario(default_id())
    ana, ben, zoe = h.user("Ana"), h.user("Ben"), h.user("Zoe")
    anas_secret = scenario.seats[0].objectives[0].text
    bens_secret = scenario.seats[1].objectives[0].text
    await start_match(h, [ana, ben], rounds=2)
    await play_round(h, [ana, ben], 1)

    _page, bens_log = await read_log(h, ben, 1)
    assert bens_secret in bens_log, "Ben sees his own seat's secret objective"
    assert anas_secret not in bens_log, "but not Ana's while the match runs"
    assert "Ana argues in round 1" in bens_log, "arguments are public once revealed"
    _page, public = await read_log(h, zoe, 1)
    assert anas_secret not in public and bens_secret not in public, "a non-player sees neither"
    exported = await h.slash(ben, "match export", match=1, format="json")
    assert anas_secret.encode() not in exported.message.files["levers-match-1-maduro.json"]

    await play_round(h, [ana, ben], 2)
    _page, after = await read_log(h, ben, 1)
    assert anas_secret in after and bens_secret in after, "once it is over, everything shows"
    _page, public = await read_log(h, zoe, 1)
    assert anas_secret in public


async def test_log_pages_turn_with_buttons_that_survive_a_restart(harness: Harness) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await start_match(h, [ana, ben], rounds=2)
    await t.play_first_move(h, ana, "**loud** @here <@123456789012345678>")
    await t.play_first_move(h, ben, "Ben argues in round 1")
    await play_round(h, [ana, ben], 2)

    shown = await h.slash(ana, "match log", match=1, round=2)
    page = shown.message
    assert page.embeds[0]["title"].startswith("Round 2"), "the log opens at the round asked"
    for custom_id in (c.get("custom_id", "") for c in page.components()):
        assert len(custom_id) <= 100 and custom_id.startswith("lv:m:1:")
    round_one = ""
    while not page.embeds[0]["title"].startswith("Before"):
        await h.click(ana, page, label=PREVIOUS)
        round_one += page.text() if page.embeds[0]["title"].startswith("Round 1") else ""
    assert "Ben argues in round 1" in round_one and "Why the numbers moved" in round_one
    assert "\\*\\*loud\\*\\*" in round_one, "player text is escaped"
    assert "@here" not in round_one and "<@123456789012345678>" not in round_one

    await h.restart()
    picker = next(c for c in page.components() if c["type"] == 3)
    await h.choose(ana, page, picker["custom_id"], ["s.0"])
    assert "page 1 of" in page.embeds[0]["footer"]["text"], "the picker works too"
    await h.click(ana, page, label=NEXT)
    assert page.embeds[0]["title"] == "Before round 1", "buttons work after a restart"

    charts = await h.click(ana, page, label="📈 Charts")
    assert charts.ephemeral and charts.message.files
    assert all(data.startswith(PNG) for data in charts.message.files.values())

    narrowed = await h.slash(ana, "match log", match=1, round=1, seat="Maduro government")
    assert "Ana argues" not in narrowed.text and "Ben argues in round 1" in narrowed.text
    assert narrowed.message.component(label=NEXT)["custom_id"].endswith(":maduro")


async def test_history_lists_this_servers_matches_newest_first_in_pages(
    harness: Harness,
) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await start_match(h, [ana, ben], rounds=1)
    await play_round(h, [ana, ben], 1)
    services = h.runtime.services
    tutorial = await services.scenarios.add_builtin("tutorial")
    host = Actor(str(ben.id), "Ben")
    for _ in range(11):  # matches 2 to 12, cheaply, straight through the services
        await services.matches.create(
            host, tutorial.sha256, guild_id=str(h.guild_id), channel_id=str(h.channel_id)
        )
    await services.matches.create(host, tutorial.sha256, guild_id="1", channel_id="2")

    shown = await h.slash(zoe := h.user("Zoe"), "match history")
    page = shown.message
    numbers = [int(n) for n in re.findall(r"\*\*Match (\d+)\*\*", page.text())]
    assert numbers == list(range(12, 2, -1)), "ten a page, newest first"
    assert "Match 13" not in page.text(), "never another server's match"
    assert page.component(label="◀ Newer").get("disabled")

    await h.restart()
    await h.click(zoe, page, label="Older ▶")
    numbers = [int(n) for n in re.findall(r"\*\*Match (\d+)\*\*", page.text())]
    assert numbers == [2, 1] and page.component(label="Older ▶").get("disabled")
    assert "finished after 1 round" in page.text() and "Ana" in page.text()
    await h.click(zoe, page, label="◀ Newer")
    assert "**Match 12**" in page.text()

    mine = await h.slash(zoe, "match history", player=ana)
    assert re.findall(r"\*\*Match (\d+)\*\*", mine.text) == ["1"]
    theirs = await h.slash(zoe, "match history", scenario="venezuela-2021")
    assert re.findall(r"\*\*Match (\d+)\*\*", theirs.text) == ["1"]
    assert theirs.message.components() == [], "one page: no buttons"


async def test_export_attaches_each_format(harness: Harness) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await start_match(h, [ana, ben], rounds=1)
    await play_round(h, [ana, ben], 1)

    files: dict[str, bytes] = {}
    for fmt in ("json", "markdown", "html", "csv"):
        sent = await h.slash(ben, "match export", match=1, format=fmt)
        assert sent.ephemeral and sent.record.callbacks == [5], "deferred, then the file"
        files.update(sent.message.files)
    record = json.loads(files["levers-match-1.json"])
    assert record["format"] == "levers-match-record" and record["match"]["status"] == "finished"
    assert files["levers-match-1.md"].startswith(b"# ")
    rows = list(csv.DictReader(io.StringIO(files["levers-match-1.csv"].decode())))
    assert rows and "match_id" in rows[0] and "final_score" in rows[0]
    html = files["levers-match-1.html"].decode()
    assert "<img" in html and "data:image/png;base64," in html, "the page draws its charts"
    assert not re.search(r"(?:src|href|url)\s*[=(]\s*['\"]?(?:https?:)?//", html, re.I)
    assert not re.search(r"https?://", html), "no external URLs at all"


async def test_verify_replays_for_moderators_only(harness: Harness) -> None:
    h = harness
    ana, ben = h.user("Ana"), h.user("Ben")
    await start_match(h, [ana, ben], rounds=1)
    await play_round(h, [ana, ben], 1)
    refused(await h.slash(ana, "match verify", match=1), "only a moderator")
    checked = await h.slash(h.user("Mod", moderator=True), "match verify", match=1)
    assert checked.ephemeral and "replays exactly" in checked.text and "✅" in checked.text


async def test_unknown_foreign_and_vanished_matches_are_refused_politely(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    ana, mod = h.user("Ana"), h.user("Mod", moderator=True)
    services = h.runtime.services
    stored = await services.scenarios.add_builtin("tutorial")
    await services.matches.create(Actor("7", "Elsewhere"), stored.sha256, guild_id="1")
    await services.matches.create(
        Actor(str(ana.id), "Ana"), stored.sha256, guild_id=str(h.guild_id)
    )
    for command, user in (("match log", ana), ("match export", ana), ("match verify", mod)):
        extra: dict[str, Any] = {"format": "csv"} if command == "match export" else {}
        for number in (1, 99):  # another server's match reads like one that does not exist
            text = refused(await h.slash(user, command, match=number, **extra), "no match")
            assert text == f"There is no match {number} in this server."
    refused(await h.slash(ana, "match log", match=2, round=3), "0 to 0")
    refused(await h.slash(ana, "match log", match=2, seat="nobody"), "no such seat")

    page = (await h.slash(ana, "match log", match=2)).message
    (tmp_path / "fresh").mkdir()
    h.settings = make_settings(tmp_path / "fresh")  # the store was reset: match 2 is gone
    await h.restart()
    refused(await h.click(ana, page, label="📈 Charts"), "no longer")
    turned = await h.click(ana, page, label=NEXT)
    assert refused(turned, "no longer").startswith("Match 2 is no longer in this server's")
    assert "page 1 of" in page.embeds[0]["footer"]["text"], "the page stays as it was"

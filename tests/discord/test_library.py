"""The scenario library in Discord (issue 6), as transcripts.

Mo (a moderator) uploads a scenario file; the bot downloads it from Discord's CDN, checks it in
the sandbox and answers with a summary, or with every problem and its line and field path.
Hostile files are refused and nothing is stored; files over the cap are refused before they are
downloaded. Ana (a player) is refused politely. A match keeps the version it started with.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.library.report import CHART_NAME
from bot.services.models import SYSTEM
from tests.discord import transcript as t
from tests.discord.fake.payloads import FakeUser
from tests.discord.harness import Harness
from tests.discord.result import Result
from tests.library.corpus import HOSTILE

CUBA = b"""\
meta:
  id: cuba-thaw
  title: Cuba thaw
  version: "1.0"
  author: Levers tests
  source: Written for the Discord library tests.
  description: Two governments decide whether to talk.
  rounds: 2
metrics:
  - id: trust
    name: Trust
    start: 50
seats:
  - id: havana
    name: Havana
    description: The Cuban government.
    goals:
      - {metric: trust, target: 70}
  - id: washington
    name: Washington
    description: The US government.
    goals:
      - {metric: trust, target: 40, kind: at_most}
moves:
  - id: havana.talk
    name: Open talks
    description: Offer talks.
    effects:
      - {metric: trust, change: 5}
    text: Havana offers talks.
  - id: washington.embargo
    name: Keep the embargo
    description: Keep the pressure on.
    effects:
      - {metric: trust, change: -5}
    text: Washington keeps the embargo.
"""
CUBA_11 = CUBA.replace(b'"1.0"', b'"1.1"').replace(b"Open talks", b"Open secret talks")
# Twelve moves without their required ``text``: more problems than one embed shows.
BROKEN_MANY = CUBA + b"".join(
    b"  - {id: havana.m%d, name: M%d, description: D.}\n" % (i, i) for i in range(12)
)


def polite(result: Result, *words: str) -> str:
    """The refusal's text, after checking it is ephemeral, for its asker, and a sentence."""
    answer = result.messages[-1]
    assert answer.ephemeral and answer.owner == result.record.user.id
    text = answer.text()
    assert text[:1].isupper() and text.rstrip().endswith((".", "!", "?")), text
    for word in words:
        assert word.lower() in text.lower(), f"{word!r} not in {text!r}"
    return text


async def upload(h: Harness, who: FakeUser, name: str, data: bytes) -> Result:
    """``who`` runs /scenario upload with a file; the bot must defer first."""
    done = await h.slash(who, "scenario upload", file=h.attach(name, data))
    assert done.record.callbacks == [5] and done.ephemeral
    return done


async def test_a_moderator_uploads_a_scenario_and_sees_its_summary(harness: Harness) -> None:
    h = harness
    mo = h.user("Mo", moderator=True)
    shown = await upload(h, mo, "cuba.yaml", CUBA)
    summary = shown.message.embeds[0]
    assert summary["title"] == "Loaded Cuba thaw as version 1"
    assert "2 seats · 2 moves · 2 rounds" in summary["description"]
    seats = summary["fields"][0]["value"]
    assert "Havana (`havana`): 1 move" in seats and "Washington" in seats
    assert any(f["name"].startswith("Warnings") for f in summary["fields"]), "the lint ran"
    [entry] = await h.runtime.services.library.entries(str(h.guild_id))
    assert await h.runtime.services.scenarios.text(entry.sha256) == CUBA, "byte for byte"

    again = await upload(h, mo, "cuba-again.yaml", CUBA)
    assert "already version 1; nothing changed" in again.text
    assert len(await h.runtime.services.library.entries(str(h.guild_id))) == 1


async def test_a_broken_file_gets_every_problem_with_its_line_and_path(harness: Harness) -> None:
    h = harness
    mo = h.user("Mo", moderator=True)
    one = await upload(h, mo, "rounds.yaml", CUBA.replace(b"rounds: 2", b"rounds: 21"))
    refusal = one.message.embeds[0]
    assert refusal["title"] == "rounds.yaml was not loaded"
    assert refusal["fields"][0]["name"] == "Line 8 · `meta.rounds`"
    assert "less than or equal to 20" in refusal["fields"][0]["value"]
    assert one.message.files == {}, "a short list needs no report"

    many = await upload(h, mo, "many.yaml", BROKEN_MANY)
    assert len(many.message.embeds[0]["fields"]) == 10
    assert "All 12 problems are in the attached report" in many.text
    [(name, data)] = many.message.files.items()
    assert name == "many-problems.txt"
    lines = data.decode().splitlines()[1:]
    assert len(lines) == 12 and lines[0].startswith(
        "many.yaml:37: moves[2].text: this field is required"
    )
    assert await h.runtime.services.library.entries(str(h.guild_id)) == []


async def test_hostile_files_are_refused_and_nothing_is_stored(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    mo = h.user("Mo", moderator=True)
    bomb = (HOSTILE / "alias-billion-laughs.yaml").read_bytes()
    refused = await upload(h, mo, "bomb.yaml", bomb)
    field = refused.message.embeds[0]["fields"][0]
    assert field["name"] == "Line 2 · the file" and "anchors such as &a" in field["value"]

    big = h.attach("big.yaml", b"#" * (300 * 1024))
    huge = await h.slash(mo, "scenario upload", file=big)
    assert "the limit is 262144 bytes" in huge.text and huge.ephemeral
    assert not h.cdn.downloaded(big), "refused by its declared size, before downloading"

    liar = h.attach("liar.yaml", b"#" * (300 * 1024), size=1000)
    lied = await h.slash(mo, "scenario upload", file=liar)
    assert h.cdn.downloaded(liar) and "the limit is 262144 bytes" in lied.text

    services = h.runtime.services
    assert await services.library.entries(str(h.guild_id)) == []
    assert await services.servers.audit_log(replace(SYSTEM, guild_id=str(h.guild_id))) == []
    async with services.ctx.read() as tx:
        assert await tx.value("SELECT count(*) FROM scenario_texts") == 0


async def test_players_are_refused_politely_and_nothing_is_downloaded(harness: Harness) -> None:
    h = harness
    ana = h.user("Ana")
    file = h.attach("cuba.yaml", CUBA)
    polite(await h.slash(ana, "scenario upload", file=file), "only a moderator")
    assert not h.cdn.downloaded(file)
    for command in ("disable", "enable", "default", "check", "export"):
        polite(await h.slash(ana, f"scenario {command}", scenario="tutorial"), "only a moderator")
    polite(await h.slash(ana, "levers audit"), "only a moderator")
    polite(await h.slash(ana, "scenario show", scenario="nope"), "no scenario 'nope'")
    assert (
        await h.runtime.services.servers.audit_log(replace(SYSTEM, guild_id=str(h.guild_id))) == []
    )


async def test_list_show_export_disable_enable_and_default(harness: Harness) -> None:
    h = harness
    mo, ana = h.user("Mo", moderator=True), h.user("Ana")
    await upload(h, mo, "cuba.yaml", CUBA)
    await upload(h, mo, "cuba-11.yaml", CUBA_11)

    stars = CUBA.replace(b"id: cuba-thaw", b"id: stars").replace(b"Cuba thaw", b"Star_s *bright*")
    await upload(h, mo, "stars.yaml", stars)
    listed = await h.slash(ana, "scenario list")
    assert listed.ephemeral and "`tutorial` Tutorial" in listed.text
    assert "`stars` Star\\_s \\*bright\\*" in listed.text, "file text is escaped"
    assert "1.0 · enabled · loaded by <@" in listed.text and "1.1 · enabled" in listed.text

    shown = await h.slash(ana, "scenario show", scenario="cuba-thaw", version="1.0")
    text = shown.text
    assert "Cuba thaw (cuba-thaw 1.0)" in text and "**Author:** Levers tests" in text
    assert "1 levers: Open talks" in text and "Goals: Trust at most 40" in text
    assert f"loaded by <@{mo.id}>" in text and "1.1 · enabled" in text

    exported = await h.slash(mo, "scenario export", scenario="cuba-thaw", version="1.0")
    assert exported.message.files == {"cuba-thaw-1.0.yaml": CUBA}, "the exact bytes"
    builtin = await h.slash(mo, "scenario export", scenario="tutorial")
    tutorial = (Path("content/scenarios/tutorial.yaml")).read_bytes()
    assert list(builtin.message.files.values()) == [tutorial]

    done = await h.slash(mo, "scenario disable", scenario="cuba-thaw")
    assert "1.0 is now disabled" in done.text and "1.1 is now disabled" in done.text
    polite(await h.slash(ana, "match new", scenario="cuba-thaw"), "disabled")
    polite(await h.slash(mo, "scenario disable", scenario="tutorial"), "built in")
    again = await h.slash(mo, "scenario enable", scenario="cuba-thaw")
    assert again.text == "`cuba-thaw` 1.1 is now enabled."
    made = await h.slash(mo, "scenario default", scenario="cuba-thaw", version="1.0")
    assert made.text == "`cuba-thaw` 1.0 is now default.", "a disabled version is enabled too"
    assert "1.0 · default" in (await h.slash(ana, "scenario list")).text
    polite(await h.slash(mo, "scenario default", scenario="cuba-thaw", version="9"), "no version")

    actions = [
        e.action
        for e in await h.runtime.services.servers.audit_log(
            replace(SYSTEM, guild_id=str(h.guild_id))
        )
    ]
    assert actions[:4] == [
        "scenario_default",
        "scenario_enabled",
        "scenario_disabled",
        "scenario_disabled",
    ]


async def test_autocomplete_offers_built_in_and_enabled_scenarios_only(harness: Harness) -> None:
    h = harness
    mo, ana = h.user("Mo", moderator=True), h.user("Ana")
    await upload(h, mo, "cuba.yaml", CUBA)
    await upload(h, mo, "cuba-11.yaml", CUBA_11)
    await h.slash(mo, "scenario disable", scenario="cuba-thaw", version="1.0")
    offered = await h.autocomplete(ana, "match new", "scenario")
    values = [c["value"] for c in offered]
    assert values == ["cuba-thaw@1.1", "iran-2013", "tutorial", "venezuela-2021"]
    assert offered[0]["name"] == "Cuba thaw · cuba-thaw 1.1 · enabled"
    assert [c["value"] for c in await h.autocomplete(ana, "match new", "scenario", "tut")] == [
        "tutorial"
    ]
    versions = await h.autocomplete(mo, "scenario enable", "version", scenario="cuba-thaw")
    assert [c["value"] for c in versions] == ["1.1", "1.0"], "every version, newest first"


async def test_a_built_in_scenario_can_be_the_default(harness: Harness) -> None:
    h = harness
    mo, ana = h.user("Mo", moderator=True), h.user("Ana")
    made = await h.slash(mo, "scenario default", scenario="tutorial")
    assert made.text == "`tutorial` 1.0 is now default.", "it joined the library first"
    offered = [c["value"] for c in await h.autocomplete(ana, "match new", "scenario")]
    assert offered == ["tutorial@1.0", "iran-2013", "venezuela-2021"], (
        "the default first, never twice"
    )
    await h.slash(ana, "match new")
    assert (await h.runtime.services.matches.get(1, SYSTEM)).scenario_id == "tutorial"
    entries = await h.runtime.services.servers.audit_log(replace(SYSTEM, guild_id=str(h.guild_id)))
    assert [e.action for e in entries] == ["scenario_default", "scenario_uploaded"]


async def test_a_match_keeps_the_version_it_started_with(harness: Harness) -> None:
    h = harness
    mo, ana = h.user("Mo", moderator=True), h.user("Ana")
    await upload(h, mo, "cuba.yaml", CUBA)
    await h.slash(mo, "scenario default", scenario="cuba-thaw")
    await h.slash(ana, "match new")
    lobby = t.lobby(h)
    assert "Lobby: Cuba thaw" in lobby.text()
    await h.click(ana, lobby, label="Havana")
    await h.click(ana, lobby, label="Start")

    await upload(h, mo, "cuba-11.yaml", CUBA_11)
    await h.slash(mo, "scenario default", scenario="cuba-thaw", version="1.1")
    panel = await t.open_panel(h, ana)
    offered = t.pick_select(panel)["options"]
    assert isinstance(offered, list)
    options = [str(o["label"]) for o in offered]
    assert any("Open talks" in o for o in options), options
    assert not any("secret" in o for o in options), "match 1 still plays version 1.0"
    match = await h.runtime.services.matches.get(1, SYSTEM)
    assert match.scenario_version == "1.0"
    assert (await h.runtime.services.scenarios.of_match(1, SYSTEM)).meta.version == "1.0"

    await h.slash(ana, "match new")
    second = await h.runtime.services.matches.get(2, SYSTEM)
    assert second.scenario_version == "1.1", "new matches use the new default"


async def test_settings_and_the_audit_log_show_who_did_what_and_when(harness: Harness) -> None:
    h = harness
    mo, ana = h.user("Mo", moderator=True), h.user("Ana")
    teachers = h.roles[0]
    elsewhere = h.new_channel("elsewhere")
    debate = h.http.channels[h.channel_id]
    shown = await h.slash(
        mo, "levers settings", moderator_role=teachers, default_deadline=45, allow_channel=debate
    )
    text = shown.text
    assert f"<@&{teachers.id}>" in text and "45 min" in text
    assert f"**Matches may run in:** <#{h.channel_id}>" in text
    polite(await h.slash(ana, "match new", channel_id=int(elsewhere["id"])), "not one of them")
    assert "Match 1 is open" in (await h.slash(ana, "match new")).text
    await h.slash(ana, "match end", reason="Time is up", match=1)
    await h.slash(mo, "levers settings", any_channel=True)

    audit = await h.slash(mo, "levers audit")
    lines = audit.message.embeds[0]["description"].splitlines()
    assert lines[0].startswith("<t:") and f"<@{mo.id}> · changed the settings · " in lines[0]
    assert "channels any channel" in lines[0]
    assert "ended a match · `match 1` · reason Time is up" in lines[1]
    assert f"moderator role <@&{teachers.id}>" in lines[2] and "default deadline 45 min" in lines[2]
    assert audit.message.components() == [], "one page needs no buttons"
    sent = h.http.requests_for(audit.message.id)
    assert sent["allowed_mentions"] == {"parse": []}, "the mentions shown never ping"


async def test_the_audit_log_pages_within_discords_limits(harness: Harness) -> None:
    h = harness
    mo, ana = h.user("Mo", moderator=True), h.user("Ana")
    for minutes in range(1, 13):
        await h.slash(mo, "levers settings", default_deadline=minutes)
    first = await h.slash(mo, "levers audit")
    page = first.message
    assert len(page.embeds[0]["description"].splitlines()) == 10
    assert "default deadline 12 min" in page.text() and "Page 1" in page.text()
    assert page.component(label="Newer")["disabled"]
    older = await h.click(mo, page, label="Older")
    assert older.record.callbacks == [7] and "Page 2" in page.text()
    assert len(page.embeds[0]["description"].splitlines()) == 2
    assert page.component(label="Older").get("disabled") and "default deadline 1 min" in page.text()
    await h.click(mo, page, label="Newer")
    assert "Page 1" in page.text()
    mo.permissions = ana.permissions  # Mo is no longer a moderator: his next click is refused
    polite(await h.click(mo, page, label="Older"), "only a moderator")
    assert "Page 1" in page.text()


async def test_a_balance_check_replies_with_the_report_and_a_chart(harness: Harness) -> None:
    h = harness
    mo = h.user("Mo", moderator=True)
    await upload(h, mo, "cuba.yaml", CUBA)
    checked = await h.slash(mo, "scenario check", scenario="cuba-thaw", matches=20)
    assert checked.record.callbacks == [5], "deferred first: a check takes seconds"
    report = checked.message.embeds[0]
    assert report["title"] == "Balance check: Cuba thaw"
    assert "20 simulated matches" in report["description"]
    assert [f["name"] for f in report["fields"]][:2] == ["Win shares", "Endings"]
    assert report["image"]["url"] == f"attachment://{CHART_NAME}"
    assert checked.message.files[CHART_NAME].startswith(b"\x89PNG\r\n\x1a\n")
    [entry] = await h.runtime.services.servers.audit_log(
        replace(SYSTEM, guild_id=str(h.guild_id)), limit=1
    )
    assert (entry.action, entry.detail["matches"]) == ("scenario_checked", 20)

"""Discord rendering of the review commands (``/match history``, ``log``, ``export``, ``verify``)
and of the end-of-match debrief with its charts.

Record text arrives as inert Markdown from ``bot.review`` (already cut for its viewer by
``bot.review.redact.view_for``); everything else is escaped here. Custom ids carry only public
ids (a match number, a page key, a seat or scenario id, the user id the history is filtered by)
and every page is rendered again from the store for whoever clicks, so a button can neither
reveal nor unlock a secret.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import discord

from bot.discord import ids, limits, pages
from bot.discord.components import Routed, button, option, select, view
from bot.discord.render_whatif import fork_line
from bot.discord.text import esc
from bot.game.scenario import Scenario
from bot.review.charts import Chart
from bot.review.exports import ExportFile
from bot.review.facts import holders_text, match_facts, moderation_text
from bot.review.pages import PAGE_TEXT, DebriefPost, log_pages
from bot.review.record import MatchRecord, SeatInfo
from bot.review.text import md
from bot.services.models import Match, ReplayReport, StoredFork

HISTORY_PAGE = 10
MAX_PAGE = 9999
ALT_TEXT = 1024  # an attachment's description (its alt text)
LOG_COLOUR, HISTORY_COLOUR, DEBRIEF_COLOUR, CHART_COLOUR = 0x5865F2, 0x95A5A6, 0x9B59B6, 0x3498DB
GOAL = {"at_least": "at least", "at_most": "at most", "near": "near"}
FORMAT_NAMES = {"json": "JSON", "markdown": "Markdown", "html": "HTML", "csv": "CSV"}
PART = re.compile(r" \(\d+/\d+\)$")  # "(1/2)" after the title of a round's first page
SUMMARY = -1  # the section number of the summary pages, before "Before round 1" (0)


def inert(text: str) -> list[str]:
    """``bot.review`` Markdown (already escaped) with mentions made inert too, as one page, or
    more in the rare case that the zero-width spaces push it past an embed's description."""
    escaped = discord.utils.escape_mentions(text)
    if len(escaped) <= pages.DESCRIPTION:
        return [escaped]
    return limits.split_text(escaped.splitlines(), pages.DESCRIPTION)


# --- custom ids -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryQuery:
    """A page of ``/match history``: its number and the filters (a player id, a scenario id)."""

    page: int = 0
    player: str | None = None
    scenario: str | None = None

    def custom_id(self, direction: str) -> str:
        """``lv:hist:n:2:123456789:tutorial`` (a scenario id's ``-`` travels as ``.``)."""
        parts = [direction, str(self.page), self.player or "0"]
        if self.scenario:
            parts.append(self.scenario.replace("-", "."))
        return ids.Route("hist", arg=":".join(parts)).custom_id

    @classmethod
    def parse(cls, arg: str | None) -> HistoryQuery:
        """The query a history button carries (bad parts fall back to no filter, page 1)."""
        parts = (arg or "").split(":")
        page = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
        player = parts[2] if len(parts) > 2 and parts[2].isdigit() and parts[2] != "0" else None
        scenario = parts[3].replace(".", "-") if len(parts) > 3 and parts[3] else None
        return cls(min(page, MAX_PAGE), player, scenario)


def log_id(match_id: int, direction: str, key: str, seat: str | None) -> str:
    """A log page button: ``lv:m:7:log:n:3.0`` (``:us`` when the log is narrowed to a seat)."""
    arg = f"{direction}:{key}" + (f":{seat}" if seat else "")
    return ids.Route("log", match_id, arg=arg).custom_id


def parse_log(arg: str | None) -> tuple[str, str | None]:
    """The page key and seat filter of a log button."""
    parts = (arg or "").split(":")
    key = parts[1] if len(parts) > 1 else "s.0"
    return key, (parts[2] if len(parts) > 2 and parts[2] else None)


def jump_id(match_id: int, seat: str | None) -> str:
    """The log's "jump to a round" select: ``lv:m:7:logjump[:us]``."""
    return ids.Route("logjump", match_id, arg=seat).custom_id


def charts_id(match_id: int) -> str:
    """The log's Charts button: ``lv:m:7:charts``."""
    return ids.Route("charts", match_id).custom_id


# --- /match history ---------------------------------------------------------------------------


def _status(match: Match) -> str:
    if match.phase == "lobby":
        return "in the lobby"
    if match.phase == "orders":
        paused = " (paused)" if match.paused else ""
        return f"round {match.round} of {match.last_round}{paused}"
    if match.phase == "debate":
        return f"round {match.round} of {match.last_round}, in debate"
    done = match.rounds_resolved
    word = "finished" if match.phase == "finished" else "ended early"
    return f"{word} after {done} round{'s' if done != 1 else ''}"


def history_lines(match: Match, scenario: Scenario | None) -> list[str]:
    """One match in the history: number, scenario, status, who played which seat, winners."""

    def seat_name(seat_id: str) -> str:
        return esc(scenario.seat(seat_id).name) if scenario else esc(seat_id)

    title = esc(scenario.meta.title) if scenario else esc(match.scenario_id)
    unix = int((match.started_at or match.created_at).timestamp())
    seats = [
        f"{', '.join(esc(h.name) for h in s.holders)} ({seat_name(s.seat)})"
        for s in match.seats
        if s.holders
    ]
    extra = " · ".join(seats) or "no players seated"
    if match.winners:
        extra += " · 🏆 " + ", ".join(seat_name(w) for w in match.winners)
    head = f"**Match {match.id}** · {title} · {_status(match)} · <t:{unix}:d>"
    return [head, limits.fit(extra, 600), ""]


def history_message(
    rows: Sequence[tuple[Match, Scenario | None]], query: HistoryQuery, has_next: bool
) -> tuple[list[discord.Embed], discord.ui.View | None]:
    """A page of this server's matches, newest first, with Previous and Next buttons."""
    lines: list[str] = []
    if query.player:
        lines.append(f"Played by <@{query.player}>")
    if query.scenario:
        lines.append(f"Scenario `{query.scenario}`")
    if lines:
        lines.append("")
    for match, scenario in rows:
        lines += history_lines(match, scenario)
    if not rows:
        lines.append("No matches on this page." if query.page else "No matches yet.")
    footer = f"Page {query.page + 1} · newest first · /match log shows a match's timeline"
    embeds = pages.embeds("Matches in this server", lines, HISTORY_COLOUR, footer)[:1]
    if query.page == 0 and not has_next:
        return embeds, None
    older = HistoryQuery(min(query.page + 1, MAX_PAGE), query.player, query.scenario)
    newer = HistoryQuery(max(query.page - 1, 0), query.player, query.scenario)
    buttons = [
        button(newer.custom_id("p"), "◀ Newer", disabled=query.page == 0),
        button(older.custom_id("n"), "Older ▶", disabled=not has_next),
    ]
    return embeds, view(buttons)


# --- /match log -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogPage:
    """A page of the log: ``key`` is ``section.part`` (section ``s`` or the round number)."""

    key: str
    title: str
    text: str


def _order(key: str) -> tuple[int, int]:
    section, _, part = key.partition(".")
    number = SUMMARY if section == "s" else int(section) if section.isdigit() else SUMMARY
    return number, int(part) if part.isdigit() else 0


def _seat_lines(record: MatchRecord, seat: SeatInfo) -> list[str]:
    lines = [f"- **{md(seat.name)}**: {md(holders_text(seat))}"]
    goals = [
        f"{record.metric(g.metric).name} {GOAL[g.kind]} {g.target:g}{record.metric(g.metric).unit}"
        f" (×{g.weight:g})"
        for g in seat.goals
    ]
    if goals:
        lines.append(f"  - Goals: {md('; '.join(goals))}")
    for objective in seat.objectives or []:
        met = "" if objective.met is None else (" ✅ met" if objective.met else " ❌ not met")
        points = f"{objective.points:g} points"
        lines.append(f"  - Secret objective: {md(objective.text)} ({points}){met}")
    return lines


def summary_lines(record: MatchRecord) -> list[str]:
    """The log's first page: facts, seats with goals and visible secret objectives, result."""
    lines = [f"- {md(label)}: {md(value)}" for label, value in match_facts(record)]
    lines += ["", "**Seats**"]
    for seat in record.seats:
        lines += _seat_lines(record, seat)
    if record.result is not None:
        ranked = sorted(record.result.scores.items(), key=lambda kv: -kv[1])
        won = set(record.result.winners)
        lines += ["", "**Final scores**"]
        lines += [
            f"- {md(record.seat(s).name)}: {v:.1f}{' 🏆' if s in won else ''}" for s, v in ranked
        ]
    if record.moderation:
        lines += ["", "**Moderation**", *(f"- {md(moderation_text(m))}" for m in record.moderation)]
    return lines


def log_book(
    scenario: Scenario,
    record: MatchRecord,
    seat: str | None = None,
    forks: Sequence[StoredFork] = (),
) -> list[LogPage]:
    """Every page of the log: the summary (with the forks asked for), then a round (or part
    of one) per page."""
    title = f"Match {record.match.id}: {record.scenario.title}"
    summary = summary_lines(record)
    if forks:
        summary += ["", "**What if** (forks asked for with /match whatif)"]
        summary += [fork_line(scenario, f) for f in forks]
    chunks = [c for chunk in limits.split_text(summary, PAGE_TEXT) for c in inert(chunk)]
    book = [LogPage(f"s.{i}", title, chunk) for i, chunk in enumerate(chunks)]
    parts: dict[int, int] = {}
    for page in log_pages(scenario, record, seat):
        for text in inert(page.text):
            part = parts[page.round] = parts.get(page.round, -1) + 1
            book.append(LogPage(f"{page.round}.{part}", page.title, text))
    return book


def find_page(book: Sequence[LogPage], key: str) -> int:
    """The index of the page with this key; else the last page before where it would be."""
    wanted = _order(key)
    found = 0
    for index, page in enumerate(book):
        if _order(page.key) <= wanted:
            found = index
    return found


def viewer_text(record: MatchRecord, seat: str | None) -> str:
    """Whose view a log page shows."""
    if not record.redacted:
        text = "The match is over: everything is shown"
    elif record.viewer:
        seen = record.seat(record.viewer).name
        text = f"As the {seen} seat sees it: other seats' secrets stay hidden"
    else:
        text = "The public view: secrets stay hidden until the match ends"
    return text + (f" · only {record.seat(seat).name}" if seat else "")


def _jump(book: Sequence[LogPage], match_id: int, seat: str | None) -> Routed:
    firsts = [p for p in book if p.key.endswith(".0")][: limits.SELECT_OPTIONS]
    choices = [
        option(p.key, "Summary" if p.key == "s.0" else PART.sub("", p.title)) for p in firsts
    ]
    return select(jump_id(match_id, seat), choices, "Jump to a round")


def log_message(
    record: MatchRecord, book: Sequence[LogPage], index: int, seat: str | None
) -> tuple[list[discord.Embed], discord.ui.View]:
    """One page of the log with Previous, Next and Charts buttons (and a round picker)."""
    match_id = record.match.id or 0
    index = max(0, min(index, len(book) - 1))
    page = book[index]
    embed = discord.Embed(
        title=limits.fit(esc(page.title), limits.EMBED_TITLE),
        description=page.text or "Nothing happened.",
        colour=LOG_COLOUR,
    )
    footer = f"Match {match_id} · page {index + 1} of {len(book)} · {viewer_text(record, seat)}"
    embed.set_footer(text=limits.fit(footer, limits.FOOTER))
    last = len(book) - 1
    before, after = book[max(index - 1, 0)].key, book[min(index + 1, last)].key
    rows: list[list[Routed]] = [
        [
            button(log_id(match_id, "p", before, seat), "◀ Previous", disabled=index == 0),
            button(log_id(match_id, "n", after, seat), "Next ▶", disabled=index == last),
            button(charts_id(match_id), "📈 Charts"),
        ]
    ]
    if sum(p.key.endswith(".0") for p in book) > 3:
        rows.append([_jump(book, match_id, seat)])
    return [embed], view(*rows)


# --- charts and the debrief ---------------------------------------------------------------------


@dataclass
class Outgoing:
    """A message to send: embeds and the charts to attach (their files are made at send time,
    since a ``discord.File`` can be sent only once)."""

    embeds: list[discord.Embed]
    charts: list[Chart] = field(default_factory=list)

    def files(self) -> list[discord.File]:
        """The charts as attachments, each with its alt text."""
        return chart_files(self.charts)


def chart_files(charts: Sequence[Chart]) -> list[discord.File]:
    """Charts as attachments (fresh ``discord.File`` objects), each with its alt text."""
    return [
        discord.File(
            io.BytesIO(c.png), filename=c.filename, description=limits.fit(c.alt, ALT_TEXT)
        )
        for c in charts
    ]


def chart_embed(chart: Chart) -> discord.Embed:
    """An embed showing an attached chart (titled with the first words of its alt text)."""
    embed = discord.Embed(
        title=limits.fit(esc(chart.alt.split(":")[0]), limits.EMBED_TITLE), colour=CHART_COLOUR
    )
    return embed.set_image(url=f"attachment://{chart.filename}")


def with_charts(embeds: list[discord.Embed], charts: Sequence[Chart]) -> list[Outgoing]:
    """The embeds then the charts, grouped into messages; each chart goes with its embed."""
    made = list(embeds)
    by_embed: dict[int, Chart] = {}
    for chart in charts:
        embed = chart_embed(chart)
        by_embed[id(embed)] = chart
        made.append(embed)
    return [
        Outgoing(group, [by_embed[id(e)] for e in group if id(e) in by_embed])
        for group in pages.messages(made)
    ]


def debrief_messages(post: DebriefPost) -> list[Outgoing]:
    """The debrief's pages as embeds, with its charts attached to the last message."""
    embeds = [
        discord.Embed(
            title=limits.fit(esc(p.title), limits.EMBED_TITLE),
            description=text,
            colour=DEBRIEF_COLOUR,
        )
        for p in post.pages
        for text in inert(p.text)
    ]
    return with_charts(embeds, post.charts)


def charts_message(record: MatchRecord, charts: Sequence[Chart]) -> list[Outgoing]:
    """The log's charts, for whoever asked (drawn from their cut of the record)."""
    if not charts:
        note = discord.Embed(
            description="No charts yet: nothing has been played.", colour=CHART_COLOUR
        )
        return [Outgoing([note])]
    return with_charts([], charts)


# --- /match export and /match verify ----------------------------------------------------------


def export_note(record: MatchRecord, fmt: str) -> str:
    """The text sent with an export."""
    text = f"Match {record.match.id} as {FORMAT_NAMES.get(fmt, fmt)}."
    if record.redacted:
        who = f"the {esc(record.seat(record.viewer).name)} seat" if record.viewer else "the public"
        text += f" The match is still running: this is what {who} may see now."
    return text


def export_attachment(exported: ExportFile) -> discord.File:
    """The exported file as an attachment."""
    return discord.File(io.BytesIO(exported.data), filename=exported.filename)


def verify_text(report: ReplayReport, scenario_id: str) -> str:
    """The replay check's result, for a moderator."""
    name = esc(scenario_id)
    rounds = f"{report.rounds_checked} round{'s' if report.rounds_checked != 1 else ''}"
    if report.ok and report.rounds_checked == 0:
        text = f"✅ Match {report.match_id} ({name}): no round has been resolved yet, so nothing "
        text += "differs from the store."
    elif report.ok:
        text = (
            f"✅ Match {report.match_id} ({name}) replays exactly: {rounds} re-run from the stored "
            "scenario, seed and orders, and every state and record matches the store."
        )
    else:
        where = "" if report.first_difference is None else f" at round {report.first_difference}"
        problems = "; ".join([report.detail, *report.problems]).strip("; ")
        text = (
            f"❌ Match {report.match_id} ({name}) does not replay{where}: {esc(problems)}. "
            "The store may have been changed by hand; keep a backup before anything else."
        )
    return limits.fit(text, limits.CONTENT)

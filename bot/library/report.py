"""Check results as text a moderator can read in Discord: pure data, no Discord import.

Each function returns a ``Reply``: one embed's worth of text (``EmbedText``, within Discord's
limits: title 256, description 4096, at most 25 fields of 256/1024, footer 2048, 6000 in all)
and, when the embed cannot hold everything, an ``Attachment`` with the full plain-text report
(``FILE:LINE: path: message`` lines, the same as ``levers validate``). The Discord code turns
these into a ``discord.Embed`` and a ``discord.File`` and checks them again before sending.

Everything taken from the file (titles, names, messages quoting it) is escaped: Markdown is
neutralised and ``@`` can never start a mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.game.validate import Problem
from bot.library.results import CheckResult

TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
TOTAL = 6000
PROBLEM_FIELDS = 10  # problems shown as fields; the rest go to the attached report

RED, GREEN, AMBER = 0xED4245, 0x57F287, 0xFEE75C
_MARKDOWN = re.compile(r"([\\*_~`|<\[\]])|^([>#-])", re.MULTILINE)


@dataclass(frozen=True)
class EmbedField:
    """One embed field."""

    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True)
class EmbedText:
    """The text of one embed, already within Discord's limits."""

    title: str
    description: str
    colour: int
    fields: tuple[EmbedField, ...] = ()
    footer: str = ""

    def length(self) -> int:
        """The characters Discord counts towards its 6000 per message."""
        fields = sum(len(f.name) + len(f.value) for f in self.fields)
        return len(self.title) + len(self.description) + len(self.footer) + fields


@dataclass(frozen=True)
class Attachment:
    """A file to attach to the reply."""

    filename: str
    text: str

    @property
    def data(self) -> bytes:
        """The file's bytes (UTF-8)."""
        return self.text.encode("utf-8")


@dataclass(frozen=True)
class Reply:
    """What to send: one embed, maybe a text report, maybe the name of an image to show.

    ``image`` names the PNG (from ``chart.win_share_png``) to attach and show in the embed
    (``attachment://NAME``).
    """

    embed: EmbedText
    attachment: Attachment | None = None
    image: str | None = None


def escape(text: str) -> str:
    """Neutralise Markdown and mentions in text taken from a scenario file."""
    return _MARKDOWN.sub(lambda m: "\\" + m.group(), text).replace("@", "@\u200b")


def cut(text: str, limit: int) -> str:
    """Shorten text to at most ``limit`` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip("\\") + "…"


def _code(text: str) -> str:
    """Inline code: backticks inside would end it, so they become quotes."""
    return "`" + text.replace("`", "'") + "`" if text else "the file"


def problem_heading(problem: Problem) -> str:
    """``Line 12 · moves[3].effects[0].metric`` (what a field's name shows)."""
    where = f"Line {problem.line}" if problem.line else "File"
    return cut(f"{where} · {_code(problem.path)}", FIELD_NAME)


def full_text(filename: str, problems: Iterable[Problem], header: str = "") -> str:
    """The plain-text report: an optional header, then one ``FILE:LINE: path: message`` line
    per problem, exactly as ``levers validate`` prints them."""
    lines = [header] if header else []
    lines.extend(p.format(filename) for p in problems)
    return "\n".join(lines) + "\n"


def _problem_fields(problems: Sequence[Problem], budget: int) -> tuple[list[EmbedField], int]:
    """Fields for the first problems that fit ``budget`` characters; and how many fitted."""
    fields: list[EmbedField] = []
    for problem in problems[:PROBLEM_FIELDS]:
        field = EmbedField(problem_heading(problem), cut(escape(problem.message), FIELD_VALUE))
        size = len(field.name) + len(field.value)
        if size > budget:
            break
        budget -= size
        fields.append(field)
    return fields, len(fields)


def _report_name(filename: str, suffix: str) -> str:
    stem = filename.rsplit(".", 1)[0] or "scenario"
    return f"{stem[:60]}-{suffix}.txt"


def refusal(result: CheckResult) -> Reply:
    """The ephemeral reply to a refused upload: every problem with its line and field path."""
    count = len(result.problems) + result.more
    noun = "problem" if count == 1 else "problems"
    title = cut(f"{escape(result.filename)} was not loaded", TITLE)
    description = (
        f"Found {count} {noun}, so nothing was stored. Fix the file and upload it again; "
        "`levers validate FILE` shows the same list on your computer."
    )
    fields, shown = _problem_fields(result.problems, TOTAL - 500 - len(title) - len(description))
    attachment = None
    footer = ""
    if shown < count or any(f.value.endswith("…") for f in fields):
        footer = f"All {count} {noun} are in the attached report."
        header = f"{result.filename}: {count} {noun}; nothing was stored."
        if result.more:
            header += f" The first {len(result.problems)} are listed."
        attachment = Attachment(
            _report_name(result.filename, "problems"),
            full_text(result.filename, result.problems, header),
        )
    embed = EmbedText(title, description, RED, tuple(fields), footer)
    return Reply(embed, attachment)


def _seat_lines(result: CheckResult) -> str:
    assert result.summary is not None
    lines = [
        f"{escape(s.name)} ({_code(s.id)}): {s.moves} move{'s' if s.moves != 1 else ''}"
        for s in result.summary.seats
    ]
    return cut("\n".join(lines), FIELD_VALUE)


def _warning_field(result: CheckResult, budget: int) -> tuple[EmbedField | None, bool]:
    """A field listing the first warnings; True when some did not fit."""
    if not result.warnings:
        return None, False
    lines: list[str] = []
    used = 0
    limit = min(FIELD_VALUE, budget)
    for warning in result.warnings:
        line = f"{problem_heading(warning)}: {escape(warning.message)}"
        if used + len(line) + 1 > limit:
            break
        lines.append(line)
        used += len(line) + 1
    name = f"Warnings ({len(result.warnings)})"
    if not lines:
        return EmbedField(name, "See the attached report."), True
    return EmbedField(name, "\n".join(lines)), len(lines) < len(result.warnings)


def accepted(result: CheckResult, version_number: int | None = None) -> Reply:
    """The reply to an accepted upload: title, seats and their moves, rounds and warnings.

    ``version_number`` is the server's version count for this scenario id, when stored.
    """
    summary = result.summary
    if summary is None:
        raise ValueError("accepted() needs a result with a summary; use refusal()")
    stored = f" as version {version_number}" if version_number else ""
    title = cut(f"Loaded {escape(summary.title)}{stored}", TITLE)
    description = cut(
        f"{_code(summary.scenario_id)} {escape(summary.version)} by {escape(summary.author)}\n"
        f"{len(summary.seats)} seats · {summary.moves} moves · {summary.rounds} rounds · "
        f"{summary.metrics} metrics · {summary.events} events · {summary.endings} endings",
        DESCRIPTION,
    )
    seats = EmbedField(f"Seats ({len(summary.seats)})", _seat_lines(result))
    budget = TOTAL - 300 - len(title) - len(description) - len(seats.name) - len(seats.value)
    warnings, partial = _warning_field(result, budget)
    fields = (seats,) if warnings is None else (seats, warnings)
    footer = (
        f"sha256 {result.sha256[:12]} · {result.size} bytes · checked in {result.elapsed:.2f} s"
    )
    attachment = None
    if partial:
        footer = "All warnings are in the attached report. " + footer
        attachment = Attachment(
            _report_name(result.filename, "warnings"),
            full_text(result.filename, result.warnings, f"{result.filename}: warnings"),
        )
    colour = AMBER if result.warnings else GREEN
    return Reply(EmbedText(title, description, colour, fields, cut(footer, FOOTER)), attachment)


CHART_NAME = "win-shares.png"


def _share_lines(result: CheckResult) -> str:
    assert result.summary is not None and result.balance is not None
    stats = result.balance
    lines = []
    for seat in result.summary.seats:
        share = stats.win_share(seat.id)
        lines.append(f"{escape(seat.name)}: {share:.0%}")
    return cut("\n".join(lines), FIELD_VALUE)


def _ending_lines(result: CheckResult) -> str:
    assert result.balance is not None
    stats = result.balance
    lines = [
        f"{_code(ending) if ending != 'last_round' else 'after the last round'}: "
        f"{count / stats.matches:.0%}"
        for ending, count in sorted(stats.endings.items(), key=lambda item: -item[1])
    ]
    return cut("\n".join(lines), FIELD_VALUE)


def balance(result: CheckResult) -> Reply:
    """The reply to ``/scenario check``: win shares, endings and the lint's warnings.

    Needs a result checked with ``lint_matches`` > 0; show ``chart.win_share_png(result)``
    as the image named ``CHART_NAME``.
    """
    summary, stats = result.summary, result.balance
    if summary is None or stats is None:
        raise ValueError("balance() needs an accepted result with lint statistics")
    title = cut(f"Balance check: {escape(summary.title)}", TITLE)
    description = (
        f"{stats.matches} simulated matches with the AI in every seat (seed {stats.seed}). "
        f"A fair share of wins is {stats.fair_share:.0%}; a tie splits the win. "
        "Read the warnings as questions to look into, not verdicts."
    )
    shares = EmbedField("Win shares", _share_lines(result), inline=True)
    endings = EmbedField("Endings", _ending_lines(result), inline=True)
    used = (
        len(title) + len(description) + sum(len(f.name) + len(f.value) for f in (shares, endings))
    )
    warnings, partial = _warning_field(result, TOTAL - 300 - used)
    fields = (shares, endings) if warnings is None else (shares, endings, warnings)
    footer = f"checked in {result.elapsed:.1f} s"
    attachment = None
    if partial:
        footer = "All warnings are in the attached report. " + footer
        attachment = Attachment(
            _report_name(result.filename, "balance"),
            full_text(result.filename, result.warnings, f"{result.filename}: balance warnings"),
        )
    colour = AMBER if result.warnings else GREEN
    embed = EmbedText(title, description, colour, fields, footer)
    return Reply(embed, attachment, CHART_NAME)

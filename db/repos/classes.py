"""Class runs: several matches with the same scenario and seed, one per group."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from db.codec import parse_time, time_text
from db.models import ClassRun
from db.store import Row, Tx

_COLUMNS = (
    "id, guild_id, channel_id, host, scenario_sha256, scenario_id, seed, team_size, role_id, "
    "created_at"
)


@dataclass(frozen=True)
class NewClass:
    """What a class run is created with (its matches are added with ``add_match``)."""

    guild_id: str | None
    channel_id: str | None
    host: str
    scenario_sha256: str
    scenario_id: str
    seed: int
    team_size: int
    role_id: str | None


async def insert_class(tx: Tx, new: NewClass, at: datetime) -> int:
    """Store a class run; return its id."""
    return await tx.insert(
        "INSERT INTO classes (guild_id, channel_id, host, scenario_sha256, scenario_id, seed, "
        "team_size, role_id, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
        (
            new.guild_id,
            new.channel_id,
            new.host,
            new.scenario_sha256,
            new.scenario_id,
            new.seed,
            new.team_size,
            new.role_id,
            time_text(at),
        ),
    )


async def add_matches(tx: Tx, class_id: int, match_ids: Sequence[int]) -> None:
    """The class run's matches, group 1 first."""
    await tx.many(
        "INSERT INTO class_matches (class_id, grp, match_id) VALUES (?, ?, ?)",
        [(class_id, group, match_id) for group, match_id in enumerate(match_ids, start=1)],
    )


def _class(row: Row, matches: tuple[int, ...]) -> ClassRun:
    return ClassRun(
        id=int(row["id"]),
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        host=row["host"],
        scenario_sha256=row["scenario_sha256"],
        scenario_id=row["scenario_id"],
        seed=int(row["seed"]),
        team_size=int(row["team_size"]),
        role_id=row["role_id"],
        created_at=parse_time(row["created_at"]),
        matches=matches,
    )


async def get_class(tx: Tx, class_id: int) -> ClassRun | None:
    """One class run with its matches (by group), or None."""
    row = await tx.one(f"SELECT {_COLUMNS} FROM classes WHERE id = ?", (class_id,))
    if row is None:
        return None
    found = await tx.all(
        "SELECT match_id FROM class_matches WHERE class_id = ? ORDER BY grp", (class_id,)
    )
    return _class(row, tuple(int(r[0]) for r in found))


async def list_classes(tx: Tx, guild_id: str | None, limit: int = 25) -> list[ClassRun]:
    """A server's class runs (None: every class run), newest first."""
    where = "" if guild_id is None else "WHERE guild_id = ?"
    params: tuple[object, ...] = () if guild_id is None else (guild_id,)
    rows = await tx.all(
        f"SELECT {_COLUMNS} FROM classes {where} ORDER BY id DESC LIMIT ?", (*params, limit)
    )
    made = []
    for row in rows:
        found = await tx.all(
            "SELECT match_id FROM class_matches WHERE class_id = ? ORDER BY grp", (row["id"],)
        )
        made.append(_class(row, tuple(int(r[0]) for r in found)))
    return made


async def class_of_match(tx: Tx, match_id: int) -> tuple[int, int] | None:
    """(class run, group) a match belongs to, or None."""
    row = await tx.one("SELECT class_id, grp FROM class_matches WHERE match_id = ?", (match_id,))
    return None if row is None else (int(row[0]), int(row[1]))

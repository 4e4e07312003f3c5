"""Unknown ids in a scenario, reported once each with a "did you mean" and a count of uses.

One renamed metric used in fifteen places is one mistake, not fifteen: the checks note every
use of an unknown id here, and each id is reported once, at its first use, naming the closest
known id (by edit distance) and the lines of the other uses.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

Path = tuple[str | int, ...]
LineOf = Callable[[Sequence[str | int]], int | None]
MAX_LINES_LISTED = 8


def path_text(path: Sequence[str | int]) -> str:
    """Render a path tuple as ``moves[3].effects[0].metric``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def edit_distance(a: str, b: str) -> int:
    """The Levenshtein distance: single-character insertions, deletions and substitutions."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def closest(name: str, known: Collection[str]) -> str | None:
    """The known id nearest to ``name``, if it is near enough to be a likely typo."""
    limit = max(1, min(3, len(name) // 3))
    best: tuple[int, str] | None = None
    for candidate in sorted(known):
        distance = edit_distance(name, candidate)
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best else None


def did_you_mean(name: str, known: Collection[str]) -> str:
    """`` (did you mean 'x'?)`` when a known id is close, else nothing."""
    near = closest(name, known)
    return f" (did you mean '{near}'?)" if near else ""


@dataclass
class _Use:
    path: Path
    prefix: str  # "column 7: played(): " and the like, for the first use's message


@dataclass
class UnknownRefs:
    """Collects every use of an unknown id, keyed by the kind of id and the id."""

    uses: dict[tuple[str, str], list[_Use]] = field(default_factory=dict)
    known: dict[str, Collection[str]] = field(default_factory=dict)
    extra: dict[tuple[str, str], str] = field(default_factory=dict)

    def add(
        self,
        path: Path,
        kind: str,
        name: str,
        known: Collection[str],
        prefix: str = "",
        extra: str = "",
    ) -> None:
        """Note one use of ``name``, an unknown id of ``kind`` (metric, move, seat, ...)."""
        self.uses.setdefault((kind, name), []).append(_Use(path, prefix))
        self.known[kind] = known
        if extra:
            self.extra[(kind, name)] = extra

    def problems(self, line_of: LineOf | None) -> list[tuple[Path, str]]:
        """One ``(path, message)`` per unknown id, at its first use."""
        found: list[tuple[Path, str]] = []
        for (kind, name), uses in self.uses.items():
            first = uses[0]
            message = f"{first.prefix}unknown {kind} '{name}'"
            message += self.extra.get((kind, name), "") + did_you_mean(name, self.known[kind])
            if len(uses) > 1:
                message += f"; it is used {len(uses)} times"
                found_lines = {line_of(u.path) for u in uses[1:]} if line_of else set()
                lines = sorted(n for n in found_lines if n is not None)
                if lines:
                    shown = ", ".join(str(n) for n in lines[:MAX_LINES_LISTED])
                    more = ", ..." if len(lines) > MAX_LINES_LISTED else ""
                    message += f" (also on lines {shown}{more})"
            found.append((first.path, message))
        return found

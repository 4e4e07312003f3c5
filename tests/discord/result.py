"""What a test reads back: the bot's answer to one interaction, and the errors it logged."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from tests.discord.fake.server import FakeDiscordHttp
from tests.discord.fake.state import InteractionRecord, Sent

Json = dict[str, Any]


class ErrorLog(logging.Handler):
    """Collects error records from the ``discord`` and ``levers`` loggers."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record."""
        self.records.append(record)


@dataclass
class Result:
    """What the bot did with one interaction."""

    record: InteractionRecord
    http: FakeDiscordHttp

    @property
    def messages(self) -> list[Sent]:
        """The response message (if any) then each followup, latest versions."""
        updated = self.record.callbacks[:1] in ([6], [7]) and self.record.message_id
        first = self.record.message_id if updated else self.record.original
        ids = ([first] if first else []) + self.record.followups
        seen: list[int] = []
        for i in ids:
            if i not in seen:
                seen.append(i)
        return [self.http.messages[i] for i in seen if not self.http.messages[i].deleted]

    @property
    def message(self) -> Sent:
        """The single message the bot answered with."""
        found = self.messages
        assert found, f"the bot answered with no message (callbacks {self.record.callbacks})"
        return found[-1]

    @property
    def text(self) -> str:
        """All text of every message of the answer."""
        return "\n".join(m.text() for m in self.messages)

    @property
    def ephemeral(self) -> bool:
        """True when every message of the answer was ephemeral."""
        return all(m.ephemeral for m in self.messages)

    @property
    def modal(self) -> Json:
        """The modal the bot opened."""
        assert self.record.modal is not None, "the bot did not open a modal"
        return self.record.modal

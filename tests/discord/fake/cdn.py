"""Files people attach to slash commands, served the way Discord's CDN serves them.

A test attaches a file (``Harness.attach``); the interaction carries it in
``resolved.attachments`` with a URL on the fake's own server, and the bot downloads it from
there with ``Attachment.read()``. Every download is recorded, so a test can prove that the bot
refused a file *without* downloading it. A download of an unknown file fails the test.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from tests.discord.fake.payloads import FakeAttachment
from tests.discord.fake.server import FakeDiscordHttp
from tests.discord.fake.wire import DiscordError

PATH = re.compile(r"^/cdn/attachments/(?P<aid>\d+)/(?P<name>[^/]+)$")


class Cdn:
    """The attachments the fake serves, and which of them the bot downloaded."""

    def __init__(self, http: FakeDiscordHttp) -> None:
        self.files: dict[int, FakeAttachment] = {}
        self.downloads: list[int] = []
        http.routes.append(("GET", PATH, self._get))

    def add(self, base: str, filename: str, data: bytes, size: int | None = None) -> FakeAttachment:
        """Serve ``data`` as an attachment named ``filename`` (declaring ``size`` if given)."""
        made = FakeAttachment(filename, data, size=len(data) if size is None else size)
        made.url = f"{base}/cdn/attachments/{made.id}/{filename}"
        self.files[made.id] = made
        return made

    def downloaded(self, attachment: FakeAttachment) -> bool:
        """Whether the bot fetched this attachment."""
        return attachment.id in self.downloads

    async def _get(self, request: web.Request, body: Any, p: dict[str, str]) -> web.Response:
        found = self.files.get(int(p["aid"]))
        if found is None or found.filename != p["name"]:
            raise DiscordError(404, 0, "404: Not Found")
        self.downloads.append(found.id)
        return web.Response(body=found.data, content_type="application/octet-stream")

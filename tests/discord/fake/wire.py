"""The fake Discord's wire format: JSON answers, Discord's error shape, request bodies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from tests.discord.fake import limits


def reply(data: Any, status: int = 200) -> web.Response:
    """A JSON answer whose Content-Type is exactly application/json, as discord.py requires."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"}
    )


class DiscordError(Exception):
    """An error answer, in Discord's format."""

    def __init__(self, status: int, code: int, message: str, errors: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors


def fail_if(problems: limits.Problems) -> None:
    if problems:
        errors = {
            path: {"_errors": [{"code": "BASE_TYPE_BAD", "message": m}]} for path, m in problems
        }
        raise DiscordError(400, 50035, f"Invalid Form Body: {problems}", errors)


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request: its form name (``files[0]``), file name and bytes."""

    name: str
    filename: str
    data: bytes


async def read_body(request: web.Request) -> tuple[Any, list[Upload]]:
    """The JSON body, from a JSON request or the ``payload_json`` part of a multipart one, and
    the files uploaded with it."""
    kind = request.headers.get("Content-Type", "")
    if kind.startswith("multipart/"):
        body: Any = {}
        files: list[Upload] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            data = await part.read()
            if part.name == "payload_json":
                body = json.loads(data)
            else:
                name = str(part.name)
                files.append(Upload(name, part.filename or name, bytes(data)))
        return body, files
    if kind.startswith("application/json"):
        return await request.json(), []
    return {}, []

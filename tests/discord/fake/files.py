"""Files the bot uploads with a message: kept with the message (bytes included), checked like
Discord checks them (at most 10 per message, each within the size limit, alt text 1024).

The request handler puts the request's uploads in ``UPLOADS`` (a context variable, so
concurrent requests never see each other's files); creating or editing a message then calls
``attach``.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from tests.discord.fake.limits import Problems
from tests.discord.fake.payloads import snowflake
from tests.discord.fake.state import Sent
from tests.discord.fake.wire import Upload, fail_if

UPLOADS: ContextVar[tuple[Upload, ...]] = ContextVar("uploads", default=())
MAX_FILES = 10
MAX_BYTES = 8 * 1024 * 1024  # the attachment_size_limit the fake's interactions announce


def _new(upload: Upload, item: dict[str, Any], channel_id: int) -> dict[str, Any]:
    ident = snowflake()
    url = f"https://cdn.discordapp.invalid/attachments/{channel_id}/{ident}/{upload.filename}"
    made = {
        "id": str(ident),
        "filename": upload.filename,
        "size": len(upload.data),
        "url": url,
        "proxy_url": url,
    }
    if item.get("description"):
        made["description"] = item["description"]
    return made


def attach(sent: Sent, body: dict[str, Any]) -> None:
    """Apply the ``attachments`` of a create or edit payload (with this request's uploads)."""
    uploads = {u.name: u for u in UPLOADS.get()}
    wanted = body.get("attachments")
    if wanted is None and not uploads:
        return
    old = {str(a["id"]): a for a in sent.data.get("attachments") or []}
    problems: Problems = []
    kept: list[dict[str, Any]] = []
    files: dict[str, bytes] = {}
    used: set[str] = set()
    for index, item in enumerate(wanted or []):
        ident = str(item.get("id"))
        upload = uploads.get(f"files[{ident}]")
        if upload is not None:
            used.add(upload.name)
            kept.append(_new(upload, item, sent.channel_id))
            files[upload.filename] = upload.data
            if len(upload.data) > MAX_BYTES:
                problems.append((f"attachments.{index}", "file too large"))
        elif ident in old:
            kept.append(old[ident])
            files[old[ident]["filename"]] = sent.files[old[ident]["filename"]]
        else:
            problems.append((f"attachments.{index}.id", f"unknown attachment {ident}"))
        if len(str(item.get("description") or "")) > 1024:
            problems.append((f"attachments.{index}.description", "must be 1024 or fewer"))
    if set(uploads) - used:
        problems.append(("attachments", "a file was uploaded without an attachment entry"))
    if len(kept) > MAX_FILES:
        problems.append(("attachments", f"must be {MAX_FILES} or fewer in length"))
    fail_if(problems)
    sent.data["attachments"] = kept
    sent.files = files

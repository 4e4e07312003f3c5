"""A throwaway PostgreSQL cluster for the tests: Debian's initdb and pg_ctl, a temporary
directory, a free local port; stopped and deleted at the end of the session.

``LEVERS_TEST_POSTGRES`` (a ``postgresql://`` URL of a server the tests may create databases
on) uses that server instead. Under CI (``$CI`` set) a server that cannot start fails the run;
locally, without PostgreSQL installed, the PostgreSQL cases are skipped with the reason.
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import asyncpg
import pytest

from db.postgres import numbered

T = TypeVar("T")
ENV_URL = "LEVERS_TEST_POSTGRES"


def under_ci() -> bool:
    """Whether the suite runs in CI (where nothing may be skipped for want of a server)."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(err: Exception) -> NoReturn:
    """No server: a failure under CI (never a silent skip there), a skip with the reason
    locally."""
    if under_ci():
        pytest.fail(f"PostgreSQL is required under CI and did not start: {err}")
    pytest.skip(f"no PostgreSQL here ({err}); CI runs these cases")


def _binary(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on a thread of its own (callable from inside a test's
    running event loop, for direct checks of what the server holds)."""
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(coro))
        except BaseException as err:  # re-raised in the caller's thread
            error.append(err)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]


@dataclass
class Cluster:
    """A running server: ``url(database)`` names one of its databases."""

    host: str
    port: int
    user: str
    directory: Path | None = None
    pg_ctl: list[str] | None = None
    count: int = 0

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        self.count += 1
        name = f"levers_test_{os.getpid()}_{self.count}"

        async def create() -> None:
            conn = await asyncpg.connect(self.url("postgres"))
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                await conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 LOCALE 'C'")
            finally:
                await conn.close()

        run_sync(create())
        return self.url(name)

    def stop(self) -> None:
        if self.pg_ctl is not None and self.directory is not None:
            subprocess.run(
                [*self.pg_ctl, "stop", "-D", str(self.directory / "data"), "-m", "immediate"],
                check=False,
                capture_output=True,
            )
            shutil.rmtree(self.directory, ignore_errors=True)


def start() -> Cluster:
    """Start a cluster in a temporary directory; RuntimeError says why it could not."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if initdb is None or pg_ctl is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install -y postgresql)")
    as_user: list[str] = []
    directory = Path(tempfile.mkdtemp(prefix="levers-pg-"))
    if os.geteuid() == 0:  # initdb refuses root: run the server as Debian's postgres user
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(directory, "postgres")
    data, port = directory / "data", _free_port()
    commands = [
        [
            *as_user,
            initdb,
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-locale",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        [
            *as_user,
            pg_ctl,
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            str(data),
            "-l",
            str(directory / "log"),
            "-o",
            f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
        ],
    ]
    for command in commands:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            shutil.rmtree(directory, ignore_errors=True)
            raise RuntimeError(f"{Path(command[len(as_user)]).name} failed: {done.stderr[-800:]}")
    return Cluster("127.0.0.1", port, "postgres", directory, [*as_user, pg_ctl])


def cluster() -> Iterator[Cluster]:
    """The session's server (see the module's docstring)."""
    given = os.environ.get(ENV_URL)
    if given:
        parts = given.split("@", 1)[-1].split("/", 1)[0]
        host, _, port = parts.partition(":")
        user = given.split("://", 1)[1].split("@", 1)[0] if "@" in given else "postgres"
        yield Cluster(host, int(port or 5432), user)
        return
    found = start()
    try:
        yield found
    finally:
        found.stop()


def query(
    url: str, sql: str, params: tuple[Any, ...] = (), *, no_triggers: bool = False
) -> list[tuple[Any, ...]]:
    """Rows of one query on a server (``?`` placeholders), as tuples; ``no_triggers`` runs it
    with the triggers off (a test changing rows behind the store's back)."""

    async def fetch() -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(url)
        try:
            if no_triggers:
                await conn.execute("SET session_replication_role = replica")
            return [tuple(r) for r in await conn.fetch(numbered(sql), *params)]
        finally:
            await conn.close()

    return run_sync(fetch())

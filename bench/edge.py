"""Discord's edge, for the benchmarks: a relay in a process of its own that notes when each
interaction callback arrives.

The fake Discord runs inside the benchmark's process (on a thread of its own). To read a
request, its thread must take the interpreter lock from the bot's event loop, and under load it
waits for it: in the Discord benchmark the fake's handler saw the bot's callbacks 2-6 ms (the
slowest 1 %) after the bot had written them to the socket. Real Discord reads them on another
machine, whatever the bot's process is doing. ``Edge`` sits between the bot and the fake: it
forwards the bytes unchanged both ways and, in its own process, notes the time at which the
request line of each ``POST /api/v*/interactions/{id}/{token}/callback`` reached it. That is the
acknowledgment's end in both arms of the benchmark; the fake's own time is still reported
beside it.

Times come from ``time.monotonic()``: on Linux one clock for every process of the machine, the
one the harness's event loops read (``loop.time()``), so an arrival here and an interaction's
creation there subtract.

    edge = Edge(fake_port)
    base = edge.start()         # "http://127.0.0.1:PORT": point discord.py at it
    ...
    arrivals = edge.arrivals()  # interaction id -> when its callback arrived
    edge.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import re
import time
from multiprocessing.connection import Connection
from typing import Any

CALLBACK = re.compile(rb"POST /api/v\d+/interactions/(\d+)/[^/\s]+/callback[ ?]")
KEEP = 512  # bytes of the previous chunk scanned again: a request line cut between two reads
STARTUP = 30.0  # seconds for the relay's process to start and report its port
ANSWER = 10.0  # seconds for it to answer a question


class EdgeError(RuntimeError):
    """The relay did not start, or did not answer."""


class Edge:
    """The relay's process, seen from the benchmark."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._process: Any = None
        self._conn: Connection | None = None
        self.base = ""  # the relay's URL, once started

    def start(self) -> str:
        """Start the relay (spawned: the benchmark's process has threads) and return its base
        URL."""
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        self._process = context.Process(
            target=serve, args=(theirs, self.target_port), name="levers-edge", daemon=True
        )
        self._process.start()
        theirs.close()
        self._conn = ours
        port = self._ask(None, STARTUP)
        self.base = f"http://127.0.0.1:{int(port)}"
        return self.base

    def arrivals(self) -> dict[int, float]:
        """Every callback seen so far: interaction id -> when its request line arrived (the
        first time, if it was sent again)."""
        found = self._ask("arrivals", ANSWER)
        return {int(k): float(v) for k, v in found.items()}

    def stop(self) -> None:
        """Stop the relay's process (its open connections close with it)."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.send("stop")
            conn.close()
        if process is not None:
            process.join(ANSWER)
            if process.is_alive():
                process.kill()
                process.join(ANSWER)

    def _ask(self, question: str | None, timeout: float) -> Any:
        conn = self._conn
        if conn is None:
            raise EdgeError("the edge is not running")
        if question is not None:
            conn.send(question)
        if not conn.poll(timeout):
            raise EdgeError(f"the edge did not answer {question or 'at start'} in {timeout} s")
        try:
            return conn.recv()
        except EOFError as err:
            raise EdgeError("the edge's process ended") from err


def serve(conn: Connection, target_port: int) -> None:
    """The relay's process: forward 127.0.0.1:PORT to the target, answer the benchmark."""
    asyncio.run(_serve(conn, target_port))


async def _serve(conn: Connection, target_port: int) -> None:
    arrivals: dict[int, float] = {}

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target_port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(
            pump(reader, up_writer, arrivals), pump(up_reader, writer, None), return_exceptions=True
        )
        for end in (writer, up_writer):
            end.close()

    server = await asyncio.start_server(relay, "127.0.0.1", 0)
    conn.send(server.sockets[0].getsockname()[1])
    loop = asyncio.get_running_loop()
    questions: asyncio.Queue[str] = asyncio.Queue()

    def readable() -> None:
        try:
            questions.put_nowait(conn.recv())
        except EOFError:  # the benchmark is gone
            questions.put_nowait("stop")

    loop.add_reader(conn.fileno(), readable)
    async with server:
        while (question := await questions.get()) != "stop":
            if question == "arrivals":
                conn.send(dict(arrivals))
    loop.remove_reader(conn.fileno())


async def pump(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, arrivals: dict[int, float] | None
) -> None:
    """Copy one direction of a connection until it ends; with ``arrivals``, note each callback's
    request line as it passes."""
    tail = b""
    try:
        while data := await reader.read(1 << 16):
            if arrivals is not None:
                now = time.monotonic()
                for found in CALLBACK.finditer(tail + data):
                    arrivals.setdefault(int(found.group(1)), now)
                tail = data[-KEEP:]
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    except (ConnectionError, OSError):
        writer.close()

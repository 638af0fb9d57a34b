"""Time a GET's 200 and its 304s over a real HTTP server, on resourceful and Flask.

Usage, from the repository root::

    python -m benchmarks.wire            # about 20 seconds
    python -m benchmarks.wire --quick    # a few seconds, noisier
    python -m benchmarks.wire --size 100000 --rounds 15
    python -m benchmarks.wire --cpu      # processor time: steadier on a loaded machine

In process (``python -m benchmarks``) a hashed-ETag 304 costs about what its
200 costs: the body is still unstructured, encoded and hashed to compare the
tags. What a 304 saves is sending the body and the client reading it, so here
each app is served by werkzeug's server on 127.0.0.1 (one thread, HTTP/1.1
keep-alive) and a client times requests on one reused connection: a GET with
no If-None-Match (200), one with the body's hash (304) and one with the
version tag (304). The book sent has a list of reviews sized to ``--size``
bytes of JSON. Every answer (status, ETag, body) is checked first. Then, for
several rounds (the framework order rotating), each request is timed on each
framework as one batch, in wall clock (with ``--cpu``, in processor time of
the client and server threads); reported: the median per request, and ratios
paired by round (``benchmarks.run.paired_ratio``).
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import attrs
from werkzeug.serving import WSGIRequestHandler, make_server

from benchmarks.apps import WSGIApp
from benchmarks.run import WrongAnswer, paired_ratio

FRAMEWORKS = ("flask", "resourceful")
VERSION = 3
#: The three requests: name, path, If-None-Match (``None``: the hash of the body).
REQUESTS: tuple[tuple[str, str, str | None], ...] = (
    ("200", "/books/42", ""),
    ("304 hash", "/books/42", None),
    ("304 version", "/versioned/42", f'"{VERSION}"'),
)


@attrs.frozen
class Review:
    author: str
    id: int
    stars: int
    text: str


@attrs.frozen
class Book:  # the fields in sorted order, so both frameworks encode them alike
    id: int
    reviews: list[Review]
    title: str
    version: int


def make_book(size: int) -> Book:
    """Return book 42 with as many reviews as make about ``size`` bytes of JSON."""
    text = "A sweeping saga of sand, spice and politics; the ending drags a little."
    count = max(1, size // 128)
    reviews = [Review(f"reader {i}", i, 1 + i % 5, text) for i in range(count)]
    return Book(42, reviews, "Dune", VERSION)


def expected_body(book: Book) -> bytes:
    """Return the JSON both frameworks send: compact, sorted keys, a final newline."""
    return json.dumps(attrs.asdict(book), separators=(",", ":"), sort_keys=True).encode() + b"\n"


def make_resourceful(book: Book) -> WSGIApp:
    from resourceful import App
    from resourceful.conditional import Conditional
    from resourceful.resources import Resource

    app = App("wire_etag")

    @app.resource("/books/<int:book_id>")
    class Books(Resource):
        conditional = Conditional()

        def get(self, book_id: int) -> Book:
            return book

    @app.resource("/versioned/<int:book_id>")
    class Versioned(Resource):
        conditional = Conditional(etag=lambda book: book.version)

        def get(self, book_id: int) -> Book:
            return book

    return app


def make_flask(book: Book) -> WSGIApp:
    from flask import Flask, jsonify, request

    app = Flask("wire_etag")
    data = attrs.asdict(book)

    @app.get("/books/<int:book_id>")
    def books(book_id: int) -> Any:
        response = jsonify(data)
        response.add_etag()
        return response.make_conditional(request)

    @app.get("/versioned/<int:book_id>")
    def versioned(book_id: int) -> Any:
        response = jsonify(data)
        response.set_etag(str(data["version"]))
        return response.make_conditional(request)

    return app


class KeepAliveHandler(WSGIRequestHandler):
    """Werkzeug's handler (its environ, its server loop) answering on a kept-alive connection."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # the headers and the body are separate writes

    def run_wsgi(self) -> None:
        # NOTE: werkzeug's run_wsgi sends "Connection: close" and then drains the
        # socket for 10 ms, which would read the next request; these GETs have no
        # body to drain, so the request is answered whole and the connection kept.
        started: list[Any] = []

        def start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            started[:] = [status, headers]
            return chunks.append

        chunks: list[bytes] = []
        iterable = self.server.app(self.make_environ(), start_response)
        try:
            chunks.extend(iterable)
        finally:
            getattr(iterable, "close", lambda: None)()
        code, _, reason = started[0].partition(" ")
        self.send_response(int(code), reason)
        for key, value in started[1]:
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(b"".join(chunks))

    def log(self, type: str, message: str, *args: Any) -> None:
        """Log nothing: a line per request would be timed too."""


@contextmanager
def serve(app: WSGIApp) -> Iterator[http.client.HTTPConnection]:
    """Serve ``app`` on 127.0.0.1 in a thread; yield a connected keep-alive client."""
    server = make_server("127.0.0.1", 0, app, threaded=False, request_handler=KeepAliveHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=30)
    try:
        connection.connect()
        assert connection.sock is not None
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        yield connection
    finally:
        connection.close()  # first: the one-thread server is busy with it until it closes
        server.shutdown()
        thread.join()
        server.server_close()


@dataclass
class Answer:
    status: int
    etag: str | None
    body: bytes
    sock: object  # the client's socket after the answer: the same one every time


def get(connection: http.client.HTTPConnection, path: str, tag: str) -> Answer:
    connection.request("GET", path, headers={"If-None-Match": tag} if tag else {})
    response = connection.getresponse()
    body = response.read()
    return Answer(response.status, response.getheader("ETag"), body, connection.sock)


def check(name: str, answer: Answer, body: bytes, etag: str, first_sock: object) -> None:
    """Raise if ``answer`` is not what request ``name`` must get (or came on a new connection)."""
    want = (200, etag, body) if name == "200" else (304, etag, b"")
    if name == "304 version":
        want = (304, f'"{VERSION}"', b"")
    got = (answer.status, answer.etag, answer.body)
    if got != want:
        raise WrongAnswer(f"{name}: expected {want!r:.200}, got {got!r:.200}")
    if answer.sock is not first_sock:
        raise WrongAnswer(f"{name}: the connection was not kept alive")


@dataclass
class Results:
    answers: dict[tuple[str, str], Answer] = field(default_factory=dict)
    samples: dict[tuple[str, str], list[float]] = field(default_factory=dict)

    def median(self, framework: str, request: str) -> float:
        return statistics.median(self.samples[framework, request])

    def ratio(self, a: tuple[str, str], b: tuple[str, str]) -> float:
        return paired_ratio(self.samples[a], self.samples[b])


def measure(
    size: int,
    rounds: int,
    number: int,
    progress: Callable[[str], None],
    clock: Callable[[], float] = time.perf_counter,
) -> Results:
    """Check every answer, then time ``rounds`` batches of ``number`` requests per cell.

    ``clock`` is wall clock by default; ``time.process_time`` counts the
    processor time of this process instead: the client's and the server's
    threads, in user and in system mode (the socket's copies), without the
    time other processes take on a loaded machine.
    """
    book = make_book(size)
    body = expected_body(book)
    etag = f'"{hashlib.sha1(body).hexdigest()}"'
    results = Results()
    with serve(make_flask(book)) as flask, serve(make_resourceful(book)) as ours:
        clients = {"flask": flask, "resourceful": ours}
        for framework, client in clients.items():
            first = client.sock
            for name, path, tag in REQUESTS:
                answer = get(client, path, etag if tag is None else tag)
                check(name, answer, body, etag, first)
                results.answers[framework, name] = answer
                results.samples[framework, name] = []
        progress(f"answers checked; the body is {len(body)} bytes")
        for round_index in range(rounds):
            shift = round_index % len(FRAMEWORKS)
            for name, path, tag in REQUESTS:
                for framework in FRAMEWORKS[shift:] + FRAMEWORKS[:shift]:
                    client, sent = clients[framework], etag if tag is None else tag
                    begin = clock()
                    for _ in range(number):
                        get(client, path, sent)
                    results.samples[framework, name].append((clock() - begin) / number)
            progress(f"round {round_index + 1}/{rounds} done")
    return results


def format_table(results: Results) -> str:
    rows = ["| request | flask | resourceful | resourceful/flask |", "| --- | --- | --- | --- |"]
    for name, _path, _tag in REQUESTS:
        times = [f"{results.median(f, name) * 1e6:.1f} µs" for f in FRAMEWORKS]
        versus = results.ratio(("resourceful", name), ("flask", name))
        rows.append(f"| GET {name} | {' | '.join(times)} | {versus:.2f}x |")
    for name in ("304 hash", "304 version"):
        cells = [f"{results.ratio((f, name), (f, '200')):.2f}x" for f in FRAMEWORKS]
        rows.append(f"| {name} / 200 | {' | '.join(cells)} | |")
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.wire", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 rounds of 20 requests")
    parser.add_argument("--rounds", type=int, help="rounds (default 11, 3 with --quick)")
    parser.add_argument("--size", type=int, default=20_000, help="bytes of JSON (about)")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time the processor time of the client and server threads, not wall clock",
    )
    args = parser.parse_args(argv)
    rounds = args.rounds or (3 if args.quick else 11)
    number = 20 if args.quick else 200

    def progress(message: str) -> None:
        print(f"  {message}", file=sys.stderr, flush=True)

    try:
        clock = time.process_time if args.cpu else time.perf_counter
        results = measure(args.size, rounds, number, progress, clock)
    except WrongAnswer as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    what = "Processor time (client and server)" if args.cpu else "Wall clock"
    print(f"{what} per request over 127.0.0.1 keep-alive (median of {rounds} rounds")
    print(f"of {number} requests; ratios paired by round):\n\n{format_table(results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

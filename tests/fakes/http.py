"""A tiny threaded HTTP server base for the fakes: real sockets on 127.0.0.1, a free port, no event loop.

Running in threads keeps the fakes independent of the event loop the bot under test runs on.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class Request:
    def __init__(self, method: str, path: str, query: dict[str, list[str]], headers: Any, body: bytes) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body

    def form(self) -> tuple[dict[str, str], dict[str, bytes]]:
        """Fields and files of a form or multipart body (what PTB and httpx send)."""
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("multipart/form-data"):
            return _multipart(ctype, self.body)
        if ctype.startswith("application/json"):
            data = json.loads(self.body or b"{}")
            return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}, {}
        return {k: v[-1] for k, v in parse_qs(self.body.decode()).items()}, {}


_DISPOSITION = re.compile(rb'content-disposition:[^\r\n]*?\bname="([^"]*)"([^\r\n]*)', re.IGNORECASE)


def _multipart(ctype: str, body: bytes) -> tuple[dict[str, str], dict[str, bytes]]:
    """A multipart/form-data body split on its boundary with bytes operations (a 15 MB upload is parsed in
    milliseconds: the fake shares the process, and the GIL, with the bot in benches)."""
    boundary = ctype.split("boundary=", 1)[1].split(";", 1)[0].strip().strip('"').encode()
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for part in body.split(b"--" + boundary)[1:]:
        if part.startswith(b"--"):
            break
        head, _, payload = part.partition(b"\r\n\r\n")
        found = _DISPOSITION.search(head)
        if found is None:
            continue
        name, rest = found.group(1).decode(), found.group(2)
        payload = payload[:-2] if payload.endswith(b"\r\n") else payload
        if b"filename=" in rest:
            files[name] = payload
            named = re.search(rb'filename="([^"]*)"', rest)
            if named:  # what the user's client saves it as: a reference manager reads the extension
                fields[f"{name}_filename"] = named.group(1).decode()
        else:
            fields[name] = payload.decode()
    return fields, files


class Response:
    def __init__(self, status: int = 200, body: bytes = b"", content_type: str = "application/json",
                 headers: dict[str, str] | None = None, trickle: tuple[int, float] | None = None,
                 events: tuple[list[bytes], float] | None = None) -> None:
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers or {}
        self.trickle = trickle
        """(bytes, seconds): send the body that many bytes at a time with that pause, as a dying server does."""
        self.events = events
        """(pieces, seconds): a streamed answer (server-sent events), a pause after each piece."""
        if events is not None:
            self.body = b"".join(events[0])

    @classmethod
    def sse(cls, chunks: list[dict[str, Any]], seconds: float, done: bool = False) -> Response:
        """Server-sent events, `chunks` spread over `seconds` (an LLM writing its answer)."""
        pieces = [b"data: " + json.dumps(chunk).encode() + b"\r\n\r\n" for chunk in chunks]
        if done:
            pieces.append(b"data: [DONE]\r\n\r\n")
        return cls(200, content_type="text/event-stream", events=(pieces, seconds / max(1, len(pieces))))

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        return cls(status, json.dumps(data).encode())


class FakeServer:
    """Subclasses implement `handle(request) -> Response`."""

    def __init__(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # headers and body go out as separate writes: without this, Nagle + delayed ACK add 40 ms
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if len(body) < length:  # the client gave up mid-request (cancelled): no request was made
                    self.close_connection = True
                    return
                request = Request(self.command, parts.path, parse_qs(parts.query), self.headers, body)
                try:
                    response = fake.handle(request)
                except Exception as error:  # a bug in a fake must be visible, not a hang
                    response = Response(500, repr(error).encode(), "text/plain")
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                for key, value in response.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if response.events is not None:
                    pieces, pause = response.events
                    for piece in pieces:
                        try:
                            self.wfile.write(piece)
                            self.wfile.flush()
                        except OSError:  # the client hung up mid-answer (a reader pressed stop)
                            with fake.lock:
                                fake.hung_up += 1
                            return
                        time.sleep(pause)
                    return
                if response.trickle is None:
                    self.wfile.write(response.body)
                    return
                size, pause = response.trickle
                for start in range(0, len(response.body), size):
                    try:
                        self.wfile.write(response.body[start:start + size])
                        self.wfile.flush()
                    except OSError:  # the client gave up: as it should
                        return
                    time.sleep(pause)

            do_GET = do_POST = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that hung up (a timeout under test) is not news

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.lock = threading.Lock()
        self.hung_up = 0
        """Streamed answers the client stopped reading before their end."""

    def handle(self, request: Request) -> Response:
        raise NotImplementedError

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

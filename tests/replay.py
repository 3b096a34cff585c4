"""Network replay at the transport: the real, unmodified SDK clients talk to an httpx2 (or
httpx, for SDKs built on it) MockTransport that answers with bodies shaped exactly like the
real APIs'.

``Replay`` records every request it saw (method, path, JSON body, headers) so tests can assert
the SDK sent what the user asked for, and answers from a queue of ``Reply`` objects.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import httpx
import httpx2


@dataclass
class Reply:
    status: int = 200
    json_body: Any = None
    sse: str | None = None
    #: a streamed body in another framing: NDJSON (``stream_separator="\\n"``) or raw bytes
    stream: str | bytes | None = None
    stream_separator: str = "\n"
    content_type: str = "application/x-ndjson"
    headers: dict[str, str] = field(default_factory=dict)


def sse_events(events: Iterable[tuple[str | None, Any]]) -> str:
    """SSE framing as the APIs send it: optional ``event:`` line, ``data:`` line, blank line."""
    out = []
    for event, data in events:
        text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
        out.append((f"event: {event}\n" if event else "") + f"data: {text}\n\n")
    return "".join(out)


class _Chunks:
    """Yields a streamed body one event at a time, as a server flushing each event would.
    SSE bodies split on blank lines; ``separator`` picks another framing (``"\\n"`` for NDJSON)."""

    def __init__(self, body: str | bytes, separator: str = "\n\n") -> None:
        if isinstance(body, bytes):
            self._parts = [body]
        else:
            self._parts = [p.encode() + separator.encode() for p in body.split(separator) if p]

    def __iter__(self) -> Iterator[bytes]:
        yield from self._parts

    async def __aiter__(self):  # type: ignore[no-untyped-def]
        for part in self._parts:
            yield part


class _Chunks2(_Chunks, httpx2.SyncByteStream, httpx2.AsyncByteStream):
    pass


class _Chunks1(_Chunks, httpx.SyncByteStream, httpx.AsyncByteStream):
    pass


class Replay:
    """``lib`` is the HTTP library the SDK under test is built on: ``httpx2`` (openai,
    anthropic) or ``httpx``."""

    def __init__(self, *replies: Reply, lib: ModuleType = httpx2) -> None:
        self.lib = lib
        self.replies = list(replies)
        self.requests: list[httpx2.Request] = []

    def add(self, *replies: Reply) -> Replay:
        self.replies.extend(replies)
        return self

    @property
    def bodies(self) -> list[Any]:
        return [json.loads(r.content) if r.content else None for r in self.requests]

    def handler(self, request: Any) -> Any:
        self.requests.append(request)
        if not self.replies:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        reply = self.replies.pop(0)
        lib = self.lib
        chunks = _Chunks2 if lib is httpx2 else _Chunks1
        headers = {"x-request-id": "req_0123456789abcdef", **reply.headers}
        if reply.sse is not None:
            headers["content-type"] = "text/event-stream; charset=utf-8"
            return lib.Response(reply.status, headers=headers, stream=chunks(reply.sse))
        if reply.stream is not None:
            headers.setdefault("content-type", reply.content_type)
            stream = chunks(reply.stream, reply.stream_separator)
            return lib.Response(reply.status, headers=headers, stream=stream)
        return lib.Response(reply.status, headers=headers, json=reply.json_body)

    def sync_client(self) -> Any:
        return self.lib.Client(transport=self.lib.MockTransport(self.handler))

    def async_client(self) -> Any:
        return self.lib.AsyncClient(transport=self.lib.MockTransport(self.handler))

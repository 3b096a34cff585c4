"""Network replay at the transport: the real, unmodified SDK clients talk to an httpx2
MockTransport that answers with bodies shaped exactly like the real APIs'.

``Replay`` records every request it saw (method, path, JSON body, headers) so tests can assert
the SDK sent what the user asked for, and answers from a queue of ``Reply`` objects.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx2


@dataclass
class Reply:
    status: int = 200
    json_body: Any = None
    sse: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def sse_events(events: Iterable[tuple[str | None, Any]]) -> str:
    """SSE framing as the APIs send it: optional ``event:`` line, ``data:`` line, blank line."""
    out = []
    for event, data in events:
        text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
        out.append((f"event: {event}\n" if event else "") + f"data: {text}\n\n")
    return "".join(out)


class _ChunkedStream(httpx2.SyncByteStream, httpx2.AsyncByteStream):
    """Yields an SSE body one event at a time, as a server flushing each event would."""

    def __init__(self, body: str) -> None:
        self._parts = [p.encode() + b"\n\n" for p in body.split("\n\n") if p]

    def __iter__(self) -> Iterator[bytes]:
        yield from self._parts

    async def __aiter__(self):  # type: ignore[override]
        for part in self._parts:
            yield part


class Replay:
    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[httpx2.Request] = []

    def add(self, *replies: Reply) -> Replay:
        self.replies.extend(replies)
        return self

    @property
    def bodies(self) -> list[Any]:
        return [json.loads(r.content) if r.content else None for r in self.requests]

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if not self.replies:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        reply = self.replies.pop(0)
        headers = {"x-request-id": "req_0123456789abcdef", **reply.headers}
        if reply.sse is not None:
            headers["content-type"] = "text/event-stream; charset=utf-8"
            return httpx2.Response(reply.status, headers=headers, stream=_ChunkedStream(reply.sse))
        return httpx2.Response(reply.status, headers=headers, json=reply.json_body)

    def sync_client(self) -> httpx2.Client:
        return httpx2.Client(transport=httpx2.MockTransport(self.handler))

    def async_client(self) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(transport=httpx2.MockTransport(self.handler))

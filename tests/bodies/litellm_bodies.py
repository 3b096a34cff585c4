"""Bodies for the LiteLLM tests. LiteLLM has no wire format of its own: it speaks each upstream's
API, so its replies are the upstreams' (``openai_bodies``, ``anthropic_bodies``, shaped like the
real APIs). This module names the ones the LiteLLM tests use and adds what they need on top: the
model names as a LiteLLM caller writes them (``provider/model``) and a chat stream whose
connection drops after two events.
"""

from __future__ import annotations

from typing import Any

from bodies import anthropic_bodies as ab
from bodies import openai_bodies as ob

#: As the caller writes them: a bare OpenAI model, an Anthropic one behind LiteLLM's prefix.
OPENAI_MODEL = ob.MODEL
ANTHROPIC_MODEL = f"anthropic/{ab.MODEL}"
EMBEDDING_MODEL = ob.EMBEDDING_MODEL

OPENAI_HEADERS = ob.HEADERS
ANTHROPIC_HEADERS = ab.HEADERS


def chat(**extra: Any) -> dict[str, Any]:
    return ob.chat_completion(**extra)


def chat_stream(include_usage: bool = True) -> str:
    """OpenAI's chat SSE; LiteLLM asks OpenAI for usage itself, so the real API sends the usage chunk."""
    return ob.chat_stream(include_usage=include_usage)


def first_events(sse: str, events: int) -> list[bytes]:
    """The first ``events`` SSE frames of ``sse``, as a server flushes them before the connection drops."""
    return [frame.encode() + b"\n\n" for frame in sse.split("\n\n") if frame][:events]

"""Bodies for the LiteLLM tests. LiteLLM has no wire format of its own: it speaks each upstream's
API, so its replies are the upstreams' (``openai_bodies``, ``anthropic_bodies``, shaped like the
real APIs). This module names the ones the LiteLLM tests use and adds what they need on top: the
model names as a LiteLLM caller writes them (``provider/model``), a chat stream whose
connection drops after two events, and a recorded ``n=2`` stream of ``gpt-4``.
"""

from __future__ import annotations

from typing import Any

from bodies import anthropic_bodies as ab
from bodies import openai_bodies as ob

#: As the caller writes them: a bare OpenAI model, an Anthropic one behind LiteLLM's prefix.
OPENAI_MODEL = ob.MODEL
#: A recorded exchange: the caller asked for ``gpt-4``, every chunk OpenAI sent named ``gpt-4-0613``.
GPT4 = "gpt-4"
GPT4_SERVED = "gpt-4-0613"
ANTHROPIC_MODEL = f"anthropic/{ab.MODEL}"
EMBEDDING_MODEL = ob.EMBEDDING_MODEL

OPENAI_HEADERS = ob.HEADERS
ANTHROPIC_HEADERS = ab.HEADERS


def chat(**extra: Any) -> dict[str, Any]:
    return ob.chat_completion(**extra)


def chat_stream(include_usage: bool = True) -> str:
    """OpenAI's chat SSE; LiteLLM asks OpenAI for usage itself, so the real API sends the usage chunk."""
    return ob.chat_stream(include_usage=include_usage)


def chat_stream_n2() -> str:
    """The recorded ``n=2`` stream of ``gpt-4``: both choices end with ``stop``, every chunk names
    ``gpt-4-0613``."""
    return ob.chat_stream_n2(model=GPT4_SERVED)


def first_events(sse: str, events: int) -> list[bytes]:
    """The first ``events`` SSE frames of ``sse``, as a server flushes them before the connection drops."""
    return [frame.encode() + b"\n\n" for frame in sse.split("\n\n") if frame][:events]

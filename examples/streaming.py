"""Streaming: the span ends when the stream does, whether read to the end or abandoned early.

    python examples/local_model.py &  then  python examples/streaming.py

With ``stream_options={"include_usage": True}`` the last chunk carries the token usage, which
lands on the span with ``gen_ai.response.time_to_first_chunk``.
"""

import os

from openai import OpenAI

import genai_otel

genai_otel.instrument()

# No OPENAI_API_KEY: the local model (examples/local_model.py). OPENAI_BASE_URL always wins.
LOCAL = "http://127.0.0.1:8080/v1"
BASE_URL = os.environ.get("OPENAI_BASE_URL") or (None if os.environ.get("OPENAI_API_KEY") else LOCAL)
MODEL = os.environ.get("OPENAI_MODEL") or ("smollm2" if BASE_URL else "gpt-4o-mini")
client = OpenAI(base_url=BASE_URL, api_key=os.environ.get("OPENAI_API_KEY") or "local")
messages = [{"role": "user", "content": "Write a haiku about telemetry."}]

stream = client.chat.completions.create(
    model=MODEL, messages=messages, max_tokens=48, stream=True, stream_options={"include_usage": True}
)
for chunk in stream:
    if chunk.choices and chunk.choices[0].delta.content:
        print(chunk.choices[0].delta.content, end="", flush=True)
    if chunk.usage:
        print(f"\n[usage: {chunk.usage.prompt_tokens} in, {chunk.usage.completion_tokens} out]")

# Leaving a stream early still ends its span (on close(), here by the with block).
with client.chat.completions.create(model=MODEL, messages=messages, max_tokens=48, stream=True) as stream:
    for i, _chunk in enumerate(stream):
        if i == 3:
            break
print("stopped a second stream after 3 chunks")

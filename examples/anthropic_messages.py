"""Anthropic Messages: a plain call and a ``messages.stream()``, one inference span each.

    ANTHROPIC_API_KEY=sk-ant-... python examples/anthropic_messages.py

This one needs a real Anthropic key. Without one it runs only against a server that speaks the
Messages API, named by ANTHROPIC_BASE_URL: the local model does (``/v1/messages``), so
``ANTHROPIC_BASE_URL=http://127.0.0.1:8080 python examples/anthropic_messages.py`` works too.
"""

import os
import sys

from anthropic import Anthropic

import genai_otel

KEY, BASE_URL = os.environ.get("ANTHROPIC_API_KEY"), os.environ.get("ANTHROPIC_BASE_URL")
if not KEY and not BASE_URL:
    print("anthropic_messages.py: skipped, it needs ANTHROPIC_API_KEY (a real key) or ANTHROPIC_BASE_URL")
    sys.exit(0)

genai_otel.instrument()
MODEL = os.environ.get("ANTHROPIC_MODEL") or ("claude-haiku-4-5" if KEY else "smollm2")
client = Anthropic(api_key=KEY or "local")
messages = [{"role": "user", "content": "What is the capital of France? One sentence."}]

message = client.messages.create(model=MODEL, max_tokens=64, messages=messages)
print(message.content[0].text)
usage = message.usage  # Anthropic counts cached input apart; the span's input_tokens includes it
cached = usage.cache_read_input_tokens or 0
print(f"tokens: {usage.input_tokens} in (+{cached} cached), {usage.output_tokens} out")

with client.messages.stream(model=MODEL, max_tokens=64, messages=messages) as stream:
    for event in stream:  # or stream.text_stream for the text alone
        if event.type == "text":
            print(event.text, end="", flush=True)
        elif event.type == "message_stop":
            print(f"\n[stop reason: {event.message.stop_reason}]")

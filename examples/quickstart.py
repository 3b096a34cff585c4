"""Quickstart: one call to ``instrument()``, then use the OpenAI client as usual.

    python examples/local_model.py &        # a real small model on the CPU, no key needed
    python examples/quickstart.py           # or, with OPENAI_API_KEY set, the real API

Telemetry goes where the standard OTEL_* variables say (OTLP to localhost:4317 by default);
``GENAI_OTEL_BACKEND=console`` prints it instead.
"""

import os

from openai import OpenAI

import genai_otel

genai_otel.instrument()  # before or after importing openai: both work

# No OPENAI_API_KEY: the local model (examples/local_model.py). OPENAI_BASE_URL always wins.
LOCAL = "http://127.0.0.1:8080/v1"
BASE_URL = os.environ.get("OPENAI_BASE_URL") or (None if os.environ.get("OPENAI_API_KEY") else LOCAL)
MODEL = os.environ.get("OPENAI_MODEL") or ("smollm2" if BASE_URL else "gpt-4o-mini")
client = OpenAI(base_url=BASE_URL, api_key=os.environ.get("OPENAI_API_KEY") or "local")

response = client.chat.completions.create(
    model=MODEL,
    messages=[
        {"role": "system", "content": "Answer in one short sentence."},
        {"role": "user", "content": "What is the capital of France?"},
    ],
    max_tokens=40,
    temperature=0,
)
print(response.choices[0].message.content)
print(f"tokens: {response.usage.prompt_tokens} in, {response.usage.completion_tokens} out")

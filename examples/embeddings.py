"""Embeddings: an ``embeddings {model}`` span with the input tokens and the vector size.

python examples/local_model.py --embedding &  then  python examples/embeddings.py
"""

import os

from openai import OpenAI

import genai_otel

genai_otel.instrument()

# No OPENAI_API_KEY: the local model (examples/local_model.py). OPENAI_BASE_URL always wins.
LOCAL = "http://127.0.0.1:8080/v1"
BASE_URL = os.environ.get("OPENAI_BASE_URL") or (None if os.environ.get("OPENAI_API_KEY") else LOCAL)
MODEL = os.environ.get("OPENAI_EMBEDDING_MODEL") or ("smollm2" if BASE_URL else "text-embedding-3-small")
client = OpenAI(base_url=BASE_URL, api_key=os.environ.get("OPENAI_API_KEY") or "local")

result = client.embeddings.create(model=MODEL, input=["OpenTelemetry", "large language models"])
print(f"{len(result.data)} vectors of {len(result.data[0].embedding)} dimensions")
print(f"tokens: {result.usage.prompt_tokens}")

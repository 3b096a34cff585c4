"""An ordinary application: no genai_otel import, no OpenTelemetry code. Run it under the launcher:

    python examples/local_model.py --embedding &
    genai-otel-instrument python examples/launcher_app.py
    genai-otel-instrument --backend console python examples/launcher_app.py   # print the span tree

The launcher instruments the process before this file runs; every call below becomes a span
and metric points (a chat, a stream, embeddings, and a failed call with ``error.type``).
"""

import os

import openai

# No OPENAI_API_KEY: the local model (examples/local_model.py). OPENAI_BASE_URL always wins.
LOCAL = "http://127.0.0.1:8080/v1"
BASE_URL = os.environ.get("OPENAI_BASE_URL") or (None if os.environ.get("OPENAI_API_KEY") else LOCAL)
MODEL = os.environ.get("OPENAI_MODEL") or ("smollm2" if BASE_URL else "gpt-4o-mini")
client = openai.OpenAI(base_url=BASE_URL, api_key=os.environ.get("OPENAI_API_KEY") or "local")


def main() -> None:
    question = [{"role": "user", "content": "Name three primary colours."}]
    answer = client.chat.completions.create(model=MODEL, messages=question, max_tokens=32)
    print("chat:", answer.choices[0].message.content)

    stream = client.chat.completions.create(
        model=MODEL, messages=question, max_tokens=32, stream=True, stream_options={"include_usage": True}
    )
    print("stream:", "".join(c.choices[0].delta.content or "" for c in stream if c.choices))

    try:
        vectors = client.embeddings.create(model=MODEL if BASE_URL else "text-embedding-3-small", input="hi")
        print("embeddings:", len(vectors.data[0].embedding), "dimensions")
    except openai.APIStatusError as exc:  # the local model started without --embedding: 501
        print("embeddings:", exc.status_code, exc.message)

    try:  # a prompt longer than the context window (local model) or a model that does not exist
        too_long = [{"role": "user", "content": "hello " * 3000}]
        client.chat.completions.create(model=MODEL if BASE_URL else "no-such-model", messages=too_long)
    except openai.APIStatusError as exc:
        print("error, as expected:", exc.status_code, type(exc).__name__)


if __name__ == "__main__":
    main()

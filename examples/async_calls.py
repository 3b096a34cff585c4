"""Async: concurrent calls each get their own span; an async stream ends its span too.

python examples/local_model.py &  then  python examples/async_calls.py
"""

import asyncio
import os

from openai import AsyncOpenAI

import genai_otel

genai_otel.instrument()

# No OPENAI_API_KEY: the local model (examples/local_model.py). OPENAI_BASE_URL always wins.
LOCAL = "http://127.0.0.1:8080/v1"
BASE_URL = os.environ.get("OPENAI_BASE_URL") or (None if os.environ.get("OPENAI_API_KEY") else LOCAL)
MODEL = os.environ.get("OPENAI_MODEL") or ("smollm2" if BASE_URL else "gpt-4o-mini")
client = AsyncOpenAI(base_url=BASE_URL, api_key=os.environ.get("OPENAI_API_KEY") or "local")


async def ask(question: str) -> str:
    response = await client.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": "Answer in one short sentence."},
            {"role": "user", "content": question},
        ],
        max_tokens=32,
    )
    return response.choices[0].message.content or ""


async def main() -> None:
    questions = ["What is the capital of France?", "What is the capital of Italy?"]
    for question, answer in zip(questions, await asyncio.gather(*map(ask, questions)), strict=True):
        print(f"{question} -> {answer}")
    stream = await client.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "Count to five."}],
        max_tokens=24,
        stream=True,
        stream_options={"include_usage": True},
    )
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            print(chunk.choices[0].delta.content, end="", flush=True)
        if chunk.choices and chunk.choices[0].finish_reason:
            print()


asyncio.run(main())

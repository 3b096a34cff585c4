"""Tool calling: the model asks for a function, the app runs it, the model answers.

    OPENAI_API_KEY=sk-... python examples/tools.py

This one needs a real OpenAI key (or OPENAI_BASE_URL + OPENAI_MODEL naming a server and model
that return tool calls): the small local model answers in text and never calls a tool. Each
turn is one ``chat`` span; with content capture on
(``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=SPAN_ONLY``) the spans also carry the tool
definitions, the tool call and its result.
"""

import json
import os
import sys

from openai import OpenAI

import genai_otel

if not os.environ.get("OPENAI_API_KEY"):
    print("tools.py: skipped, it needs OPENAI_API_KEY (a real key): the local model returns no tool calls")
    sys.exit(0)

genai_otel.instrument()
client = OpenAI()
MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "The current weather in a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        },
    }
]


def get_weather(city: str) -> str:
    return json.dumps({"city": city, "temperature_c": 21, "sky": "clear"})


messages: list = [{"role": "user", "content": "What's the weather in Paris?"}]
first = client.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS)
reply = first.choices[0].message
messages.append(reply)
for call in reply.tool_calls or []:
    print(f"model called {call.function.name}({call.function.arguments})")
    result = get_weather(**json.loads(call.function.arguments))
    messages.append({"role": "tool", "tool_call_id": call.id, "content": result})
final = client.chat.completions.create(model=MODEL, messages=messages, tools=TOOLS)
print(final.choices[0].message.content)

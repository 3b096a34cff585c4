"""``adapter.output_finish_reason``: the one table every adapter maps its provider's finish reasons
through for output messages (the span attribute keeps the provider's values as sent; each
provider's test file checks both ends for its adapter)."""

from __future__ import annotations

import pytest

from genai_otel import adapter
from genai_otel.adapter import output_finish_reason, text_part, tool_call_part

#: The output-message schema's ``FinishReason`` (gen-ai-output-messages.json).
SCHEMA = {"stop", "length", "content_filter", "tool_call", "error"}


def test_every_value_in_the_table_is_the_schemas():
    assert set(adapter._FINISH_REASONS.values()) == SCHEMA
    assert all(key == key.lower() for key in adapter._FINISH_REASONS)  # looked up lower-cased


@pytest.mark.parametrize(
    ("sent", "schema"),
    [
        # OpenAI chat and every OpenAI-compatible API (Groq, Together, LiteLLM, TGI's chat)
        ("stop", "stop"),
        ("length", "length"),
        ("tool_calls", "tool_call"),
        ("function_call", "tool_call"),
        ("content_filter", "content_filter"),
        # OpenAI Responses: the status, or an incomplete response's reason
        ("completed", "stop"),
        ("max_output_tokens", "length"),
        ("failed", "error"),
        ("cancelled", "error"),
        # Anthropic and Bedrock Converse
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("tool_use", "tool_call"),
        ("refusal", "content_filter"),
        ("model_context_window_exceeded", "length"),
        ("guardrail_intervened", "content_filter"),
        ("content_filtered", "content_filter"),
        # Gemini: the enum's wire values
        ("STOP", "stop"),
        ("MAX_TOKENS", "length"),
        ("SAFETY", "content_filter"),
        ("PROHIBITED_CONTENT", "content_filter"),
        ("MALFORMED_FUNCTION_CALL", "error"),
        # Mistral
        ("model_length", "length"),
        ("error", "error"),
        # Cohere
        ("COMPLETE", "stop"),
        ("STOP_SEQUENCE", "stop"),
        ("TOOL_CALL", "tool_call"),
        ("ERROR", "error"),
        ("TIMEOUT", "error"),
        # Together, TGI, Amazon Titan
        ("eos", "stop"),
        ("eos_token", "stop"),
        ("FINISH", "stop"),
        ("LENGTH", "length"),
        ("CONTENT_FILTERED", "content_filter"),
    ],
)
def test_each_providers_values(sent, schema):
    assert output_finish_reason(sent) == schema


@pytest.mark.parametrize("sent", ["OTHER", "pause_turn", "load", "unload", "incomplete", "a_new_reason"])
def test_an_unknown_value_passes_through_unchanged(sent):
    """The schema's ``finish_reason`` is an open enum (its values or any string)."""
    assert output_finish_reason(sent) == sent


@pytest.mark.parametrize("sent", [None, ""])
def test_no_reason_gives_none_and_the_message_has_no_finish_reason(sent):
    assert output_finish_reason(sent) is None
    assert "finish_reason" not in adapter.message("assistant", [], finish_reason=output_finish_reason(sent))


def test_stop_with_a_tool_call_is_a_tool_call():
    """Some APIs say ``stop`` when the model waits for a tool (OpenAI's forced tool_choice, Gemini,
    Ollama, Responses' ``completed``)."""
    call = tool_call_part("call_1", "get_weather", {})
    assert output_finish_reason("stop", [text_part("checking"), call]) == "tool_call"
    assert output_finish_reason("STOP", [call]) == "tool_call"
    assert output_finish_reason("completed", [call]) == "tool_call"
    assert output_finish_reason("length", [call]) == "length"  # cut off while calling: still length
    assert output_finish_reason("stop", [text_part("done")]) == "stop"
    server = {"type": "server_tool_call", "id": "ws_1", "name": "web_search", "server_tool_call": {}}
    assert output_finish_reason("stop", [server]) == "stop"  # the provider ran it: nothing to wait for

"""The containment guarantees of ``test_containment.py``, given to the nine newer adapters.

Per provider (google_genai, bedrock, mistral, cohere, ollama, groq, together, litellm,
huggingface): one plain and one streamed chat call through the real SDK client over the replay
network (the clients, calls and bodies of ``tests/test_<provider>.py``), sync and async (boto3
has no async client), each answered with a success and with the provider's HTTP error. Every
call runs uninstrumented (the baseline), instrumented, and instrumented with one adapter function
made to raise: ``parse_request``, ``request_content``, ``parse_response``, ``is_stream``,
``unwrap``, ``new_accumulator``, the accumulator's ``add``/``finish``, ``replace_stream``,
``error_type``, ``error_response`` (``dataclasses.replace(ADAPTER, ...)`` monkeypatched onto the
adapter module before ``instrument()``, as ``test_containment.py`` does); content goes to span
and event so every path runs. For each call: the caller sees exactly the baseline (the result as
plain data, every streamed chunk, or the exception's type and message), the SDK sent the same
request, every span started is ended exactly once, one span (none when the request could not be
parsed) with the right status, and the swallowed error is reported under the label that names
what failed, logged at WARNING once per label and at DEBUG afterwards.

Secrets: with content on span and event, the provider answers 401/403 with a body echoing the
caller's key, bare and as the credential header the SDK sent. The key, shaped like the
provider's real keys (made up), must reach no span attribute, status, event, metric attribute,
event log record or genai_otel log line. Mistral and Cohere keys have no shape a pattern could
know: they are removed because the adapter hands the engine the client's own key
(``ProviderAdapter.credentials``).
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import boto3
import cohere
import groq
import httpx
import httpx2
import ollama
import openai
import pytest
import together
from botocore.config import Config
from google import genai
from huggingface_hub import AsyncInferenceClient, InferenceClient
from mistralai.client import Mistral
from opentelemetry.trace import StatusCode

import genai_otel
import test_bedrock as t_bedrock
import test_cohere as t_cohere
import test_google_genai as t_google
import test_groq as t_groq
import test_huggingface as t_hf
import test_litellm as t_litellm
import test_mistral as t_mistral
import test_ollama as t_ollama
import test_together as t_together
from bodies import bedrock_bodies as bedrock_b
from bodies import cohere_bodies as cohere_b
from bodies import google_genai_bodies as google_b
from bodies import groq_bodies as groq_b
from bodies import huggingface_bodies as hf_b
from bodies import litellm_bodies as litellm_b
from bodies import mistral_bodies as mistral_b
from bodies import ollama_bodies as ollama_b
from bodies import openai_bodies as openai_b
from bodies import together_bodies as together_b
from genai_otel import _guard
from genai_otel._patching.registry import ADAPTERS
from replay import Replay, Reply
from test_containment import Boom, ExplodingAccumulator, SpanLedger, check_logged_once_per_label, explode
from test_huggingface import serve  # noqa: F401  (the fixture routing huggingface_hub to a Replay)

# --- the calls ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    asynchronous: bool
    stream: bool

    def __str__(self) -> str:
        return f"{'async' if self.asynchronous else 'sync'}-{'stream' if self.stream else 'plain'}"


def _http(case: Case, replay: Replay) -> Any:
    return replay.async_client() if case.asynchronous else replay.sync_client()


async def _groq(case: Case, replay: Replay, key: str) -> Any:
    cls = groq.AsyncGroq if case.asynchronous else groq.Groq
    client = cls(api_key=key, http_client=_http(case, replay), max_retries=0)
    return await t_groq.call(t_groq.Mode(case.asynchronous, case.stream), client, **t_groq.PARAMS)


async def _together(case: Case, replay: Replay, key: str) -> Any:
    cls = together.AsyncTogether if case.asynchronous else together.Together
    client = cls(api_key=key, http_client=_http(case, replay), max_retries=0)
    mode = t_together.Mode(case.asynchronous, case.stream)
    return await t_together.call(mode, client.chat.completions.create, **t_together.PARAMS)


async def _mistral(case: Case, replay: Replay, key: str) -> Any:
    client = Mistral(api_key=key, client=replay.sync_client(), async_client=replay.async_client())
    mode = t_mistral.CallMode(case.asynchronous, case.stream)
    return await t_mistral.call(mode, client, **t_mistral.PARAMS)


async def _cohere(case: Case, replay: Replay, key: str) -> Any:
    cls = cohere.AsyncClientV2 if case.asynchronous else cohere.ClientV2
    client = cls(api_key=key, httpx_client=_http(case, replay), max_retries=0)
    return await t_cohere.call(t_cohere.CallMode(case.asynchronous, case.stream), client, **t_cohere.PARAMS)


async def _ollama(case: Case, replay: Replay, key: str) -> Any:
    # Ollama has no key of its own; a bearer token for the proxy in front of it is the credential.
    cls = ollama.AsyncClient if case.asynchronous else ollama.Client
    client = cls(transport=httpx.MockTransport(replay.handler), headers={"Authorization": f"Bearer {key}"})
    mode = t_ollama.Mode("async" if case.asynchronous else "sync", case.stream)
    return await t_ollama.call(mode, client, "chat", ollama_b.MODEL, t_ollama.MESSAGES)


async def _google(case: Case, replay: Replay, key: str) -> Any:
    client = genai.Client(api_key=key, http_options=t_google.http_options(replay))
    return await t_google.call(t_google.CallMode(case.asynchronous, case.stream), client, **t_google.PARAMS)


async def _bedrock(case: Case, replay: Any, key: str) -> Any:
    session = boto3.session.Session(
        aws_access_key_id=key,
        aws_secret_access_key=t_bedrock.SECRET_KEY,
        region_name=bedrock_b.REGION,
    )
    client = session.client("bedrock-runtime", config=Config(retries={"total_max_attempts": 1}))
    client.meta.events.register("before-send.bedrock-runtime", replay.handler)
    return t_bedrock.call(client, case.stream, **t_bedrock.PARAMS)


async def _litellm(case: Case, replay: Replay, key: str) -> Any:
    cls = openai.AsyncOpenAI if case.asynchronous else openai.OpenAI
    client = cls(api_key=key, http_client=_http(case, replay), max_retries=0)
    mode = t_litellm.CallMode(case.asynchronous, case.stream)
    got = await t_litellm.complete(mode, litellm_b.OPENAI_MODEL, t_litellm.MESSAGES, client=client)
    return t_litellm.without_timestamps(got)


async def _huggingface(case: Case, replay: Replay, key: str) -> Any:
    client = (AsyncInferenceClient if case.asynchronous else InferenceClient)(token=key, provider="together")
    mode = t_hf.Mode(case.asynchronous, case.stream)
    return await t_hf.call(mode, client, "chat_completion", t_hf.MESSAGES, model=hf_b.MODEL)


# --- the providers --------------------------------------------------------------------------------------


def _bearer(key: str) -> str:
    return f"Authorization: Bearer {key}"


@dataclass(frozen=True)
class Provider:
    name: str
    #: a made-up key shaped like the provider's real ones
    key: str
    #: the network library the SDK is built on: a Replay's ``lib``, or "botocore" / "hub"
    lib: Any
    call: Callable[[Case, Any, str], Awaitable[Any]]
    ok: Callable[[bool], Any]  # stream -> the reply to a successful call
    error: Any  # the reply to a failed call (the provider's own error body)
    auth_error: Callable[[str], Any]  # message -> a 401/403 reply carrying it
    #: the credential header as the SDK sends it
    header: Callable[[str], str] = _bearer
    #: the SDK has an async client (boto3 has none)
    asynchronous: bool = True
    #: (a)sync streams whose request is sent on the first iteration (the call returns a generator)
    lazy_streams: tuple[bool, ...] = ()
    #: the provider has a key of its own to echo bare (Ollama has none)
    has_key: bool = True

    def lazy(self, case: Case) -> bool:
        return case.stream and case.asynchronous in self.lazy_streams

    def cases(self) -> list[Case]:
        asyncs = (False, True) if self.asynchronous else (False,)
        return [Case(a, s) for a in asyncs for s in (False, True)]

    def replay(self, reply: Any, hub: Any) -> Any:
        if self.lib == "botocore":
            return t_bedrock.Replay(reply)
        if self.lib == "hub":
            return hub(reply)
        return Replay(reply, lib=self.lib)


def _openai_style(message: str, code: str = "invalid_api_key") -> dict[str, Any]:
    return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}


PROVIDERS = {
    p.name: p
    for p in [
        Provider(
            "google_genai",
            key="AIzaSyFAKE-test-key-not-real-0000000000",
            lib=httpx2,
            call=_google,
            ok=lambda s: t_google.reply_for(t_google.CallMode(False, s), google_b.TEXT),
            error=Reply(status=404, json_body=google_b.NOT_FOUND),
            auth_error=lambda m: Reply(
                status=400,
                json_body={
                    "error": {
                        "code": 400,
                        "message": m,
                        "status": "INVALID_ARGUMENT",
                        "details": [
                            {
                                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                "reason": "API_KEY_INVALID",
                                "domain": "googleapis.com",
                            }
                        ],
                    }
                },
            ),
            header=lambda key: f"x-goog-api-key: {key}",
            lazy_streams=(False,),
        ),
        Provider(
            "bedrock",
            key="AKIAFAKETESTKEY00000",
            lib="botocore",
            call=_bedrock,
            ok=lambda s: t_bedrock.converse_reply(s, bedrock_b.TEXT),
            error=t_bedrock.Reply(
                status=400,
                json_body=bedrock_b.VALIDATION,
                headers=bedrock_b.error_headers("ValidationException"),
            ),
            auth_error=lambda m: t_bedrock.Reply(
                status=403,
                json_body={"message": m},
                headers=bedrock_b.error_headers("UnrecognizedClientException"),
            ),
            header=lambda key: (
                f"Authorization: AWS4-HMAC-SHA256 Credential={key}/20251014/{bedrock_b.REGION}/bedrock/"
                "aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0f1e2d3c4b5a6978"
            ),
            asynchronous=False,
        ),
        Provider(
            "mistral",
            key="FAKEmistralTESTkeyNOTreal0000000",  # 32 alphanumerics, no prefix
            lib=httpx2,
            call=_mistral,
            ok=lambda s: t_mistral.reply_for(t_mistral.CallMode(False, s), mistral_b.TEXT),
            error=Reply(status=400, json_body=mistral_b.BAD_REQUEST, headers=mistral_b.HEADERS),
            auth_error=lambda m: Reply(
                status=401, json_body=mistral_b.error(m, "authentication_error"), headers=mistral_b.HEADERS
            ),
        ),
        Provider(
            "cohere",
            key="FAKEcohereTESTkeyNOTreal0000000000000000",  # 40 alphanumerics, no prefix
            lib=httpx,
            call=_cohere,
            ok=lambda s: t_cohere.reply_for(t_cohere.CallMode(False, s), cohere_b.TEXT),
            error=Reply(status=400, json_body=cohere_b.BAD_REQUEST, headers=cohere_b.HEADERS),
            auth_error=lambda m: Reply(
                status=401,
                json_body={"id": "5e7a9c1b-3d5f-4b7d-9f1b-3d5f7b9d1f3b", "message": m},
                headers=cohere_b.HEADERS,
            ),
            lazy_streams=(False, True),
        ),
        Provider(
            "ollama",
            key="FAKEollamaPROXYtokenNOTreal00000",
            lib=httpx,
            call=_ollama,
            ok=lambda s: t_ollama.reply_for(t_ollama.Mode("sync", s), ollama_b.CHAT),
            error=Reply(status=404, json_body=ollama_b.NOT_FOUND),
            auth_error=lambda m: Reply(status=401, json_body={"error": m}),
            lazy_streams=(False, True),
            has_key=False,
        ),
        Provider(
            "groq",
            key="gsk_FAKEgroqTESTkeyNOTreal000000000000000000000000000000",  # gsk_ + 52
            lib=httpx,
            call=_groq,
            ok=lambda s: t_groq.reply_for(t_groq.Mode(False, s), groq_b.text()),
            error=Reply(status=404, json_body=groq_b.model_not_found(), headers=groq_b.HEADERS),
            auth_error=lambda m: Reply(status=401, json_body=_openai_style(m), headers=groq_b.HEADERS),
        ),
        Provider(
            "together",
            key="tgp_v1_FAKEtogetherTESTkeyNOTreal00000000000000000",  # tgp_v1_ + 43
            lib=httpx,
            call=_together,
            ok=lambda s: (
                Reply(sse=together_b.chat_sse(together_b.text()), headers=together_b.HEADERS)
                if s
                else Reply(json_body=together_b.text(), headers=together_b.HEADERS)
            ),
            error=Reply(status=404, json_body=together_b.model_not_available(), headers=together_b.HEADERS),
            auth_error=lambda m: Reply(
                status=401,
                json_body=together_b.error(m, "invalid_request_error", "invalid_api_key"),
                headers=together_b.HEADERS,
            ),
        ),
        Provider(
            "litellm",
            key="sk-proj-FAKElitellmTESTkeyNOTreal000000000000000000000000",
            lib=httpx2,
            call=_litellm,
            ok=lambda s: t_litellm.openai_reply(t_litellm.CallMode(False, s)),
            error=Reply(status=404, json_body=openai_b.model_not_found(), headers=litellm_b.OPENAI_HEADERS),
            auth_error=lambda m: Reply(
                status=401, json_body=_openai_style(m), headers=litellm_b.OPENAI_HEADERS
            ),
        ),
        Provider(
            "huggingface",
            key="hf_FAKEhfTESTtokenNOTreal000000000000",  # hf_ + 34
            lib="hub",
            call=_huggingface,
            ok=lambda s: (
                t_hf.sse(hf_b.chat_chunks())
                if s
                else Reply(json_body=hf_b.chat(), headers=hf_b.ROUTER_HEADERS)
            ),
            error=Reply(status=404, json_body=hf_b.model_not_found(), headers=hf_b.ROUTER_HEADERS),
            auth_error=lambda m: Reply(status=401, json_body={"error": m}, headers=hf_b.ROUTER_HEADERS),
        ),
    ]
}
assert set(PROVIDERS) == set(ADAPTERS) - {"openai", "anthropic"}  # a new adapter joins this matrix


@pytest.fixture
def hub(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, provider: str) -> Any:
    """What a provider's network needs beyond a Replay: ``serve`` for huggingface_hub."""
    monkeypatch.delenv("TOGETHER_BASE_URL", raising=False)
    return request.getfixturevalue("serve") if provider == "huggingface" else None


@pytest.fixture
def ledger(otel: Any) -> SpanLedger:
    spans = SpanLedger()
    otel.tracer_provider.add_span_processor(spans)
    return spans


async def observe(p: Provider, case: Case, reply: Any, hub: Any) -> tuple[Any, Any]:
    """What the caller saw (its result as plain data, or its exception) and the replay."""
    replay = p.replay(reply, hub)
    try:
        seen: Any = ("returned", await p.call(case, replay, p.key))
    except Exception as exc:
        # by name: botocore makes its exception classes per client
        seen = ("raised", [f"{t.__module__}.{t.__qualname__}" for t in type(exc).__mro__], str(exc))
    return seen, replay


# --- faults ----------------------------------------------------------------------------------------------

FAULTS = [
    "parse_request",
    "request_content",
    "parse_response",
    "is_stream",
    "unwrap",
    "new_accumulator",
    "add",
    "finish",
    "replace_stream",
    "error_type",
    "error_response",
]
READ_RESPONSE = {"is_stream", "unwrap", "new_accumulator", "replace_stream"}


def exploding(adapter: Any, fault: str) -> Any:
    if fault in ("add", "finish"):
        inner = adapter.new_accumulator
        return dataclasses.replace(
            adapter,
            new_accumulator=lambda target, capture: ExplodingAccumulator(inner(target, capture), fault),
        )
    return dataclasses.replace(adapter, **{fault: explode(fault)})


def expected_labels(p: Provider, fault: str | None, case: Case, ok: bool) -> set[str]:
    """The labels ``fault`` is reported under for one call."""
    if fault is None:
        return set()
    # a lazy stream is returned before its request is sent: the HTTP error comes while iterating
    returned = ok or p.lazy(case)
    read = {f"{p.name}: read response"}
    table = {
        "parse_request": {f"{p.name}: parse request"},
        "request_content": {f"{p.name}: read request content"},
        "parse_response": read if ok and not case.stream else set(),
        "is_stream": read if returned else set(),
        "unwrap": read if returned else set(),
        "new_accumulator": read if returned and case.stream else set(),
        "replace_stream": read if returned and case.stream else set(),
        "add": {f"{p.name}: stream chunk"} if ok and case.stream else set(),
        "finish": {f"{p.name}: finish stream"} if returned and case.stream else set(),
        "error_type": {f"{p.name}: error type"} if not ok else set(),
        # asked only when nothing was read: not after a stream's accumulator finished
        "error_response": {f"{p.name}: error type"} if not (ok or returned) else set(),
    }
    return table[fault]


def instrument(
    otel: Any, monkeypatch: pytest.MonkeyPatch, p: Provider, original: Any, fault: str | None
) -> None:
    module = importlib.import_module(ADAPTERS[p.name][1])
    monkeypatch.setattr(module, "ADAPTER", original if fault is None else exploding(original, fault))
    otel.instrument(capture_content="SPAN_AND_EVENT")  # uninstruments first; reads ADAPTER anew


# --- the containment matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", list(PROVIDERS))
async def test_a_failing_adapter_leaves_the_call_untouched(
    provider, otel, ledger, hub, internal_errors, caplog, monkeypatch
):
    p = PROVIDERS[provider]
    monkeypatch.setattr(_guard, "_warned", set())  # a WARNING is logged once per label: none yet
    caplog.set_level(logging.DEBUG, logger="genai_otel")
    replies = {(case, ok): p.ok(case.stream) if ok else p.error for case in p.cases() for ok in (True, False)}

    genai_otel.uninstrument()
    baselines = {}
    for (case, ok), reply in replies.items():
        seen, replay = await observe(p, case, reply, hub)
        assert seen[0] == ("returned" if ok else "raised"), (case, ok, seen)
        baselines[case, ok] = seen, replay.bodies

    original = importlib.import_module(ADAPTERS[p.name][1]).ADAPTER
    reported: list[str] = []
    try:
        for fault in (None, *FAULTS):
            instrument(otel, monkeypatch, p, original, fault)
            for (case, ok), reply in replies.items():
                where = f"{p.name} {case} {'ok' if ok else 'http-error'} fault={fault}"
                otel.spans_exporter.clear()
                ledger.clear()
                seen, replay = await observe(p, case, reply, hub)
                want_seen, want_sent = baselines[case, ok]
                assert seen == want_seen, where
                assert replay.bodies == want_sent, where

                # every span started was ended, once
                assert sorted(ledger.started) == sorted(ledger.ended), where
                assert len(set(ledger.ended)) == len(ledger.ended), where
                untraced = fault == "parse_request"
                assert len(ledger.started) == (0 if untraced else 1), where

                labels = [label for label, _ in internal_errors]
                assert set(labels) == expected_labels(p, fault, case, ok), (where, internal_errors)
                assert all(isinstance(exc, Boom) for _, exc in internal_errors), (where, internal_errors)
                reported += labels
                internal_errors.clear()

                spans = otel.spans()
                if untraced:
                    continue
                [span] = spans
                ended_early = fault in READ_RESPONSE and p.lazy(case)
                if ok:
                    assert span.status.status_code is StatusCode.UNSET, where
                elif not ended_early:
                    assert span.status.status_code is StatusCode.ERROR, where
                    assert span.attributes["error.type"], where
    finally:
        internal_errors.clear()  # asserted call by call above
    check_logged_once_per_label(caplog, reported)
    sdk_complaints = [r.getMessage() for r in caplog.records if r.name.startswith("opentelemetry")]
    assert not [m for m in sdk_complaints if "ended span" in m or "detach" in m], sdk_complaints


# --- secrets ----------------------------------------------------------------------------------------------

ECHOES = {
    "bare-key": lambda p, key: f"Incorrect API key provided: {key}. Find your key in the dashboard.",
    "credential-header": lambda p, key: f"Invalid credentials in request header {p.header(key)}",
}


#: Why a key shape is not scrubbed: scrub_secrets (src/genai_otel/_telemetry/redaction.py,
#: _SECRET_PATTERNS) knows no such shape, and it is all that stands between an exception's text and
#: the span status, exception.message and exception.stacktrace (_telemetry/invocation.py, _span_outcome).


def secret_params() -> list[Any]:
    out = []
    for name, p in PROVIDERS.items():
        for echo in ECHOES:
            if echo == "bare-key" and not p.has_key:
                continue  # no key of its own to echo bare
            out.append(pytest.param(name, echo, id=f"{name}-{echo}"))
    return out


def exported_text(otel: Any, caplog: pytest.LogCaptureFixture) -> str:
    """Everything genai_otel exported or logged, as one string."""
    out: list[str] = []
    for span in otel.spans():
        out += [span.name, str(span.status.description), repr(dict(span.attributes))]
        out += [f"{e.name} {dict(e.attributes)!r}" for e in span.events]
    for points in otel.metrics().values():
        out += [repr(dict(point.attributes)) for point in points]
    for record in otel.events():
        out += [repr(record.body), repr(dict(record.attributes or {}))]
    for record in caplog.records:
        if record.name.startswith("genai_otel"):
            out += [
                record.getMessage(),
                logging.Formatter().formatException(record.exc_info) if record.exc_info else "",
            ]
    return "\n".join(out)


@pytest.mark.parametrize(("provider", "echo"), secret_params())
async def test_an_echoed_key_is_never_exported(provider, echo, otel, hub, caplog):
    p = PROVIDERS[provider]
    caplog.set_level(logging.DEBUG, logger="genai_otel")
    otel.instrument(capture_content="SPAN_AND_EVENT")
    for case in p.cases():
        otel.spans_exporter.clear()
        seen, replay = await observe(p, case, p.auth_error(ECHOES[echo](p, p.key)), hub)
        # the key really was sent, and really came back to the caller
        [request] = replay.requests
        assert any(p.key in str(value) for value in request.headers.values()), case
        assert seen[0] == "raised" and p.key in seen[2], (case, seen)
        assert len(otel.spans()) == 1, case
        assert otel.span().status.status_code is StatusCode.ERROR, case
    exported = exported_text(otel, caplog)
    assert p.key not in exported
    assert "REDACTED" in exported  # what was scrubbed is marked

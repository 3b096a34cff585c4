"""What genai_otel supports, from which version, and what it replaces: one row per SDK.

Everything else that states which SDKs are supported is derived from ``SUPPORT``:

- the registry's lookup (``_patching.registry.ADAPTERS``: which import triggers which adapter);
- the ``opentelemetry_instrumentor`` classes (``auto.instrumentors``: one per row, named
  ``Support.instrumentor``, checking ``Support.requirement``);
- the other instrumentations genai_otel's spans replace (``_patching.peers.PEERS``).

``pyproject.toml`` (one extra and one entry point per row) and the README (the provider table's
SDK column, the entry-point table, the adapter names) are static text, so they cannot be derived:
``tests/test_support.py`` checks that they state exactly what this table states, row for row.
To change what is supported, change the row here, then the lines that test names.

The floor is one string per row (``floor``): the oldest version of ``distribution`` genai_otel
supports, stated everywhere as ``distribution >= floor``. Individual patch targets that need a
newer SDK are gated by their own ``PatchTarget.min_version`` in the adapter.

A leaf module: plain data, no import of OpenTelemetry, wrapt, an SDK or another genai_otel module,
so that reading the table costs nothing. Its rows are named tuples, not the frozen slotted
dataclasses of the house style: making a dataclass costs about 1 ms of every process's start-up
(measured here), a named tuple a fifth of that, for the same immutable, typed row.
"""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["SUPPORT", "Peer", "Support"]


class Peer(NamedTuple):
    """Another instrumentation of the same SDK calls, whose spans genai_otel's replace for the
    calls it covers: its package, instrumentor class and distribution (``_patching/peers.py``)."""

    module: str
    instrumentor: str
    distribution: str
    #: its wrapper serves calls genai_otel does not trace as well: skipped only for traced calls
    shared: bool = False

    def owns(self, function: Any) -> bool:
        module = getattr(function, "__module__", None) or ""
        return module == self.module or module.startswith(self.module + ".")


class Support(NamedTuple):
    """One supported SDK."""

    #: the adapter's name: ``providers=``/``exclude=``, ``GENAI_OTEL_PROVIDERS``/``_EXCLUDE``
    name: str
    #: the module whose import patches the SDK (a post-import hook; never imported by genai_otel)
    sdk_module: str
    #: the module exporting ``ADAPTER``, imported only once ``sdk_module`` is
    adapter_module: str
    #: the PyPI distribution whose version the floor is (the adapter's ``distribution`` too)
    distribution: str
    #: the oldest supported version of ``distribution``
    floor: str
    #: ``pip install 'genai-otel[<extra>]'``
    extra: str
    #: the ``BaseInstrumentor`` class in ``genai_otel.auto.instrumentors``
    instrumentor: str
    #: what the extra installs, when not ``distribution`` itself (``boto3`` for ``botocore``)
    installs: str = ""
    #: other instrumentations whose spans genai_otel's replace for the calls both cover
    peers: tuple[Peer, ...] = ()

    @property
    def requirement(self) -> str:
        """``instrumentation_dependencies()`` of the instrumentor: ``openai >= 3.0``."""
        return f"{self.distribution} >= {self.floor}"

    @property
    def extra_requirement(self) -> str:
        """The extra's one requirement in ``pyproject.toml``: ``openai>=3.0``."""
        return f"{self.installs or self.distribution}>={self.floor}"

    @property
    def entry_point(self) -> str:
        """The ``opentelemetry_instrumentor`` entry point: ``genai_otel_openai``."""
        return f"genai_otel_{self.name}"


#: In the order the adapters are installed.
SUPPORT: tuple[Support, ...] = (
    Support(
        "openai",
        sdk_module="openai",
        adapter_module="genai_otel.providers.openai",
        distribution="openai",
        floor="3.0",
        extra="openai",
        instrumentor="OpenAIInstrumentor",
        peers=(
            Peer(
                "opentelemetry.instrumentation.genai.openai",
                "OpenAIInstrumentor",
                "opentelemetry-instrumentation-genai-openai",
            ),
            Peer(
                "opentelemetry.instrumentation.openai_v2",
                "OpenAIInstrumentor",
                "opentelemetry-instrumentation-openai-v2",
            ),
        ),
    ),
    Support(
        "anthropic",
        sdk_module="anthropic",
        adapter_module="genai_otel.providers.anthropic",
        distribution="anthropic",
        floor="2.0",
        extra="anthropic",
        instrumentor="AnthropicInstrumentor",
        peers=(
            Peer(
                "opentelemetry.instrumentation.genai.anthropic",
                "AnthropicInstrumentor",
                "opentelemetry-instrumentation-genai-anthropic",
            ),
        ),
    ),
    Support(
        "litellm",
        sdk_module="litellm",
        adapter_module="genai_otel.providers.litellm",
        distribution="litellm",
        floor="1.50",
        extra="litellm",
        instrumentor="LiteLLMInstrumentor",
    ),
    Support(
        "bedrock",
        sdk_module="botocore.client",
        adapter_module="genai_otel.providers.bedrock",
        distribution="botocore",
        floor="1.34",
        extra="bedrock",
        instrumentor="BedrockInstrumentor",
        installs="boto3",  # boto3 1.x.y requires botocore 1.x.*: the same floor
        # its Bedrock extension makes gen_ai spans; its spans of every other AWS call are kept
        peers=(
            Peer(
                "opentelemetry.instrumentation.botocore",
                "BotocoreInstrumentor",
                "opentelemetry-instrumentation-botocore",
                shared=True,
            ),
        ),
    ),
    Support(
        "google_genai",
        sdk_module="google.genai",
        adapter_module="genai_otel.providers.google_genai",
        distribution="google-genai",
        floor="1.0.0",
        extra="google-genai",
        instrumentor="GoogleGenAIInstrumentor",
    ),
    Support(
        "huggingface",
        sdk_module="huggingface_hub.inference",
        adapter_module="genai_otel.providers.huggingface",
        distribution="huggingface_hub",
        floor="0.28",
        extra="huggingface",
        instrumentor="HuggingFaceInstrumentor",
    ),
    Support(
        "groq",
        sdk_module="groq",
        adapter_module="genai_otel.providers.groq",
        distribution="groq",
        floor="1.0",
        extra="groq",
        instrumentor="GroqInstrumentor",
    ),
    Support(
        "together",
        sdk_module="together",
        adapter_module="genai_otel.providers.together",
        distribution="together",
        floor="2.0",
        extra="together",
        instrumentor="TogetherInstrumentor",
    ),
    Support(
        "mistral",
        sdk_module="mistralai.client",
        adapter_module="genai_otel.providers.mistral",
        distribution="mistralai",
        floor="2.0",
        extra="mistral",
        instrumentor="MistralInstrumentor",
    ),
    Support(
        "cohere",
        sdk_module="cohere",
        adapter_module="genai_otel.providers.cohere",
        distribution="cohere",
        floor="5.8",
        extra="cohere",
        instrumentor="CohereInstrumentor",
    ),
    Support(
        "ollama",
        sdk_module="ollama",
        adapter_module="genai_otel.providers.ollama",
        distribution="ollama",
        floor="0.4",
        extra="ollama",
        instrumentor="OllamaInstrumentor",
    ),
)

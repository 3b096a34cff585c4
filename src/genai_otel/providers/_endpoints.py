"""Which provider sits behind an OpenAI-compatible base URL.

Many vendors speak the OpenAI wire API, so the ``openai`` SDK reaches them all; the base URL's
host (and, for local servers, the port) is the best evidence of who answers. This module is a
pure lookup: no I/O, no SDK imports, no OpenTelemetry. ``gen_ai.provider.name`` values are the
semconv registry values where one exists, otherwise a lowercase snake name.

==============================================  ====================================
Host (case-insensitive, trailing dot ignored)   ``gen_ai.provider.name``
==============================================  ====================================
``api.openai.com``, ``*.api.openai.com``        ``openai`` (data-residency hosts too)
``*.openai.azure.com``                          ``azure.ai.openai``
``*.cognitiveservices.azure.com``               ``azure.ai.openai``
``*.services.ai.azure.com``                     ``azure.ai.openai`` when the path holds
                                                ``/openai`` (or is unknown), otherwise
                                                ``azure.ai.inference`` (Foundry ``/models``)
``api.deepseek.com``                            ``deepseek``
``api.groq.com``                                ``groq``
``api.together.xyz``, ``api.together.ai``       ``together_ai``
``openrouter.ai``                               ``openrouter``
``api.x.ai``                                    ``x_ai``
``api.mistral.ai``                              ``mistral_ai``
``api.perplexity.ai``                           ``perplexity``
``api.moonshot.ai``, ``api.moonshot.cn``        ``moonshot_ai``
``generativelanguage.googleapis.com``           ``gcp.gemini`` (Gemini's OpenAI endpoint)
``aiplatform.googleapis.com``,                  ``gcp.vertex_ai``
``*-aiplatform.googleapis.com``
``bedrock-mantle.*.api.aws``,                   ``aws.bedrock``
``bedrock-runtime*.*.amazonaws.com[.cn]``
``localhost`` / ``127.0.0.1`` / ``::1`` port:
``11434`` / ``8000`` / ``1234`` / ``8080``      ``ollama`` / ``vllm`` / ``lm_studio`` / ``llama_cpp``
anything else                                   ``default`` (the caller's fallback)
==============================================  ====================================
"""

from __future__ import annotations

from .._telemetry import semconv as sc

__all__ = ["provider_from_url"]

_EXACT_HOSTS: dict[str, str] = {
    "api.openai.com": sc.PROVIDER_OPENAI,
    "api.deepseek.com": sc.PROVIDER_DEEPSEEK,
    "api.groq.com": sc.PROVIDER_GROQ,
    "api.together.xyz": sc.PROVIDER_TOGETHER_AI,
    "api.together.ai": sc.PROVIDER_TOGETHER_AI,
    "openrouter.ai": sc.PROVIDER_OPENROUTER,
    "api.x.ai": sc.PROVIDER_X_AI,
    "api.mistral.ai": sc.PROVIDER_MISTRAL_AI,
    "api.perplexity.ai": sc.PROVIDER_PERPLEXITY,
    "api.moonshot.ai": sc.PROVIDER_MOONSHOT_AI,
    "api.moonshot.cn": sc.PROVIDER_MOONSHOT_AI,
    "generativelanguage.googleapis.com": sc.PROVIDER_GCP_GEMINI,
    "aiplatform.googleapis.com": sc.PROVIDER_GCP_VERTEX_AI,
}

#: Suffix rules, checked in order after the exact table.
_HOST_SUFFIXES: tuple[tuple[str, str], ...] = (
    (".api.openai.com", sc.PROVIDER_OPENAI),
    (".openai.azure.com", sc.PROVIDER_AZURE_OPENAI),
    (".cognitiveservices.azure.com", sc.PROVIDER_AZURE_OPENAI),
    ("-aiplatform.googleapis.com", sc.PROVIDER_GCP_VERTEX_AI),
)

_AZURE_SERVICES_SUFFIX = ".services.ai.azure.com"
_BEDROCK_PREFIXES = ("bedrock-mantle.", "bedrock-runtime.", "bedrock-runtime-fips.")
_BEDROCK_SUFFIXES = (".api.aws", ".amazonaws.com", ".amazonaws.com.cn")

_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
_LOCAL_PORTS: dict[int, str] = {
    11434: sc.PROVIDER_OLLAMA,
    8000: sc.PROVIDER_VLLM,
    1234: sc.PROVIDER_LM_STUDIO,
    8080: sc.PROVIDER_LLAMA_CPP,
}


def provider_from_url(host: str | None, port: int | None, default: str, *, path: str | None = None) -> str:
    """The ``gen_ai.provider.name`` for a base URL's host and port, or ``default``.

    ``path`` (the base URL's path) only matters for Azure AI Foundry hosts, which serve both
    the Azure OpenAI API (``/openai/...``) and the Azure AI model inference API (``/models``).
    """
    if not host or not isinstance(host, str):
        return default
    host = host.lower().rstrip(".")
    exact = _EXACT_HOSTS.get(host)
    if exact is not None:
        return exact
    for suffix, provider in _HOST_SUFFIXES:
        if host.endswith(suffix):
            return provider
    if host.endswith(_AZURE_SERVICES_SUFFIX):
        if path is None or "/openai" in path:
            return sc.PROVIDER_AZURE_OPENAI
        return sc.PROVIDER_AZURE_AI_INFERENCE
    if host.startswith(_BEDROCK_PREFIXES) and host.endswith(_BEDROCK_SUFFIXES):
        return sc.PROVIDER_AWS_BEDROCK
    if host in _LOOPBACK_HOSTS and port is not None:
        return _LOCAL_PORTS.get(port, default)
    return default

"""Every attribute, metric and event name genai_otel emits, in one place.

Target: OpenTelemetry GenAI semantic conventions (semconv-genai v0.1.0). The Python package
``opentelemetry-semantic-conventions`` marks its ``gen_ai.*`` constants deprecated, so the
names live here. This module is a leaf: plain strings, no imports of OpenTelemetry, so
provider adapters may import vendor keys from it too.

The choice between the latest and the legacy metric names lives here (``METRIC_SETS``) and in
``instruments.py``, nowhere else.
"""

from __future__ import annotations

# --- common -------------------------------------------------------------------------------------
ERROR_TYPE = "error.type"
SERVER_ADDRESS = "server.address"
SERVER_PORT = "server.port"

# --- gen_ai span attributes --------------------------------------------------------------------
OPERATION_NAME = "gen_ai.operation.name"
PROVIDER_NAME = "gen_ai.provider.name"
SYSTEM_DEPRECATED = "gen_ai.system"  # read only, from older instrumentations' spans
CONVERSATION_ID = "gen_ai.conversation.id"
OUTPUT_TYPE = "gen_ai.output.type"
PROMPT_NAME = "gen_ai.prompt.name"
PROMPT_VERSION = "gen_ai.prompt.version"
REQUEST_MODEL = "gen_ai.request.model"
REQUEST_CHOICE_COUNT = "gen_ai.request.choice.count"
REQUEST_SEED = "gen_ai.request.seed"
REQUEST_STREAM = "gen_ai.request.stream"
REQUEST_TOP_K = "gen_ai.request.top_k"
REQUEST_TOP_P = "gen_ai.request.top_p"
REQUEST_TEMPERATURE = "gen_ai.request.temperature"
REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens"
REQUEST_FREQUENCY_PENALTY = "gen_ai.request.frequency_penalty"
REQUEST_PRESENCE_PENALTY = "gen_ai.request.presence_penalty"
REQUEST_STOP_SEQUENCES = "gen_ai.request.stop_sequences"
REQUEST_REASONING_LEVEL = "gen_ai.request.reasoning.level"
REQUEST_ENCODING_FORMATS = "gen_ai.request.encoding_formats"
REQUEST_PREVIOUS_RESPONSE_ID = "gen_ai.request.previous_response.id"
RESPONSE_ID = "gen_ai.response.id"
RESPONSE_MODEL = "gen_ai.response.model"
RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons"
RESPONSE_TIME_TO_FIRST_CHUNK = "gen_ai.response.time_to_first_chunk"
EMBEDDINGS_DIMENSION_COUNT = "gen_ai.embeddings.dimension.count"

# execute_tool spans (gen-ai-spans.md); arguments and result are opt-in content
TOOL_NAME = "gen_ai.tool.name"
TOOL_CALL_ID = "gen_ai.tool.call.id"
TOOL_TYPE = "gen_ai.tool.type"
TOOL_DESCRIPTION = "gen_ai.tool.description"
TOOL_CALL_ARGUMENTS = "gen_ai.tool.call.arguments"
TOOL_CALL_RESULT = "gen_ai.tool.call.result"

USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens"
USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens"
USAGE_CACHE_READ_INPUT_TOKENS = "gen_ai.usage.cache_read.input_tokens"
USAGE_CACHE_WRITE_INPUT_TOKENS = "gen_ai.usage.cache_write.input_tokens"
USAGE_REASONING_OUTPUT_TOKENS = "gen_ai.usage.reasoning.output_tokens"


def usage_modality_input(modality: str) -> str:
    return f"gen_ai.usage.{modality}.input_tokens"


def usage_modality_output(modality: str) -> str:
    return f"gen_ai.usage.{modality}.output_tokens"


# --- content (opt-in) ----------------------------------------------------------------------------
INPUT_MESSAGES = "gen_ai.input.messages"
OUTPUT_MESSAGES = "gen_ai.output.messages"
SYSTEM_INSTRUCTIONS = "gen_ai.system_instructions"
TOOL_DEFINITIONS = "gen_ai.tool.definitions"
EVENT_OPERATION_DETAILS = "gen_ai.client.inference.operation.details"

# --- metric attributes -----------------------------------------------------------------------------
TOKEN_MODALITY = "gen_ai.token.modality"
TOKEN_TYPE = "gen_ai.token.type"
TOKEN_TYPE_INPUT = "input"
TOKEN_TYPE_OUTPUT = "output"
MODALITY_UNKNOWN = "unknown"

# --- provider values (gen_ai.provider.name registry) ----------------------------------------------
PROVIDER_OPENAI = "openai"
PROVIDER_AZURE_OPENAI = "azure.ai.openai"
PROVIDER_ANTHROPIC = "anthropic"
PROVIDER_AZURE_AI_INFERENCE = "azure.ai.inference"
PROVIDER_AWS_BEDROCK = "aws.bedrock"
PROVIDER_GCP_GEMINI = "gcp.gemini"
PROVIDER_GCP_VERTEX_AI = "gcp.vertex_ai"
PROVIDER_DEEPSEEK = "deepseek"
PROVIDER_GROQ = "groq"
PROVIDER_MISTRAL_AI = "mistral_ai"
PROVIDER_MOONSHOT_AI = "moonshot_ai"
PROVIDER_PERPLEXITY = "perplexity"
PROVIDER_X_AI = "x_ai"
# not in the registry: lowercase snake names of our own
PROVIDER_TOGETHER_AI = "together_ai"
PROVIDER_OPENROUTER = "openrouter"
PROVIDER_OLLAMA = "ollama"
PROVIDER_VLLM = "vllm"
PROVIDER_LM_STUDIO = "lm_studio"
PROVIDER_LLAMA_CPP = "llama_cpp"
PROVIDER_HUGGINGFACE = "huggingface"
PROVIDER_LITELLM = "litellm"  # litellm could not route the model
PROVIDER_COHERE = "cohere"

# --- names from open proposals or other conventions, used by single adapters ----------------------
GEN_AI_AGENT_ID = "gen_ai.agent.id"  # Mistral agents calls (gen-ai agent attributes)
# rerank (proposed in semantic-conventions-genai#253)
RERANK_TOP_N = "gen_ai.rerank.top_n"
RERANK_CANDIDATE_COUNT = "gen_ai.rerank.candidate.count"

# --- vendor attributes ---------------------------------------------------------------------------
OPENAI_API_TYPE = "openai.api.type"
OPENAI_API_TYPE_CHAT_COMPLETIONS = "chat_completions"
OPENAI_API_TYPE_RESPONSES = "responses"
OPENAI_REQUEST_SERVICE_TIER = "openai.request.service_tier"
OPENAI_RESPONSE_SERVICE_TIER = "openai.response.service_tier"
OPENAI_RESPONSE_SYSTEM_FINGERPRINT = "openai.response.system_fingerprint"
ANTHROPIC_REQUEST_SERVICE_TIER = "anthropic.request.service_tier"
ANTHROPIC_RESPONSE_SERVICE_TIER = "anthropic.response.service_tier"
COHERE_REQUEST_INPUT_TYPE = "cohere.request.input_type"
# Cohere's billed units (the caller's text without the prompt template Cohere adds; what it bills):
# gen_ai.usage.* are the tokens the model processed (docs/ARCHITECTURE.md, decisions)
COHERE_USAGE_BILLED_INPUT_TOKENS = "cohere.usage.billed_units.input_tokens"
COHERE_USAGE_BILLED_OUTPUT_TOKENS = "cohere.usage.billed_units.output_tokens"
AWS_BEDROCK_GUARDRAIL_ID = "aws.bedrock.guardrail.id"
AWS_REQUEST_ID = "aws.request_id"
# Groq's timings (seconds; no semconv home): our own namespace
GROQ_QUEUE_TIME = "genai_otel.groq.queue_time"
GROQ_PROMPT_TIME = "genai_otel.groq.prompt_time"
GROQ_COMPLETION_TIME = "genai_otel.groq.completion_time"

# --- metrics --------------------------------------------------------------------------------------
DURATION_BUCKETS = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92)
TOKEN_BUCKETS = (
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
)  # fmt: skip

# latest (semconv-genai v0.1.0)
M_INFERENCE_DURATION = "gen_ai.client.inference.duration"
M_INFERENCE_TTFC = "gen_ai.client.inference.time_to_first_chunk"
M_INFERENCE_TPOC = "gen_ai.client.inference.time_per_output_chunk"
M_USAGE_INPUT = "gen_ai.client.inference.usage.input_tokens"
M_USAGE_OUTPUT = "gen_ai.client.inference.usage.output_tokens"
M_USAGE_CACHE_READ = "gen_ai.client.inference.usage.cache_read.input_tokens"
M_USAGE_CACHE_WRITE = "gen_ai.client.inference.usage.cache_write.input_tokens"
M_USAGE_REASONING = "gen_ai.client.inference.usage.reasoning.output_tokens"
M_OPERATION_INPUT = "gen_ai.client.inference.operation.input_tokens"
M_OPERATION_OUTPUT = "gen_ai.client.inference.operation.output_tokens"
M_EMBEDDINGS_DURATION = "gen_ai.client.embeddings.duration"
M_EMBEDDINGS_INPUT = "gen_ai.client.embeddings.operation.input_tokens"
#: non-inference client operations (rerank); SHOULD NOT be reported for inference
M_OPERATION_DURATION = "gen_ai.client.operation.duration"
M_EXECUTE_TOOL_DURATION = "gen_ai.execute_tool.duration"

# legacy (semconv v1.37-v1.41)
M_LEGACY_DURATION = M_OPERATION_DURATION  # one name, one instrument
M_LEGACY_TOKEN_USAGE = "gen_ai.client.token.usage"
M_LEGACY_TTFC = "gen_ai.client.operation.time_to_first_chunk"
M_LEGACY_TPOC = "gen_ai.client.operation.time_per_output_chunk"

SEMCONV_LATEST = "latest"
SEMCONV_LEGACY = "legacy"
SEMCONV_BOTH = "both"
SEMCONV_MODES = (SEMCONV_LATEST, SEMCONV_LEGACY, SEMCONV_BOTH)

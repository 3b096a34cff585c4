# The demo app: genai_otel (with its genai-otel-instrument launcher) and the examples, which run
# against the model service and, with OPENAI_API_KEY / ANTHROPIC_API_KEY set, the real APIs.
FROM python:3.12-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . 'openai>=3.0' 'anthropic>=2.0'
COPY examples ./examples
CMD ["python", "examples/demo.py", "--base-url", "http://model:8080", "--repeat", "60"]

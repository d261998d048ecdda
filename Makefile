# Two commands for users: `make run` and `make test`. Both create .venv and install what they need when the
# requirements changed (a stamp file remembers the last install): `run` the runtime only, `test` the tools too.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint bench image clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP) $(DEV_STAMP)

run: $(STAMP)
	$(BIN)/python bot.py

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy bot.py handlers services
	$(BIN)/lint-imports

# Two workers: each test runs its own bot against its own fakes on ephemeral ports, so they do not meet; on the
# 2-core CI machine this halves the suite (about 2.5 minutes instead of 5).
test: lint
	$(BIN)/python -m pytest -n 2

# Benchmarks print figures (docs/benchmarks.md says what each measures). The real PDFs come from ../shared when
# it is beside the clone, else they are fetched once by arXiv ID into bench/.cache (see bench/corpus.py).
bench: $(DEV_STAMP)
	$(BIN)/python bench/pipeline.py
	$(BIN)/python bench/figures.py
	$(BIN)/python bench/cards.py
	$(BIN)/python bench/faithfulness.py
	$(BIN)/python bench/phone.py
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/latency.py
	$(BIN)/python bench/relevance.py
	$(BIN)/python bench/storm.py

image:
	@command -v docker >/dev/null || { echo "make image needs docker (see docs/operations.md)"; exit 2; }
	docker build -t papergram .

clean:
	rm -rf $(VENV)

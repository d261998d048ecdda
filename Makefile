# Two commands for users: `make run` and `make test`. Both create .venv and install requirements.txt when
# it changed (the stamp file remembers the last installed version).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench image clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python bot.py

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy services
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/pipeline.py ../shared/pdfs
	$(BIN)/python bench/figures.py ../shared/pdfs
	$(BIN)/python bench/cards.py ../shared/pdfs
	$(BIN)/python bench/fanout.py
	$(BIN)/python bench/relevance.py

image:
	@command -v docker >/dev/null || { echo "make image needs docker (see README, Deployment)"; exit 2; }
	docker build -t papergram .

clean:
	rm -rf $(VENV)

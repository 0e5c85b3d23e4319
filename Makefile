# The two set-up commands of README.md: `make repro` (pipeline) and `make test` (tests). Both create .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Stage commands call plain `python`/`dvc`: the venv must come first on PATH for them too.
export PATH := $(CURDIR)/$(BIN):$(PATH)
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
STAMP := $(VENV)/.installed

.PHONY: venv repro test bench clean-venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

repro: venv
	$(BIN)/dvc config core.analytics false
	$(BIN)/dvc repro

test: venv
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

# Every benchmark, with its arguments: pipeline.py times a whole run in a fresh copy; the others read this
# checkout's datasets and models, hence `repro` first (a no-op when they are up to date).
# tests/core/test_make_bench.py checks that every benchmarks/*.py is listed here.
bench: repro
	$(BIN)/python benchmarks/pipeline.py
	$(BIN)/python benchmarks/reproduce.py
	$(BIN)/python benchmarks/render.py
	$(BIN)/python benchmarks/locate.py
	$(BIN)/python benchmarks/train_speed.py
	$(BIN)/python benchmarks/transcribe.py
	$(BIN)/python benchmarks/reading_errors.py models/sequence-v03_aug.pt data/datasets/engraved_real

clean-venv:
	rm -rf $(VENV)

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

bench: venv
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

clean-venv:
	rm -rf $(VENV)

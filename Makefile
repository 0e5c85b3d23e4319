# The two set-up commands of README.md: `make repro` (pipeline) and `make test` (tests). Both create .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Stage commands call plain `python`/`dvc`: the venv must come first on PATH for them too.
export PATH := $(CURDIR)/$(BIN):$(PATH)
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
STAMP := $(VENV)/.installed

.PHONY: venv lilypond repro test bench clean-venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# LilyPond engraves the engraved_lilypond test set (issue 25: an engraver no training set uses). It is a Debian package,
# not a Python one, so pip cannot bring it: apt-get does, once (as root, or through sudo). Skipped wherever `lilypond`
# is already on PATH, whatever its version (meta.json records the version the set was engraved with).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
lilypond:
	@command -v lilypond >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		$(SUDO) apt-get install -y -qq --no-install-recommends lilypond; }
	@lilypond --version | head -n 1

# `repro` does not need LilyPond until engraved_lilypond becomes a stage of the pipeline (issue 25).
repro: venv
	$(BIN)/dvc config core.analytics false
	$(BIN)/dvc repro

# The LilyPond tests run where `make lilypond` can install it and skip, saying why, where it cannot (no root, no
# network; sudo never prompts here): the rest of the suite never needs it.
test: venv
	@$(MAKE) --no-print-directory lilypond $(if $(SUDO),SUDO="sudo -n") || echo "make test: LilyPond not installed; tests/engrave/test_lilypond.py's engraving tests skip"
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

# Kuntur: the commands the README names. Everything runs from the repo's own .venv/.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
TAK_PORT ?= 8087

.PHONY: demo test lint bench bench-compare serve install install-dev install-bench postgres clean screens messages image image-check compose-check systemd-check

# Runtime install (what `make demo` needs); redone when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

# Development install: tests, lint, browser driver (uses Debian's Chromium, no download).
$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

# Benchmarks: the development install and the baselines they measure against (spopt).
$(VENV)/.installed-bench: $(VENV)/.installed-dev
	$(BIN)/python -m pip install -q -e ".[dev,bench]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
install-bench: $(VENV)/.installed-bench

demo: install
	$(BIN)/kuntur db upgrade
	$(BIN)/kuntur demo seed
	$(BIN)/kuntur demo command
	$(BIN)/kuntur intel index
	$(BIN)/kuntur demo forecasts
	$(BIN)/kuntur forecast run
	$(BIN)/kuntur demo patrol
	$(BIN)/kuntur demo public
	$(BIN)/kuntur demo border
	$(BIN)/kuntur demo results
	$(BIN)/kuntur demo users
	@echo "Kuntur: http://$(HOST):$(PORT)/  TAK (CoT, PNP): tcp://$(HOST):$(TAK_PORT)  (Ctrl-C para detener)"
	$(BIN)/kuntur exchange tak serve --host $(HOST) --tcp-port $(TAK_PORT) --tcp-agency PNP & tak=$$!; \
	trap 'kill $$tak 2>/dev/null' EXIT INT TERM; \
	$(BIN)/kuntur serve --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/kuntur serve --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

postgres:
	@scripts/ensure-postgres.sh

# Extract every domain's messages (code and templates) and update its English catalogue
# (src/kuntur/<domain>/locale/en/LC_MESSAGES/kuntur.po); tests/test_messages.py then names
# what still needs its English.
messages: install
	PYTHONPATH=src $(BIN)/python scripts/messages.py

test: install-dev lint postgres
	$(BIN)/pytest

# Screenshots of every page as each role sees it, into docs/screens/roles/ (Chromium).
screens: install-dev
	rm -rf docs/screens/roles
	KUNTUR_SCREENS=docs/screens/roles $(BIN)/pytest -q tests/web/test_role_screens.py

bench: install-bench postgres
	$(BIN)/python -m benchmarks.run $(ARGS)

# The same suite at REF (a temporary git worktree) and at this working tree, interleaved.
REF ?=
SUITE ?= foundation
ROUNDS ?= 3
bench-compare: install-bench postgres
	@test -n "$(REF)" || { echo "usage: make bench-compare REF=<commit> [SUITE=foundation|load|audit] [ROUNDS=3] [ARGS='--rows 300000']" >&2; exit 2; }
	$(BIN)/python -m benchmarks.compare $(REF) --suite $(SUITE) --rounds $(ROUNDS) $(ARGS)

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache

# The production image (docs/operations.md). On a build host without Docker Hub:
# `sudo deploy/base-image.sh` first, then `make image BASE_IMAGE=kuntur-base:bookworm`.
BASE_IMAGE ?= python:3.11.7-slim-bookworm
DOCKER_BUILD_ARGS ?=
image:
	docker build --build-arg BASE_IMAGE=$(BASE_IMAGE) $(DOCKER_BUILD_ARGS) -t kuntur:latest .

# The image exercised as an operator uses it (scripts/image_check.py): needs docker, caddy
# and the PostgreSQL on 127.0.0.1:5432.
image-check: install-dev image
	$(BIN)/python scripts/image_check.py --image kuntur:latest

# deploy/compose.yaml brought up as the guide says, on a copy of deploy/ (as root; docs/operations.md).
compose-check: image
	sh scripts/compose_check.sh

# The guide's systemd block run as written on a clean Debian 12 with systemd (a container; as root).
systemd-check:
	sh scripts/systemd_check.sh

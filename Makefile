# The two commands a newcomer needs: `make run` and `make test`. Both set up .venv on first use.
#   make run                   web UI + REST API on http://127.0.0.1:8000/ui
#   make run PORT=8080         on another port (HOST=0.0.0.0 too, with COMPASS_UI_USERS and COMPASS_API_KEYS set)
#   make test                  the whole test suite (installs the test tools as well)
PYTHON ?= python3
PORT   ?= 8000
HOST   ?= 127.0.0.1
VENV   := .venv
BIN    := $(VENV)/bin
# What is installed, one stamp each: serving needs the package alone, the tests also need its dev extras.
# uv installs the pinned dependencies into the venv (a clean clone's install took ~90 s with pip, ~10 s with uv here);
# -q: errors only.
SERVE_STAMP := $(VENV)/.installed-serve
DEV_STAMP   := $(VENV)/.installed-dev
UV          := $(BIN)/uv pip install --quiet --python $(BIN)/python

.PHONY: run test install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --quiet uv==0.13.8

$(SERVE_STAMP): pyproject.toml | $(BIN)/python
	$(UV) -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(UV) -e ".[dev]"
	touch $@ $(SERVE_STAMP)

install: $(SERVE_STAMP)

install-dev: $(DEV_STAMP)

# The main job on embedded defaults (no database, cluster or LLM to set up): web UI + REST API.
run: $(SERVE_STAMP)
	$(BIN)/compass serve --host $(HOST) --port $(PORT)

# The whole test suite against a real embedded PostgreSQL + pgvector (each test worker starts its own embedded server),
# one test worker more than cores: many tests wait on servers and subprocesses, and one worker per core left the two
# cores 159% busy. A file's tests stay in one worker: the blind dev gate's tests share one run of the rounds (a module
# fixture), and they go first, as collected (tests/conftest.py), not after the files with more tests.
# (Not --dist loadgroup: pytest-xdist 3.8 marks groups on Node._nodeid, which pytest 9 no longer reads.)
# The tests start ~300 Python processes (~180 of them compass CLI, API servers, simulators): each would compile every module
# from source again (~1 s of CPU) where PYTHONDONTWRITEBYTECODE is set, as in many CI images, so it is unset here.
WORKERS ?= $(shell $(PYTHON) -c 'import os; print(len(os.sched_getaffinity(0)) + 1)')
test: $(DEV_STAMP)
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest -q -n $(WORKERS) --dist loadfile --no-loadscope-reorder

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

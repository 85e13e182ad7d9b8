# Two commands set up a fresh machine: `make build` and `make test`.
# Python: PYTHON from the command line or the environment (make build PYTHON=python3.12), else the
# newest python3.X on PATH that runs and is 3.11 or newer (a pyenv shim of an inactive version
# does not run, so it is skipped), else python3.
PYTHON ?= $(shell for v in 20 19 18 17 16 15 14 13 12 11; do \
	python3.$$v -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo python3.$$v; exit 0; }; \
	done; echo python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: build test check serve clean python

# (Re)create the virtual environment when it is missing or older than pyproject.toml or the lock
# file; every package comes at the version pinned in requirements.lock.
$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
		echo "Python 3.11 or newer is needed: '$(PYTHON)' is missing or older (set PYTHON=/path/to/python3.12)." >&2; exit 2; }
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/manual build

test: $(STAMP)
	$(BIN)/python -m pytest

check: $(STAMP)
	$(BIN)/manual check

serve: $(STAMP)
	$(BIN)/manual serve

clean:
	rm -rf build

# Which Python `make build` would use (and its version).
python:
	@echo "$(PYTHON): $$($(PYTHON) --version 2>&1)"

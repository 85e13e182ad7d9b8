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

.PHONY: build test check serve clean python editor editor-for-tests

# The web editor's npm packages (Decap CMS and its local backend, exact versions in
# tools/editor/package-lock.json). `make test` installs them when node and npm are there;
# without them only the editor's browser tests are skipped, with the reason.
EDITOR_STAMP := tools/editor/node_modules/.installed
HAVE_NPM     := $(shell command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && echo yes)
TEST_NEEDS   := $(STAMP) $(if $(HAVE_NPM),editor-for-tests)

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

test: $(TEST_NEEDS)
	$(BIN)/python -m pytest

$(EDITOR_STAMP): tools/editor/package.json tools/editor/package-lock.json
	@command -v npm >/dev/null || { echo "node and npm are needed for the web editor (Debian: apt-get install nodejs npm)." >&2; exit 2; }
	cd tools/editor && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $(EDITOR_STAMP)

editor: $(EDITOR_STAMP)

# for `make test`: a failed npm install (no registry) skips the editor's browser tests instead of failing
editor-for-tests:
	@$(MAKE) --no-print-directory $(EDITOR_STAMP) || echo "note: the web editor's npm packages could not be installed; its browser tests will be skipped" >&2

check: $(STAMP)
	$(BIN)/manual check

serve: $(STAMP)
	$(BIN)/manual serve

clean:
	rm -rf build

# Which Python `make build` would use (and its version).
python:
	@echo "$(PYTHON): $$($(PYTHON) --version 2>&1)"

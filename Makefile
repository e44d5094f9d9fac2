# Recruit: `make run` serves the app on http://127.0.0.1:5000; `make test` runs the whole suite.
# Both set everything up first on a fresh machine (virtualenv, Python packages, GOV.UK Frontend assets).
# `make lock` refreshes the Python lock files from pyproject.toml; `make audit` checks the locked
# Python and npm packages against the registries' published vulnerability advisories.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app recruit
GOVUK := recruit/static/govuk
LOCK := requirements/lock.txt
# pip-tools and pip-audit live in their own environment so they never change the app's packages.
TOOLS := .venv-tools
GOVUK_VERSION := $(shell sed -n 's/.*"govuk-frontend": *"\([^"]*\)".*/\1/p' package.json)

.PHONY: install assets browser db run test test-fast lock audit clean

install: $(VENV)/.installed assets

# Python packages come only from requirements/lock.txt: exact versions, each with the sha256 hashes
# of its published files, so every machine installs the same files and pip refuses any that differ.
# The lock also pins pip and setuptools (requirements/install.in). check_lock.py stops here if
# pyproject.toml asks for something the lock lacks; Recruit itself then goes on top, resolving nothing.
$(VENV)/.installed: pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# First the lock's own pip, by its hashes: the pip a new virtualenv comes with can be too old to match a
	# dependency's extras (weasyprint's fonttools[woff]) to the locked pin once a newer release is published.
	sed -n '/^pip==/,/^    #/p' $(LOCK) | grep -v '^    #' > $(VENV)/pip-lock.txt
	$(BIN)/python -m pip install --quiet --require-hashes -r $(VENV)/pip-lock.txt
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python requirements/check_lock.py
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(TOOLS)/.installed: requirements/tools.txt
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	# As for the app's environment: the lock's own pip first, which matches pip-audit's cachecontrol[filecache] to
	# the locked pin where an older pip looks for the newest release.
	sed -n '/^pip==/,/^    #/p' requirements/tools.txt | grep -v '^    #' > $(TOOLS)/pip-lock.txt
	$(TOOLS)/bin/python -m pip install --quiet --require-hashes -r $(TOOLS)/pip-lock.txt
	$(TOOLS)/bin/python -m pip install --quiet --require-hashes -r requirements/tools.txt
	touch $@

# Refresh the locks with pip-tools: pyproject.toml's dependencies and `test` extra (plus
# requirements/install.in) into requirements/lock.txt, requirements/tools.in into tools.txt, for this
# machine's Python, with hashes for every published file of each pin. Pins that still fit are kept;
# `make lock UPGRADE=1` moves them all to the newest allowed, `make lock UPGRADE_PACKAGE=name` one.
# Commit the changed requirements/*.txt; `make install` then brings an environment up to date.
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(TOOLS)/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --newline lf \
	$(if $(UPGRADE),--upgrade) $(if $(UPGRADE_PACKAGE),--upgrade-package $(UPGRADE_PACKAGE))

lock: $(TOOLS)/.installed
	$(PIP_COMPILE) --extra test --output-file $(LOCK) pyproject.toml requirements/install.in
	$(PIP_COMPILE) --output-file requirements/tools.txt requirements/tools.in

# Known vulnerabilities in the locked Python packages (pip-audit, PyPI's advisories) and npm packages
# (npm audit). A vulnerability with a fixed release fails; one with no fix yet is listed as a warning;
# an advisory service that cannot be reached is reported as not checked without failing, unless
# `make audit AUDIT_STRICT=1`. requirements/audit.py says what each outcome means.
audit: $(TOOLS)/.installed
	$(TOOLS)/bin/python requirements/audit.py $(if $(AUDIT_STRICT),--strict)

# Lint, format and types: ruff check, ruff format --check and mypy (strict for services and models),
# configured in pyproject.toml; CI fails on any finding. `make format` rewrites the tree in ruff's style
# and applies ruff's safe fixes.
.PHONY: lint format
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# GOV.UK Frontend from npm, copied into recruit/static (not committed). The stylesheet
# refers to /assets/...; it is rewritten to where Flask serves the files.
assets: $(GOVUK)/.version-$(GOVUK_VERSION)

$(GOVUK)/.version-$(GOVUK_VERSION): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	rm -rf $(GOVUK) && mkdir -p $(GOVUK)
	cp -R node_modules/govuk-frontend/dist/govuk/assets $(GOVUK)/assets
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(GOVUK)/
	sed 's#url(/assets/#url(/static/govuk/assets/#g' node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css > $(GOVUK)/govuk-frontend.min.css
	touch $@

# The browser tests drive Debian's Chromium; install it when it is missing (needs root, as in CI).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

db: install
	$(FLASK) db upgrade
	$(FLASK) seed

# In development (RECRUIT_ENV unset or "development") `make run` also makes the demonstration, once, and prints
# how to sign in (`flask demo`, seeds/demo/demo.yaml); `DEMO=0 make run` leaves it out.
DEMO ?= 1

run: db
	@if [ "$(DEMO)" != "0" ] && [ "$${RECRUIT_ENV:-development}" = "development" ]; then $(FLASK) demo; fi
	$(FLASK) run --host 127.0.0.1 --port 5000

# Coverage of recruit/ is measured and printed at the end (files not wholly covered, then the total);
# the run fails below the floor in pyproject.toml. `coverage html` afterwards shows the lines missed.
# Everything but the browser tests runs spread over two processes (each test file kept in one of them);
# the browser tests, which start servers and Chromium of their own, then run in one, adding to the coverage.
test: install browser
	$(BIN)/python -m pytest -m "not browser" -n 2 --dist loadfile --cov --cov-report= --cov-fail-under=0
	$(BIN)/python -m pytest -m browser --cov --cov-append --cov-report=term

# The quick loop while working: everything but the browser, fuzz and slow tests (see the markers in
# pyproject.toml), spread over two processes, each test file kept in one of them.
test-fast: install
	$(BIN)/python -m pytest -m "not browser and not fuzz and not slow" -n 2 --dist loadfile

clean:
	rm -rf $(VENV) $(TOOLS) node_modules $(GOVUK) instance/recruit.db*

# Recruit: `make run` serves the app on http://127.0.0.1:5000; `make test` runs the whole suite.
# Both set everything up first on a fresh machine (virtualenv, Python packages, GOV.UK Frontend assets).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app recruit
GOVUK := recruit/static/govuk
GOVUK_VERSION := $(shell sed -n 's/.*"govuk-frontend": *"\([^"]*\)".*/\1/p' package.json)

.PHONY: install assets browser db run test clean

install: $(VENV)/.installed assets

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

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

run: db
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install browser
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) node_modules $(GOVUK) instance/recruit.db*

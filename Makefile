# Tribunal: `make run` serves the site with its scheduler, `make test` runs the suite.
# Both set everything up first (virtual env, install, translations, migrations, demo data)
# and do nothing more than needed when nothing has changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
BENCH_FLASK := $(BIN)/flask --app bench.wsgi
INSTALLED := $(VENV)/.installed
CATALOGS := $(patsubst %.po,%.mo,$(wildcard app/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test bench bench-quick wrk setup install translations migrate seed lint extract-messages clean

run: setup
	$(BIN)/honcho start

# The suite runs in up to three processes at once, since the browser journeys spend much of
# their time waiting for the browser and the site's scheduler: the journeys (their own server,
# on SQLite), the rest on SQLite and, with TEST_DATABASE_URL, the rest on PostgreSQL but for
# the modules marked one_pass (pyproject.toml). Each report is printed once all have
# finished; any failing fails the target.
REPORTS := test-artifacts/reports

test: setup
	@mkdir -p $(REPORTS); \
	sqlite=0; browser=0; pg=0; \
	env -u TEST_DATABASE_URL $(BIN)/pytest -m browser > $(REPORTS)/browser.log 2>&1 & browser_pid=$$!; \
	if [ -n "$$TEST_DATABASE_URL" ]; then \
		$(BIN)/pytest -m "not browser and not one_pass" > $(REPORTS)/postgresql.log 2>&1 & pg_pid=$$!; \
	fi; \
	echo "== the suite on SQLite, beside the browser journeys$${TEST_DATABASE_URL:+ and the suite on PostgreSQL}: their reports follow"; \
	env -u TEST_DATABASE_URL $(BIN)/pytest -m "not browser" || sqlite=$$?; \
	wait $$browser_pid || browser=$$?; \
	echo "== the browser journeys"; \
	cat $(REPORTS)/browser.log; \
	if [ -n "$$TEST_DATABASE_URL" ]; then \
		wait $$pg_pid || pg=$$?; \
		echo "== the suite on PostgreSQL ($$(echo $$TEST_DATABASE_URL | sed 's/:[^:@/]*@/:***@/'))"; \
		cat $(REPORTS)/postgresql.log; \
	fi; \
	test $$sqlite = 0 && test $$browser = 0 && test $$pg = 0

# The benchmark (docs/performance.md): 10k, 100k and 1M cases, or 10k and short loads.
# It runs on SQLite, and on PostgreSQL too when DATABASE_URL points at a database of its own,
# and then on a cluster of two web nodes sharing a Redis server (Debian's redis-server).
# Its commands and server use the benchmark's app (bench/app.py), not the site's wsgi.
bench: install translations wrk
	$(BENCH_FLASK) bench run

bench-quick: install translations wrk
	$(BENCH_FLASK) bench run --quick

wrk:
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; \
		else \
			echo "The benchmark drives the site with wrk: sudo apt-get install wrk"; exit 1; \
		fi; }

setup: install translations migrate seed

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

translations: $(CATALOGS)

app/translations/%/LC_MESSAGES/messages.mo: app/translations/%/LC_MESSAGES/messages.po $(INSTALLED)
	$(BIN)/pybabel compile --use-fuzzy -d app/translations -l $* -i $< -o $@

migrate: $(INSTALLED)
	@mkdir -p instance
	$(FLASK) db upgrade

seed: $(INSTALLED)
	$(FLASK) demo seed --if-empty

lint: $(INSTALLED)
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench
	$(BIN)/lint-imports

extract-messages: $(INSTALLED)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot app
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations

clean:
	rm -rf $(VENV) instance .pytest_cache

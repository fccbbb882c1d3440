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

# With TEST_DATABASE_URL, the suite runs on PostgreSQL beside the one on SQLite (one core
# each); its report is printed once both have finished, and either failing fails the target.
PG_REPORT := test-artifacts/postgresql-suite.log

test: setup
	@pg=0; sqlite=0; \
	if [ -n "$$TEST_DATABASE_URL" ]; then \
		mkdir -p test-artifacts; \
		echo "== the suite on PostgreSQL, beside SQLite: its report follows SQLite's"; \
		$(BIN)/pytest -m "not browser" > $(PG_REPORT) 2>&1 & pg_pid=$$!; \
	fi; \
	echo "== the suite on SQLite"; \
	env -u TEST_DATABASE_URL $(BIN)/pytest || sqlite=$$?; \
	if [ -n "$$TEST_DATABASE_URL" ]; then \
		wait $$pg_pid || pg=$$?; \
		echo "== the suite on PostgreSQL ($$(echo $$TEST_DATABASE_URL | sed 's/:[^:@/]*@/:***@/'))"; \
		cat $(PG_REPORT); \
	fi; \
	test $$sqlite = 0 && test $$pg = 0

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

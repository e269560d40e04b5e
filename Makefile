# The two promised commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes for `make test` and `make test-postgres` (pytest-xdist): one per CPU. On a
# machine busy with other work, TEST_WORKERS=0 runs the tests in this process instead.
TEST_WORKERS ?= auto

.PHONY: run test test-browser test-postgres test-redis drills lint format migrations-check check demo-passwords bench clean messages

$(VENV)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# A local secret key, made once, so sign-ins survive restarts of the local server.
.env:
	$(PYTHON) -c "import secrets; print('DJANGO_SECRET_KEY=' + secrets.token_urlsafe(50))" > $@

## run: set everything up and serve the demo on http://127.0.0.1:8000/
# Links in emails and printed sign-off links point at this server, unless DJANGO_SITE_URL says
# otherwise.
run: export DJANGO_SITE_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.runtime .env
	mkdir -p var
	$(MANAGE) migrate --no-input --verbosity 0
	$(MANAGE) collectstatic --no-input --verbosity 0
	@echo "Database ready (var/db.sqlite3)."
	$(MANAGE) load_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/$${DJANGO_ADMIN_URL:-admin/}), with the worker that sends press emails. Ctrl+C stops both."
	@# The background worker that sends press emails runs beside the web server, and stops with it.
	$(MANAGE) press_worker --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' INT TERM EXIT; \
	$(MANAGE) runserver --noreload $(HOST):$(PORT)

## test: set everything up and run the whole test suite
test: $(VENV)/.dev
	$(BIN)/pytest -n $(TEST_WORKERS)

## test-browser: the public site in Chromium (needs Debian's chromium: apt-get install chromium),
## with the Nu HTML Checker and Lighthouse, which .ci/web-checkers.sh installs under var/tools
## (it needs Java and npm, and installs them only as root: apt-get install default-jre-headless npm)
test-browser: $(VENV)/.dev
	@bash .ci/web-checkers.sh >/dev/null || echo "Not installed: the HTML and SEO tests will fail, the others run."
	$(BIN)/pytest -m browser

## test-postgres: the test suite against a local PostgreSQL (installs and starts one; needs root)
test-postgres: $(VENV)/.dev
	DATABASE_URL=$$(bash .ci/postgres.sh) $(BIN)/pytest -n $(TEST_WORKERS)

## test-redis: the tests of the site on several servers sharing a real Redis (page cache, the
## press emails' queue); they start their own redis-server, which .ci/redis.sh installs (root)
test-redis: $(VENV)/.dev
	bash .ci/redis.sh
	$(BIN)/pytest -m redis -n $(TEST_WORKERS)

## messages: gather the texts to translate into locale/cy/LC_MESSAGES/django.po (needs GNU
## gettext's xgettext: apt-get install gettext), then compile it in Python (no gettext needed)
messages: $(VENV)/.dev
	$(MANAGE) makemessages -l cy --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(MANAGE) compilecatalogues

## bench: time the statistics import (100,000 rows) and the public pages against data size, on
## throwaway SQLite files, then HTTP throughput with gunicorn and wrk (apt-get install wrk; on
## PostgreSQL too when DATABASE_URL names a server); see docs/performance.md
bench: $(VENV)/.dev
	$(BIN)/python -m bench.import_bench
	$(BIN)/python -m bench.page_bench
	$(BIN)/python -m bench.http_bench

## drills: what can go wrong on a busy day, done to real servers (docs/drills.md): the
## database restarted under load, a soak with an import and edits, the backup restored, and a
## full disk; installs and starts PostgreSQL and wrk and mounts a tmpfs, so it needs root
drills: $(VENV)/.dev
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	database_url=$$(bash .ci/postgres.sh) && \
	DATABASE_URL=$$database_url $(BIN)/python -m bench.drills.database_restart && \
	DATABASE_URL=$$database_url $(BIN)/python -m bench.drills.soak && \
	DATABASE_URL=$$database_url $(BIN)/python -m bench.drills.backup_restore && \
	$(BIN)/python -m bench.drills.full_disk

## demo-passwords: give the two demo accounts new passwords and print them
demo-passwords: $(VENV)/.runtime .env
	$(MANAGE) load_demo --reset-passwords

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(VENV)/.dev
	mkdir -p var
	$(MANAGE) makemigrations --check --dry-run

check: lint migrations-check test

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

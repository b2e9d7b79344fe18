# Two commands: `make run` serves the site with demo data (and runs the task worker beside it),
# `make test` runs the whole suite.
# Both set everything up from a fresh clone.

HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per core; 0 runs the tests in this process, as a debugger wants.
PYTEST_WORKERS ?= auto
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install lint messages catalogs clean

$(PY):
	@python=$$(scripts/find-python) || exit 1; \
	echo "Creating $(VENV) with $$python"; \
	"$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==26.3

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e . --group dev
	@touch $(STAMP)

install: $(STAMP)

# kk_Arab (Töte) is made from kk first, so a string translated into kk is there in Töte too.
messages: install
	DEBUG=true $(PY) manage.py tote_catalogs
	DJANGO_SETTINGS_MODULE= $(VENV)/bin/django-admin compilemessages --ignore=.venv --verbosity=0

# Refresh our catalogs from the code. Locations name the file only, so that an edit elsewhere in a
# file does not touch every catalog.
catalogs: install
	DEBUG=true $(PY) manage.py makemessages -l kk -l ru -l ug -l zh_Hans \
		--ignore=.venv --ignore=bench --ignore=tests --ignore=supplements --no-obsolete \
		--add-location=file
	DEBUG=true $(PY) manage.py tote_catalogs

.PHONY: system-packages-run system-packages-test
system-packages-run:
	@scripts/system-packages run
system-packages-test:
	@scripts/system-packages test

run: system-packages-run messages
	DEBUG=true $(PY) manage.py migrate --verbosity=0
	DEBUG=true $(PY) manage.py load_demo_data
	DEBUG=true $(PY) manage.py create_demo_staff --address $(HOST):$(PORT)
	DEBUG=true scripts/run-dev $(PY) $(HOST):$(PORT)

# Tests run with DEBUG off, as production does; these keys only sign and encrypt test data.
# axe-core for the browser tests' accessibility checks; installed for tests, never served.
AXE := tests/browser_tools/node_modules/axe-core/axe.min.js
$(AXE): tests/browser_tools/package.json tests/browser_tools/package-lock.json
	npm ci --prefix tests/browser_tools --no-audit --no-fund --silent
	touch $(AXE)

test: system-packages-test messages $(AXE)
	SECRET_KEY=test-only-not-a-secret ALLOWED_HOSTS=testserver,localhost,127.0.0.1 SERVE_MEDIA=true \
		FIELD_ENCRYPTION_KEYS=dGVzdC1vbmx5LWtleS1ub3QtZm9yLXByb2R1Y3Rpb24= \
		LOOKUP_HASH_KEY=test-only-lookup-key-not-for-production \
		SECURE_SSL_REDIRECT=false \
		$(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# Dead code: vulture reads the app; what Django, templates or a library call by name, which it
# cannot see, is listed in vulture_allowed.py (`make dead-code-allowlist` prints candidates).
DEAD_CODE := $(VENV)/bin/vulture advocacy cases vulture_allowed.py --min-confidence 60 \
	--exclude "*/migrations/*,advocacy/settings.py,advocacy/formats"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEAD_CODE)

.PHONY: dead-code-allowlist
dead-code-allowlist: install
	$(DEAD_CODE) --make-whitelist || true

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles

# Measures every budget of DESIGN.md and prints one table (bench/run.py; README, "Performance").
# Needs PostgreSQL, Redis and wrk here; about 11 minutes at 100,000 cases. Not part of `test`.
BENCH_ARGS ?=
.PHONY: bench
bench: messages
	$(PY) bench/run.py $(BENCH_ARGS)

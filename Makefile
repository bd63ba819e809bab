# Two commands set up everything on a fresh machine with Python 3.11:
#   make demo   — virtualenv, install, migrate, translations, demo agency, serve on :8000
#   make test   — install test tools, lint and check, run the suite on SQLite
#                 (and again on PostgreSQL when DATABASE_URL points at one)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8000
# Parallel test workers: one per core.
WORKERS ?= auto
# Python keeps the bytecode it compiles (__pycache__, ignored by git) even where the environment
# says not to (PYTHONDONTWRITEBYTECODE=1 on the project's machines): each test worker compiles and
# pytest rewrites every test module again otherwise, 5 s of every worker's start (issue #17).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo test venv test-venv messages lint check pytest serve clean

$(VENV)/.runtime: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "需要 $(PYTHON) / $(PYTHON) is required"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime
test-venv: $(VENV)/.dev

# Compiled from the .po files with Babel (pure Python: no gettext needed on the machine).
messages: $(VENV)/.runtime
	$(VENV)/bin/pybabel compile --domain django --directory locale --use-fuzzy --statistics 2>&1 | tail -n 3

# .env gives commands run by hand afterwards (manage.py workdays …) the same demo settings;
# only manage.py reads it, and it is not committed.
.env:
	printf '# Written by make demo: demo settings for manage.py on this machine (never for production).\nDJANGO_DEBUG=1\nDJANGO_DEMO=1\n' > $@

# Links in mail, receipts and the guide point at the port the demo serves on (or PORTAL_BASE_URL).
DEMO_URL = $(or $(PORTAL_BASE_URL),http://127.0.0.1:$(PORT))

demo: venv messages .env
	DJANGO_DEBUG=1 DJANGO_DEMO=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 DJANGO_DEMO=1 PORTAL_BASE_URL=$(DEMO_URL) $(PY) manage.py load_demo
	@echo ""
	@echo "门户 / portal:      http://127.0.0.1:$(PORT)/"
	@echo "工作台 / back office: http://127.0.0.1:$(PORT)/admin/"
	@echo "邮件 / mail:        $(CURDIR)/var/mail (发件箱由后台任务进程发送 / sent by the task worker)"
# The task worker (issue #21) delivers the outbox's mail in the background and stops with the server.
	DJANGO_DEBUG=1 DJANGO_DEMO=1 PORTAL_BASE_URL=$(DEMO_URL) $(PY) manage.py db_worker --queue-name default,mail --interval 1 --no-reload & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DJANGO_DEBUG=1 DJANGO_DEMO=1 PORTAL_BASE_URL=$(DEMO_URL) $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: test-venv
	$(VENV)/bin/ruff check .

check: test-venv messages
	DJANGO_SETTINGS_MODULE=portal.test_settings $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=portal.test_settings $(PY) manage.py makemigrations --check --dry-run

# The suite on SQLite always; on PostgreSQL too when DATABASE_URL names one. The browser tests
# check what a person sees and does in the page (scripts, layout, forms as filled); the server's
# work under them is tested on both databases without a browser. So they run once, on SQLite,
# except those whose page shows the database's own SQL at work (search), marked every_database.
# That saves 40% of the PostgreSQL run (issue #17).
test: lint check
	env -u DATABASE_URL $(VENV)/bin/pytest -n $(WORKERS) -q
	@case "$$DATABASE_URL" in \
	  postgres*) echo "== PostgreSQL: $$DATABASE_URL"; \
	    $(VENV)/bin/pytest -n $(WORKERS) -q -m "not browser or every_database" ;; \
	  *) echo "(DATABASE_URL 未指向 PostgreSQL，跳过 / no PostgreSQL configured: skipped)";; \
	esac

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
	find . -name '*.mo' -delete

"""Bad configuration stops start-up with one clear line, not a traceback wall."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, timeout: int = 60, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "PYTHONWARNINGS": "ignore", "PORTAL_ENV_FILE": "",
                        **env})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.parametrize("command", [("migrate", "--noinput"), ("check", "--deploy"), ("runserver", "--noreload")])
def test_missing_secret_key_in_production_mode_is_one_line(command):
    result = run_manage(*command)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DJANGO_SECRET_KEY" in lines[0]


@pytest.mark.parametrize("command", [("check",), ("makemigrations", "--check", "--dry-run")])
def test_commands_that_sign_nothing_run_on_a_fresh_clone_without_a_secret_key(command):
    result = run_manage(*command)
    assert result.returncode == 0, result.stderr


def test_unreachable_database_is_one_line():
    result = run_manage("migrate", "--noinput", DJANGO_SECRET_KEY="x" * 50,
                        DATABASE_URL="postgres://nobody@127.0.0.1:9/none", DATABASE_CONNECT_TIMEOUT="2")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "数据库" in lines[0]


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("DATABASE_URL", "mongodb://x/y", "DATABASE_URL"),
    ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG"),
    ("CACHE_URL", "memcached://x", "CACHE_URL"),
])
def test_malformed_settings_are_one_line(name, value, expected):
    result = run_manage("check", DJANGO_SECRET_KEY="x" * 50, **{name: value})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]


def test_production_settings_are_safe_by_default():
    result = run_manage("shell", "-c", "from django.conf import settings as s; "
                        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0, "
                        "s.X_FRAME_OPTIONS)", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["False", "True", "True", "True", "DENY"]


@pytest.fixture
def demo_database(tmp_path) -> Path:
    """Where `make demo` keeps its database: a copy of this worker's freshly migrated test database
    (tests/conftest.py), so the test's `migrate` finds nothing to do instead of taking 12–22 s.
    The demo's database is SQLite whatever database the suite runs on, so the test runs in the
    SQLite run only; on PostgreSQL it would migrate a new SQLite file to test the same thing again."""
    from tests.conftest import MIGRATED_SQLITE

    if "default" not in MIGRATED_SQLITE:
        pytest.skip("make demo's database is SQLite: tested in the suite's SQLite run")
    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(MIGRATED_SQLITE["default"], path)
    return path


@pytest.mark.django_db  # the worker's database is set up (and, on SQLite, copied) before this test
def test_make_demos_env_file_gives_hand_run_commands_the_demo_settings(tmp_path, demo_database):
    """After `make demo`, `manage.py workdays 2026-09-21 20` works without exporting anything."""
    env_file = tmp_path / ".env"
    database = f"sqlite:///{demo_database}"
    env_file.write_text(f"# written by make demo\nDJANGO_DEBUG=1\nDJANGO_DEMO=1\nDATABASE_URL={database}\n",
                        encoding="utf-8")
    assert run_manage("migrate", "-v0", PORTAL_ENV_FILE=str(env_file), timeout=300).returncode == 0
    result = run_manage("workdays", "2026-09-21", "20", PORTAL_ENV_FILE=str(env_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2026-10-26"


def test_an_unmigrated_database_says_so(tmp_path):
    result = run_manage("workdays", "2026-09-21", "20", DJANGO_DEBUG="1",
                        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "尚未初始化" in lines[0] and "migrate" in lines[0]


@pytest.mark.parametrize("args", [("9999-12-30", "5"), ("2026-01-01", "99999999")])
def test_workdays_beyond_the_calendar_is_one_clear_line(args):
    result = run_manage("workdays", *args, DJANGO_DEBUG="1")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1

"""The English catalogue is complete: every string in the source has a reviewed English translation.

The source language is Simplified Chinese; locale/en/LC_MESSAGES/django.po holds the English.
After adding or changing a translatable string, run

    DJANGO_SETTINGS_MODULE=portal.test_settings .venv/bin/python manage.py makemessages -l en \\
        --no-obsolete --ignore=.venv --ignore=bench --ignore=staticfiles --ignore=media

and translate the new (empty or fuzzy) entries.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
# The same directories the makemessages command above leaves out, plus the catalogues themselves.
SKIPPED_DIRS = {".venv", "bench", "staticfiles", "media", "locale", "node_modules", "__pycache__"}
SOURCE_EXTENSIONS = {".py", ".html", ".txt"}  # makemessages' defaults for the django domain


def _key(message) -> tuple[str | None, str]:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return message.context, msgid


def _load(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def _untranslated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(s and s.strip() for s in strings)


def test_every_entry_of_the_english_catalogue_is_translated_and_not_fuzzy():
    catalogue = _load(CATALOGUE)
    entries = [m for m in catalogue if m.id]
    assert entries, f"{CATALOGUE} has no entries"
    untranslated = [_key(m)[1] for m in entries if _untranslated(m)]
    fuzzy = [_key(m)[1] for m in entries if m.fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated entries, e.g.: {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries (check the translation, then drop the flag), e.g.: {fuzzy[:5]}"
    # Placeholders (%(name)s, %(n)d …) of python-format entries match their msgid.
    errors = [f"{_key(m)[1][:60]}: {error}" for m, error in catalogue.check()]
    assert not errors, "\n".join(errors[:20])


def _copy_sources(destination: Path) -> None:
    """The translatable files only, so makemessages never writes next to the real sources
    (it leaves preprocessed copies of templates beside them while it runs)."""
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in SKIPPED_DIRS and not d.startswith(".")]
        relative = Path(dirpath).relative_to(ROOT)
        for name in filenames:
            if Path(name).suffix in SOURCE_EXTENSIONS:
                (destination / relative).mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path(dirpath) / name, destination / relative / name)


MAKEMESSAGES = """
import sys
import django
from django.conf import settings
from django.core.management import call_command

django.setup()
settings.LOCALE_PATHS = [sys.argv[1]]
call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
"""


@pytest.mark.skipif(not all(shutil.which(tool) for tool in ("xgettext", "msguniq", "msgmerge")),
                    reason="GNU gettext (xgettext, msguniq, msgmerge) is not on the PATH: cannot extract "
                           "the source strings; the committed catalogue is still checked above")
def test_every_string_in_the_source_is_in_the_english_catalogue_and_translated(tmp_path):
    sources, locale = tmp_path / "src", tmp_path / "locale"
    _copy_sources(sources)
    locale.mkdir()
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update({"DJANGO_SETTINGS_MODULE": "portal.test_settings", "PYTHONPATH": str(ROOT),
                        "PYTHONWARNINGS": "ignore"})
    result = subprocess.run([sys.executable, "-c", MAKEMESSAGES, str(locale)], cwd=sources, env=environment,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    extracted = _load(locale / "en" / "LC_MESSAGES" / "django.po")
    in_source = {_key(m): m for m in extracted if m.id}
    assert len(in_source) > 100, f"makemessages found only {len(in_source)} strings: {result.stderr}"

    committed = {_key(m): m for m in _load(CATALOGUE) if m.id}

    def where(message) -> str:
        return " ".join(f"{path}:{line}" for path, line in message.locations[:2])

    missing = [f"{key[1]!r} ({where(m)})" for key, m in in_source.items() if key not in committed]
    assert not missing, (f"{len(missing)} source strings are not in {CATALOGUE} "
                         "(run makemessages, see this module's docstring):\n" + "\n".join(missing[:20]))
    not_ready = [f"{key[1]!r} ({where(m)})" for key, m in in_source.items()
                 if _untranslated(committed[key]) or committed[key].fuzzy
                 or isinstance(m.id, tuple) != isinstance(committed[key].id, tuple)]
    assert not not_ready, (f"{len(not_ready)} source strings have no finished English translation:\n"
                           + "\n".join(not_ready[:20]))


# Full-width punctuation right after an English word, a digit or a closing bracket: the mark of
# Chinese punctuation left outside a translation (“Status：Received”, “2026-01-05：…”).
# The demo's English pages are checked for it in tests/portal/test_demo.py (one demo load).
MIXED_PUNCTUATION = re.compile(r"[A-Za-z0-9)\]][ ]?[：；、（）]|[：；、（）][ ]?[A-Za-z][a-z]")

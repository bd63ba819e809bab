"""Without an SMTP server, mail never puts a citizen's address into a log (issue #16, item 8).

The attack: with EMAIL_HOST unset the console backend wrote `To: <reporter's address>` next to the
case code into the application log, against M.19. Now each message is a file in a directory only
the portal's user may open (0700, files 0600), and the log says how many were kept and where.
"""

from __future__ import annotations

import logging
import os
import stat
import uuid

import pytest

import portal.settings as production
from applications import services as applications
from complaints import services as complaints
from tests.applications.conftest import PERSON
from tests.complaints.conftest import REPORTER


@pytest.fixture
def without_smtp(settings, tmp_path, caplog):
    """The production settings when EMAIL_HOST is unset."""
    if os.environ.get("EMAIL_HOST"):
        pytest.skip("EMAIL_HOST is set in this environment")
    settings.EMAIL_BACKEND = production.EMAIL_BACKEND
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    caplog.set_level(logging.DEBUG)
    return tmp_path / "mail"


def kept(directory) -> list[bytes]:
    return [path.read_bytes() for path in sorted(directory.iterdir())]


def assert_nowhere_in_the_log(strings, caplog, capfd):
    out, err = capfd.readouterr()
    for text in strings:
        assert text not in caplog.text and text not in out and text not in err, text


def test_a_reporters_address_never_reaches_the_log_m19(world, without_smtp, caplog, capfd,
                                                        django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        complaint, _secret, _created = complaints.complaint_submit(
            data={"office": world.office_a, "failure_type": "late_reply", "details": "申请逾期未答复。"},
            reporter=dict(REPORTER), anonymous=False, idempotency_key=uuid.uuid4())
    assert_nowhere_in_the_log(REPORTER.values(), caplog, capfd)
    mails = kept(without_smtp)
    assert any(REPORTER["email"].encode() in mail and complaint.tracking_code.encode() in mail for mail in mails)
    assert "kept in" in caplog.text and str(without_smtp) in caplog.text


def test_an_applicants_address_never_reaches_the_log(world, without_smtp, caplog, capfd,
                                                     django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        applications.application_submit(data=PERSON, idempotency_key=uuid.uuid4())
    assert_nowhere_in_the_log([PERSON["email"], PERSON["identity_number"], PERSON["phone"]], caplog, capfd)
    assert any(PERSON["email"].encode() in mail for mail in kept(without_smtp))


def test_kept_mail_is_readable_by_the_portals_user_only(world, without_smtp, django_capture_on_commit_callbacks,
                                                        settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    without_smtp.mkdir(mode=0o755)
    os.chmod(without_smtp, 0o755)  # an existing directory with a wider mode is tightened
    with django_capture_on_commit_callbacks(execute=True):
        applications.application_submit(data=PERSON, idempotency_key=uuid.uuid4())
    assert stat.S_IMODE(without_smtp.stat().st_mode) == 0o700
    files = list(without_smtp.iterdir())
    assert files and all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in files)
    assert all(path.suffix == ".eml" for path in files)

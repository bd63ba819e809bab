"""Issue #20 in the demo (`make demo`): an office redacted an applicant's name and identity number
before releasing a file, and the requester's download holds neither; a drafter who pasted an
identity number into a record body is stopped at submission with the hit shown; the compliance
page lists the demo's real findings."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from applications.models import DisclosureApplication, FileRole
from applications.redaction_demo import NAME, PENDING_TITLE, SENT_TITLE
from applications.views import case_token
from complaints.compliance import latest_run
from disclosure.models import Record
from disclosure.redaction_demo import DEMO_ID, DRAFT_TITLE
from tests import pdf_samples as samples
from tests.conftest import as_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(without_world, settings, tmp_path):
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_the_demo_shows_redaction_the_personal_data_check_and_the_compliance_page(client, demo):
    # The applicant's download: neither the name nor the number, by any tool.
    application = DisclosureApplication.objects.get(information_title=SENT_TITLE)
    code, secret = re.search(r"查询码 (\S+) 查询密码 (\S+)", demo).groups()
    assert code == application.tracking_code and secret
    item = application.files.get(role=FileRole.PROVIDED)
    original = item.file.open("rb").read()
    assert NAME in samples.text_of(original)[0] and DEMO_ID in samples.text_of(original)[0]
    response = client.get(reverse("applications:case_file", args=[case_token(application), item.pk]))
    released = b"".join(response.streaming_content)
    blob = samples.all_streams_decoded(released)
    for text in (NAME, DEMO_ID):
        assert not any(text in page for page in samples.text_of(released))
        assert not any(encoded in blob for encoded in (text.encode("utf-16-be"), text.encode(), text.encode("gbk")))

    # The reply still waiting cannot be sent before its file is redacted.
    pending = DisclosureApplication.objects.get(information_title=PENDING_TITLE)
    as_user(client, "gkb")
    page = client.post(reverse("admin:applications_disclosureapplication_transition", args=[pending.pk, "send_reply"]),
                       {"expected_state": pending.status, "no_state_secret": "on", "no_commercial_secret": "on",
                        "redacted_parts": "申领人姓名、身份证号码", "redaction_grounds": "personal_privacy"}
                       ).content.decode()
    assert "疑似个人信息" in page

    # The drafter who pasted an identity number is stopped, the hit shown.
    record = Record.objects.get(title=DRAFT_TITLE)
    as_user(client, "zcfg-drafter")
    page = client.post(reverse("admin:disclosure_record_transition", args=[record.pk, "submit"]),
                       {"expected_state": "draft"}).content.decode()
    assert "居民身份证号码 2201**********4562" in page
    assert Record.objects.get(pk=record.pk).state == "draft"

    # The compliance page lists the demo's findings, among them the missing record number.
    run = latest_run()
    assert any("公安机关备案号" in finding["detail"] for finding in run.findings)
    as_user(client, "gkb")
    page = client.get(reverse("admin:complaints_compliancerun_changelist")).content.decode()
    assert "页脚缺少网站标识" in page and f"{run.score}</strong>" in page

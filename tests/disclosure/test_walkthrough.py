"""The issue's "done when", end to end over HTTP with the demo accounts: a drafter creates a
record; it reaches publication only through every required step by the right people; the
register shows it with its index number; an amendment and a revocation follow the same path;
the disclosure office sees the full history."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from disclosure.models import CatalogueCategory, Record, RecordState, ReleaseRegisterLine
from portal.models import Office
from tests.conftest import act, as_user

S = RecordState
TITLE = "关于开展2027年度省级工业设计中心认定工作的通知"


@pytest.fixture
def demo(without_world, settings):
    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0, stdout=StringIO())




def refused(client, username, record, name):
    as_user(client, username)
    url = reverse("admin:disclosure_record_transition", args=[record.pk, name])
    return client.get(url).status_code in (302, 403, 404)


CHECKS = {"no_state_secret": "on", "no_commercial_secret": "on", "no_personal_privacy": "on"}


def test_a_record_from_draft_to_register_then_amended_and_revoked(client, demo):
    office = Office.objects.get(name="装备工业处")
    category = CatalogueCategory.objects.get(code="m5-2")
    as_user(client, "zbgy-drafter")
    response = client.post(reverse("admin:disclosure_record_add"), {
        "title": TITLE, "summary": "认定条件、程序和材料要求", "office": office.pk, "category": category.pk,
        "document_number": "吉工信装备〔2026〕21号", "document_type": "other", "date_formed": "2026-11-20",
        "attribute": "proactive", "is_important": "on", "body": "<p>各市（州）工业和信息化局：……</p>",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    record = Record.objects.get(title=TITLE)

    record = act(client, "zbgy-drafter", record, "submit")
    assert refused(client, "zcfg-head", record, "approve_division")  # another office's head
    record = act(client, "zbgy-head", record, "approve_division", **CHECKS)
    assert refused(client, "xxzx-publisher", record, "publish")  # cannot skip the review
    record = act(client, "gkb", record, "approve_confidentiality", **CHECKS, is_important="yes")
    assert record.state == S.LEADER_SIGNOFF  # important (confirmed by the review): the supervising leader signs
    assert refused(client, "leader-wang", record, "sign_off")  # does not supervise 装备工业处
    record = act(client, "leader-li", record, "sign_off", comment="同意发布")
    record = act(client, "xxzx-publisher", record, "publish", channels=["column", "website"])
    assert record.state == S.PUBLISHED and record.index_number.startswith("11220000013544357T/")
    record = act(client, "bgs-register", record, "register")
    line = ReleaseRegisterLine.objects.get(record=record)
    assert line.index_number == record.index_number
    register = as_user(client, "bgs-register").get(reverse("admin:disclosure_releaseregisterline_changelist"))
    assert record.index_number in register.content.decode()
    assert TITLE in client.get(reverse("disclosure:catalogue")).content.decode()

    # Amendment (M.14): a new version runs the same path; the old stays public until replaced.
    draft = act(client, "zbgy-drafter", record, "amend", comment="调整申报时间")
    assert draft.state == S.DRAFT and draft.previous_version_id == record.pk
    for username, name, data in [
        ("zbgy-drafter", "submit", {}), ("zbgy-head", "approve_division", CHECKS),
        ("gkb", "approve_confidentiality", {**CHECKS, "is_important": "yes"}), ("leader-li", "sign_off", {}),
    ]:
        draft = act(client, username, draft, name, **data)
        assert client.get(reverse("disclosure:record", args=[record.pk])).status_code == 200
    draft = act(client, "xxzx-publisher", draft, "publish", channels=["column"])
    draft = act(client, "bgs-register", draft, "register")
    old_page = client.get(reverse("disclosure:record", args=[record.pk])).content.decode()
    assert reverse("disclosure:record", args=[draft.pk]) in old_page

    # Revocation through the disclosure office, registered.
    assert refused(client, "zbgy-drafter", draft, "revoke")
    draft = act(client, "gkb", draft, "revoke", comment="认定工作调整，另行通知")
    assert draft.state == S.REVOKED
    # The revocation covers the version it replaced: its page keeps only the notice.
    assert Record.objects.get(pk=record.pk).state == S.REVOKED
    old_page = client.get(reverse("disclosure:record", args=[record.pk]))
    assert old_page.status_code == 200 and "各市（州）工业和信息化局" not in old_page.content.decode()
    assert [line.kind for line in ReleaseRegisterLine.objects.filter(record__in=[record, draft]).order_by("number")] == [
        "release", "amendment", "revocation"]

    # The disclosure office sees who did what.
    as_user(client, "gkb")
    page = client.get(reverse("admin:disclosure_record_change", args=[draft.pk])).content.decode()
    for username in ("zbgy-drafter", "zbgy-head", "gkb", "leader-li", "xxzx-publisher", "bgs-register"):
        assert username in page or get_user_model().objects.get(username=username).get_full_name() in page
    for answer in ("不涉及国家秘密：是", "重要信息认定：重要信息，须主管厅领导签字", "公开渠道：政府信息公开专栏"):
        assert answer in page  # the checklist answers are part of the log
    history = client.get(reverse("admin:disclosure_record_history", args=[draft.pk]))
    assert history.status_code == 200

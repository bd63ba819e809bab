"""The demo of 互动交流: a reported office, a report tracked to its reply and rated, the FAQ, the
survey and a finding — and loading it again changes nothing."""

import re

from django.urls import reverse

from complaints import demo
from complaints.models import AccountabilityFinding, Complaint, Consultation, SurveyResponse
from portal.demo import load_agency


def counts():
    return (Complaint.objects.count(), Consultation.objects.count(), SurveyResponse.objects.count(),
            AccountabilityFinding.objects.count())


def test_the_demo_is_complete_and_idempotent(db, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    load_agency()
    first = demo.load()
    before = counts()
    assert "新增举报投诉 5 件" in first
    assert "新增举报投诉 0 件" in demo.load() and counts() == before
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert {"submitted", "explanation_requested", "closed"} <= statuses
    assert Complaint.objects.filter(anonymous=True).exists() and Complaint.objects.filter(anonymous=False).exists()
    assert set(Complaint.objects.values_list("channel", flat=True)) >= {"online", "phone", "letter"}
    assert Complaint.objects.filter(rating__isnull=False).exists()
    assert Consultation.objects.filter(published_at__isnull=False).count() == 2
    assert AccountabilityFinding.objects.get().complaints.exists()
    faq = client.get(reverse("complaints:faq")).text
    assert "申请政府信息公开需要交费吗？" in faq and "钱某某" not in faq


def test_in_demo_mode_the_summary_tells_a_demo_citizen_how_to_track_a_report(db, client, settings, tmp_path):
    """The demo citizen follows the report against 原材料工业处 to its reply and rates it; its code
    and secret are printed again on every load, in demo mode only."""
    settings.MEDIA_ROOT = tmp_path
    settings.DEMO_MODE, settings.DEBUG = True, False
    load_agency()
    first, again = demo.load(), demo.load()
    found = re.search(r"查询码 / code (JB\d{4}-\d{6})\s+查询密码 / secret ([A-Z2-9]{8})", first)
    assert found and found.groups() == re.search(r"code (\S+)\s+查询密码 / secret (\S+)", again).groups()
    code, secret = found.groups()
    response = client.post(reverse("complaints:track"), {"tracking_code": code, "secret": secret})
    assert response.status_code == 302
    page = client.get(response["Location"]).text
    assert "已办结" in page and "原材料工业处" in page and "评价本次办理" in page
    settings.DEMO_MODE = False
    assert "查询密码" not in demo.load()

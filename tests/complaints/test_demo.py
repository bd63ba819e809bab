"""The demo of 互动交流: a reported office, a report tracked to its reply and rated, the FAQ, the
survey and a finding — and loading it again changes nothing."""

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

"""Helpers for 互动交流: a named and an anonymous report, consultations, and cases driven through
the real services to any step."""

from __future__ import annotations

import datetime as dt

import pytest

from complaints import services
from complaints.models import Channel, ComplaintResult
from tests.factories import ComplaintFactory, ConsultationFactory
from tests.timing import at  # noqa: F401  (imported from here by the complaints tests)

# A reporter whose every detail is distinctive, so a test can look for it anywhere.
REPORTER = {
    "name": "韩梅梅举报人",
    "identity_number": "11010519491231002X",
    "phone": "13700001111",
    "email": "hanmeimei-reporter@example.invalid",
    "address": "长春市保密路77号",
}
EVIDENCE_NAME = "韩梅梅的申请回执.pdf"
EVIDENCE_BYTES = b"%PDF-1.4\n% evidence of the reporter\n%%EOF\n"
DETAILS = "我于2026年9月向政策法规处申请公开文件，至今未获答复。联系人韩梅梅举报人。"
ASKER = {"name": "李雷咨询人", "phone": "13600002222", "email": "lilei-asker@example.invalid"}

IDENTITY_STRINGS = [REPORTER["name"], REPORTER["identity_number"], REPORTER["phone"], REPORTER["email"],
                    REPORTER["address"], EVIDENCE_NAME]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def evidence():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(EVIDENCE_NAME, EVIDENCE_BYTES, content_type="application/pdf")


def report(world, *, office=None, anonymous: bool = False, files: bool = True, details: str = DETAILS,
           failure_type: str = "late_reply"):
    """An online report against `office` (office A by default)."""
    complaint = ComplaintFactory(office=office or world.office_a, failure_type=failure_type, details=details,
                                 reporter=dict(REPORTER), anonymous=anonymous, uploads=[evidence()] if files else [])
    return complaint, complaint.secret


def report_offline(world, *, received_on: dt.date, office=None, channel: str = Channel.PHONE, anonymous=False):
    complaint, secret = services.complaint_register_offline(
        actor=world.supervisor, data={"office": office or world.office_a, "failure_type": "not_published",
                                      "details": "来电反映某文件未按时公开。", "related_reference": ""},
        reporter=None if anonymous else dict(REPORTER), anonymous=anonymous, channel=channel, received_on=received_on)
    return complaint, secret


def drive_complaint(world, complaint, to: str, *, result: str = ComplaintResult.SUBSTANTIATED):
    """Take a complaint through the real workflow up to `to`."""
    s = world.supervisor
    office_user = world.drafter_a if complaint.office_id == world.office_a.pk else world.drafter_b
    if to == "declined":
        return services.complaint_decline(complaint=complaint, actor=s, reason="不属于受理范围。")
    complaint = services.complaint_accept(complaint=complaint, actor=s)
    if to == "investigating":
        return complaint
    complaint = services.complaint_request_explanation(complaint=complaint, actor=s, reference_confirmed=True,
                                                       question="请说明SQ2026-000123号申请的办理情况。")
    if to == "explanation_requested":
        return complaint
    complaint = services.complaint_explain(complaint=complaint, actor=office_user, answer="已于近日答复，附答复书。")
    if to == "explained":
        return complaint
    complaint = services.complaint_conclude(complaint=complaint, actor=s, result=result, conclusion="经查属实。")
    if to == "concluded":
        return complaint
    return services.complaint_reply(complaint=complaint, actor=s, reply="经调查核实，您反映的问题属实，已责令整改。")


def consult(world, *, office=None, consent: bool = True, **changes):
    consultation = ConsultationFactory(**{**ASKER, "publish_consent": consent, "office": office, **changes})
    return consultation, consultation.secret

"""WCAG 2.1 AA in the back office (issue #15, quality bar): axe-core finds no serious or critical
violation on the pages staff work on — the work list, the lists, each case's page, the action
forms, intake, the report, the dashboard — signed in as the people who use them, in 简体中文."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from applications.annual_report import services as report_services
from applications.models import Channel
from complaints import services as complaint_services
from tests.browser.test_accessibility import Findings
from tests.conftest import S, drive, new_draft

pytestmark = pytest.mark.browser

PERSON = {
    "applicant_type": "natural_person", "applicant_name": "王小明", "identity_document": "resident_id",
    "identity_number": "11010519491231002X", "phone": "13912345678", "email": "wangxiaoming@example.invalid",
    "information_title": "2025年度省级工业互联网平台认定名单", "description": "请提供2025年度省级工业互联网平台的认定名单。",
    "medium": "electronic", "delivery": "download",
}


def transition(obj, name: str) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_transition", args=[obj.pk, name])


def change(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def test_back_office_pages_have_no_serious_axe_violations(desks, axe, world):
    draft = new_draft(world)
    review = drive(world, new_draft(world, title="关于征求意见的函"), S.CONFIDENTIALITY_REVIEW)
    application, _secret = application_services.application_register_offline(
        actor=world.disclosure, data=PERSON, channel=Channel.IN_PERSON, received_on=timezone.localdate())
    complaint, _secret, _new = complaint_services.complaint_submit(
        data={"office": world.office_a, "failure_type": "late_reply", "details": "申请超期未答复。"},
        reporter={"name": "张三", "phone": "13900002222"}, anonymous=False)
    question, _secret, _new = complaint_services.consultation_submit(
        data={"name": "王小明", "subject": "是否收费", "question": "申请需要交费吗？"})
    report = report_services.annual_report_generate(year=timezone.localdate().year - 1, actor=world.disclosure)

    # One page of each kind (the action forms share one template: one with each kind of field).
    pages = {
        world.drafter_a: {
            "work list": reverse("admin:index"),
            "records": reverse("admin:disclosure_record_changelist"),
            "record, draft (rich text)": change(draft),
        },
        world.disclosure: {
            "record, in review": change(review),
            "action, confidentiality review (checkboxes, radios)": transition(review, "approve_confidentiality"),
            "application, add": reverse("admin:applications_disclosureapplication_add"),
            "application": change(application),
            "action, request supplement (date)": transition(application, "request_supplement"),
            "action, draft reply (letter, files)": transition(application, "draft_reply"),
            "consultation": change(question),
            "annual report": change(report),
        },
        world.supervisor: {
            "complaint, add": reverse("admin:complaints_complaint_add"),
            "complaint": change(complaint),
            "dashboard": reverse("admin:complaints_assessment_changelist"),
        },
    }
    findings = Findings("standard")
    for user, paths in pages.items():
        desk = desks.staff(user)
        for name, path in paths.items():
            desk.page.goto(path)
            assert desk.page.locator("#content").count(), f"{name}: {path} is not a back-office page"
            findings.scan(desk.page, axe, f"{user.username}: {name}")
    findings.check()

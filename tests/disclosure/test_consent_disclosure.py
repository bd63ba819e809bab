"""Disclosure of information that involves a commercial secret or personal privacy, with the right
holder's consent or in the public interest (M.6 para. 2, R.15; issue 14, item 9)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disclosure import services
from disclosure.models import RecordState, ReviewDocument, WorkflowEvent
from portal.errors import InvalidInput
from tests.conftest import ALL_CLEAR, as_user, drive, new_draft
from tests.timing import at

S = RecordState
D = dt.date
SECRET = {"no_state_secret": True, "no_commercial_secret": False, "no_personal_privacy": True}
PDF = b"%PDF-1.4 consent letter"


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def consent_letter(name: str = "同意公开函.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_the_existing_keyword_arguments_still_give_the_same_checklist_m6():
    """Other callers (application replies) pass only the original arguments: same result."""
    assert services.confidentiality_checklist(**{k: True for k in SECRET}) == {
        "no_state_secret": True, "no_commercial_secret": True, "no_personal_privacy": True,
        "redacted_parts": "", "redaction_grounds": []}
    with pytest.raises(InvalidInput, match="保密审查未全部确认"):
        services.confidentiality_checklist(**SECRET)


def test_a_commercial_secret_is_disclosed_with_the_right_holders_recorded_consent_m6_r15(world):
    """2026-11-05: the division head records that the enterprise agreed in writing on 2026-11-04
    and attaches the letter; the unified review relies on the letter already kept. Before, the
    checklist forced redaction or withholding whenever a commercial secret was involved."""
    with at(D(2026, 11, 5)):
        record = drive(world, new_draft(world, date_formed=D(2026, 11, 2)), S.DIVISION_REVIEW)
        record = services.record_approve_division(
            record=record, actor=world.head_a, **SECRET, override="consent", consent_how="企业书面同意函",
            consent_on=D(2026, 11, 4), consent_document=consent_letter())
        assert record.state == S.CONFIDENTIALITY_REVIEW
        record = services.record_approve_confidentiality(
            record=record, actor=world.disclosure, **SECRET, override="consent", consent_how="企业书面同意函",
            consent_on=D(2026, 11, 4))
    assert record.state == S.READY  # consent needs no leader's signature of its own
    document = ReviewDocument.objects.get(record=record)
    assert (document.original_name, document.purpose, document.uploaded_by) == ("同意公开函.pdf", "consent",
                                                                               world.head_a)
    for action in ("approve_division", "approve_confidentiality"):
        checklist = WorkflowEvent.objects.get(record=record, action=action).checklist
        assert (checklist["override"], checklist["consent_how"], checklist["consent_on"],
                checklist["consent_document"], checklist["consent_document_id"]) == (
            "consent", "企业书面同意函", "2026-11-04", "同意公开函.pdf", document.pk)
    assert record.attachments.count() == 0  # the consent is never published with the record


@pytest.mark.parametrize("missing, message", [
    ({"consent_how": ""}, "同意的方式"),
    ({"consent_on": None}, "同意的日期"),
    ({"consent_document": None}, "同意书"),
    ({"consent_on": D(2026, 11, 6)}, "同意的日期不能晚于今天"),
])
def test_consent_is_recorded_how_when_and_with_the_document_m6_r15(world, missing, message):
    with at(D(2026, 11, 5)):
        record = drive(world, new_draft(world, date_formed=D(2026, 11, 2)), S.DIVISION_REVIEW)
        given = {"consent_how": "书面同意", "consent_on": D(2026, 11, 4), "consent_document": consent_letter(),
                 **missing}
        with pytest.raises(InvalidInput, match=message):
            services.record_approve_division(record=record, actor=world.head_a, **SECRET, override="consent",
                                             **given)
    record.refresh_from_db()
    assert record.state == S.DIVISION_REVIEW and not ReviewDocument.objects.exists()


def test_public_interest_disclosure_needs_a_reason_and_the_leaders_signature_m6_r15(world):
    """The disclosure office decides that withholding privacy would seriously harm the public
    interest: a reason is required, and the ordinary (not important) record then goes to the
    supervising leader before it can be published."""
    privacy = {"no_state_secret": True, "no_commercial_secret": True, "no_personal_privacy": False}
    with at(D(2026, 11, 5)):
        record = drive(world, new_draft(world, date_formed=D(2026, 11, 2)), S.CONFIDENTIALITY_REVIEW)
        assert not record.is_important
        with pytest.raises(InvalidInput, match="须写明理由"):
            services.record_approve_confidentiality(record=record, actor=world.disclosure, **privacy,
                                                    override="public_interest", public_interest_reason=" ")
        record = services.record_approve_confidentiality(
            record=record, actor=world.disclosure, **privacy, override="public_interest",
            public_interest_reason="涉及重大公共安全事件的责任人员，公众知情关系公共利益")
        assert record.state == S.LEADER_SIGNOFF
        checklist = record.events.get(action="approve_confidentiality").checklist
        assert checklist["requires_leader_signoff"] and checklist["override"] == "public_interest"
        record = services.record_sign_off(record=record, actor=world.leader_a)
    assert record.state == S.READY


def test_a_state_secret_is_never_disclosed_by_consent_or_public_interest_m6():
    with pytest.raises(InvalidInput, match="国家秘密"):
        services.confidentiality_checklist(no_state_secret=False, no_commercial_secret=False,
                                           no_personal_privacy=True, override="public_interest",
                                           public_interest_reason="公共利益")
    with pytest.raises(InvalidInput, match="只适用于涉及商业秘密或个人隐私"):
        services.confidentiality_checklist(**{k: True for k in SECRET}, override="public_interest",
                                           public_interest_reason="公共利益")


def test_the_back_office_records_consent_with_its_letter_and_only_staff_in_scope_download_it_m6(client, world):
    with at(D(2026, 11, 5)):
        record = drive(world, new_draft(world, date_formed=D(2026, 11, 2)), S.DIVISION_REVIEW)
        as_user(client, "head_a")
        url = reverse("admin:disclosure_record_transition", args=[record.pk, "approve_division"])
        form = client.get(url).text
        assert "权利人同意公开" in form and 'type="date"' in form and 'enctype="multipart/form-data"' in form
        response = client.post(url, {
            "expected_state": S.DIVISION_REVIEW, "no_state_secret": "on", "no_personal_privacy": "on",
            "override": "consent", "consent_how": "企业书面同意函", "consent_on": "2026-11-04",
            "consent_document": consent_letter(),
        })
        assert response.status_code == 302, response.text[:3000]
        page = client.get(reverse("admin:disclosure_record_change", args=[record.pk])).text
        assert "涉及商业秘密、个人隐私但予以公开：权利人同意公开" in page
        assert "权利人同意的方式：企业书面同意函" in page and "同意的日期：2026-11-04" in page
        document = ReviewDocument.objects.get(record=record)
        download = reverse("admin:disclosure_record_review_document", args=[record.pk, document.pk])
        assert download in page
        response = client.get(download)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        assert as_user(client, "drafter_b").get(download).status_code == 404  # another office's record
        client.logout()
        assert client.get(reverse("disclosure:record", args=[record.pk])).status_code == 404  # nothing public


def test_a_missing_consent_field_is_a_message_on_the_form_not_an_error_page_m6(client, world):
    with at(D(2026, 11, 5)):
        record = drive(world, new_draft(world, date_formed=D(2026, 11, 2)), S.DIVISION_REVIEW)
        as_user(client, "head_a")
        url = reverse("admin:disclosure_record_transition", args=[record.pk, "approve_division"])
        response = client.post(url, {"expected_state": S.DIVISION_REVIEW, "no_state_secret": "on",
                                     "no_personal_privacy": "on", "override": "consent"})
    assert response.status_code == 200
    assert "经权利人同意公开的，须记录同意的方式、同意的日期、同意书" in response.text


def test_all_clear_reviews_are_unchanged(world):
    record = drive(world, new_draft(world), S.CONFIDENTIALITY_REVIEW)
    record = services.record_approve_confidentiality(record=record, actor=world.disclosure, **ALL_CLEAR)
    assert record.state == S.READY
    assert "override" not in record.events.get(action="approve_confidentiality").checklist

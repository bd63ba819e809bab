"""Redaction of a record's attachment in the back office (R.37; M.6 second paragraph): who may,
when, what the public downloads, what the reviewers see, and the job's outcomes."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disclosure import redaction_services, services
from disclosure.models import Attachment
from disclosure.redaction_models import FileRedaction, RedactionState
from portal.errors import ActionRefused, InvalidInput, StateConflict
from tests import pdf_samples as samples
from tests.conftest import S, as_user, drive, new_draft


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def sample():
    return samples.chinese_text_pdf(2, secret_pages=(1,))


@pytest.fixture
def record_with_pdf(world, sample):
    data, _spots = sample
    record = new_draft(world, title="关于张三丰申请材料的公开")
    services.attachment_add(record=record, actor=world.drafter_a, upload=SimpleUploadedFile("申请材料.pdf", data))
    return record


def _boxes(sample, ground="personal_privacy"):
    _data, spots = sample
    return [samples.box_over(spots[1], ground=ground), samples.box_over(spots[-1], ground=ground)]


def _redact(world, record, sample):
    attachment = record.attachments.get()
    return redaction_services.redaction_request(item=attachment, actor=world.drafter_a, boxes=_boxes(sample))


def _new_url(attachment):
    ct = ContentType.objects.get_for_model(Attachment)
    return reverse("admin:disclosure_fileredaction_new", args=[ct.pk, attachment.pk])


def test_the_public_downloads_the_redacted_copy_and_never_the_original_r37(client, world, record_with_pdf, sample):
    redaction = _redact(world, record_with_pdf, sample)
    redaction.refresh_from_db()
    assert redaction.state == RedactionState.DONE and redaction.pages_done == redaction.pages_total == 2
    record = drive(world, record_with_pdf, S.PUBLISHED)
    attachment = record.attachments.get()

    response = client.get(reverse("disclosure:attachment", args=[attachment.pk]))

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == redaction.file.open("rb").read()
    assert "申请材料（公开版）.pdf" in response["Content-Disposition"] or "%E5%85%AC%E5%BC%80%E7%89%88" in response[
        "Content-Disposition"]
    texts = samples.text_of(body)
    assert not any(samples.NAME in t or samples.ID_NUMBER in t for t in texts)
    assert texts[1]  # the page without a box keeps its text
    # Both are kept: the original is still stored, unchanged, for the back office.
    assert attachment.file.open("rb").read() == sample[0]


def test_who_redacted_what_on_which_ground_is_kept(world, record_with_pdf, sample):
    redaction = _redact(world, record_with_pdf, sample)
    redaction.refresh_from_db()
    assert redaction.created_by == world.drafter_a
    assert redaction.grounds == ["personal_privacy"]
    assert [b["page"] for b in redaction.boxes] == [1, 1]
    assert redaction.report["checks"]["covered_text_not_found"] >= 2
    assert redaction_services.summary_line(redaction) == "附件《申请材料.pdf》遮盖：第 1 页 2 处（涉及个人隐私）"


@pytest.mark.parametrize("who", ["head_a", "drafter_b", "disclosure", "publisher"])
def test_only_the_offices_info_officer_redacts_a_draft_attachment(world, record_with_pdf, sample, who):
    attachment = record_with_pdf.attachments.get()
    with pytest.raises(ActionRefused):
        redaction_services.redaction_request(item=attachment, actor=getattr(world, who), boxes=_boxes(sample))
    assert not FileRedaction.objects.exists()


def test_a_submitted_record_is_not_redacted_until_returned(world, sample):
    record = new_draft(world)
    data, _spots = samples.chinese_text_pdf(2, secret_pages=())
    services.attachment_add(record=record, actor=world.drafter_a, upload=SimpleUploadedFile("通知.pdf", data))
    record = drive(world, record, S.DIVISION_REVIEW)
    with pytest.raises(StateConflict):
        redaction_services.redaction_request(item=record.attachments.get(), actor=world.drafter_a, boxes=_boxes(sample))


def test_each_box_needs_a_ground_of_r14_to_r16(world, record_with_pdf, sample):
    attachment = record_with_pdf.attachments.get()
    with pytest.raises(InvalidInput, match="依据"):
        redaction_services.redaction_request(item=attachment, actor=world.drafter_a, boxes=_boxes(sample, ground=""))


def test_an_encrypted_pdf_is_refused_at_once_with_a_message_and_nothing_is_queued(world, sample):
    record = new_draft(world)
    services.attachment_add(record=record, actor=world.drafter_a,
                            upload=SimpleUploadedFile("加密.pdf", samples.encrypted(sample[0])))
    with pytest.raises(InvalidInput, match="加密"):
        redaction_services.redaction_request(item=record.attachments.get(), actor=world.drafter_a, boxes=_boxes(sample))
    assert not FileRedaction.objects.exists()


def test_a_failed_job_stores_no_file_and_says_why(world, record_with_pdf, sample):
    data, _spots = samples.chinese_text_pdf(3, secret_pages=(1, 2))  # the name also on page 2, unboxed
    record = new_draft(world)
    services.attachment_add(record=record, actor=world.drafter_a, upload=SimpleUploadedFile("两页.pdf", data))
    _d, spots = samples.chinese_text_pdf(1)
    redaction = redaction_services.redaction_request(item=record.attachments.get(), actor=world.drafter_a,
                                                     boxes=[samples.box_over(spots[1])])
    redaction.refresh_from_db()
    assert redaction.state == RedactionState.FAILED
    assert "第 2 页" in redaction.message
    assert not redaction.file
    # Until redone or withdrawn the record cannot be submitted, and nothing would be downloadable.
    assert redaction_services.released_file(record.attachments.get()) is None
    with pytest.raises(InvalidInput, match="遮盖处理未成功"):
        services.record_submit(record=record, actor=world.drafter_a)
    redaction_services.redaction_withdraw(redaction=redaction, actor=world.drafter_a)
    assert redaction_services.released_file(record.attachments.get()) == record.attachments.get()


def test_a_queued_job_blocks_submission_and_a_stalled_one_is_reported(world, record_with_pdf, sample, settings):
    settings.PORTAL_JOB_RUNNER = "thread-not-started"  # the job never runs: as if the process died
    from portal import jobs

    original = jobs._in_thread
    jobs._in_thread = lambda path, args: None
    try:
        redaction = _redact(world, record_with_pdf, sample)
    finally:
        jobs._in_thread = original
    assert FileRedaction.objects.get(pk=redaction.pk).state == RedactionState.PENDING
    with pytest.raises(InvalidInput, match="尚未完成"):
        services.record_submit(record=record_with_pdf, actor=world.drafter_a)
    # A running job without progress for ten minutes is failed with a message for the person.
    FileRedaction.objects.filter(pk=redaction.pk).update(
        state=RedactionState.RUNNING, heartbeat_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert redaction_services.redactions_recover() == (1, 0)
    redaction.refresh_from_db()
    assert redaction.state == RedactionState.FAILED and "中断" in redaction.message


def test_an_amended_record_releases_the_same_redacted_copy_m14(client, world, record_with_pdf, sample):
    redaction = _redact(world, record_with_pdf, sample)
    published = drive(world, record_with_pdf, S.PUBLISHED)
    draft = services.record_amend(record=published, actor=world.drafter_a)
    copy = draft.attachments.get()
    released = redaction_services.released_file(copy)
    assert isinstance(released, FileRedaction)
    assert released.file.name == FileRedaction.objects.get(pk=redaction.pk).file.name


# --- The pages ---------------------------------------------------------------------------------------


def test_redaction_page_opens_for_the_info_officer_with_the_bundled_viewer(client, world, record_with_pdf):
    attachment = record_with_pdf.attachments.get()
    response = as_user(client, "drafter_a").get(_new_url(attachment))
    assert response.status_code == 200
    page = response.content.decode()
    assert "vendor/pdfjs-dist/build/pdf.min.mjs" in page and "js/redaction.js" in page
    assert "涉及个人隐私" in page  # the grounds to choose from
    assert not re.search(r'(src|data-[a-z]+)="(https?:)?//', page)  # nothing from another host


@pytest.mark.parametrize(("who", "status"), [("drafter_b", 404), ("head_a", 403), ("nobody", 404)])
def test_redaction_page_refuses_others(client, world, record_with_pdf, who, status):
    response = as_user(client, who).get(_new_url(record_with_pdf.attachments.get()))
    assert response.status_code == status


def test_posting_boxes_queues_the_job_and_shows_the_result_side_by_side(client, world, record_with_pdf, sample):
    attachment = record_with_pdf.attachments.get()
    as_user(client, "drafter_a")
    response = client.post(_new_url(attachment), {"boxes": json.dumps(_boxes(sample))})
    redaction = FileRedaction.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:disclosure_fileredaction_change", args=[redaction.pk])
    page = client.get(response.url).content.decode()
    assert "已生成" in page and "对照查看" in page and 'data-redaction="compare"' in page
    original = client.get(reverse("admin:disclosure_fileredaction_file", args=[redaction.pk, "original"]))
    released = client.get(reverse("admin:disclosure_fileredaction_file", args=[redaction.pk, "released"]))
    assert b"".join(original.streaming_content) == sample[0]
    assert samples.ID_NUMBER not in samples.text_of(b"".join(released.streaming_content))[0]


def test_bad_boxes_posted_are_a_message_on_the_page(client, world, record_with_pdf):
    attachment = record_with_pdf.attachments.get()
    response = as_user(client, "drafter_a").post(_new_url(attachment), {"boxes": "not json"})
    assert response.status_code == 200
    assert "遮盖框的格式无效" in response.content.decode()
    response = client.post(_new_url(attachment), {"boxes": "[]"})
    assert "请至少画一个遮盖框" in response.content.decode()


def test_the_reviewer_sees_the_original_beside_the_redacted_copy_before_approving(client, world, record_with_pdf,
                                                                                  sample):
    _redact(world, record_with_pdf, sample)
    record = drive(world, record_with_pdf, S.DIVISION_REVIEW)
    url = reverse("admin:disclosure_record_transition", args=[record.pk, "approve_division"])
    page = as_user(client, "head_a").get(url).content.decode()
    assert 'data-redaction="compare"' in page
    assert "原件（内部，不公开）" in page and "公开版（遮盖后）" in page
    redaction = FileRedaction.objects.get()
    assert reverse("admin:disclosure_fileredaction_file", args=[redaction.pk, "released"]) in page


def test_another_offices_staff_cannot_fetch_the_original_or_the_copy(client, world, record_with_pdf, sample):
    redaction = _redact(world, record_with_pdf, sample)
    for which in ("original", "released"):
        url = reverse("admin:disclosure_fileredaction_file", args=[redaction.pk, which])
        assert as_user(client, "drafter_b").get(url).status_code == 404
    assert as_user(client, "drafter_b").get(
        reverse("admin:disclosure_fileredaction_change", args=[redaction.pk])).status_code == 404

"""The personal-data check before a record is submitted or published (M.6, R.15; M.12(1)): an
identity number, mobile, bank card, e-mail address or listed wrong wording stops it, shown with
its context, until it is removed, redacted, or a named person records why it may stay."""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from disclosure import personal_data_checks as checks
from disclosure import services
from disclosure.models import Record
from disclosure.redaction_models import PersonalDataClearance, SensitiveWord
from portal.errors import ActionRefused, InvalidInput
from tests import pdf_samples as samples
from tests.conftest import ALL_CLEAR, S, as_user, drive, new_draft

ID_BODY = f"<p>经核实，申请人身份证号码为{samples.ID_NUMBER}，联系电话13904311234。</p>"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _check_url(record) -> str:
    return reverse("admin:disclosure_fileredaction_check", args=[ContentType.objects.get_for_model(Record).pk, record.pk])


def test_a_drafter_who_pastes_an_identity_number_is_stopped_at_submission_with_the_hit_shown_m6(client, world):
    record = new_draft(world, body=ID_BODY)
    url = reverse("admin:disclosure_record_transition", args=[record.pk, "submit"])
    as_user(client, "drafter_a")

    response = client.post(url, {"expected_state": S.DRAFT})

    assert response.status_code == 200  # the form again, with the reason
    page = response.content.decode()
    assert "居民身份证号码" in page and "2201**********1235" in page and "手机号码" in page
    assert "身份证号码为【2201**********1235】" in page  # with its context
    refusal = page.split('class="errornote"', 1)[1].split("</div>", 1)[0]
    assert "2201**********1235" in refusal and samples.ID_NUMBER not in refusal  # the hit is shown masked
    assert Record.objects.get(pk=record.pk).state == S.DRAFT


def test_the_submit_page_shows_the_check_before_the_button(client, world):
    record = new_draft(world, body=ID_BODY)
    page = as_user(client, "drafter_a").get(
        reverse("admin:disclosure_record_transition", args=[record.pk, "submit"])).content.decode()
    assert "个人信息和错敏词检查" in page and "2 处未处理" in page
    assert _check_url(record) in page


def test_a_reason_recorded_by_the_drafter_lets_it_through_and_the_division_head_sees_it_m12(client, world):
    record = new_draft(world, body=ID_BODY)
    as_user(client, "drafter_a")
    scan = checks.scan_target(record)
    fingerprints = [hit.fingerprint for _part, hit in scan.unresolved]

    response = client.post(_check_url(record), {"fingerprint": fingerprints, "reason": "当事人书面同意公开（附同意书）"})

    assert response.status_code == 302
    cleared = PersonalDataClearance.objects.filter(target_id=record.pk)
    assert {c.actor for c in cleared} == {world.drafter_a} and cleared.count() == 2
    record = services.record_submit(record=Record.objects.get(pk=record.pk), actor=world.drafter_a)
    assert record.state == S.DIVISION_REVIEW
    page = as_user(client, "head_a").get(
        reverse("admin:disclosure_record_transition", args=[record.pk, "approve_division"])).content.decode()
    assert "当事人书面同意公开" in page and "drafter_a" in page and "均已说明理由" in page


def test_a_reason_needs_words_and_the_right_person(client, world):
    record = new_draft(world, body=ID_BODY)
    fingerprints = [hit.fingerprint for _part, hit in checks.scan_target(record).unresolved]
    with pytest.raises(InvalidInput, match="理由"):
        checks.clearance_record(target_obj=record, actor=world.drafter_a, fingerprints=fingerprints, reason=" ")
    for other in (world.drafter_b, world.head_a, world.disclosure):
        with pytest.raises(ActionRefused):
            checks.clearance_record(target_obj=record, actor=other, fingerprints=fingerprints, reason="单位办事电话")
    assert not PersonalDataClearance.objects.exists()


def test_another_offices_staff_do_not_reach_the_check_page(client, world):
    record = new_draft(world, body=ID_BODY)
    assert as_user(client, "drafter_b").get(_check_url(record)).status_code == 404
    page = as_user(client, "drafter_a").get(_check_url(record))
    assert page.status_code == 200 and "2201**********1235" in page.content.decode()


def test_a_listed_wrong_wording_is_found_with_its_correct_form(world):
    SensitiveWord.objects.create(word="省经信委", correct="省工业和信息化厅")
    record = new_draft(world, body="<p>按照省经信委的部署开展工作。</p>")
    with pytest.raises(InvalidInput, match="错敏词 省经信委"):
        services.record_submit(record=record, actor=world.drafter_a)
    (_part, hit), = checks.scan_target(record).unresolved
    assert hit.suggestion == "省工业和信息化厅"


def test_the_agencys_own_addresses_are_not_personal_data(world):
    world.office_a.email = "zcfg@example.org"
    world.office_a.save()
    record = new_draft(world, body="<p>联系邮箱：zcfg@example.org、gongkai@gxt.jl.gov.cn，电话0431-88888888。</p>")
    assert services.record_submit(record=record, actor=world.drafter_a).state == S.DIVISION_REVIEW


def test_an_identity_number_in_a_pdf_attachment_stops_submission_and_offers_to_redact(client, world):
    data, _spots = samples.chinese_text_pdf(2, secret_pages=(2,))
    record = new_draft(world)
    services.attachment_add(record=record, actor=world.drafter_a, upload=SimpleUploadedFile("名单.pdf", data))
    with pytest.raises(InvalidInput, match=re.escape("附件《名单.pdf》 第 2 页")):
        services.record_submit(record=record, actor=world.drafter_a)
    page = as_user(client, "drafter_a").get(_check_url(record)).content.decode()
    attachment = record.attachments.get()
    suggest = reverse("admin:disclosure_fileredaction_new",
                      args=[ContentType.objects.get_for_model(attachment).pk, attachment.pk]) + "?suggest=1"
    assert suggest in page
    # The redaction page then starts with a box over the number, ground: personal privacy.
    editor = client.get(suggest).content.decode()
    assert '"page": 2' in editor and '"ground": "personal_privacy"' in editor


def test_a_scanned_attachment_is_named_as_unchecked_not_as_clean(client, world):
    data, _spot = samples.scanned_pdf()
    record = new_draft(world)
    services.attachment_add(record=record, actor=world.drafter_a, upload=SimpleUploadedFile("扫描件.pdf", data))
    page = as_user(client, "drafter_a").get(_check_url(record)).content.decode()
    assert "没有文字层" in page and "请人工核对" in page


def test_publication_runs_the_check_again(world):
    record = drive(world, new_draft(world, body="<p>按照部署开展工作。</p>"), S.READY)
    SensitiveWord.objects.create(word="按照部署", correct="")
    with pytest.raises(InvalidInput, match="错敏词"):
        services.record_publish(record=record, actor=world.publisher, channels=["column"])
    assert Record.objects.get(pk=record.pk).state == S.READY


def test_the_division_head_may_give_the_reason_at_the_confidentiality_self_check(world):
    record = new_draft(world, body="<p>咨询：13904311234</p>")
    checks.clearance_record(target_obj=record, actor=world.drafter_a,
                            fingerprints=[h.fingerprint for _p, h in checks.scan_target(record).unresolved],
                            reason="本处室对外公布的咨询电话")
    record = services.record_submit(record=record, actor=world.drafter_a)
    assert services.record_approve_division(record=record, actor=world.head_a, **ALL_CLEAR).state == (
        S.CONFIDENTIALITY_REVIEW)

"""Files provided with a reply (R.36, R.37): redacted by the office or the disclosure office before
the reply is sent, the applicant downloads the redacted copy; the reply is checked for personal
data (M.6, R.15), the applicant's own identity not counting."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services
from applications.models import ApplicationFile, FileRole, Status
from applications.outcomes import Outcome
from applications.views import case_token
from disclosure import personal_data_checks as checks
from disclosure import redaction_services
from disclosure.redaction_models import FileRedaction, RedactionState
from portal.errors import ActionRefused, InvalidInput, StateConflict
from tests import pdf_samples as samples
from tests.applications.conftest import PERSON, complete_letter, send_reply
from tests.conftest import as_user
from tests.factories import ApplicationFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def sample():
    return samples.chinese_text_pdf(2, secret_pages=(1,))


@pytest.fixture
def drafted(world, sample):
    """A partial disclosure (R.37) drafted by 政策法规处 with the requested file attached."""
    application = ApplicationFactory(received_on=dt.date.today())
    application = services.application_assign(application=application, actor=world.disclosure, office=world.office_a)
    return services.application_draft_reply(
        application=application, actor=world.drafter_a, outcome=Outcome.PARTIAL,
        letter_html=complete_letter(application, Outcome.PARTIAL), note="第1页涉及第三方个人隐私（条例第十五条）",
        uploads=[SimpleUploadedFile("平台名单.pdf", sample[0])])


def _provided(application) -> ApplicationFile:
    return application.files.get(role=FileRole.PROVIDED)


def _boxes(sample):
    _data, spots = sample
    return [samples.box_over(spots[1]), samples.box_over(spots[-1])]


def test_an_unredacted_identity_number_in_a_provided_file_stops_the_reply_m6(world, drafted):
    with pytest.raises(InvalidInput, match=re.escape("提供的文件《平台名单.pdf》 第 1 页")):
        send_reply(drafted, world.disclosure)
    drafted.refresh_from_db()
    assert drafted.status == Status.REPLY_DRAFTED


def test_the_applicant_downloads_a_file_in_which_the_name_and_number_cannot_be_found_r37(client, world, drafted,
                                                                                        sample):
    redaction = redaction_services.redaction_request(item=_provided(drafted), actor=world.drafter_a,
                                                     boxes=_boxes(sample))
    assert FileRedaction.objects.get(pk=redaction.pk).state == RedactionState.DONE
    application = send_reply(drafted, world.disclosure)
    item = _provided(application)

    response = client.get(reverse("applications:case_file", args=[case_token(application), item.pk]))

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body != sample[0]
    for page in samples.text_of(body):
        assert samples.NAME not in page and samples.ID_NUMBER not in page
    blob = samples.all_streams_decoded(body)
    for text in (samples.NAME, samples.ID_NUMBER):
        assert not any(encoded in blob for encoded in (text.encode("utf-16-be"), text.encode(), text.encode("gbk")))


@pytest.mark.parametrize("who", ["drafter_a", "head_a", "disclosure"])
def test_the_office_and_the_disclosure_office_redact_before_sending(world, drafted, sample, who):
    redaction = redaction_services.redaction_request(item=_provided(drafted), actor=getattr(world, who),
                                                     boxes=_boxes(sample))
    assert FileRedaction.objects.get(pk=redaction.pk).state == RedactionState.DONE


@pytest.mark.parametrize("who", ["drafter_b", "head_b", "supervisor", "publisher"])
def test_others_may_not_redact_a_reply_file(world, drafted, sample, who):
    with pytest.raises(ActionRefused):
        redaction_services.redaction_request(item=_provided(drafted), actor=getattr(world, who), boxes=_boxes(sample))


def test_a_sent_reply_file_is_no_longer_redacted(world, drafted, sample):
    redaction_services.redaction_request(item=_provided(drafted), actor=world.drafter_a, boxes=_boxes(sample))
    application = send_reply(drafted, world.disclosure)
    with pytest.raises(StateConflict):
        redaction_services.redaction_request(item=_provided(application), actor=world.disclosure, boxes=_boxes(sample))


def test_the_applicants_own_identity_in_the_letter_is_not_a_hit(world, drafted, sample):
    drafted.reply_letter += f"<p>申请人证件号码：{PERSON['identity_number']}，电话 {PERSON['phone']}。</p>"
    drafted.save()
    redaction_services.redaction_request(item=_provided(drafted), actor=world.drafter_a, boxes=_boxes(sample))
    assert checks.scan_target(drafted).clean


def test_the_approver_sees_the_original_beside_the_redacted_copy_and_the_check(client, world, drafted, sample):
    redaction_services.redaction_request(item=_provided(drafted), actor=world.drafter_a, boxes=_boxes(sample))
    url = reverse("admin:applications_disclosureapplication_transition", args=[drafted.pk, "send_reply"])
    page = as_user(client, "gkb").get(url).content.decode()
    assert 'data-redaction="compare"' in page and "个人信息和错敏词检查" in page and "未发现" in page


def test_the_application_page_offers_the_redaction_of_a_provided_pdf(client, world, drafted):
    item = _provided(drafted)
    page = as_user(client, "drafter_a").get(
        reverse("admin:applications_disclosureapplication_change", args=[drafted.pk])).content.decode()
    url = reverse("admin:disclosure_fileredaction_new", args=[ContentType.objects.get_for_model(item).pk, item.pk])
    assert url in page and "遮盖处理" in page
    assert as_user(client, "drafter_b").get(url).status_code == 404

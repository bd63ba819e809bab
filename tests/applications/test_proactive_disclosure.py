"""R.44: information released on application is brought into proactive disclosure — a draft record
of the office that answered, made from what the applicant received and nothing else, which runs
the ordinary publish chain (M.12); and an applicant may suggest it (R.44, second paragraph)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications import selectors, services
from applications.models import DisclosureApplication, EventKind, FileRole
from applications.outcomes import Outcome
from applications.views import case_token
from disclosure import redaction_services
from disclosure.models import Record, RecordState
from portal.errors import ActionRefused, StateConflict
from tests import pdf_samples as samples
from tests.applications.conftest import PERSON, complete_letter, send_reply
from tests.conftest import as_user, drive
from tests.factories import ApplicationFactory
from tests.timing import at

PROPOSE = "propose_proactive_disclosure"
IDENTITY = [PERSON[field] for field in ("applicant_name", "identity_number", "phone", "email", "address")]
WITHHELD_NOTE = "第1页涉及第三方个人隐私（条例第十五条）"
APPLICANT_SCAN = b"%PDF-1.4\n% APPLICANT-OWN-SCAN-BYTES\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def sample():
    return samples.chinese_text_pdf(2, secret_pages=(1,))


def answer(world, sample=None, *, outcome=Outcome.PARTIAL, files=True, **changes) -> DisclosureApplication:
    """An application answered by 政策法规处: partly disclosed (R.37) with the requested file,
    redacted over a third party's name and number, unless told otherwise."""
    application = ApplicationFactory(received_on=dt.date.today(), **changes)
    application = services.application_assign(application=application, actor=world.disclosure, office=world.office_a)
    uploads = [SimpleUploadedFile("平台名单.pdf", sample[0])] if files else []
    application = services.application_draft_reply(
        application=application, actor=world.drafter_a, outcome=outcome,
        letter_html=complete_letter(application, outcome), note=WITHHELD_NOTE if outcome != Outcome.DISCLOSED else "",
        uploads=uploads)
    if files:
        item = application.files.get(role=FileRole.PROVIDED)
        _data, spots = sample
        redaction_services.redaction_request(item=item, actor=world.drafter_a,
                                             boxes=[samples.box_over(spots[1]), samples.box_over(spots[-1])])
    return send_reply(application, world.disclosure)


@pytest.fixture
def answered(world, sample):
    return answer(world, sample)


def propose(world, application, actor=None) -> Record:
    application = services.application_propose_proactive_disclosure(application=application,
                                                                    actor=actor or world.disclosure)
    return application.public_record


def _record_text(record: Record) -> str:
    return " ".join([record.title, record.summary, record.body, record.document_number,
                     *(f"{a.title} {a.original_name}" for a in record.attachments.all())])


# --- What the draft holds ------------------------------------------------------------------------


def test_the_draft_holds_the_released_file_and_nothing_of_the_applicant_r44(world, sample):
    application = answer(world, sample, uploads=[SimpleUploadedFile("申请人身份证.pdf", APPLICANT_SCAN)])
    letter_text = re.sub(r"<[^>]+>", "", application.reply_letter)
    original = application.files.get(role=FileRole.PROVIDED)

    record = propose(world, application)

    assert record.state == RecordState.DRAFT and record.office == world.office_a
    assert record.created_by == world.drafter_a  # the office's info officer submits it (M.12)
    assert record.title == PERSON["information_title"]
    text = _record_text(record)
    for value in [*IDENTITY, WITHHELD_NOTE, samples.NAME, samples.ID_NUMBER]:
        assert value not in text
    assert letter_text[:40] not in text and "告知书" not in text
    attachments = list(record.attachments.all())
    assert [a.original_name for a in attachments] == [redaction_services.released_file(original).original_name]
    body = attachments[0].file.open("rb").read()
    assert body == redaction_services.released_file(original).file.open("rb").read()
    assert body != sample[0] and APPLICANT_SCAN not in body
    pages = " ".join(samples.text_of(body))
    blob = samples.all_streams_decoded(body)
    for value in [*IDENTITY, samples.NAME, samples.ID_NUMBER]:
        assert value not in pages
        assert value.encode() not in blob and value.encode("utf-16-be") not in blob
    assert "区分处理" in pages  # the released part is there


def test_the_applicants_name_typed_into_the_title_is_blanked(world, sample):
    application = answer(world, sample, information_title=f"{PERSON['applicant_name']}申请的2025年度平台名单")
    record = propose(world, application)
    assert PERSON["applicant_name"] not in record.title and record.title.endswith("申请的2025年度平台名单")


def test_a_disclosed_answer_copies_its_file_unchanged(world):
    data = samples.chinese_text_pdf(1, secret_pages=())[0]
    application = ApplicationFactory(received_on=timezone.localdate())  # Beijing's date, not the machine's
    application = services.application_assign(application=application, actor=world.disclosure, office=world.office_a)
    application = services.application_draft_reply(
        application=application, actor=world.drafter_a, outcome=Outcome.DISCLOSED,
        letter_html=complete_letter(application, Outcome.DISCLOSED), uploads=[SimpleUploadedFile("名单.pdf", data)])
    application = send_reply(application, world.disclosure)
    record = propose(world, application)
    assert [a.file.open("rb").read() for a in record.attachments.all()] == [data]


def test_the_application_and_the_record_link_each_other_and_an_event_names_it(client, world, answered):
    record = propose(world, answered)
    answered.refresh_from_db()
    assert answered.public_record == record and list(record.source_applications.all()) == [answered]
    event = answered.events.get(kind=EventKind.PROACTIVE_PROPOSED)
    assert event.data == {"record": record.pk} and event.comment == record.title and event.actor == world.disclosure

    application_page = as_user(client, "gkb").get(
        reverse("admin:applications_disclosureapplication_change", args=[answered.pk])).content.decode()
    assert reverse("admin:disclosure_record_change", args=[record.pk]) in application_page
    record_page = as_user(client, "drafter_a").get(
        reverse("admin:disclosure_record_change", args=[record.pk])).content.decode()
    application_url = reverse("admin:applications_disclosureapplication_change", args=[answered.pk])
    assert "来源申请" in record_page and application_url in record_page  # the answering office sees both
    # Who may not open the application sees its code, without a link or the applicant's title.
    record_page = as_user(client, "publisher").get(
        reverse("admin:disclosure_record_change", args=[record.pk])).content.decode()
    assert answered.tracking_code in record_page and application_url not in record_page


def test_the_applicant_does_not_see_the_internal_proposal_event(client, world, answered):
    propose(world, answered)
    page = client.get(reverse("applications:case", args=[case_token(answered)])).content.decode()
    assert "起草政府信息" not in page and "已纳入主动公开" not in page


# --- Refusals --------------------------------------------------------------------------------------


def test_an_answer_that_released_nothing_is_refused_r44(world):
    application = answer(world, outcome=Outcome.UNAVAILABLE_NOT_HELD, files=False)
    with pytest.raises(StateConflict, match="没有公开任何政府信息"):
        propose(world, application)
    assert not Record.objects.filter(source_applications=application).exists()


def test_a_disclosure_without_a_file_has_nothing_to_copy(world):
    application = answer(world, outcome=Outcome.DISCLOSED, files=False)
    with pytest.raises(StateConflict, match="没有提供可以公开的文件"):
        propose(world, application)


def test_an_open_application_is_refused(world):
    application = ApplicationFactory(received_on=timezone.localdate())  # Beijing's date, not the machine's
    with pytest.raises(StateConflict):
        propose(world, application)


def test_a_second_proposal_is_refused(world, answered):
    record = propose(world, answered)
    with pytest.raises(StateConflict, match="已纳入主动公开"):
        propose(world, answered)
    assert Record.objects.filter(title=record.title).count() == 1


@pytest.mark.parametrize("who", ["drafter_a", "head_a", "drafter_b", "head_b", "leader_a", "leader_b", "publisher",
                                 "registrar", "supervisor", "admin", "nobody"])
def test_only_the_disclosure_office_brings_an_answer_into_proactive_disclosure(client, world, answered, who):
    user = getattr(world, who)
    with pytest.raises(ActionRefused):
        propose(world, answered, actor=user)
    url = reverse("admin:applications_disclosureapplication_transition", args=[answered.pk, PROPOSE])
    client.force_login(user)
    assert client.post(url, {"expected_status": "closed"}).status_code in (302, 403, 404)
    answered.refresh_from_db()
    assert answered.public_record is None and not Record.objects.filter(source_applications=answered).exists()


def test_the_button_is_offered_to_the_disclosure_office_and_works(client, world, answered):
    change = reverse("admin:applications_disclosureapplication_change", args=[answered.pk])
    url = reverse("admin:applications_disclosureapplication_transition", args=[answered.pk, PROPOSE])
    as_user(client, "gkb")
    assert url in client.get(change).content.decode()
    page = client.get(url).content.decode()
    assert "草稿将包含" in page and "平台名单" in page
    response = client.post(url, {"expected_status": "closed"})
    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.public_record is not None
    assert url not in client.get(change).content.decode()  # once only


def test_a_stale_page_posting_twice_is_refused_without_a_server_error(client, world, answered):
    url = reverse("admin:applications_disclosureapplication_transition", args=[answered.pk, PROPOSE])
    as_user(client, "gkb")
    client.post(url, {"expected_status": "closed"})
    response = client.post(url, {"expected_status": "closed"}, follow=True)
    assert response.status_code == 200 and "已纳入主动公开" in response.content.decode()
    assert Record.objects.filter(source_applications=answered).count() == 1
    assert client.post(url, {"expected_status": "x" * 5000}).status_code in (200, 302)


# --- The chain, and the applicant's page ---------------------------------------------------------


def test_the_draft_runs_the_chain_and_the_tracking_page_then_links_it_r44(client, world, answered):
    record = propose(world, answered)
    page_url = reverse("applications:case", args=[case_token(answered)])

    record = drive(world, record, RecordState.READY)
    assert "已纳入主动公开" not in client.get(page_url).content.decode()

    record = drive(world, record, RecordState.PUBLISHED)
    page = client.get(page_url).content.decode()
    assert "已纳入主动公开" in page and record.get_absolute_url() in page
    assert timezone.localtime(record.published_at).date().isoformat() in page
    assert client.get(record.get_absolute_url()).status_code == 200

    drive(world, record, RecordState.REGISTERED)
    assert record.get_absolute_url() in client.get(page_url).content.decode()


# --- The applicant's suggestion (R.44, second paragraph) -----------------------------------------


def test_the_apply_form_checkbox_stores_the_suggestion(client, world):
    data = {**PERSON, "suggest_proactive": "on"}
    response = client.post(reverse("applications:apply"), data)
    assert response.status_code == 200 and "查询密码" in response.content.decode()
    application = DisclosureApplication.objects.get()
    assert application.proactive_suggested and application.proactive_suggested_at is not None
    assert application.events.filter(kind=EventKind.PROACTIVE_SUGGESTED).count() == 1


def test_without_the_checkbox_nothing_is_suggested(client, world):
    client.post(reverse("applications:apply"), PERSON)
    application = DisclosureApplication.objects.get()
    assert not application.proactive_suggested and not application.events.filter(
        kind=EventKind.PROACTIVE_SUGGESTED).exists()


def test_the_tracking_page_offers_the_suggestion_after_the_answer_and_stores_it_once(client, world, answered):
    page_url = reverse("applications:case", args=[case_token(answered)])
    suggest = reverse("applications:case_suggest", args=[case_token(answered)])
    assert suggest in client.get(page_url).content.decode()

    response = client.post(suggest, {"confirm": "on"}, follow=True)
    assert "感谢您的建议" in response.content.decode()
    answered.refresh_from_db()
    assert answered.proactive_suggested and answered.events.filter(kind=EventKind.PROACTIVE_SUGGESTED).count() == 1
    page = client.get(page_url).content.decode()
    assert suggest not in page and "您已于" in page

    response = client.post(suggest, {"confirm": "on"})
    assert response.status_code == 200 and "您已经提出过" in response.content.decode()
    assert answered.events.filter(kind=EventKind.PROACTIVE_SUGGESTED).count() == 1


def test_no_suggestion_once_the_answer_became_a_record_r44(client, world, answered):
    propose(world, answered)
    with pytest.raises(StateConflict, match="已将所申请的信息纳入主动公开程序"):
        services.application_suggest_proactive_disclosure(application=answered)
    # A tracking page opened before the proposal still posts: the applicant reads why, nothing is stored.
    response = client.post(reverse("applications:case_suggest", args=[case_token(answered)]), {"confirm": "on"})
    assert response.status_code == 200 and "无需再提出建议" in response.content.decode()
    answered.refresh_from_db()
    assert not answered.proactive_suggested
    assert not answered.events.filter(kind=EventKind.PROACTIVE_SUGGESTED).exists()


def test_the_suggestion_needs_the_box_and_an_answer(client, world):
    application = ApplicationFactory(received_on=timezone.localdate())  # Beijing's date, not the machine's
    suggest = reverse("applications:case_suggest", args=[case_token(application)])
    assert suggest not in client.get(reverse("applications:case", args=[case_token(application)])).content.decode()
    response = client.post(suggest, {"confirm": "on"})
    assert response.status_code == 200 and "答复后才能" in response.content.decode()
    application.refresh_from_db()
    assert not application.proactive_suggested


@pytest.mark.parametrize("data", [{}, {"confirm": ""}, {"confirm": "on", "website": "spam"}])
def test_bad_suggestion_input_is_refused_with_a_message(client, world, answered, data):
    suggest = reverse("applications:case_suggest", args=[case_token(answered)])
    response = client.post(suggest, data)
    assert response.status_code == 200 and "操作未成功" in response.content.decode()
    answered.refresh_from_db()
    assert not answered.proactive_suggested


def test_a_forged_token_on_the_suggestion_changes_nothing(client, world, answered):
    response = client.post(reverse("applications:case_suggest", args=["forged"]), {"confirm": "on"})
    assert response.status_code in (302, 404)
    answered.refresh_from_db()
    assert not answered.proactive_suggested


def test_suggestions_are_counted_by_period_and_shown_to_staff(client, world, answered):
    # At a fixed hour: the count is by day and the changelist's by year, both in Beijing time.
    with at(timezone.localdate(), 12):
        suggestions_are_counted_by_period_and_shown_to_staff(client, answered)


def suggestions_are_counted_by_period_and_shown_to_staff(client, answered):
    services.application_suggest_proactive_disclosure(application=answered)
    today = timezone.localdate()
    assert selectors.proactive_disclosure_suggestions(selectors.DateRange(start=today, end=today)) == 1
    yesterday = today - dt.timedelta(days=1)
    assert selectors.proactive_disclosure_suggestions(selectors.DateRange(start=yesterday, end=yesterday)) == 0

    changelist = reverse("admin:applications_disclosureapplication_changelist")
    page = as_user(client, "gkb").get(changelist).content.decode()
    assert f"{today.year}年申请人建议纳入主动公开的申请：1 件" in page
    filtered = client.get(changelist, {"proactive_suggested__exact": "1"}).content.decode()
    assert answered.tracking_code in filtered
    change = client.get(reverse("admin:applications_disclosureapplication_change", args=[answered.pk]))
    assert "建议将所申请的信息纳入主动公开" in change.content.decode()


def test_an_office_without_an_info_officer_gets_the_draft_held_by_the_disclosure_office(world, sample):
    from portal.models import Office, OfficeKind, Role
    from tests.conftest import make_user

    quiet = Office.objects.create(name="节能与综合利用处", kind=OfficeKind.DIVISION)
    second = make_user("gkb_second", Role.DISCLOSURE_OFFICE, world.general_office)
    application = ApplicationFactory(received_on=timezone.localdate())  # Beijing's date, not the machine's
    application = services.application_assign(application=application, actor=world.disclosure, office=quiet)
    application = services.application_draft_reply(
        application=application, actor=world.disclosure, outcome=Outcome.DISCLOSED,
        letter_html=complete_letter(application, Outcome.DISCLOSED),
        uploads=[SimpleUploadedFile("名单.pdf", samples.chinese_text_pdf(1, secret_pages=())[0])])
    application = send_reply(application, second)
    record = propose(world, application)
    assert record.office == quiet and record.created_by == world.disclosure

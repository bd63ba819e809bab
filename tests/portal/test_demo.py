"""The demo agency loader: complete, realistic and idempotent.

Every test that reads a fresh demo lives here, the English pages', the links' and the record
workflow's walk-through among them: the demo is loaded once for this module (`demo_module_rows`;
issue #17: a load takes seconds, and six modules each loaded it). Those that need a fresh
installation are in test_demo_fresh.py."""

import contextlib
import datetime as dt
import html
import re
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from disclosure.models import CatalogueCategory, Record, RecordState, ReleaseRegisterLine
from portal.models import Membership, Office, OfficeKind, Role, SiteProfile
from tests.conftest import act, as_user, delete_world, rows_for_the_module

pytestmark = [pytest.mark.django_db, pytest.mark.one_worker]  # one demo load for the module


DEMO_URL = "http://127.0.0.1:8080"


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@dataclass
class Demo:
    output: str  # what the first load printed
    media: Path  # its files (settings.MEDIA_ROOT of the tests that read them)


@pytest.fixture(scope="module")
def demo_module_rows(django_db_setup, django_db_blocker, tmp_path_factory) -> Demo:
    """A fresh demo, loaded in demo mode into the database as migrate leaves it, once for the tests
    that go on from one (issue #17: a load takes seconds, and they each loaded it). Each test's own
    changes are undone at its end as before; the demo is rolled back after the module's last test."""
    media = tmp_path_factory.mktemp("demo-media")
    with rows_for_the_module(django_db_blocker) as unblocked:
        # Served on another port than make demo's default, as `make demo PORT=8080` does: the
        # agency's website in the guide is that address (test_the_demo_agencys_website_…).
        with unblocked(), override_settings(DEMO_MODE=True, MEDIA_ROOT=media, PORTAL_BASE_URL=DEMO_URL):
            delete_world()
            output = load()
        yield Demo(output=output, media=media)


@pytest.fixture
def demo(demo_module_rows, settings) -> Demo:
    settings.DEMO_MODE, settings.MEDIA_ROOT, settings.PORTAL_BASE_URL = True, demo_module_rows.media, DEMO_URL
    return demo_module_rows


def counts():
    return (Office.objects.count(), get_user_model().objects.count(), Membership.objects.count(),
            Record.objects.count(), ReleaseRegisterLine.objects.count())


def test_demo_loads_the_seed_department_and_is_idempotent(demo):
    first = demo.output
    before = counts()
    second = load()
    assert counts() == before
    assert "新增政府信息 0 条" in second

    assert SiteProfile.objects.get().name == "吉林省工业和信息化厅"
    kinds = set(Office.objects.values_list("kind", flat=True))
    assert kinds == {OfficeKind.DIVISION, OfficeKind.GENERAL_OFFICE, OfficeKind.INFO_CENTER, OfficeKind.SUPERVISION}
    assert Office.objects.filter(kind=OfficeKind.DIVISION).count() >= 6
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    for office in Office.objects.filter(kind=OfficeKind.DIVISION):
        assert office.supervising_leaders.exists()
    states = set(Record.objects.values_list("state", flat=True))
    assert {RecordState.REGISTERED, RecordState.DIVISION_REVIEW, RecordState.LEADER_SIGNOFF} <= states
    # Issue #19: a normative document published with its interpretation, linked both ways, at the same time.
    from disclosure.interpretation_models import Interpretation

    link = Interpretation.objects.select_related("policy", "interpretation").get(
        policy__document_number="吉工信规〔2026〕1号")
    assert link.with_policy and link.policy.state == link.interpretation.state == RecordState.REGISTERED
    assert link.policy.published_at == link.interpretation.published_at
    assert link.interpretation.video_url and link.interpretation.attachments.filter(content_type="image/png").exists()
    assert "demo-portal-2026" in first and "zcfg-drafter" in first
    user = get_user_model().objects.get(username="zcfg-drafter")
    assert user.check_password("demo-portal-2026")


@pytest.mark.parametrize("beijing_time", ["08:05", "15:30"])
def test_benchmark_records_are_generated_published_and_findable(client, demo, beijing_time):
    """Generated records are never in the future, whatever the hour the suite runs at: one
    "published" at 09:xx today while it is 08:05 would be scheduled and its page 404."""
    out = StringIO()
    before = Record.objects.filter(state=RecordState.REGISTERED).count()
    hour, minute = map(int, beijing_time.split(":"))
    moment = dt.datetime(2026, 12, 7, hour, minute, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(moment, tick=False):
        # 400 records over ten years: several are formed within the last few weeks and so
        # "published" today, the case that went wrong before 10:00.
        call_command("generate_records", records=400, batch=150, stdout=out, stderr=StringIO())
        assert "已生成 400 条" in out.getvalue()
        generated = Record.objects.filter(state=RecordState.REGISTERED).exclude(catalogue_entry__isnull=True)
        assert generated.count() == before + 400
        assert not generated.filter(published_at__gt=timezone.now()).exists()
        assert generated.filter(published_at__date=moment.date()).exists(), "some record is published today"
        numbers = list(Record.objects.exclude(index_number=None).values_list("index_number", flat=True))
        assert len(numbers) == len(set(numbers)), "index numbers stay unique across batches"
        newest = generated.order_by("-published_at", "-pk").first()
        assert client.get(f"/records/{newest.pk}/").status_code == 200
        assert f"/records/{newest.pk}/" in client.get("/search/", {"q": newest.title}).content.decode()


def test_demo_ships_records_with_real_attachments_to_download(client, demo):
    """Issue #15 (11): a fresh demo has a PDF with Chinese text and images to download, named by
    their titles on the record pages."""
    from disclosure.models import Attachment

    public = Attachment.objects.filter(record__state=RecordState.REGISTERED, record__attribute="proactive")
    kinds = set(public.values_list("content_type", flat=True))
    assert {"application/pdf", "image/png", "image/jpeg"} <= kinds
    pdf = public.filter(content_type="application/pdf").order_by("pk").first()
    response = client.get(reverse("disclosure:attachment", args=[pdf.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF-") and b"STSong-Light" in content and b"UniGB-UCS2-H" in content
    page = client.get(reverse("disclosure:record", args=[pdf.record_id])).text
    assert f"附件1：</span><a href=\"{reverse('disclosure:attachment', args=[pdf.pk])}\" lang=\"zh-Hans\">{pdf.title}</a>" in page
    # The chart of the economy report (the interpretation's 图解 is the other PNG, issue #19).
    image = public.filter(content_type="image/png", record__interprets_links__isnull=True).get()
    from PIL import Image

    with Image.open(image.file.path) as picture:
        assert picture.size == (720, 420)


def test_demo_demand_is_one_flagged_topic_whose_answer_becomes_public_and_a_hint_r44(demo, client):
    """Issue #18, done when: three demo applications for the same information are one topic flagged
    for proactive disclosure; the disclosure office turns the answer into a draft record; the chain
    publishes it; the applicants' tracking page links it; a new visitor typing the request sees it."""
    from applications import services as application_services
    from applications.models import DisclosureApplication
    from applications.selectors import public_record
    from disclosure.demand_selectors import demand_topics, hint_entries

    today = timezone.localdate()
    topics = demand_topics(start=today - dt.timedelta(days=60), end=today).topics
    flagged = [topic for topic in topics if topic.flagged]
    assert [(t.name, t.asked) for t in flagged] == [("2026年1—9月全省重点监测工业企业运行分析", 3)]

    answered = DisclosureApplication.objects.get(description__startswith="请提供2026年1—9月全省重点监测工业企业运行分析全文")
    gkb = get_user_model().objects.get(username="gkb")
    application_services.application_propose_proactive_disclosure(application=answered, actor=gkb)
    answered.refresh_from_db()
    record = answered.public_record
    assert record.state == RecordState.DRAFT and record.attachments.count() == 1
    assert answered.applicant_name not in record.title

    from disclosure import services as record_services
    from tests.conftest import ALL_CLEAR

    drafter = record.created_by  # the office's info officer holds the draft
    head = Membership.objects.filter(office=record.office, role=Role.DIVISION_HEAD).first().user
    leader = record.office.supervising_leaders.first()
    publisher = Membership.objects.filter(role=Role.INFO_CENTER).first().user
    record = record_services.record_submit(record=record, actor=drafter)
    record = record_services.record_approve_division(record=record, actor=head, **ALL_CLEAR)
    record = record_services.record_approve_confidentiality(record=record, actor=gkb, **ALL_CLEAR)
    if record.state == RecordState.LEADER_SIGNOFF:
        record = record_services.record_sign_off(record=record, actor=leader)
    record = record_services.record_publish(record=record, actor=publisher, channels=["column"])
    assert record.state == RecordState.PUBLISHED
    assert public_record(answered) == record
    hints = hint_entries("请提供2026年1—9月全省重点监测工业企业运行分析")
    assert hints[0].record_id == record.pk  # the best hint, above the demo's other records


def test_the_disclosure_office_does_the_procedures_of_issue_14_in_the_demos_back_office_m6_r32_r35_m3_m14(
        demo, client):
    """Issue #14, done when: on a fresh demo the disclosure office (gkb), in the back office,
    - 9: decides in the unified review that withholding would seriously harm the public interest
      (the record goes to the supervising leader) and discloses another with the right holder's
      consent and its letter (M.6 para. 2, R.15); tells the third party that objected in writing
      before the disclosure goes out (R.32);
    - 11: sends that reply only after the confidentiality check (M.3(4), R.17);
    - 10: consults another agency (R.33(3), R.34) and sets a delayed reply (R.35) — on the request
      submitted yesterday, so that its time limit runs whatever day the demo is loaded;
    - 15: grants the office's pending request to change a published record (M.14), and declines
      one an office files now only with a reason."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from applications.models import DisclosureApplication, NoticeKind
    from disclosure.demo import PREFIX
    from disclosure.models import ChangeRequest, ChangeRequestStatus
    from portal.workdays import add_workdays

    users = get_user_model().objects
    today = timezone.localdate()

    def act(user, obj, name, **data):
        """`user` opens the back office's action `name` on `obj` and confirms it."""
        client.force_login(user)
        if isinstance(obj, Record):
            url = reverse("admin:disclosure_record_transition", args=[obj.pk, name])
            data = {"expected_state": obj.state, **data}
        else:
            url = reverse("admin:applications_disclosureapplication_transition", args=[obj.pk, name])
            data = {"expected_status": obj.status, **data}
        assert client.get(url).status_code == 200, name
        response = client.post(url, data)
        assert response.status_code == 302, (name, response.content.decode()[:3000])
        obj.refresh_from_db()
        return obj

    gkb = users.get(username="gkb")
    client.force_login(gkb)
    work_list = client.get(reverse("admin:index")).content.decode()
    assert "某企业节能改造补贴金额及核定依据" in work_list and "处室报请" in work_list

    # 9 (records): public interest → the leader signs; consent with its letter → ready.
    public_interest = Record.objects.filter(state=RecordState.CONFIDENTIALITY_REVIEW).order_by("pk").first()
    consent = Record.objects.filter(state=RecordState.DIVISION_REVIEW).order_by("pk").first()
    head = Membership.objects.filter(office=consent.office, role=Role.DIVISION_HEAD).first().user
    act(head, consent, "approve_division", no_state_secret="on", no_commercial_secret="on", no_personal_privacy="on")
    act(gkb, public_interest, "approve_confidentiality", no_state_secret="on", no_commercial_secret="on",
        override="public_interest", public_interest_reason="涉及公共安全，不公开将对公共利益造成重大影响", is_important="no")
    assert public_interest.state == RecordState.LEADER_SIGNOFF
    act(public_interest.office.supervising_leaders.first(), public_interest, "sign_off", comment="同意")
    assert public_interest.state == RecordState.READY
    act(gkb, consent, "approve_confidentiality", no_state_secret="on", no_personal_privacy="on", override="consent",
        consent_how="企业书面同意函", consent_on=today.isoformat(), is_important="no",
        consent_document=SimpleUploadedFile("同意函.pdf", b"%PDF-1.4 consent", content_type="application/pdf"))
    assert consent.state == RecordState.READY

    # 9 (R.32) and 11: the third party objected; told in writing, then the reply with the check.
    objected = DisclosureApplication.objects.get(information_title="某企业节能改造补贴金额及核定依据")
    act(gkb, objected, "notify_third_party", content="补贴金额及核定依据", reason="涉及财政资金使用，不公开将对公共利益造成重大影响",
        sent_on=today.isoformat(), sent_via="post")
    assert objected.notices.filter(kind=NoticeKind.THIRD_PARTY_DISCLOSURE, to_applicant=False).exists()
    client.force_login(gkb)
    url = reverse("admin:applications_disclosureapplication_transition", args=[objected.pk, "send_reply"])
    refused = client.post(url, {"expected_status": objected.status})
    assert refused.status_code == 200 and "保密审查" in refused.content.decode()
    act(gkb, objected, "send_reply", no_state_secret="on", no_commercial_secret="on", no_personal_privacy="on")
    assert objected.status == "closed"

    # 10: another agency consulted, then a delayed reply, on yesterday's request.
    recent = DisclosureApplication.objects.get(information_title="2027年度产业政策资金申报安排")
    act(gkb, recent, "confirm", received_on=today.isoformat())
    act(gkb, recent, "assign", office=Office.objects.get(name="规划与产业政策处").pk)
    act(gkb, recent, "start_agency_consultation", agency="长春市工业和信息化局", matter="该信息由双方共同制作，是否同意公开",
        sent_on=today.isoformat(), sent_via="email")
    assert recent.agency_consultation_open and recent.clock_paused
    act(gkb, recent, "end_agency_consultation", ended_on=today.isoformat(), result="同意公开")
    until = add_workdays(today, 40).date
    act(gkb, recent, "delay_reply", until=until.isoformat(), reasons="申请涉及的档案数量大，需逐卷查阅",
        applicant_reason="课题研究需要")
    assert recent.due_date == until
    assert set(recent.notices.values_list("kind", flat=True)) >= {NoticeKind.AGENCY_CONSULTATION,
                                                                  NoticeKind.DELAYED_REPLY}

    # 15: the demo's pending request granted; one filed now declined with a reason.
    pending = ChangeRequest.objects.get(status=ChangeRequestStatus.PENDING)
    act(gkb, pending.record, "handle_change_request", decision="accept", comment="同意更正")
    pending.refresh_from_db()
    assert pending.status == ChangeRequestStatus.ACCEPTED
    published = Record.objects.filter(state=RecordState.REGISTERED, attribute="proactive").exclude(
        change_requests__isnull=False).order_by("pk").first()
    act(users.get(username=f"{PREFIX[published.office.name]}-drafter"), published, "request_change", kind="revoke",
        comment="该文件已被新文件替代")
    client.force_login(gkb)
    assert published.title in client.get(reverse("admin:index")).content.decode()
    url = reverse("admin:disclosure_record_transition", args=[published.pk, "handle_change_request"])
    assert client.post(url, {"expected_state": published.state, "decision": "decline"}).status_code == 200
    act(gkb, published, "handle_change_request", decision="decline", comment="不符合撤销条件")
    assert published.change_requests.get().status == ChangeRequestStatus.DECLINED


def test_the_demo_has_a_subscriber_with_a_daily_digest_and_one_awaiting_confirmation(demo):
    """Issue #21, done when: the demo's mail shows a subscriber's confirmation and a digest."""
    from disclosure.subscription_demo import DIGEST_READER, NEW_READER
    from disclosure.subscription_models import Subscription
    from portal.models import Notice

    reader, newcomer = Subscription.objects.get(email=DIGEST_READER), Subscription.objects.get(email=NEW_READER)
    assert reader.confirmed_at and reader.last_digest_at and not newcomer.confirmed_at
    digest = Notice.objects.get(to=[DIGEST_READER], subject__startswith="信息订阅每日汇总")
    assert "退订" in digest.body and digest.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/subscribe/confirm/" in Notice.objects.get(to=[NEW_READER]).body
    before = Notice.objects.count()
    load()  # idempotent: nobody is subscribed or mailed twice
    assert Notice.objects.count() == before and Subscription.objects.count() == 2


# --- Links (tests/portal/test_links.py): the address the demo is served on ----------------------


def test_the_demo_agencys_website_in_the_guide_is_the_address_the_demo_is_served_on(client, demo):
    guide = client.get(reverse("disclosure:guide")).text
    assert f'<a href="{DEMO_URL}/">{DEMO_URL}/</a>' in guide
    assert "127.0.0.1:8000" not in guide


# --- Issue #20: redaction, the personal data check and the compliance page -----------------------


def test_the_demo_shows_redaction_the_personal_data_check_and_the_compliance_page(client, demo):
    """An office redacted an applicant's name and identity number before releasing a file, and the
    requester's download holds neither; a drafter who pasted an identity number into a record body
    is stopped at submission with the hit shown; the compliance page lists the demo's real findings."""
    from applications.models import DisclosureApplication, FileRole
    from applications.redaction_demo import NAME, PENDING_TITLE, SENT_TITLE
    from applications.views import case_token
    from complaints.compliance import latest_run
    from disclosure.redaction_demo import DEMO_ID, DRAFT_TITLE
    from tests import pdf_samples as samples
    from tests.conftest import as_user

    # The applicant's download: neither the name nor the number, by any tool.
    application = DisclosureApplication.objects.get(information_title=SENT_TITLE)
    code, secret = re.search(r"查询码 (\S+) 查询密码 (\S+)", demo.output).groups()
    assert code == application.tracking_code and secret
    item = application.files.get(role=FileRole.PROVIDED)
    original = item.file.open("rb").read()
    assert NAME in samples.text_of(original)[0] and DEMO_ID in samples.text_of(original)[0]
    response = client.get(reverse("applications:case_file", args=[case_token(application), item.pk]))
    released = b"".join(response.streaming_content)
    blob = samples.all_streams_decoded(released)
    for text in (NAME, DEMO_ID):
        assert not any(text in page for page in samples.text_of(released))
        assert not any(encoded in blob for encoded in (text.encode("utf-16-be"), text.encode(), text.encode("gbk")))

    # The reply still waiting cannot be sent before its file is redacted.
    pending = DisclosureApplication.objects.get(information_title=PENDING_TITLE)
    as_user(client, "gkb")
    page = client.post(reverse("admin:applications_disclosureapplication_transition", args=[pending.pk, "send_reply"]),
                       {"expected_state": pending.status, "no_state_secret": "on", "no_commercial_secret": "on",
                        "redacted_parts": "申领人姓名、身份证号码", "redaction_grounds": "personal_privacy"}
                       ).content.decode()
    assert "疑似个人信息" in page

    # The drafter who pasted an identity number is stopped, the hit shown.
    record = Record.objects.get(title=DRAFT_TITLE)
    as_user(client, "zcfg-drafter")
    page = client.post(reverse("admin:disclosure_record_transition", args=[record.pk, "submit"]),
                       {"expected_state": "draft"}).content.decode()
    assert "居民身份证号码 2201**********4562" in page
    assert Record.objects.get(pk=record.pk).state == "draft"

    # The compliance page lists the demo's findings, among them the missing record number.
    run = latest_run()
    assert any("公安机关备案号" in finding["detail"] for finding in run.findings)
    as_user(client, "gkb")
    page = client.get(reverse("admin:complaints_compliancerun_changelist")).content.decode()
    assert "页脚缺少网站标识" in page and f"{run.score}</strong>" in page


# --- Translations (tests/portal/test_translations.py): the demo's pages in English ---------------


def test_the_english_back_office_shows_no_chinese_punctuation_around_english_words(client, demo):
    """Every change page and list of the demo agency's back office, in English."""
    from django.contrib import admin
    from django.urls import NoReverseMatch

    from tests.portal.test_translations import MIXED_PUNCTUATION

    client.force_login(get_user_model().objects.get(username="admin"))
    client.cookies["django_language"] = "en"
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages.append(reverse(f"{name}_changelist"))
        first = model._default_manager.order_by("-pk").first()
        with contextlib.suppress(NoReverseMatch):  # views without a change page (the dashboard)
            if first is not None:
                pages.append(reverse(f"{name}_change", args=[first.pk]))
    mixed = {}
    for url in pages:
        response = client.get(url, follow=True)  # the site profile's list leads to its one page
        assert response.status_code == 200, url
        # Chinese data marked as such (WCAG 3.1.2: a mail's subject as it was sent) keeps its own.
        text = re.sub(r'<span lang="zh-Hans">[^<]*</span>', " ", response.text)
        text = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", text, flags=re.S)
        text = html.unescape(text)
        if found := [text[max(m.start() - 30, 0):m.end() + 30].strip() for m in MIXED_PUNCTUATION.finditer(text)]:
            mixed[url] = found[:3]
    assert len(pages) > 40
    assert not mixed, mixed


def test_the_english_public_pages_show_no_chinese_punctuation_around_english_words(client, demo):
    """The public pages in English; Chinese data (marked lang="zh-Hans", WCAG 3.1.2) keeps its own."""
    from tests.disclosure.test_public import _Page
    from tests.portal.test_translations import MIXED_PUNCTUATION

    client.cookies["django_language"] = "en"
    record = Record.objects.filter(state=RecordState.REGISTERED).order_by("-pk").first()
    report = Record.objects.filter(category__code="annual-report", title__contains="2025年").exclude(published_at=None).get()
    pages = [reverse(f"disclosure:{name}") for name in ("home", "guide", "rules", "catalogue", "statutory",
                                                        "annual_reports")]
    pages += [reverse("disclosure:search") + "?q=工业", record.get_absolute_url(), report.get_absolute_url(),
              reverse("disclosure:record_print", args=[record.pk])]
    pages += [reverse(f"applications:{name}") for name in ("apply", "track")]
    pages += [reverse(f"complaints:{name}") for name in ("interact", "consult", "complain", "faq", "survey", "track")]
    site = SiteProfile.current()
    mixed, unmarked, marked = {}, {}, 0
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        texts = [(t, (lang or "").lower().startswith("zh")) for tag, lang, t in _Page(response.text).texts
                 if tag not in ("script", "style")]
        if found := [t for t, chinese in texts if not chinese and MIXED_PUNCTUATION.search(t)]:
            mixed[url] = found[:3]
        # The agency's address and office hours are Chinese data, wherever they are shown.
        contact = [(t, chinese) for t, chinese in texts if site.address in t or site.office_hours in t]
        marked += sum(chinese for _t, chinese in contact)
        if found := [t for t, chinese in contact if not chinese]:
            unmarked[url] = found[:3]
    assert not mixed, mixed
    assert not unmarked, unmarked
    assert marked > len(pages), "the footer of every page and the guide's ways to apply show them"


# --- The record workflow's "done when" over HTTP with the demo accounts (was tests/disclosure/test_walkthrough.py,
# which loaded the demo for itself): a drafter creates a record; it reaches publication only
# through every required step by the right people; the register shows it with its index number;
# an amendment and a revocation follow the same path; the disclosure office sees the full history.

S = RecordState
WALKTHROUGH_TITLE = "关于开展2027年度省级工业设计中心认定工作的通知"


def refused(client, username, record, name):
    as_user(client, username)
    url = reverse("admin:disclosure_record_transition", args=[record.pk, name])
    return client.get(url).status_code in (302, 403, 404)


WALKTHROUGH_CHECKS = {"no_state_secret": "on", "no_commercial_secret": "on", "no_personal_privacy": "on"}


def test_a_record_from_draft_to_register_then_amended_and_revoked(client, demo):
    office = Office.objects.get(name="装备工业处")
    category = CatalogueCategory.objects.get(code="m5-2")
    as_user(client, "zbgy-drafter")
    response = client.post(reverse("admin:disclosure_record_add"), {
        "title": WALKTHROUGH_TITLE, "summary": "认定条件、程序和材料要求", "office": office.pk, "category": category.pk,
        "document_number": "吉工信装备〔2026〕21号", "document_type": "other", "date_formed": "2026-11-20",
        "attribute": "proactive", "is_important": "on", "body": "<p>各市（州）工业和信息化局：……</p>",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    record = Record.objects.get(title=WALKTHROUGH_TITLE)

    record = act(client, "zbgy-drafter", record, "submit")
    assert refused(client, "zcfg-head", record, "approve_division")  # another office's head
    record = act(client, "zbgy-head", record, "approve_division", **WALKTHROUGH_CHECKS)
    assert refused(client, "xxzx-publisher", record, "publish")  # cannot skip the review
    record = act(client, "gkb", record, "approve_confidentiality", **WALKTHROUGH_CHECKS, is_important="yes")
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
    assert WALKTHROUGH_TITLE in client.get(reverse("disclosure:catalogue")).content.decode()

    # Amendment (M.14): a new version runs the same path; the old stays public until replaced.
    draft = act(client, "zbgy-drafter", record, "amend", comment="调整申报时间")
    assert draft.state == S.DRAFT and draft.previous_version_id == record.pk
    for username, name, data in [
        ("zbgy-drafter", "submit", {}), ("zbgy-head", "approve_division", WALKTHROUGH_CHECKS),
        ("gkb", "approve_confidentiality", {**WALKTHROUGH_CHECKS, "is_important": "yes"}), ("leader-li", "sign_off", {}),
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

"""A citizen's own cases without an account (issue #18 part 4): a one-time link, sent to the
e-mail address or mobile number they gave, opens a list of all their applications, complaints
and consultations — the same answer for every address, one use, 30 minutes, rate-limited."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from portal import sms
from portal.models import AuditEntry, AuditEvent, CaseListLink
from portal.own_cases.selectors import contact_parse, own_case_refs
from tests.factories import ApplicationFactory, ComplaintFactory, ConsultationFactory
from tests.timing import at

REQUEST, LIST = "/my-cases/", "/my-cases/list/"
MINE = "wang.citizen@example.invalid"
OTHERS = "someone.else@example.invalid"
LINK_RE = re.compile(r"https?://[^\s]+/my-cases/open/[A-Za-z0-9_\-]+/")


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def cases(world):
    """Wang's application, complaint and consultation (his address typed in other cases), and
    another person's application and an anonymous complaint."""
    return {
        "application": ApplicationFactory(email="Wang.Citizen@Example.invalid", phone="+86 139-1111-2222",
                                          information_title="王某申请的道路规划文件"),
        "complaint": ComplaintFactory(reporter={"name": "王某", "phone": "13911112222", "email": MINE}),
        "consultation": ConsultationFactory(name="王某", phone="139 1111 2222", email=MINE, subject="王某的咨询主题"),
        "other": ApplicationFactory(email=OTHERS, phone="13800009999", information_title="他人申请的机密名单"),
        "anonymous": ComplaintFactory(anonymous=True),
    }


def ask(client, contact, **extra):
    return client.post(REQUEST, {"contact": contact}, **extra)


def link_from(text: str) -> str:
    found = LINK_RE.search(text)
    assert found, text
    return found.group(0)


def path_of(url: str) -> str:
    return urlsplit(url).path


def open_list(client, link: str):
    return client.post(path_of(link), follow=True)


# --- The same answer ------------------------------------------------------------------------


def test_a_known_and_an_unknown_address_get_the_same_page(client, cases):
    known = ask(client, MINE)
    unknown = ask(client, "nobody-here@example.invalid")
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert "请查收一次性链接" in known.content.decode()
    # The same work behind it: a link row each (the unknown one naming no case), one mail only.
    assert CaseListLink.objects.count() == 2
    assert sorted(len(link.cases) for link in CaseListLink.objects.all()) == [0, 3]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [MINE]


def test_only_a_digest_of_the_token_and_never_the_address_is_stored(client, cases):
    ask(client, MINE)
    token = link_from(mail.outbox[0].body).rstrip("/").rsplit("/", 1)[1]
    link = CaseListLink.objects.get()
    assert token not in str(link.__dict__) and MINE not in str(link.__dict__)
    assert len(link.token_digest) == 64


# --- Delivery -------------------------------------------------------------------------------


def test_the_mail_carries_the_link_and_nothing_of_the_cases(client, cases):
    ask(client, " WANG.citizen@example.invalid ")
    message = mail.outbox[0]
    assert message.to == [MINE]
    assert link_from(message.body)
    assert "30" in message.body
    for case in cases.values():
        assert case.tracking_code not in message.body + message.subject
    assert "王某" not in message.body and "道路规划" not in message.body


def test_a_mobile_number_gets_a_text_message_with_the_link(client, cases):
    page = ask(client, "139 1111 2222")
    assert page.status_code == 200 and "短信" in page.content.decode()
    assert len(mail.outbox) == 0 and len(sms.outbox) == 1
    message = sms.outbox[0]
    assert message.number == "13911112222"
    assert link_from(message.text)
    for case in cases.values():
        assert case.tracking_code not in message.text
    # The number typed with the country code finds the same three cases.
    page = open_list(client, link_from(message.text))
    body = page.content.decode()
    for name in ("application", "complaint", "consultation"):
        assert cases[name].tracking_code in body


def test_an_unknown_mobile_number_gets_the_same_page_and_no_message(client, cases):
    known, unknown = ask(client, "13911112222"), ask(client, "13700000000")
    assert known.content == unknown.content
    assert len(sms.outbox) == 1


# --- The list -------------------------------------------------------------------------------


def test_the_link_lists_all_three_kinds_of_ones_own_cases_and_no_one_elses(client, cases):
    ask(client, MINE)
    page = open_list(client, link_from(mail.outbox[0].body))
    assert page.redirect_chain[-1][0] == LIST
    body = page.content.decode()
    for name in ("application", "complaint", "consultation"):
        assert cases[name].tracking_code in body
    assert "王某申请的道路规划文件" in body and "王某的咨询主题" in body
    assert "政府信息公开申请" in body and "举报投诉" in body and "咨询" in body
    assert cases["other"].tracking_code not in body and "他人申请的机密名单" not in body
    assert cases["anonymous"].tracking_code not in body
    assert "no-store" in page["Cache-Control"]


def test_the_status_is_worded_as_on_the_tracking_page_with_due_dates(client, cases):
    application = cases["application"]
    ask(client, MINE)
    body = open_list(client, link_from(mail.outbox[0].body)).content.decode()
    assert application.get_status_display() in body
    assert application.due_date.strftime("%Y-%m-%d") in body
    assert "待受理" in body  # the complaint, as its tracking page says


def test_each_row_opens_the_cases_tracking_page_without_the_secret(client, cases):
    ask(client, MINE)
    body = open_list(client, link_from(mail.outbox[0].body)).content.decode()
    for name in ("application", "consultation", "complaint"):
        code = cases[name].tracking_code
        href = re.search(rf'<a href="([^"]+)">{code}</a>', body).group(1)
        case_page = client.get(href)
        assert case_page.status_code == 200, name
        assert code in case_page.content.decode()


def test_an_anonymous_complaint_is_never_found(cases):
    refs = own_case_refs(contact_parse("hanmeimei-reporter@example.invalid"))
    assert f"complaint:{cases['anonymous'].pk}" not in refs


def test_the_list_page_without_a_grant_sends_back_to_the_form(client, cases):
    page = client.get(LIST, follow=True)
    assert page.redirect_chain[-1][0] == REQUEST
    assert "已超过30分钟或无效" in page.content.decode()


def test_leaving_ends_the_grant(client, cases):
    ask(client, MINE)
    open_list(client, link_from(mail.outbox[0].body))
    client.post("/my-cases/list/leave/")
    assert client.get(LIST).status_code == 302


# --- One use, 30 minutes --------------------------------------------------------------------


def test_the_link_works_once(client, cases):
    ask(client, MINE)
    link = path_of(link_from(mail.outbox[0].body))
    assert client.get(link).status_code == 200  # the button page does not spend it
    assert client.post(link).status_code == 302
    again = client.post(link)
    assert again.status_code == 410 and "已使用过" in again.content.decode()
    assert client.get(link).status_code == 410


def test_the_link_expires_after_30_minutes(client, cases):
    with at("2026-11-02", 10, 0):
        ask(client, MINE)
        ask(client, MINE)
    late, in_time = (path_of(link_from(message.body)) for message in mail.outbox)
    with at("2026-11-02", 10, 31):
        assert client.post(late).status_code == 410
    with at("2026-11-02", 10, 29):
        assert client.post(in_time).status_code == 302


def test_the_list_closes_30_minutes_after_the_link_was_opened(client, cases):
    with at("2026-11-02", 10, 0):
        ask(client, MINE)
        open_list(client, link_from(mail.outbox[0].body))
    with at("2026-11-02", 10, 29):
        assert client.get(LIST).status_code == 200
    with at("2026-11-02", 10, 31):
        assert client.get(LIST).status_code == 302


def test_links_a_day_past_their_end_are_removed(client, cases):
    with at("2026-11-02", 10, 0):
        ask(client, MINE)
    with at("2026-11-03", 10, 31):
        ask(client, "nobody-here@example.invalid")
    assert CaseListLink.objects.count() == 1
    assert CaseListLink.objects.get().cases == []


# --- Floods ---------------------------------------------------------------------------------


def test_one_address_gets_three_links_an_hour_then_a_clear_refusal_in_the_audit_trail(client, cases):
    for _n in range(3):
        assert ask(client, MINE).status_code == 200
    refused = ask(client, MINE, REMOTE_ADDR="10.9.9.9")  # another client: the address is counted
    assert refused.status_code == 429 and "Retry-After" in refused
    assert "提交过于频繁" in refused.content.decode()
    assert len(mail.outbox) == 3
    entry = AuditEntry.objects.get(event=AuditEvent.CASE_LINK_LIMITED)
    assert entry.detail.startswith("contact ") and "wang" not in entry.detail.lower()
    # An unknown address is refused alike, so the refusal tells nothing either.
    for _n in range(3):
        ask(client, "nobody-here@example.invalid", REMOTE_ADDR="10.8.8.8")
    assert ask(client, "nobody-here@example.invalid", REMOTE_ADDR="10.7.7.7").status_code == 429


def test_one_client_is_refused_after_ten_requests(client, cases):
    for n in range(10):
        assert ask(client, f"person{n}@example.invalid").status_code == 200
    refused = ask(client, "person99@example.invalid")
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    assert AuditEntry.objects.filter(event=AuditEvent.CASE_LINK_LIMITED, detail="client").count() == 1
    ask(client, "person98@example.invalid")
    assert AuditEntry.objects.filter(event=AuditEvent.CASE_LINK_LIMITED).count() == 1  # one line per flood


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed, message", [
    ("", "请填写电子邮箱或手机号码"),
    ("a" * 300 + "@example.invalid", "填写的内容过长"),
    ("not-an-address", "11位手机号码"),
    ("0431-88888888", "短信只能发送到手机"),
    ("me@", "有效的电子邮箱"),
    ("<script>alert(1)</script>", "11位手机号码"),
    ("13911112222\x00", "错误："),
])
def test_bad_addresses_are_refused_with_a_message_and_nothing_is_sent(client, db, typed, message):
    page = ask(client, typed)
    assert page.status_code in (200, 400)
    assert message in page.content.decode()
    assert not CaseListLink.objects.exists() and not mail.outbox and not sms.outbox


@pytest.mark.parametrize("token", ["garbage", "x" * 500, "%00", "..%2F..%2Fadmin"])
def test_a_garbage_link_is_refused_without_an_error(client, db, token):
    assert client.get(f"/my-cases/open/{token}/").status_code in (400, 404, 410)
    assert client.post(f"/my-cases/open/{token}/").status_code in (400, 404, 410)


def test_a_damaged_grant_in_the_session_is_no_grant(client, db):
    session = client.session
    session["own_cases"] = {"refs": ["application:1"], "until": "forever"}
    session.save()
    assert client.get(LIST).status_code == 302


def test_pages_are_never_stored(client, cases):
    for page in (client.get(REQUEST), ask(client, MINE), client.get(path_of(link_from(mail.outbox[0].body)))):
        assert "no-store" in page["Cache-Control"]


def test_both_tracking_pages_and_the_guide_lead_to_the_form(client, world):
    from django.urls import reverse

    for path in ("/apply/track/", "/interact/track/", reverse("disclosure:guide")):
        assert 'href="/my-cases/"' in client.get(path).content.decode(), path


def test_the_pages_speak_english_to_an_english_visitor(client, cases, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Find your applications, consultations and complaints" in client.get(REQUEST).content.decode()
    page = ask(client, "nobody-here@example.invalid").content.decode()
    assert "Check for your one-time link" in page and "请查收" not in page


def test_opening_links_is_rate_limited_and_the_token_never_reaches_the_audit_trail(client, cases):
    ask(client, MINE)
    link = path_of(link_from(mail.outbox[0].body))
    for n in range(20):
        client.post(f"/my-cases/open/guess{n}/")
    refused = client.post(link)
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    assert "已使用过" not in refused.content.decode()
    assert not AuditEntry.objects.filter(path__startswith="/my-cases/open/").exists()
    assert client.post(link, REMOTE_ADDR="10.6.6.6").status_code == 302  # not spent by the refusal

"""M.19: the supervision office keeps the reporter's identity secret. Every channel through which
it could leak is tried here — admin lists, pages, history, files, search and filters for each
other role; the office complained about; work lists and mails; the dashboard's export; log records
and error reports; the public tracking page — and none of them shows the reporter."""

from __future__ import annotations

import html
import io
import logging
import re
import sys
import zipfile

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.views.debug import ExceptionReporter

from complaints import selectors, services
from complaints.models import Complaint, Reporter, ReporterAccess
from complaints.services import complaints as complaint_services
from complaints.views import case_token
from portal.errors import InvalidInput
from tests.complaints.conftest import (
    DETAILS,
    EVIDENCE_BYTES,
    EVIDENCE_NAME,
    IDENTITY_STRINGS,
    REPORTER,
    drive_complaint,
    report,
)
from tests.conftest import load_world, rows_for_the_module

OTHERS = ["drafter_a", "head_a", "drafter_b", "head_b", "disclosure", "leader_a", "leader_b", "publisher",
          "registrar", "admin", "nobody"]
# Who sees the case at all, and how much (selectors.complaint_view): the office complained about
# once asked to explain, IT superusers the bare facts, nobody else anything.
SEES_CASE = {"drafter_a", "head_a", "admin"}


def leaks(text: str) -> list[str]:
    return [s for s in IDENTITY_STRINGS if s in text]


@pytest.fixture(scope="module")
def named_module_rows(django_db_setup, django_db_blocker, tmp_path_factory):
    """A named report with evidence, against office A, which has been asked to explain: built once
    for the module's tests, which read it (issue #17)."""
    media = tmp_path_factory.mktemp("named-media")
    with rows_for_the_module(django_db_blocker) as unblocked:
        with unblocked(), override_settings(MEDIA_ROOT=media):
            world = load_world()
            complaint, _secret = report(world)
            pk = drive_complaint(world, complaint, "explained").pk
        yield media, pk


@pytest.fixture
def named(settings, named_module_rows):
    settings.MEDIA_ROOT, pk = named_module_rows
    return Complaint.objects.get(pk=pk)


def test_the_reporter_is_stored_apart_and_never_in_history(world, named):
    reporter = Reporter.objects.get(complaint=named)
    assert reporter.name == REPORTER["name"]
    assert not hasattr(Reporter, "history")
    history_fields = {f.name for f in Complaint.history.model._meta.get_fields()}
    assert not history_fields & {"details", "related_reference", "secret_digest", "name", "phone", "email"}
    assert str(reporter) == "举报人（保密）" and REPORTER["name"] not in repr(reporter)
    assert not leaks(str(named))


def test_the_supervision_office_sees_everything_and_each_view_is_recorded(client, world, named):
    client.force_login(world.supervisor)
    page = client.get(reverse("admin:complaints_complaint_change", args=[named.pk])).text
    assert leaks(page) == IDENTITY_STRINGS
    assert DETAILS in page
    assert ReporterAccess.objects.filter(complaint=named, user=world.supervisor).count() == 1
    evidence = named.files.get(role="evidence")
    download = client.get(reverse("admin:complaints_complaint_file", args=[named.pk, evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == EVIDENCE_BYTES
    history = client.get(reverse("admin:complaints_complaint_history", args=[named.pk]))
    assert history.status_code == 200
    # Lists are looked at over shoulders: a masked name only, even for the supervision office.
    listing = client.get(reverse("admin:complaints_complaint_changelist")).text
    assert named.tracking_code in listing and REPORTER["name"] not in listing and "韩*****" in listing


@pytest.mark.parametrize("username", OTHERS)
def test_no_other_role_sees_the_reporter_in_the_back_office(client, world, named, username):
    user = world.users_by_role()[username]
    client.force_login(user)
    seen = [
        client.get(reverse("admin:complaints_complaint_changelist")),
        client.get(reverse("admin:complaints_complaint_change", args=[named.pk])),
        client.get(reverse("admin:index")),
    ]
    for response in seen:
        assert response.status_code in (200, 302, 403, 404)
        assert not leaks(response.content.decode()), (username, response.request["PATH_INFO"])
        assert DETAILS not in response.content.decode()
    change = seen[1]
    assert (change.status_code == 200) == (username in SEES_CASE)
    assert (named.tracking_code in seen[0].content.decode()) == (username in SEES_CASE)
    # Searching by the reporter's name finds nothing (the search box echoes only what was typed).
    found = client.get(reverse("admin:complaints_complaint_changelist"), {"q": REPORTER["name"]})
    assert named.tracking_code not in found.content.decode()
    assert selectors.may_see_reporter(user, named) is False
    assert not ReporterAccess.objects.filter(user=user).exists()


@pytest.mark.parametrize("username", OTHERS)
def test_history_pages_are_the_supervision_offices_alone(client, world, named, username):
    client.force_login(world.users_by_role()[username])
    version = Complaint.history.filter(id=named.pk).first()
    for url in (reverse("admin:complaints_complaint_history", args=[named.pk]),
                reverse("admin:complaints_complaint_simple_history", args=[named.pk, version.history_id])):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert not leaks(response.content.decode())


@pytest.mark.parametrize("username", OTHERS)
def test_the_evidence_files_are_the_supervision_offices_alone(client, world, named, username):
    client.force_login(world.users_by_role()[username])
    evidence = named.files.get(role="evidence")
    response = client.get(reverse("admin:complaints_complaint_file", args=[named.pk, evidence.pk]))
    assert response.status_code in (302, 403, 404)


def test_the_office_asked_to_explain_is_refused_the_evidence_and_the_attempt_is_audited(client, world, named):
    from portal.models import AuditEntry, AuditEvent

    client.force_login(world.head_a)  # sees the matter of the case, never what the reporter sent
    assert client.get(reverse("admin:complaints_complaint_change", args=[named.pk])).status_code == 200
    evidence = named.files.get(role="evidence")
    response = client.get(reverse("admin:complaints_complaint_file", args=[named.pk, evidence.pk]))
    assert response.status_code == 404
    entry = AuditEntry.objects.get(event=AuditEvent.PERMISSION_DENIED)
    assert entry.username == world.head_a.username and "out of scope" in entry.detail
    assert client.get(reverse("admin:complaints_complaint_file", args=[named.pk, 999999])).status_code == 404
    assert AuditEntry.objects.filter(event=AuditEvent.PERMISSION_DENIED).count() == 1  # a missing file is no denial


@pytest.mark.parametrize("username", ["drafter_a", "head_a", "admin"])
@pytest.mark.parametrize("lookup", ["details__contains", "related_reference__contains", "reporter__name",
                                    "reporter__phone__startswith", "anonymous"])
def test_filters_are_no_oracle_for_what_the_reporter_wrote(client, world, named, username, lookup):
    """A list filtered by a guessed name or phrase would answer 'yes' or 'no': refused."""
    client.force_login(world.users_by_role()[username])
    value = {"details__contains": "韩梅梅", "related_reference__contains": "SQ2026", "anonymous": "0"}.get(
        lookup, REPORTER["name"][:2])
    response = client.get(reverse("admin:complaints_complaint_changelist"), {lookup: value})
    assert response.status_code in (302, 400)  # Django's answer to a disallowed lookup
    assert named.tracking_code not in response.content.decode()


def test_the_office_concerned_sees_the_question_not_the_report(client, world, named):
    client.force_login(world.drafter_a)
    page = client.get(reverse("admin:complaints_complaint_change", args=[named.pk])).text
    assert "请说明SQ2026-000123号申请的办理情况。" in page  # the supervision office's question
    assert "已于近日答复，附答复书。" in page  # its own answer
    assert not leaks(page) and DETAILS not in page and "SQ2026-000123\"" not in page
    assert "举报人（仅厅监察室可见）" not in page and "历史" not in page
    assert set(selectors.complaint_files_for(world.drafter_a, named).values_list("role", flat=True)) <= {"explanation"}
    assert selectors.complaint_view(world.drafter_a, named) == selectors.View.OFFICE


def test_the_office_does_not_see_a_report_before_it_is_asked(client, world):
    complaint, _secret = report(world)
    complaint = drive_complaint(world, complaint, "investigating")
    client.force_login(world.drafter_a)
    assert client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).status_code == 404
    assert complaint.tracking_code not in client.get(reverse("admin:complaints_complaint_changelist")).text


def test_it_superusers_see_the_bare_facts_only(client, world, named):
    client.force_login(world.admin)
    page = client.get(reverse("admin:complaints_complaint_change", args=[named.pk])).text
    assert named.tracking_code in page and "政策法规处" in page
    assert not leaks(page) and DETAILS not in page and "请说明SQ2026" not in page
    assert selectors.complaint_view(world.admin, named) == selectors.View.MASKED


def test_staff_mails_name_the_case_not_the_reporter(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint, _secret = report(world)
        drive_complaint(world, complaint, "replied")
    staff = [m for m in mail.outbox if REPORTER["email"] not in m.to]
    assert staff, "the supervision office and the office concerned are told"
    for message in staff:
        assert not leaks(message.subject + message.body) and DETAILS not in message.body
    to_reporter = [m for m in mail.outbox if m.to == [REPORTER["email"]]]
    assert to_reporter and all(REPORTER["name"] not in m.body for m in to_reporter)


def test_the_public_tracking_page_shows_no_identity(client, world, named):
    page = client.get(reverse("complaints:case", args=[case_token(named)])).text
    assert named.tracking_code in page and not leaks(page)


def test_the_dashboard_export_has_no_identity(client, world, named):
    drive_complaint(world, report(world, office=world.office_b)[0], "replied")
    client.force_login(world.supervisor)
    response = client.get(reverse("admin:complaints_assessment_export"))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        # html.unescape: with lxml installed openpyxl writes non-ASCII text as character references.
        text = html.unescape("".join(book.read(name).decode("utf-8", "replace") for name in book.namelist()))
    assert "政策法规处" in text  # the figures are there …
    assert not leaks(text) and "韩梅梅" not in text  # … the reporter is not


def test_log_records_never_carry_the_identity(client, world, caplog):
    """Everything a reporter and the staff do, logged at DEBUG: no record names the reporter."""
    caplog.set_level(logging.DEBUG)
    client.post(reverse("complaints:complain"), {
        "office": world.office_a.pk, "failure_type": "late_reply", "details": DETAILS, "identity": "named",
        **REPORTER, "attachments": [evidence_upload()]})
    complaint = Complaint.objects.get()
    drive_complaint(world, complaint, "replied")
    for user in (world.supervisor, world.drafter_a, world.disclosure, world.admin):
        client.force_login(user)
        client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
        client.get(reverse("admin:complaints_complaint_history", args=[complaint.pk]))
    assert caplog.records
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "") + repr(getattr(record, "args", ""))
        assert not leaks(text), record.name


def evidence_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(EVIDENCE_NAME, EVIDENCE_BYTES, content_type="application/pdf")


def test_an_error_report_shows_nothing_of_the_reporter(client, world, caplog, monkeypatch):
    """Should storing a report fail, the error report (mail to admins, DEBUG page) hides what was
    posted, the uploaded file's name, the local variables and the client's address."""

    def broken(*args, **kwargs):
        raise RuntimeError("storage unavailable")

    monkeypatch.setattr(complaint_services, "_attach", broken)
    client.raise_request_exception = False
    caplog.set_level(logging.ERROR, logger="django.request")
    response = client.post(reverse("complaints:complain"), {
        "office": world.office_a.pk, "failure_type": "late_reply", "details": DETAILS, "identity": "named",
        **REPORTER, "attachments": [evidence_upload()]}, REMOTE_ADDR="203.0.113.77")
    assert response.status_code == 500
    assert not Complaint.objects.exists() and not Reporter.objects.exists()  # nothing half-stored
    record = next(r for r in caplog.records if r.name == "django.request")
    assert not leaks(record.getMessage())
    reporter = ExceptionReporter(record.request, *record.exc_info, is_email=True)
    for report_text in (reporter.get_traceback_text(), reporter.get_traceback_html()):
        assert "storage unavailable" in report_text
        assert not leaks(report_text), leaks(report_text)
        assert DETAILS not in report_text and "203.0.113.77" not in report_text
    assert sys.exc_info() == (None, None, None)


def test_the_offline_entry_error_report_is_confidential_too(client, world, caplog, monkeypatch):
    monkeypatch.setattr(complaint_services, "_store_reporter", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("boom")))
    client.raise_request_exception = False
    caplog.set_level(logging.ERROR, logger="django.request")
    client.force_login(world.supervisor)
    response = client.post(reverse("admin:complaints_complaint_add"), {
        "channel": "phone", "received_on": "2026-11-02", "office": world.office_a.pk, "failure_type": "late_reply",
        "related_reference": "", "details": DETAILS, **REPORTER})
    assert response.status_code == 500
    record = next(r for r in caplog.records if r.name == "django.request")
    text = ExceptionReporter(record.request, *record.exc_info, is_email=True).get_traceback_text()
    assert "boom" in text and not leaks(text) and DETAILS not in text


def test_masked_values_in_lists_are_not_reversible(world):
    assert selectors.mask("韩梅梅举报人") == "韩*****"
    assert selectors.mask_phone("13700001111") == "137******11"
    assert re.fullmatch(r"\*+", selectors.mask("张"))


@pytest.mark.parametrize("field", ["name", "phone", "email", "identity_number"])
def test_the_question_to_the_office_may_not_carry_the_reporters_identity(world, field):
    complaint = drive_complaint(world, report(world)[0], "investigating")
    with pytest.raises(InvalidInput) as refused:
        services.complaint_request_explanation(complaint=complaint, actor=world.supervisor,
                                               question=f"请说明情况。举报人：{REPORTER[field]}")
    assert not leaks(str(refused.value))
    complaint.refresh_from_db()
    assert complaint.status == "investigating" and not complaint.explanation_question


# --- Error reports of the back office's pages (M.19) ---------------------------------------------


def _report_of_the_error(caplog) -> list[str]:
    record = next(r for r in caplog.records if r.name == "django.request")
    assert not leaks(record.getMessage())
    reporter = ExceptionReporter(record.request, *record.exc_info, is_email=True)
    return [reporter.get_traceback_text(), reporter.get_traceback_html()]


def _fails_while_rendering(monkeypatch, field_name: str) -> None:
    """Rendering a page breaks at `field_name`, after the fields before it were rendered."""
    from django.forms.boundfield import BoundField

    as_widget = BoundField.as_widget

    def broken(self, *args, **kwargs):
        if self.name == field_name:
            raise RuntimeError("template broke")
        return as_widget(self, *args, **kwargs)

    monkeypatch.setattr(BoundField, "as_widget", broken)


def test_an_error_rendering_the_change_page_shows_nothing_of_the_reporter(client, world, named, caplog,
                                                                          monkeypatch):
    """The page renders the reporter's identity; should the rendering fail after some of it was
    rendered, the error report holds neither it, nor the client's address, nor the session."""
    from complaints.admin import ComplaintAdmin

    def broken(self, obj):
        selectors.reporter_of(obj)
        raise RuntimeError("template broke")

    broken.short_description = "通信地址"
    monkeypatch.setattr(ComplaintAdmin, "reporter_address", broken)
    client.raise_request_exception = False
    caplog.set_level(logging.ERROR, logger="django.request")
    client.force_login(world.supervisor)
    response = client.get(reverse("admin:complaints_complaint_change", args=[named.pk]),
                          REMOTE_ADDR="203.0.113.78")
    assert response.status_code == 500
    for text in _report_of_the_error(caplog):
        assert "template broke" in text
        assert not leaks(text), leaks(text)
        assert DETAILS not in text and "203.0.113.78" not in text
        assert client.cookies["sessionid"].value not in text


def test_an_error_rendering_the_intake_form_redisplayed_with_errors_is_confidential(client, world, caplog,
                                                                                    monkeypatch):
    """Counter and phone intake: the form comes back with an error (no details), the reporter's
    name and contacts typed in; rendering it fails: none of what was typed is in the report."""
    _fails_while_rendering(monkeypatch, "address")
    client.raise_request_exception = False
    caplog.set_level(logging.ERROR, logger="django.request")
    client.force_login(world.supervisor)
    response = client.post(reverse("admin:complaints_complaint_add"), {
        "channel": "phone", "received_on": "2026-11-02", "office": world.office_a.pk, "failure_type": "late_reply",
        "related_reference": "", "details": "", **REPORTER}, REMOTE_ADDR="203.0.113.79")
    assert response.status_code == 500
    assert not Complaint.objects.exists()
    for text in _report_of_the_error(caplog):
        assert "template broke" in text
        assert not leaks(text), leaks(text)
        assert "203.0.113.79" not in text


def test_an_error_rendering_the_empty_intake_form_is_reported(client, world, caplog, monkeypatch):
    _fails_while_rendering(monkeypatch, "details")
    client.raise_request_exception = False
    caplog.set_level(logging.ERROR, logger="django.request")
    client.force_login(world.supervisor)
    response = client.get(reverse("admin:complaints_complaint_add"), REMOTE_ADDR="203.0.113.80")
    assert response.status_code == 500
    for text in _report_of_the_error(caplog):
        assert "template broke" in text and "203.0.113.80" not in text


def test_an_error_rendering_the_consultation_intake_form_is_confidential(client, world, caplog, monkeypatch):
    _fails_while_rendering(monkeypatch, "office")
    client.raise_request_exception = False
    caplog.set_level(logging.ERROR, logger="django.request")
    client.force_login(world.disclosure)
    response = client.post(reverse("admin:complaints_consultation_add"), {
        "channel": "phone", "received_on": "2026-11-02", "name": REPORTER["name"], "phone": REPORTER["phone"],
        "email": REPORTER["email"], "subject": "", "question": "", "office": ""}, REMOTE_ADDR="203.0.113.81")
    assert response.status_code == 500
    for text in _report_of_the_error(caplog):
        assert "template broke" in text
        assert not leaks(text), leaks(text)
        assert "203.0.113.81" not in text


# --- A failed mail logs no address (M.19) --------------------------------------------------------


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses every recipient, naming each in the error as smtplib does."""

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused(
            {address: (550, f"5.1.1 <{address}>: user unknown".encode()) for m in messages for address in m.to})


def test_a_refused_mail_logs_the_subject_and_error_never_the_address(world, settings, caplog,
                                                                     django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.complaints.test_confidentiality.RefusingBackend"
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        complaint, _secret = report(world)  # mails the reporter and the supervision office
    failures = [r for r in caplog.records if r.name == "portal.outbox"]  # the outbox's worker sends (issue #21)
    assert failures, "the failure is logged"
    for record in caplog.records:
        text = logging.Formatter().format(record) + repr(record.args)  # with any traceback, as a handler writes it
        assert REPORTER["email"] not in text and not leaks(text), record.name
    assert any(complaint.tracking_code in r.getMessage() and "SMTPRecipientsRefused" in r.getMessage()
               and "1 recipient" in r.getMessage() for r in failures)
    assert Complaint.objects.filter(pk=complaint.pk).exists()  # the report itself is kept


# --- The search box is no door to the reporter; the supervision office searches by POST --------


def test_the_supervision_office_cannot_search_reporters_in_the_url(client, world, named):
    """The search box is a GET: what is typed would be in the access logs. Only the tracking code."""
    client.force_login(world.supervisor)
    changelist = reverse("admin:complaints_complaint_changelist")
    for value in (REPORTER["name"], REPORTER["phone"], REPORTER["email"], "至今未获答复"):
        assert named.tracking_code not in client.get(changelist, {"q": value}).text
    assert named.tracking_code in client.get(changelist, {"q": named.tracking_code}).text


def test_the_supervision_office_finds_a_reporters_cases_by_post_and_it_is_recorded(client, world, named):
    other, _secret = report(world, anonymous=True)
    client.force_login(world.supervisor)
    url = reverse("admin:complaints_complaint_reporter_search")
    assert url in client.get(reverse("admin:complaints_complaint_changelist")).text
    assert client.get(url).status_code == 200
    before = ReporterAccess.objects.filter(purpose="reporter_search").count()
    for criteria in ({"name": "韩梅梅"}, {"phone": "137-0000 1111"}, {"email": "HANMEIMEI-reporter@"}):
        response = client.post(url, criteria)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"]
        assert named.tracking_code in response.text and other.tracking_code not in response.text
        assert REPORTER["phone"] not in response.text.replace(criteria.get("phone", "@@"), "")
    assert ReporterAccess.objects.filter(purpose="reporter_search", complaint=named,
                                         user=world.supervisor).count() == before + 3
    nothing = client.post(url, {"name": "不存在的人"})
    assert "找到 0 件" in nothing.text
    assert "请至少填写一项" in client.post(url, {}).text


@pytest.mark.parametrize("username", OTHERS)
def test_no_one_else_may_search_by_reporter(client, world, named, username):
    client.force_login(world.users_by_role()[username])
    url = reverse("admin:complaints_complaint_reporter_search")
    for response in (client.get(url), client.post(url, {"name": REPORTER["name"]})):
        assert response.status_code in (302, 403)
        assert named.tracking_code not in response.content.decode()
    assert not ReporterAccess.objects.filter(purpose="reporter_search").exists()


# --- The channel is the supervision office's to know --------------------------------------------


@pytest.mark.parametrize("username", ["drafter_a", "head_a", "admin"])
def test_the_channel_is_not_shown_or_filtered_for_anyone_else(client, world, username):
    from tests.complaints.conftest import report_offline

    complaint, _secret = report_offline(world, received_on=timezone.localdate(), channel="counter")
    complaint = drive_complaint(world, complaint, "explanation_requested")
    client.force_login(world.users_by_role()[username])
    changelist = reverse("admin:complaints_complaint_changelist")
    listing = client.get(changelist).text
    assert complaint.tracking_code in listing
    assert "来源渠道" not in listing and "政务大厅工作窗口" not in listing and "channel=" not in listing
    refused = client.get(changelist, {"channel": "counter"})
    assert refused.status_code in (302, 400) and complaint.tracking_code not in refused.content.decode()
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk])).text
    assert "政务大厅工作窗口" not in page and "来源渠道" not in page
    client.force_login(world.supervisor)
    assert "政务大厅工作窗口" in client.get(changelist).text
    assert complaint.tracking_code in client.get(changelist, {"channel": "counter"}).text


# --- The question to the office: identity guard, leniently matched -------------------------------


@pytest.mark.parametrize("question", [
    "请说明情况。来电人电话 137 0000 1111",
    "请说明情况，联系电话137-0000-1111。",
    "请说明情况（１３７００００１１１１）",
    "请说明。证件号 110105 19491231 002x",
    "请说明 韩 梅 梅举报人 反映的问题",
    "请联系 HanMeiMei-Reporter@example.invalid 核实",
    "请联系 hanmeimei-reporter 核实",
    "请到长春市保密路 77 号核实",
])
def test_the_identity_guard_sees_through_spacing_and_full_width_digits(world, question):
    complaint = drive_complaint(world, report(world)[0], "investigating")
    with pytest.raises(InvalidInput, match="举报人") as refused:
        services.complaint_request_explanation(complaint=complaint, actor=world.supervisor, question=question)
    assert not leaks(str(refused.value))
    complaint.refresh_from_db()
    assert complaint.status == "investigating"


@pytest.mark.parametrize("question", ["请向王晓东本人核实", "王晓反映的情况是否属实", "请说明晓东提到的答复"])
def test_a_chinese_name_is_found_by_its_first_or_last_two_characters(world, question):
    complaint, _secret, _created = services.complaint_submit(
        data={"office": world.office_a, "failure_type": "other", "details": "情况"},
        reporter={"name": "王晓东", "phone": "13900002222"}, anonymous=False)
    complaint = drive_complaint(world, complaint, "investigating")
    with pytest.raises(InvalidInput, match="举报人"):
        services.complaint_request_explanation(complaint=complaint, actor=world.supervisor, question=question)


@pytest.mark.parametrize("anonymous", [False, True])
def test_an_application_code_or_the_reporters_reference_is_sent_only_when_confirmed(world, anonymous):
    """The applicant may be the reporter: naming the application lets the office find them. A
    warning the supervision office confirms, not a refusal — anonymous reports included."""
    complaint = drive_complaint(world, report(world, anonymous=anonymous)[0], "investigating")
    for question in ("请说明ＳＱ２０２６－０００１２３号申请的办理情况", "请说明 sq2026-000999 的答复", "请说明SQ2026000123"):
        with pytest.raises(services.ReferenceConfirmationNeeded, match="勾选确认"):
            services.complaint_request_explanation(complaint=complaint, actor=world.supervisor, question=question)
    complaint.refresh_from_db()
    assert complaint.status == "investigating" and not complaint.explanation_question
    complaint = services.complaint_request_explanation(complaint=complaint, actor=world.supervisor,
                                                       question="请说明SQ2026-000123号申请的办理情况",
                                                       reference_confirmed=True)
    assert complaint.status == "explanation_requested"
    assert complaint.events.get(kind="explanation_requested").data["reference_confirmed"] is True


def test_the_reporters_own_reference_is_a_warning_too(world):
    complaint, _secret, _created = services.complaint_submit(
        data={"office": world.office_a, "failure_type": "not_published", "details": "情况",
              "related_reference": "2026年技术改造项目清单"}, reporter=None, anonymous=True)
    complaint = drive_complaint(world, complaint, "investigating")
    with pytest.raises(services.ReferenceConfirmationNeeded):
        services.complaint_request_explanation(complaint=complaint, actor=world.supervisor,
                                               question="请说明《2026年 技术改造项目清单》未公开的原因")
    complaint = services.complaint_request_explanation(complaint=complaint, actor=world.supervisor,
                                                       question="请说明该处室2026年规范性文件的公开情况")
    assert complaint.status == "explanation_requested"


def test_the_explanation_form_asks_for_the_confirmation(client, world):
    complaint = drive_complaint(world, report(world)[0], "investigating")
    client.force_login(world.supervisor)
    url = reverse("admin:complaints_complaint_transition", args=[complaint.pk, "request_explanation"])
    form = {"expected_status": "investigating", "question": "请说明SQ2026-000123号申请的办理情况", "days": 5}
    response = client.post(url, form)
    assert response.status_code == 200 and "勾选确认" in response.text
    complaint.refresh_from_db()
    assert complaint.status == "investigating"
    assert client.post(url, {**form, "reference_confirmed": "on"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "explanation_requested"


# --- Who saw which reporter: recorded, and readable by the supervision office alone -------------


def test_evidence_downloads_are_recorded_and_the_record_is_readable(client, world, named):
    client.force_login(world.supervisor)
    evidence = named.files.get(role="evidence")
    response = client.get(reverse("admin:complaints_complaint_file", args=[named.pk, evidence.pk]))
    assert response.status_code == 200
    access = ReporterAccess.objects.get(purpose="file_download")
    assert (access.complaint, access.user, access.file) == (named, world.supervisor, evidence)
    explanation_files = named.files.filter(role="explanation")
    for item in explanation_files:  # the office's own files are not the reporter's
        client.get(reverse("admin:complaints_complaint_file", args=[named.pk, item.pk]))
    assert ReporterAccess.objects.filter(purpose="file_download").count() == 1
    listing = client.get(reverse("admin:complaints_reporteraccess_changelist"))
    assert listing.status_code == 200
    assert named.tracking_code in listing.text and "下载举报材料" in listing.text
    assert not leaks(listing.text)
    detail = client.get(reverse("admin:complaints_reporteraccess_change", args=[access.pk]))
    assert detail.status_code == 200 and 'type="submit"' not in detail.text.split('id="content-main"')[1]
    assert client.get(reverse("admin:complaints_reporteraccess_add")).status_code == 403
    assert client.post(reverse("admin:complaints_reporteraccess_delete", args=[access.pk])).status_code in (403, 302)
    assert ReporterAccess.objects.filter(pk=access.pk).exists()


@pytest.mark.parametrize("username", OTHERS)
def test_the_access_record_is_the_supervision_offices_alone(client, world, named, username):
    access = ReporterAccess.objects.create(complaint=named, user=world.supervisor, purpose="change_view")
    client.force_login(world.users_by_role()[username])
    listing = client.get(reverse("admin:complaints_reporteraccess_changelist"))
    if username == "admin":  # IT may open the page, and finds it empty
        assert listing.status_code == 200 and named.tracking_code not in listing.text
    else:
        assert listing.status_code in (302, 403)
    detail = client.get(reverse("admin:complaints_reporteraccess_change", args=[access.pk]))
    assert detail.status_code in (302, 403) and named.tracking_code not in detail.content.decode()
    assert "reporteraccess" not in client.get(reverse("admin:index")).content.decode()

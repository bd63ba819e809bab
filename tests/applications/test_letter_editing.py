"""The reply letter is edited in parts (salutation, body in the rich-text editor, signature,
date; title and reference fixed), rendered from them, sanitised, and previewed — page and PDF —
exactly as the applicant receives it (R.36, R.37: the letter is what the applicant gets)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.letter_parts import LetterParts, compose_letter, split_letter
from applications.letters import render_letter
from applications.models import Status
from applications.outcomes import Outcome
from applications.views import case_token
from portal.models import SiteProfile
from tests.applications.conftest import LETTER_FACTS, REMEDIES_TEXT, offline, send_reply

TODAY = timezone.localdate()


def assigned(world):
    application = offline(world, received_on=TODAY)
    return services.application_assign(application=application, actor=world.disclosure, office=world.office_a)


def draft_url(application) -> str:
    return reverse("admin:applications_disclosureapplication_transition", args=[application.pk, "draft_reply"])


def form_data(**changes) -> dict:
    return {"expected_status": "assigned", "outcome": "disclosed", "letter_outcome": "disclosed", "note": "",
            "letter_salutation": "张三", "letter_signature": "吉林省工业和信息化厅\n政府信息公开工作领导小组办公室",
            "letter_body": f"<p>您申请的信息<strong>予以公开</strong>。</p><p>{REMEDIES_TEXT}</p>",
            "letter_date": TODAY.isoformat(), **changes}


def article(page: str) -> str:
    return re.search(r'<article class="letter">(.*?)</article>', page, re.S).group(1)


@pytest.mark.parametrize("outcome", Outcome.values)
def test_every_template_letter_comes_apart_into_its_parts_and_renders_back_identically(world, outcome):
    application = offline(world, received_on=dt.date(2026, 9, 21))
    html = render_letter(application, outcome=outcome, extra={**LETTER_FACTS, "date": dt.date(2026, 10, 9)})
    parts = split_letter(html)
    assert parts.salutation == "张三" and parts.date == dt.date(2026, 10, 9)
    assert parts.signature == SiteProfile.current().name
    assert "letter-salutation" not in parts.body and "letter-signature" not in parts.body and "<h2>" not in parts.body
    assert compose_letter(parts, application=application) == html


def test_an_older_free_form_letter_is_split_for_editing_and_shown_unchanged_to_the_applicant(client, world):
    """Letters stored before the editor (free HTML, no layout classes) keep working."""
    application = assigned(world)
    legacy = f"<p>张三：</p><p>经审查，予以公开。</p><p>{REMEDIES_TEXT}</p><p>吉林省工业和信息化厅</p>"
    application = services.application_draft_reply(application=application, actor=world.drafter_a,
                                                   outcome="disclosed", letter_html=legacy)
    parts = split_letter(legacy, default_date=TODAY)
    assert (parts.salutation, parts.signature) == ("张三", "吉林省工业和信息化厅")
    assert parts.body == f"<p>经审查，予以公开。</p><p>{REMEDIES_TEXT}</p>"
    send_reply(application, world.disclosure)
    page = client.get(reverse("applications:case_letter", args=[case_token(application)]))
    assert article(page.text) == legacy


def test_draft_reply_page_edits_the_letter_in_parts_with_the_bundled_editor(client, world):
    application = assigned(world)
    client.force_login(world.drafter_a)
    page = client.get(draft_url(application)).text
    assert 'name="letter_salutation"' in page and 'value="张三"' in page
    assert 'name="letter_signature"' in page and f"{SiteProfile.current().name}</textarea>" in page
    assert f'name="letter_date" value="{TODAY.isoformat()}"' in page and 'type="date"' in page
    assert "django_prose_editor/editor.js" in page and 'type="importmap"' in page  # the editor, as for records
    body = re.search(r'<textarea name="letter_body"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    assert "letter-salutation" not in body and "&lt;h2&gt;" not in body  # the fixed parts are not in the body
    assert 'name="letter"' not in page  # no raw-HTML textarea any more


def test_the_stored_letter_renders_from_the_parts_and_is_sanitised(client, world):
    application = assigned(world)
    client.force_login(world.drafter_a)
    body = '<p onclick="x()">正文<script>alert(1)</script></p><p class="letter-ref">伪造文号</p><img src=x>'
    response = client.post(draft_url(application), form_data(letter_body=body))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.REPLY_DRAFTED
    letter = application.reply_letter
    assert letter.startswith("<h2>政府信息公开申请答复告知书</h2>\n<p class=\"letter-ref\">〔")
    assert '<p class="letter-salutation">张三：</p>' in letter
    assert ('<p class="letter-signature">吉林省工业和信息化厅</p>\n'
            '<p class="letter-signature">政府信息公开工作领导小组办公室</p>\n'
            f'<p class="letter-signature">{TODAY.year}年{TODAY.month}月{TODAY.day}日</p>') in letter
    assert "script" not in letter and "onclick" not in letter and "<img" not in letter and "alert" not in letter


def test_a_letter_dated_before_the_application_was_received_is_refused_with_a_message(client, world):
    application = assigned(world)
    client.force_login(world.drafter_a)
    response = client.post(draft_url(application), form_data(letter_date=(TODAY - dt.timedelta(days=3)).isoformat()))
    assert response.status_code == 200 and "告知书日期不能早于收到申请日期" in response.text
    application.refresh_from_db()
    assert application.status == Status.ASSIGNED


def test_an_empty_letter_body_is_refused(client, world):
    application = assigned(world)
    client.force_login(world.drafter_a)
    response = client.post(draft_url(application), form_data(letter_body="<p></p>"))
    assert response.status_code == 200 and "告知书正文不能为空" in response.text


def test_preview_page_and_pdf_are_exactly_what_the_applicant_receives(client, world):
    application = assigned(world)
    client.force_login(world.drafter_a)
    data = form_data()
    preview_url = reverse("admin:applications_disclosureapplication_letter_preview", args=[application.pk])
    preview = client.post(preview_url, data)
    assert preview.status_code == 200 and "告知书尚未保存，也未发出" in preview.text
    pdf = client.post(preview_url.replace("preview/", "preview.pdf"), data)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    application.refresh_from_db()
    assert application.status == Status.ASSIGNED and not application.reply_letter  # nothing saved

    assert client.post(draft_url(application), data).status_code == 302
    application.refresh_from_db()
    send_reply(application, world.disclosure)
    client.logout()
    token = case_token(application)
    received = client.get(reverse("applications:case_letter", args=[token]))
    assert article(received.text) == article(preview.text)
    assert client.get(reverse("applications:case_letter_pdf", args=[token])).content == pdf.content


def test_preview_of_an_unfinished_draft_shows_the_gaps_rather_than_failing(client, world):
    application = assigned(world)
    client.force_login(world.drafter_a)
    url = reverse("admin:applications_disclosureapplication_letter_preview", args=[application.pk])
    response = client.post(url, {"letter_salutation": "", "letter_body": "", "letter_date": "not a date"})
    assert response.status_code == 200
    assert f"{TODAY.year}年{TODAY.month}月{TODAY.day}日" in response.text


def test_preview_only_for_whoever_may_draft_this_reply(client, world):
    application = assigned(world)
    url = reverse("admin:applications_disclosureapplication_letter_preview", args=[application.pk])
    client.force_login(world.drafter_b)  # another office: the application is out of scope
    assert client.post(url, form_data()).status_code == 404
    client.force_login(world.drafter_a)
    assert client.get(url).status_code == 404  # a preview is posted from the form, never linked
    application = services.application_draft_reply(
        application=application, actor=world.drafter_a, outcome="disclosed",
        letter_html=compose_letter(LetterParts("张三", "<p>正文</p>", "某厅", TODAY), application=application))
    assert client.post(url, form_data()).status_code == 403  # drafted: no longer at the drafting step

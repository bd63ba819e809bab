"""What a person reads in the back office: a button that says its action once, a greeting written
as Chinese writes it, Chinese for screen readers too, approval forms that show what is being
approved (M.12: each step checks the draft it signs), and a dashboard whose year field shows the
year on display."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import services as application_services
from applications.letter_parts import LetterParts, compose_letter
from disclosure.models import RecordState
from portal.admin_workflow import submit_label
from tests.applications.conftest import PERSON, offline
from tests.conftest import drive, new_draft

S = RecordState


def record_action(record, name: str) -> str:
    return reverse("admin:disclosure_record_transition", args=[record.pk, name])


def submit_value(page: str) -> str:
    return re.search(r'<input type="submit" class="default[^"]*" value="([^"]*)"', page).group(1)


def test_the_confirm_button_says_confirm_once(client, world):
    application, _secret, _created = application_services.application_submit(data=dict(PERSON))
    client.force_login(world.disclosure)
    page = client.get(reverse("admin:applications_disclosureapplication_transition",
                              args=[application.pk, "confirm"])).text
    assert submit_value(page) == "确认收到（受理）"
    assert "确认确认" not in page
    record = drive(world, new_draft(world), S.READY)
    client.force_login(world.publisher)
    assert submit_value(client.get(record_action(record, "publish")).text) == "确认发布"


def test_an_action_that_already_decides_is_not_confirmed_twice():
    assert submit_label("确定延迟答复期限") == "确定延迟答复期限"  # not 确认确定延迟答复期限


def test_submit_label_in_english_does_not_double_either(settings):
    from django.utils import translation

    with translation.override("en"):
        assert submit_label(translation.gettext("确认收到（受理）")) == translation.gettext("确认收到（受理）")
        assert submit_label(translation.gettext("发布")) == translation.gettext("确认") + translation.gettext("发布")


def test_the_greeting_uses_the_full_name_family_name_first(client, world):
    world.head_a.last_name, world.head_a.first_name = "张", "伟"
    world.head_a.save()
    client.force_login(world.head_a)
    page = client.get(reverse("admin:index")).text
    assert re.search(r"欢迎，<strong>张伟</strong>。", page)
    assert "欢迎， " not in page and "</strong>." not in page


def test_the_greeting_falls_back_to_the_username(client, world):
    client.force_login(world.head_a)  # no name on file
    assert "欢迎，<strong>head_a</strong>。" in client.get(reverse("admin:index")).text


def test_screen_readers_hear_chinese_in_the_app_list(client, world):
    client.force_login(world.drafter_a)
    page = client.get(reverse("admin:index")).text
    head = re.search(r'<thead class="visually-hidden">(.*?)</thead>', page, re.S).group(1)
    assert "项目" in head and "新增链接" in head and "修改或查看列表链接" in head
    assert "Model name" not in page and "Add link" not in page


@pytest.mark.parametrize("state, user, action", [
    (S.DIVISION_REVIEW, "head_a", "approve_division"),
    (S.CONFIDENTIALITY_REVIEW, "disclosure", "approve_confidentiality"),
    (S.LEADER_SIGNOFF, "leader_a", "sign_off"),
    (S.READY, "publisher", "publish"),
    (S.PUBLISHED, "registrar", "register"),
])
def test_each_approval_form_shows_what_is_being_approved_m12(client, world, state, user, action):
    record = new_draft(world, title="关于开展2026年技术改造项目申报的通知", summary="申报条件、材料和时间安排。",
                       document_number="吉工信函〔2026〕7号", is_important=True)
    record = drive(world, record, state)
    client.force_login(world.users_by_role()[user])
    page = client.get(record_action(record, action))
    assert page.status_code == 200
    summary = re.search(r'<section class="approval-summary".*?</section>', page.text, re.S).group(0)
    for text in ("关于开展2026年技术改造项目申报的通知", "吉工信函〔2026〕7号", "政策法规处", record.get_state_display(),
                 "申报条件、材料和时间安排。", "重要信息"):
        assert text in summary, text


def test_the_approval_of_a_reply_shows_the_outcome_its_reasons_and_the_letter(client, world):
    application = offline(world, received_on=timezone.localdate())
    application = application_services.application_assign(application=application, actor=world.disclosure,
                                                           office=world.office_a)
    letter = compose_letter(LetterParts("张三", "<p>经审查，予以公开。如不服，可以申请行政复议。</p>", "某厅",
                                        timezone.localdate()), application=application)
    application = application_services.application_draft_reply(
        application=application, actor=world.drafter_a, outcome="partial", letter_html=letter, note="第3页涉及个人隐私")
    client.force_login(world.disclosure)
    page = client.get(reverse("admin:applications_disclosureapplication_transition",
                              args=[application.pk, "send_reply"])).text
    summary = re.search(r'<section class="approval-summary".*?</section>', page, re.S).group(0)
    for text in (application.tracking_code, application.information_title, "政策法规处", "答复待审核",
                 "部分公开", "第3页涉及个人隐私", "查看告知书（网页）", "下载告知书（PDF）"):
        assert text in summary, text


@pytest.mark.parametrize("query", [{}, {"kind": "year"}, {"kind": "quarter", "quarter": "2"}])
def test_the_dashboard_year_field_shows_the_year_on_display(client, world, query):
    client.force_login(world.supervisor)
    page = client.get(reverse("admin:complaints_assessment_changelist"), query).text
    year = timezone.localdate().year  # the dashboard's year is Beijing's, not the machine's
    field = re.search(r'<input type="number" name="year"[^>]*>', page).group(0)
    assert f'value="{year}"' in field
    assert f"统计期间：{year}" in page

"""The back office: scoped lists and URLs, the work list, buttons, forms and history."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from disclosure import services
from disclosure.models import Attachment, Record, WorkflowEvent
from tests.conftest import S, drive, new_draft

SEES_OFFICE_A = {"drafter_a", "head_a", "leader_a", "disclosure", "publisher", "registrar", "supervisor", "admin"}
ALL_USERS = SEES_OFFICE_A | {"drafter_b", "head_b", "leader_b", "nobody"}


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("username", sorted(ALL_USERS))
def test_office_scope_on_every_admin_url(client, world, username):
    record = drive(world, new_draft(world, title="政策法规处的通知"), S.PUBLISHED)
    user = world.users_by_role()[username]
    login(client, user)
    urls = [
        reverse("admin:disclosure_record_change", args=[record.pk]),
        reverse("admin:disclosure_record_history", args=[record.pk]),
        reverse("admin:disclosure_record_transition", args=[record.pk, "register"]),
        reverse("admin:disclosure_record_diff", args=[record.pk]),
    ]
    listing = client.get(reverse("admin:disclosure_record_changelist") + "?q=通知")
    search = client.get(reverse("admin:disclosure_record_changelist"), {"q": "政策法规处"})
    if username in SEES_OFFICE_A:
        assert listing.status_code == 200 and "政策法规处的通知" in listing.text
        assert client.get(urls[0]).status_code == 200
        assert client.get(urls[1]).status_code == 200
    elif username == "nobody":
        assert listing.status_code == 403
        assert all(client.get(url).status_code in (403, 404) for url in urls)
    else:
        assert listing.status_code == 200 and "政策法规处的通知" not in listing.text
        assert "政策法规处的通知" not in search.text
        assert [client.get(url).status_code for url in urls] == [404, 404, 404, 404]


def test_every_admin_url_through_the_button_refuses_the_wrong_person(client, world):
    record = drive(world, new_draft(world), S.DIVISION_REVIEW)
    url = reverse("admin:disclosure_record_transition", args=[record.pk, "approve_division"])
    login(client, world.disclosure)  # can see it, but the division head approves
    page = client.get(url)
    assert page.status_code == 403
    assert "无权" in page.text
    response = client.post(url, {"no_state_secret": "on", "no_commercial_secret": "on", "no_personal_privacy": "on"})
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.state == S.DIVISION_REVIEW


def test_change_page_shows_the_stage_and_only_the_buttons_this_person_may_press(client, world):
    record = drive(world, new_draft(world), S.DIVISION_REVIEW)
    page = login(client, world.head_a).get(reverse("admin:disclosure_record_change", args=[record.pk]))
    assert page.status_code == 200
    assert "处室负责人审核" in page.text
    for name in ("approve_division", "return_to_draft", "withhold"):
        assert reverse("admin:disclosure_record_transition", args=[record.pk, name]) in page.text
    for name in ("submit", "publish", "approve_confidentiality", "register"):
        assert reverse("admin:disclosure_record_transition", args=[record.pk, name]) not in page.text
    assert 'name="state"' not in page.text  # status is never a form field
    assert "drafter_a" in page.text  # the event log


def test_transition_form_posts_through_the_service(client, world):
    record = drive(world, new_draft(world), S.DIVISION_REVIEW)
    url = reverse("admin:disclosure_record_transition", args=[record.pk, "approve_division"])
    login(client, world.head_a)
    incomplete = client.post(url, {"expected_state": S.DIVISION_REVIEW, "no_state_secret": "on"})
    assert incomplete.status_code == 200
    assert "保密审查未全部确认" in incomplete.text
    done = client.post(url, {"expected_state": S.DIVISION_REVIEW, "no_state_secret": "on",
                             "no_commercial_secret": "on", "no_personal_privacy": "on", "comment": "同意"})
    assert done.status_code == 302
    record.refresh_from_db()
    assert record.state == S.CONFIDENTIALITY_REVIEW


def test_return_without_comment_shows_a_message_and_changes_nothing(client, world):
    record = drive(world, new_draft(world), S.CONFIDENTIALITY_REVIEW)
    url = reverse("admin:disclosure_record_transition", args=[record.pk, "return_to_draft"])
    page = login(client, world.disclosure).post(url, {"expected_state": S.CONFIDENTIALITY_REVIEW, "comment": ""})
    assert page.status_code == 200
    assert "errorlist" in page.text
    record.refresh_from_db()
    assert record.state == S.CONFIDENTIALITY_REVIEW


def test_second_click_on_a_stale_page_gets_a_clear_message(client, world):
    record = drive(world, new_draft(world), S.READY)
    url = reverse("admin:disclosure_record_transition", args=[record.pk, "publish"])
    login(client, world.publisher)
    data = {"expected_state": S.READY, "channels": ["column"]}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert "不能执行" in again.text or "他人" in again.text
    assert WorkflowEvent.objects.filter(action="publish").count() == 1


def test_drafter_creates_a_record_in_the_back_office(client, world):
    login(client, world.drafter_a)
    page = client.get(reverse("admin:disclosure_record_add"))
    assert page.status_code == 200
    assert world.office_b.name not in page.text  # only their own office is offered
    response = client.post(reverse("admin:disclosure_record_add"), {
        "title": "关于公布2026年度省级技术创新示范企业名单的通知", "summary": "", "office": world.office_a.pk,
        "category": world.category.pk, "document_number": "吉工信〔2026〕1号", "document_type": "other",
        "date_formed": "2026-11-02", "attribute": "proactive", "body": "<p>正文<script>x</script></p>",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.text[:2000]
    record = Record.objects.get()
    assert (record.state, record.created_by, record.office) == (S.DRAFT, world.drafter_a, world.office_a)
    assert "script" not in record.body


def test_drafter_cannot_post_a_record_for_another_office(client, world):
    login(client, world.drafter_a)
    response = client.post(reverse("admin:disclosure_record_add"), {
        "title": "越权", "office": world.office_b.pk, "category": world.category.pk, "document_type": "other",
        "date_formed": "2026-11-02", "attribute": "proactive", "body": "<p>x</p>",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    assert not Record.objects.exists()


@pytest.mark.parametrize("username", ["head_a", "disclosure", "publisher", "leader_a", "supervisor", "nobody"])
def test_only_drafters_may_add_records(client, world, username):
    login(client, world.users_by_role()[username])
    assert client.get(reverse("admin:disclosure_record_add")).status_code == 403


def test_records_in_review_are_read_only_even_for_their_drafter(client, world):
    record = drive(world, new_draft(world), S.DIVISION_REVIEW)
    login(client, world.drafter_a)
    url = reverse("admin:disclosure_record_change", args=[record.pk])
    client.post(url, {"title": "改了", "office": world.office_a.pk, "category": world.category.pk,
                      "document_type": "other", "date_formed": "2026-11-02", "attribute": "proactive",
                      "body": "<p>x</p>", "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"})
    record.refresh_from_db()
    assert record.title != "改了"


def _attachment_post(world, upload):
    return {
        "title": "带附件的通知", "office": world.office_a.pk, "category": world.category.pk, "document_type": "other",
        "date_formed": "2026-11-02", "attribute": "proactive", "body": "<p>正文</p>",
        "attachments-TOTAL_FORMS": "1", "attachments-INITIAL_FORMS": "0", "attachments-0-file": upload,
        "attachments-0-sort_order": "0",
    }


def test_disguised_attachment_is_refused_and_the_draft_keeps_its_saved_content(client, world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    record = new_draft(world, title="已保存的标题")
    login(client, world.drafter_a)
    fake = SimpleUploadedFile("通知.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    page = client.post(reverse("admin:disclosure_record_change", args=[record.pk]), _attachment_post(world, fake))
    assert page.status_code == 200
    assert "内容与扩展名不符" in page.text
    record.refresh_from_db()
    assert record.title == "已保存的标题"
    assert not Attachment.objects.exists()


def test_real_pdf_is_attached_with_its_chinese_name_under_a_generated_file_name(client, world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    record = new_draft(world)
    login(client, world.drafter_a)
    pdf = SimpleUploadedFile("申报指南.pdf", b"%PDF-1.7\n%test\n", content_type="application/pdf")
    response = client.post(reverse("admin:disclosure_record_change", args=[record.pk]), _attachment_post(world, pdf))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "申报指南.pdf"
    assert "申报指南" not in attachment.file.name
    assert attachment.content_type == "application/pdf"
    assert attachment.title == "申报指南"  # no title typed: the file name without its extension


def test_the_drafter_gives_an_attachment_its_title_and_can_change_it_while_drafting(client, world, tmp_path,
                                                                                  settings):
    settings.MEDIA_ROOT = tmp_path
    record = new_draft(world)
    login(client, world.drafter_a)
    url = reverse("admin:disclosure_record_change", args=[record.pk])
    assert 'name="attachments-__prefix__-title"' in client.get(url).text
    pdf = SimpleUploadedFile("scan-0031.pdf", b"%PDF-1.7\n%test\n", content_type="application/pdf")
    response = client.post(url, {**_attachment_post(world, pdf), "attachments-0-title": "2026年度认定名单"})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.title, attachment.original_name) == ("2026年度认定名单", "scan-0031.pdf")
    edit = {**_attachment_post(world, ""), "attachments-INITIAL_FORMS": "1", "attachments-0-id": attachment.pk,
            "attachments-0-record": record.pk, "attachments-0-title": "2026年度认定名单（更正）"}
    edit.pop("attachments-0-file")
    assert client.post(url, edit).status_code == 302
    attachment.refresh_from_db()
    assert attachment.title == "2026年度认定名单（更正）"


def test_worklist_is_the_landing_page_and_shows_what_waits_for_this_person(client, world):
    waiting = drive(world, new_draft(world, title="待审核的信息"), S.DIVISION_REVIEW)
    drive(world, new_draft(world, office=world.office_b, title="别的处室的信息"), S.DIVISION_REVIEW)
    page = login(client, world.head_a).get(reverse("admin:index"))
    assert page.status_code == 200
    assert "我的待办" in page.text
    assert "待审核的信息" in page.text
    assert "别的处室的信息" not in page.text
    assert reverse("admin:disclosure_record_change", args=[waiting.pk]) in page.text
    assert "待审核的信息" not in login(client, world.publisher).get(reverse("admin:index")).text


def test_worklist_shows_overdue_first(client, world):
    import datetime as dt

    drive(world, new_draft(world, title="新近形成", date_formed=timezone.localdate()), S.DIVISION_REVIEW)
    drive(world, new_draft(world, title="早已逾期", date_formed=dt.date(2025, 1, 6)), S.DIVISION_REVIEW)
    text = login(client, world.head_a).get(reverse("admin:index")).text
    assert text.index("早已逾期") < text.index("新近形成")
    assert "逾期" in text


def test_history_is_visible_to_the_disclosure_office_but_cannot_be_reverted(client, world):
    record = drive(world, new_draft(world), S.PUBLISHED)
    login(client, world.disclosure)
    history = client.get(reverse("admin:disclosure_record_history", args=[record.pk]))
    assert history.status_code == 200
    historical_id = record.history.first().history_id
    version_url = f"/admin/disclosure/record/{record.pk}/history/{historical_id}/"
    assert client.get(version_url).status_code == 200
    assert client.post(version_url, {"title": "回滚"}).status_code == 405
    record.refresh_from_db()
    assert record.title != "回滚"
    assert login(client, world.drafter_b).get(version_url).status_code == 404
    login(client, world.disclosure)
    events = client.get(reverse("admin:disclosure_workflowevent_changelist"))
    assert events.status_code == 200 and "publisher" in events.text


def test_workflow_events_have_no_edit_or_delete_path_in_the_admin(client, world):
    record = drive(world, new_draft(world), S.DIVISION_REVIEW)
    event = record.events.get()
    login(client, world.admin)
    change = client.post(reverse("admin:disclosure_workflowevent_change", args=[event.pk]), {"comment": "x"})
    assert change.status_code == 403 or WorkflowEvent.objects.get(pk=event.pk).comment != "x"
    assert client.post(reverse("admin:disclosure_workflowevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    assert WorkflowEvent.objects.filter(pk=event.pk).exists()


def test_diff_between_versions(client, world):
    v1 = drive(world, new_draft(world, body="<p>第一段</p><p>旧的第二段</p>"), S.REGISTERED)
    from disclosure import services

    v2 = services.record_amend(record=v1, actor=world.drafter_a)
    v2.body = "<p>第一段</p><p>新的第二段</p>"
    services.record_save_draft(record=v2, actor=world.drafter_a)
    page = login(client, world.disclosure).get(reverse("admin:disclosure_record_diff", args=[v2.pk]))
    assert page.status_code == 200
    assert "旧的第二段" in page.text and "新的第二段" in page.text


def test_staff_download_drafts_attachments_within_their_scope_only(client, world, tmp_path, settings):
    from disclosure import services

    settings.MEDIA_ROOT = tmp_path
    record = new_draft(world)
    attachment = services.attachment_add(record=record, actor=world.drafter_a,
                                         upload=SimpleUploadedFile("内部草稿.pdf", b"%PDF-1.4 draft"))
    url = reverse("admin:disclosure_record_attachment", args=[record.pk, attachment.pk])
    page = login(client, world.drafter_a).get(reverse("admin:disclosure_record_change", args=[record.pk]))
    assert url in page.text
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 draft"
    assert login(client, world.drafter_b).get(url).status_code == 404
    assert client.get(reverse("disclosure:attachment", args=[attachment.pk])).status_code == 404


def test_the_drafter_is_told_when_sanitising_removed_something(client, world):
    record = new_draft(world, title="已保存的标题")
    login(client, world.drafter_a)
    data = {"title": "有脚本的正文", "office": world.office_a.pk, "category": world.category.pk,
            "document_type": "other", "date_formed": "2026-11-02", "attribute": "proactive",
            "body": '<p onclick="steal()">正文<script>alert(1)</script></p>',
            "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"}
    page = client.post(reverse("admin:disclosure_record_change", args=[record.pk]), data, follow=True)
    assert page.status_code == 200
    assert "正文中有不允许的内容" in page.text and "&lt;script&gt;" in page.text and "onclick" in page.text
    record.refresh_from_db()
    assert record.title == "有脚本的正文" and "script" not in record.body and "正文" in record.body
    data["body"] = "<p>干净的正文</p>"
    clean = client.post(reverse("admin:disclosure_record_change", args=[record.pk]), data, follow=True)
    assert "正文中有不允许的内容" not in clean.text


def test_the_event_log_shows_the_checklist_answers(client, world):
    from disclosure import services

    record = drive(world, new_draft(world), S.DIVISION_REVIEW)
    services.record_approve_division(record=record, actor=world.head_a, no_state_secret=True,
                                     no_commercial_secret=False, no_personal_privacy=True,
                                     redacted_parts="附件2中企业报价已删去", redaction_grounds=["commercial_secret"])
    record = services.record_approve_confidentiality(
        record=record, actor=world.disclosure, no_state_secret=True, no_commercial_secret=True,
        no_personal_privacy=True, redacted_parts="附件2中企业报价已删去", redaction_grounds=["commercial_secret"],
        is_important=True)
    record = drive(world, record, S.PUBLISHED)
    text = login(client, world.disclosure).get(reverse("admin:disclosure_record_change", args=[record.pk])).text
    for line in ("不涉及国家秘密：是", "不涉及商业秘密：否", "不涉及个人隐私：是", "区分处理，删去的部分：附件2中企业报价已删去",
                 "删去部分的依据：涉及商业秘密", "重要信息认定：重要信息，须主管厅领导签字（信息员原标注为“非重要”）",
                 "公开渠道：政府信息公开专栏"):
        assert line in text, line


def test_confidentiality_review_form_offers_the_importance_decision(client, world):
    record = drive(world, new_draft(world), S.CONFIDENTIALITY_REVIEW)
    url = reverse("admin:disclosure_record_transition", args=[record.pk, "approve_confidentiality"])
    login(client, world.disclosure)
    page = client.get(url)
    assert 'name="is_important"' in page.text and "重要信息：须经主管厅领导签字后公开" in page.text
    checks = {"expected_state": S.CONFIDENTIALITY_REVIEW, "no_state_secret": "on", "no_commercial_secret": "on",
              "no_personal_privacy": "on"}
    undecided = client.post(url, checks)
    assert undecided.status_code == 200 and "请确认该信息是否为重要信息" in undecided.text
    assert client.post(url, {**checks, "is_important": "yes"}).status_code == 302
    record.refresh_from_db()
    assert (record.state, record.is_important) == (S.LEADER_SIGNOFF, True)

    # Returned by the leader, the drafter's form no longer lets them untick it.
    from disclosure import services

    services.record_return(record=record, actor=world.leader_a, comment="请补充")
    login(client, world.drafter_a)
    change = reverse("admin:disclosure_record_change", args=[record.pk])
    assert re.search(r'<input[^>]*name="is_important"[^>]*disabled', client.get(change).text)
    response = client.post(change, {
        "title": "改后的标题", "office": world.office_a.pk, "category": world.category.pk, "document_type": "other",
        "date_formed": "2026-11-02", "attribute": "proactive", "body": "<p>x</p>",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.title, record.is_important) == ("改后的标题", True)


def test_a_category_cannot_become_its_own_ancestor(client, world):
    from disclosure.models import CatalogueCategory

    parent = CatalogueCategory.objects.get(code="m5-2")
    child = CatalogueCategory.objects.create(code="m5-2-1", name="征求意见", parent=parent)
    grandchild = CatalogueCategory.objects.create(code="m5-2-1-1", name="草案", parent=child)
    login(client, world.disclosure)
    url = reverse("admin:disclosure_cataloguecategory_change", args=[parent.pk])
    for new_parent in (parent, child, grandchild):
        page = client.post(url, {"name": parent.name, "code": parent.code, "parent": new_parent.pk,
                                 "description": "", "legal_basis": "", "sort_order": 100, "is_active": "on"})
        assert page.status_code == 200
        assert "上级分类不能是本分类或本分类的下级分类" in page.text
    parent.refresh_from_db()
    assert parent.parent_id is None
    assert str(grandchild) == f"{parent.name} / 征求意见 / 草案"
    # A cycle stored before the check existed still renders.
    CatalogueCategory.objects.filter(pk=parent.pk).update(parent=grandchild)
    assert client.get(reverse("admin:disclosure_cataloguecategory_changelist")).status_code == 200


def test_the_site_profile_needs_year_and_sequence_in_the_index_number_format(client, world):
    client.force_login(world.admin)
    for fmt, message in [("{uscc}-{seq:05d}", "{year}"), ("{uscc}/{year}-{seq:05x}-{foo}", "索引号格式无效"),
                         ("{uscc.x}/{year}-{seq}", "索引号格式无效")]:
        response = client.post(reverse("admin:portal_siteprofile_change", args=[1]), {
            "name": "测试省工业和信息化厅", "uscc": "11220000013544357T", "index_number_format": fmt,
        })
        assert response.status_code == 200, fmt
        assert message in response.text, fmt


READ_ONLY_PAGES = [
    ("catalogueentry", lambda record: record.catalogue_entry.pk, "drafter_a"),
    ("workflowevent", lambda record: record.events.first().pk, "disclosure"),
    ("releaseregisterline", lambda record: record.register_lines.first().pk, "registrar"),
]


@pytest.mark.parametrize(("model", "object_id", "insider"), READ_ONLY_PAGES, ids=[p[0] for p in READ_ONLY_PAGES])
@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_read_only_pages_of_another_offices_objects_are_404(client, world, model, object_id, insider, view):
    record = drive(world, new_draft(world), S.REGISTERED)
    url = reverse(f"admin:disclosure_{model}_{view}", args=[object_id(record)])
    for username in ("drafter_b", "head_b", "leader_b"):
        login(client, world.users_by_role()[username])
        assert client.get(url).status_code == 404, username
        assert client.post(url, {"post": "yes"}).status_code == 404, username
    inside = login(client, world.users_by_role()[insider]).get(url)
    assert inside.status_code == (403 if view == "delete" else 200)
    assert client.get(reverse(f"admin:disclosure_{model}_change", args=[999999])).status_code == 404


def test_repeal_form_takes_the_notices_date_and_the_replacing_documents_number_m14(client, world):
    """The 废止日期 is the one the repealing notice gives (today is prefilled, as ISO for the date
    picker); the replacing document is named by its 文号 and stored, so the public page links it."""
    import datetime as dt

    import time_machine
    from django.utils import timezone

    with time_machine.travel(dt.datetime(2026, 6, 3, 10, tzinfo=timezone.get_current_timezone())):
        old = drive(world, new_draft(world, title="旧办法", document_number="吉工信规〔2025〕2号",
                                     date_formed=dt.date(2025, 3, 20)), S.REGISTERED)
        new = drive(world, new_draft(world, title="新办法", document_number="吉工信规〔2026〕1号",
                                     date_formed=dt.date(2026, 5, 18)), S.REGISTERED)
        url = reverse("admin:disclosure_record_transition", args=[old.pk, "repeal"])
        login(client, world.disclosure)
        form = client.get(url).text
        assert 'type="date"' in form and 'value="2026-06-03"' in form
        assert "替代文件的文号或索引号" in form

        unknown = client.post(url, {"expected_state": S.REGISTERED, "comment": "被新办法替代",
                                    "repealed_on": "2026-06-01", "replaced_by": "吉工信规〔2026〕9号"})
        assert unknown.status_code == 200
        assert "未找到文号或索引号为“吉工信规〔2026〕9号”的已发布信息。" in unknown.text
        future = client.post(url, {"expected_state": S.REGISTERED, "comment": "被新办法替代",
                                   "repealed_on": "2026-06-04", "replaced_by": ""})
        assert "废止或失效日期不能晚于今天" in future.text
        old.refresh_from_db()
        assert old.validity == "valid"

        done = client.post(url, {"expected_state": S.REGISTERED, "comment": "被新办法替代，自2026年6月1日起废止。",
                                 "repealed_on": "2026-06-01", "replaced_by": "吉工信规〔2026〕1号"})
        assert done.status_code == 302
    old.refresh_from_db()
    assert (old.validity, old.validity_changed_on, old.replaced_by_id) == ("repealed", dt.date(2026, 6, 1), new.pk)
    page = client.get(reverse("disclosure:record", args=[old.pk])).text
    assert "废止日期：2026-06-01。" in page
    assert re.search(rf'替代文件：<a href="{reverse("disclosure:record", args=[new.pk])}" lang="zh-Hans">新办法</a>', page)
    assert reverse("disclosure:search") + "?q=" not in page  # a link, not a search


def test_a_repeal_cannot_name_the_record_itself_or_an_unpublished_one(world):
    from portal.errors import InvalidInput

    record = drive(world, new_draft(world, title="旧办法"), S.REGISTERED)
    draft = new_draft(world, title="未发布的新办法")
    for replacement in (record, draft):
        with pytest.raises(InvalidInput):
            services.record_repeal(record=record, actor=world.disclosure, reason="替代", replaced_by=replacement)
    with pytest.raises(InvalidInput, match="不能早于成文日期"):  # a mistyped year
        services.record_repeal(record=record, actor=world.disclosure, reason="替代",
                               repealed_on=record.date_formed.replace(year=record.date_formed.year - 10))
    record.refresh_from_db()
    assert record.validity == "valid" and record.replaced_by_id is None

"""政策解读 (issue #19): an interpretation is drafted, approved and published with its 行政规范性文件
(同步起草、同步审签、同步发布, 国办发〔2016〕80号), each links the other, and it follows its policy
when the policy is revoked, repealed or expires (M.14)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.urls import reverse

from disclosure import interpretation_services, selectors, services, workflow
from disclosure.catalogue_seed import INTERPRETATION_CATEGORY
from disclosure.interpretation_models import Interpretation
from disclosure.models import CatalogueEntry, Channel, DocumentType, Record, RecordState, ReleaseRegisterLine, Validity
from portal.errors import ActionRefused, InvalidInput, StateConflict
from tests.conftest import ALL_CLEAR, drive, new_draft

S = RecordState
POLICY = "吉林省工业和信息化厅关于印发《省级专精特新中小企业认定管理办法》的通知"
READING = "《省级专精特新中小企业认定管理办法》政策解读"


def _policy(world, **fields):
    return new_draft(world, title=fields.pop("title", POLICY),
                     document_type=fields.pop("document_type", DocumentType.NORMATIVE),
                     document_number="吉工信规〔2026〕3号", **fields)


def _reading(world, office=None, **fields):
    return new_draft(world, office=office, title=fields.pop("title", READING),
                     body=fields.pop("body", "<p>一、制定背景。二、主要内容。三、适用对象。</p>"), **fields)


def _pair(world):
    policy, reading = _policy(world), _reading(world)
    interpretation_services.interpretation_link(interpretation=reading, policy=policy, actor=world.drafter_a)
    return policy, reading


def _fresh(*records):
    return [Record.objects.get(pk=r.pk) for r in records]


# --- Drafting: linking ---------------------------------------------------------------------


def test_a_draft_interpretation_linked_to_a_draft_policy_moves_with_it_and_is_filed_as_an_interpretation(world):
    policy, reading = _pair(world)
    link = Interpretation.objects.get()
    assert (link.policy, link.interpretation, link.with_policy) == (policy, reading, True)
    reading.refresh_from_db()
    assert reading.category.code == INTERPRETATION_CATEGORY
    assert list(selectors.interpretations_drafted_with(policy)) == [reading]
    assert {e.action for e in policy.events.all()} >= {"link_interpretation"}


@pytest.mark.parametrize("who", ["drafter_b", "head_a", "disclosure", "leader_a", "publisher", "registrar",
                                 "supervisor", "nobody"])
def test_only_the_offices_info_officer_links_an_interpretation(world, who):
    policy, reading = _policy(world), _reading(world)
    with pytest.raises(ActionRefused):
        interpretation_services.interpretation_link(interpretation=reading, policy=policy,
                                                    actor=world.users_by_role()[who])
    assert not Interpretation.objects.exists()


def test_an_interpretation_of_another_offices_policy_is_refused(world):
    policy, reading = _policy(world, office=world.office_b), _reading(world)
    with pytest.raises(ActionRefused):
        interpretation_services.interpretation_link(interpretation=reading, policy=policy, actor=world.drafter_a)


def test_a_policy_under_review_takes_no_new_interpretation_in_its_chain(world):
    policy = drive(world, _policy(world), S.DIVISION_REVIEW)
    with pytest.raises(StateConflict, match="正在审核"):
        interpretation_services.interpretation_link(interpretation=_reading(world), policy=policy, actor=world.drafter_a)


def test_an_interpretation_goes_with_one_chain_and_is_not_itself_interpreted(world):
    policy, reading = _pair(world)
    with pytest.raises(InvalidInput, match="只能随一份"):
        interpretation_services.interpretation_link(interpretation=reading, policy=_policy(world, title="另一文件"),
                                                    actor=world.drafter_a)
    with pytest.raises(InvalidInput, match="本身是政策解读"):
        interpretation_services.interpretation_link(interpretation=_reading(world, title="解读的解读"), policy=reading,
                                                    actor=world.drafter_a)
    with pytest.raises(InvalidInput):
        interpretation_services.interpretation_link(interpretation=reading, policy=reading, actor=world.drafter_a)
    with pytest.raises(IntegrityError):
        Interpretation.objects.create(policy=policy, interpretation=policy, created_by=world.drafter_a)


def test_the_video_link_is_http_or_https(world):
    with pytest.raises(InvalidInput):
        _reading(world, video_url="javascript:alert(1)")
    with pytest.raises(InvalidInput):
        _reading(world, video_url="ftp://video.example.invalid/a.mp4")
    assert _reading(world, video_url="https://video.example.invalid/a.mp4").video_url.startswith("https://")


# --- The chain: both together (M.12) -------------------------------------------------------


def test_both_move_through_the_chain_together_and_are_published_in_one_go_with_both_links(world):
    policy, reading = _pair(world)
    policy.is_important = True
    Record.objects.filter(pk=policy.pk).update(is_important=True)
    steps = [
        (lambda p: services.record_submit(record=p, actor=world.drafter_a), S.DIVISION_REVIEW),
        (lambda p: services.record_approve_division(record=p, actor=world.head_a, **ALL_CLEAR), S.CONFIDENTIALITY_REVIEW),
        (lambda p: services.record_approve_confidentiality(record=p, actor=world.disclosure, **ALL_CLEAR),
         S.LEADER_SIGNOFF),
        (lambda p: services.record_sign_off(record=p, actor=world.leader_a), S.READY),
        (lambda p: services.record_publish(record=p, actor=world.publisher, channels=[Channel.COLUMN]), S.PUBLISHED),
        (lambda p: services.record_register(record=p, actor=world.registrar), S.REGISTERED),
    ]
    for step, state in steps:
        step(Record.objects.get(pk=policy.pk))
        policy, reading = _fresh(policy, reading)
        assert (policy.state, reading.state) == (state, state)
        # The same person approved both at the same step (the reviewer sees both).
        assert reading.events.order_by("-pk").first().actor == policy.events.order_by("-pk").first().actor
    assert policy.published_at == reading.published_at and reading.index_number != policy.index_number
    assert CatalogueEntry.objects.filter(record__in=[policy, reading]).count() == 2
    assert ReleaseRegisterLine.objects.filter(record__in=[policy, reading], kind="release").count() == 2
    publish = policy.events.get(action="publish")
    assert publish.checklist["interpretations"] == [reading.pk]
    assert [r.pk for r in selectors.public_interpretations(policy)] == [reading.pk]
    assert [r.pk for r in selectors.public_policies(reading)] == [policy.pk]


@pytest.mark.parametrize("step", ["submit", "approve_division", "approve_confidentiality", "publish"])
def test_the_interpretation_drafted_with_a_policy_has_no_chain_of_its_own(world, step):
    policy, reading = _pair(world)
    target = {"submit": S.DRAFT, "approve_division": S.DIVISION_REVIEW, "approve_confidentiality":
              S.CONFIDENTIALITY_REVIEW, "publish": S.READY}[step]
    drive(world, policy, target)
    reading.refresh_from_db()
    assert reading.state == target
    users = world.users_by_role()
    for user in users.values():
        assert not any(t.name in workflow.CHAIN_STEPS for t in workflow.available(user, reading))
    reviewer = {"approve_division": world.head_a, "approve_confidentiality": world.disclosure,
                "publish": world.publisher}
    with pytest.raises(StateConflict, match="随政策文件"):
        if step == "submit":
            services.record_submit(record=reading, actor=world.drafter_a)
        else:
            services.record_return(record=reading, actor=reviewer[step], comment="退回")


def test_returned_and_withheld_policies_take_their_interpretations_along(world):
    policy, reading = _pair(world)
    policy = drive(world, policy, S.CONFIDENTIALITY_REVIEW)
    services.record_return(record=policy, actor=world.disclosure, comment="解读需补充适用对象")
    policy, reading = _fresh(policy, reading)
    assert (policy.state, reading.state) == (S.DRAFT, S.DRAFT)
    assert "解读需补充适用对象" in reading.events.order_by("-pk").first().comment
    policy = drive(world, policy, S.CONFIDENTIALITY_REVIEW)
    services.record_withhold(record=policy, actor=world.disclosure, ground="process_information")
    policy, reading = _fresh(policy, reading)
    assert (policy.state, reading.state, reading.attribute) == (S.WITHHELD, S.WITHHELD, "not_disclosed")


def test_a_normative_document_without_interpretation_needs_the_disclosure_offices_reason(world):
    policy = drive(world, _policy(world), S.CONFIDENTIALITY_REVIEW)
    with pytest.raises(InvalidInput, match="未附解读"):
        services.record_approve_confidentiality(record=policy, actor=world.disclosure, **ALL_CLEAR)
    with pytest.raises(InvalidInput, match="选择"):
        services.record_approve_confidentiality(record=policy, actor=world.disclosure, **ALL_CLEAR,
                                                interpretation_waiver="no reason")
    assert Record.objects.get(pk=policy.pk).state == S.CONFIDENTIALITY_REVIEW
    services.record_approve_confidentiality(record=policy, actor=world.disclosure, **ALL_CLEAR,
                                            interpretation_waiver="simple")
    policy.refresh_from_db()
    assert policy.state == S.READY and policy.interpretation_waiver == "simple"
    assert policy.events.get(action="approve_confidentiality").checklist["interpretation_waiver"] == "simple"
    services.record_publish(record=policy, actor=world.publisher, channels=[Channel.COLUMN])


def test_publishing_a_normative_document_without_interpretation_or_reason_is_refused(world):
    policy = drive(world, _policy(world, document_type=DocumentType.OTHER), S.READY)
    Record.objects.filter(pk=policy.pk).update(document_type=DocumentType.NORMATIVE)
    with pytest.raises(StateConflict, match="同步发布"):
        services.record_publish(record=Record.objects.get(pk=policy.pk), actor=world.publisher,
                                channels=[Channel.COLUMN])
    assert Record.objects.get(pk=policy.pk).state == S.READY


def test_publication_is_one_transaction_a_failing_interpretation_leaves_both_unpublished(world, monkeypatch):
    policy, reading = _pair(world)
    policy = drive(world, policy, S.READY)

    def broken(entry):
        if entry.record_id == reading.pk:
            raise RuntimeError("search index down")
    from disclosure import search
    original = search.index_entry
    monkeypatch.setattr(search, "index_entry", lambda entry: (broken(entry), original(entry)))
    with pytest.raises(RuntimeError):
        services.record_publish(record=policy, actor=world.publisher, channels=[Channel.COLUMN])
    policy, reading = _fresh(policy, reading)
    assert (policy.state, reading.state) == (S.READY, S.READY)
    assert not CatalogueEntry.objects.filter(record__in=[policy, reading]).exists()


# --- Added later ---------------------------------------------------------------------------


def test_an_interpretation_added_later_runs_its_own_chain(world):
    policy = drive(world, _policy(world), S.PUBLISHED)
    reading = _reading(world)
    link = interpretation_services.interpretation_link(interpretation=reading, policy=policy, actor=world.drafter_a)
    assert not link.with_policy
    assert selectors.public_interpretations(policy) == []
    drive(world, reading, S.PUBLISHED)
    assert [r.pk for r in selectors.public_interpretations(policy)] == [reading.pk]
    assert Record.objects.get(pk=policy.pk).state == S.PUBLISHED


def test_a_later_interpretation_of_a_revoked_policy_is_not_published(world):
    policy = drive(world, _policy(world), S.PUBLISHED)
    reading = _reading(world)
    interpretation_services.interpretation_link(interpretation=reading, policy=policy, actor=world.drafter_a)
    reading = drive(world, reading, S.READY)
    services.record_revoke(record=policy, actor=world.disclosure, reason="发布有误")
    with pytest.raises(StateConflict, match="已撤销"):
        services.record_publish(record=reading, actor=world.publisher, channels=[Channel.COLUMN])


# --- After publication (M.14) --------------------------------------------------------------


@pytest.mark.parametrize(("action", "state", "validity"), [
    ("revoke", S.REVOKED, Validity.VALID), ("repeal", S.PUBLISHED, Validity.REPEALED),
    ("expire", S.PUBLISHED, Validity.EXPIRED)])
def test_ending_a_policy_marks_its_interpretations_the_same_way_m14(world, action, state, validity):
    policy, reading = _pair(world)
    policy = drive(world, policy, S.PUBLISHED)
    service = {"revoke": services.record_revoke, "repeal": services.record_repeal,
               "expire": services.record_expire}[action]
    service(record=policy, actor=world.disclosure, reason="已被新规定替代")
    policy, reading = _fresh(policy, reading)
    assert (reading.state, reading.validity) == (state, validity)
    assert "所解读的政策文件" in reading.status_note
    assert reading.register_lines.filter(kind={"revoke": "revocation", "repeal": "repeal",
                                                "expire": "expiry"}[action]).count() == 1
    listed = CatalogueEntry.objects.get(record=reading)
    assert listed.is_listed == (action != "revoke") and listed.validity == validity


def test_an_interpretation_of_two_policies_stays_while_one_is_in_force(world):
    first, reading = _pair(world)
    first = drive(world, first, S.PUBLISHED)
    second = drive(world, _policy(world, title="配套实施细则"), S.PUBLISHED)
    draft = services.record_amend(record=Record.objects.get(pk=reading.pk), actor=world.drafter_a, comment="补充细则解读")
    interpretation_services.interpretation_link(interpretation=draft, policy=second, actor=world.drafter_a)
    drive(world, draft, S.PUBLISHED)
    services.record_revoke(record=first, actor=world.disclosure, reason="发布有误")
    assert Record.objects.get(pk=draft.pk).state == S.PUBLISHED


def test_an_amended_policy_keeps_showing_the_interpretation_and_the_interpretation_points_to_the_current_version(
        world):
    policy, reading = _pair(world)
    policy = drive(world, policy, S.PUBLISHED)
    version = services.record_amend(record=policy, actor=world.drafter_a, comment="修订第三条")
    version = drive(world, version, S.PUBLISHED)
    assert [r.pk for r in selectors.public_interpretations(version)] == [reading.pk]
    (original,) = selectors.public_policies(Record.objects.get(pk=reading.pk))
    assert original.pk == policy.pk and original.current.pk == version.pk


# --- Public pages, search, feeds, API ------------------------------------------------------


def _published_pair(world):
    policy, reading = _pair(world)
    Record.objects.filter(pk=reading.pk).update(video_url="https://video.example.invalid/zjtx.mp4")
    drive(world, policy, S.PUBLISHED)
    return _fresh(policy, reading)


def test_the_policy_page_links_its_interpretation_at_the_top_and_the_interpretation_links_the_original(
        client, world):
    policy, reading = _published_pair(world)
    page = client.get(reverse("disclosure:record", args=[policy.pk])).content.decode()
    top = page[page.index("record-title"):page.index("record-body")]
    assert "政策解读" in top and f'href="{reverse("disclosure:record", args=[reading.pk])}"' in top
    page = client.get(reverse("disclosure:record", args=[reading.pk])).content.decode()
    top = page[page.index("record-title"):page.index("record-body")]
    assert "原文" in top and reverse("disclosure:record", args=[policy.pk]) in top and "吉工信规〔2026〕3号" in top
    assert "观看视频解读" in page and "https://video.example.invalid/zjtx.mp4" in page


def test_unpublished_interpretations_are_not_linked_from_the_public_page(client, world):
    policy = drive(world, _policy(world), S.PUBLISHED)
    reading = _reading(world)
    interpretation_services.interpretation_link(interpretation=reading, policy=policy, actor=world.drafter_a)
    page = client.get(reverse("disclosure:record", args=[policy.pk])).content.decode()
    assert READING not in page
    assert client.get(reverse("disclosure:record", args=[reading.pk])).status_code == 404


def test_the_catalogue_has_a_policy_interpretation_category_and_search_finds_both(client, world):
    policy, reading = _published_pair(world)
    page = client.get(reverse("disclosure:catalogue"), {"category": INTERPRETATION_CATEGORY}).content.decode()
    assert READING in page and POLICY not in page
    page = client.get(reverse("disclosure:search"), {"q": "专精特新中小企业认定管理办法"}).content.decode()
    for record in (policy, reading):
        assert f'href="{record.get_absolute_url()}"' in page


def test_the_revoked_policy_page_still_says_so_and_its_interpretation_leaves_the_catalogue(client, world):
    policy, reading = _published_pair(world)
    services.record_revoke(record=policy, actor=world.disclosure, reason="发布有误")
    page = client.get(reverse("disclosure:record", args=[reading.pk])).content.decode()
    assert "本信息已撤销" in page and "所解读的政策文件" in page
    page = client.get(reverse("disclosure:catalogue"), {"category": INTERPRETATION_CATEGORY}).content.decode()
    assert READING not in page


def test_feeds_carry_the_link_both_ways(client, world):
    policy, reading = _published_pair(world)
    for name in ("disclosure:feed_rss", "disclosure:feed_atom"):
        xml = client.get(reverse(name)).content.decode()
        assert xml.count('rel="related"') == 2, name
        for record, title in ((reading, READING), (policy, POLICY)):
            assert f'href="http://testserver{record.get_absolute_url()}" rel="related" title="{title}"' in xml


def test_the_api_carries_the_link_both_ways(client, world):
    policy, reading = _published_pair(world)
    data = client.get(reverse("api:record-detail", args=[policy.pk])).json()
    assert [i["id"] for i in data["interpretations"]] == [reading.pk] and data["interprets"] == []
    data = client.get(reverse("api:record-detail", args=[reading.pk])).json()
    assert [p["id"] for p in data["interprets"]] == [policy.pk]
    assert data["video_url"] == "https://video.example.invalid/zjtx.mp4"
    listing = {item["id"]: item for item in client.get(reverse("api:record-list")).json()["results"]}
    assert listing[policy.pk]["interpretations"][0]["title"] == READING


# --- Who may act (M.12): only the step's role of the policy's office moves both --------------


STEP_SERVICES = {
    S.DRAFT: ("drafter_a", lambda p, u: services.record_submit(record=p, actor=u)),
    S.DIVISION_REVIEW: ("head_a", lambda p, u: services.record_approve_division(record=p, actor=u, **ALL_CLEAR)),
    S.CONFIDENTIALITY_REVIEW: ("disclosure", lambda p, u: services.record_approve_confidentiality(
        record=p, actor=u, **ALL_CLEAR)),
    S.READY: ("publisher", lambda p, u: services.record_publish(record=p, actor=u, channels=[Channel.COLUMN])),
    S.PUBLISHED: ("registrar", lambda p, u: services.record_register(record=p, actor=u)),
}


@pytest.mark.parametrize("state", list(STEP_SERVICES))
def test_permission_matrix_only_the_steps_role_in_the_policys_office_moves_policy_and_interpretation(world, state):
    policy, reading = _pair(world)
    policy = drive(world, policy, state)
    right, service = STEP_SERVICES[state]
    for name, user in world.users_by_role().items():
        if name in (right, "admin") or (state == S.PUBLISHED and name == "publisher"):
            continue  # the info center also registers (M.12(4)); root is IT, not a role
        with pytest.raises((ActionRefused, StateConflict)):
            service(Record.objects.get(pk=policy.pk), user)
        assert [r.state for r in _fresh(policy, reading)] == [state, state], name
    service(Record.objects.get(pk=policy.pk), world.users_by_role()[right])
    policy, reading = _fresh(policy, reading)
    assert policy.state == reading.state != state


def test_the_work_list_shows_the_policy_and_not_its_interpretation_as_a_separate_item(world):
    policy, _reading = _pair(world)
    drive(world, policy, S.DIVISION_REVIEW)
    titles = [item.title for item in selectors.worklist(world.head_a)]
    assert POLICY in titles and READING not in titles


# --- The back office ------------------------------------------------------------------------


def test_the_unified_review_page_asks_why_a_normative_document_has_no_interpretation(client, world):
    from tests.conftest import act, as_user

    policy = drive(world, _policy(world), S.CONFIDENTIALITY_REVIEW)
    url = reverse("admin:disclosure_record_transition", args=[policy.pk, "approve_confidentiality"])
    as_user(client, world.disclosure.username)
    assert "无需解读的理由" in client.get(url).content.decode()
    answers = {"no_state_secret": "on", "no_commercial_secret": "on", "no_personal_privacy": "on",
               "is_important": "no"}
    response = client.post(url, {"expected_state": S.CONFIDENTIALITY_REVIEW, **answers})
    assert response.status_code == 200 and "未附解读" in response.content.decode()
    policy = act(client, world.disclosure.username, policy, "approve_confidentiality", **answers,
                 interpretation_waiver="superior")
    assert policy.state == S.READY and policy.get_interpretation_waiver_display() == "转发或落实上级文件，上级机关已作解读"


def test_the_drafter_links_an_interpretation_on_its_draft_page_and_each_page_names_the_other(client, world):
    from tests.conftest import as_user

    policy, reading = _policy(world), _reading(world)
    as_user(client, world.drafter_a.username)
    url = reverse("admin:disclosure_record_change", args=[reading.pk])
    form = client.get(url).context["adminform"].form
    assert policy in form.fields["interprets"].queryset and reading not in form.fields["interprets"].queryset
    data = {name: form.initial.get(name) or "" for name in form.fields if name not in ("interprets",)}
    data.update({"office": reading.office_id, "category": reading.category_id, "date_formed": "2026-11-02",
                 "attribute": "proactive", "document_type": "other", "interprets": [policy.pk],
                 "video_url": "https://video.example.invalid/v.mp4", "body": reading.body,
                 "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0"})
    data.pop("is_important", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    link = Interpretation.objects.get(interpretation=reading)
    assert link.policy == policy and link.with_policy
    assert Record.objects.get(pk=reading.pk).video_url == "https://video.example.invalid/v.mp4"
    assert READING in client.get(reverse("admin:disclosure_record_change", args=[policy.pk])).content.decode()
    assert "本解读随政策文件同步审签" in client.get(url).content.decode()

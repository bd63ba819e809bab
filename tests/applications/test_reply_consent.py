"""A reply that releases a commercial secret or privacy all the same: with the right holder's
consent, or in the public interest signed by the supervising leader (M.6 para. 2, R.15), and over
a third party's objection only after the written notice (R.32). Issue 14, items 9 and 11: the same
rule as a record's confidentiality check (disclosure.services.confidentiality_checklist)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services, workflow
from applications.models import FileRole
from applications.outcomes import Outcome
from applications.selectors import event_summary, worklist
from portal.errors import ActionRefused, InvalidInput, StateConflict
from portal.models import Membership, Role
from tests.applications.conftest import REMEDIES_TEXT, complete_letter, offline
from tests.conftest import make_user
from tests.timing import at

D = dt.date
LETTER = f"<p>经审查，现将有关信息提供给您。</p><p>{REMEDIES_TEXT}</p>"
SECRET = {"no_state_secret": True, "no_commercial_secret": False, "no_personal_privacy": True,
          "redacted_parts": "", "redaction_grounds": []}
REASON = "该企业获得的财政补贴涉及公共资金使用，不公开将对公共利益造成重大影响"


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def consent_letter(name: str = "同意公开函.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 consent letter", content_type="application/pdf")


def drafted(world, *, objected: bool):
    """Received Monday 2 November 2026, assigned to office A; the company is consulted on
    9 November and answers on 16 November (objecting or not); the reply 予以公开 is drafted then."""
    with at(D(2026, 11, 2)):
        application = offline(world, received_on=D(2026, 11, 2))
        application = services.application_assign(application=application, actor=world.disclosure,
                                                   office=world.office_a)
    with at(D(2026, 11, 9)):
        application = services.application_start_consultation(application=application, actor=world.drafter_a,
                                                              third_party="吉林某某机械有限公司", sent_via="email")
    with at(D(2026, 11, 16)):
        application = services.application_end_consultation(
            application=application, actor=world.drafter_a, objected=objected,
            result="不同意公开：涉及商业秘密" if objected else "同意公开，见2026年11月13日同意函")
        return services.application_draft_reply(application=application, actor=world.drafter_a,
                                                outcome=Outcome.DISCLOSED, letter_html=LETTER)


def send(application, actor, **kwargs):
    return services.application_send_reply(application=application, actor=actor, **{**SECRET, **kwargs})


def replied_checklist(application) -> dict:
    return application.events.get(kind="replied").data["checklist"]


def test_a_reply_discloses_a_commercial_secret_with_the_right_holders_consent_m6_r15(world):
    """The company agreed in writing on Friday 13 November 2026; the reply goes out on Tuesday
    17 November saying so (how, when, the letter kept with the case), without pretending that no
    commercial secret is involved."""
    application = drafted(world, objected=False)
    with at(D(2026, 11, 17)):
        with pytest.raises(InvalidInput, match="保密审查未全部确认"):
            send(application, world.disclosure)
        with pytest.raises(InvalidInput, match="同意的方式"):
            send(application, world.disclosure, override="consent", consent_on=D(2026, 11, 13),
                 consent_document=consent_letter())
        with pytest.raises(InvalidInput, match="同意书"):
            send(application, world.disclosure, override="consent", consent_how="书面同意函",
                 consent_on=D(2026, 11, 13))
        with pytest.raises(InvalidInput, match="不能晚于今天"):
            send(application, world.disclosure, override="consent", consent_how="书面同意函",
                 consent_on=D(2026, 11, 18), consent_document=consent_letter())
        application = send(application, world.disclosure, override="consent", consent_how="书面同意函（加盖公章）",
                           consent_on=D(2026, 11, 13), consent_document=consent_letter())
    assert application.status == "closed" and application.replied_on == D(2026, 11, 17)
    checklist = replied_checklist(application)
    assert (checklist["no_commercial_secret"], checklist["override"], checklist["consent_how"],
            checklist["consent_on"], checklist["consent_document"]) == (
        False, "consent", "书面同意函（加盖公章）", "2026-11-13", "同意公开函.pdf")
    kept = application.files.get(role=FileRole.CONSENT)
    assert kept.pk == checklist["consent_document_id"] and not kept.visible_to_applicant
    summary = event_summary(application.events.get(kind="replied"))
    assert "经权利人同意公开（书面同意函（加盖公章），2026-11-13 同意，同意书：同意公开函.pdf）" in summary


def test_public_interest_reply_needs_a_reason_and_the_supervising_leaders_signature_m6_r15(world):
    """Drafted on Monday 16 November 2026. The disclosure office asks for the signature on
    Tuesday 17 November with its reason; the leader of another office cannot sign; the supervising
    leader of office A signs on Wednesday 18 November, and the reply goes out the same day."""
    application = drafted(world, objected=False)
    with at(D(2026, 11, 17)):
        with pytest.raises(StateConflict, match="须先提请主管厅领导签发"):
            send(application, world.disclosure, override="public_interest", public_interest_reason=REASON)
        with pytest.raises(InvalidInput, match="须写明理由"):
            services.application_request_public_interest(application=application, actor=world.disclosure, reason=" ")
        application = services.application_request_public_interest(application=application, actor=world.disclosure,
                                                                   reason=REASON)
        assert application.public_interest_pending
        with pytest.raises(StateConflict, match="须先提请主管厅领导签发"):  # asked, not yet signed
            send(application, world.disclosure, override="public_interest")
        with pytest.raises(ActionRefused):  # leader_b supervises office B only
            services.application_sign_off_public_interest(application=application, actor=world.leader_b)
        with pytest.raises(ActionRefused):  # no leader: the disclosure office cannot sign itself
            services.application_sign_off_public_interest(application=application, actor=world.disclosure)
        assert [item.step for item in worklist(world.leader_a, D(2026, 11, 17))] == ["因公共利益决定公开待签发"]
        assert worklist(world.leader_b, D(2026, 11, 17)) == []
    with at(D(2026, 11, 18)):
        application = services.application_sign_off_public_interest(application=application, actor=world.leader_a)
        assert not application.public_interest_pending
        application = send(application, world.disclosure, override="public_interest")
    checklist = replied_checklist(application)
    assert (checklist["override"], checklist["public_interest_reason"], checklist["signed_on"]) == (
        "public_interest", REASON, "2026-11-18")
    signed = application.events.get(kind="public_interest_signed_off")
    assert (signed.actor, signed.on, signed.data["requested_on"]) == (world.leader_a, D(2026, 11, 18), "2026-11-17")
    assert "签发" in event_summary(application.events.get(kind="replied"))


def test_a_leader_who_asked_for_the_signature_may_not_sign_it_m12_m6_r15(world):
    """One person holds the disclosure office's role and supervises office A: asking on
    17 November 2026 and signing the same request is refused; another supervising leader signs."""
    both = make_user("both_roles", Role.DISCLOSURE_OFFICE)
    Membership.objects.create(user=both, role=Role.LEADER, office=None)
    world.office_a.supervising_leaders.add(both)
    application = drafted(world, objected=False)
    with at(D(2026, 11, 17)):
        application = services.application_request_public_interest(application=application, actor=both, reason=REASON)
        with pytest.raises(ActionRefused, match="提请与签发分离"):
            services.application_sign_off_public_interest(application=application, actor=both)
        application = services.application_sign_off_public_interest(application=application, actor=world.leader_a)
    assert application.events.get(kind="public_interest_signed_off").actor == world.leader_a


def test_a_redrafted_reply_is_signed_again_m6_r15(world):
    """Signed on 17 November 2026, the reply is returned and redrafted on 18 November: the
    signature covered the old draft, so the new one cannot go out in the public interest unsigned."""
    application = drafted(world, objected=False)
    with at(D(2026, 11, 17)):
        application = services.application_request_public_interest(application=application, actor=world.disclosure,
                                                                   reason=REASON)
        application = services.application_sign_off_public_interest(application=application, actor=world.leader_a)
        application = services.application_return_reply(application=application, actor=world.disclosure,
                                                        comment="补充公开的范围")
    with at(D(2026, 11, 18)):
        application = services.application_draft_reply(application=application, actor=world.drafter_a,
                                                       outcome=Outcome.DISCLOSED, letter_html=LETTER)
        assert workflow.public_interest_signoff(application) is None
        with pytest.raises(StateConflict, match="须先提请主管厅领导签发"):
            send(application, world.disclosure, override="public_interest")


def test_public_interest_over_the_third_partys_objection_needs_the_written_notice_first_r32(world):
    """The company objected on 16 November 2026; the leader signs the public-interest decision on
    17 November; the reply still cannot go out until the company is told in writing (R.32), which
    happens on 18 November; then it goes out."""
    application = drafted(world, objected=True)
    with at(D(2026, 11, 17)):
        application = services.application_request_public_interest(application=application, actor=world.disclosure,
                                                                   reason=REASON)
        application = services.application_sign_off_public_interest(application=application, actor=world.leader_a)
        with pytest.raises(StateConflict, match="第三十二条"):
            send(application, world.disclosure, override="public_interest")
    with at(D(2026, 11, 18)):
        application = services.application_notify_third_party(application=application, actor=world.disclosure,
                                                              content="该企业获得的补贴金额", reason=REASON)
        application = send(application, world.disclosure, override="public_interest")
    assert application.status == "closed" and application.replied_on == D(2026, 11, 18)
    assert replied_checklist(application)["override"] == "public_interest"


def test_a_partial_reply_disclosing_the_objectors_secret_with_consent_still_needs_the_notice_r32(world):
    """Objection on 16 November 2026; a partial reply (another part withheld) that discloses the
    company's secret with a consent letter dated 17 November is refused until the company is told
    in writing (R.32); a partial reply that only withholds needs no notice (R.37)."""
    application = drafted(world, objected=True)
    with at(D(2026, 11, 17)):
        application = services.application_return_reply(application=application, actor=world.disclosure,
                                                        comment="部分公开")
        application = services.application_draft_reply(
            application=application, actor=world.drafter_a, outcome=Outcome.PARTIAL, note="删去第5页",
            letter_html=complete_letter(application, Outcome.PARTIAL))
        partial = {"no_personal_privacy": False, "redacted_parts": "第5页（个人信息）",
                   "redaction_grounds": ["personal_privacy"]}
        with pytest.raises(StateConflict, match="第三十二条"):
            send(application, world.disclosure, **partial, override="consent", consent_how="书面同意函",
                 consent_on=D(2026, 11, 17), consent_document=consent_letter())
        application = services.application_notify_third_party(application=application, actor=world.disclosure,
                                                              content="该企业获得的补贴金额", reason="经其书面同意")
        application = send(application, world.disclosure, **partial, override="consent", consent_how="书面同意函",
                           consent_on=D(2026, 11, 17), consent_document=consent_letter())
    assert application.status == "closed" and replied_checklist(application)["override"] == "consent"


def test_the_back_office_send_form_records_the_consent_and_the_case_page_shows_it_m6_r15(client, world):
    application = drafted(world, objected=False)
    url = reverse("admin:applications_disclosureapplication_transition", args=[application.pk, "send_reply"])
    client.force_login(world.disclosure)
    with at(D(2026, 11, 17)):
        form = client.get(url)
        for label in ("权利人同意公开", "不公开可能对公共利益造成重大影响", "权利人同意的方式", "同意书"):
            assert label in form.text, label
        sent = client.post(url, {"expected_status": "reply_drafted", "no_state_secret": "on",
                                 "no_personal_privacy": "on", "override": "consent", "consent_how": "书面同意函",
                                 "consent_on": "2026-11-13", "consent_document": consent_letter()})
        assert sent.status_code == 302, sent.text[:3000]
        page = client.get(reverse("admin:applications_disclosureapplication_change", args=[application.pk]))
    assert "经权利人同意公开（书面同意函，2026-11-13 同意，同意书：同意公开函.pdf）" in page.text


def transition_url(application, action: str) -> str:
    return reverse("admin:applications_disclosureapplication_transition", args=[application.pk, action])


@pytest.mark.parametrize("username", ["drafter_a", "head_a", "drafter_b", "head_b", "disclosure", "leader_a",
                                      "leader_b", "publisher", "registrar", "supervisor", "admin", "nobody"])
def test_every_role_posting_the_public_interest_steps_directly_m6_r15_m12(client, world, username):
    """What the buttons offer is what a hand-made POST can do: only the disclosure office asks,
    only office A's supervising leader signs; anyone else's POST stores nothing."""
    application = drafted(world, objected=False)
    user = world.users_by_role()[username]
    client.force_login(user)
    with at(D(2026, 11, 17)):
        response = client.post(transition_url(application, "request_public_interest"),
                               {"reason": REASON, "expected_status": application.status})
        application.refresh_from_db()
        assert application.public_interest_pending == (username == "disclosure")
        if username == "disclosure":
            assert response.status_code == 302 and "/login/" not in response["Location"]
        else:  # refused, not found (another office's case), or sent to log in (no back-office role)
            assert response.status_code in (403, 404) or "/login/" in response["Location"]
        if not application.public_interest_pending:
            services.application_request_public_interest(application=application, actor=world.disclosure,
                                                         reason=REASON)
    with at(D(2026, 11, 18)):
        client.force_login(user)  # the back office signs out after a day's idleness
        signing = client.post(transition_url(application, "sign_off_public_interest"),
                    {"comment": "同意", "expected_status": application.status})
        signed = application.events.filter(kind="public_interest_signed_off")
        assert list(signed.values_list("actor__username", flat=True)) == (
            [user.username] if username == "leader_a" else [])
        assert (signing.status_code == 302 and "/login/" not in signing["Location"]) == (username == "leader_a")

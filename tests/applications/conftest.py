import datetime as dt

import pytest

from applications import services
from applications.models import ApplicantType, IdentityDocument

PERSON = {
    "applicant_type": ApplicantType.NATURAL_PERSON, "applicant_name": "张三",
    "identity_document": IdentityDocument.RESIDENT_ID, "identity_number": "11010519491231002X",
    "phone": "13912345678", "email": "zhangsan@example.invalid", "address": "长春市测试路1号",
    "information_title": "2025年度省级工业互联网平台名单", "description": "请提供2025年度省级工业互联网平台认定名单。",
    "medium": "electronic", "delivery": "download",
}


def offline(world, received_on=dt.date(2026, 9, 21), **changes):
    """An application entered by staff, received on `received_on` (R.31)."""
    from tests.factories import ApplicationFactory

    return ApplicationFactory(registered_by=world.disclosure, received_on=received_on, **changes)


@pytest.fixture
def received(world):
    return offline(world)


# The facts a reply letter may need beyond the application row, so that every outcome's letter
# is complete (no 〔待填写：…〕 gap) and can be sent.
LETTER_FACTS = {
    "withheld_parts": "第3页第2段", "ground": "涉及第三方个人隐私", "supplement_requested_on": dt.date(2026, 9, 22),
    "previous_reply_on": dt.date(2026, 1, 5), "fee_notice_on": dt.date(2026, 9, 23), "explanation": "经核实，另行处理。",
}


def complete_letter(application, outcome: str) -> str:
    """The letter drafted from `outcome`'s template, every fact filled in."""
    from applications.letters import render_letter

    return render_letter(application, outcome=outcome, extra=LETTER_FACTS)


def extend(world, application, *, days: int, reason: str, by=None, approver=None):
    """An extension as R.33(2) has it: asked for by the handler (the disclosure office by
    default), consented to by someone else holding the approving role (a leader by default)."""
    application = services.application_request_extension(application=application, actor=by or world.disclosure,
                                                         days=days, reason=reason)
    return services.application_approve_extension(application=application, actor=approver or world.leader_a)


# The confidentiality check (M.3(4), R.17) the disclosure office confirms before a reply releases
# information: all clear for a disclosure; the part withheld and its ground for a partial one.
ALL_CLEAR = {"no_state_secret": True, "no_commercial_secret": True, "no_personal_privacy": True,
             "redacted_parts": "", "redaction_grounds": []}
PARTIAL_CHECK = {"no_state_secret": True, "no_commercial_secret": True, "no_personal_privacy": False,
                 "redacted_parts": "第3页第2段（个人信息）", "redaction_grounds": ["personal_privacy"]}


def checklist_for(outcome: str) -> dict:
    return {"disclosed": ALL_CLEAR, "partial": PARTIAL_CHECK}.get(outcome, {})


def send_reply(application, actor, **kwargs):
    """Approve and send the drafted reply, with the check its outcome needs."""
    from applications.models import DisclosureApplication

    outcome = DisclosureApplication.objects.get(pk=application.pk).outcome
    return services.application_send_reply(application=application, actor=actor, **checklist_for(outcome), **kwargs)


REMEDIES_TEXT = ("如对本答复不服，可以自收到本告知书之日起六十日内依法申请行政复议，"
                 "或者自收到本告知书之日起六个月内依法提起行政诉讼。")

import datetime as dt

import pytest

from applications import services
from applications.models import ApplicantType, Channel, IdentityDocument

PERSON = {
    "applicant_type": ApplicantType.NATURAL_PERSON, "applicant_name": "张三",
    "identity_document": IdentityDocument.RESIDENT_ID, "identity_number": "11010519491231002X",
    "phone": "13912345678", "email": "zhangsan@example.invalid", "address": "长春市测试路1号",
    "information_title": "2025年度省级工业互联网平台名单", "description": "请提供2025年度省级工业互联网平台认定名单。",
    "medium": "electronic", "delivery": "download",
}


def offline(world, received_on=dt.date(2026, 9, 21), **changes):
    """An application entered by staff, received on `received_on` (R.31)."""
    application, _secret = services.application_register_offline(
        actor=world.disclosure, data={**PERSON, **changes}, channel=Channel.IN_PERSON, received_on=received_on)
    return application


@pytest.fixture
def received(world):
    return offline(world)

"""factory_boy factories for what the tests build most: record drafts, applications entered by
staff, complaints and consultations.

Each goes through the real service (a draft is saved by its office's drafter, an application is
registered by the disclosure office, a complaint or consultation is submitted as from the public
site), so a factory-made object is one the workflow could have made; its one-time secret, where
the service hands one out, is kept on the object as `.secret`. The staff default to the shared
agency of tests/conftest.py (`load_world`), so a test that asks for `world` gets the same people.

    draft = RecordDraftFactory(title="…", office=world.office_b)
    application = ApplicationFactory(received_on=D(2026, 11, 2), information_title="…")
    complaint = ComplaintFactory(office=world.office_b, anonymous=True)
"""

from __future__ import annotations

import datetime as dt

import factory

from applications import services as application_services
from applications.models import ApplicantType, DisclosureApplication, IdentityDocument
from applications.models import Channel as ApplicationChannel
from complaints import services as complaint_services
from complaints.models import Complaint, Consultation
from disclosure import services as record_services
from disclosure.models import CatalogueCategory, Record


def _world():
    from tests.conftest import load_world

    return load_world()


def _drafter_for(office):
    world = _world()
    return world.drafter_a if office == world.office_a else world.drafter_b


class RecordDraftFactory(factory.django.DjangoModelFactory):
    """A record saved as a draft by the drafter of its office (office A unless told)."""

    class Meta:
        model = Record

    title = "关于开展2026年工业企业技术改造项目申报工作的通知"
    body = "<p>各市（州）工业和信息化主管部门：现将有关事项通知如下。</p>"
    office = factory.LazyFunction(lambda: _world().office_a)
    category = factory.LazyFunction(lambda: CatalogueCategory.objects.get(code="m5-2"))
    date_formed = dt.date(2026, 11, 2)
    drafter = factory.LazyAttribute(lambda record: _drafter_for(record.office))

    @classmethod
    def _create(cls, model_class, *args, drafter, **fields):
        return record_services.record_save_draft(record=model_class(**fields), actor=drafter)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application a natural person handed in at the counter, entered by the disclosure office
    (R.31); received on 21 September 2026 unless told."""

    class Meta:
        model = DisclosureApplication

    applicant_type = ApplicantType.NATURAL_PERSON
    applicant_name = "张三"
    identity_document = IdentityDocument.RESIDENT_ID
    identity_number = "11010519491231002X"
    phone = "13912345678"
    email = "zhangsan@example.invalid"
    address = "长春市测试路1号"
    information_title = "2025年度省级工业互联网平台名单"
    description = "请提供2025年度省级工业互联网平台认定名单。"
    medium = "electronic"
    delivery = "download"
    received_on = dt.date(2026, 9, 21)
    channel = ApplicationChannel.IN_PERSON
    uploads = ()
    registered_by = factory.LazyFunction(lambda: _world().disclosure)

    @classmethod
    def _create(cls, model_class, *args, registered_by, received_on, channel, uploads, **data):
        application, secret = application_services.application_register_offline(
            actor=registered_by, data=data, channel=channel, received_on=received_on, uploads=list(uploads))
        application.secret = secret
        return application


class ComplaintFactory(factory.django.DjangoModelFactory):
    """A complaint submitted online against office A (unless told), by a named reporter unless
    `anonymous`."""

    class Meta:
        model = Complaint

    office = factory.LazyFunction(lambda: _world().office_a)
    failure_type = "late_reply"
    details = "我于2026年9月向政策法规处申请公开文件，至今未获答复。"
    related_reference = "SQ2026-000123"
    reporter = factory.LazyFunction(lambda: {
        "name": "韩梅梅举报人", "identity_number": "11010519491231002X", "phone": "13700001111",
        "email": "hanmeimei-reporter@example.invalid", "address": "长春市保密路77号"})
    anonymous = False
    uploads = ()

    @classmethod
    def _create(cls, model_class, *args, reporter, anonymous, uploads, **data):
        complaint, secret, _created = complaint_services.complaint_submit(
            data=data, reporter=None if anonymous else reporter, anonymous=anonymous, uploads=list(uploads))
        complaint.secret = secret
        return complaint


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A consultation submitted online, to be routed by the disclosure office unless an office is
    given, its publication consented to unless told."""

    class Meta:
        model = Consultation

    name = "李雷咨询人"
    phone = "13600002222"
    email = "lilei-asker@example.invalid"
    subject = "依申请公开是否收费"
    question = "我是李雷咨询人，申请政府信息公开需要交费吗？"
    publish_consent = True
    office = None

    @classmethod
    def _create(cls, model_class, *args, **data):
        consultation, secret, _created = complaint_services.consultation_submit(data=data)
        consultation.secret = secret
        return consultation

"""No back-office list answers questions about a masked or confidential field (issue #16, item 2).

The attack: as the supervision office or a superuser,
`/admin/applications/disclosureapplication/?tracking_code=…&identity_number__startswith=<prefix>`
answered one row or none, so some fifty requests recovered a whole identity number (phone, e-mail
and address likewise), and no IdentityAccess row was written. The rule is now one for every
registered ModelAdmin (portal/admin_confidential.py): a filter or sort by a field a model declares
confidential, directly or across relations, is refused (400, audited), search leaves such fields
out, and `manage.py check` reports an admin that names one.
"""

from __future__ import annotations

import uuid

import pytest
from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.test import RequestFactory
from django.urls import reverse

from applications import services as applications
from applications.models import DisclosureApplication, IdentityAccess
from complaints import services as complaints
from portal.admin_confidential import ConfidentialFieldsMixin, confidential_fields, orders_by_confidential
from portal.admin_site import PortalAdminSite
from portal.models import AuditEntry, AuditEvent
from tests.applications.conftest import PERSON
from tests.complaints.conftest import ASKER, REPORTER

LOOKUPS = ["__startswith", "__contains", "__regex", "__gt", ""]


@pytest.fixture
def cases(world, settings, tmp_path):
    """An application, a named report and a consultation, each with distinctive personal data."""
    settings.MEDIA_ROOT = tmp_path
    application, _secret, _created = applications.application_submit(data=PERSON, idempotency_key=uuid.uuid4())
    complaint, _secret, _created = complaints.complaint_submit(
        data={"office": world.office_a, "failure_type": "late_reply", "details": "联系人韩梅梅举报人。"},
        reporter=dict(REPORTER), anonymous=False, idempotency_key=uuid.uuid4())
    consultation, _secret, _created = complaints.consultation_submit(
        data={**ASKER, "subject": "申请流程", "question": "如何申请？", "office": world.office_a},
        idempotency_key=uuid.uuid4())
    return application, complaint, consultation


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def confidential_paths(model, depth: int = 2, prefix: str = "", visited: tuple = ()):
    """Every lookup path from `model` to a confidential field, across up to `depth` relations."""
    for name in sorted(confidential_fields(model)):
        yield prefix + name
    if depth == 0:
        return
    for field in model._meta.get_fields():
        if field.is_relation and field.related_model is not None and field.related_model not in visited:
            yield from confidential_paths(field.related_model, depth - 1, f"{prefix}{field.name}__", (*visited, model))


@pytest.mark.parametrize("person", ["supervisor", "admin"])
@pytest.mark.parametrize(("field", "lookup", "value"), [
    ("identity_number", "startswith", "1101"), ("phone", "startswith", "139"),
    ("email", "startswith", "zhangsan"), ("address", "contains", "测试路"),
])
def test_the_application_list_cannot_be_asked_about_an_identity_r29(client, world, cases, person, field, lookup,
                                                                     value):
    application = cases[0]
    client.force_login(getattr(world, person))
    url = changelist(DisclosureApplication)
    assert client.get(url, {"tracking_code": application.tracking_code}).status_code == 200
    answer = client.get(url, {"tracking_code": application.tracking_code, f"{field}__{lookup}": value})
    assert answer.status_code == 400
    assert PERSON["applicant_name"] not in answer.content.decode()
    assert not IdentityAccess.objects.exists()
    refused = AuditEntry.objects.get(event=AuditEvent.PERMISSION_DENIED)
    assert refused.username == getattr(world, person).username
    assert field in refused.detail and value not in refused.detail


def test_every_registered_admin_refuses_filters_and_sorting_on_confidential_fields(client, world, cases):
    """Walks admin.site: every lookup on every path to a confidential field is refused by the
    ModelAdmin, and over HTTP on every list; no sortable column sorts by one (the supervision
    office's own lists: the test above and test_confidentiality)."""
    client.force_login(world.admin)
    walked = 0
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, ConfidentialFieldsMixin), model._meta.label
        paths = list(confidential_paths(model))
        for path in paths:
            for lookup in LOOKUPS:
                assert not model_admin.lookup_allowed(f"{path}{lookup}", "1"), f"{model._meta.label} {path}"
        # Over HTTP, as the superuser (who may open every list): each lookup on the model's own
        # confidential fields (the ModelAdmin itself was asked about every path above).
        plain = client.get(changelist(model))
        if plain.status_code != 200 or "cl" not in (plain.context or {}):
            continue  # not a list of rows (the site profile's redirect, the assessment dashboard)
        cl = plain.context["cl"]
        for path in sorted(confidential_fields(model)):
            for lookup in LOOKUPS:
                answer = client.get(changelist(model), {f"{path}{lookup}": "1"})
                assert answer.status_code == 400, f"{model._meta.label} {path}{lookup}"
                walked += 1
        for index, column in enumerate(cl.list_display):
            order = cl.get_ordering_field(column)
            if orders_by_confidential(model, order):  # never offered, and refused when asked for
                assert column not in cl.sortable_by, f"{model._meta.label} offers sorting by {order}"
                assert client.get(changelist(model), {"o": str(index)}).status_code == 400
    assert walked > 50


def test_search_never_looks_into_a_confidential_field(client, world, cases):
    _application, complaint, consultation = cases
    client.force_login(world.admin)
    for model, secret_text in [(DisclosureApplication, PERSON["identity_number"]),
                               (type(complaint), REPORTER["name"]), (type(consultation), ASKER["phone"])]:
        page = client.get(changelist(model), {"q": secret_text})
        assert page.status_code == 200 and page.context["cl"].result_count == 0, model._meta.label


class CarelessAdmin(admin.ModelAdmin):
    """An admin written without the rule in mind: it lists, sorts, filters and searches by the
    identity number. Registering it on the portal's site is enough to make it safe."""

    list_display = ["tracking_code", "identity_number"]
    list_filter = ["phone"]
    search_fields = ["tracking_code", "identity_number"]


def test_an_admin_that_forgets_the_rule_is_reported_and_still_refuses(world, cases):
    site = PortalAdminSite(name="careless")
    site.register(DisclosureApplication, CarelessAdmin)
    model_admin = site._registry[DisclosureApplication]
    problems = {error.msg.split(" names")[0] for error in model_admin.check()}
    assert problems == {"CarelessAdmin.list_display", "CarelessAdmin.list_filter", "CarelessAdmin.search_fields",
}

    def listing(**query):
        request = RequestFactory().get("/", query)
        request.user = world.admin
        return model_admin.changelist_view(request)

    column = listing().context_data["cl"].list_display.index("identity_number")
    with pytest.raises(DisallowedModelAdminLookup):
        listing(o=str(column))  # sorting by the identity number ranks the rows
    with pytest.raises(DisallowedModelAdminLookup):
        listing(phone__startswith="139")
    searched = listing(q=PERSON["identity_number"][:6])
    assert searched.context_data["cl"].result_count == 0
    assert searched.context_data["cl"].has_filters is False  # the phone filter is not offered
    assert "identity_number" not in model_admin.get_sortable_by(RequestFactory().get("/"))

"""A mistyped or mangled back-office address is "not found", never a server error.

(axe-core, run on the back office, fetches a stylesheet's @import relative to the page: the
admin's fallback turned `/admin/…/1/change/widgets.css` into a change page for the object
"1/change/widgets.css", and the workflow admins answered 500.)"""

from django.contrib import admin
from django.urls import NoReverseMatch, reverse


def test_a_malformed_object_id_is_404_on_every_admin_page(client, world):
    client.force_login(world.admin)
    client.raise_request_exception = False
    errors = {}
    for model in admin.site._registry:
        opts = model._meta
        for name, args in (("change", ["x"]), ("history", ["x"]), ("transition", ["x", "submit"])):
            try:
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)
            except NoReverseMatch:
                continue
            status = client.get(url, follow=True).status_code
            if status >= 500:
                errors[url] = status
        status = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                            + "1/change/widgets.css/", follow=True).status_code
        if status >= 500:
            errors[f"{opts.label} …/1/change/widgets.css/"] = status
    assert not errors, errors

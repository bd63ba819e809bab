"""Every date field of the project renders its value as the browser's date input needs it (ISO).

`<input type="date">` drops any value that is not `yyyy-mm-dd`. Django's own `DateInput` renders
the language's first input format (`2026/12/06` under zh-hans): in the Chinese back office every
date field came up blank and "today" was lost (issue #15, 2.1). portal.widgets holds the one date
widget; these tests walk every form class of the project and every admin form (inlines included)
and fail when a date or date-time field renders anything else, in any language of the site — so a
new form with Django's default widget fails here before anyone meets it.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory
from django.utils import translation

from portal.widgets import IsoDateInput, IsoDateTimeInput
from tests.conftest import make_user

APPS = ("portal", "disclosure", "applications", "complaints")
# Modules that are not code of the apps' forms (importing them has side effects or needs a server).
SKIPPED = re.compile(r"\.(migrations|wsgi|settings|test_settings)(\.|$)")
DAY = dt.date(2026, 12, 6)
MOMENT = dt.datetime(2026, 12, 6, 9, 30)
LANGUAGES = [code for code, _name in settings.LANGUAGES]
DATE_FIELDS = forms.DateField | forms.DateTimeField | forms.SplitDateTimeField


def import_all() -> None:
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if not SKIPPED.search(module.name):
                importlib.import_module(module.name)


def subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= subclasses(sub)
    return found


def project_forms() -> list[type]:
    import_all()
    return sorted((c for c in subclasses(forms.BaseForm) if c.__module__.split(".")[0] in APPS),
                  key=lambda c: f"{c.__module__}.{c.__qualname__}")


def wrong_dates(where: str, fields: dict) -> list[str]:
    """The date and date-time fields of a form whose widget does not render ISO, in any language."""
    problems = []
    for name, field in fields.items():
        if isinstance(field, forms.SplitDateTimeField):
            problems.append(f"{where}.{name}: a split date-time renders the language's format; "
                            "use forms.DateTimeField with portal.widgets.IsoDateTimeInput")
            continue
        if isinstance(field, forms.DateTimeField):
            expected, value, widget_class = 'type="datetime-local"', "2026-12-06T09:30", IsoDateTimeInput
            sample = MOMENT
        elif isinstance(field, forms.DateField):
            expected, value, widget_class = 'type="date"', "2026-12-06", IsoDateInput
            sample = DAY
        else:
            continue
        if isinstance(field.widget, forms.HiddenInput):
            continue
        for language in LANGUAGES:
            with translation.override(language):
                html = field.widget.render(name, sample)
            if expected not in html or f'value="{value}"' not in html:
                problems.append(f"{where}.{name} [{language}] {type(field.widget).__name__} renders {html}")
                break
        if not isinstance(field.widget, widget_class):
            problems.append(f"{where}.{name}: use portal.widgets.{widget_class.__name__}, "
                            f"not {type(field.widget).__name__}")
    return problems


def test_the_date_widget_renders_iso_in_every_language_and_the_field_reads_it_back():
    field = forms.DateField(widget=IsoDateInput())
    for language in LANGUAGES:
        with translation.override(language):
            html = field.widget.render("on", DAY)
            assert 'type="date"' in html and 'value="2026-12-06"' in html, (language, html)
            assert field.clean("2026-12-06") == DAY
    # Django's plain DateInput is what broke: the Chinese format, which a date input drops.
    with translation.override("zh-hans"):
        assert 'value="2026/12/06"' in forms.DateInput(attrs={"type": "date"}).render("on", DAY)


def test_every_form_of_the_project_renders_dates_in_iso():
    """Forms of the back office and the public site, built from their classes (issue #15, 2.1)."""
    checked, problems = 0, []
    for form_class in project_forms():
        fields = form_class.base_fields
        checked += sum(isinstance(f, DATE_FIELDS) for f in fields.values())
        problems += wrong_dates(f"{form_class.__module__}.{form_class.__qualname__}", fields)
    assert checked >= 15, "the walk found too few date fields: is every forms module imported?"
    assert not problems, "date fields that a browser's date input would show blank:\n" + "\n".join(problems)


@pytest.mark.django_db
def test_every_admin_form_renders_dates_in_iso():
    """The forms the admin builds for each model (and its inlines), as a superuser sees them: the
    admin's own widgets (AdminDateWidget, AdminSplitDateTime) render the language's format too."""
    import_all()
    request = RequestFactory().get("/admin/")
    request.user = make_user("walker", is_staff=True, is_superuser=True)
    checked, problems = 0, []
    for model, model_admin in admin.site._registry.items():
        if type(model_admin).__module__.split(".")[0] not in APPS:
            continue  # third-party admins (django-otp's devices) are for superusers, not staff forms
        if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
            continue  # its pages show every field read-only: no input is ever rendered
        where = f"admin {model._meta.label}"
        form_classes = [(where, model_admin.get_form(request))]
        form_classes += [(f"{where} inline {type(inline).__name__}", inline.get_formset(request).form)
                         for inline in model_admin.get_inline_instances(request)]
        for name, form_class in form_classes:
            fields = form_class.base_fields
            checked += sum(isinstance(f, DATE_FIELDS) for f in fields.values())
            problems += wrong_dates(name, fields)
    assert checked >= 3, "the walk found too few admin date fields"
    assert not problems, "admin date fields that are not the project's ISO widgets:\n" + "\n".join(problems)


def test_no_code_of_the_apps_builds_a_date_widget_of_its_own():
    """The walks above see the fields a form class declares; a field added in a form's __init__
    (the repeal and expiry dates, issue #15, 2.10) is not among them. So the source is read too:
    outside portal/widgets.py no module of the apps names Django's date widgets."""
    import ast
    from pathlib import Path

    root = Path(settings.BASE_DIR)
    django_widgets = {"DateInput", "DateTimeInput", "SplitDateTimeWidget", "SelectDateWidget",
                      "AdminDateWidget", "AdminSplitDateTime"}
    found = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.parts or path == root / "portal" / "widgets.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
                if name in django_widgets:
                    found.append(f"{path.relative_to(root)}:{node.lineno} {name}")
    assert not found, "use portal.widgets.IsoDateInput / IsoDateTimeInput:\n" + "\n".join(found)

"""The project's date widget: one for every date field of the back office and the public forms.

A browser's `<input type="date">` takes its value in ISO form only (HTML's "valid date string",
yyyy-mm-dd) and shows it in the reader's own format. Django's `DateInput` renders the active
language's first input format instead — `2026/12/06` under zh-hans — which the browser drops: the
field comes up blank, "today" is lost and submitting says "该字段是必填项" (issue #15, 2.1). So the
value is always rendered in ISO, whatever the language; Django's `DateField` accepts ISO back in
every language (django.utils.formats adds the ISO input formats to each locale's own).

tests/portal/test_date_widgets.py walks every form and admin form of the project and fails when a
date field renders anything else.
"""

from __future__ import annotations

from django import forms

ISO_DATE = "%Y-%m-%d"


class IsoDateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE)


class IsoDateTimeInput(forms.DateTimeInput):
    """`<input type="datetime-local">` takes `yyyy-mm-ddThh:mm` only, for the same reason."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def admin_date_overrides() -> dict:
    """`ModelAdmin.formfield_overrides` putting these widgets in place of the admin's own
    (AdminDateWidget and AdminSplitDateTime render the language's format in a text box); a link
    typed without its scheme is taken as https, as Django 6 will."""
    from django.db import models

    return {
        models.DateField: {"widget": IsoDateInput},
        models.DateTimeField: {"form_class": forms.DateTimeField, "widget": IsoDateTimeInput},
        models.URLField: {"assume_scheme": "https"},
    }

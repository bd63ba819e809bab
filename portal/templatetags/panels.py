"""`{% object_panels obj "change" %}`: sections that apps add to another app's back-office pages
(AppConfig attribute `object_panels`, read through portal.hooks), so that the page's own app
need not import them. Each provider returns HTML, or "" for an object that is not its own."""

from django import template
from django.utils.safestring import mark_safe

from portal.hooks import hooks

register = template.Library()


@register.simple_tag(takes_context=True)
def object_panels(context, obj, where: str, name: str = ""):
    request = context.get("request")
    if request is None or obj is None:
        return ""
    return mark_safe("".join(provider(request, obj, where=where, name=name) or "" for provider in hooks("object_panels")))

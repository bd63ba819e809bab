"""Django's `i18n` template library, with `{% translate "…" %}` of a constant message translated
once per language (issue #22). Installed under the name `i18n` (settings.TEMPLATES "libraries"),
so every `{% load i18n %}`, the admin's included, gets it.

A page's header and footer alone hold some 40 constant messages, and Django's tag looks each up
again on every rendering (the active language, the catalogue, escaping): a fifth of a record
page's time without the page cache. The result is the same string: it depends only on the
language and the message (with its context and `noop`), which are the key. Messages that are
variables, or carry filters, go through Django's own tag.
"""

from __future__ import annotations

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import Variable
from django.templatetags import i18n as django_i18n
from django.utils import translation

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)

# (language, noop, message context, message) -> what Django's tag renders. A message written in
# the template is a safe string (Django never escapes it), so the key needs no autoescape.
_RENDERED: dict[tuple, str] = {}


@receiver(setting_changed)
def _forget_on_new_catalogues(setting, **kwargs):
    # Django resets its own translation caches for these (django.test.signals).
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"}:
        _RENDERED.clear()


class CachedTranslateNode(django_i18n.TranslateNode):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        message, context = self.filter_expression, self.message_context
        constant = (isinstance(message.var, Variable) and message.var.literal is not None and not message.filters
                    and (context is None or (isinstance(context.var, str) and not context.filters)))
        self.key = (self.noop, context and context.var, message.var.literal) if constant else None
        # The same message rendered as text: what `as name` stores, too.
        self.plain = django_i18n.TranslateNode(message, self.noop, None, context) if self.asvar else self

    def render(self, context):
        if self.key is None:
            return super().render(context)
        key = (translation.get_language(), *self.key)
        value = _RENDERED.get(key)
        if value is None:
            value = _RENDERED[key] = django_i18n.TranslateNode.render(self.plain, context)
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = django_i18n.do_translate(parser, token)
    return CachedTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)

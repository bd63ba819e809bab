"""One rule for every list in the back office: a masked or confidential field is never a question.

A list that can be filtered, searched or sorted by a field answers questions about it even when it
shows the field masked: `?identity_number__startswith=2201` answers one row or none, so some fifty
requests recover a whole identity number, and sorting by it ranks the rows (issue #16). So no
ModelAdmin may filter (any lookup, across relations too), search or sort by such a field.

A model names its fields in `CONFIDENTIAL_FIELDS` (identity numbers, contacts and addresses of
applicants, reporters and askers; what a reporter wrote; tracking secrets). The rule follows
relations: `application__identity_number` from the identity access log, `complaint__reporter__email`
from the reporter access log are refused like the field itself.

`PortalAdminSite.register` mixes `ConfidentialFieldsMixin` into every ModelAdmin it registers (the
project's, and the security apps'), so a new admin cannot forget it. A refused filter or sort is a
400 and an entry in the audit trail (the field named, never the value asked); search fields are left
out; and `manage.py check` reports an admin that lists, filters, searches or sorts by such a field.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import ModelAdmin
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext_lazy

MAX_DEPTH = 6  # relations followed along one lookup; Django's own lookups never go this deep


def confidential_fields(model) -> frozenset[str]:
    return frozenset(getattr(model, "CONFIDENTIAL_FIELDS", ()))


def touches_confidential(model, path: str) -> bool:
    """Whether the lookup or ordering path (`a__b__startswith`, `-a__b`) reaches a confidential field
    of `model` or of any model it passes through."""
    opts = model._meta
    for part in path.lstrip("-?").split(LOOKUP_SEP)[:MAX_DEPTH]:
        if part == "pk":
            part = opts.pk.name
        try:
            field = opts.get_field(part)
        except FieldDoesNotExist:
            return False  # a transform or a lookup (startswith, regex, gt …): the path ended
        names = confidential_fields(opts.model)
        if field.name in names or getattr(field, "attname", None) in names:
            return True
        if not field.is_relation or field.related_model is None:
            return False
        opts = field.related_model._meta
    return False


def _referenced_names(order) -> list[str]:
    """The field names an ordering (a string, F(), OrderBy, an expression) refers to."""
    if order is None:
        return []
    if isinstance(order, str):
        return [order]
    if isinstance(order, F):
        return [order.name]
    return [name for source in getattr(order, "get_source_expressions", list)() for name in _referenced_names(source)]


def orders_by_confidential(model, order) -> bool:
    return any(touches_confidential(model, name) for name in _referenced_names(order))


def _search_path(name: str) -> str:
    return name.lstrip("^=@")


def _filter_path(entry) -> str | None:
    """The field a list_filter entry filters by (None for a SimpleListFilter, which names none)."""
    if isinstance(entry, str):
        return entry
    if isinstance(entry, (list, tuple)) and entry and isinstance(entry[0], str):
        return entry[0]
    return None


def _column_ordering(model_admin, name):
    """What a list_display column sorts by, as ChangeList.get_ordering_field finds it."""
    if callable(name):
        return getattr(name, "admin_order_field", None)
    try:
        return model_admin.model._meta.get_field(name).name
    except FieldDoesNotExist:
        pass
    attr = getattr(model_admin, name, None) or getattr(model_admin.model, name, None)
    if attr is None:
        return name if LOOKUP_SEP in name else None
    if isinstance(attr, property):
        attr = attr.fget
    return getattr(attr, "admin_order_field", None)


def _refused(request, what: str) -> None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from portal.audit import audit
        from portal.models import AuditEvent

        audit(AuditEvent.PERMISSION_DENIED, request=request, user=user, detail=f"confidential field: {what}")


class ConfidentialChangeList(ChangeList):
    def get_ordering(self, request, queryset):
        for part in (self.params.get(ORDER_VAR) or "").split("."):
            _none, _pfx, index = part.rpartition("-")
            try:
                column = self.list_display[int(index)]
            except (IndexError, ValueError):
                continue
            if orders_by_confidential(self.model, self.get_ordering_field(column)):
                _refused(request, f"ordering by column {index}")
                raise DisallowedModelAdminLookup("Ordering by a confidential field is not allowed")
        return super().get_ordering(request, queryset)


class ConfidentialFieldsMixin:
    """Mixed into every registered ModelAdmin by PortalAdminSite.register (see the module doc)."""

    def lookup_allowed(self, lookup, value, request=None):
        if touches_confidential(self.model, lookup):
            _refused(request, f"filter {lookup}")
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if issubclass(changelist, ConfidentialChangeList):
            return changelist
        return type(changelist.__name__, (ConfidentialChangeList, changelist), {"__module__": __name__})

    def get_search_fields(self, request):
        return [name for name in super().get_search_fields(request)
                if not touches_confidential(self.model, _search_path(name))]

    def get_list_filter(self, request):
        return [entry for entry in super().get_list_filter(request)
                if not ((path := _filter_path(entry)) and touches_confidential(self.model, path))]

    def get_sortable_by(self, request):
        return [name for name in super().get_sortable_by(request)
                if not orders_by_confidential(self.model, _column_ordering(self, name))]

    def check(self, **kwargs):
        return [*super().check(**kwargs), *confidential_field_errors(self)]


def confidential_field_errors(model_admin) -> list[checks.Error]:
    """An admin that would show in full, filter, search or sort by a confidential field."""
    model = model_admin.model
    found = []
    found += [("search_fields", name) for name in model_admin.search_fields or ()
              if touches_confidential(model, _search_path(name))]
    found += [("list_filter", path) for entry in model_admin.list_filter or ()
              if (path := _filter_path(entry)) and touches_confidential(model, path)]
    found += [("ordering", name) for order in model_admin.ordering or ()
              for name in _referenced_names(order) if touches_confidential(model, name)]
    for name in model_admin.list_display or ():
        if isinstance(name, str) and touches_confidential(model, name):
            found.append(("list_display", name))
        elif orders_by_confidential(model, _column_ordering(model_admin, name)):
            found.append(("list_display (sortable)", getattr(name, "__name__", str(name))))
    return [checks.Error(f"{type(model_admin).__name__}.{where} names the confidential field {name!r} of "
                         f"{model._meta.label}: it could be read back through the list",
                         hint="Remove it; show it masked on the object's page and log each full view.",
                         obj=type(model_admin), id="portal.E161")
            for where, name in found]


def with_confidential_rule(admin_class: type[ModelAdmin]) -> type[ModelAdmin]:
    """`admin_class` itself when it already follows the rule, else a subclass that does."""
    if issubclass(admin_class, ConfidentialFieldsMixin):
        return admin_class
    return type(admin_class.__name__, (ConfidentialFieldsMixin, admin_class),
                {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__,
                 "__doc__": admin_class.__doc__})


class ContactColumnsMixin:
    """The masked contact columns of a case page: the admin's `_shown(obj, field)` decides whether
    this person sees the value or its masked form (and logs a full view where the law asks)."""

    @admin.display(description=gettext_lazy("联系电话"))
    def phone_shown(self, obj):
        return self._shown(obj, "phone")

    @admin.display(description=gettext_lazy("电子邮箱"))
    def email_shown(self, obj):
        return self._shown(obj, "email")

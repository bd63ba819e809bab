"""Reads for a citizen's own cases: the address they typed, normalised as the cases store it, the
cases it finds, and the rows of the listing page.

Each app with cases says where their contacts are by declaring `own_cases` on its AppConfig:
dotted paths to classes with `key` (the name a grant uses for the model), `find(contact)` (the
primary keys of the cases with that contact) and `rows(pks)` (an `OwnCase` each); anonymous
complaints have no contact and are never found."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.forms import PHONE_RE
from portal.hooks import hooks
from portal.models import CaseListLink, LinkChannel

CONTACT_MAX = 254  # the longest e-mail address (RFC 5321)
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")  # a mainland mobile number: the only kind an SMS reaches
COUNTRY_PREFIXES = ("0086", "86")


@dataclass(frozen=True)
class Contact:
    """An address as the cases are searched by: a lower-case e-mail address or 11 digits."""

    channel: str  # LinkChannel
    value: str

    @property
    def digest(self) -> str:
        """A keyed digest, for logs and rate limits: the same address gives the same digest, and
        the digest gives nothing back without the portal's secret key."""
        return hmac.new(settings.SECRET_KEY.encode(), f"own-cases:{self.value}".encode(), "sha256").hexdigest()[:16]


def contact_parse(value: str) -> Contact:
    """The typed address as a Contact; ValidationError (in words a person reads) otherwise.
    Spaces and dashes in a number are forgiven, as the forms that stored it forgave them
    (portal/forms.py PHONE_RE), and so is a +86 in front."""
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("请填写电子邮箱或手机号码。"), code="required")
    if len(value) > CONTACT_MAX:
        raise ValidationError(_("填写的内容过长，请填写电子邮箱或11位手机号码。"), code="max_length")
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(_("请填写有效的电子邮箱，如 name@example.com。"), code="email") from None
        return Contact(LinkChannel.EMAIL, value.lower())
    digits = re.sub(r"\D", "", value)
    for prefix in COUNTRY_PREFIXES:
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
            digits = digits[len(prefix):]
            break
    if not PHONE_RE.match(value) or not MOBILE_RE.match(digits):
        raise ValidationError(_("请填写有效的电子邮箱或11位手机号码（短信只能发送到手机；只留了固定电话的，请与本机关联系）。"),
                              code="contact")
    return Contact(LinkChannel.SMS, digits)


def _phone_digits(field: str):
    """The stored number without the separators people type (PHONE_RE: spaces, -, +, brackets)."""
    expression = F(field)
    for separator in (" ", "-", "+", "(", ")"):
        expression = Replace(expression, Value(separator), Value(""))
    return expression


def with_contact(queryset: QuerySet, contact: Contact, *, email_field: str = "email",
                 phone_field: str = "phone") -> QuerySet:
    """The cases of `queryset` whose stored e-mail address or mobile number is `contact`. A
    number is compared by its digits, with or without the country code."""
    if contact.channel == LinkChannel.EMAIL:
        return queryset.filter(**{f"{email_field}__iexact": contact.value})
    numbers = [contact.value, *(prefix + contact.value for prefix in COUNTRY_PREFIXES)]
    return queryset.annotate(own_phone_digits=_phone_digits(phone_field)).filter(own_phone_digits__in=numbers)


@dataclass
class OwnCase:
    """One row of the listing: what the case's own tracking page would say of it."""

    ref: str  # "application:12": how the grant names it
    kind: str
    tracking_code: str
    title: str
    status: str
    submitted_at: dt.datetime
    due_date: dt.date | None
    due_date_provisional: bool
    closed_at: dt.datetime | None
    url: str = ""


def _sources() -> dict:
    return {source.key: source for source in hooks("own_cases")}


def own_case_refs(contact: Contact) -> list[str]:
    """Every case of every kind with this contact, as references a grant can hold. Every source
    runs its query for every contact, found or not (the same work for both)."""
    return [f"{key}:{pk}" for key, source in _sources().items() for pk in source.find(contact)]


def own_case_rows(refs) -> list[OwnCase]:
    """The listing: the cases named by `refs` (and nothing else), newest first, each with a fresh
    link to its status page (portal/tracking.py), as the tracking form would give."""
    from portal.tracking import status_url_for_code

    wanted: dict[str, list[int]] = {}
    for ref in refs if isinstance(refs, list | tuple) else ():
        key, _sep, pk = str(ref).partition(":")
        if pk.isdigit():
            wanted.setdefault(key, []).append(int(pk))
    rows = []
    for key, source in _sources().items():
        if wanted.get(key):
            rows.extend(source.rows(wanted[key]))
    for row in rows:
        row.url = status_url_for_code(row.tracking_code) or ""
    return sorted(rows, key=lambda row: row.submitted_at, reverse=True)


def token_digest(token: str) -> str:
    """What is stored of a link's token: 256 random bits need no salt and no slow hash."""
    return hashlib.sha256((token or "").encode()).hexdigest()


def case_list_link_usable(token: str) -> bool:
    """Whether the link can still be used (not spent, not expired), without spending it."""
    if not token or len(token) > 200:
        return False
    return CaseListLink.objects.filter(token_digest=token_digest(token), used_at__isnull=True,
                                       expires_at__gt=timezone.now()).exists()

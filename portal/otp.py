"""The second factor for staff (TOTP, django-otp): required for the roles in
settings.OTP_REQUIRED_ROLES (by default every role that sees an identity in full: the disclosure
office, the supervision office, leaders and the info center; issue #16), for superusers (they can
unlock accounts and grant roles: OTP_REQUIRED_FOR_SUPERUSERS), and for anyone who enrolled
voluntarily — once a device is confirmed, it is always asked for.

After the password, such a person is sent to one page: it enrols a new authenticator app (a QR
code and the key, confirmed by a first code) or asks for the current code.

An enrolment key belongs to the session that asked for it (issue #16): someone else who knows the
password and opens the page first gets a key of their own, which is deleted — never confirmable —
as soon as another session starts an enrolment or a device is confirmed. A session never sees a
key it did not create, every display of a key is in the audit trail, and deleting a person's
device (the administrator's reset) ends every enrolment still pending for them."""

from __future__ import annotations

import hashlib
import hmac
from base64 import b32encode
from io import BytesIO

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.audit import audit
from portal.models import AuditEvent
from portal.selectors import roles_of


def otp_required(user) -> bool:
    return bool(
        set(roles_of(user)) & set(settings.OTP_REQUIRED_ROLES)
        or (user.is_superuser and settings.OTP_REQUIRED_FOR_SUPERUSERS)
        or TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def needs_verification(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff and otp_required(user)
                and not user.is_verified())


class TokenForm(forms.Form):
    token = forms.CharField(label=_("动态口令（6位数字）"), max_length=6, min_length=6,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = BytesIO()
    image.save(out)
    return out.getvalue().decode()


# The session's own enrolment: the unconfirmed device it created and a digest of that device's key
# (a deleted row's primary key can be reused, by SQLite at least: the digest tells them apart).
ENROLMENT_SESSION_KEY = "portal_otp_enrolment"


def _key_digest(device: TOTPDevice) -> str:
    return hashlib.sha256(device.key.encode()).hexdigest()


def pending_enrolments_end(*, user) -> int:
    """Delete every unconfirmed device of `user`: no key shown for one of them can be confirmed
    any more. Returns how many there were."""
    deleted, _details = TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return deleted


def _session_enrolment_device(request, user) -> TOTPDevice:
    """The unconfirmed device this session created, or a new one with a fresh key. A new one ends
    the enrolments of other sessions (whoever opened the page there loses their key)."""
    bound = request.session.get(ENROLMENT_SESSION_KEY)
    if isinstance(bound, dict) and bound.get("user") == user.pk:
        device = TOTPDevice.objects.filter(user=user, confirmed=False, pk=bound.get("device")).first()
        if device is not None and hmac.compare_digest(_key_digest(device), str(bound.get("key", ""))):
            return device
    with transaction.atomic():
        pending_enrolments_end(user=user)
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    request.session[ENROLMENT_SESSION_KEY] = {"user": user.pk, "device": device.pk, "key": _key_digest(device)}
    return device


def otp_view(request, admin_site):
    """Enrol or verify; on success continue to `next` (within this site) or the work list."""
    user = request.user
    if not user.is_authenticated:
        return redirect("admin:login")
    target = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    # Anyone on the staff may enrol of their own accord (?enrol=1 from the work list).
    volunteering = bool(request.GET.get("enrol") or request.POST.get("enrol")) and user.is_staff and (
        not TOTPDevice.objects.filter(user=user, confirmed=True).exists())
    if not (needs_verification(user) or volunteering):
        return redirect(target or "admin:index")
    confirmed = next(iter(devices_for_user(user, confirmed=True)), None)
    device = confirmed or _session_enrolment_device(request, user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                with transaction.atomic():
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    pending_enrolments_end(user=user)  # keys other sessions may have been shown
                request.session.pop(ENROLMENT_SESSION_KEY, None)
                audit(AuditEvent.OTP_ENROLLED, request=request, user=user, detail=f"device {device.pk}")
            otp_login(request, device)
            return redirect(target or "admin:index")
        audit(AuditEvent.OTP_FAILED, request=request, user=user)
        form.add_error("token", _("动态口令不正确或已过期，请重新输入。"))
    context = {
        **admin_site.each_context(request),
        "title": _("动态口令验证") if confirmed else _("绑定动态口令"),
        "form": form,
        "enrolling": confirmed is None,
        "next": target,
        "volunteering": volunteering,
    }
    if confirmed is None:
        url = device.config_url.replace("otpauth://totp/", f"otpauth://totp/{settings.OTP_TOTP_ISSUER}:", 1)
        # Authenticator apps take the key in base32 when typed in by hand (RFC 4648, as in the QR code).
        context.update({"qr": mark_safe(_qr_svg(url)), "key": b32encode(device.bin_key).decode()})
        audit(AuditEvent.OTP_KEY_SHOWN, request=request, user=user, detail=f"device {device.pk}")
    return render(request, "admin/otp.html", context)

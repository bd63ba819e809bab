"""Keep derived permission rows in step with memberships. No business rules live here: the
handlers only call the idempotent sync functions in services.py."""

import datetime

from django.contrib.auth import get_user_model
from django.dispatch import Signal

from portal import services


def sync_role_groups(sender, **kwargs):
    # post_migrate is sent once per app with models, in INSTALLED_APPS order; the groups need every
    # app's permissions, which all exist at the last app's turn (auth's create_permissions receiver
    # runs before this one). Syncing at every app's turn made each database flush between
    # transactional tests (the browser tests) do this fourteen times.
    if sender is _last_app_with_models():
        services.role_groups_sync()


def _last_app_with_models():
    from django.apps import apps

    return [config for config in apps.get_app_configs() if config.models_module is not None][-1]


def membership_changed(sender, instance, **kwargs):
    user = get_user_model().objects.filter(pk=instance.user_id).first()
    if user is not None:
        services.membership_sync_permissions(user=user)


def supervision_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Office.supervising_leaders changed, from either side of the relation."""
    User = get_user_model()
    if action == "pre_clear":
        # Remember who loses supervision before the rows disappear.
        instance._leaders_before_clear = (
            [instance] if reverse else list(instance.supervising_leaders.all())
        )
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # instance is a user
        users = [instance]
    elif action == "post_clear":
        users = getattr(instance, "_leaders_before_clear", [])
    else:
        users = list(User.objects.filter(pk__in=pk_set or ()))
    for user in users:
        services.membership_sync_permissions(user=user)


# Sent after the working-day calendar changes, with `since`: the earliest date affected. Apps
# that store due dates recompute them (STYLE.md 5: clocks are derived and recomputed).
calendar_changed = Signal()


def calendar_day_changed(sender, instance, **kwargs):
    calendar_changed.send(sender=sender, since=instance.date)


def calendar_year_changed(sender, instance, **kwargs):
    calendar_changed.send(sender=sender, since=datetime.date(instance.year, 1, 1))


def public_content_saved(sender, **kwargs):
    """Offices and the agency profile appear on public pages: a change refreshes them."""
    from portal.pagecache import public_content_changed

    public_content_changed()


# --- Security audit (infrastructure: these only record what happened) ---


def logged_in(sender, request, user, **kwargs):
    from portal.audit import audit
    from portal.models import AuditEvent

    audit(AuditEvent.LOGIN, request=request, user=user)


def logged_out(sender, request, user, **kwargs):
    from portal.audit import audit
    from portal.models import AuditEvent

    audit(AuditEvent.LOGOUT, request=request, user=user)


def login_failed(sender, credentials, request=None, **kwargs):
    from portal.audit import audit
    from portal.models import AuditEvent

    # Django already masks the password in `credentials`; only the user name is kept.
    audit(AuditEvent.LOGIN_FAILED, request=request, username=str(credentials.get("username", ""))[:150])


def locked_out(sender, request, username=None, ip_address=None, **kwargs):
    from portal.audit import audit
    from portal.models import AuditEvent

    audit(AuditEvent.LOCKED_OUT, request=request, username=username or "", detail=f"ip={ip_address}")


def totp_device_deleted(sender, instance, **kwargs):
    """A confirmed device deleted (the administrator's reset for a lost authenticator): no
    enrolment pending for that person may be completed with a key shown before the reset."""
    if instance.confirmed:
        from portal.otp import pending_enrolments_end

        pending_enrolments_end(user=instance.user)

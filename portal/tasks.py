"""Background tasks (issue #21), in Django's tasks framework: `django.tasks` from Django 6, the
`django_tasks` backport before it. Run by `manage.py db_worker` (deploy/portal-worker.service)."""

from __future__ import annotations

try:
    from django.tasks import task
except ImportError:  # Django 5.2: the backport
    from django_tasks import task


@task(queue_name="mail")
def deliver_notice(notice_id: int) -> str:
    """One attempt to send an outbox notice (portal/outbox.py decides the rest)."""
    from portal.outbox import notice_deliver

    return notice_deliver(notice_id=notice_id)

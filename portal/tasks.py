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


@task(queue_name="mail")
def deliver_notices(notice_ids: list[int]) -> dict:
    """One attempt to send each of a batch of outbox notices over one connection
    (portal.outbox.notices_create, notices_deliver)."""
    from portal.outbox import notices_deliver

    outcomes = notices_deliver(notice_ids=notice_ids)
    return {outcome: sum(1 for o in outcomes.values() if o == outcome) for outcome in set(outcomes.values())}

"""Background tasks of the disclosure app (issues #21, #22): run by `manage.py db_worker`."""

from __future__ import annotations

try:
    from django.tasks import task
except ImportError:  # Django 5.2: the backport
    from django_tasks import task


@task(queue_name="default")
def match_subscriptions(record_id: int, event: str) -> int:
    """Match a published or revoked record against the public's subscriptions, after the
    publishing transaction (disclosure/subscription_services.py)."""
    from disclosure.subscription_services import record_news

    return record_news(record_id=record_id, event=event)


@task(queue_name="default")
def refresh_demand() -> bool:
    """Bring the demand page's figures up to date after a request for information was received
    (issue #22: disclosure.demand_services.demand_summary_refresh); True if they were computed again."""
    from disclosure.demand_services import demand_summary_refresh

    return demand_summary_refresh() is not None

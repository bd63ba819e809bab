from applications import services


def recompute_due_dates(sender, since, **kwargs):
    return services.applications_recompute_due_dates(since=since)

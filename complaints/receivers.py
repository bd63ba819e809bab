from complaints import services


def recompute_due_dates(sender, since, **kwargs):
    return services.complaints_recompute_due_dates(since=since)

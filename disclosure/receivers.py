from disclosure import services


def recompute_due_dates(sender, since, **kwargs):
    return services.records_recompute_due_dates(since=since)

"""When a notice counts as received (R.32, R.34, 国办函〔2020〕109号).

Some periods run from the addressee's *receipt* of a notice, not from the day it went out: the
third party's 15 working days to answer a consultation letter (R.32), another agency's 15 working
days (R.34), the applicant's 20 working days to pay an information processing fee (109号). The
day it was received is recorded when known (the postal receipt, the e-mail's delivery, the
signature on the copy handed over); until then it is presumed from how the notice went out,
`settings.NOTICE_RECEIPT_PRESUMED_DAYS` calendar days after sending — a rule the agency sets
(e.g. e-mail: the day it reaches the addressee's system, 0 days; post: 7 days).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from applications.models import SendChannel

DEFAULT_PRESUMED_DAYS = {SendChannel.POST: 7, SendChannel.EMAIL: 0, SendChannel.IN_PERSON: 0, SendChannel.FAX: 0}


def presumed_days(via: str) -> int:
    table = {**DEFAULT_PRESUMED_DAYS, **getattr(settings, "NOTICE_RECEIPT_PRESUMED_DAYS", {})}
    return int(table.get(via, 0))


def presumed_receipt(sent_on: dt.date, via: str) -> dt.date:
    """The day a notice sent on `sent_on` by `via` counts as received until the real day is known."""
    return sent_on + dt.timedelta(days=presumed_days(via))

"""System checks of 互动交流's settings: the working days of its clocks (complaints/clock.py).

A day count below one would make every case due on the day it arrives — or crash the clock on a
value that is not a number — so `manage.py check` (run by migrate and at deploy) refuses it with
a line that says which setting and what to put there. The explanation time is also capped at 30
working days, the most the supervision office's form and the service accept.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks

DAY_SETTINGS = {
    # name: (default, maximum or None, what it counts)
    "COMPLAINT_REPLY_WORKING_DAYS": (15, None, "举报投诉办结并答复的期限 / days to handle and answer a complaint"),
    "CONSULTATION_REPLY_WORKING_DAYS": (15, None, "咨询答复的期限 / days to answer a consultation"),
    "COMPLAINT_EXPLANATION_WORKING_DAYS": (5, 30, "被投诉处室作出说明的默认期限 / days for the office to explain"),
}


@checks.register(checks.Tags.compatibility)
def check_working_days(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    problems = []
    for index, (name, (default, maximum, meaning)) in enumerate(DAY_SETTINGS.items(), start=1):
        value = getattr(settings, name, default)
        valid = isinstance(value, int) and not isinstance(value, bool) and value >= 1
        if valid and (maximum is None or value <= maximum):
            continue
        limit = f"1–{maximum}" if maximum else "≥ 1"
        problems.append(checks.Error(
            f"{name}={value!r}：{meaning}，应为工作日数（整数，{limit}） / must be a whole number of working days ({limit})",
            hint=f"在环境变量中设置 {name}，或删去以使用默认值 {default} / set {name} in the environment, "
                 f"or unset it for the default {default}",
            id=f"complaints.E{index:03d}",
        ))
    return problems

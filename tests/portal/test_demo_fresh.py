"""The demo loader into a fresh installation: the tests that need the database as migrate leaves
it, without the demo that tests/portal/test_demo.py loads once for its module."""

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from disclosure.models import Record
from tests.portal.test_demo import load

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_world")]


def test_outside_demo_mode_accounts_get_no_password(settings):
    settings.DEMO_MODE = False
    settings.DEBUG = False
    output = load()
    assert "demo-portal-2026" not in output
    assert not get_user_model().objects.get(username="zcfg-drafter").has_usable_password()
    assert not get_user_model().objects.filter(username="admin").exists()


def test_benchmark_records_are_generated_only_into_the_demo(settings):
    settings.DEMO_MODE = True
    with pytest.raises(CommandError, match="load_demo"):
        call_command("generate_records", records=3, stdout=StringIO())
    assert not Record.objects.exists()


def test_the_demo_loads_right_after_the_spring_festival(settings):
    """The demo's stories are told at dates counted back from today, through the working-day
    chain: loaded on 3 February 2028, the open call for comments was drafted before the Spring
    Festival and published after it, later than the days its comments were planned for (it
    failed with 该意见征集尚未发布). Every story still loads, and the subscriber still gets a digest."""
    from disclosure.comment_models import CommentPeriod
    from disclosure.subscription_demo import DIGEST_READER
    from portal.models import Notice

    settings.DEMO_MODE = True
    with time_machine.travel(dt.datetime(2028, 2, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        load()
        periods = CommentPeriod.objects.all()
        assert periods.count() == 2 and all(period.comments.exists() for period in periods)
        assert all(comment.submitted_at > period.record.published_at
                   for period in periods for comment in period.comments.all())
        assert Notice.objects.filter(to=[DIGEST_READER], subject__startswith="信息订阅每日汇总").exists()

"""The demo agency of the seed (吉林省工业和信息化厅): profile, offices, leaders and one account
per role per relevant office. Idempotent: running it again changes nothing.

Also what every app's demo loader needs (``demo_user``, ``demo_travel``), written once here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from portal.models import Membership, Office, OfficeKind, Role, SiteProfile
from portal.notify import absolute_url

DEMO_PASSWORD = "demo-portal-2026"

PROFILE = {
    "name": "吉林省工业和信息化厅",
    "short_name": "省工信厅",
    # A syntactically valid code (GB 32100-2015 check digit) for the demo agency.
    "uscc": "11220000013544357T",
    "address": "吉林省长春市南关区人民大街3366号（演示数据）",
    "postcode": "130022",
    "office_hours": "工作日 上午8:30—11:30，下午13:30—17:00（法定节假日除外）",
    # For the English pages (entered by the agency in the back office, like the Chinese).
    "name_en": "Jilin Provincial Department of Industry and Information Technology",
    "office_hours_en": "Working days 8:30–11:30 and 13:30–17:00 (closed on public holidays)",
    "phone": "0431-88888888",
    "email": "gongkai@demo.invalid",
    # Since the 2024 Administrative Reconsideration Law a provincial department is reviewed by
    # the provincial government.
    "review_body": "吉林省人民政府",
}

# name, kind, username prefix
OFFICES = [
    ("厅办公室", OfficeKind.GENERAL_OFFICE, "bgs"),
    ("厅信息中心", OfficeKind.INFO_CENTER, "xxzx"),
    ("厅监察室", OfficeKind.SUPERVISION, "jcs"),
    ("政策法规处", OfficeKind.DIVISION, "zcfg"),
    ("规划与产业政策处", OfficeKind.DIVISION, "ghc"),
    ("运行监测协调处", OfficeKind.DIVISION, "yxjc"),
    ("中小企业发展处", OfficeKind.DIVISION, "zxqy"),
    ("原材料工业处", OfficeKind.DIVISION, "ycl"),
    ("装备工业处", OfficeKind.DIVISION, "zbgy"),
    ("消费品工业处", OfficeKind.DIVISION, "xfp"),
    ("电子信息产业处", OfficeKind.DIVISION, "dzxx"),
    ("节能与综合利用处", OfficeKind.DIVISION, "jnzh"),
]

OFFICE_NAMES_EN = {
    "厅办公室": "General Office",
    "厅信息中心": "Information Center",
    "厅监察室": "Supervision Office",
    "政策法规处": "Policy and Regulations Division",
    "规划与产业政策处": "Planning and Industrial Policy Division",
    "运行监测协调处": "Industrial Operation Monitoring and Coordination Division",
    "中小企业发展处": "SME Development Division",
    "原材料工业处": "Raw Materials Industry Division",
    "装备工业处": "Equipment Industry Division",
    "消费品工业处": "Consumer Goods Industry Division",
    "电子信息产业处": "Electronic Information Industry Division",
    "节能与综合利用处": "Energy Conservation and Comprehensive Utilization Division",
}

# username, full name, offices supervised
LEADERS = [
    ("leader-wang", "王建国（厅长）", ["厅办公室", "政策法规处", "规划与产业政策处", "运行监测协调处", "厅监察室"]),
    ("leader-li", "李明华（副厅长）", ["中小企业发展处", "原材料工业处", "装备工业处", "消费品工业处", "电子信息产业处",
                                   "节能与综合利用处", "厅信息中心"]),
]

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = ["晓东", "丽娟", "海涛", "静", "志强", "雪梅", "建华", "红", "伟", "敏", "磊", "婷"]


@dataclass
class DemoAccounts:
    password: str | None
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, office


def _name(index: int) -> str:
    return SURNAMES[index % len(SURNAMES)] + GIVEN[index % len(GIVEN)]


def demo_passwords_allowed() -> bool:
    return bool(settings.DEMO_MODE or settings.DEBUG)


def demo_user(username: str):
    """A demo account (``load_agency`` creates them), by its username."""
    return get_user_model().objects.get(username=username)


def demo_travel(day: dt.date, hour: int = 10):
    """Run a step of a demo at ``hour`` o'clock on ``day`` (the agency's time zone), so that its
    events, clocks and deadlines have realistic past dates; never later than five minutes ago."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
    return time_machine.travel(min(moment, timezone.now() - dt.timedelta(minutes=5)), tick=False)


@transaction.atomic
def load_agency() -> DemoAccounts:
    User = get_user_model()
    profile = SiteProfile.objects.filter(pk=1).first()
    # The demo agency's website is the demo itself, on the address it is served on (make demo's PORT).
    website = absolute_url("/")
    if profile is None:
        SiteProfile(**PROFILE, website=website).save()
    elif profile.name == PROFILE["name"]:  # the demo agency, loaded before: bring it up to date
        changed = False
        if "127.0.0.1" in profile.website and profile.website != website:  # served on another port now
            profile.website, changed = website, True
        if not profile.review_body:  # loaded before the field existed
            profile.review_body, changed = PROFILE["review_body"], True
        if not profile.name_en:  # loaded before the English names
            profile.name_en, profile.office_hours_en, changed = PROFILE["name_en"], PROFILE["office_hours_en"], True
        if changed:
            profile.save()

    offices = {}
    for order, (name, kind, _prefix) in enumerate(OFFICES, start=1):
        office, _created = Office.objects.get_or_create(
            name=name, defaults={"kind": kind, "sort_order": order * 10, "phone": f"0431-8888{order:04d}",
                                 "name_en": OFFICE_NAMES_EN.get(name, "")}
        )
        if not office.name_en and OFFICE_NAMES_EN.get(name):
            office.name_en = OFFICE_NAMES_EN[name]
            office.save(update_fields=["name_en"])
        offices[name] = office

    accounts = DemoAccounts(password=DEMO_PASSWORD if demo_passwords_allowed() else None)
    counter = 0

    def account(username: str, full_name: str, role: str, office: Office | None) -> None:
        nonlocal counter
        counter += 1
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, last_name=full_name[:1], first_name=full_name[1:],
                        email=f"{username}@demo.invalid")
            if accounts.password:
                user.set_password(accounts.password)
            else:
                user.set_unusable_password()
            user.save()
        Membership.objects.get_or_create(user=user, role=role, office=office)
        accounts.rows.append((username, str(Role(role).label), office.name if office else "—"))

    for name, kind, prefix in OFFICES:
        office = offices[name]
        if kind in (OfficeKind.DIVISION, OfficeKind.GENERAL_OFFICE):
            account(f"{prefix}-drafter", _name(counter), Role.DRAFTER, office)
            account(f"{prefix}-head", _name(counter), Role.DIVISION_HEAD, office)
    account("gkb", _name(counter), Role.DISCLOSURE_OFFICE, offices["厅办公室"])
    account("xxzx-publisher", _name(counter), Role.INFO_CENTER, offices["厅信息中心"])
    account("bgs-register", _name(counter), Role.GENERAL_OFFICE, offices["厅办公室"])
    account("jcs-supervisor", _name(counter), Role.SUPERVISION, offices["厅监察室"])
    for username, full_name, supervised in LEADERS:
        account(username, full_name, Role.LEADER, None)
        leader = User.objects.get(username=username)
        for office_name in supervised:
            offices[office_name].supervising_leaders.add(leader)

    if accounts.password and not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@demo.invalid", accounts.password)
    if accounts.password:
        accounts.rows.append(("admin", "系统管理员（超级用户）", "—"))
    return accounts

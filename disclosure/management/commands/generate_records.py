"""Generate a large, realistic set of published records for benchmarks (not for production).

    python manage.py generate_records --records 100000

Records are written in bulk as already published and registered (no workflow history), with
catalogue entries and search documents, so that list, record and search pages can be measured
at scale. Needs the demo agency (`load_demo`) for offices, categories and the agency profile.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from disclosure import search
from disclosure.demo_content import RECORDS as DEMO
from disclosure.models import (
    CatalogueCategory,
    CatalogueEntry,
    Channel,
    DisclosureAttribute,
    DocumentType,
    Record,
    RecordState,
    SearchDocument,
)
from portal.models import Office, OfficeKind, Sequence, SiteProfile
from portal.workdays import Calendar

TOPICS = [
    "中小企业梯度培育", "工业互联网平台建设", "制造业数字化转型", "绿色工厂认定", "节能监察",
    "民用爆炸物品安全管理", "汽车产业集群发展", "新材料产业", "消费品工业“三品”行动", "工业设计中心认定",
    "首台（套）重大技术装备", "技术改造项目", "电子信息产业", "无线电管理", "化工园区认定",
    "专精特新企业", "工业稳增长", "安全生产专项整治", "企业技术中心", "工业旅游示范点",
]
FORMS = ["关于{year}年度{topic}工作的通知", "关于公布{year}年{topic}名单的通告", "{year}年{topic}情况通报",
         "关于印发《吉林省{topic}实施方案》的通知", "关于开展{year}年{topic}申报工作的通知",
         "{year}年第{quarter}季度{topic}进展情况", "关于征求《{topic}管理办法（征求意见稿）》意见的公告"]


def _sentences() -> list[str]:
    text = " ".join(re.sub(r"<[^>]+>", " ", spec["body"]) for spec in DEMO)
    return [s.strip() + "。" for s in re.split(r"[。\n]", text) if len(s.strip()) > 8]


class Command(BaseCommand):
    help = "生成用于性能测试的大量已发布信息 / Generate published records for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--records", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch", type=int, default=1000)
        parser.add_argument("--without-search", action="store_true",
                            help="不写检索索引（仅测后台时）/ no search documents (for back-office benchmarks: "
                                 "indexing is most of the time and the back office does not read it)")

    def handle(self, *args, records, seed, batch, without_search=False, **options):
        profile = SiteProfile.objects.filter(pk=1).first()
        offices = list(Office.objects.filter(kind__in=[OfficeKind.DIVISION, OfficeKind.GENERAL_OFFICE]))
        categories = list(CatalogueCategory.objects.filter(code__startswith="m5-"))
        author = get_user_model().objects.filter(memberships__role="drafter").first()
        if not (profile and offices and categories and author):
            raise CommandError("请先运行 load_demo / run load_demo first")
        rng = random.Random(seed)
        sentences = _sentences()
        now = timezone.now()
        today = timezone.localdate(now)
        first_day = today - dt.timedelta(days=365 * 10)
        calendar = Calendar.for_window(first_day, today + dt.timedelta(days=90))
        span = (today - first_day).days
        schedule = []
        for formed in sorted(first_day + dt.timedelta(days=rng.randrange(span)) for _ in range(records)):
            published = calendar.add(formed, rng.randint(1, 24)).date
            # Never in the future: a record "published" later today would be scheduled, its page 404.
            schedule.append((min(now, timezone.make_aware(
                dt.datetime.combine(min(published, today), dt.time(9, rng.randint(0, 59))))), formed))
        # In publication order, as a real catalogue grows: entry ids follow publication, and so do
        # the search index's keys. SQLite's FTS5 writes a new segment whenever a key is lower than
        # the one before, which made indexing out of order about ten times slower.
        schedule.sort()
        next_seq: dict[int, int] = {}
        done = 0
        while done < records:
            size = min(batch, records - done)
            with transaction.atomic():
                batch_records = []
                for published_at, formed in schedule[done : done + size]:
                    published = published_at.date()
                    year = published.year
                    next_seq[year] = next_seq.get(year, self._start(year)) + 1
                    title = rng.choice(FORMS).format(year=formed.year, quarter=rng.randint(1, 4), topic=rng.choice(TOPICS))
                    body = "".join(f"<p>{''.join(rng.sample(sentences, 3))}</p>" for _ in range(rng.randint(1, 4)))
                    batch_records.append(Record(
                        title=title, summary=rng.choice(sentences)[:80], body=body, office=rng.choice(offices),
                        category=rng.choice(categories),
                        document_number=f"吉工信〔{formed.year}〕{rng.randint(1, 300)}号" if rng.random() < 0.6 else "",
                        document_type=rng.choices(list(DocumentType.values), weights=[1, 10, 89])[0],
                        date_formed=formed,
                        attribute=DisclosureAttribute.ON_REQUEST if rng.random() < 0.08 else DisclosureAttribute.PROACTIVE,
                        channels=[Channel.COLUMN, Channel.WEBSITE], state=RecordState.REGISTERED,
                        published_at=published_at,
                        due_date=calendar.add(formed, 20).date, index_number=profile.format_index_number(year=year, seq=next_seq[year]),
                        created_by=author,
                    ))
                created = Record.objects.bulk_create(batch_records)
                entries = CatalogueEntry.objects.bulk_create([
                    CatalogueEntry(record=r, index_number=r.index_number, title=r.title, summary=r.summary,
                                   office=r.office, category=r.category, date_formed=r.date_formed,
                                   published_at=r.published_at, attribute=r.attribute) for r in created
                ])
                if not without_search:
                    documents = SearchDocument.objects.bulk_create([search.document_for(e) for e in entries])
                    search.write_vectors(documents)
                for year, value in next_seq.items():
                    Sequence.objects.update_or_create(name="index_number", year=year, defaults={"last_value": value})
            done += size
            sys.stderr.write(f"\r生成 / generated {done}/{records} ({done * 100 // records}%)")
            sys.stderr.flush()
        sys.stderr.write("\n")
        # Autovacuum would gather statistics some minutes later, and SQLite never does; a benchmark
        # started right after a bulk load would otherwise measure plans made for empty tables. On
        # PostgreSQL VACUUM also marks the new pages all-visible, as the daily analyze_database does
        # on a live site, so that index-only scans need not read the rows (not in a transaction).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            for model in (Record, CatalogueEntry, SearchDocument):
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"VACUUM (ANALYZE) {table}" if vacuum else f"ANALYZE {table}")
        self.stdout.write(f"已生成 {records} 条 / {records} records generated")

    @staticmethod
    def _start(year: int) -> int:
        row = Sequence.objects.filter(name="index_number", year=year).first()
        return row.last_value if row else 0

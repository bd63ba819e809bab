"""政策解读 in the annual report (issue #19): the narrative's side panel offers the year's figures
for section 一 (主动公开)."""

from __future__ import annotations

from django.utils import timezone

from applications.annual_report import compute as r
from disclosure import interpretation_services
from disclosure.models import DocumentType
from tests.conftest import S, drive, new_draft


def test_the_narrative_offers_the_years_interpretations_and_interpreted_normative_documents(world):
    policy = new_draft(world, title="规范性文件甲", document_type=DocumentType.NORMATIVE)
    reading = new_draft(world, title="规范性文件甲政策解读", video_url="https://video.example.invalid/a.mp4")
    interpretation_services.interpretation_link(interpretation=reading, policy=policy, actor=world.drafter_a)
    drive(world, policy, S.PUBLISHED)
    drive(world, new_draft(world, title="规范性文件乙", document_type=DocumentType.NORMATIVE), S.PUBLISHED)
    later = drive(world, new_draft(world, title="规范性文件丙", document_type=DocumentType.NORMATIVE), S.PUBLISHED)
    reading_later = new_draft(world, title="规范性文件丙政策解读")
    interpretation_services.interpretation_link(interpretation=reading_later, policy=later, actor=world.drafter_a)
    drive(world, reading_later, S.PUBLISHED)

    year = timezone.localdate().year
    tables = r.compute(year)
    facts = tables.facts
    assert (facts["interpretations_published"], facts["interpretations_synchronous"], facts["interpretations_video"],
            facts["normative_published"], facts["normative_interpreted"]) == (2, 1, 1, 3, 2)
    sentence = next(s for s in r.fact_sentences(year, facts) if "政策解读" in s)
    assert sentence == "本年发布政策解读2篇，其中与政策文件同步发布1篇，含视频解读1篇；制发行政规范性文件3件，其中配发解读2件。"

"""The demo records are data (disclosure/demo_data/): what the loader makes of them is what the
demo loader and the browser tests expect — one line of HTML per body, every key present."""

from __future__ import annotations

import datetime as dt

from disclosure.demo_content import DATA, RECORDS, TABLE3_2025, load_records
from disclosure.models import DocumentType, RecordState

KEYS = {"title", "office", "category", "document_number", "document_type", "date_formed", "attribute", "important",
        "summary", "body", "outcome", "reason", "ground", "amendment"}


def test_every_record_has_the_keys_the_demo_loader_reads():
    assert len(RECORDS) == 31 and len({record["title"] for record in RECORDS}) == 31
    for record in RECORDS:
        assert set(record) >= KEYS, record["title"]
        assert record["document_type"] in DocumentType.values
        dt.date.fromisoformat(record["date_formed"])
        assert isinstance(record["important"], bool)
        assert record["outcome"] in {*RecordState.values, "amended", "returned", "repealed", "expired"}


def test_line_breaks_in_the_data_are_layout_only():
    bodies = [record["body"] for record in RECORDS]
    bodies += [record["amendment"]["body"] for record in RECORDS if record["amendment"]]
    assert all(body.startswith("<") and "\n" not in body for body in bodies)
    assert "\n" in (DATA / "records.yaml").read_text(encoding="utf-8")


def test_the_2025_report_includes_its_table_3_and_the_measures_are_whole():
    report = next(r for r in RECORDS if r["title"] == "吉林省工业和信息化厅2025年政府信息公开工作年度报告")
    assert TABLE3_2025.startswith("<table>") and TABLE3_2025 in report["body"]
    measures = RECORDS[0]["body"]
    assert measures.startswith("<h2>第一章　总则</h2>") and measures.endswith("<p>第二十一条　本办法自印发之日起施行。</p>")


def test_every_call_gives_a_fresh_list():
    assert load_records() == RECORDS and load_records() is not RECORDS

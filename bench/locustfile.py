"""Visitors of the portal for `bench/cluster.py` (locust, headless). Not a test.

Each simulated visitor browses the column, reads records, searches in Chinese and now and then
files an application — sometimes pressing submit twice, as people do. Every receipt the portal
answers with (an *acknowledged* submission) is appended to the file named by `PORTAL_ACK_FILE`,
so that the cluster script can check afterwards that each one is stored exactly once.
"""

from __future__ import annotations

import os
import random
import re
import uuid

from locust import HttpUser, between, events, task

QUERIES = ["税", "许可", "通知", "数字化转型", "绿色工厂", "中小企业", "专精特新", "工业互联网", "节能", "安全生产",
           "汽车", "新材料", "名单", "实施方案", "无线电", "企业技术中心", "公告"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
CODE = re.compile(r'id="receipt-code"[^>]*>([^<]+)<')
ACK_FILE = os.environ.get("PORTAL_ACK_FILE", "acknowledged.tsv")
# Resident ID numbers with a valid check digit (GB 11643), one per simulated applicant.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id() -> str:
    body = f"220102{random.randint(1950, 2005)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(0, 999):03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


RECORD_IDS: list[int] = []


@events.test_start.add_listener
def load_record_ids(environment, **kwargs):
    """Record pages to visit, from the open-data API (so only published ones)."""
    import json
    import urllib.request

    for page in range(1, 6):
        with urllib.request.urlopen(f"{environment.host}/api/records/?page={page}", timeout=10) as response:
            RECORD_IDS.extend(item["id"] for item in json.load(response)["results"])


class Visitor(HttpUser):
    wait_time = between(0.2, 1)

    @task(3)
    def home(self):
        self.client.get("/", name="/ (home)")

    @task(3)
    def catalogue(self):
        self.client.get(f"/catalogue/?page={random.randint(1, 20)}", name="/catalogue/?page=N")

    @task(4)
    def record(self):
        if RECORD_IDS:
            self.client.get(f"/records/{random.choice(RECORD_IDS)}/", name="/records/N/")

    @task(2)
    def search(self):
        self.client.get("/search/", params={"q": random.choice(QUERIES)}, name="/search/?q=…")

    @task(1)
    def apply(self):
        form = self.client.get("/apply/", name="/apply/ (form)")
        csrf, key = CSRF.search(form.text), KEY.search(form.text)
        if not (csrf and key):
            return
        data = {
            "csrfmiddlewaretoken": csrf.group(1), "idempotency_key": key.group(1),
            "applicant_type": "natural_person", "applicant_name": f"压测申请人{uuid.uuid4().hex[:6]}",
            "identity_document": "resident_id", "identity_number": resident_id(),
            "phone": f"139{random.randint(10000000, 99999999)}", "email": "load@example.invalid",
            "address": "长春市测试路1号", "information_title": "2025年度省级工业互联网平台名单",
            "description": "请提供认定名单及评审办法。", "medium": "electronic", "delivery": "download",
        }
        # One in four visitors presses submit twice: the second answer must name the same case.
        presses = 2 if random.random() < 0.25 else 1
        codes = set()
        for _ in range(presses):
            with self.client.post("/apply/", data, name="/apply/ (submit)", catch_response=True) as response:
                found = CODE.search(response.text)
                if response.status_code != 200 or not found:
                    response.failure(f"no receipt (HTTP {response.status_code})")
                    continue
                codes.add(found.group(1).strip())
        if len(codes) > 1:
            events.request.fire(request_type="CHECK", name="double submit gave two cases", response_time=0,
                                response_length=0, exception=AssertionError(sorted(codes)))
        with open(ACK_FILE, "a", encoding="utf-8") as acknowledged:
            for code in codes:
                acknowledged.write(f"{code}\t{key.group(1)}\n")

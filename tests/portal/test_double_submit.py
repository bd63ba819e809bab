"""A double submit always answers with the receipt (issue #16, item 4; R.29, M.10, M.19).

The attack (or just an impatient citizen): four POSTs of the same form, same one-time key, at the
same moment. One row was stored, but most trials answered at least one of them with the form and
"提交标识已存在" — and after a double click the browser shows the last response, so the citizen got
no receipt and applied again. The duplicate that read before the first one committed failed
`full_clean()`'s uniqueness check (ValidationError), and only IntegrityError was taken for "already
stored". Now every duplicate of a stored submission answers with its receipt (portal/intake.py).

Deterministic on SQLite and PostgreSQL: the duplicate's first look for its key comes back empty —
what a request sees that read just before the other one committed. With real threads on
PostgreSQL: four concurrent requests, several trials.
"""

from __future__ import annotations

import re
import threading
import uuid
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from applications.models import DisclosureApplication
from complaints.models import Complaint, Consultation
from tests.applications.test_public_apply import PERSON
from tests.complaints.test_public import complaint_form, consultation_form

TRIALS = 6
CONCURRENT = 4


@pytest.fixture(autouse=True)
def _setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.RATE_LIMIT_ENABLED = False  # the limit is not what is tested here


def forms(world) -> list[tuple[str, type, dict]]:
    """(url, model, form data without its key) of every public intake with a receipt."""
    return [(reverse("applications:apply"), DisclosureApplication, dict(PERSON)),
            (reverse("complaints:complain"), Complaint, complaint_form(world)),
            (reverse("complaints:consult"), Consultation, consultation_form(office=world.office_a.pk))]


def receipt(page) -> tuple[str, str]:
    """(tracking code, secret) shown on a receipt; fails on anything else (the form with an error)."""
    assert page.status_code == 200, page.status_code
    text = page.content.decode()
    code = re.search(r'class="receipt-code">([^<]+)<', text)
    secret = re.search(r'class="receipt-secret">([^<]+)<', text)
    assert code and secret, re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', text, re.S)[:3] or text[:300]
    return code.group(1), secret.group(1)


@contextmanager
def first_read_misses(model):
    """The next look for a submission by its key finds nothing, as if it ran just before the other
    request committed; every later query (the uniqueness check included) sees the database."""
    manager = model._default_manager
    real = manager.filter
    missed = []

    def filter(*args, **kwargs):
        if "idempotency_key" in kwargs and not missed:
            missed.append(kwargs)
            return real(pk__in=[])
        return real(*args, **kwargs)

    with mock.patch.object(manager, "filter", filter):
        yield
    assert missed, "the intake never looked for its key"


@pytest.mark.parametrize("form", [0, 1, 2], ids=["application", "complaint", "consultation"])
def test_a_duplicate_that_read_before_the_first_committed_gets_the_receipt(client, world, form):
    url, model, data = forms(world)[form]
    key = str(uuid.uuid4())
    first = receipt(client.post(url, {**data, "idempotency_key": key}))
    with first_read_misses(model):
        again = client.post(url, {**data, "idempotency_key": key})
    assert receipt(again) == first
    assert "没有重复提交" in again.content.decode() or "已经提交成功" in again.content.decode()
    assert model.objects.count() == 1


@pytest.mark.parametrize("form", [0, 1, 2], ids=["application", "complaint", "consultation"])
def test_another_key_never_gets_that_receipts_secret(client, world, form):
    url, model, data = forms(world)[form]
    first_code, first_secret = receipt(client.post(url, {**data, "idempotency_key": str(uuid.uuid4())}))
    other_code, other_secret = receipt(client.post(url, {**data, "idempotency_key": str(uuid.uuid4())}))
    assert other_code != first_code and other_secret != first_secret
    assert model.objects.count() == 2


def _post_together(url: str, data: dict, count: int) -> list:
    """`count` requests of the same form released at the same moment, each on its own connection."""
    barrier = threading.Barrier(count)
    answers: list = [None] * count

    def post(index: int) -> None:
        browser = Client()
        try:
            barrier.wait(timeout=30)
            answers[index] = browser.post(url, data)
        except Exception as error:  # reported below, with the trial
            answers[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("form", [0, 1, 2], ids=["application", "complaint", "consultation"])
def test_four_concurrent_submits_store_one_row_and_all_answer_with_its_receipt(world, form):
    url, model, data = forms(world)[form]
    for trial in range(TRIALS):
        key = str(uuid.uuid4())
        answers = _post_together(url, {**data, "idempotency_key": key}, CONCURRENT)
        receipts = []
        for answer in answers:
            assert not isinstance(answer, Exception), f"trial {trial}: {answer!r}"
            receipts.append(receipt(answer))
        assert len(set(receipts)) == 1, f"trial {trial}: {receipts}"
        assert model.objects.filter(idempotency_key=key).count() == 1
    assert model.objects.count() == TRIALS

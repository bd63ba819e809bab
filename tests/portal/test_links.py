"""Links the portal hands out — in mail, on receipts, in the guide — point at the address the
portal is served on: PORTAL_BASE_URL, else the address the page was asked on, else the port
`make demo` serves on (issue #15, 10)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from applications import services
from portal.notify import absolute_url
from tests.applications.conftest import PERSON

ROOT = Path(__file__).resolve().parents[2]


def test_absolute_url_prefers_the_base_url_then_the_request_then_the_demo_port(settings, monkeypatch):
    settings.PORTAL_BASE_URL = "https://gxt.example.gov.cn/"
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8080")
    assert absolute_url("/apply/track/", request) == "https://gxt.example.gov.cn/apply/track/"
    settings.PORTAL_BASE_URL = ""
    assert absolute_url("/apply/track/", request) == "http://127.0.0.1:8080/apply/track/"
    monkeypatch.setenv("PORT", "8080")
    assert absolute_url("/apply/track/") == "http://127.0.0.1:8080/apply/track/"
    monkeypatch.delenv("PORT")
    assert absolute_url("/apply/track/") == "http://127.0.0.1:8000/apply/track/"


@pytest.mark.django_db
def test_the_receipt_gives_the_tracking_address_on_the_port_it_was_served_on(client, world, settings, tmp_path):
    settings.PORTAL_BASE_URL = ""
    settings.MEDIA_ROOT = tmp_path
    from tests.applications.test_public_apply import PERSON as FORM

    response = client.post(reverse("applications:apply"), FORM, HTTP_HOST="127.0.0.1:8080")
    assert response.status_code == 200
    assert "（http://127.0.0.1:8080/apply/track/）" in response.text


@pytest.mark.django_db
def test_mail_links_use_the_base_url(world, settings, django_capture_on_commit_callbacks):
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8080"
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(data=dict(PERSON))
    to_applicant = next(m for m in mail.outbox if PERSON["email"] in m.to)
    assert "http://127.0.0.1:8080/apply/track/" in to_applicant.body


# The demo agency's website in the guide: tests/portal/test_demo.py (the demo is loaded once there).


def test_make_demo_passes_its_port_on():
    dry_run = subprocess.run(["make", "-n", "demo", "PORT=8080"], cwd=ROOT, capture_output=True, text=True,
                             timeout=60, env={"PATH": "/usr/bin:/bin"})
    lines = [line for line in dry_run.stdout.splitlines() if "manage.py load_demo" in line or "runserver" in line]
    assert len(lines) == 2 and all("PORTAL_BASE_URL=http://127.0.0.1:8080" in line for line in lines), dry_run.stdout

"""`/healthz` tells a load balancer whether this app server can reach the database (issue #16,
item 7): probed over plain HTTP by the server's own address, it answers 200 or 503 — not a
redirect to HTTPS, not 400 for an unknown Host — and its body reveals nothing."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connection

PROBE = {"HTTP_HOST": "10.0.0.11:8000"}  # what a balancer sends when it probes a server by address


@pytest.fixture
def deployed(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["gk.example.gov.cn"]


def refuse(*args, **kwargs):
    raise OperationalError('connection to server at "10.0.0.20", port 5432 failed: Connection refused')


def test_a_probe_over_http_by_server_address_gets_200_not_a_redirect_or_400(client, db, deployed):
    response = client.get("/healthz", **PROBE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert client.head("/healthz", **PROBE).status_code == 200
    # Everything else is still redirected to HTTPS and checked against ALLOWED_HOSTS.
    assert client.get("/", HTTP_HOST="gk.example.gov.cn").status_code == 301
    client.raise_request_exception = False
    assert client.get("/", secure=True, **PROBE).status_code == 400


def test_a_database_that_does_not_answer_gives_503_and_a_body_that_reveals_nothing(client, db, deployed):
    with mock.patch.object(connection, "cursor", refuse):
        response = client.get("/healthz", **PROBE)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    body = response.content.decode()
    assert "10.0.0.20" not in body and "5432" not in body and "refused" not in body

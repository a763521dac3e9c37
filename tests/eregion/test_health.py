"""/healthz: a status word per component for anyone, details for staff, the worker's heartbeat,
and no round trips for most requests."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from eregion.models import Heartbeat
from eregion.tasks import worker_heartbeat
from tests.conftest import wait_for


@pytest.fixture(autouse=True)
def _fresh_checks(settings):
    from eregion import views

    settings.HEALTHZ_CACHE_SECONDS = 0
    views._health["checks"] = None  # nothing kept from an earlier test in this process


@pytest.mark.django_db
def test_anonymous_visitors_get_status_words_only(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "status": "degraded",
        "database": "ok",
        "cache": "ok",
        "broker": "down",
        "worker": "degraded",
    }
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_staff_see_the_details(client, staff_user, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    client.force_login(staff_user)
    details = client.get("/healthz").json()["details"]
    assert details["broker"]["status"] == "down" and "Error" in details["broker"]["error"]
    assert "heartbeat" in details["worker"]["error"]


@pytest.mark.django_db
def test_the_worker_is_degraded_until_its_heartbeat_is_recent(client, settings):
    settings.CELERY_BROKER_URL = settings.CELERY_BROKER_URL or "redis://127.0.0.1:1/0"
    assert client.get("/healthz").json()["worker"] == "degraded"  # no heartbeat yet
    worker_heartbeat()
    assert client.get("/healthz").json()["worker"] == "ok"
    Heartbeat.objects.update(beat_at=timezone.now() - timedelta(minutes=10))
    assert client.get("/healthz").json()["worker"] == "degraded"


def test_beat_asks_the_worker_for_a_heartbeat_every_minute(settings):
    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"].endswith("worker_heartbeat")
    )
    assert entry["schedule"] <= 60


@pytest.mark.celery
def test_a_real_worker_records_its_heartbeat(celery_worker):
    worker_heartbeat.delay()
    wait_for(lambda: Heartbeat.objects.filter(name="worker").exists(), timeout=30)


@pytest.mark.django_db
def test_checks_are_reused_for_a_moment(client, settings, django_assert_num_queries):
    settings.HEALTHZ_CACHE_SECONDS = 60
    client.get("/healthz")
    with django_assert_num_queries(0):
        assert client.get("/healthz").json()["status"] == "ok"


@pytest.mark.django_db
def test_a_polling_load_balancer_is_answered_before_the_rest_of_the_stack(
    client, settings, admin_client, monkeypatch
):
    """Anonymous polls within HEALTHZ_CACHE_SECONDS get the whole first answer again, with
    its security headers, from the page-cache middleware; staff still get the details."""
    from eregion import views

    settings.HEALTHZ_CACHE_SECONDS = 60
    first = client.get("/healthz")
    calls = []
    monkeypatch.setattr(views, "health_checks", lambda: calls.append(1) or {})
    again = client.get("/healthz")
    assert calls == []
    assert again.status_code == 200 and again.json() == first.json()
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Cache-Control"):
        assert again[header] == first[header], header
    monkeypatch.undo()
    assert "details" in admin_client.get("/healthz").json()


def test_healthz_is_503_when_the_database_is_down(client, transactional_db):
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = "/nonexistent/dir/db.sqlite3"
    else:
        connection.settings_dict["PORT"] = "1"
        connection.settings_dict["HOST"] = "127.0.0.1"
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down" and body["database"] == "down" and body["cache"] == "ok"
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_a_host_not_allowed_gets_a_400_and_never_the_kept_answer(client, settings):
    settings.HEALTHZ_CACHE_SECONDS = 60
    assert client.get("/healthz", HTTP_HOST="evil.example.com").status_code == 400
    assert client.get("/healthz").status_code == 200  # the 400 was not kept for others
    assert client.get("/healthz", HTTP_HOST="evil.example.com").status_code == 400

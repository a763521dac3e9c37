"""Certificates: marking attendance and completing a session gives each attendee a numbered PDF,
rendered by a real Celery worker on the pdf queue, emailed, and checkable by its code."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from eregion.models import OutboundEmail
from eregion.pdf import BASE_URL, url_fetcher
from tests.conftest import wait_for
from trainings.models import Certificate, Course, Session
from trainings.tasks import render_certificate

from .factories import EnrolmentFactory, SessionFactory, UserFactory


def _pdf_text(path):
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: bin/test installs poppler-utils")
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_completing_a_session_renders_one_certificate_per_attendee_in_a_real_worker(
    client, celery_worker
):
    course, _ = Course.objects.get_or_create(
        slug="zastapnicheski-kampanii",
        defaults={
            "title": "Застъпнически кампании. Техники за водене на преговори и диалог",
            "audience": "ngo",
        },
    )
    session = SessionFactory(course=course)
    attendees = [
        EnrolmentFactory(session=session, user=UserFactory(full_name=name))
        for name in ("Мария Иванова", "Петър Стоянов")
    ]
    absent = EnrolmentFactory(session=session, user=UserFactory(full_name="Никола Отсъстващ"))
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.post(
        reverse("trainings:roll-call", args=[session.pk]),
        {"attended": [e.pk for e in attendees], "complete": "1"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == Session.Status.COMPLETED
    assert Certificate.objects.count() == 2
    assert not Certificate.objects.filter(enrolment=absent).exists()

    wait_for(
        lambda: Certificate.objects.filter(status="ready").count() == 2,
        timeout=90,
        message="the worker to render two certificates\n" + celery_worker.log_path.read_text(),
    )
    assert "trainings.tasks.render_certificate" in celery_worker.log_path.read_text()
    codes = set()
    for enrolment in attendees:
        certificate = Certificate.objects.get(enrolment=enrolment)
        codes.add(certificate.code)
        assert len(certificate.code) >= 20  # secrets.token_urlsafe(16): 128 random bits
        text = _pdf_text(certificate.file.path)
        assert enrolment.user.full_name in text
        assert "Застъпнически кампании" in text
        assert certificate.number in text
        assert certificate.get_absolute_url() in text.replace("\n", "")
        info = subprocess.run(
            ["pdfinfo", certificate.file.path], capture_output=True, text=True
        ).stdout
        assert "841.89 x 595.276 pts (A4)" in info  # landscape

        page = client.get(certificate.get_absolute_url())
        assert page.status_code == 200
        assert enrolment.user.full_name in page.content.decode()
        assert "Застъпнически кампании" in page.content.decode()
        pdf = client.get(reverse("trainings:certificate-pdf", args=[certificate.code]))
        assert pdf["Content-Type"] == "application/pdf"

    assert len(codes) == 2
    missing = client.get(reverse("trainings:certificate", args=["x" + min(codes)[1:]]))
    assert missing.status_code == 404
    assert "не е намерен" in missing.content.decode()

    # and the holders are emailed by the worker, with the download and verification links
    wait_for(
        lambda: (
            OutboundEmail.objects.filter(subject__contains="Сертификат", status="sent").count() == 2
        ),
        message="the certificate emails",
    )
    sent = "".join(p.read_text() for p in celery_worker.mail_dir.iterdir())
    for enrolment in attendees:
        assert enrolment.user.email in sent

    # completing again issues no second certificate, rendering again is a no-op
    client.post(
        reverse("trainings:roll-call", args=[session.pk]),
        {"attended": [e.pk for e in attendees], "complete": "1"},
    )
    assert Certificate.objects.count() == 2
    assert render_certificate.run(min(Certificate.objects.values_list("pk", flat=True))) == (
        "skipped"
    )


def test_the_pdf_url_fetcher_reads_only_our_static_files(settings, tmp_path):
    from pathlib import Path

    fetcher = url_fetcher()
    assert fetcher.fetch(BASE_URL + "static/css/trainings.css")
    secret = tmp_path / "secret.txt"
    secret.write_text("no")
    for url in (secret.as_uri(), "file:///etc/passwd", "http://127.0.0.1:8000/", "https://x.y/"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/hostname")
    escape = BASE_URL + "static/../pyproject.toml"
    with pytest.raises(ValueError):
        fetcher.fetch(escape)
    assert Path(settings.STATICFILES_DIRS[0], "css", "trainings.css").exists()


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_certificates_are_queued_on_the_pdf_queue_after_commit(worker_factory):
    """No worker started: the tasks wait in Redis, and we look at which queue holds them."""
    import redis
    from celery import current_app

    from trainings import services

    session = SessionFactory()
    attendees = EnrolmentFactory.create_batch(3, session=session)
    services.mark_attendance(session, [e.pk for e in attendees])
    broker = redis.Redis.from_url(current_app.conf.broker_url)
    assert broker.llen("pdf") == 0
    services.complete(session, base_url="https://eregion.example/")
    assert broker.llen("pdf") == 3
    assert Certificate.objects.filter(status="pending").count() == 3


@pytest.mark.celery
@pytest.mark.faults
def test_a_certificate_issued_while_redis_is_down_is_rendered_by_the_relay(celery_worker):
    from eregion.celery import app
    from tests.conftest import use_broker
    from trainings import services
    from trainings.tasks import relay_certificates

    session = SessionFactory()
    enrolment = EnrolmentFactory(session=session, attended=True)
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there: Redis is "down"
    app.conf.broker_connection_max_retries = 0
    try:
        [certificate] = services.complete(session, base_url="https://eregion.example")
    finally:
        app.conf.broker_connection_max_retries = 100
        use_broker(celery_worker.broker_url)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.PENDING  # completing did not fail
    assert relay_certificates() == 0  # not yet: the hand-off may still be on its way
    Certificate.objects.filter(pk=certificate.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    assert relay_certificates() == 1
    wait_for(
        lambda: Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.READY,
        message="the relayed certificate to be rendered",
    )
    certificate.refresh_from_db()
    assert "https://eregion.example" not in _pdf_text(certificate.file.path)  # not passed on
    assert certificate.get_absolute_url() in _pdf_text(certificate.file.path).replace("\n", "")
    assert OutboundEmail.objects.filter(to=[enrolment.user.email]).exists()

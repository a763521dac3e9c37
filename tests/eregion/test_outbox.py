"""The email outbox: queued with the change, sent by a real Celery worker, never lost."""

import pytest
from django.core import mail
from django.db import transaction

from eregion.celery import app
from eregion.mail import queue_email
from eregion.models import OutboundEmail
from eregion.tasks import relay_outbox
from tests.conftest import use_broker, wait_for


@pytest.mark.django_db(transaction=True)
def test_in_process_mode_sends_after_commit():
    with transaction.atomic():
        email = queue_email("ngo@example.org", "eregion/email/test", {"name": "Иван"})
        assert mail.outbox == []  # nothing leaves before the commit
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert mail.outbox[0].subject == "Проба на e-Region"
    assert "Здравейте, Иван" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email("ngo@example.org", "eregion/email/test", {"name": "Иван"})
        raise RuntimeError("the change failed")
    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


@pytest.mark.celery
def test_a_real_worker_sends_the_queued_email(celery_worker):
    email = queue_email("ngo@example.org", "eregion/email/test", {"name": "Мария"})
    wait_for(
        lambda: OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.SENT,
        message="the worker to send the email",
    )
    sent = "".join(p.read_text() for p in celery_worker.mail_dir.iterdir())
    assert "Здравейте, Мария" in sent


@pytest.mark.celery
@pytest.mark.faults
def test_an_email_queued_while_redis_is_down_is_sent_by_the_relay(celery_worker, settings):
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there: Redis is "down"
    app.conf.broker_connection_max_retries = 0
    try:
        email = queue_email("ngo@example.org", "eregion/email/test", {"name": "Петър"})
    finally:
        app.conf.broker_connection_max_retries = 100
        use_broker(celery_worker.broker_url)
    assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.PENDING

    assert relay_outbox(older_than_seconds=0) == 1
    wait_for(
        lambda: OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.SENT,
        message="the relayed email to be sent",
    )

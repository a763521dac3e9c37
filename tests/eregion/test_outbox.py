"""The email outbox: queued with the change, sent by a real Celery worker, never lost."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from eregion.celery import app
from eregion.mail import queue_email
from eregion.models import OutboundEmail
from eregion.tasks import relay_outbox, send_email
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


@pytest.mark.django_db
def test_attachments_are_stored_with_the_email_and_sent_with_it():
    invitation = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    email = queue_email(
        "ngo@example.org",
        "eregion/email/test",
        {"name": "Иван"},
        attachments=[("invite.ics", invitation, "text/calendar")],
    )
    assert send_email(email.pk) == "sent"
    assert mail.outbox[0].attachments == [("invite.ics", invitation, "text/calendar")]


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

    # the failed hand-off made it due at once: the relay's next round sends it
    assert relay_outbox() == 1
    wait_for(
        lambda: OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.SENT,
        message="the relayed email to be sent",
    )


# --- Failures: recorded, retried with backoff, given up on, never sent twice ----------------

Status = OutboundEmail.Status


@pytest.fixture
def smtp_down(settings):
    """A real SMTP backend pointed at a port where nothing listens: every send is refused."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return settings


def make_due(email):
    OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())


@pytest.mark.django_db
def test_a_failed_send_is_recorded_with_its_error_and_retried_later(smtp_down):
    email = queue_email("ngo@example.org", "eregion/email/test", {"name": "Иван"})
    before = timezone.now()
    assert send_email(email.pk) == "retry"
    email.refresh_from_db()
    assert email.status == Status.PENDING
    assert email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    # backoff: the first retry a minute later, and the relay leaves it alone until then
    assert 55 <= (email.next_attempt_at - before).total_seconds() <= 65
    assert relay_outbox() == 0
    make_due(email)
    assert relay_outbox() == 1  # in-process here: relayed means attempted again
    email.refresh_from_db()
    assert email.attempts == 2
    assert 115 <= (email.next_attempt_at - timezone.now()).total_seconds() <= 125


@pytest.mark.django_db
def test_after_the_last_attempt_the_email_is_failed_and_no_longer_relayed(smtp_down):
    email = queue_email("ngo@example.org", "eregion/email/test", {"name": "Иван"})
    for _ in range(OutboundEmail.MAX_ATTEMPTS):
        make_due(email)
        relay_outbox()
    email.refresh_from_db()
    assert email.status == Status.FAILED
    assert email.attempts == OutboundEmail.MAX_ATTEMPTS
    make_due(email)
    assert relay_outbox() == 0
    assert send_email(email.pk) == "skipped"
    email.refresh_from_db()
    assert email.attempts == OutboundEmail.MAX_ATTEMPTS


@pytest.mark.django_db
def test_a_success_after_a_failure_is_sent_exactly_once(smtp_down, settings):
    email = queue_email("ngo@example.org", "eregion/email/test", {"name": "Иван"})
    assert send_email(email.pk) == "retry"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # SMTP is back
    make_due(email)
    assert relay_outbox() == 1
    # a duplicate task (the relay and a manual resend racing) finds it sent
    assert send_email(email.pk) == "skipped"
    make_due(email)
    assert relay_outbox() == 0
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (Status.SENT, 2, "")


@pytest.mark.django_db
def test_an_email_being_sent_is_not_sent_again_by_a_second_task():
    email = queue_email("ngo@example.org", "eregion/email/test", {"name": "Иван"})
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=Status.SENDING, sending_since=timezone.now()
    )
    assert send_email(email.pk) == "skipped"
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_send_interrupted_after_the_hand_over_is_shown_to_staff_not_guessed():
    email = queue_email("ngo@example.org", "eregion/email/test", {"name": "Иван"})
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=Status.SENDING, sending_since=timezone.now(), handed_over_at=timezone.now()
    )  # and no worker holds its lock: the worker died
    relay_outbox()
    email.refresh_from_db()
    assert email.status == Status.FAILED
    assert "може да е изпратено" in email.last_error
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_send_interrupted_before_the_hand_over_is_sent_again_once():
    email = queue_email("ngo@example.org", "eregion/email/test", {"name": "Иван"})
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=Status.SENDING, sending_since=timezone.now(), attempts=1
    )  # claimed, never handed to the server, and its worker is gone
    assert relay_outbox() == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 2)
    assert len(mail.outbox) == 1
    relay_outbox()
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_an_email_whose_worker_is_alive_is_left_to_it():
    from django.db import connection, connections

    from eregion.tasks import LOCK_NAMESPACE

    email = queue_email("ngo@example.org", "eregion/email/test", {"name": "Иван"}, hand_off=False)
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=Status.SENDING, sending_since=timezone.now() - OutboundEmail.STALE_SENDING * 2
    )

    def held():  # PostgreSQL drops a closed session's locks a moment after the client goes
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                " AND classid = %s AND objid = %s AND objsubid = 2",
                [LOCK_NAMESPACE, email.pk],
            )
            return cursor.fetchone()[0]

    # another database session (the sending worker) holds the email's lock
    worker = connections.create_connection("default")
    try:
        with worker.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, email.pk])
        assert held()
        assert relay_outbox() == 0
        assert OutboundEmail.objects.get(pk=email.pk).status == Status.SENDING
    finally:
        worker.close()

    wait_for(lambda: not held(), timeout=10, message="the ended session's lock to go")
    relay_outbox()  # the worker's session ended: the email was never handed over
    assert OutboundEmail.objects.get(pk=email.pk).status == Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_staff_see_the_error_and_retry_from_the_admin(
    client, staff_user, smtp_down, settings, django_capture_on_commit_callbacks
):
    email = queue_email("ngo@example.org", "eregion/email/test", {"name": "Иван"})
    for _ in range(OutboundEmail.MAX_ATTEMPTS):
        make_due(email)
        relay_outbox()
    client.force_login(staff_user)
    changelist = reverse("admin:eregion_outboundemail_changelist")
    page = client.get(changelist, {"status": "failed"}).content.decode()
    assert "ConnectionRefusedError" in page
    assert f'<td class="field-attempts">{OutboundEmail.MAX_ATTEMPTS}</td>' in page

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "retry_now", "_selected_action": [email.pk]}, follow=True
        )
    assert "1 имейла са пуснати за изпращане" in response.content.decode()
    email.refresh_from_db()
    assert email.status == Status.SENT
    assert [m.to for m in mail.outbox] == [["ngo@example.org"]]


@pytest.mark.django_db
def test_headers_are_stored_with_the_email_and_sent_with_it():
    headers = {
        "List-Unsubscribe": "<https://example.org/u/abc>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    email = queue_email("ngo@example.org", "eregion/email/test", {"name": "Иван"}, headers=headers)
    email.refresh_from_db()
    assert email.headers == headers
    assert send_email(email.pk) == "sent"
    message = mail.outbox[0].message()
    assert message["List-Unsubscribe"] == "<https://example.org/u/abc>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

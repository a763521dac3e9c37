"""Background work of the portal itself: the email outbox.

The shape follows mature mail queues (pretix's ``OutgoingMail``): claim the row and commit,
talk to SMTP outside any lock or transaction, then record the outcome in its own transaction.
Retries are scheduled in the row (``next_attempt_at``) and carried out by the relay, so a
failure is visible to staff and survives a broker or worker restart.
"""

import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import OutboundEmail

log = logging.getLogger(__name__)
Status = OutboundEmail.Status


def _claim(email_id: int) -> OutboundEmail | None:
    """Mark the email as being sent by this worker (committed), or None if it is not ours."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=Status.PENDING)
            .first()
        )
        if email is None:  # sent, failed, being sent elsewhere, or locked by another claim
            return None
        email.status = Status.SENDING
        email.sending_since = timezone.now()
        email.attempts += 1
        email.save(update_fields=["status", "sending_since", "attempts"])
    return email


@shared_task
def send_email(email_id: int) -> str:
    """Send one outbox email unless it is sent, failed or being sent (safe to run twice)."""
    email = _claim(email_id)
    if email is None:
        return "skipped"
    message = EmailMultiAlternatives(
        email.subject,
        email.body,
        to=email.to,
        reply_to=email.reply_to or None,
        headers=email.headers or None,
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    try:
        message.send()
    except Exception as exc:  # SMTP refused, DNS, timeout: record it, never lose it
        now = timezone.now()
        email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        email.sending_since = None
        if email.attempts >= OutboundEmail.MAX_ATTEMPTS:
            email.status = Status.FAILED
        else:
            email.status = Status.PENDING
            email.next_attempt_at = now + OutboundEmail.backoff(email.attempts)
        email.save(update_fields=["status", "last_error", "sending_since", "next_attempt_at"])
        log.warning("email %s attempt %s failed: %s", email.pk, email.attempts, email.last_error)
        return "failed" if email.status == Status.FAILED else "retry"
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=Status.SENT, sent_at=timezone.now(), sending_since=None, last_error=""
    )
    return "sent"


@shared_task
def relay_outbox() -> int:
    """Hand due emails to Celery: new ones whose hand-off was lost and failed ones whose retry
    time has come. A send interrupted by a dead worker is marked failed for staff to check:
    it may have gone out, and an email is never sent twice on a guess."""
    from .mail import enqueue

    now = timezone.now()
    OutboundEmail.objects.filter(
        status=Status.SENDING, sending_since__lt=now - OutboundEmail.STALE_SENDING
    ).update(
        status=Status.FAILED,
        sending_since=None,
        last_error="Прекъснато по време на изпращане (спрял обработчик); "
        "може да е изпратен. Проверете и изпратете отново от администрацията при нужда.",
    )
    ids = list(OutboundEmail.objects.due(now).values_list("pk", flat=True)[:500])
    for email_id in ids:
        enqueue(email_id)
    return len(ids)


@shared_task
def send_staff_digest():
    """Hourly: one email to staff listing what waits, when single notifications were held back."""
    from .notifications import send_digest

    return send_digest()


@shared_task
def worker_heartbeat() -> None:
    """Beat sends this every minute; the worker that runs it records that workers are alive."""
    from .models import Heartbeat

    Heartbeat.objects.update_or_create(name="worker", defaults={"beat_at": timezone.now()})

"""Background work of the portal itself: the email outbox."""

import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import OutboundEmail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=MAX_ATTEMPTS,
)
def send_email(self, email_id: int) -> str:
    """Send one outbox email unless it has been sent already (safe to run twice)."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status == OutboundEmail.Status.SENT:
            return "skipped"
        email.attempts += 1
        message = EmailMultiAlternatives(
            email.subject, email.body, to=email.to, reply_to=email.reply_to or None
        )
        if email.html:
            message.attach_alternative(email.html, "text/html")
        try:
            message.send()
        except Exception as exc:
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = OutboundEmail.Status.FAILED
            email.save(update_fields=["attempts", "last_error", "status"])
            if email.status == OutboundEmail.Status.FAILED:
                return "failed"
            raise
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return "sent"


@shared_task
def relay_outbox(older_than_seconds: int = 120) -> int:
    """Re-enqueue pending emails that no worker has sent (the broker was down, a worker died)."""
    from .mail import enqueue

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        OutboundEmail.objects.pending()
        .filter(created_at__lte=cutoff)
        .values_list("pk", flat=True)[:500]
    )
    for email_id in ids:
        enqueue(email_id)
    return len(ids)

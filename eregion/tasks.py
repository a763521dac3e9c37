"""Background work of the portal itself: the email outbox.

The shape follows mature mail queues (pretix's ``OutgoingMail``): claim the row and commit,
talk to SMTP outside any lock or transaction, then record the outcome in its own transaction.
Retries are scheduled in the row (``next_attempt_at``) and carried out by the relay, so a
failure is visible to staff and survives a broker or worker restart.
"""

import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from . import mail_backend
from .models import OutboundEmail

log = logging.getLogger(__name__)
Status = OutboundEmail.Status

# PostgreSQL advisory locks: (namespace, email id). The sending worker holds its email's lock on
# its database session for the whole send; PostgreSQL releases it when the worker's connection
# ends, so the relay knows at once that a "sending" email's worker is gone.
LOCK_NAMESPACE = 0x0E0B


def _locks() -> bool:
    return connection.vendor == "postgresql"


def _try_lock(email_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, email_id])
        return cursor.fetchone()[0]


def _unlock(email_id: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, email_id])
    except DatabaseError:  # the connection is gone, and the lock with it
        log.warning("email %s: lock not released (connection lost)", email_id)


class SendAborted(Exception):
    """The email is no longer this worker's to send (the relay took it back)."""


def _claim(email_id: int) -> OutboundEmail | None:
    """Mark the email as being sent by this worker (committed) and hold its lock, or None if it
    is not ours."""
    locked = False
    try:
        with transaction.atomic():
            email = (
                OutboundEmail.objects.select_for_update(skip_locked=True)
                .filter(pk=email_id, status=Status.PENDING)
                .first()
            )
            if email is None:  # sent, failed, being sent elsewhere, or locked by another claim
                return None
            if _locks():
                if not _try_lock(email_id):  # the sender of an earlier claim still lives
                    return None
                locked = True
            email.status = Status.SENDING
            email.sending_since = timezone.now()
            email.handed_over_at = None
            email.attempts += 1
            email.save(update_fields=["status", "sending_since", "handed_over_at", "attempts"])
    except BaseException:
        if locked:  # a session lock outlives a rolled-back transaction: give it back
            _unlock(email_id)
        raise
    return email


def _record_sent(email_id: int) -> None:
    for attempt in (1, 2):
        try:
            OutboundEmail.objects.filter(pk=email_id).update(
                status=Status.SENT, sent_at=timezone.now(), sending_since=None, last_error=""
            )
            return
        except DatabaseError:  # the database restarted under us: reconnect once
            if attempt == 2:
                raise
            connection.close()


@shared_task
def send_email(email_id: int) -> str:
    """Send one outbox email unless it is sent, failed or being sent (safe to run twice).

    Right before the message goes to the server, the row records it (``handed_over_at``),
    only if it is still this worker's claim: a worker that dies before that point has provably
    not sent it, and the relay sends it again; after it, the relay shows it to staff."""
    email = _claim(email_id)
    if email is None:
        return "skipped"
    try:
        return _send(email)
    finally:
        if _locks():
            _unlock(email_id)


def _send(email: OutboundEmail) -> str:
    message = EmailMultiAlternatives(
        email.subject,
        email.body,
        to=email.to,
        reply_to=email.reply_to or None,
        headers=email.headers or None,
        connection=get_connection(),
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for attachment in email.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    accepted = []

    def handing_over():
        claimed = OutboundEmail.objects.filter(
            pk=email.pk, status=Status.SENDING, attempts=email.attempts, handed_over_at=None
        ).update(handed_over_at=timezone.now())
        if claimed != 1:
            raise SendAborted()

    announces = getattr(message.connection, "announces_data", False)
    tokens = (
        mail_backend.before_data.set(handing_over),
        mail_backend.after_data.set(lambda: accepted.append(True)),
    )
    try:
        if not announces:  # file, console and test backends: the whole send is the hand-over
            handing_over()
        message.send()
    except SendAborted:
        log.warning("email %s: taken back by the relay before sending; not sent here", email.pk)
        return "skipped"
    except Exception as exc:  # SMTP refused, DNS, timeout: record it, never lose it
        if accepted:  # the server took it; only the goodbye failed
            log.warning("email %s accepted, then: %s", email.pk, exc)
            _record_sent(email.pk)
            return "sent"
        now = timezone.now()
        email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        email.sending_since = email.handed_over_at = None
        if email.attempts >= OutboundEmail.MAX_ATTEMPTS:
            email.status = Status.FAILED
        else:
            email.status = Status.PENDING
            email.next_attempt_at = now + OutboundEmail.backoff(email.attempts)
        email.save(
            update_fields=[
                "status", "last_error", "sending_since", "handed_over_at", "next_attempt_at"
            ]
        )  # fmt: skip
        log.warning("email %s attempt %s failed: %s", email.pk, email.attempts, email.last_error)
        return "failed" if email.status == Status.FAILED else "retry"
    finally:
        mail_backend.before_data.reset(tokens[0])
        mail_backend.after_data.reset(tokens[1])
    _record_sent(email.pk)
    return "sent"


INTERRUPTED_AFTER_HAND_OVER = (
    "Прекъснато по време на изпращане (спрял обработчик) след предаването на писмото на "
    "пощенския сървър; може да е изпратено. Проверете и изпратете отново от администрацията "
    "при нужда."
)
INTERRUPTED_BEFORE_HAND_OVER = (
    "Обработчикът спря преди писмото да стигне до пощенския сървър; изпраща се отново."
)


def recover_interrupted_sends() -> int:
    """Emails left "sending" by a dead worker: sent again when it died before handing the
    message over (provably not sent), failed for staff to check when it died after. On
    PostgreSQL a dead worker is known by its released lock; elsewhere by the claim's age."""
    now = timezone.now()
    sending = OutboundEmail.objects.filter(status=Status.SENDING)
    if not _locks():
        return sending.filter(sending_since__lt=now - OutboundEmail.STALE_SENDING).update(
            status=Status.FAILED, sending_since=None, last_error=INTERRUPTED_AFTER_HAND_OVER
        )
    recovered = 0
    for pk, attempts, handed_over_at in sending.values_list("pk", "attempts", "handed_over_at"):
        if not _try_lock(pk):  # its worker is alive and sending
            continue
        try:
            row = OutboundEmail.objects.filter(pk=pk, status=Status.SENDING, attempts=attempts)
            if handed_over_at is None:
                recovered += row.filter(handed_over_at=None).update(
                    status=Status.PENDING,
                    sending_since=None,
                    next_attempt_at=now,
                    last_error=INTERRUPTED_BEFORE_HAND_OVER,
                )
            else:
                recovered += row.update(
                    status=Status.FAILED,
                    sending_since=None,
                    last_error=INTERRUPTED_AFTER_HAND_OVER,
                )
        finally:
            _unlock(pk)
    return recovered


@shared_task
def relay_outbox() -> int:
    """Hand due emails to Celery: new ones whose hand-off was lost and failed ones whose retry
    time has come, after recovering the sends of dead workers (``recover_interrupted_sends``):
    an email is never sent twice on a guess."""
    from .mail import enqueue

    recover_interrupted_sends()
    ids = list(OutboundEmail.objects.due(timezone.now()).values_list("pk", flat=True)[:500])
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

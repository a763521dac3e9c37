"""Queue emails through the outbox (``OutboundEmail``) so none is lost when Redis is down."""

import logging

from django.db import transaction
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboundEmail

log = logging.getLogger(__name__)


def queue_email(
    to,
    template: str,
    context: dict | None = None,
    *,
    reply_to=(),
    attachments=(),
    headers=None,
    hand_off=True,
) -> OutboundEmail:
    """Render ``template`` and queue it for ``to`` (an address or a list of them).

    ``attachments`` are text files as ``(filename, content, mimetype)``, e.g. an .ics invitation;
    they are stored with the email, so a retry sends the same files. ``headers`` are extra
    message headers (the newsletter's ``List-Unsubscribe``), stored and sent the same way.

    ``template`` names a prefix: ``<template>_subject.txt`` and ``<template>.txt`` are
    required, ``<template>.html`` is optional. Rendered now, in the active language; sent by a
    Celery task after the surrounding transaction commits. With ``hand_off=False`` the caller
    hands the row to Celery itself (``enqueue``), e.g. a bulk sender that stops at the first
    broker error instead of retrying the broker once per email; the relay is the safety net.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    context = context or {}
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    try:
        html = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        html = ""
    email = OutboundEmail.objects.create(
        to=recipients,
        subject=subject,
        body=body,
        html=html,
        reply_to=list(reply_to),
        attachments=[
            {"filename": name, "content": content, "mimetype": mimetype}
            for name, content, mimetype in attachments
        ],
        headers=dict(headers or {}),
        # Sent at once after commit; the relay steps in only if that hand-off is lost.
        next_attempt_at=timezone.now() + OutboundEmail.RELAY_GRACE,
    )
    if hand_off:
        transaction.on_commit(lambda: enqueue(email.pk))
    return email


def enqueue(email_id: int) -> bool:
    """Hand one outbox row to Celery; if the broker is down the relay will do it later."""
    from .tasks import send_email

    try:
        send_email.delay(email_id)
    except Exception as exc:  # broker unreachable: the row stays pending for the relay
        log.warning("email %s left for the outbox relay: %s", email_id, exc)
        # due now: the relay's next round (a minute) sends it once the broker is back
        OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.PENDING).update(
            next_attempt_at=timezone.now()
        )
        return False
    return True

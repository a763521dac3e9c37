"""Queue emails through the outbox (``OutboundEmail``) so none is lost when Redis is down."""

import logging

from django.db import transaction
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from .models import OutboundEmail

log = logging.getLogger(__name__)


def queue_email(
    to, template: str, context: dict | None = None, *, reply_to=(), attachments=()
) -> OutboundEmail:
    """Render ``template`` and queue it for ``to`` (an address or a list of them).

    ``attachments`` are text files as ``(filename, content, mimetype)``, e.g. an .ics invitation;
    they are stored with the email, so a retry sends the same files.

    ``template`` names a prefix: ``<template>_subject.txt`` and ``<template>.txt`` are
    required, ``<template>.html`` is optional. Rendered now, in the active language; sent by a
    Celery task after the surrounding transaction commits.
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
        # Sent at once after commit; the relay steps in only if that hand-off is lost.
        next_attempt_at=timezone.now() + OutboundEmail.RELAY_GRACE,
    )
    transaction.on_commit(lambda: enqueue(email.pk))
    return email


def enqueue(email_id: int) -> None:
    """Hand one outbox row to Celery; if the broker is down the relay will do it later."""
    from .tasks import send_email

    try:
        send_email.delay(email_id)
    except Exception as exc:  # broker unreachable: the row stays pending for the relay
        log.warning("email %s left for the outbox relay: %s", email_id, exc)

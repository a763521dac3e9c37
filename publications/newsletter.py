"""The newsletter: double opt-in subscription, one-click unsubscribe, and sending an issue
through the outbox in rate-limited batches that resume where they stopped."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from eregion.mail import enqueue, queue_email
from eregion.models import OutboundEmail

from .news_models import NewsletterDelivery, NewsletterIssue, Subscriber

log = logging.getLogger(__name__)

TOPICS = [topic for topic, _label in Subscriber.Topic.choices]


def absolute(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


# --- Subscribing ----------------------------------------------------------------------------


@transaction.atomic
def subscribe(email: str, topics, language: str) -> Subscriber:
    """Record the wish and send the confirmation email; an address already confirmed only has
    its topics updated (nothing is sent, and the page says the same to anyone)."""
    email = email.strip().lower()
    subscriber, _created = Subscriber.objects.select_for_update().get_or_create(email=email)
    for topic in TOPICS:
        setattr(subscriber, f"wants_{topic}", topic in topics)
    subscriber.language = language
    if subscriber.unsubscribed_at is not None:  # coming back: confirm again
        subscriber.confirmed_at = subscriber.unsubscribed_at = None
    now = timezone.now()
    due = (
        subscriber.confirmation_sent_at is None
        or subscriber.confirmation_sent_at < now - Subscriber.CONFIRM_RESEND_AFTER
    )
    if subscriber.confirmed_at is None and due:
        subscriber.confirmation_sent_at = now
        send_confirmation(subscriber)
    subscriber.save()
    return subscriber


def send_confirmation(subscriber: Subscriber):
    with translation.override(subscriber.language):
        return queue_email(
            subscriber.email,
            "publications/email/newsletter_confirm",
            {"confirm_url": absolute(subscriber.get_confirm_url())},
        )


def confirm(token: str) -> Subscriber | None:
    subscriber = Subscriber.from_token(
        token, Subscriber.CONFIRM_SALT, max_age=Subscriber.CONFIRM_MAX_AGE
    )
    if subscriber is None or subscriber.unsubscribed_at is not None:
        return None
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    return subscriber


def unsubscribe(token: str) -> Subscriber | None:
    subscriber = Subscriber.from_token(token, Subscriber.UNSUBSCRIBE_SALT)
    if subscriber is not None and subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["unsubscribed_at"])
    return subscriber


# --- One issue, as an email -----------------------------------------------------------------


def issue_context(issue: NewsletterIssue, unsubscribe_url: str) -> dict:
    """What the templates show, in the active language."""
    english = translation.get_language() == "en"
    articles = [
        {
            "title": a.title_en if english and a.title_en else a.title,
            "summary": a.summary_en if english and a.summary_en else a.summary,
            "url": absolute(a.get_absolute_url()),
            "kind": a.get_kind_display(),
            "starts_at": a.starts_at,
        }
        for a in issue.articles.order_by("-published_at", "pk")
    ]
    return {
        "subject": issue.subject_en if english and issue.subject_en else issue.subject,
        "intro_html": issue.intro_en_html if english and issue.intro_en_html else issue.intro_html,
        "intro_text": issue.intro_en if english and issue.intro_en else issue.intro,
        "articles": articles,
        "unsubscribe_url": unsubscribe_url,
        "site_url": absolute("/"),
    }


def one_click_headers(unsubscribe_url: str) -> dict:
    """RFC 8058: mail clients offer "unsubscribe" and POST to the link without a login."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def queue_issue_for(issue, subscriber, hand_off=True) -> OutboundEmail:
    with translation.override(subscriber.language):
        url = absolute(subscriber.get_unsubscribe_url())
        return queue_email(
            subscriber.email,
            "publications/email/newsletter_issue",
            issue_context(issue, url),
            headers=one_click_headers(url),
            hand_off=hand_off,
        )


def send_test(issue: NewsletterIssue, address: str, language: str) -> OutboundEmail:
    """A copy to a staff member (the unsubscribe link is a harmless example)."""
    with translation.override(language):
        url = absolute("/news/newsletter/")
        return queue_email(
            address,
            "publications/email/newsletter_issue",
            issue_context(issue, url),
            headers=one_click_headers(url),
        )


def preview(issue: NewsletterIssue, language: str) -> dict:
    from django.template.loader import render_to_string

    with translation.override(language):
        context = issue_context(issue, absolute("/news/newsletter/"))
        return {
            "subject": context["subject"],
            "html": render_to_string("publications/email/newsletter_issue.html", context),
            "text": render_to_string("publications/email/newsletter_issue.txt", context),
        }


# --- Sending --------------------------------------------------------------------------------


def start_sending(issue: NewsletterIssue) -> bool:
    """Mark the issue as sending and start its first batch (the beat task resumes it if the
    broker is down). Refuses an issue already sending or sent."""
    with transaction.atomic():
        updated = NewsletterIssue.objects.filter(
            pk=issue.pk, status=NewsletterIssue.Status.DRAFT
        ).update(status=NewsletterIssue.Status.SENDING, send_started_at=timezone.now())
        if updated:
            transaction.on_commit(lambda: schedule_batch(issue.pk))
    return bool(updated)


def schedule_batch(issue_id: int, countdown: float = 0) -> bool:
    from .tasks import send_newsletter_batch

    try:
        send_newsletter_batch.apply_async((issue_id,), countdown=countdown)
    except Exception as exc:  # broker down: resume_newsletters picks the issue up later
        log.warning("newsletter %s: next batch left to the beat task: %s", issue_id, exc)
        return False
    return True


def queue_batch(issue_id: int, size: int | None = None) -> list[int]:
    """Queue the next ``size`` copies of a sending issue: each subscriber's delivery and its
    outbox email are written in one transaction, under the issue's row lock, so two batches
    never overlap and a copy is either wholly queued or not at all. Returns the email ids
    (empty when the issue is complete or not sending)."""
    size = size or settings.NEWSLETTER_BATCH_SIZE
    with transaction.atomic():
        issue = (
            NewsletterIssue.objects.select_for_update(skip_locked=True)
            .filter(pk=issue_id, status=NewsletterIssue.Status.SENDING)
            .first()
        )
        if issue is None:  # sent, a draft, or being batched by another worker
            return []
        recipients = list(issue.pending_recipients().order_by("pk")[:size])
        email_ids = []
        for subscriber in recipients:
            email = queue_issue_for(issue, subscriber, hand_off=False)
            NewsletterDelivery.objects.create(issue=issue, subscriber=subscriber, email=email)
            email_ids.append(email.pk)
        if not recipients:
            issue.status = NewsletterIssue.Status.SENT
            issue.send_finished_at = timezone.now()
            issue.save(update_fields=["status", "send_finished_at"])
    return email_ids


def hand_off(email_ids) -> int:
    """Give a batch's emails to Celery now; at the first broker error stop and let the outbox
    relay send the rest (their rows are pending and due)."""
    handed = 0
    for email_id in email_ids:
        if not enqueue(email_id):
            OutboundEmail.objects.filter(pk__in=email_ids, status="pending").update(
                next_attempt_at=timezone.now()
            )
            break
        handed += 1
    return handed


def stalled_issue_ids(stalled_after=None) -> list[int]:
    """Issues still sending whose last batch is older than a few intervals: their chain of
    batches was lost (broker or worker down) and must be resumed."""
    from django.db.models import Max
    from django.db.models.functions import Coalesce

    if stalled_after is None:
        stalled_after = 2 * settings.NEWSLETTER_BATCH_INTERVAL + 60
    cutoff = timezone.now() - timezone.timedelta(seconds=stalled_after)
    return list(
        NewsletterIssue.objects.filter(status=NewsletterIssue.Status.SENDING)
        .annotate(last=Coalesce(Max("deliveries__created_at"), "send_started_at"))
        .filter(last__lte=cutoff)
        .values_list("pk", flat=True)
    )

"""Background work of the publications (routed to the ``pdf`` queue by the settings)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_build(build_id: int) -> str:
    """Render one queued build and record the outcome on it; a build that is no longer queued
    (done, failed, or taken by another worker) is left alone, so a repeat is harmless."""
    build = services.run_build(build_id)
    return build.status if build is not None else "skipped"


@shared_task
def recover_stuck_builds() -> int:
    """Fail and retry builds whose worker died; re-send queued builds nobody took."""
    return len(services.recover_stuck_builds())


@shared_task
def rebuild_changed_publications() -> int:
    """Nightly: queue builds only of the editions whose data or templates changed."""
    return len(services.rebuild_changed())


@shared_task
def send_newsletter_batch(issue_id: int) -> int:
    """Queue the next batch of an issue's copies in the outbox, hand them to Celery, and
    schedule the following batch after the rate-limit interval (idempotent: copies already
    queued are skipped, and a batch that finds the issue complete marks it sent)."""
    from django.conf import settings

    from . import newsletter

    email_ids = newsletter.queue_batch(issue_id)
    if email_ids:
        newsletter.hand_off(email_ids)
        newsletter.schedule_batch(issue_id, countdown=settings.NEWSLETTER_BATCH_INTERVAL)
    return len(email_ids)


@shared_task
def resume_newsletters(stalled_after: float | None = None) -> int:
    """Beat: restart the batches of issues whose sending stopped (broker or worker down)."""
    from . import newsletter

    issue_ids = newsletter.stalled_issue_ids(stalled_after)
    for issue_id in issue_ids:
        send_newsletter_batch(issue_id)
    return len(issue_ids)

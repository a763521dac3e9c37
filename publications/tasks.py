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

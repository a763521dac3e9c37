"""Builds survive their worker (acceptance 4): a real Celery worker killed with SIGKILL in the
middle of a render, the sweeper fails the stuck build and queues a retry, a new worker
completes it, and no build stays "running"."""

import signal
import time

import pytest

from publications import services
from publications.models import Build, Publication
from tests.conftest import wait_for

pytestmark = [pytest.mark.celery, pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_a_worker_killed_mid_render_leaves_a_build_another_worker_completes(
    module_region, worker_factory
):
    first = worker_factory()
    publication = Publication.objects.get(slug="spravochnik-smolyan")
    build = services.request_build(publication, "screen", requested_by="test")
    wait_for(
        lambda: Build.objects.get(pk=build.pk).stage == Build.Stage.LAYOUT,
        timeout=60,
        message="the worker to start laying out the pages",
    )
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    assert Build.objects.get(pk=build.pk).status == Build.Status.RUNNING

    time.sleep(1.2)  # no heartbeat comes from a dead worker
    retries = services.recover_stuck_builds(older_than_seconds=1)
    assert [r.retry_of_id for r in retries] == [build.pk]
    build.refresh_from_db()
    assert build.status == Build.Status.FAILED
    assert "признаци на живот" in build.error and build.finished_at

    worker_factory()
    retry = wait_for(
        lambda: Build.objects.filter(pk=retries[0].pk, status=Build.Status.SUCCEEDED).first(),
        timeout=120,
        message="the new worker to finish the retried build",
    )
    assert retry.pages > 10 and retry.file
    assert not Build.objects.filter(status=Build.Status.RUNNING).exists()
    assert publication.last_good("screen") == retry


def test_a_stuck_build_is_failed_and_retried_by_the_sweeper(db):
    from datetime import timedelta

    from django.utils import timezone

    from .conftest import ensure_editions

    ensure_editions()
    publication = Publication.objects.get(slug="broshura")
    stuck = Build.objects.create(
        publication=publication,
        variant="screen",
        status=Build.Status.RUNNING,
        stage=Build.Stage.LAYOUT,
        heartbeat_at=timezone.now() - timedelta(minutes=10),
    )
    alive = Build.objects.create(
        publication=publication,
        variant="printer",
        status=Build.Status.RUNNING,
        heartbeat_at=timezone.now(),
    )
    retries = services.recover_stuck_builds()
    assert [r.retry_of for r in retries] == [stuck]
    assert Build.objects.get(pk=stuck.pk).status == Build.Status.FAILED
    assert Build.objects.get(pk=alive.pk).status == Build.Status.RUNNING
    assert retries[0].status == Build.Status.QUEUED


def test_a_build_that_keeps_killing_its_worker_is_given_up_after_two_retries(db):
    from datetime import timedelta

    from django.utils import timezone

    from .conftest import ensure_editions

    ensure_editions()
    publication = Publication.objects.get(slug="broshura")
    long_ago = timezone.now() - timedelta(minutes=10)
    build = Build.objects.create(
        publication=publication, variant="screen", status="failed", error="x"
    )
    for _ in range(2):
        build = Build.objects.create(
            publication=publication, variant="screen", status="failed", retry_of=build
        )
    Build.objects.filter(pk=build.pk).update(status="running", heartbeat_at=long_ago)
    assert services.recover_stuck_builds() == []
    build.refresh_from_db()
    assert build.status == Build.Status.FAILED and "отказано след 3 опита" in build.error
    assert not publication.builds.active().exists()


@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_for_one_edition_make_one_build():
    """Eight threads ask at once (each in its own transaction on PostgreSQL): one build."""
    import threading

    from django.db import connection

    from .conftest import ensure_editions

    ensure_editions()
    publication = Publication.objects.get(slug="broshura")
    barrier = threading.Barrier(8)
    ids, errors = [], []

    def ask():
        try:
            barrier.wait()
            ids.append(services.request_build(publication, "screen", enqueue=False).pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(ids)) == 1
    assert publication.builds.count() == 1

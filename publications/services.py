"""Starting, running and recovering PDF builds. The state lives in ``Build`` rows: a request
writes a queued row, a worker claims it, records each stage and the outcome; a sweeper fails
(and retries) builds whose worker stopped giving signs of life."""

import hashlib
import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from eregion import pagecache

from . import render
from .generators import collect
from .models import Build, Publication

log = logging.getLogger(__name__)

Status = Build.Status
Stage = Build.Stage


def stuck_after() -> int:
    return getattr(settings, "PUBLICATIONS_STUCK_SECONDS", 120)


def heartbeat_every() -> int:
    return getattr(settings, "PUBLICATIONS_HEARTBEAT_SECONDS", 15)


# --- requesting -------------------------------------------------------------------------------


def request_build(
    publication: Publication, variant: str, *, requested_by: str = "", enqueue: bool = True
) -> Build:
    """A queued build of ``variant``, or the one already queued or running: two requests for
    the same edition share one render. The task is sent after the transaction commits."""
    with transaction.atomic():
        Publication.objects.select_for_update().filter(pk=publication.pk).first()
        active = publication.builds.active().filter(variant=variant).first()
        if active is not None:
            return active
        build = Build.objects.create(
            publication=publication, variant=variant, requested_by=requested_by[:100]
        )
        if enqueue:
            transaction.on_commit(lambda: enqueue_build(build.pk))
    return build


def enqueue_build(build_id: int) -> None:
    """Hand a build to the ``pdf`` queue; when the broker is down the sweeper sends it later."""
    from .tasks import render_build

    try:
        render_build.delay(build_id)
    except Exception as exc:
        log.warning("build %s left for the sweeper: %s", build_id, exc)


# --- running ----------------------------------------------------------------------------------


class Heartbeat:
    """While a build renders, touch its ``heartbeat_at`` every few seconds from a thread, so a
    build whose worker died is told apart from one that is merely long."""

    def __init__(self, build_id: int):
        self.build_id = build_id
        self.stop = threading.Event()
        # Inside an outer transaction (tests, or a caller's atomic block) another connection
        # could not see the row: there is nothing to keep alive then.
        self.enabled = heartbeat_every() > 0 and not connection.in_atomic_block
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        try:
            while not self.stop.wait(heartbeat_every()):
                Build.objects.filter(pk=self.build_id, status=Status.RUNNING).update(
                    heartbeat_at=timezone.now()
                )
        except Exception:  # a lost heartbeat only makes the sweeper more eager
            log.exception("heartbeat of build %s", self.build_id)
        finally:
            connection.close()

    def __enter__(self):
        if self.enabled:
            self.thread.start()
        return self

    def __exit__(self, *exc):
        if self.enabled:
            self.stop.set()
            self.thread.join()


def _record(build: Build, stage: str, progress: int, on_progress=None, **fields) -> None:
    build.stage, build.progress = stage, progress
    build.heartbeat_at = timezone.now()
    for name, value in fields.items():
        setattr(build, name, value)
    Build.objects.filter(pk=build.pk).update(
        stage=stage, progress=progress, heartbeat_at=build.heartbeat_at, **fields
    )
    if on_progress:
        on_progress(build)


def claim(build_id: int) -> Build | None:
    """Mark a queued build running; None when it is not queued (done, failed, or taken)."""
    with transaction.atomic():
        build = (
            Build.objects.select_for_update(of=("self",))
            .select_related("publication", "publication__province")
            .filter(pk=build_id)
            .first()
        )
        if build is None or build.status != Status.QUEUED:
            return None
        now = timezone.now()
        build.status = Status.RUNNING
        build.started_at = build.heartbeat_at = now
        build.attempts += 1
        build.stage, build.progress, build.error = Stage.DATA, 0, ""
        build.save(
            update_fields=["status", "started_at", "heartbeat_at", "attempts", "stage", "progress"]
        )
    return build


def run_build(build_id: int, *, on_progress=None) -> Build | None:
    """Render a queued build now, in this process. Returns the build as it ended, or None when
    it was not queued. A failure is recorded on the build (never raised): the last good file
    of the publication stays what it was."""
    build = claim(build_id)
    if build is None:
        return None
    started = time.monotonic()
    try:
        with Heartbeat(build.pk):
            _render(build, on_progress)
    except Exception as exc:
        fail(build, exc)
    else:
        build.render_seconds = time.monotonic() - started
        Build.objects.filter(pk=build.pk).update(render_seconds=build.render_seconds)
    if on_progress:
        on_progress(build)
    return build


def _render(build: Build, on_progress) -> None:
    publication = build.publication
    _record(build, Stage.DATA, 5, on_progress)
    content = collect(publication)
    _record(
        build,
        Stage.HTML,
        15,
        on_progress,
        data_hash=content.data_hash,
        data_as_of=content.as_of,
        snapshot=content.snapshot,
    )
    html = render.html_for(publication, build.variant, content)
    digest = render.content_hash(html, build.variant)
    _record(build, Stage.LAYOUT, 25, on_progress, content_hash=digest)

    last = publication.last_good(build.variant)
    if (
        last
        and last.content_hash == digest
        and last.file
        and last.file.storage.exists(last.file.name)
    ):
        _finish(build, reused_from=last, file=last.file.name, thumbnail=last.thumbnail.name or "",
                pages=last.pages, bytes=last.bytes, sha256=last.sha256)  # fmt: skip
        return

    document = render.layout(html, build.variant)
    _record(build, Stage.PDF, 75, on_progress)
    pdf = render.write(document, build.variant)
    _record(build, Stage.STORE, 90, on_progress)
    stem = f"{publication.slug}-{build.variant}-{digest[:12]}"
    name = default_storage.save(f"publications/{publication.slug}/{stem}.pdf", ContentFile(pdf))
    thumbnail = ""
    if build.variant == Build.Variant.SCREEN:
        thumbnail = default_storage.save(
            f"publications/{publication.slug}/{stem}.png",
            ContentFile(render.cover_thumbnail(pdf)),
        )
    _finish(
        build,
        file=name,
        thumbnail=thumbnail,
        pages=len(document.pages),
        bytes=len(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
    )


def _finish(build: Build, **fields) -> None:
    fields.update(
        status=Status.SUCCEEDED, stage=Stage.DONE, progress=100, finished_at=timezone.now()
    )
    for name, value in fields.items():
        setattr(build, name, value)
    Build.objects.filter(pk=build.pk).update(**fields)
    pagecache.bump()  # the publication's page offers the new file


def describe_error(exc: BaseException) -> str:
    """A message staff can act on: the stage, the error, and where in a template it was."""
    text = f"{type(exc).__name__}: {exc}"
    debug = getattr(exc, "template_debug", None)
    if debug:
        text += f" ({debug.get('name')}, {debug.get('line')})"
    return text[:4000]


def fail(build: Build, exc: BaseException) -> None:
    log.warning("build %s failed at %s: %s", build.pk, build.stage, exc)
    stage = Build.Stage(build.stage).label if build.stage in Build.Stage.values else build.stage
    build.error = f"[{stage}] {describe_error(exc)}"
    build.status = Status.FAILED
    build.finished_at = timezone.now()
    # The attempt's own update, committed even when the caller rolls back its work.
    Build.objects.filter(pk=build.pk).update(
        status=build.status, error=build.error, finished_at=build.finished_at
    )
    pagecache.bump()


# --- recovering and rebuilding -------------------------------------------------------------


MAX_RETRIES = 2


def retries_before(build: Build) -> int:
    """How many stuck attempts of the same request came before ``build``."""
    count, current = 0, build
    while current.retry_of_id and count <= MAX_RETRIES:
        current = Build.objects.only("retry_of_id").get(pk=current.retry_of_id)
        count += 1
    return count


def recover_stuck_builds(older_than_seconds: int | None = None) -> list[Build]:
    """Fail running builds with no sign of life for a while and queue a new attempt of each;
    re-send queued builds that no worker has taken (the broker was down). Returns the retries."""
    seconds = stuck_after() if older_than_seconds is None else older_than_seconds
    cutoff = timezone.now() - timedelta(seconds=seconds)
    retries = []
    stuck = Build.objects.filter(status=Status.RUNNING, heartbeat_at__lt=cutoff)
    for build_id in stuck.values_list("pk", flat=True):
        with transaction.atomic():
            build = (
                Build.objects.select_for_update()
                .filter(pk=build_id, status=Status.RUNNING, heartbeat_at__lt=cutoff)
                .select_related("publication")
                .first()
            )
            if build is None:
                continue
            stage = Build.Stage(build.stage).label if build.stage else "—"
            build.status = Status.FAILED
            build.finished_at = timezone.now()
            build.error = (
                f"[{stage}] Работникът спря да дава признаци на живот (последно в "
                f"{timezone.localtime(build.heartbeat_at):%d.%m.%Y %H:%M:%S}); пуснат е нов опит."
            )
            if retries_before(build) >= MAX_RETRIES:  # it kills its workers: stop here
                build.error = build.error.replace(
                    "пуснат е нов опит", f"отказано след {MAX_RETRIES + 1} опита"
                )
                build.save(update_fields=["status", "finished_at", "error"])
                continue
            build.save(update_fields=["status", "finished_at", "error"])
            retry = Build.objects.create(
                publication=build.publication,
                variant=build.variant,
                retry_of=build,
                requested_by=build.requested_by,
            )
            transaction.on_commit(lambda pk=retry.pk: enqueue_build(pk))
            retries.append(retry)
    # A queued build waits behind the renders before it; only one that has waited much longer
    # than a render takes is taken for lost by the broker (a repeat is harmless, but noisy).
    forgotten = Build.objects.filter(
        status=Status.QUEUED, requested_at__lt=timezone.now() - timedelta(seconds=5 * seconds)
    )
    for build_id in forgotten.values_list("pk", flat=True):
        enqueue_build(build_id)
    return retries


def is_current(publication: Publication, variant: str) -> bool:
    """Whether the last good build of ``variant`` was made from today's data and templates."""
    last = publication.last_good(variant)
    if last is None:
        return False
    html = render.html_for(publication, variant, collect(publication))
    return last.content_hash == render.content_hash(html, variant)


def rebuild_changed(requested_by: str = "nightly") -> list[Build]:
    """Queue builds of the public editions whose data or templates changed since their last
    good build; unchanged ones are left alone (and their history stays short)."""
    builds = []
    for publication in Publication.objects.public().select_related("province"):
        for variant in Build.Variant.values:
            try:
                current = is_current(publication, variant)
            except Exception as exc:  # e.g. its province is not loaded: render to record why
                log.warning("%s: %s", publication.slug, exc)
                current = False
            if not current:
                builds.append(request_build(publication, variant, requested_by=requested_by))
    return builds

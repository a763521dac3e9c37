"""Fixtures of the publication tests: the real region (loaded once per module unless the
session already has it), the seeded editions, PDFs rendered once per module, and the tools of
poppler-utils that read them back."""

import os
import subprocess
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def ensure_region() -> bool:
    """Load the real region unless it is there; True when this call loaded it."""
    from directory.models import AdministrativeStructure
    from ngofamily.models import Organisation

    if AdministrativeStructure.objects.exists() and Organisation.objects.exists():
        return False
    call_command("load_region_data", stdout=open(os.devnull, "w"))
    return True


def ensure_editions() -> None:
    """The seeded editions (an earlier transactional test may have flushed them)."""
    from django.apps import apps

    from publications.models import Publication

    if not Publication.objects.exists():
        import_module("publications.migrations.0002_seed_editions").seed(apps, None)


def unload_region() -> None:
    from directory.models import (
        AdministrativeStructure,
        Mayoralty,
        Municipality,
        Province,
        SearchWord,
        Service,
        Settlement,
        WorkingHours,
    )
    from ngofamily.models import Organisation

    Organisation.objects.all().delete()
    Organisation.history.all().delete()
    for model in (WorkingHours, AdministrativeStructure, Service):
        model.objects.all().delete()
        model.history.all().delete()
    for model in (SearchWord, Mayoralty, Settlement, Municipality, Province):
        model.objects.all().delete()


@pytest.fixture(scope="module")
def module_region(django_db_setup, django_db_blocker):
    """The real region and the seeded editions, committed, for the whole module."""
    with django_db_blocker.unblock():
        loaded = ensure_region()
        ensure_editions()
    yield
    with django_db_blocker.unblock():
        from publications.models import Build

        Build.objects.all().delete()
        if loaded:
            unload_region()


@pytest.fixture(scope="module")
def module_media(tmp_path_factory):
    """One media folder for what a module renders once and its tests read."""
    path = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=path):
        yield path


def build_once(slug: str, variant: str = "screen"):
    """Render with the management command (as printers and ``make run`` users do) and return
    the build, committed."""
    from publications.models import Build

    call_command("build_publication", slug, variant=variant, stdout=open(os.devnull, "w"),
                 stderr=open(os.devnull, "w"))  # fmt: skip
    return Build.objects.filter(publication__slug=slug, variant=variant).latest("pk")


@pytest.fixture(scope="module")
def plovdiv_build(module_region, module_media, django_db_blocker):
    with django_db_blocker.unblock():
        return build_once("spravochnik-plovdiv")


@pytest.fixture
def media_here(settings, module_media):
    """The test sees the files rendered for its module."""
    settings.MEDIA_ROOT = module_media
    return module_media


def pdftotext(path, first: int | None = None, last: int | None = None, layout=False) -> str:
    cmd = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        cmd.append("-layout")
    if first:
        cmd += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*cmd, str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_tool(*args) -> str:
    return subprocess.run(list(map(str, args)), check=True, capture_output=True, text=True).stdout


def flat(text: str) -> str:
    """Whitespace collapsed: a long name wraps over lines in the PDF."""
    return " ".join(text.split())


def file_path(build) -> Path:
    return Path(settings.MEDIA_ROOT) / build.file.name


# --- a private Celery worker per call, until tests/conftest.py offers worker_factory ----------


@pytest.fixture
def worker_factory(transactional_db, tmp_path, request):
    """``worker_factory()`` starts a real ``celery worker`` process (queues celery,pdf) on
    Redis, pointed at the test database; every one started is stopped after the test."""
    import signal
    import sys
    import time

    import redis

    from eregion.celery import app
    from tests.conftest import _broker_url, _test_database_url, use_broker

    worker_id = getattr(request.config, "workerinput", {}).get("workerid", "master")
    broker = _broker_url(worker_id)
    redis.Redis.from_url(broker).flushdb()
    started = []
    old = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    use_broker(broker)
    app.conf.task_always_eager = False

    def start():
        n = len(started)
        log_path = tmp_path / f"worker-{n}.log"
        mail_dir = tmp_path / f"worker-{n}-mail"
        mail_dir.mkdir()
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "CELERY_BROKER_URL": broker,
            "EMAIL_URL": f"filemail:///{mail_dir}",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "CONN_MAX_AGE": "0",
        }
        cmd = [
            sys.executable, "-m", "celery", "-A", "eregion", "worker", "--pool=solo",
            "--queues=celery,pdf", "--loglevel=INFO", f"--hostname=pub-{n}-{os.getpid()}@%h",
            "--without-heartbeat", "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        log = open(log_path, "w")
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        handle = type("Worker", (), {})()
        handle.process, handle.log_path, handle.mail_dir, handle.log = (
            process, log_path, mail_dir, log
        )  # fmt: skip
        started.append(handle)
        deadline = time.monotonic() + 60
        name = f"pub-{n}-{os.getpid()}"
        while not any(name in k for r in (app.control.ping(timeout=0.5) or []) for k in r):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start:\n" + log_path.read_text()[-3000:])
        return handle

    yield start
    use_broker(old["broker_url"])
    app.conf.task_always_eager = old["task_always_eager"]
    for handle in started:
        if handle.process.poll() is None:
            handle.process.send_signal(signal.SIGTERM)
            try:
                handle.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                handle.process.kill()
        handle.log.close()

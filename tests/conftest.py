"""Shared test harness: PostgreSQL through DATABASE_URL, a real Celery worker against Redis for
background-work tests, and Playwright driving Debian's Chromium for browser tests."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = "/usr/bin/chromium"

# Playwright's sync API keeps an event loop running in the test thread; the ORM calls the
# browser tests make between steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _clean_slate(settings, tmp_path):
    """Each test starts in the default language with empty caches and its own media folder.

    A request under /en/ leaves English active in the thread, and ``reverse`` in the next test
    would build /en/ addresses; uploaded and generated files go to a temporary folder.
    """
    from django.core.cache import cache
    from django.utils import translation

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def region(db):
    """The real geography of the six provinces, imported from data/ekatte (about 1 s)."""
    from django.core.management import call_command

    call_command("import_ekatte", str(settings.DATA_DIR / "ekatte"), stdout=open(os.devnull, "w"))


# --- A real Celery worker -------------------------------------------------------------------


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the Celery worker tests need PostgreSQL (set DATABASE_URL)")
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = db.get("HOST") or ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}"


def _broker_url(worker_id: str) -> str:
    """REDIS_URL's database, moved up by one per xdist worker so parallel runs do not mix."""
    base, _, number = REDIS_URL.rpartition("/")
    offset = int(worker_id[2:]) + 1 if worker_id.startswith("gw") else 0
    return f"{base}/{int(number or 0) + offset}"


def use_broker(url: str) -> None:
    """Point the test process's Celery app at ``url``, dropping pools made for another one."""
    from eregion.celery import app

    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_worker(transactional_db, tmp_path, request):
    """Start ``celery worker`` as a separate process on Redis, pointed at the test database.

    The test process stops running tasks in-process and sends them to Redis instead. Yields a
    handle with ``.process`` (to kill it) and ``.mail_dir`` (where the worker's emails land).
    """
    import redis

    from eregion.celery import app

    worker_id = getattr(request.config, "workerinput", {}).get("workerid", "master")
    broker = _broker_url(worker_id)
    client = redis.Redis.from_url(broker)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"Redis is not reachable at {broker}: {exc}")
    client.flushdb()

    mail_dir = tmp_path / "worker-mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": broker,
        "EMAIL_URL": f"filemail:///{mail_dir}",  # four slashes: an absolute path
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CONN_MAX_AGE": "0",
    }
    cmd = [
        sys.executable, "-m", "celery", "-A", "eregion", "worker",
        "--pool=solo", "--queues=celery,pdf", "--loglevel=INFO",
        f"--hostname=test-{worker_id}-{os.getpid()}@%h", "--without-heartbeat",
        "--without-gossip", "--without-mingle",
    ]  # fmt: skip
    log_path = tmp_path / "worker.log"
    log = open(log_path, "w")
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    old = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    use_broker(broker)
    app.conf.task_always_eager = False
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start:\n" + log_path.read_text()[-3000:])

        class Worker:
            pass

        handle = Worker()
        handle.process = process
        handle.mail_dir = mail_dir
        handle.log_path = log_path
        handle.broker_url = broker
        yield handle
    finally:
        use_broker(old["broker_url"])
        app.conf.task_always_eager = old["task_always_eager"]
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def wait_for(predicate, timeout=30.0, interval=0.1, message="condition"):
    """Poll ``predicate`` until it is truthy; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {message}")


# --- Browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: make test installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="bg-BG")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()

"""Shared test harness.

- The real region (EKATTE geography of the six provinces, every directory structure, the
  community-centre register) is loaded ONCE per test run, right after the test database is
  created, and shared by every test: plain ``db`` tests run in a transaction that is rolled
  back; transactional tests (``transactional_db``, ``live_server``, ``celery_worker``) end by
  deleting only the rows they created instead of flushing the database (see
  ``_remove_rows_made_by_the_test``), so the region and the migrations' seeds stay.
- One real Celery worker against Redis for the whole run, pointed at the test database.
- Playwright driving Debian's Chromium for browser tests.
"""

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import TransactionTestCase

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
    # Hashing a password the production way costs about half a second per test user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    from eregion import pagecache

    pagecache._local_pages.clear()  # what this process kept from pages of earlier tests
    pagecache._memo.clear()
    pagecache._health_answer.clear()  # and from /healthz (a live server lives all the run)
    from eregion import views

    views._health["checks"] = None
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


# --- The real region, loaded once ------------------------------------------------------------

# table -> (integer primary key column or None, largest key or row count at the snapshot)
_SNAPSHOT: dict[str, tuple[str | None, int]] = {}
# Shared tables whose rows a transactional test must not delete, with their loaded counts.
_REGION_COUNTS = dict.fromkeys(
    ["directory_settlement", "directory_administrativestructure", "ngofamily_organisation"], 0
)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Create the test database (pytest-django), then load the whole real region into it."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("load_region_data", stdout=io.StringIO())
        _take_snapshot()


def _take_snapshot() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table == "django_migrations":
                continue
            pk = connection.introspection.get_primary_key_column(cursor, table)
            columns = {
                c.name: c for c in connection.introspection.get_table_description(cursor, table)
            }
            numeric = pk and connection.introspection.get_field_type(
                columns[pk].type_code, columns[pk]
            ).endswith(("IntegerField", "AutoField"))
            if numeric:
                cursor.execute(f'SELECT COALESCE(MAX("{pk}"), 0) FROM "{table}"')
                _SNAPSHOT[table] = (pk, cursor.fetchone()[0])
            else:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                _SNAPSHOT[table] = (None, cursor.fetchone()[0])
        for table in _REGION_COUNTS:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            _REGION_COUNTS[table] = cursor.fetchone()[0]


def _remove_rows_made_by_the_test(self):
    """Teardown of transactional tests: delete what the test made, keep the shared region.

    Replaces Django's flush, which would empty every table and force the next test to load
    the region again. Foreign keys are deferred on PostgreSQL, so the order does not matter.
    A test that deleted shared rows is reported rather than silently poisoning later tests.
    """
    from django.db import connection, transaction

    if not _SNAPSHOT:
        return _django_fixture_teardown(self)
    damaged = []
    with transaction.atomic(), connection.cursor() as cursor:
        for table, (pk, mark) in _SNAPSHOT.items():
            if pk is None:
                if mark == 0:
                    cursor.execute(f'DELETE FROM "{table}"')
                continue
            cursor.execute(f'DELETE FROM "{table}" WHERE "{pk}" > %s', [mark])
    with connection.cursor() as cursor:
        for table, count in _REGION_COUNTS.items():
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            if cursor.fetchone()[0] < count:
                damaged.append(table)
    if damaged:
        pytest.fail(f"a transactional test deleted shared region rows from {damaged}")


_django_fixture_teardown = TransactionTestCase._fixture_teardown
TransactionTestCase._fixture_teardown = _remove_rows_made_by_the_test


@pytest.fixture
def region(db):
    """Database access to the real region (loaded once per run; see the module docstring)."""
    from directory.models import Province

    return {p.code: p for p in Province.objects.all()}


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


def _broker_url(offset: int) -> str:
    """REDIS_URL's database moved up by ``offset`` (the shared worker 0, private workers 1),
    and by two more per pytest-xdist process so that parallel processes never share a queue."""
    base, _, number = REDIS_URL.rpartition("/")
    process = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    return f"{base}/{int(number or 0) + 2 * int(process or 0) + offset}"


def use_broker(url: str) -> None:
    """Point the test process's Celery app at ``url``, dropping pools made for another one."""
    from eregion.celery import app

    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


class Worker:
    """A ``celery worker`` process on Redis, pointed at the test database; its emails are
    written as files to ``mail_dir`` and its media to ``media_root``."""

    def __init__(self, broker: str, folder: Path, name: str):
        self.broker_url = broker
        self.mail_dir = folder / "mail"
        self.media_root = folder / "media"
        self.log_path = folder / f"{name}.log"
        self.hostname = f"{name}-{os.getpid()}@test"
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        self.media_root.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "CELERY_BROKER_URL": broker,
            "EMAIL_URL": f"filemail:///{self.mail_dir}",  # four slashes: an absolute path
            "MEDIA_ROOT": str(self.media_root),
            "CONN_MAX_AGE": "0",
        }
        cmd = [
            sys.executable, "-m", "celery", "-A", "eregion", "worker",
            "--pool=solo", "--queues=celery,pdf", "--loglevel=INFO",
            f"--hostname={self.hostname}", "--without-heartbeat",
            "--without-gossip", "--without-mingle",
        ]  # fmt: skip
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout: float = 60) -> None:
        from eregion.celery import app

        deadline = time.monotonic() + timeout
        while not app.control.ping(destination=[self.hostname], timeout=0.5):
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Celery worker did not start:\n" + self.log()[-3000:])

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def _flush_broker(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"Redis is not reachable at {url}: {exc}")


class _UseWorkers:
    """Send the test process's tasks to ``broker`` instead of running them in-process."""

    def __init__(self, broker):
        from eregion.celery import app

        self.app = app
        self.saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
        use_broker(broker)
        app.conf.task_always_eager = False

    def restore(self):
        use_broker(self.saved["broker_url"])
        self.app.conf.task_always_eager = self.saved["task_always_eager"]


@pytest.fixture(scope="session")
def _shared_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    broker = _broker_url(0)
    _flush_broker(broker)
    worker = Worker(broker, tmp_path_factory.mktemp("celery-worker"), "shared")
    switch = _UseWorkers(broker)
    try:
        worker.wait_ready()
    finally:
        switch.restore()
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker(_shared_worker, transactional_db, settings):
    """The run's real Celery worker (queues ``celery`` and ``pdf``), shared by the tests that
    need one. While the test runs, its tasks go to Redis instead of running in-process; the
    worker's mail folder starts empty and the test's MEDIA_ROOT is the worker's."""
    for sent in _shared_worker.mail_dir.iterdir():
        sent.unlink()
    settings.MEDIA_ROOT = _shared_worker.media_root
    switch = _UseWorkers(_shared_worker.broker_url)
    try:
        yield _shared_worker
    finally:
        switch.restore()
        if _shared_worker.process.poll() is not None:
            pytest.fail("the shared Celery worker died; use worker_factory to kill workers")


@pytest.fixture
def worker_factory(transactional_db, tmp_path, settings):
    """Start private Celery workers (for tests that kill one) on a broker of their own.

    ``start()`` returns a started ``Worker``; every worker started is stopped after the test.
    All of one test's private workers share its broker and folders, so a task a killed worker
    held is picked up by the next one.
    """
    broker = _broker_url(1)
    _flush_broker(broker)
    folder = tmp_path / "workers"
    started = []
    switch = _UseWorkers(broker)
    settings.MEDIA_ROOT = folder / "media"

    def start() -> Worker:
        worker = Worker(broker, folder, f"private{len(started)}")
        started.append(worker)
        worker.wait_ready()
        return worker

    try:
        yield start
    finally:
        switch.restore()
        for worker in started:
            worker.stop()
        shutil.rmtree(folder / "mail", ignore_errors=True)


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

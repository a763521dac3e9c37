"""The web side under faults, through a real gunicorn (acceptance 2): PostgreSQL restarted
under the running app, and steady load while a Celery worker is SIGKILLed: every request after
the restart succeeds, no request answers 5xx, and every email queued by the load is delivered
once."""

import re
import threading
from http.client import HTTPConnection
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from eregion.models import OutboundEmail
from eregion.tasks import relay_outbox
from tests.conftest import _test_database_url, wait_for

from .conftest import Gunicorn

pytestmark = [pytest.mark.faults, pytest.mark.celery]


class Browser:
    """One visitor: keeps the CSRF cookie, answers (status, body)."""

    def __init__(self, port, forwarded_for=""):
        self.port = port
        self.cookie = ""
        # the client's address as a trusted proxy would pass it (TRUSTED_PROXIES=127.0.0.1):
        # many visitors, not one address that the per-client limits would stop
        self.forwarded_for = forwarded_for

    def request(self, method, path, form=None):
        conn = HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        if match := re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or ""):
            self.cookie = f"csrftoken={match.group(1)}"
        return response.status, text

    def subscribe(self, address, statuses=None):
        status, page = self.request("GET", "/news/newsletter/")
        if statuses is not None:
            statuses.append(status)
        if status != 200:
            return status
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"csrfmiddlewaretoken": token, "email": address, "topics": ["news"]}
        return self.request("POST", "/news/newsletter/", form)[0]


def test_postgres_restarted_under_the_running_app(postgres_proxy, redis_server, tmp_path):
    # every page from the database, none from the page cache
    web = Gunicorn(postgres_proxy.database_url, redis_server, tmp_path, PAGE_CACHE_SECONDS="0")
    visitor = Browser(web.port)
    try:
        # both gunicorn workers answer and keep their database connections (CONN_MAX_AGE)
        assert [visitor.request("GET", "/ngos/")[0] for _ in range(8)] == [200] * 8
        assert postgres_proxy.restart(down_for=1.0) >= 1  # their connections were cut

        pages = ["/ngos/", "/directory/", "/", "/trainings/", "/news/"] * 4
        assert [visitor.request("GET", path)[0] for path in pages] == [200] * len(pages)
        assert visitor.subscribe("after-restart@example.org") == 200  # and writes
    finally:
        web.stop()
    assert "Traceback" not in web.log_path.read_text()


def test_load_while_a_worker_dies_answers_no_5xx_and_loses_no_email(
    workers, app_on_redis, smtp_sink, tmp_path
):
    doomed = workers.start()
    workers.start()
    web = Gunicorn(_test_database_url(), app_on_redis, tmp_path, TRUSTED_PROXIES="127.0.0.1")
    statuses, errors, addresses = [], [], []
    rounds = [0, 0, 0]  # visits each visitor completed
    stop = threading.Event()

    def visitor(number):
        browser = Browser(web.port)
        for i in range(100):  # bounded; stops earlier when the test says so
            if stop.is_set():
                return
            try:
                address = f"load{number}-{i}@example.org"
                browser.forwarded_for = f"198.51.{number}.{i + 1}"  # a new visitor each time
                status = browser.subscribe(address, statuses)
                statuses.append(status)
                if status == 200:  # "check your email": the confirmation is queued
                    addresses.append(address)
            except OSError as exc:
                errors.append(repr(exc))
            rounds[number] += 1

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(3)]
    try:
        for thread in threads:
            thread.start()
        wait_for(lambda: min(rounds) >= 2, timeout=60, message="the load to be under way")
        doomed.kill()
        at_kill = list(rounds)
        wait_for(
            lambda: all(r >= k + 2 for r, k in zip(rounds, at_kill, strict=True)),
            timeout=60,
            message="two more visits each after the kill",
        )
        stop.set()
        for thread in threads:
            thread.join(60)
    finally:
        stop.set()
        web.stop()

    assert errors == []
    assert len(statuses) >= 3 * 4 * 2
    assert [s for s in statuses if s >= 500] == []

    def settled():  # beat's relay rounds (the dead worker's emails are due two minutes on)
        OutboundEmail.objects.filter(status="pending").update(next_attempt_at=timezone.now())
        relay_outbox()
        return not OutboundEmail.objects.filter(status__in=["pending", "sending"]).exists()

    wait_for(settled, timeout=60, interval=1, message="every confirmation to be sent")
    copies = [smtp_sink.to(address) for address in addresses]
    assert max(copies) == 1, "a confirmation was sent twice"
    assert OutboundEmail.objects.filter(status="sent").count() >= len(addresses) - 2
    print(f"\n{len(statuses)} requests, {len(addresses)} subscriptions, 0 5xx")

"""A newsletter to 1,000 subscribers survives Redis being stopped partway: a real worker, a
Redis server of the test's own (stopped and started again for real), mail captured as files;
every subscriber ends with exactly one copy."""

import collections
import re
import socket
import subprocess
import time

import pytest
from django.utils import timezone

from eregion.models import OutboundEmail
from eregion.tasks import relay_outbox
from publications import newsletter
from publications.models import Article, NewsletterDelivery, NewsletterIssue, Subscriber
from publications.tasks import resume_newsletters
from tests.conftest import Worker, _UseWorkers, use_broker, wait_for

pytestmark = [
    pytest.mark.celery,
    pytest.mark.faults,
    pytest.mark.django_db(transaction=True),
]

SUBSCRIBERS = 1000


class RedisServer:
    """A redis-server process on a free port, without persistence: stopping it loses every
    queued task, which is what the outbox must survive."""

    def __init__(self, folder):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(self._up, timeout=10, message="redis-server to listen")

    def _up(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()  # abrupt, like a crash: nothing is saved
            self.process.wait()


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def copies_in(mail_dir) -> collections.Counter:
    text = "".join(p.read_text(errors="replace") for p in mail_dir.iterdir())
    return collections.Counter(re.findall(r"^To: (\S+)$", text, flags=re.MULTILINE))


def test_a_newsletter_survives_redis_stopped_partway(
    redis_server, tmp_path, settings, monkeypatch, transactional_db
):
    # Small batches close together, so the outage falls in the middle of the send.
    for name, value in (("NEWSLETTER_BATCH_SIZE", "100"), ("NEWSLETTER_BATCH_INTERVAL", "0.3")):
        monkeypatch.setenv(name, value)
    settings.NEWSLETTER_BATCH_SIZE, settings.NEWSLETTER_BATCH_INTERVAL = 100, 0.3
    Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{i}@example.org", confirmed_at=timezone.now())
        for i in range(SUBSCRIBERS)
    )
    article = Article.objects.create(
        title="Голямата новина", slug="golyama", summary="Резюме.", published_at=timezone.now()
    )
    issue = NewsletterIssue.objects.create(subject="Брой за хиляда")
    issue.articles.add(article)

    switch = _UseWorkers(redis_server.url)
    worker = Worker(redis_server.url, tmp_path / "worker", "news")
    try:
        worker.wait_ready()
        started = time.monotonic()
        assert newsletter.start_sending(issue)

        # Partway: some copies queued and some sent, then Redis is stopped.
        wait_for(
            lambda: OutboundEmail.objects.filter(status="sent").count() >= 150,
            timeout=120,
            message="the first copies to go out",
        )
        redis_server.stop()
        at_stop = NewsletterDelivery.objects.filter(issue=issue).count()
        sent_at_stop = OutboundEmail.objects.filter(status="sent").count()
        time.sleep(3)  # the worker and the batches run into the dead broker
        assert sent_at_stop < SUBSCRIBERS
        redis_server.start()
        use_broker(redis_server.url)  # drop the test process's dead connections

        # The tasks handed to the old Redis are gone; their emails are pending in the outbox.
        # Skip the relay's grace period (two minutes) instead of waiting for it.
        OutboundEmail.objects.filter(status="pending").update(next_attempt_at=timezone.now())

        # What beat does every minute or two: resume stalled issues, relay due emails.
        def beat_done():
            resume_newsletters(stalled_after=1)
            relay_outbox()
            return not OutboundEmail.objects.exclude(status="sent").exists() and (
                NewsletterIssue.objects.get(pk=issue.pk).status == NewsletterIssue.Status.SENT
            )

        wait_for(beat_done, timeout=300, interval=2, message="every copy to be sent")
        elapsed = time.monotonic() - started
        wait_for(
            lambda: sum(copies_in(worker.mail_dir).values()) >= SUBSCRIBERS,
            timeout=30,
            message="the captured mail",
        )
        assert worker.process.poll() is None, worker.log()[-3000:]
    finally:
        switch.restore()
        worker.stop()

    copies = copies_in(worker.mail_dir)
    assert len(copies) == SUBSCRIBERS
    assert set(copies.values()) == {1}, [a for a, n in copies.items() if n > 1][:10]
    assert NewsletterDelivery.objects.filter(issue=issue).count() == SUBSCRIBERS
    assert OutboundEmail.objects.filter(status="sent").count() == SUBSCRIBERS
    print(
        f"\n{SUBSCRIBERS} copies in {elapsed:.1f} s; Redis stopped after {at_stop} queued "
        f"and {sent_at_stop} sent"
    )

"""Redis (the broker and the cache) stopped while people sign up, enrol, staff build a PDF and
send a newsletter (acceptance 2): each change is saved and answered normally, and once Redis is
back the work is done, once: every email delivered exactly once, the PDF built once."""

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from eregion.models import OutboundEmail, User
from eregion.tasks import relay_outbox
from tests.conftest import use_broker, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.celery]


class Outage:
    def __init__(self, redis):
        self.redis = redis

    def __enter__(self):
        self.redis.stop()
        return self

    def __exit__(self, *exc):
        self.redis.start()
        use_broker(f"{self.redis.url}/0")  # drop the connections to the stopped server


def delivered_once(smtp_sink, address, email_filter):
    """Beat's relay, until the email is sent; then once more: still one copy."""

    def sent():
        relay_outbox()
        return OutboundEmail.objects.filter(**email_filter, status="sent").exists()

    wait_for(sent, timeout=45, interval=0.5, message=f"the email to {address}")
    wait_for(lambda: smtp_sink.to(address) >= 1, timeout=10, message="the delivery")
    relay_outbox()
    time.sleep(0.5)
    assert smtp_sink.to(address) == 1


def test_sign_up_while_redis_is_down(workers, app_on_redis, smtp_sink, client):
    workers.start()
    with Outage(app_on_redis):
        started = time.monotonic()
        response = client.post(
            reverse("account-signup"),
            {
                "email": "ana@example.org",
                "full_name": "Ана Петрова",
                "password1": "a long and unusual passphrase",
                "password2": "a long and unusual passphrase",
            },
        )
        answered_in = time.monotonic() - started
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == reverse("account-verify-sent")
        assert User.objects.filter(email="ana@example.org").exists()
        assert OutboundEmail.objects.get(to=["ana@example.org"]).status == "pending"
    print(f"\nsign-up answered in {answered_in:.2f} s with Redis down")
    delivered_once(smtp_sink, "ana@example.org", {"to": ["ana@example.org"]})


def test_enrolment_while_redis_is_down(workers, app_on_redis, smtp_sink, client):
    from tests.trainings.factories import SessionFactory, representative
    from trainings.models import Enrolment

    session = SessionFactory(capacity=5)
    user, organisation = representative(email="ivan@example.org")
    client.force_login(user)
    with Outage(app_on_redis):
        response = client.post(
            reverse("trainings:enrol", args=[session.pk]), {"organisation": organisation.pk}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Enrolment.objects.get(user=user).status == Enrolment.Status.CONFIRMED
    workers.start()
    delivered_once(smtp_sink, "ivan@example.org", {"to": ["ivan@example.org"]})


def test_a_pdf_build_requested_while_redis_is_down(workers, app_on_redis):
    from publications import services
    from publications.models import Build, Publication
    from tests.publications.conftest import ensure_editions

    ensure_editions()
    publication = Publication.objects.get(slug="broshura")
    with Outage(app_on_redis):
        build = services.request_build(publication, "screen", requested_by="test")
        assert build.status == Build.Status.QUEUED
    workers.start()

    # ten minutes later beat's sweeper takes the queued build for lost by the broker
    Build.objects.filter(pk=build.pk).update(requested_at=timezone.now() - timedelta(minutes=11))
    services.recover_stuck_builds()
    wait_for(
        lambda: Build.objects.get(pk=build.pk).status == Build.Status.SUCCEEDED,
        timeout=60,
        message="the build to be rendered",
    )
    assert services.recover_stuck_builds() == []  # and its next rounds find nothing to do
    builds = Build.objects.filter(publication=publication, variant="screen")
    assert [(b.pk, b.status, b.attempts) for b in builds] == [(build.pk, "succeeded", 1)]
    assert build.publication.last_good("screen").file


def test_a_newsletter_started_while_redis_is_down(workers, app_on_redis, smtp_sink, settings):
    from publications import newsletter
    from publications.models import NewsletterIssue, Subscriber
    from publications.tasks import resume_newsletters

    settings.NEWSLETTER_BATCH_INTERVAL = 0.3
    readers = [f"reader{i}@example.org" for i in range(12)]
    Subscriber.objects.bulk_create(
        Subscriber(email=address, confirmed_at=timezone.now()) for address in readers
    )
    issue = NewsletterIssue.objects.create(subject="Брой по време на прекъсване")
    with Outage(app_on_redis):
        assert newsletter.start_sending(issue)  # the first batch cannot be handed to Celery
    workers.start(NEWSLETTER_BATCH_SIZE="5", NEWSLETTER_BATCH_INTERVAL="0.3")

    def done():
        resume_newsletters(stalled_after=0)  # beat: restart the stalled issue
        relay_outbox()
        return NewsletterIssue.objects.get(pk=issue.pk).status == NewsletterIssue.Status.SENT

    wait_for(done, timeout=60, interval=1, message="the issue to be sent")
    wait_for(lambda: all(smtp_sink.to(a) for a in readers), timeout=20, message="the copies")
    relay_outbox()
    time.sleep(1)
    assert [smtp_sink.to(a) for a in readers] == [1] * len(readers)

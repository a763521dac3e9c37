"""Rate limits: atomic, per real client behind the proxy, and on every form that sends email;
sign-up answers the same whether or not the address is registered."""

import os
import threading
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from directory.models import InaccuracyReport
from eregion.models import OutboundEmail, User
from tests.eregion.test_accounts import sign_up as account_sign_up

PROXY = "10.0.0.2"
REPORT_URL = "/directory/obshtina-plovdiv/report/"


def report(client, forwarded, ip=PROXY):
    return client.post(
        REPORT_URL, {"message": "сменен телефон"}, REMOTE_ADDR=ip, HTTP_X_FORWARDED_FOR=forwarded
    )


@pytest.mark.django_db
def test_the_report_limit_is_per_real_client_behind_the_proxy(client, region, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    for _ in range(5):
        assert report(client, "203.0.113.1").status_code == 302
    assert report(client, "203.0.113.1").status_code == 429
    # everybody else, through the same proxy, can still report
    assert report(client, "203.0.113.2").status_code == 302
    assert InaccuracyReport.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_accept_exactly_the_limit(region, settings):
    # The production cache (Redis): its round trips let threads interleave as workers do.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # this run's counters only
        }
    }
    start = threading.Barrier(20)
    codes = []

    def send():
        try:
            start.wait()
            codes.append(report(Client(), "", ip="203.0.113.77").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(codes) == [302] * 5 + [429] * 15
    assert InaccuracyReport.objects.filter(message="сменен телефон").count() == 5


@pytest.mark.django_db
def test_reporting_works_while_the_cache_is_down(client, region, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    assert report(client, "", ip="203.0.113.5").status_code == 302
    assert InaccuracyReport.objects.filter(message="сменен телефон").exists()


@pytest.mark.django_db
def test_150_password_resets_for_one_address_send_a_few_emails(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        codes = [
            client.post(
                reverse("password_reset"), {"email": user.email}, REMOTE_ADDR=f"198.51.100.{n}"
            ).status_code
            for n in range(150)
        ]
    assert set(codes) == {302}  # the same answer every time
    assert OutboundEmail.objects.filter(to=[user.email]).count() == 3
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_one_client_cannot_ask_for_many_resets(client, user):
    codes = [
        client.post(reverse("password_reset"), {"email": f"x{n}@example.org"}).status_code
        for n in range(12)
    ]
    assert codes[:10] == [302] * 10
    assert codes[10:] == [429, 429]


def sign_up(client, email, ip="192.0.2.1"):
    return account_sign_up(client, email, ip=ip)


@pytest.mark.django_db
def test_sign_up_answers_the_same_for_a_registered_address(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = sign_up(Client(), "new-person@example.org")
        taken = sign_up(client, user.email.upper())
    assert new.status_code == taken.status_code == 302
    assert new["Location"] == taken["Location"] == reverse("account-verify-sent")
    page = client.get(taken["Location"]).content.decode()
    assert "Изпратихме писмо до" in page
    assert User.objects.filter(email__iexact=user.email).count() == 1
    # the owner of the taken address is told someone tried
    [to_owner] = [m for m in mail.outbox if m.to == [user.email]]
    assert "вече имате профил" in to_owner.body
    assert "/accounts/password/reset/" in to_owner.body


@pytest.mark.django_db
def test_sign_up_sends_a_few_emails_per_address_and_limits_each_client(client, user):
    for n in range(10):
        sign_up(Client(), user.email, ip=f"192.0.2.{n + 10}")
    assert OutboundEmail.objects.filter(to=[user.email]).count() == 3
    codes = [sign_up(client, f"p{n}@example.org").status_code for n in range(12)]
    assert codes[:10] == [302] * 10 and codes[10:] == [429, 429]


@pytest.mark.django_db
def test_the_verification_email_is_resent_a_few_times_only(client):
    person = User.objects.create_user("x@example.org", "pw-long-enough-1")
    client.force_login(person)
    for _ in range(10):
        client.post(reverse("account-verify-resend"))
    assert OutboundEmail.objects.filter(to=["x@example.org"]).count() == 3


@pytest.mark.django_db
def test_newsletter_confirmations_are_limited_per_address_and_per_client(client):
    for n in range(10):
        response = Client().post(
            reverse("news:subscribe"),
            {"email": "reader@example.org", "topics": ["news"]},
            REMOTE_ADDR=f"192.0.2.{n + 1}",
        )
        assert response.status_code == 200
    assert OutboundEmail.objects.filter(to=["reader@example.org"]).count() <= 3
    codes = [
        client.post(
            reverse("news:subscribe"), {"email": f"r{n}@example.org", "topics": ["news"]}
        ).status_code
        for n in range(12)
    ]
    assert codes[:10] == [200] * 10 and codes[10:] == [429, 429]


@pytest.mark.django_db
def test_enrolment_requests_are_limited_per_person(client):
    from tests.trainings.factories import SessionFactory, representative

    person, organisation = representative()
    session = SessionFactory(capacity=3)
    client.force_login(person)
    url = reverse("trainings:enrol", args=[session.pk])
    codes = [client.post(url, {"organisation": organisation.pk}).status_code for _ in range(21)]
    assert 429 not in codes[:20] and codes[20] == 429

"""Capacity holds under concurrent requests: the session row is locked (PostgreSQL)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from trainings.models import Enrolment

from .factories import EnrolmentFactory, SessionFactory, representative

pytestmark = pytest.mark.django_db(transaction=True)

PARALLEL = 8


def test_parallel_requests_for_the_last_seat_confirm_exactly_one():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter")
    session = SessionFactory(capacity=3)
    EnrolmentFactory.create_batch(2, session=session)  # one seat left
    people = [representative() for _ in range(PARALLEL)]
    url = reverse("trainings:enrol", args=[session.pk])
    start = threading.Barrier(PARALLEL)
    statuses, errors = [], []

    def request(user, organisation):
        try:
            client = Client()
            client.force_login(user)
            start.wait(timeout=30)
            response = client.post(url, {"organisation": organisation.pk})
            statuses.append(response.status_code)
        except Exception as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=request, args=person) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    assert statuses == [302] * PARALLEL
    newcomers = Enrolment.objects.filter(user__in=[u for u, _ in people])
    assert newcomers.filter(status="confirmed").count() == 1
    assert newcomers.filter(status="waiting").count() == PARALLEL - 1
    assert session.enrolments.filter(status="confirmed").count() == 3
    positions = sorted(e.waiting_position for e in newcomers.filter(status="waiting"))
    assert positions == list(range(1, PARALLEL))

"""Enrolment: seats first come first served, a fair waiting list, promotion on cancellation."""

import icalendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from eregion.models import OutboundEmail
from trainings import services
from trainings.models import Enrolment, Session

from .factories import SessionFactory, representative

pytestmark = pytest.mark.django_db


def _enrol_via_page(client, session, user, organisation):
    client.force_login(user)
    return client.post(
        reverse("trainings:enrol", args=[session.pk]), {"organisation": organisation.pk}
    )


def test_twenty_one_people_for_twenty_seats_then_a_cancellation_promotes_the_first_waiting(
    client,
):
    session = SessionFactory(capacity=20)
    people = [representative() for _ in range(21)]
    for user, organisation in people:
        response = _enrol_via_page(client, session, user, organisation)
        assert response.status_code == 302
        assert response["Location"] == reverse("trainings:my")

    statuses = list(
        Enrolment.objects.filter(session=session)
        .order_by("created_at", "pk")
        .values_list("status", flat=True)
    )
    assert statuses == ["confirmed"] * 20 + ["waiting"]
    last_user = people[20][0]
    waiting = Enrolment.objects.get(user=last_user)
    assert waiting.waiting_position == 1

    # the waiting person sees their position on their page
    client.force_login(last_user)
    page = client.get(reverse("trainings:my")).content.decode()
    assert "№1 в списъка" in page
    assert OutboundEmail.objects.filter(to=[last_user.email], subject__contains="чакащите").exists()

    # a confirmed person cancels from their page: no staff action, the waiting one is confirmed
    first_user = people[0][0]
    client.force_login(first_user)
    mine = Enrolment.objects.get(user=first_user)
    assert client.post(reverse("trainings:cancel", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == Enrolment.Status.CANCELLED
    assert waiting.status == Enrolment.Status.CONFIRMED
    assert session.enrolments.filter(status="confirmed").count() == 20
    email = OutboundEmail.objects.filter(to=[last_user.email]).order_by("-pk").first()
    assert "Освободи се място" in email.subject
    assert "calendar.ics" in email.body
    assert waiting.calendar_url() in email.body
    # the invitation itself travels with the email, as an .ics attachment
    [invitation] = email.attachments
    assert (invitation["filename"], invitation["mimetype"]) == ("training.ics", "text/calendar")
    [event] = icalendar.Calendar.from_ical(invitation["content"]).walk("VEVENT")
    assert event.decoded("dtstart") == session.starts_at.replace(microsecond=0)
    assert event["status"] == "CONFIRMED"


def test_the_waiting_list_is_first_come_first_served():
    session = SessionFactory(capacity=1)
    first = services.enrol(session, *representative())
    second = services.enrol(session, *representative())
    third = services.enrol(session, *representative())
    assert [second.waiting_position, third.waiting_position] == [1, 2]
    services.cancel(first)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == "confirmed"
    assert third.waiting_position == 1


def test_cancelling_a_waiting_place_promotes_nobody():
    session = SessionFactory(capacity=1)
    services.enrol(session, *representative())
    waiting = services.enrol(session, *representative())
    behind = services.enrol(session, *representative())
    assert services.cancel(waiting) == []
    behind.refresh_from_db()
    assert behind.status == "waiting" and behind.waiting_position == 1


def test_one_enrolment_per_person_per_session_but_again_after_cancelling():
    session = SessionFactory()
    user, organisation = representative()
    enrolment = services.enrol(session, user, organisation)
    with pytest.raises(ValidationError):
        services.enrol(session, user, organisation)
    services.cancel(enrolment)
    again = services.enrol(session, user, organisation)
    assert again.status == "confirmed"


def test_no_enrolment_outside_the_window_or_for_a_cancelled_session():
    from datetime import timedelta

    from django.utils import timezone

    closed = SessionFactory(enrolment_closes_at=timezone.now() - timedelta(hours=1))
    cancelled = SessionFactory(status=Session.Status.CANCELLED)
    not_yet = SessionFactory(enrolment_opens_at=timezone.now() + timedelta(days=1))
    for session in (closed, cancelled, not_yet):
        with pytest.raises(ValidationError):
            services.enrol(session, *representative())


def test_unverified_people_cannot_enrol():
    user, organisation = representative(email_verified=False)
    with pytest.raises(PermissionDenied):
        services.enrol(SessionFactory(), user, organisation)


def test_raising_the_capacity_fills_seats_from_the_waiting_list():
    session = SessionFactory(capacity=1)
    services.enrol(session, *representative())
    waiting = services.enrol(session, *representative())
    Session.objects.filter(pk=session.pk).update(capacity=2)
    assert services.promote(session) == [waiting]


def test_the_calendar_link_of_an_enrolment_is_a_valid_ics_with_the_online_link_for_the_confirmed(
    client,
):
    session = SessionFactory(online=True, online_url="https://meet.example.org/abc", address="")
    enrolment = services.enrol(session, *representative(), base_url="https://eregion.example/")
    email = OutboundEmail.objects.get(to=[enrolment.user.email])
    assert f"https://eregion.example{enrolment.calendar_url()}" in email.body
    assert "https://meet.example.org/abc" in email.body

    response = client.get(enrolment.calendar_url())
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == session.course.title
    assert event.decoded("DTSTART") == session.starts_at.replace(microsecond=0)
    assert str(event["LOCATION"]) == "https://meet.example.org/abc"


def test_the_online_link_is_shown_only_to_confirmed_participants(client):
    session = SessionFactory(online=True, online_url="https://meet.example.org/abc", capacity=1)
    confirmed = services.enrol(session, *representative())
    waiting = services.enrol(session, *representative())
    assert "meet.example.org" not in client.get(session.get_absolute_url()).content.decode()
    client.force_login(waiting.user)
    assert "meet.example.org" not in client.get(session.get_absolute_url()).content.decode()
    client.force_login(confirmed.user)
    assert "meet.example.org" in client.get(session.get_absolute_url()).content.decode()


def test_cancelling_a_session_tells_everyone_enrolled(client, staff_user):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    session = SessionFactory(capacity=1)
    a = services.enrol(session, *representative())
    b = services.enrol(session, *representative())
    OutboundEmail.objects.all().delete()
    client.force_login(staff_user)
    client.post(
        reverse("admin:trainings_session_changelist"),
        {"action": "cancel_sessions", ACTION_CHECKBOX_NAME: [session.pk]},
    )
    session.refresh_from_db()
    assert session.status == "cancelled"
    recipients = sorted(e.to[0] for e in OutboundEmail.objects.all())
    assert recipients == sorted([a.user.email, b.user.email])
    assert all("отменено" in e.subject for e in OutboundEmail.objects.all())


def test_the_reminder_goes_to_confirmed_participants_only(client, staff_user):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    session = SessionFactory(capacity=1)
    confirmed = services.enrol(session, *representative())
    services.enrol(session, *representative())
    OutboundEmail.objects.all().delete()
    client.force_login(staff_user)
    client.post(
        reverse("admin:trainings_session_changelist"),
        {"action": "send_reminder", ACTION_CHECKBOX_NAME: [session.pk]},
    )
    assert [e.to for e in OutboundEmail.objects.all()] == [[confirmed.user.email]]

"""Sessions as iCalendar (RFC 5545) with the icalendar library: one enrolment's entry (linked
from the emails) and the feed of all sessions."""

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Enrolment, Session

PRODID = "-//e-Region//Trainings//BG"


def _calendar(name):
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _event(session, absolute, uid, show_link=False):
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", session.course.display_title)
    url = absolute(session.get_absolute_url())
    event.add("url", url)
    location = session.place_display
    if session.online and show_link and session.online_url:
        location = session.online_url
    if location:
        event.add("location", location)
    description = [session.course.display_title]
    if session.trainers:
        description.append(_("Обучители: %(names)s") % {"names": session.trainers})
    description.append(url)
    event.add("description", "\n".join(description))
    cancelled = session.status == Session.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def enrolment_calendar(enrolment, absolute) -> bytes:
    cal = _calendar(_("Обучения — e-Region"))
    cal.add("method", "PUBLISH")
    confirmed = enrolment.status == Enrolment.Status.CONFIRMED
    event = _event(
        enrolment.session, absolute, f"enrolment-{enrolment.pk}@eregion", show_link=confirmed
    )
    if enrolment.status == Enrolment.Status.CANCELLED:
        event["status"] = "CANCELLED"
    elif enrolment.status == Enrolment.Status.WAITING:
        event["status"] = "TENTATIVE"
    cal.add_component(event)
    return cal.to_ical()


def sessions_calendar(sessions, absolute) -> bytes:
    cal = _calendar(_("Обучения — e-Region"))
    for session in sessions:
        cal.add_component(_event(session, absolute, f"session-{session.pk}@eregion"))
    return cal.to_ical()

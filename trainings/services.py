"""Enrolment, cancellation and promotion from the waiting list, attendance, completing and
cancelling a session: every change of seats happens with the session row locked.

``base_url`` (e.g. ``request.build_absolute_uri("/")``) makes the links in the emails absolute.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eregion import pagecache
from eregion.mail import queue_email
from ngofamily.models import Organisation

from .models import Certificate, Course, Enrolment, Session


def _absolute(base_url, path):
    return (base_url or "").rstrip("/") + path


def _email(enrolment, template, base_url, **extra):
    from .ical import enrolment_calendar

    session = enrolment.session
    invitation = enrolment_calendar(enrolment, lambda path: _absolute(base_url, path))
    queue_email(
        enrolment.user.email,
        f"trainings/email/{template}",
        {
            "enrolment": enrolment,
            "session": session,
            "course": session.course,
            "calendar_url": _absolute(base_url, enrolment.calendar_url()),
            "session_url": _absolute(base_url, session.get_absolute_url()),
            "my_url": _absolute(base_url, "/trainings/my/"),
            **extra,
        },
        attachments=[("training.ics", invitation.decode(), "text/calendar")],
    )


def _lock(session):
    """The session row, locked until the transaction ends: seat counts cannot change under us."""
    return Session.objects.select_for_update().select_related("course").get(pk=session.pk)


def organisations_for(user, session):
    """The published organisations ``user`` may enrol on behalf of for ``session``."""
    if session.course.audience == Course.Audience.TEAM:
        return Organisation.objects.none()
    return Organisation.objects.published().owned_by(user).order_by("name")


def can_enrol_without_organisation(user, session):
    """Trainings for the association's own team: its staff enrol as themselves."""
    return session.course.audience == Course.Audience.TEAM and user.is_staff


def enrol(session, user, organisation=None, *, base_url=""):
    """Give ``user`` a seat on ``session``, or a place at the end of its waiting list.

    Raises ``PermissionDenied`` for an organisation the user may not act for and
    ``ValidationError`` when enrolment is closed or they are already enrolled.
    """
    if not (user.is_authenticated and user.email_verified and user.is_active):
        raise PermissionDenied
    if organisation is None:
        if not can_enrol_without_organisation(user, session):
            raise PermissionDenied
    elif not organisations_for(user, session).filter(pk=organisation.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        session = _lock(session)
        if not session.is_enrolment_open():
            raise ValidationError(_("Записването за това провеждане не е отворено."))
        if session.enrolments.active().filter(user=user).exists():
            raise ValidationError(_("Вече сте записани за това провеждане."))
        confirmed = session.enrolments.filter(status=Enrolment.Status.CONFIRMED).count()
        now = timezone.now()
        enrolment = Enrolment(session=session, user=user, organisation=organisation)
        if confirmed < session.capacity:
            enrolment.status = Enrolment.Status.CONFIRMED
            enrolment.confirmed_at = now
        else:
            enrolment.status = Enrolment.Status.WAITING
        enrolment.created_at = now
        enrolment.save()
        if enrolment.status == Enrolment.Status.CONFIRMED:
            _email(enrolment, "confirmed", base_url)
        else:
            _email(enrolment, "waiting", base_url, position=enrolment.waiting_position)
    return enrolment


def cancel(enrolment, *, base_url=""):
    """Give up a seat or a waiting place; a freed seat goes at once to the first waiting."""
    with transaction.atomic():
        session = _lock(enrolment.session)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status == Enrolment.Status.CANCELLED:
            return []
        if session.status in (Session.Status.COMPLETED, Session.Status.CANCELLED):
            raise ValidationError(_("Това провеждане вече е приключило или е отменено."))
        enrolment.status = Enrolment.Status.CANCELLED
        enrolment.cancelled_at = timezone.now()
        enrolment.attended = False
        enrolment.save(update_fields=["status", "cancelled_at", "attended"])
        return _promote(session, base_url)


def promote(session, *, base_url=""):
    """Fill free seats from the waiting list (after staff raise the capacity, say)."""
    with transaction.atomic():
        return _promote(_lock(session), base_url)


def _promote(session, base_url):
    """Confirm the first waiting while seats remain; the session row must be locked."""
    if session.status in (Session.Status.COMPLETED, Session.Status.CANCELLED):
        return []
    free = session.capacity - session.enrolments.filter(status=Enrolment.Status.CONFIRMED).count()
    if free <= 0:
        return []
    promoted = list(
        session.enrolments.waiting_in_order().select_related("user").select_for_update()[:free]
    )
    now = timezone.now()
    for enrolment in promoted:
        enrolment.status = Enrolment.Status.CONFIRMED
        enrolment.confirmed_at = now
        enrolment.save(update_fields=["status", "confirmed_at"])
        enrolment.session = session
        _email(enrolment, "promoted", base_url)
    return promoted


def mark_attendance(session, attended_ids):
    """Staff's roll call: exactly the confirmed enrolments in ``attended_ids`` attended."""
    with transaction.atomic():
        session = _lock(session)
        if session.status == Session.Status.CANCELLED:
            raise ValidationError(_("Провеждането е отменено."))
        confirmed = session.enrolments.filter(status=Enrolment.Status.CONFIRMED)
        ids = {int(i) for i in attended_ids}
        confirmed.filter(pk__in=ids).update(attended=True)
        confirmed.exclude(pk__in=ids).filter(certificate__isnull=True).update(attended=False)
        pagecache.bump()  # the results count who attended; update() sends no signals
        return confirmed.filter(attended=True).count()


def complete(session, *, base_url=""):
    """Mark the session held and issue one certificate per attendee (rendered in the background).

    Safe to repeat: attendees who already have a certificate get no second one.
    """
    from .tasks import enqueue_certificate

    with transaction.atomic():
        session = _lock(session)
        if session.status == Session.Status.CANCELLED:
            raise ValidationError(_("Провеждането е отменено."))
        if session.status != Session.Status.COMPLETED:
            session.status = Session.Status.COMPLETED
            session.save(update_fields=["status"])
        new = []
        attendees = session.enrolments.attended().filter(certificate__isnull=True)
        for enrolment in attendees.select_related("user"):
            new.append(
                Certificate.objects.create(
                    enrolment=enrolment,
                    holder_name=enrolment.user.get_full_name(),
                )
            )
        for certificate in new:
            enqueue_certificate(certificate.pk, base_url)
        return new


def cancel_session(session, *, base_url=""):
    """Cancel a session and tell everyone who held a seat or a waiting place."""
    with transaction.atomic():
        session = _lock(session)
        if session.status == Session.Status.CANCELLED:
            return 0
        if session.status == Session.Status.COMPLETED:
            raise ValidationError(_("Проведено обучение не може да бъде отменено."))
        session.status = Session.Status.CANCELLED
        session.save(update_fields=["status"])
        active = list(session.enrolments.active().select_related("user"))
        for enrolment in active:
            enrolment.session = session
            _email(enrolment, "session_cancelled", base_url)
        return len(active)


def send_reminder(session, *, base_url=""):
    """Remind everyone with a confirmed seat of the date, place and calendar entry."""
    with transaction.atomic():
        confirmed = list(
            session.enrolments.filter(status=Enrolment.Status.CONFIRMED).select_related("user")
        )
        for enrolment in confirmed:
            enrolment.session = session
            _email(enrolment, "reminder", base_url)
        return len(confirmed)

"""Trainings: the public calendar, course and session pages, enrolment and "my trainings",
staff's roll call and exports, certificate verification, feedback and the results page."""

import csv
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eregion import throttle
from eregion.client_ip import client_ip
from ngofamily.models import Answer, Response

from . import services
from .forms import EnrolForm, FeedbackForm
from .ical import enrolment_calendar, sessions_calendar
from .models import Certificate, Course, Enrolment, Feedback, Session


def _base_url(request):
    return request.build_absolute_uri("/")


def verified_required(view):
    """Logged in with a confirmed email address (else: to login, or to the profile to confirm)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.email_verified:
            messages.warning(request, _("Първо потвърдете имейла си."))
            return redirect("account-profile")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def staff_required(view):
    """Staff only: anonymous visitors go to login, signed-in outsiders get 403."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- Public pages ---------------------------------------------------------------------------


def index(request):
    """Upcoming sessions with seats left and waiting lists, the courses, past sessions."""
    now = timezone.now()
    context = {
        "upcoming": Session.objects.listed().upcoming(now),
        "past": Session.objects.listed().past(now).order_by("-starts_at")[:20],
        "courses": Course.objects.all(),
    }
    return render(request, "trainings/index.html", context)


def course(request, slug):
    course = get_object_or_404(Course, slug=slug)
    now = timezone.now()
    sessions = Session.objects.listed().filter(course=course)
    context = {
        "course": course,
        "upcoming": sessions.upcoming(now),
        "past": sessions.past(now).order_by("-starts_at"),
    }
    return render(request, "trainings/course.html", context)


def session(request, pk):
    session = get_object_or_404(Session.objects.listed(), pk=pk)
    enrolment = None
    form = None
    can_enrol_alone = False
    if request.user.is_authenticated:
        enrolment = (
            session.enrolments.active().filter(user=request.user).select_related("organisation")
        ).first()
        if enrolment is None and session.is_enrolment_open():
            organisations = services.organisations_for(request.user, session)
            can_enrol_alone = services.can_enrol_without_organisation(request.user, session)
            if organisations.exists():
                form = EnrolForm(organisations=organisations)
    context = {
        "session": session,
        "enrolment": enrolment,
        "form": form,
        "can_enrol_alone": can_enrol_alone,
        "enrolment_open": session.is_enrolment_open(),
    }
    return render(request, "trainings/session.html", context)


@require_POST
@verified_required
def enrol(request, pk):
    session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
    if not throttle.allow_all(enrol_ip=client_ip(request), enrol_user=str(request.user.pk)):
        return render(request, "eregion/rate_limited.html", status=429)
    organisation = None
    if not services.can_enrol_without_organisation(request.user, session):
        # Only the user's own published organisations are choices: anything else is a 404.
        form = EnrolForm(
            request.POST, organisations=services.organisations_for(request.user, session)
        )
        if not form.is_valid():
            raise Http404
        organisation = form.cleaned_data["organisation"]
    try:
        enrolment = services.enrol(session, request.user, organisation, base_url=_base_url(request))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(session)
    if enrolment.status == Enrolment.Status.CONFIRMED:
        messages.success(
            request,
            _(
                "Мястото ви е потвърдено. Изпратихме ви имейл с подробностите "
                "и покана за календара."
            ),
        )
    else:
        messages.info(
            request,
            _(
                "Местата са заети: вие сте %(position)d-и в списъка на чакащите. "
                "Ще ви пишем, ако се освободи място."
            )
            % {"position": enrolment.waiting_position},
        )
    return redirect("trainings:my")


@login_required
def my_trainings(request):
    enrolments = (
        Enrolment.objects.filter(user=request.user)
        .select_related(
            "session__course",
            "session__settlement",
            "organisation",
            "certificate",
            "feedback",
        )
        .order_by("-session__starts_at", "-pk")
    )
    enrolments = list(enrolments)
    for e in enrolments:
        e.position = e.waiting_position  # a query only for the (few) waiting ones
    return render(request, "trainings/my.html", {"enrolments": enrolments, "now": timezone.now()})


def _own_enrolment(request, pk):
    return get_object_or_404(
        Enrolment.objects.select_related("session__course", "user"), pk=pk, user=request.user
    )


@login_required
def cancel(request, pk):
    """Confirm (GET) and cancel (POST) one's own enrolment."""
    enrolment = _own_enrolment(request, pk)
    if request.method == "POST":
        try:
            services.cancel(enrolment, base_url=_base_url(request))
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Записването ви е отказано."))
        return redirect("trainings:my")
    return render(request, "trainings/cancel.html", {"enrolment": enrolment})


def enrolment_ical(request, token):
    """One enrolment's calendar entry; the link in the emails works without signing in."""
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("session__course", "session__settlement"), token=token
    )
    body = enrolment_calendar(enrolment, request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="training.ics"'
    return response


def sessions_ical(request):
    """The sessions of the last year and to come, as an iCalendar feed; cancelled ones stay in
    it marked CANCELLED, so that subscribed calendars drop them."""
    sessions = Session.objects.filter(
        starts_at__gte=timezone.now() - timedelta(days=365)
    ).select_related("course", "settlement")
    body = sessions_calendar(sessions, request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="trainings.ics"'
    return response


# --- Certificates ---------------------------------------------------------------------------


def certificate(request, code):
    found = (
        Certificate.objects.select_related("enrolment__session__course", "enrolment__organisation")
        .filter(code=code)
        .first()
    )
    if found is None:
        return render(request, "trainings/certificate_not_found.html", {"code": code}, status=404)
    return render(request, "trainings/certificate.html", {"certificate": found})


def certificate_pdf(request, code):
    found = get_object_or_404(Certificate, code=code, status=Certificate.Status.READY)
    return FileResponse(
        found.file.open("rb"),
        content_type="application/pdf",
        filename=f"certificate-{found.number}.pdf",
    )


# --- Feedback -------------------------------------------------------------------------------


@login_required
def feedback(request, pk):
    enrolment = _own_enrolment(request, pk)
    if not enrolment.can_give_feedback:
        raise PermissionDenied
    if Feedback.objects.filter(enrolment=enrolment).exists():
        messages.info(request, _("Вече оценихте това обучение. Благодарим!"))
        return redirect("trainings:my")
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.enrolment = enrolment
        form.save()
        messages.success(request, _("Благодарим за оценката!"))
        return redirect("trainings:my")
    return render(request, "trainings/feedback.html", {"enrolment": enrolment, "form": form})


@staff_required
def feedback_summary(request):
    """Average ratings per session and per course, for staff."""
    averages = {
        "avg_content": Avg("content"),
        "avg_trainer": Avg("trainer"),
        "avg_organisation": Avg("organisation"),
        "responses": Count("pk"),
    }
    by_course = (
        Feedback.objects.values("enrolment__session__course__title")
        .annotate(**averages)
        .order_by("enrolment__session__course__title")
    )
    by_session = (
        Feedback.objects.values(
            "enrolment__session_id",
            "enrolment__session__course__title",
            "enrolment__session__starts_at",
        )
        .annotate(**averages)
        .order_by("-enrolment__session__starts_at")
    )
    comments = Feedback.objects.exclude(comment="").select_related("enrolment__session__course")[
        :50
    ]
    return render(
        request,
        "trainings/feedback_summary.html",
        {"by_course": by_course, "by_session": by_session, "comments": comments},
    )


# --- Staff: roll call and exports -----------------------------------------------------------


@staff_required
def roll_call(request, pk):
    """Mark who attended (a list of large checkboxes that works on a phone) and complete."""
    session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
    if request.method == "POST":
        try:
            count = services.mark_attendance(session, request.POST.getlist("attended"))
            message = _("Присъствието е записано: %(count)d души.") % {"count": count}
            if "complete" in request.POST:
                issued = services.complete(session, base_url=_base_url(request))
                message += " " + _(
                    "Обучението е отбелязано като проведено; сертификати: %(n)d."
                ) % {"n": len(issued)}
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, message)
        return redirect("trainings:roll-call", pk=session.pk)
    enrolments = session.enrolments.filter(status=Enrolment.Status.CONFIRMED).select_related(
        "user", "organisation", "certificate"
    )
    return render(
        request, "trainings/roll_call.html", {"session": session, "enrolments": enrolments}
    )


PARTICIPANT_HEADERS = [
    "name", "email", "phone", "organisation", "eik", "province", "status", "waiting_position",
    "attended", "enrolled_at", "certificate",
]  # fmt: skip


def _participant_rows(session):
    enrolments = (
        session.enrolments.active()
        .select_related("user", "organisation__province", "certificate")
        .order_by("status", "created_at", "pk")
    )
    position = 0
    for e in enrolments:
        if e.status == Enrolment.Status.WAITING:
            position += 1
        cert = getattr(e, "certificate", None)
        yield [
            e.user.get_full_name(),
            e.user.email,
            e.user.phone,
            e.organisation.name if e.organisation else "",
            (e.organisation.eik or "") if e.organisation else "",
            e.organisation.province.name if e.organisation and e.organisation.province else "",
            e.get_status_display(),
            position if e.status == Enrolment.Status.WAITING else "",
            "yes" if e.attended else "no",
            timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
            cert.number if cert else "",
        ]


@staff_required
def participants_export(request, pk, fmt):
    """The session's participants as CSV or XLSX (staff only: personal data)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    session = get_object_or_404(Session.objects.select_related("course"), pk=pk)
    filename = f"participants-{session.course.slug}-{timezone.localtime(session.starts_at):%Y%m%d}"
    rows = list(_participant_rows(session))
    if fmt == "xlsx":
        import tablib

        data = tablib.Dataset(*rows, headers=PARTICIPANT_HEADERS, title="participants")
        response = HttpResponse(
            data.export("xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(PARTICIPANT_HEADERS)
    writer.writerows(rows)
    return response


# --- Results (the figures reported to the funder) --------------------------------------------


def _results():
    """Trained (attended) people per course against its target, by province and organisation."""
    attended = Q(sessions__enrolments__status="confirmed", sessions__enrolments__attended=True)
    courses = list(
        Course.objects.annotate(
            trained=Count("sessions__enrolments__user", filter=attended, distinct=True)
        )
    )
    # Organisations that asked for the topic in a needs survey (ngofamily's Answer rows).
    asked = dict(
        Answer.objects.filter(
            question__training_topics=True,
            response__status=Response.Status.SUBMITTED,
            response__organisation__isnull=False,
        )
        .values("choice")
        .annotate(n=Count("response__organisation", distinct=True))
        .values_list("choice", "n")
    )
    for c in courses:
        c.percent = min(round(c.trained * 100 / c.target), 100) if c.target else 100
        c.asked = asked.get(c.slug, 0) if c.audience == Course.Audience.NGO else None
    groups = (
        Enrolment.objects.attended()
        .values(
            "session__course_id",
            "organisation_id",
            "organisation__name",
            "organisation__slug",
            "organisation__province__name",
            "organisation__province__name_latin",
        )
        .annotate(trained=Count("user", distinct=True))
        .order_by("organisation__province__name", "organisation__name")
    )
    by_province, by_organisation = {}, {}
    index = {c.pk: i for i, c in enumerate(courses)}
    for g in groups:
        i = index[g["session__course_id"]]
        province = g["organisation__province__name"] or ""
        row = by_province.setdefault(
            province,
            {
                "name": province,
                "name_latin": g["organisation__province__name_latin"] or "",
                "counts": [0] * len(courses),
            },
        )
        row["counts"][i] += g["trained"]
        org = by_organisation.setdefault(
            g["organisation_id"],
            {
                "name": g["organisation__name"] or "",
                "slug": g["organisation__slug"],
                "province": province,
                "counts": [0] * len(courses),
            },
        )
        org["counts"][i] += g["trained"]
    for row in [*by_province.values(), *by_organisation.values()]:
        row["total"] = sum(row["counts"])
    return courses, list(by_province.values()), list(by_organisation.values())


def results(request):
    courses, by_province, by_organisation = _results()
    return render(
        request,
        "trainings/results.html",
        {"courses": courses, "by_province": by_province, "by_organisation": by_organisation},
    )


def results_csv(request):
    courses, by_province, by_organisation = _results()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="trainings-results.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        ["level", "course", "audience", "province", "organisation", "trained", "target"]
    )
    for c in courses:
        writer.writerow(["course", c.title, c.audience, "", "", c.trained, c.target])
    for row in by_province:
        for c, n in zip(courses, row["counts"], strict=True):
            if n:
                writer.writerow(["province", c.title, c.audience, row["name"], "", n, ""])
    for row in by_organisation:
        for c, n in zip(courses, row["counts"], strict=True):
            if n:
                writer.writerow(
                    ["organisation", c.title, c.audience, row["province"], row["name"], n, ""]
                )
    return response

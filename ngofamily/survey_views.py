"""The needs-assessment survey: answering (organisations, and anonymous citizens when a survey
allows it), section by section with drafts; the aggregate results; staff exports."""

import csv
import io
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from directory.models import Province
from eregion import throttle
from eregion.client_ip import client_ip

from . import survey_results
from .models import FieldOfActivity, Organisation
from .models.survey import Answer, Response, Survey
from .survey_forms import SectionForm, save_section

PUBLIC_STARTS_PER_HOUR = 5
SESSION_KEY = "survey-anonymous"


def _survey(slug):
    return get_object_or_404(Survey, slug=slug)


def _answerable(user):
    """The published organisations a person may answer for: those they own or co-edit."""
    return Organisation.objects.owned_by(user).published().order_by("name")


def index(request):
    surveys = Survey.objects.open_now()
    return render(request, "ngofamily/survey/index.html", {"surveys": surveys})


def detail(request, slug):
    survey = _survey(slug)
    organisations = []
    if request.user.is_authenticated:
        responses = {
            r.organisation_id: r
            for r in Response.objects.filter(
                survey=survey, organisation__in=_answerable(request.user)
            )
        }
        organisations = [(o, responses.get(o.pk)) for o in _answerable(request.user)]
    return render(
        request,
        "ngofamily/survey/detail.html",
        {
            "survey": survey,
            "organisations": organisations,
            "is_open": survey.is_open(),
            "sections": survey.sections.all(),
            "can_see_results": _can_see_results(request.user, survey),
        },
    )


@require_POST
@login_required
def start(request, slug):
    """Start the one response of an organisation. A second one is refused by the database;
    the person is sent to edit the existing one instead."""
    survey = _survey(slug)
    if not survey.is_open():
        raise PermissionDenied
    pk = request.POST.get("organisation", "")
    organisation = get_object_or_404(_answerable(request.user), pk=pk if pk.isdigit() else 0)
    try:
        with transaction.atomic():
            response = Response.objects.create(survey=survey, organisation=organisation)
    except IntegrityError:
        response = Response.objects.get(survey=survey, organisation=organisation)
        messages.info(
            request,
            _(
                "„%(name)s“ вече има отговор на тази анкета. Втори не се приема: "
                "можете да промените съществуващия."
            )
            % {"name": organisation.name},
        )
    return redirect("survey:section", slug=survey.slug, pk=response.pk, number=1)


@require_http_methods(["GET", "POST"])
def start_public(request, slug):
    """An anonymous response when the survey allows it: no personal data, a few an hour from
    one address. GET shows the button that starts it: the survey's own page links here, so
    that it carries no form (and no CSRF token) and caches can keep it."""
    survey = _survey(slug)
    if not (survey.allows_public and survey.is_open()):
        raise Http404
    if request.method == "GET":
        return render(request, "ngofamily/survey/start_public.html", {"survey": survey})
    if not throttle.allow(f"survey-public-{survey.pk}", client_ip(request), PUBLIC_STARTS_PER_HOUR):
        return render(request, "ngofamily/survey/rate_limited.html", {"survey": survey}, status=429)
    response = Response.objects.create(survey=survey, anonymous_key=secrets.token_urlsafe(32))
    request.session[SESSION_KEY] = {
        **request.session.get(SESSION_KEY, {}),
        str(response.pk): response.anonymous_key,
    }
    return redirect("survey:section", slug=survey.slug, pk=response.pk, number=1)


def _own_response(request, slug, pk):
    """The response the visitor may answer: their organisation's, or their anonymous one."""
    response = get_object_or_404(
        Response.objects.select_related("survey", "organisation"), pk=pk, survey__slug=slug
    )
    if response.organisation_id:
        if not (
            response.organisation.is_published and response.organisation.is_owner(request.user)
        ):
            raise Http404
    else:
        keys = request.session.get(SESSION_KEY, {})
        if not response.anonymous_key or keys.get(str(pk)) != response.anonymous_key:
            raise Http404
    return response


def _sections(survey):
    sections = list(survey.sections.all())
    questions = {}
    for question in survey.questions():
        questions.setdefault(question.section_id, []).append(question)
    return [(s, questions.get(s.pk, [])) for s in sections]


def _values_before(response, sections, number):
    """Stored answers of the earlier sections, for the conditions of this one."""
    earlier = {q.pk for _s, qs in sections[: number - 1] for q in qs}
    return {k: v for k, v in response.values().items() if k in earlier}


def section(request, slug, pk, number):
    response = _own_response(request, slug, pk)
    survey = response.survey
    sections = _sections(survey)
    if not 1 <= number <= len(sections):
        raise Http404
    current, questions = sections[number - 1]
    closed = not survey.is_open()
    earlier = _values_before(response, sections, number)
    stored = list(response.answers.filter(question__section=current))
    if request.method == "POST":
        if closed:
            raise PermissionDenied
        form = SectionForm(questions, request.POST, earlier=earlier)
        if form.is_valid():
            with transaction.atomic():
                save_section(response, form)
                response.last_section = max(response.last_section, number)
                response.save(update_fields=["last_section", "updated_at"])
            if "save_exit" in request.POST:
                messages.success(
                    request,
                    _("Отговорите са запазени като чернова. Можете да продължите по-късно."),
                )
                return redirect(survey)
            if number < len(sections):
                return redirect("survey:section", slug=slug, pk=pk, number=number + 1)
            return redirect("survey:review", slug=slug, pk=pk)
        status = 400
    else:
        form = SectionForm(questions, earlier=earlier, answers=stored)
        status = 200
    return render(
        request,
        "ngofamily/survey/section.html",
        {
            "survey": survey,
            "response": response,
            "section": current,
            "number": number,
            "count": len(sections),
            "steps": [s for s, _q in sections],
            "form": form,
            "items": form.rendered_questions(),
            "closed": closed,
            "earlier": earlier,
        },
        status=status,
    )


def _missing(response, sections):
    """Required questions, shown under the stored answers, that have no answer yet."""
    values = response.values()
    missing = []
    for number, (_section, questions) in enumerate(sections, 1):
        for question in questions:
            if question.required and question.condition_met(values) and question.pk not in values:
                missing.append((number, question))
    return missing


def review(request, slug, pk):
    response = _own_response(request, slug, pk)
    survey = response.survey
    sections = _sections(survey)
    missing = _missing(response, sections)
    if request.method == "POST":
        if not survey.is_open():
            raise PermissionDenied
        if not missing:
            with transaction.atomic():
                _drop_hidden(response, sections)
                if response.status != Response.Status.SUBMITTED:
                    response.status = Response.Status.SUBMITTED
                    response.submitted_at = timezone.now()
                response.save()
            messages.success(
                request,
                _("Благодарим! Отговорът е изпратен. Можете да го променяте до %(date)s.")
                % {"date": survey.closes_on.strftime("%d.%m.%Y") if survey.closes_on else "—"},
            )
            return redirect(survey)
    values = response.values()
    answers = {}
    for answer in response.answers.all():
        answers.setdefault(answer.question_id, []).append(answer)
    listing = [
        (
            number,
            section,
            [
                (q, survey_results._display(q, answers[q.pk]) if q.pk in answers else None)
                for q in questions
                if q.condition_met(values)
            ],
        )
        for number, (section, questions) in enumerate(sections, 1)
    ]
    return render(
        request,
        "ngofamily/survey/review.html",
        {
            "survey": survey,
            "response": response,
            "listing": listing,
            "missing": missing,
            "closed": not survey.is_open(),
            "count": len(sections),
            "steps": [s for s, _q in sections],
        },
        status=400 if request.method == "POST" else 200,
    )


def _drop_hidden(response, sections):
    """Answers to questions whose condition no longer holds (an earlier answer changed)."""
    values = {}
    hidden = []
    stored = response.values()
    for _section, questions in sections:
        for question in questions:
            if question.condition_met(values):
                if question.pk in stored:
                    values[question.pk] = stored[question.pk]
            else:
                hidden.append(question.pk)
    Answer.objects.filter(response=response, question_id__in=hidden).delete()


# --- Results ----------------------------------------------------------------------------------


def _can_see_results(user, survey):
    return survey.results_public or (user.is_authenticated and user.is_staff)


def results(request, slug):
    survey = _survey(slug)
    is_staff = request.user.is_authenticated and request.user.is_staff
    if not _can_see_results(request.user, survey):
        raise Http404
    choices = {
        "province": Province.objects.filter(code__in=settings.REGION_PROVINCES).order_by("name"),
        "legal_form": Organisation.LegalForm.choices,
        "field": list(FieldOfActivity.objects.all()),
    }
    # Only known values reach the query (a NUL byte or junk is ignored, never a 500).
    allowed = {
        "province": set(settings.REGION_PROVINCES),
        "legal_form": set(Organisation.LegalForm.values),
        "field": {f.slug for f in choices["field"]},
        "family": {"yes", "no"},
    }
    params = {
        k: v if (v := request.GET.get(k, "")) in values else "" for k, values in allowed.items()
    }
    responses = survey_results.filter_responses(
        Response.objects.submitted().filter(survey=survey), **params
    ).distinct()
    total = responses.count()
    hidden = total < survey_results.MIN_GROUP and not is_staff
    sections = [] if hidden else survey_results.summarise(survey, responses, with_texts=is_staff)
    return render(
        request,
        "ngofamily/survey/results.html",
        {
            "survey": survey,
            "choices": choices,
            "params": params,
            "filtered": any(params.values()),
            "total": total,
            "hidden": hidden,
            "small": total < survey_results.MIN_GROUP,
            "min_group": survey_results.MIN_GROUP,
            "sections": sections,
            "rate": survey_results.response_rate(
                survey, visible_min=0 if is_staff else survey_results.MIN_GROUP
            ),
            "is_staff": is_staff,
        },
    )


def _staff_only(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    if not request.user.is_staff:
        raise PermissionDenied
    return None


def export(request, slug, fmt):
    """All responses, one row each, without personal data (staff only)."""
    refused = _staff_only(request)
    if refused:
        return refused
    if fmt not in ("csv", "xlsx"):
        raise Http404
    survey = _survey(slug)
    header, rows = survey_results.export_rows(survey)
    filename = f"survey-{survey.slug}"
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(header)
        writer.writerows(rows)
        return response
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("responses")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response

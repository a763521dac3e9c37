"""The NGO family: what it is, its members, applying and leaving, areas of joint work, the work
plan with progress updates, and an iCal feed of its due dates."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import AreaMembershipForm, FamilyApplicationForm, PlanFilterForm, ProgressUpdateForm
from .models import (
    FamilyCharter,
    FamilyMembership,
    Organisation,
    ProgressUpdate,
    WorkArea,
    WorkPlanItem,
)


def _areas():
    return WorkArea.objects.select_related("coordinator").prefetch_related(
        Prefetch("members", queryset=Organisation.objects.only("name", "name_latin", "slug"))
    )


def index(request):
    members = (
        Organisation.objects.published()
        .family_members()
        .select_related("settlement", "province")
        .order_by("name")
    )
    return render(
        request,
        "ngofamily/family/index.html",
        {
            "charter": FamilyCharter.current(),
            "members": members,
            "areas": _areas(),
            "can_apply": _applicable(request.user).exists(),
            "my_members": services.member_organisations_of(request.user),
        },
    )


def charter(request):
    return render(request, "ngofamily/family/charter.html", {"charter": FamilyCharter.current()})


def _applicable(user):
    return (
        Organisation.objects.owned_by(user)
        .published()
        .exclude(
            family_memberships__status__in=[
                FamilyMembership.Status.APPLIED,
                FamilyMembership.Status.APPROVED,
            ]
        )
    )


@login_required
def apply(request):
    """Owners of published organisations apply to join, accepting the charter."""
    organisations = _applicable(request.user)
    if not organisations.exists():
        owned = Organisation.objects.owned_by(request.user).order_by("name").first()
        if owned is None:
            raise PermissionDenied(
                _(
                    "Кандидатстват собственици на публикувани организации: първо регистрирайте "
                    "организацията си в каталога на НПО."
                )
            )
        raise PermissionDenied(services.refusal_to_apply(owned, request.user))
    form = FamilyApplicationForm(request.POST or None)
    form.set_organisations(organisations)
    if request.method == "POST" and form.is_valid():
        services.apply_to_family(
            form.cleaned_data["organisation"], request.user, form.cleaned_data["motivation"]
        )
        messages.success(
            request, _("Кандидатурата е подадена. Ще ви пишем, когато бъде разгледана.")
        )
        return redirect("family:index")
    return render(
        request, "ngofamily/family/apply.html", {"form": form, "charter": FamilyCharter.current()}
    )


@require_POST
@login_required
def leave(request, slug):
    # An organisation the person may not see answers as an unknown one (no existence oracle).
    organisation = get_object_or_404(Organisation, slug=slug)
    if not organisation.can_view(request.user):
        raise Http404
    services.leave_family(organisation, request.user)
    messages.success(request, _("„%(name)s“ напусна фамилията НПО.") % {"name": organisation.name})
    return redirect("family:index")


def areas(request):
    return render(request, "ngofamily/family/areas.html", {"areas": _areas()})


def area(request, slug):
    work_area = get_object_or_404(_areas(), slug=slug)
    my_members = services.member_organisations_of(request.user)
    member_ids = {m.pk for m in work_area.members.all()}
    return render(
        request,
        "ngofamily/family/area.html",
        {
            "area": work_area,
            "items": work_area.items.with_people(),
            "can_join": [o for o in my_members if o.pk not in member_ids],
            "can_leave": [o for o in my_members if o.pk in member_ids],
        },
    )


def _area_action(request, slug, action):
    work_area = get_object_or_404(WorkArea, slug=slug)
    organisations = services.member_organisations_of(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = AreaMembershipForm(request.POST)
    form.set_organisations(organisations)
    if not form.is_valid():
        raise PermissionDenied
    action(work_area, form.cleaned_data["organisation"], request.user)
    return work_area


@require_POST
@login_required
def area_join(request, slug):
    """Only owners of family member organisations may add them to an area."""
    work_area = _area_action(request, slug, services.join_area)
    messages.success(request, _("Организацията участва в „%(area)s“.") % {"area": work_area})
    return redirect(work_area)


@require_POST
@login_required
def area_leave(request, slug):
    work_area = _area_action(request, slug, services.leave_area)
    messages.success(request, _("Организацията напусна „%(area)s“.") % {"area": work_area})
    return redirect(work_area)


def _plan_items(request):
    form = PlanFilterForm(request.GET or None)
    items = WorkPlanItem.objects.with_people().order_by("due_date", "pk")
    if form.is_valid():
        if form.cleaned_data["status"]:
            items = items.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["area"]:
            items = items.filter(area__slug=form.cleaned_data["area"])
    return form, items


def plan(request):
    """The work plan by area and as a timeline, filterable by status and area."""
    form, items = _plan_items(request)
    items = list(items)
    by_area = {}
    for item in items:
        by_area.setdefault(item.area, []).append(item)
    dated = [i for i in items if i.start_date or i.due_date]
    timeline = []
    if dated:
        first = min(i.start_date or i.due_date for i in dated)
        last = max(i.due_date or i.start_date for i in dated)
        span = max((last - first).days, 1)
        for item in sorted(dated, key=lambda i: (i.start_date or i.due_date, i.pk)):
            start = item.start_date or item.due_date
            end = item.due_date or item.start_date
            offset = round((start - first).days * 100 / span)
            width = max(round((end - start).days * 100 / span), 2)
            # CSS classes instead of style="" attributes (strict CSP): 5 % steps.
            timeline.append(
                {
                    "item": item,
                    "offset": min(offset // 5 * 5, 95),
                    "width": max(min(width // 5 * 5, 100 - offset // 5 * 5), 5),
                }
            )
    area_list = WorkArea.objects.only("name", "name_en", "slug")
    query = request.GET.urlencode()
    return render(
        request,
        "ngofamily/family/plan.html",
        {
            "form": form,
            "by_area": by_area,
            "timeline": timeline,
            "area_list": area_list,
            "today": timezone.localdate(),
            "ical_url": reverse("family:plan-ical") + (f"?{query}" if query else ""),
        },
    )


def item(request, pk):
    plan_item = get_object_or_404(WorkPlanItem.objects.with_people(), pk=pk)
    mine = plan_item.responsible_organisations_of(request.user).filter(
        pk__in=services.member_organisations_of(request.user).values("pk")
    )
    form = None
    if mine.exists():
        form = ProgressUpdateForm(initial={"date": timezone.localdate()})
        form.set_organisations(mine)
    return render(
        request,
        "ngofamily/family/item.html",
        {
            "item": plan_item,
            "updates": plan_item.updates.select_related("organisation"),
            "form": form,
        },
    )


@require_POST
@login_required
def progress(request, pk):
    """Only owners of the item's responsible member organisations post progress updates."""
    plan_item = get_object_or_404(WorkPlanItem, pk=pk)
    mine = plan_item.responsible_organisations_of(request.user).filter(
        pk__in=services.member_organisations_of(request.user).values("pk")
    )
    if not mine.exists():
        raise PermissionDenied
    form = ProgressUpdateForm(request.POST)
    form.set_organisations(mine)
    if form.is_valid():
        services.post_progress(
            plan_item,
            form.cleaned_data["organisation"],
            request.user,
            form.cleaned_data["date"],
            form.cleaned_data["text"],
        )
        messages.success(request, _("Отчетът е публикуван."))
        return redirect(plan_item)
    return render(
        request,
        "ngofamily/family/item.html",
        {
            "item": plan_item,
            "updates": ProgressUpdate.objects.filter(item=plan_item).select_related("organisation"),
            "form": form,
        },
        status=400,
    )


def _ical_text(text):
    return (
        str(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    )


def _fold_line(line):
    """RFC 5545: lines longer than 75 octets continue on the next line after a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    out, current = [], b""
    for ch in line:
        encoded = ch.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def plan_ical(request):
    """The due dates of the work plan as an iCalendar feed (all-day events)."""
    _form, items = _plan_items(request)
    host = request.get_host().split(":")[0]
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//e-Region//NGO family work plan//BG",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ical_text(_('Работен план на фамилията НПО'))}",
    ]
    for plan_item in items.filter(due_date__isnull=False):
        responsible = ", ".join(o.name for o in plan_item.responsible.all())
        description = f"{plan_item.area.name}\n{plan_item.get_status_display()}"
        if responsible:
            description += f"\n{responsible}"
        description += f"\n{request.build_absolute_uri(plan_item.get_absolute_url())}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:plan-item-{plan_item.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{plan_item.due_date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{plan_item.due_date + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ical_text(_('Срок: %(title)s') % {'title': plan_item.title})}",
            f"DESCRIPTION:{_ical_text(description)}",
            f"URL:{request.build_absolute_uri(plan_item.get_absolute_url())}",
            f"STATUS:{'CANCELLED' if plan_item.status == 'cancelled' else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    body = "\r\n".join(_fold_line(line) for line in lines) + "\r\n"
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="family-plan.ics"'
    return response

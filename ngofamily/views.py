"""The NGO catalogue: browse and search, an organisation's page, registration and editing by its
owners, claims of imported organisations, co-editor invitations, CSV export."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directory.models import Settlement
from eregion.paging import counted_page
from eregion.selects import select_rows
from eregion.streaming import Echo, streamed_download, whole_file_validators
from eregion.validators import format_phone

from . import services
from .filters import OrganisationFilter
from .forms import ClaimForm, InviteForm, OrganisationForm, find_settlements, settlement_label
from .models import (
    CoEditorInvite,
    FamilyMembership,
    FieldOfActivity,
    Organisation,
)

PAGE_SIZE = 20
SELECTS = ["province", "municipality", "legal_form", "field", "target"]


def _get_organisation_for_user(request, slug, edit=False):
    """The organisation if ``request.user`` may see it (404 otherwise); with ``edit``, 403 when
    they may see it but not change it."""
    organisation = get_object_or_404(
        Organisation.objects.select_related("settlement", "municipality", "province"), slug=slug
    )
    if not organisation.can_view(request.user):
        raise Http404
    if edit and not organisation.can_edit(request.user):
        raise PermissionDenied
    return organisation


def verified_required(view):
    """Logged in with a confirmed email address (else: to login, or to the profile to confirm)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.email_verified:
            messages.warning(
                request, _("Първо потвърдете имейла си: изпратихме ви връзка при регистрацията.")
            )
            return redirect("account-profile")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _catalogue_queryset(request):
    members = FamilyMembership.objects.approved().filter(organisation=OuterRef("pk"))
    base = (
        Organisation.objects.published()
        .select_related("settlement", "municipality", "province")
        .prefetch_related(Prefetch("fields_of_activity", queryset=FieldOfActivity.objects.all()))
        .annotate(in_family=Exists(members))
    )
    filterset = OrganisationFilter(request.GET or None, queryset=base)
    if filterset.is_bound and not filterset.is_valid():
        # Like the directory: an invalid filter shows nothing, and the page says which.
        return filterset, base.none()
    # No DISTINCT: each filter matches one row per organisation (a chosen field or target
    # group joins its one link row; the family and the search are subqueries).
    return filterset, filterset.qs.order_by("name", "pk")


# What a catalogue row does not show: left in the table, so that sorting and reading a page
# of a broad search moves less.
LIST_DEFERRED = (
    "description",
    "description_rendered",
    "register_data",
    "social_links",
    "search_key",
    "status_reason",
    "review_reason",
)


def index(request):
    """The catalogue: filters, search in either script, pagination."""
    filterset, queryset = _catalogue_queryset(request)
    queryset = queryset.defer(*LIST_DEFERRED)
    if filterset.query:  # a search: its matches counted and ordered in one pass
        page = counted_page(queryset, request.GET.get("page"), PAGE_SIZE, ["name", "pk"])
    else:  # the whole catalogue or a filter: the first page walks the index by name
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "selects": select_rows(filterset.form, SELECTS),
        "page_obj": page,
        "query": query.urlencode(),
        "export_url": reverse("ngofamily:export") + (f"?{query.urlencode()}" if query else ""),
        "my_organisations": Organisation.objects.owned_by(request.user).only(
            "name", "slug", "status"
        ),
    }
    template = (
        "ngofamily/_results.html" if request.headers.get("HX-Request") else "ngofamily/index.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])  # the same address serves the page or a part
    return response


EXPORT_COLUMNS = [
    "name", "name_latin", "legal_form", "eik", "public_benefit", "province",
    "municipality", "settlement", "ekatte", "address", "phones", "emails", "website",
    "fields_of_activity", "target_groups", "family_member", "url",
]  # fmt: skip
EXPORT_FORMAT_VERSION = 1  # bump when the columns or their formatting change
EXPORT_CHUNK = 2000  # organisations read per round trip; memory stays flat


def _names_by_organisation(relation, ids) -> dict[int, list[str]]:
    """The taxonomy names (in their order) of each of the organisations ``ids``, through the
    many-to-many ``relation`` (``Organisation.fields_of_activity``…)."""
    through = relation.through
    target = relation.field.m2m_reverse_field_name()
    names: dict[int, list[str]] = {}
    for organisation_id, name in (
        through.objects.filter(organisation_id__in=ids)
        .order_by("organisation_id", f"{target}__position", f"{target}__name")
        .values_list("organisation_id", f"{target}__name")
    ):
        names.setdefault(organisation_id, []).append(name)
    return names


def _export_lines(request, queryset):
    legal_forms = {value: str(label) for value, label in Organisation.LegalForm.choices}
    prefixes = {kind: str(prefix) for kind, prefix in Settlement.PREFIXES.items()}
    marker = "organisation-slug-marker"
    url = request.build_absolute_uri(reverse("ngofamily:detail", args=[marker]))
    before, after = url.split(marker)
    writer = csv.writer(Echo())
    rows = (
        queryset.prefetch_related(None)
        .values(
            "pk",
            "slug",
            "name",
            "name_latin",
            "legal_form",
            "eik",
            "public_benefit",
            "province__name",
            "municipality__name",
            "settlement__kind",
            "settlement__name",
            "settlement__ekatte",
            "address",
            "phones",
            "emails",
            "website",
            "in_family",
        )  # fmt: skip
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    chunk = []

    def lines(chunk):
        ids = [r["pk"] for r in chunk]
        fields = _names_by_organisation(Organisation.fields_of_activity, ids)
        groups = _names_by_organisation(Organisation.target_groups, ids)
        out = []
        for r in chunk:
            settlement = r["settlement__name"]
            out.append(
                writer.writerow(
                    [
                        r["name"],
                        r["name_latin"],
                        legal_forms.get(r["legal_form"], r["legal_form"]),
                        r["eik"] or "",
                        "yes" if r["public_benefit"] else "no",
                        r["province__name"] or "",
                        r["municipality__name"] or "",
                        f"{prefixes[r['settlement__kind']]} {settlement}" if settlement else "",
                        r["settlement__ekatte"] or "",
                        r["address"],
                        "; ".join(format_phone(p) for p in r["phones"] or []),
                        "; ".join(r["emails"] or []),
                        r["website"],
                        "; ".join(fields.get(r["pk"], [])),
                        "; ".join(groups.get(r["pk"], [])),
                        "yes" if r["in_family"] else "no",
                        f"{before}{r['slug']}{after}",
                    ]
                )
            )
        return "".join(out)

    # The byte-order mark lets spreadsheet programs read the Cyrillic as UTF-8.
    yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        chunk.append(row)
        if len(chunk) == EXPORT_CHUNK:
            yield lines(chunk)
            chunk = []
    yield lines(chunk)


def export_csv(request):
    """The filtered catalogue as CSV (published organisations, public data only), streamed
    from plain values in chunks: memory does not grow with the catalogue."""
    _filterset, queryset = _catalogue_queryset(request)
    # The whole catalogue answers If-None-Match / If-Modified-Since with a 304 while nothing
    # changed; a filtered one is streamed each time.
    validators = whole_file_validators(
        request, Organisation.objects.published(), EXPORT_FORMAT_VERSION
    )
    return streamed_download(
        request,
        "text/csv; charset=utf-8",
        "ngo-catalogue.csv",
        _export_lines(request, queryset),
        validators,
    )


def detail(request, slug):
    organisation = _get_organisation_for_user(request, slug)
    is_owner = organisation.is_owner(request.user)
    context = {
        "organisation": organisation,
        "is_owner": is_owner,
        "map_tile_url": settings.MAP_TILE_URL,
        "fields": organisation.fields_of_activity.all(),
        "targets": organisation.target_groups.all(),
        "areas": organisation.work_areas.all(),
        "is_member": organisation.is_family_member(),
        "membership": (
            organisation.family_memberships.filter(
                status__in=[FamilyMembership.Status.APPLIED, FamilyMembership.Status.APPROVED]
            ).first()
            if is_owner
            else None
        ),
        "owners": organisation.owners.all() if is_owner else [],
        "invites": organisation.invites.filter(accepted_at__isnull=True) if is_owner else [],
        "invite_form": InviteForm() if is_owner else None,
        "pending_claim": (
            request.user.is_authenticated
            and organisation.claims.filter(user=request.user, status="pending").exists()
        ),
    }
    return render(request, "ngofamily/detail.html", context)


@verified_required
def register(request):
    """A verified user registers an organisation; it goes to moderation (or stays a draft)."""
    form = OrganisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        organisation = form.save()
        organisation.owners.add(request.user)
        if "save_draft" in request.POST:
            messages.success(request, _("Организацията е запазена като чернова."))
        else:
            services.submit(organisation, request.user)
            messages.success(
                request,
                _("Организацията е изпратена за одобрение. Ще ви пишем, когато бъде прегледана."),
            )
        return redirect(organisation)
    return render(request, "ngofamily/organisation_form.html", {"form": form, "creating": True})


@login_required
def edit(request, slug):
    organisation = _get_organisation_for_user(request, slug, edit=True)
    form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        organisation = form.save()
        if "submit" in request.POST and organisation.can_submit():
            services.submit(organisation, request.user)
            messages.success(request, _("Организацията е изпратена отново за одобрение."))
        else:
            messages.success(request, _("Промените са запазени."))
        return redirect(organisation)
    return render(
        request,
        "ngofamily/organisation_form.html",
        {"form": form, "organisation": organisation, "creating": False},
    )


@require_POST
@login_required
def submit(request, slug):
    organisation = _get_organisation_for_user(request, slug, edit=True)
    try:
        services.submit(organisation, request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Организацията е изпратена за одобрение."))
    return redirect(organisation)


@verified_required
def claim(request, slug):
    """Ask to become the owner of an organisation imported from a register."""
    organisation = get_object_or_404(
        Organisation.objects.exclude(source=Organisation.Source.SELF), slug=slug
    )
    if not organisation.can_view(request.user):
        raise Http404  # as unknown as a slug that does not exist
    if not organisation.is_claimable:
        raise PermissionDenied
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_claim(
                organisation, request.user, form.cleaned_data["role"], form.cleaned_data["message"]
            )
        except services.ClaimAlreadyPending as exc:
            messages.info(request, exc.messages[0])
            return redirect("account-profile")
        messages.success(
            request,
            _("Заявката е изпратена. Служител на РСО „Марица“ ще я провери и ще ви пише."),
        )
        return redirect("account-profile")
    return render(request, "ngofamily/claim.html", {"organisation": organisation, "form": form})


@require_POST
@login_required
def invite(request, slug):
    organisation = _get_organisation_for_user(request, slug, edit=True)
    form = InviteForm(request.POST)
    if form.is_valid():
        services.invite_coeditor(
            organisation, request.user, form.cleaned_data["email"], request.build_absolute_uri
        )
        messages.success(
            request, _("Поканата е изпратена до %(email)s.") % {"email": form.cleaned_data["email"]}
        )
    else:
        messages.error(request, _("Въведете валиден имейл адрес."))
    return redirect(organisation)


@login_required
def invite_accept(request, token):
    invitation = get_object_or_404(
        CoEditorInvite.objects.select_related("organisation"), token=token, accepted_at=None
    )
    if invitation.email.lower() != request.user.email.lower():
        raise PermissionDenied
    if request.method == "POST":
        services.accept_invite(invitation, request.user)
        messages.success(
            request,
            _("Вече можете да редактирате „%(name)s“.") % {"name": invitation.organisation.name},
        )
        return redirect(invitation.organisation)
    return render(request, "ngofamily/invite_accept.html", {"invite": invitation})


def settlement_search(request):
    """Autocomplete over EKATTE settlements of the region (an htmx partial, or JSON)."""
    query = request.GET.get("seat_name") or request.GET.get("q") or ""
    results = list(find_settlements(query)) if len(query.strip()) >= 2 else []
    if request.GET.get("format") == "json":
        from django.http import JsonResponse

        return JsonResponse(
            {"results": [{"ekatte": s.ekatte, "label": settlement_label(s)} for s in results]}
        )
    return render(
        request,
        "ngofamily/_settlement_options.html",
        {"results": [(s.ekatte, settlement_label(s)) for s in results], "query": query},
    )

"""Staff tools: moderation of registrations, claims and family applications; the taxonomies,
the charter, the areas and the work plan."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from eregion.admin_dashboard import waiting_first
from eregion.admin_history import ReadableHistoryAdmin

from . import services
from .forms import NoteForm, RejectForm, reencode_logo
from .models import (
    ClaimRequest,
    CoEditorInvite,
    FamilyCharter,
    FamilyMembership,
    FieldOfActivity,
    Organisation,
    ProgressUpdate,
    TargetGroup,
    WorkArea,
    WorkPlanItem,
)


def _ask(modeladmin, request, queryset, form_class, title, action, apply):
    """An intermediate page asking for a reason or note, then ``apply(obj, text)`` to each."""
    if "apply" in request.POST:
        form = form_class(request.POST)
        if form.is_valid():
            text = next(iter(form.cleaned_data.values()))
            done = sum(1 for obj in queryset if apply(obj, text))
            modeladmin.message_user(
                request, _("Променени записи: %(count)d.") % {"count": done}, messages.SUCCESS
            )
            return None
    else:
        form = form_class()
    return TemplateResponse(
        request,
        "ngofamily/admin/ask_reason.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "queryset": queryset,
            "action": action,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


class NeedsReviewFilter(admin.SimpleListFilter):
    title = _("за проверка")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("yes", _("маркирани при вноса")), ("no", _("без бележки"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.needs_review()
        if self.value() == "no":
            return queryset.filter(review_reason="")
        return queryset


class OrganisationAdminForm(forms.ModelForm):
    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload: checked as on the site
            return reencode_logo(logo)
        return logo


@admin.register(Organisation)
class OrganisationAdmin(ReadableHistoryAdmin):
    form = OrganisationAdminForm
    list_display = [
        "name",
        "status",
        "review_reason",
        "eik",
        "legal_form",
        "settlement",
        "province",
        "submitted_at",
    ]
    list_filter = [
        "status",
        NeedsReviewFilter,
        "legal_form",
        "source",
        "province",
        "public_benefit",
    ]
    search_fields = ["name", "name_latin", "eik", "register_eik", "register_number"]
    # What waits for staff first, then the rest by name.
    ordering = [waiting_first("status", Organisation.Status.PENDING), "name"]
    list_select_related = ["settlement", "province"]
    autocomplete_fields = ["settlement", "owners"]
    filter_horizontal = ["fields_of_activity", "target_groups"]
    readonly_fields = [
        "status",
        "slug",
        "municipality",
        "province",
        "register_eik",
        "submitted_at",
        "published_at",
        "created_at",
        "updated_at",
    ]
    actions = ["approve_selected", "reject_selected", "suspend_selected"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "legal_form", "eik", "public_benefit", "status"]}),
        (
            _("Модерация"),
            {"fields": ["status_reason", "review_reason", "submitted_at", "published_at"]},
        ),
        (
            _("Седалище и контакти"),
            {
                "fields": [
                    "settlement",
                    "municipality",
                    "province",
                    "address",
                    "phones",
                    "emails",
                    "website",
                    "social_links",
                ]
            },
        ),
        (
            _("Профил"),
            {
                "fields": [
                    "fields_of_activity",
                    "target_groups",
                    "description_format",
                    "description",
                    "logo",
                    "founded_year",
                    "owners",
                ]
            },
        ),
        (
            _("Регистър"),
            {"fields": ["source", "register_number", "register_url", "register_eik"]},
        ),
    ]

    @admin.action(description=_("Одобри и публикувай избраните"))
    def approve_selected(self, request, queryset):
        done = sum(1 for org in queryset if services.approve(org, by=request.user))
        self.message_user(
            request,
            ngettext(
                "%(count)d организация е публикувана.",
                "%(count)d организации са публикувани.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Отхвърли избраните (с причина)"))
    def reject_selected(self, request, queryset):
        return _ask(
            self,
            request,
            queryset,
            RejectForm,
            _("Отхвърляне на организации"),
            "reject_selected",
            lambda org, reason: services.reject(org, reason, by=request.user),
        )

    @admin.action(description=_("Спри избраните (скрий ги от каталога)"))
    def suspend_selected(self, request, queryset):
        return _ask(
            self,
            request,
            queryset,
            NoteForm,
            _("Спиране на организации"),
            "suspend_selected",
            lambda org, reason: services.suspend(org, reason),
        )


@admin.register(ClaimRequest)
class ClaimRequestAdmin(admin.ModelAdmin):
    list_display = ["organisation", "user", "role", "message", "status", "created_at"]
    ordering = [waiting_first("status", ClaimRequest.Status.PENDING), "-created_at"]
    list_filter = ["status"]
    list_select_related = ["organisation", "user"]
    search_fields = ["organisation__name", "user__email"]
    readonly_fields = ["organisation", "user", "status", "created_at", "decided_at"]
    actions = ["confirm_selected", "decline_selected"]

    @admin.action(description=_("Потвърди: заявителят става собственик"))
    def confirm_selected(self, request, queryset):
        done = sum(1 for claim in queryset if services.confirm_claim(claim))
        self.message_user(request, _("Потвърдени: %(count)d.") % {"count": done})

    @admin.action(description=_("Откажи избраните (с бележка)"))
    def decline_selected(self, request, queryset):
        return _ask(
            self,
            request,
            queryset,
            NoteForm,
            _("Отказ на заявки"),
            "decline_selected",
            services.decline_claim,
        )


@admin.register(FamilyMembership)
class FamilyMembershipAdmin(ReadableHistoryAdmin):
    list_display = ["organisation", "status", "motivation", "applied_at", "decided_at"]
    ordering = [waiting_first("status", FamilyMembership.Status.APPLIED), "-applied_at"]
    list_filter = ["status"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name"]
    readonly_fields = ["status", "applied_at", "decided_at", "left_at", "charter_accepted_at"]
    autocomplete_fields = ["organisation"]
    actions = ["approve_selected", "decline_selected"]

    @admin.action(description=_("Приеми във фамилията (с бележка)"))
    def approve_selected(self, request, queryset):
        return _ask(
            self,
            request,
            queryset,
            NoteForm,
            _("Приемане във фамилията"),
            "approve_selected",
            services.approve_membership,
        )

    @admin.action(description=_("Откажи (с бележка)"))
    def decline_selected(self, request, queryset):
        return _ask(
            self,
            request,
            queryset,
            NoteForm,
            _("Отказ на кандидатури"),
            "decline_selected",
            services.decline_membership,
        )


@admin.register(FieldOfActivity, TargetGroup)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "name_en"]


@admin.register(FamilyCharter)
class FamilyCharterAdmin(ReadableHistoryAdmin):
    list_display = ["title", "updated_at"]


@admin.register(WorkArea)
class WorkAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "coordinator", "position"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["coordinator", "members"]
    search_fields = ["name"]


class ProgressUpdateInline(admin.TabularInline):
    model = ProgressUpdate
    extra = 0
    autocomplete_fields = ["organisation"]
    readonly_fields = ["author"]


@admin.register(WorkPlanItem)
class WorkPlanItemAdmin(ReadableHistoryAdmin):
    list_display = ["title", "area", "status", "start_date", "due_date"]
    list_filter = ["status", "area"]
    list_select_related = ["area"]
    search_fields = ["title"]
    autocomplete_fields = ["responsible"]
    inlines = [ProgressUpdateInline]


@admin.register(CoEditorInvite)
class CoEditorInviteAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "created_at", "accepted_at"]
    list_select_related = ["organisation"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["organisation", "email", "invited_by", "accepted_at"]


from . import survey_admin  # noqa: E402,F401  (the survey's admin pages)

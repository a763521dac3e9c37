"""Staff tools for surveys: the survey with its ordered sections, each section with its
questions (fixed once answered: copy the survey instead), read-only responses."""

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Answer, Question, Response, Section, Survey


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["position", "title", "title_en", "edit_link"]
    readonly_fields = ["edit_link"]
    extra = 1

    @admin.display(description=_("въпроси"))
    def edit_link(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("admin:ngofamily_section_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("въпросите на раздела"))


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "opens_on",
        "closes_on",
        "audience",
        "results_public",
        "in_report",
        "answered",
    ]
    list_filter = ["audience", "results_public", "in_report"]
    search_fields = ["title", "title_en"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SectionInline]
    actions = ["copy_surveys"]

    def get_queryset(self, request):
        submitted = Count("responses", filter=Q(responses__status=Response.Status.SUBMITTED))
        return super().get_queryset(request).annotate(submitted=submitted)

    @admin.display(description=_("изпратени отговори"), ordering="submitted")
    def answered(self, obj):
        return obj.submitted

    @admin.action(description=_("Копирай (за нова формулировка на въпросите)"))
    def copy_surveys(self, request, queryset):
        for survey in queryset:
            copy = survey.copy()
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Създадено копие:"),
                    reverse("admin:ngofamily_survey_change", args=[copy.pk]),
                    copy.title,
                ),
                messages.SUCCESS,
            )

    def view_on_site(self, obj):
        return obj.get_absolute_url()


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 1
    fields = [
        ("position", "kind", "required"),
        "text",
        "text_en",
        ("help_text", "help_text_en"),
        ("choices", "choices_en"),
        ("allow_other", "training_topics"),
        ("show_if", "show_if_value"),
    ]

    def get_formset(self, request, obj=None, **kwargs):
        self._section = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "show_if":
            section = getattr(self, "_section", None)
            kwargs["queryset"] = (
                Question.objects.filter(section__survey=section.survey_id).order_by(
                    "section__position", "position", "pk"
                )
                if section
                else Question.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _answered(self, obj):
        return obj is not None and Answer.objects.filter(question__section=obj).exists()

    def get_readonly_fields(self, request, obj=None):
        if self._answered(obj):
            return [f for row in self.fields for f in (row if isinstance(row, tuple) else [row])]
        return []

    def has_add_permission(self, request, obj=None):
        return not self._answered(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._answered(obj) and super().has_delete_permission(request, obj)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["title", "survey", "position"]
    list_filter = ["survey"]
    inlines = [QuestionInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and Answer.objects.filter(question__section=obj).exists():
            return ["survey"]
        return []

    def has_module_permission(self, request):
        return False  # reached from the survey's page


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ["question", "choice", "number", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ["survey", "organisation", "status", "updated_at", "submitted_at"]
    list_filter = ["survey", "status"]
    search_fields = ["organisation__name"]
    list_select_related = ["survey", "organisation"]
    readonly_fields = ["survey", "organisation", "status", "submitted_at"]
    fields = readonly_fields
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False

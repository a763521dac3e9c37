"""Staff tools: courses, sessions with their enrolments inline, cancelling a session, reminders,
completing a session (certificates), and links to the roll call and the participant exports."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Certificate, Course, Enrolment, Feedback, Session


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "audience", "target", "position"]
    list_filter = ["audience"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "title_en"]


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    fields = ["user", "organisation", "status", "attended", "created_at", "confirmed_at"]
    readonly_fields = ["created_at", "confirmed_at"]
    raw_id_fields = ["user", "organisation"]
    ordering = ["status", "created_at", "pk"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = [
        "course", "starts_at", "place", "capacity", "confirmed_count", "waiting_count", "status",
        "staff_links",
    ]  # fmt: skip
    list_filter = ["status", "course", "online"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["settlement"]
    inlines = [EnrolmentInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["send_reminder", "cancel_sessions", "complete_sessions", "fill_from_waiting_list"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("course", "settlement").with_counts()

    @admin.display(description=_("място"))
    def place(self, obj):
        return obj.place_display

    @admin.display(description=_("потвърдени"), ordering="confirmed_count")
    def confirmed_count(self, obj):
        return obj.confirmed_count

    @admin.display(description=_("чакащи"), ordering="waiting_count")
    def waiting_count(self, obj):
        return obj.waiting_count

    @admin.display(description=_("за служители"))
    def staff_links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">CSV</a> · <a href="{}">XLSX</a>',
            reverse("trainings:roll-call", args=[obj.pk]),
            _("присъствие"),
            reverse("trainings:participants", args=[obj.pk, "csv"]),
            reverse("trainings:participants", args=[obj.pk, "xlsx"]),
        )

    def _each(self, request, queryset, operation, message):
        base_url = request.build_absolute_uri("/")
        done = 0
        for session in queryset:
            try:
                result = operation(session, base_url=base_url)
            except ValidationError as exc:
                self.message_user(request, f"{session}: {exc.messages[0]}", messages.ERROR)
                continue
            done += result if isinstance(result, int) else len(result)
        self.message_user(request, message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Изпрати напомняне на потвърдените участници"))
    def send_reminder(self, request, queryset):
        self._each(request, queryset, services.send_reminder, _("Изпратени напомняния: %(count)d."))

    @admin.action(description=_("Отмени провеждането и уведоми всички записани"))
    def cancel_sessions(self, request, queryset):
        self._each(request, queryset, services.cancel_session, _("Уведомени участници: %(count)d."))

    @admin.action(description=_("Отбележи като проведено и издай сертификати"))
    def complete_sessions(self, request, queryset):
        self._each(request, queryset, services.complete, _("Издадени сертификати: %(count)d."))

    @admin.action(description=_("Попълни свободните места от списъка на чакащите"))
    def fill_from_waiting_list(self, request, queryset):
        self._each(request, queryset, services.promote, _("Потвърдени от чакащите: %(count)d."))


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["user", "session", "organisation", "status", "attended", "created_at"]
    list_filter = ["status", "attended", "session__course"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    raw_id_fields = ["user", "organisation", "session"]
    list_select_related = ["user", "session__course", "organisation"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "holder_name", "course", "status", "issued_on", "emailed_at"]
    list_filter = ["status"]
    search_fields = ["holder_name", "code"]
    readonly_fields = ["enrolment", "code", "status", "file", "error", "rendered_at", "emailed_at"]
    list_select_related = ["enrolment__session__course"]
    actions = ["render_again"]

    @admin.display(description=_("курс"))
    def course(self, obj):
        return obj.enrolment.session.course

    @admin.action(description=_("Изготви PDF отново"))
    def render_again(self, request, queryset):
        from .tasks import enqueue_certificate

        base_url = request.build_absolute_uri("/")
        ids = list(queryset.values_list("pk", flat=True))
        queryset.update(status=Certificate.Status.PENDING)
        for pk in ids:
            enqueue_certificate(pk, base_url)
        self.message_user(
            request,
            ngettext(
                "%(count)d сертификат ще бъде изготвен.",
                "%(count)d сертификата ще бъдат изготвени.",
                len(ids),
            )
            % {"count": len(ids)},
        )


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "content", "trainer", "organisation", "created_at"]
    list_select_related = ["enrolment__user", "enrolment__session__course"]
    raw_id_fields = ["enrolment"]

"""Staff tools: the editions and their chapters, "build now" with live status, build history."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ngofamily.forms import reencode_logo

from . import services
from .models import Build, Chapter, Publication


class ChapterForm(forms.ModelForm):
    class Meta:
        model = Chapter
        fields = ["position", "title", "body", "image", "image_caption"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # a new upload: checked like a logo
            return reencode_logo(image)
        return image


class ChapterInline(admin.StackedInline):
    model = Chapter
    form = ChapterForm
    extra = 0


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "page_size", "print_run", "is_public", "is_draft", "latest"]
    list_filter = ["kind", "is_public", "is_draft"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ChapterInline]
    actions = ["build_now"]
    change_form_template = "publications/admin/publication_change_form.html"
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "province", "page_size", "print_run", "isbn"]}),
        (_("Описание"), {"fields": ["description", "title_en", "description_en"]}),
        (_("Публикуване"), {"fields": ["is_public", "is_draft", "position"]}),
    ]

    @admin.display(description=_("последно изграждане"))
    def latest(self, publication):
        build = publication.builds.order_by("-requested_at", "-pk").first()
        return build.get_status_display() if build else "—"

    @admin.action(description=_("Изгради PDF сега (и двата варианта)"))
    def build_now(self, request, queryset):
        builds = [
            services.request_build(p, variant, requested_by=request.user.email)
            for p in queryset
            for variant in Build.Variant.values
        ]
        self.message_user(
            request,
            ngettext(
                "Поискано е %(count)d изграждане; следете го на страницата на изданието.",
                "Поискани са %(count)d изграждания; следете ги на страницата на изданието.",
                len(builds),
            )
            % {"count": len(builds)},
            messages.SUCCESS,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        extra_context["recent_builds"] = Build.objects.filter(publication_id=object_id).order_by(
            "-requested_at", "-pk"
        )[:6]
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Build)
class BuildAdmin(admin.ModelAdmin):
    list_display = [
        "pk", "publication", "variant", "status", "stage", "progress", "pages", "finished_at",
        "short_error", "downloads",
    ]  # fmt: skip
    list_filter = ["status", "variant", "publication"]
    list_select_related = ["publication"]
    change_form_template = "publications/admin/build_change_form.html"
    readonly_fields = [
        "publication", "variant", "status", "stage", "progress", "error", "content_hash",
        "data_hash", "data_as_of", "file", "pages", "bytes", "sha256", "reused_from", "retry_of",
        "requested_by", "attempts", "requested_at", "started_at", "heartbeat_at", "finished_at",
        "render_seconds", "downloads",
    ]  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("грешка"))
    def short_error(self, build):
        return (build.error[:120] + "…") if len(build.error) > 120 else build.error

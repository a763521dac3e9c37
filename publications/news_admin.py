"""Staff tools for news and the newsletter: articles, subscribers, and issues that staff
preview as an email, test on themselves and send, with per-issue queued / sent / failed."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ngofamily.forms import reencode_logo

from . import newsletter
from .news_models import Article, NewsletterIssue, Subscriber


def _https_urls(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        formfield_callback = _https_urls
        fields = [
            "kind", "title", "slug", "summary", "body", "cover", "cover_alt", "title_en",
            "summary_en", "body_en", "published_at", "author", "provinces", "starts_at", "ends_at",
            "venue_settlement", "venue_address", "online", "online_url", "outlet", "outlet_date",
            "outlet_url", "scan", "structures", "organisations", "courses", "publications",
        ]  # fmt: skip

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        if cover and hasattr(cover, "content_type"):  # a new upload: checked like a logo
            return reencode_logo(cover)
        return cover


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "kind", "published_at", "author"]
    list_filter = ["kind", "provinces"]
    search_fields = ["title", "title_en", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["structures", "organisations", "venue_settlement"]
    filter_horizontal = ["provinces", "courses", "publications"]
    list_select_related = ["author"]
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "summary", "body", "cover", "cover_alt"]}),
        (_("На английски"), {"fields": ["title_en", "summary_en", "body_en"]}),
        (_("Публикуване"), {"fields": ["published_at", "author", "provinces"]}),
        (_("Събитие"), {"fields": ["starts_at", "ends_at", "venue_settlement", "venue_address",
                                   "online", "online_url"]}),
        (_("Публикация в медиите"), {"fields": ["outlet", "outlet_date", "outlet_url", "scan"]}),
        (_("Свързано"), {"fields": ["structures", "organisations", "courses", "publications"]}),
    ]  # fmt: skip

    def get_changeform_initial_data(self, request):
        return {"author": request.user.pk, **super().get_changeform_initial_data(request)}


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "language", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["language", "wants_news", "wants_trainings", "wants_publications",
                   "wants_family"]  # fmt: skip
    search_fields = ["email"]
    readonly_fields = ["created_at", "confirmed_at", "unsubscribed_at"]


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(admin.ModelAdmin):
    list_display = ["subject", "topic", "status", "queued", "sent", "failed", "send_started_at"]
    list_filter = ["status", "topic"]
    filter_horizontal = ["articles"]
    readonly_fields = ["status", "send_started_at", "send_finished_at", "queued", "sent", "failed"]
    fields = ["subject", "subject_en", "topic", "intro", "intro_en", "articles", *readonly_fields]
    change_form_template = "publications/admin/newsletter_change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    @admin.display(description=_("на опашката"))
    def queued(self, issue):
        return getattr(issue, "queued_count", 0)

    @admin.display(description=_("изпратени"))
    def sent(self, issue):
        return getattr(issue, "sent_count", 0)

    @admin.display(description=_("неуспешни"))
    def failed(self, issue):
        return getattr(issue, "failed_count", 0)

    def get_readonly_fields(self, request, obj=None):
        if obj and obj.status != NewsletterIssue.Status.DRAFT:  # what was sent stays as sent
            return [f for f in self.fields]
        return self.readonly_fields

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", wrap(self.preview_view), name="newsletter-preview"),
            path("<int:pk>/send-test/", wrap(require_POST(self.send_test_view)),
                 name="newsletter-send-test"),
            path("<int:pk>/send/", wrap(require_POST(self.send_view)), name="newsletter-send"),
            *super().get_urls(),
        ]  # fmt: skip

    def _issue(self, request, pk):
        issue = get_object_or_404(NewsletterIssue, pk=pk)
        if not self.has_change_permission(request, issue):
            raise PermissionDenied
        return issue

    def _back(self, issue):
        return HttpResponseRedirect(
            reverse("admin:publications_newsletterissue_change", args=[issue.pk])
        )

    def preview_view(self, request, pk):
        """The issue as subscribers see it (HTML, or ``?format=text``)."""
        issue = get_object_or_404(NewsletterIssue, pk=pk)
        if not self.has_view_or_change_permission(request, issue):
            raise PermissionDenied
        language = request.GET.get("lang") if request.GET.get("lang") in ("bg", "en") else "bg"
        email = newsletter.preview(issue, language)
        if request.GET.get("format") == "text":
            body = f"{email['subject']}\n\n{email['text']}"
            return HttpResponse(body, content_type="text/plain; charset=utf-8")
        return HttpResponse(email["html"])

    def send_test_view(self, request, pk):
        issue = self._issue(request, pk)
        newsletter.send_test(issue, request.user.email, request.LANGUAGE_CODE)
        self.message_user(
            request, _("Пробно писмо е изпратено на %(email)s.") % {"email": request.user.email}
        )
        return self._back(issue)

    def send_view(self, request, pk):
        issue = self._issue(request, pk)
        if newsletter.start_sending(issue):
            self.message_user(
                request,
                _("Бюлетинът се изпраща на %(count)d абонати.")
                % {"count": issue.recipients().count()},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("Този брой вече е изпратен."), messages.WARNING)
        return self._back(issue)

"""The NGO family: its charter, membership, areas of joint work and the work plan."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from eregion.i18n import in_page_language
from eregion.markup import render_markdown
from eregion.text import transliterate

from .catalogue import Organisation


class FamilyCharter(models.Model):
    """The charter of the NGO family that applicants accept; staff edit it (one row)."""

    title = models.CharField(_("заглавие"), max_length=200, default="Харта на фамилията НПО")
    text = models.TextField(_("текст (Markdown)"), max_length=20_000)
    title_en = models.CharField(_("заглавие на английски"), max_length=200, blank=True)
    text_en = models.TextField(_("текст на английски (Markdown)"), max_length=20_000, blank=True)
    # Rendered once at save, never per request (DESIGN.md).
    text_rendered = models.TextField(editable=False, default="")
    text_en_rendered = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(_("променена"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("харта на фамилията")
        verbose_name_plural = _("харта на фамилията")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.text_rendered = render_markdown(self.text)
        self.text_en_rendered = render_markdown(self.text_en)
        super().save(*args, **kwargs)

    @classmethod
    def current(cls):
        return cls.objects.order_by("-pk").first()

    @property
    def display_title(self):
        return in_page_language(self.title, self.title_en)

    def text_html(self):
        return mark_safe(in_page_language(self.text_rendered, self.text_en_rendered))


class FamilyMembershipQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=FamilyMembership.Status.APPROVED)


class FamilyMembership(models.Model):
    """An organisation's application to, and membership of, the NGO family."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("кандидатства")
        APPROVED = "approved", _("член")
        DECLINED = "declined", _("отказана")
        LEFT = "left", _("напуснала")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="family_memberships",
        verbose_name=_("организация"),
    )
    motivation = models.TextField(_("мотивация"))
    charter_accepted_at = models.DateTimeField(_("приела хартата на"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        _("състояние"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    note = models.TextField(_("бележка при решението"), blank=True)
    applied_at = models.DateTimeField(_("подадена"), default=timezone.now)
    decided_at = models.DateTimeField(_("решена"), null=True, blank=True)
    left_at = models.DateTimeField(_("напуснала на"), null=True, blank=True)

    objects = FamilyMembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("членство във фамилията")
        verbose_name_plural = _("членства във фамилията")
        ordering = ["-applied_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status__in=["applied", "approved"]),
                name="membership_one_open_per_org",
            )
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_status_display()})"


class WorkArea(models.Model):
    """An area (sphere) of joint work of the family, with a coordinator and member organisations."""

    name = models.CharField(_("наименование"), max_length=200, unique=True)
    slug = models.SlugField(unique=True, max_length=120)
    description = models.TextField(_("описание"), blank=True)
    name_en = models.CharField(_("наименование на английски"), max_length=200, blank=True)
    description_en = models.TextField(_("описание на английски"), blank=True)
    coordinator = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_areas",
        verbose_name=_("координатор"),
    )
    members = models.ManyToManyField(
        Organisation, blank=True, related_name="work_areas", verbose_name=_("участници")
    )
    position = models.PositiveSmallIntegerField(_("подредба"), default=0)

    class Meta:
        verbose_name = _("направление на съвместна работа")
        verbose_name_plural = _("направления на съвместна работа")
        ordering = ["position", "name"]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(transliterate(self.name))[:120]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("family:area", args=[self.slug])

    @property
    def display_name(self):
        return in_page_language(self.name, self.name_en)

    @property
    def display_description(self):
        return in_page_language(self.description, self.description_en)


class WorkPlanItemQuerySet(models.QuerySet):
    def with_people(self):
        return self.select_related("area").prefetch_related("responsible")


class WorkPlanItem(models.Model):
    """One item of the family's work plan, in an area, done by responsible member organisations."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("планирана")
        IN_PROGRESS = "in_progress", _("в изпълнение")
        DONE = "done", _("изпълнена")
        CANCELLED = "cancelled", _("отменена")

    area = models.ForeignKey(
        WorkArea, on_delete=models.PROTECT, related_name="items", verbose_name=_("направление")
    )
    title = models.CharField(_("заглавие"), max_length=255)
    description = models.TextField(_("описание"), blank=True)
    responsible = models.ManyToManyField(
        Organisation, blank=True, related_name="plan_items", verbose_name=_("отговорни организации")
    )
    start_date = models.DateField(_("начало"), null=True, blank=True)
    due_date = models.DateField(_("срок"), null=True, blank=True)
    status = models.CharField(
        _("състояние"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkPlanItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("задача от работния план")
        verbose_name_plural = _("работен план")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(start_date__lte=models.F("due_date")),
                name="plan_item_starts_before_due",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("family:item", args=[self.pk])

    def responsible_organisations_of(self, user):
        """The responsible organisations that ``user`` owns (they may post progress for them)."""
        if not user.is_authenticated:
            return Organisation.objects.none()
        return self.responsible.filter(owners=user)


class ProgressUpdate(models.Model):
    """A dated report on a plan item, written by one of its responsible organisations."""

    item = models.ForeignKey(
        WorkPlanItem, on_delete=models.CASCADE, related_name="updates", verbose_name=_("задача")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("организация")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    date = models.DateField(_("дата"), default=timezone.localdate)
    text = models.TextField(_("какво е направено"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("отчет за напредък")
        verbose_name_plural = _("отчети за напредък")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.item} · {self.date}"

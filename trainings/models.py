"""Trainings: courses, their sessions, enrolment with a waiting list, attendance, certificates
and participants' feedback."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eregion.i18n import in_page_language, is_english, local_name
from eregion.markup import render_markdown


def _token():
    """An unguessable code for links that work without signing in (calendar, certificate)."""
    return secrets.token_urlsafe(16)


class Course(models.Model):
    """A training the project promised: its topic, audience and how many people it should train."""

    class Audience(models.TextChoices):
        NGO = "ngo", _("представители на НПО")
        TEAM = "team", _("екипът на РСО „Марица“")

    title = models.CharField(_("заглавие"), max_length=200)
    title_en = models.CharField(_("заглавие на английски"), max_length=200, blank=True)
    slug = models.SlugField(unique=True, max_length=100)
    audience = models.CharField(_("за кого"), max_length=10, choices=Audience.choices)
    description = models.TextField(_("описание (Markdown)"), max_length=10_000, blank=True)
    description_en = models.TextField(
        _("описание на английски (Markdown)"), max_length=10_000, blank=True
    )
    description_html = models.TextField(editable=False, default="")
    description_en_html = models.TextField(editable=False, default="")
    outcomes = models.TextField(
        _("резултати от обучението"), max_length=5_000, blank=True, help_text=_("По един на ред.")
    )
    outcomes_en = models.TextField(
        _("резултати на английски"), max_length=5_000, blank=True, help_text=_("По един на ред.")
    )
    target = models.PositiveSmallIntegerField(_("цел: обучени хора"), default=20)
    position = models.PositiveSmallIntegerField(_("подредба"), default=0)

    class Meta:
        verbose_name = _("курс")
        verbose_name_plural = _("курсове")
        ordering = ["position", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Markdown is rendered once here, never per request (DESIGN.md).
        self.description_html = render_markdown(self.description)
        self.description_en_html = render_markdown(self.description_en)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("trainings:course", args=[self.slug])

    @property
    def display_title(self):
        return in_page_language(self.title, self.title_en)

    @property
    def display_description(self):
        from django.utils.safestring import mark_safe

        return mark_safe(in_page_language(self.description_html, self.description_en_html))

    @property
    def outcome_list(self):
        text = in_page_language(self.outcomes, self.outcomes_en)
        return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


class SessionQuerySet(models.QuerySet):
    def with_counts(self):
        """Annotate ``confirmed_count`` and ``waiting_count`` (one query for a whole list)."""
        return self.annotate(
            confirmed_count=Count("enrolments", filter=Q(enrolments__status="confirmed")),
            waiting_count=Count("enrolments", filter=Q(enrolments__status="waiting")),
        )

    def listed(self):
        return self.select_related("course", "settlement__municipality__province").with_counts()

    def upcoming(self, now=None):
        now = now or timezone.now()
        return self.filter(ends_at__gte=now).exclude(status=Session.Status.CANCELLED)

    def next_open(self, now=None):
        """The next session people can still enrol in (for the home page), or None."""
        now = now or timezone.now()
        return (
            self.listed()
            .filter(status=Session.Status.OPEN, starts_at__gt=now)
            .order_by("starts_at")
            .first()
        )

    def past(self, now=None):
        now = now or timezone.now()
        return self.filter(ends_at__lt=now)


class Session(models.Model):
    """One run of a course: when, where, how many seats, who teaches, and its state."""

    class Status(models.TextChoices):
        OPEN = "open", _("записването е отворено")
        CLOSED = "closed", _("записването е затворено")
        CANCELLED = "cancelled", _("отменено")
        COMPLETED = "completed", _("проведено")

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("курс")
    )
    starts_at = models.DateTimeField(_("начало"))
    ends_at = models.DateTimeField(_("край"))
    online = models.BooleanField(_("онлайн"), default=False)
    online_url = models.URLField(
        _("връзка за онлайн участие"),
        blank=True,
        help_text=_("Показва се само на потвърдените участници."),
    )
    settlement = models.ForeignKey(
        "directory.Settlement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("населено място"),
    )
    address = models.CharField(_("адрес"), max_length=255, blank=True)
    capacity = models.PositiveSmallIntegerField(_("места"), default=20)
    enrolment_opens_at = models.DateTimeField(_("записване от"), null=True, blank=True)
    enrolment_closes_at = models.DateTimeField(_("записване до"), null=True, blank=True)
    trainers = models.CharField(_("обучители"), max_length=255, blank=True)
    status = models.CharField(
        _("състояние"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("провеждане")
        verbose_name_plural = _("провеждания")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="session_has_seats"),
        ]

    def __str__(self):
        start = timezone.localtime(self.starts_at)
        return f"{self.course} — {start:%d.%m.%Y}"

    def get_absolute_url(self):
        return reverse("trainings:session", args=[self.pk])

    # --- rules of one session ---

    def _count(self, status):
        annotated = getattr(self, f"{status}_count", None)
        if annotated is not None:
            return annotated
        return self.enrolments.filter(status=status).count()

    @property
    def confirmed(self):
        return self._count(Enrolment.Status.CONFIRMED)

    @property
    def waiting(self):
        return self._count(Enrolment.Status.WAITING)

    @property
    def seats_left(self):
        return max(self.capacity - self.confirmed, 0)

    def is_enrolment_open(self, now=None):
        now = now or timezone.now()
        if self.status != self.Status.OPEN or now >= self.starts_at:
            return False
        if self.enrolment_opens_at and now < self.enrolment_opens_at:
            return False
        return not (self.enrolment_closes_at and now > self.enrolment_closes_at)

    @property
    def is_past(self):
        return self.ends_at < timezone.now()

    @property
    def place_display(self):
        if self.online:
            return str(_("онлайн"))
        parts = []
        if self.settlement_id:
            name = local_name(self.settlement) if is_english() else str(self.settlement)
            parts.append(name)
        if self.address:
            parts.append(self.address)
        return ", ".join(parts)


class EnrolmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=[Enrolment.Status.CONFIRMED, Enrolment.Status.WAITING])

    def waiting_in_order(self):
        """The waiting list, first come first served."""
        return self.filter(status=Enrolment.Status.WAITING).order_by("created_at", "pk")

    def attended(self):
        return self.filter(status=Enrolment.Status.CONFIRMED, attended=True)


class Enrolment(models.Model):
    """A person's place on a session (confirmed or on the waiting list), taken on behalf of an
    organisation they own; staff mark whether they attended."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("потвърдено")
        WAITING = "waiting", _("в списъка на чакащите")
        CANCELLED = "cancelled", _("отказано")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("провеждане")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("участник"),
    )
    organisation = models.ForeignKey(
        "ngofamily.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("организация"),
    )
    status = models.CharField(_("състояние"), max_length=10, choices=Status.choices)
    attended = models.BooleanField(_("присъствал"), default=False)
    token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(_("записан на"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("потвърден на"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("отказан на"), null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("записване")
        verbose_name_plural = _("записвания")
        ordering = ["session", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=~Q(status="cancelled"),
                name="enrolment_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=Q(attended=False) | Q(status="confirmed"),
                name="enrolment_attended_is_confirmed",
            ),
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"], name="enrol_queue")]

    def __str__(self):
        return f"{self.user} — {self.session}"

    @property
    def waiting_position(self):
        """1 for the first on the waiting list; None when not waiting."""
        if self.status != self.Status.WAITING:
            return None
        earlier = Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, pk__lt=self.pk)
        return (
            Enrolment.objects.filter(session_id=self.session_id)
            .waiting_in_order()
            .filter(earlier)
            .count()
            + 1
        )

    @property
    def is_active(self):
        return self.status != self.Status.CANCELLED

    @property
    def can_give_feedback(self):
        """Participants rate a session they attended, once it has taken place."""
        return self.attended and (
            self.session.status == Session.Status.COMPLETED
            or self.session.starts_at <= timezone.now()
        )

    def calendar_url(self):
        return reverse("trainings:enrolment-ical", args=[self.token])


class Certificate(models.Model):
    """A numbered certificate of attendance: a PDF rendered in the background, and a public page
    that anyone can use to check it by its unguessable code."""

    class Status(models.TextChoices):
        PENDING = "pending", _("подготвя се")
        READY = "ready", _("готов")
        FAILED = "failed", _("неуспешен")

    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("записване"),
    )
    code = models.CharField(_("код за проверка"), max_length=40, unique=True, default=_token)
    holder_name = models.CharField(_("притежател"), max_length=150)
    issued_on = models.DateField(_("издаден на"), default=timezone.localdate)
    status = models.CharField(
        _("състояние"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("PDF"), upload_to="trainings/certificates/", blank=True)
    error = models.TextField(_("грешка"), blank=True)
    created_at = models.DateTimeField(_("създаден"), default=timezone.now)
    rendered_at = models.DateTimeField(_("изготвен на"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("изпратен на"), null=True, blank=True)

    class Meta:
        verbose_name = _("сертификат")
        verbose_name_plural = _("сертификати")
        ordering = ["pk"]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("trainings:certificate", args=[self.code])

    @property
    def number(self):
        return f"{self.issued_on:%Y}-{self.pk:05d}" if self.pk else ""


class Feedback(models.Model):
    """A participant's rating (1–5) of a session they attended, with an optional comment."""

    RATINGS = [(n, str(n)) for n in range(1, 6)]

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("записване")
    )
    content = models.PositiveSmallIntegerField(_("съдържание"), choices=RATINGS)
    trainer = models.PositiveSmallIntegerField(_("обучител"), choices=RATINGS)
    organisation = models.PositiveSmallIntegerField(_("организация"), choices=RATINGS)
    comment = models.TextField(_("коментар"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("отзив")
        verbose_name_plural = _("отзиви")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(content__range=(1, 5))
                & Q(trainer__range=(1, 5))
                & Q(organisation__range=(1, 5)),
                name="feedback_ratings_1_to_5",
            )
        ]

    def __str__(self):
        return f"{self.enrolment}: {self.content}/{self.trainer}/{self.organisation}"

"""News, events, media coverage and the newsletter: the association's voice to citizens and NGOs."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from eregion.i18n import in_page_language
from eregion.markup import render_markdown


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None):
        """Articles whose publish time has come (scheduled ones appear only from then)."""
        return self.filter(published_at__isnull=False, published_at__lte=now or timezone.now())

    def events(self):
        return self.filter(kind=Article.Kind.EVENT)

    def media(self):
        return self.filter(kind=Article.Kind.MEDIA)


class Article(models.Model):
    """A news item, an event or a piece of media coverage of the project, in Bulgarian and,
    when written, English. The body is Markdown rendered once at save into sanitised HTML."""

    class Kind(models.TextChoices):
        NEWS = "news", _("новина")
        EVENT = "event", _("събитие")
        MEDIA = "media", _("в медиите")

    kind = models.CharField(_("вид"), max_length=5, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("заглавие"), max_length=200)
    title_en = models.CharField(_("заглавие на английски"), max_length=200, blank=True)
    slug = models.SlugField(unique=True, max_length=80)
    summary = models.TextField(_("резюме"), max_length=500)
    summary_en = models.TextField(_("резюме на английски"), max_length=500, blank=True)
    body = models.TextField(_("текст (Markdown)"), max_length=20000, blank=True)
    body_en = models.TextField(_("текст на английски (Markdown)"), max_length=20000, blank=True)
    body_html = models.TextField(editable=False, blank=True)
    body_en_html = models.TextField(editable=False, blank=True)
    cover = models.ImageField(_("корица"), upload_to="news/covers/", blank=True)
    cover_alt = models.CharField(_("описание на корицата"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("автор"),
    )
    published_at = models.DateTimeField(
        _("публикуване"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Статията се показва от този момент; празно — чернова."),
    )
    provinces = models.ManyToManyField(
        "directory.Province", blank=True, related_name="+", verbose_name=_("области")
    )
    structures = models.ManyToManyField(
        "directory.AdministrativeStructure",
        blank=True,
        related_name="+",
        verbose_name=_("институции"),
    )
    organisations = models.ManyToManyField(
        "ngofamily.Organisation", blank=True, related_name="+", verbose_name=_("организации")
    )
    courses = models.ManyToManyField(
        "trainings.Course", blank=True, related_name="+", verbose_name=_("обучения")
    )
    publications = models.ManyToManyField(
        "publications.Publication", blank=True, related_name="+", verbose_name=_("издания")
    )
    # An event
    starts_at = models.DateTimeField(_("начало"), null=True, blank=True)
    ends_at = models.DateTimeField(_("край"), null=True, blank=True)
    venue_settlement = models.ForeignKey(
        "directory.Settlement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("населено място"),
    )
    venue_address = models.CharField(_("адрес"), max_length=255, blank=True)
    online = models.BooleanField(_("онлайн"), default=False)
    online_url = models.URLField(_("връзка за онлайн участие"), blank=True)
    # Media coverage
    outlet = models.CharField(_("медия"), max_length=200, blank=True)
    outlet_date = models.DateField(_("дата на публикацията"), null=True, blank=True)
    outlet_url = models.URLField(_("връзка към публикацията"), blank=True)
    scan = models.FileField(_("сканиран PDF"), upload_to="news/media/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("статия")
        verbose_name_plural = _("новини и събития")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="event") | Q(starts_at__isnull=False, ends_at__isnull=False),
                name="article_event_has_times",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="article_event_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.body_en_html = render_markdown(self.body_en)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("news:article", args=[self.slug])

    @property
    def display_title(self):
        return in_page_language(self.title, self.title_en)

    @property
    def display_summary(self):
        return in_page_language(self.summary, self.summary_en)

    @property
    def display_body(self):
        """The stored HTML, sanitised when it was saved."""
        return mark_safe(in_page_language(self.body_html, self.body_en_html))

    @property
    def is_published(self):
        return self.published_at is not None and self.published_at <= timezone.now()

    @property
    def venue_display(self):
        if self.online and not self.venue_settlement_id:
            return str(_("онлайн"))
        parts = [self.venue_address]
        if self.venue_settlement_id:
            parts.insert(0, self.venue_settlement.name)
        return ", ".join(p for p in parts if p)


class SubscriberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)

    def wanting(self, topic):
        return self.active().filter(**{f"wants_{topic}": True})


class Subscriber(models.Model):
    """An address that asked for the newsletter. Nothing is sent to it until the signed
    confirmation link is followed (double opt-in); unsubscribing keeps the row, marked."""

    class Topic(models.TextChoices):
        NEWS = "news", _("новини")
        TRAININGS = "trainings", _("обучения")
        PUBLICATIONS = "publications", _("нови издания")
        FAMILY = "family", _("фамилията НПО")

    email = models.EmailField(_("имейл"), max_length=254, unique=True)
    language = models.CharField(
        _("език"), max_length=2, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    wants_news = models.BooleanField(_("новини и събития"), default=True)
    wants_trainings = models.BooleanField(_("обучения"), default=False)
    wants_publications = models.BooleanField(_("нови издания"), default=False)
    wants_family = models.BooleanField(_("фамилията НПО"), default=False)
    created_at = models.DateTimeField(_("записан"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("писмо за потвърждение"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("потвърден"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("отписан"), null=True, blank=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("абонат")
        verbose_name_plural = _("абонати на бюлетина")
        ordering = ["email"]

    def __str__(self):
        return self.email

    @property
    def is_active(self):
        return self.confirmed_at is not None and self.unsubscribed_at is None

    # Signed tokens: the confirmation expires, the unsubscribe link never does (it is in every
    # message ever sent). Both carry the address, so a changed address invalidates old links.
    CONFIRM_SALT = "newsletter.confirm"
    UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
    CONFIRM_MAX_AGE = 7 * 24 * 3600
    # Asking again for an unconfirmed address resends the confirmation at most this often, so
    # the form cannot be used to flood someone's inbox.
    CONFIRM_RESEND_AFTER = timedelta(minutes=15)

    def confirm_token(self):
        return signing.dumps([self.pk, self.email], salt=self.CONFIRM_SALT, compress=True)

    def unsubscribe_token(self):
        return signing.dumps([self.pk, self.email], salt=self.UNSUBSCRIBE_SALT, compress=True)

    @classmethod
    def from_token(cls, token, salt, max_age=None):
        """The subscriber a token names, or None for a bad, expired or outdated one."""
        try:
            pk, email = signing.loads(token, salt=salt, max_age=max_age)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        return cls.objects.filter(pk=pk, email=email).first()

    def get_confirm_url(self):
        return reverse("news:confirm", args=[self.confirm_token()])

    def get_unsubscribe_url(self):
        return reverse("news:unsubscribe", args=[self.unsubscribe_token()])


class NewsletterIssueQuerySet(models.QuerySet):
    def with_counts(self):
        """Each issue's deliveries by the state of their outbox email (queued, sent, failed)."""
        states = "deliveries__email__status"
        return self.annotate(
            queued_count=Count("deliveries", filter=Q(**{f"{states}__in": ["pending", "sending"]})),
            sent_count=Count("deliveries", filter=Q(**{states: "sent"})),
            failed_count=Count("deliveries", filter=Q(**{states: "failed"})),
        )


class NewsletterIssue(models.Model):
    """One newsletter staff compose from chosen articles, preview, test and send to the
    subscribers of a topic. Each recipient's copy is a ``NewsletterDelivery``."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("чернова")
        SENDING = "sending", _("изпраща се")
        SENT = "sent", _("изпратен")

    subject = models.CharField(_("тема"), max_length=200)
    subject_en = models.CharField(_("тема на английски"), max_length=200, blank=True)
    intro = models.TextField(_("въведение (Markdown)"), max_length=5000, blank=True)
    intro_en = models.TextField(_("въведение на английски"), max_length=5000, blank=True)
    intro_html = models.TextField(editable=False, blank=True)
    intro_en_html = models.TextField(editable=False, blank=True)
    topic = models.CharField(
        _("за абонатите на"),
        max_length=12,
        choices=Subscriber.Topic.choices,
        default=Subscriber.Topic.NEWS,
    )
    articles = models.ManyToManyField(Article, blank=True, verbose_name=_("статии"))
    status = models.CharField(
        _("състояние"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("създаден"), auto_now_add=True)
    send_started_at = models.DateTimeField(_("изпращане от"), null=True, blank=True)
    send_finished_at = models.DateTimeField(_("всички на опашката"), null=True, blank=True)

    objects = NewsletterIssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("брой на бюлетина")
        verbose_name_plural = _("бюлетин")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

    def save(self, *args, **kwargs):
        self.intro_html = render_markdown(self.intro)
        self.intro_en_html = render_markdown(self.intro_en)
        super().save(*args, **kwargs)

    def recipients(self):
        return Subscriber.objects.wanting(self.topic)

    def pending_recipients(self):
        """Active subscribers of the topic who have no copy of this issue yet."""
        return self.recipients().exclude(deliveries__issue=self)


class NewsletterDelivery(models.Model):
    """One subscriber's copy of one issue: written with its outbox email in one transaction, and
    unique, so a send that is interrupted resumes where it stopped and nobody gets two copies."""

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    email = models.OneToOneField(
        "eregion.OutboundEmail", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("доставка на бюлетин")
        verbose_name_plural = _("доставки на бюлетин")
        constraints = [
            models.UniqueConstraint(fields=["issue", "subscriber"], name="one_copy_per_subscriber")
        ]

    def __str__(self):
        return f"{self.issue} → {self.subscriber}"

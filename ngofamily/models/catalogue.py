"""The NGO catalogue: organisations, their taxonomies, moderation, claims and co-editors."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

import ngofamily.models as models_package
from eregion.i18n import choice_label, in_page_language, is_english, local_name
from eregion.markup import plain_paragraphs, render_markdown
from eregion.search import filter_by_words
from eregion.text import search_key, transliterate
from eregion.validators import format_phone, validate_eik


class Taxonomy(models.Model):
    """A staff-editable term with a Bulgarian name and an English one for the /en/ pages."""

    name = models.CharField(_("име"), max_length=100, unique=True)
    name_en = models.CharField(_("име на английски"), max_length=100, blank=True)
    slug = models.SlugField(unique=True, max_length=100)
    position = models.PositiveSmallIntegerField(_("подредба"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return in_page_language(self.name, self.name_en)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(transliterate(self.name))[:100]
        super().save(*args, **kwargs)


class FieldOfActivity(Taxonomy):
    """A field an organisation works in (education, culture, social services...)."""

    class Meta(Taxonomy.Meta):
        verbose_name = _("сфера на дейност")
        verbose_name_plural = _("сфери на дейност")


class TargetGroup(Taxonomy):
    """A group of people an organisation works for (children, elderly people...)."""

    class Meta(Taxonomy.Meta):
        verbose_name = _("целева група")
        verbose_name_plural = _("целеви групи")


class OrganisationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Organisation.Status.PUBLISHED)

    def in_province(self, province):
        return self.filter(province=province)

    def in_municipality(self, municipality):
        return self.filter(municipality=municipality)

    def owned_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(owners=user)

    def unclaimed(self):
        return self.filter(owners__isnull=True)

    def family_members(self):
        return self.filter(family_memberships__status="approved").distinct()

    def needs_review(self):
        return self.exclude(review_reason="")

    def search(self, query):
        """Every query word is a prefix of a word of the search key (Cyrillic or Latin)."""
        return filter_by_words(self, query)

    def visible_to(self, user):
        """Published ones for everyone; owners also see their own; staff see all."""
        if user.is_authenticated and user.is_staff:
            return self
        if user.is_authenticated:
            return self.filter(Q(status=Organisation.Status.PUBLISHED) | Q(owners=user)).distinct()
        return self.published()


# An organisation's description: a few paragraphs, not a book (and bounded for the parser).
DESCRIPTION_MAX_LENGTH = 5000


class Organisation(models.Model):
    """A civil-society organisation in the catalogue, registered by its people or imported
    from a public register; shown publicly only once staff have published it."""

    class LegalForm(models.TextChoices):
        ASSOCIATION = "association", _("сдружение")
        FOUNDATION = "foundation", _("фондация")
        COMMUNITY_CENTRE = "community_centre", _("читалище")
        FOREIGN_BRANCH = "foreign_branch", _("клон на чуждестранна НПО")
        OTHER = "other", _("друга")

    class Status(models.TextChoices):
        DRAFT = "draft", _("чернова")
        PENDING = "pending", _("очаква одобрение")
        PUBLISHED = "published", _("публикувана")
        REJECTED = "rejected", _("отхвърлена")
        SUSPENDED = "suspended", _("спряна")

    class Source(models.TextChoices):
        SELF = "self", _("регистрирана от потребител")
        COMMUNITY_CENTRES = "community_centres", _("от регистъра на читалищата")

    class DescriptionFormat(models.TextChoices):
        PLAIN = "plain", _("обикновен текст")
        MARKDOWN = "markdown", _("Markdown")

    name = models.CharField(_("наименование"), max_length=255)
    name_latin = models.CharField(_("наименование на латиница"), max_length=255, editable=False)
    slug = models.SlugField(unique=True, max_length=120, editable=False)
    legal_form = models.CharField(_("правна форма"), max_length=20, choices=LegalForm.choices)
    eik = models.CharField(
        _("ЕИК"), max_length=13, unique=True, null=True, blank=True, validators=[validate_eik]
    )
    public_benefit = models.BooleanField(_("в обществена полза"), default=False)
    settlement = models.ForeignKey(
        "directory.Settlement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("седалище"),
    )
    municipality = models.ForeignKey(
        "directory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("община"),
    )
    province = models.ForeignKey(
        "directory.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("област"),
    )
    address = models.CharField(_("адрес"), max_length=255, blank=True)
    phones = models.JSONField(_("телефони"), default=list, blank=True)
    emails = models.JSONField(_("имейли"), default=list, blank=True)
    website = models.URLField(_("уебсайт"), blank=True)
    social_links = models.JSONField(_("социални мрежи"), default=list, blank=True)
    fields_of_activity = models.ManyToManyField(
        FieldOfActivity,
        blank=True,
        related_name="organisations",
        verbose_name=_("сфери на дейност"),
    )
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="organisations", verbose_name=_("целеви групи")
    )
    description = models.TextField(_("описание"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    # The description as sanitised HTML, rendered once at save (never per request).
    description_rendered = models.TextField(editable=False, default="")
    description_format = models.CharField(
        _("формат на описанието"),
        max_length=10,
        choices=DescriptionFormat.choices,
        default=DescriptionFormat.PLAIN,
    )
    logo = models.ImageField(_("лого"), upload_to="ngofamily/logos/", blank=True)
    founded_year = models.PositiveSmallIntegerField(
        _("година на основаване"), null=True, blank=True
    )
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organisations",
        verbose_name=_("собственици"),
    )
    status = models.CharField(
        _("състояние"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    status_reason = models.TextField(
        _("причина"),
        blank=True,
        help_text=_("Защо е отхвърлена или спряна; виждат я собствениците."),
    )
    source = models.CharField(
        _("източник"), max_length=20, choices=Source.choices, default=Source.SELF
    )
    register_number = models.CharField(_("номер в регистъра"), max_length=20, blank=True)
    register_url = models.URLField(_("запис в регистъра"), blank=True, max_length=300)
    register_eik = models.CharField(
        _("ЕИК/БУЛСТАТ според регистъра"), max_length=60, blank=True, editable=False
    )
    register_data = models.JSONField(
        _("данни от последния внос"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("Какво е внесено последно от регистъра: промените на служителите се пазят."),
    )
    review_reason = models.TextField(
        _("за проверка от служител"),
        blank=True,
        help_text=_("Попълва се при внос, когато данните се нуждаят от проверка."),
    )
    search_key = models.TextField(default="", editable=False)
    created_at = models.DateTimeField(_("създадена"), auto_now_add=True)
    updated_at = models.DateTimeField(_("променена"), auto_now=True)
    submitted_at = models.DateTimeField(_("изпратена за одобрение"), null=True, blank=True)
    published_at = models.DateTimeField(_("публикувана"), null=True, blank=True)

    history = HistoricalRecords(
        excluded_fields=["search_key", "name_latin", "updated_at", "register_data"]
    )
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("организация")
        verbose_name_plural = _("организации")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["status", "province"], name="org_status_province")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(status_reason=""),
                name="org_rejected_has_reason",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fill_derived()
        self.description_rendered = self.render_description()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "description" in update_fields:
            kwargs["update_fields"] = {*update_fields, "description_rendered"}
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("ngofamily:detail", args=[self.slug])

    def get_legal_form_display(self):
        return choice_label(self.LegalForm, self.legal_form)

    def get_status_display(self):
        return choice_label(self.Status, self.status)

    def fill_derived(self):
        self.name_latin = transliterate(self.name)
        if self.settlement_id:
            self.municipality = self.settlement.municipality
            self.province_id = self.municipality.province_id
        place = self.settlement.name if self.settlement_id else ""
        self.search_key = search_key(self.name, place)

    def _unique_slug(self):
        base = slugify(self.name_latin)[:80] or "organisation"
        candidates = [base]
        if self.settlement_id:
            candidates.append(f"{base}-{slugify(self.settlement.name_latin)}"[:110])
        for candidate in candidates:
            if not Organisation.objects.filter(slug=candidate).exists():
                return candidate
        n = 2
        while Organisation.objects.filter(slug=f"{candidates[-1]}-{n}").exists():
            n += 1
        return f"{candidates[-1]}-{n}"

    # --- rules of one organisation ---

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def is_owner(self, user):
        return user.is_authenticated and self.owners.filter(pk=user.pk).exists()

    def can_view(self, user):
        return self.is_published or (user.is_authenticated and user.is_staff) or self.is_owner(user)

    def can_edit(self, user):
        return self.is_owner(user)

    def can_submit(self):
        return self.status in (self.Status.DRAFT, self.Status.REJECTED)

    @property
    def is_claimable(self):
        return self.source != self.Source.SELF and not self.owners.exists()

    def is_family_member(self):
        return self.family_memberships.filter(status="approved").exists()

    def render_description(self):
        """Markdown sanitised with nh3, or escaped plain text (called at save)."""
        if self.description_format == self.DescriptionFormat.MARKDOWN:
            return render_markdown(self.description)
        return plain_paragraphs(self.description)

    def description_html(self):
        """The description as safe HTML, as stored at save."""
        return mark_safe(self.description_rendered)

    @property
    def phones_display(self):
        return [format_phone(p) for p in self.phones]

    @property
    def phone_links(self):
        return [(p, format_phone(p)) for p in self.phones]

    @property
    def display_name(self):
        """The name in the page's script: Latin on the English pages."""
        return local_name(self)

    @property
    def place_display(self):
        """Settlement and province, as the catalogue lists them."""
        parts = []
        if self.settlement_id:
            parts.append(local_name(self.settlement) if is_english() else str(self.settlement))
        if self.province_id:
            parts.append(_("обл. %(name)s") % {"name": local_name(self.province)})
        return ", ".join(parts)

    @property
    def seat_display(self):
        parts = [self.place_display.split(", ")[0] if self.settlement_id else ""]
        if self.municipality_id:
            parts.append(_("общ. %(name)s") % {"name": local_name(self.municipality)})
        if self.province_id:
            parts.append(_("обл. %(name)s") % {"name": local_name(self.province)})
        return ", ".join(p for p in parts if p)


class ClaimRequest(models.Model):
    """A user's request to become the owner of an organisation imported from a register."""

    class Status(models.TextChoices):
        PENDING = "pending", _("чака решение")
        CONFIRMED = "confirmed", _("потвърдена")
        DECLINED = "declined", _("отказана")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="claims", verbose_name=_("организация")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="claims",
        verbose_name=_("заявител"),
    )
    role = models.CharField(_("длъжност в организацията"), max_length=150)
    message = models.TextField(_("как можем да проверим"), blank=True)
    status = models.CharField(
        _("състояние"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    note = models.TextField(_("бележка на служителя"), blank=True)
    created_at = models.DateTimeField(_("подадена"), auto_now_add=True)
    decided_at = models.DateTimeField(_("решена"), null=True, blank=True)

    class Meta:
        verbose_name = _("заявка за собственост")
        verbose_name_plural = _("заявки за собственост")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(status="pending"),
                name="claim_one_pending_per_user",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation}"


class CatalogueWord(models.Model):
    """A word of the published organisations' search keys, with how many have it: the
    catalogue's dictionary for typo-tolerant search (``ngofamily.filters.DICTIONARY``), as
    ``directory.SearchWord`` is the directory's.

    Kept by PostgreSQL triggers on the organisations' table (migration 0008): every insert,
    update and delete, one at a time or in bulk, from the admin, the loaders or raw SQL, adds
    and takes away its words in the same transaction, and a word no published organisation
    has any longer goes. Not written from Python.
    """

    word = models.CharField(max_length=100, unique=True)
    organisations = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("дума от каталога")
        verbose_name_plural = _("думи от каталога")

    def __str__(self):
        return self.word


class CoEditorInvite(models.Model):
    """An owner's invitation, sent by email, for another person to co-edit the organisation."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="invites",
        verbose_name=_("организация"),
    )
    email = models.EmailField(_("имейл"))
    token = models.CharField(
        max_length=64, unique=True, default=models_package._invite_token, editable=False
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("изпратена"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("приета"), null=True, blank=True)

    class Meta:
        verbose_name = _("покана за съредактор")
        verbose_name_plural = _("покани за съредактори")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    def get_absolute_url(self):
        return reverse("ngofamily:invite-accept", args=[self.token])

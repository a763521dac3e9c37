"""The project's printed editions and their PDF builds."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eregion.i18n import in_page_language
from eregion.markup import render_markdown


def validate_isbn(value: str) -> None:
    """An ISBN-10 or ISBN-13 with a correct check digit (hyphens and spaces are ignored)."""
    digits = "".join(ch for ch in value.upper() if ch not in "- ")
    if len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] == "X"):
        total = sum((10 - i) * int(d) for i, d in enumerate(digits[:9]))
        total += 10 if digits[9] == "X" else int(digits[9])
        if total % 11 == 0:
            return
    elif len(digits) == 13 and digits.isdigit() and digits[:3] in ("978", "979"):
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        if (10 - total % 10) % 10 == int(digits[12]):
            return
    else:
        raise ValidationError(
            _("ISBN има 10 или 13 цифри (13-цифреният започва с 978 или 979)."), code="isbn_form"
        )
    raise ValidationError(
        _("Контролната цифра на ISBN %(value)s не е вярна."),
        code="isbn_check",
        params={"value": value},
    )


class PublicationQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)


class Publication(models.Model):
    """One of the project's editions (the handbook, a province directory, the NGO catalogue...),
    printed from the portal's live data and the chapters staff write."""

    class Kind(models.TextChoices):
        HANDBOOK = "handbook", _("наръчник")
        DIRECTORY = "directory", _("справочник за област")
        CATALOGUE = "catalogue", _("каталог на НПО")
        REPORT = "report", _("изследване")
        BROCHURE = "brochure", _("брошура")

    class PageSize(models.TextChoices):
        A4 = "A4", "A4"
        A5 = "A5", "A5"

    # Kinds whose text is the chapters staff write (the others print the directory or catalogue).
    CHAPTER_KINDS = (Kind.HANDBOOK, Kind.REPORT, Kind.BROCHURE)

    kind = models.CharField(_("вид"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("заглавие"), max_length=300)
    title_en = models.CharField(_("заглавие на английски"), max_length=300, blank=True)
    slug = models.SlugField(unique=True, max_length=80)
    description = models.TextField(_("описание"), max_length=2000, blank=True)
    description_en = models.TextField(_("описание на английски"), max_length=2000, blank=True)
    # By code, without a database constraint: the editions are seeded before the region's data
    # is loaded, and reloading the geography must not be blocked by them.
    province = models.ForeignKey(
        "directory.Province",
        to_field="code",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("област"),
    )
    page_size = models.CharField(
        _("формат"), max_length=2, choices=PageSize.choices, default=PageSize.A4
    )
    print_run = models.PositiveIntegerField(_("тираж"), null=True, blank=True)
    isbn = models.CharField("ISBN", max_length=17, blank=True, validators=[validate_isbn])
    is_public = models.BooleanField(_("публично"), default=True)
    is_draft = models.BooleanField(
        _("чернова"), default=False, help_text=_("Корицата и страницата показват „чернова“.")
    )
    position = models.PositiveSmallIntegerField(_("подредба"), default=0)
    updated_at = models.DateTimeField(_("променено"), auto_now=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("издание")
        verbose_name_plural = _("издания")
        ordering = ["position", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="directory") | Q(province__isnull=False),
                name="publication_directory_has_province",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("publications:detail", args=[self.slug])

    def clean(self):
        super().clean()
        if self.kind == self.Kind.DIRECTORY and not self.province_id:
            raise ValidationError({"province": _("Справочникът е за една област.")})

    @property
    def display_title(self):
        return in_page_language(self.title, self.title_en)

    @property
    def display_description(self):
        return in_page_language(self.description, self.description_en)

    @property
    def has_chapters(self):
        return self.kind in self.CHAPTER_KINDS

    def last_good(self, variant: str):
        """The newest succeeded build of ``variant``, whose file is the one to download."""
        return (
            self.builds.filter(variant=variant, status=Build.Status.SUCCEEDED)
            .order_by("-finished_at", "-pk")
            .first()
        )


class Chapter(models.Model):
    """A chapter of a handbook, report or brochure, written in Markdown by staff."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="chapters", verbose_name=_("издание")
    )
    position = models.PositiveSmallIntegerField(_("подредба"), default=0)
    title = models.CharField(_("заглавие"), max_length=300)
    body = models.TextField(_("текст (Markdown)"), max_length=40_000, blank=True)
    body_html = models.TextField(editable=False, default="")
    image = models.ImageField(_("изображение"), upload_to="publications/images/", blank=True)
    image_caption = models.CharField(_("текст под изображението"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("променена"), auto_now=True)

    class Meta:
        verbose_name = _("глава")
        verbose_name_plural = _("глави")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Rendered once here, never per request or per build (Markdown can be slow on odd input).
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)


class BuildQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=[Build.Status.QUEUED, Build.Status.RUNNING])

    def succeeded(self):
        return self.filter(status=Build.Status.SUCCEEDED)


def build_path(build, filename):
    return f"publications/{build.publication.slug}/{filename}"


class Build(models.Model):
    """One render of one variant of a publication. Its state is what staff and citizens see;
    Celery only carries the id."""

    class Variant(models.TextChoices):
        SCREEN = "screen", _("за екран (PDF/UA)")
        PRINTER = "printer", _("за печатница (обрез 3 mm)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("чака")
        RUNNING = "running", _("изпълнява се")
        SUCCEEDED = "succeeded", _("готово")
        FAILED = "failed", _("неуспешно")

    class Stage(models.TextChoices):
        WAITING = "", _("—")
        DATA = "data", _("данни")
        HTML = "html", _("страници")
        LAYOUT = "layout", _("подреждане на страниците")
        PDF = "pdf", _("запис на PDF")
        STORE = "store", _("съхраняване")
        DONE = "done", _("готово")

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="builds", verbose_name=_("издание")
    )
    variant = models.CharField(_("вариант"), max_length=8, choices=Variant.choices)
    status = models.CharField(
        _("състояние"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    stage = models.CharField(_("етап"), max_length=10, choices=Stage.choices, blank=True)
    progress = models.PositiveSmallIntegerField(_("напредък, %"), default=0)
    content_hash = models.CharField(_("хеш на съдържанието"), max_length=64, blank=True)
    data_hash = models.CharField(_("хеш на данните"), max_length=64, blank=True)
    data_as_of = models.DateTimeField(_("данни към"), null=True, blank=True)
    snapshot = models.JSONField(_("какво е отпечатано"), default=dict, blank=True, editable=False)
    file = models.FileField(_("файл"), upload_to=build_path, max_length=300, blank=True)
    thumbnail = models.ImageField(
        _("корица"), upload_to=build_path, max_length=300, blank=True, editable=False
    )
    pages = models.PositiveIntegerField(_("страници"), null=True, blank=True)
    bytes = models.PositiveBigIntegerField(_("байта"), null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    reused_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("файлът е от"),
    )
    retry_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("нов опит след"),
    )
    requested_by = models.CharField(_("поискано от"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("опити"), default=0)
    requested_at = models.DateTimeField(_("поискано"), auto_now_add=True)
    started_at = models.DateTimeField(_("започнато"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("последен признак на живот"), null=True, blank=True)
    finished_at = models.DateTimeField(_("завършено"), null=True, blank=True)
    render_seconds = models.FloatField(_("секунди"), null=True, blank=True)
    error = models.TextField(_("грешка"), blank=True)
    downloads = models.PositiveIntegerField(_("изтегляния"), default=0)

    objects = BuildQuerySet.as_manager()

    class Meta:
        verbose_name = _("изграждане на PDF")
        verbose_name_plural = _("изграждания на PDF")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # Two requests for the same edition share one render.
            models.UniqueConstraint(
                fields=["publication", "variant"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_build_per_variant",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="build_progress_percent"),
        ]

    def __str__(self):
        return f"{self.publication} · {self.get_variant_display()} · #{self.pk}"

    @property
    def is_active(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def megabytes(self):
        return (self.bytes or 0) / 1048576

    def get_download_url(self):
        return reverse("publications:download-build", args=[self.publication.slug, self.pk])

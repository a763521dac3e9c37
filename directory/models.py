"""The region's geography (from NSI's EKATTE classification) and its administrative structures."""

import contextlib
import re
from datetime import datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from django.core.cache import cache as django_cache
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from eregion.i18n import choice_label
from eregion.text import search_key, transliterate
from eregion.validators import parse_phones, validate_eik, validate_ekatte


class GeographyQuerySet(models.QuerySet):
    def in_region(self):
        """Only what lies in ``settings.REGION_PROVINCES``."""
        from django.conf import settings

        field = {
            "Province": "code__in",
            "Municipality": "province__code__in",
            "Settlement": "municipality__province__code__in",
            "Mayoralty": "municipality__province__code__in",
        }[self.model.__name__]
        return self.filter(**{field: settings.REGION_PROVINCES})


class LatinName(models.Model):
    """A record with a Cyrillic ``name`` whose Latin form is derived, never typed."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self):
        """Compute the derived fields; bulk writes call it since they bypass ``save``."""
        self.name_latin = transliterate(self.name)


class Province(LatinName):
    """A province (област), e.g. PDV Пловдив; ``ekatte`` is its administrative centre's code."""

    code = models.CharField(_("код"), max_length=3, unique=True)
    ekatte = models.CharField(_("ЕКАТТЕ на центъра"), max_length=5, validators=[validate_ekatte])
    name = models.CharField(_("име"), max_length=100)
    name_latin = models.CharField(_("име на латиница"), max_length=100, editable=False)
    nuts3 = models.CharField("NUTS3", max_length=5)
    slug = models.SlugField(_("адрес в портала"), unique=True, max_length=100)

    objects = GeographyQuerySet.as_manager()

    class Meta:
        verbose_name = _("област")
        verbose_name_plural = _("области")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Municipality(LatinName):
    """A municipality (община), e.g. PDV22 Пловдив."""

    code = models.CharField(_("код"), max_length=5, unique=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("област")
    )
    ekatte = models.CharField(_("ЕКАТТЕ на центъра"), max_length=5, validators=[validate_ekatte])
    name = models.CharField(_("име"), max_length=100)
    name_latin = models.CharField(_("име на латиница"), max_length=100, editable=False)
    slug = models.SlugField(_("адрес в портала"), unique=True, max_length=100)

    objects = GeographyQuerySet.as_manager()

    class Meta:
        verbose_name = _("община")
        verbose_name_plural = _("общини")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Mayoralty(LatinName):
    """A mayoralty (кметство), e.g. PDV22-01, with the settlement that is its seat."""

    code = models.CharField(_("код"), max_length=8, unique=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="mayoralties", verbose_name=_("община")
    )
    name = models.CharField(_("име"), max_length=100)
    name_latin = models.CharField(_("име на латиница"), max_length=100, editable=False)
    ekatte = models.CharField(_("ЕКАТТЕ на центъра"), max_length=5, validators=[validate_ekatte])

    objects = GeographyQuerySet.as_manager()

    class Meta:
        verbose_name = _("кметство")
        verbose_name_plural = _("кметства")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Settlement(LatinName):
    """A settlement (населено място) of EKATTE: a city, a village or a monastery."""

    class Kind(models.TextChoices):
        CITY = "city", _("град")
        VILLAGE = "village", _("село")
        MONASTERY = "monastery", _("манастир")

    ekatte = models.CharField(_("ЕКАТТЕ"), max_length=5, unique=True, validators=[validate_ekatte])
    kind = models.CharField(_("вид"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("име"), max_length=100)
    name_latin = models.CharField(_("име на латиница"), max_length=100, editable=False)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="settlements", verbose_name=_("община")
    )
    mayoralty_code = models.CharField(_("код на кметство"), max_length=8, blank=True)
    postal_code = models.CharField(_("пощенски код"), max_length=4, blank=True)
    lat = models.DecimalField(_("ширина"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("дължина"), max_digits=9, decimal_places=6, null=True, blank=True)
    search_key = models.TextField(editable=False, default="")

    objects = GeographyQuerySet.as_manager()

    class Meta:
        verbose_name = _("населено място")
        verbose_name_plural = _("населени места")
        ordering = ["name", "ekatte"]

    def __str__(self):
        return f"{self.prefix} {self.name}"

    PREFIXES = {"city": _("гр."), "village": _("с."), "monastery": _("ман.")}

    @property
    def prefix(self):
        return self.PREFIXES[self.kind]

    def fill_derived(self):
        super().fill_derived()
        self.search_key = search_key(self.name)


# --- Administrative structures ---------------------------------------------------------------


# Texts the loaders write into records, translated when shown on English pages.
TYPICAL_HOURS_NOTE = gettext_noop(
    "Обичайно работно време за този вид структура; уточнете по телефона."
)
HEAD_TITLES = [
    gettext_noop("Кмет"),
    gettext_noop("Областен управител"),
    gettext_noop("Кмет на кметство"),
    gettext_noop("Председател"),
]


def _split_list(value: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", value or "") if part]


class Service(LatinName):
    """An administrative service (услуга) that one or more structures provide, as in IISDA."""

    name = models.CharField(_("наименование"), max_length=300, unique=True)
    name_latin = models.CharField(_("име на латиница"), max_length=300, editable=False)
    name_en = models.CharField(
        _("наименование на английски"),
        max_length=300,
        blank=True,
        help_text=_("За английската версия; празно: името на латиница."),
    )
    iisda_code = models.CharField(_("код в ИИСДА"), max_length=10, blank=True)
    description = models.TextField(_("описание"), blank=True)
    fee = models.CharField(_("такса"), max_length=200, blank=True)
    deadline = models.CharField(_("срок"), max_length=200, blank=True)
    link = models.URLField(_("връзка"), blank=True)
    description_en = models.TextField(_("описание на английски"), blank=True)
    search_key = models.TextField(editable=False, default="")
    description_key = models.TextField(editable=False, default="")

    history = HistoricalRecords(excluded_fields=["search_key", "description_key"])

    class Meta:
        verbose_name = _("услуга")
        verbose_name_plural = _("услуги")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        SearchWord.add(self.search_key + self.description_key)

    def fill_derived(self):
        super().fill_derived()
        # Padded like the structures' keys; the English name too, so English words find it.
        # Words of the name match by prefix, those of the description only whole ("община"
        # is not "общината" of every description).
        self.search_key = f" {search_key(self.name, self.name_en)} "
        self.description_key = f" {search_key(self.description, self.description_en)} "

    def has_word(self, word: str, whole: bool = False) -> bool:
        """Whether ``word`` begins a word of the name (is a whole one, with ``whole``) or is a
        whole word of the description; the test the database runs in ``Search``."""
        name_hit = f" {word} " in self.search_key if whole else f" {word}" in self.search_key
        return name_hit or f" {word} " in self.description_key

    @property
    def english_name(self) -> str:
        return self.name_en or self.name_latin

    @property
    def description_display(self) -> str:
        from eregion.i18n import in_page_language

        return in_page_language(self.description, self.description_en)


class StructureQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_listing(self):
        """What a list row shows: the place names, without the services or hours."""
        return self.select_related("province", "municipality", "settlement")

    def in_province(self, province):
        return self.filter(province=province)


class AdministrativeStructure(LatinName):
    """An office a citizen can turn to: an administration, a territorial unit, a court, a
    mayoralty; with its place, contacts, working hours and services."""

    class Kind(models.TextChoices):
        REGIONAL_ADMINISTRATION = "regional", _("областна администрация")
        MUNICIPAL_ADMINISTRATION = "municipal", _("общинска администрация")
        DISTRICT_ADMINISTRATION = "district", _("районна администрация")
        MAYORALTY = "mayoralty", _("кметство")
        MUNICIPAL_COUNCIL = "council", _("общински съвет")
        TERRITORIAL_UNIT = "territorial", _("териториално звено на централната власт")
        COURT = "court", _("съд")
        OTHER = "other", _("друга")

    class Agency(models.TextChoices):
        NAP = "nap", _("НАП")
        NOI = "noi", _("НОИ")
        LABOUR_OFFICE = "labour", _("Бюро по труда")
        SOCIAL_ASSISTANCE = "social", _("Социално подпомагане")
        RZI = "rzi", _("РЗИ")
        RIOSV = "riosv", _("РИОСВ")
        AGRICULTURE = "agriculture", _("ОД „Земеделие“")
        SGKK = "sgkk", _("СГКК")
        RUO = "ruo", _("РУО")
        ODMVR = "odmvr", _("ОДМВР")
        FORESTS = "forests", _("Горски структури")
        WATER = "water", _("Басейнова дирекция")
        STATISTICS = "statistics", _("НСИ")
        OTHER = "other", _("друга")

    # The order in which kinds are listed and ranked: the most asked-for first.
    KIND_ORDER = [
        Kind.REGIONAL_ADMINISTRATION,
        Kind.MUNICIPAL_ADMINISTRATION,
        Kind.DISTRICT_ADMINISTRATION,
        Kind.MUNICIPAL_COUNCIL,
        Kind.TERRITORIAL_UNIT,
        Kind.COURT,
        Kind.MAYORALTY,
        Kind.OTHER,
    ]

    name = models.CharField(_("наименование"), max_length=200)
    name_latin = models.CharField(_("име на латиница"), max_length=200, editable=False)
    slug = models.SlugField(
        _("адрес в портала"),
        unique=True,
        max_length=120,
        blank=True,
        help_text=_("Празно: от името на латиница."),
    )
    kind = models.CharField(_("вид"), max_length=20, choices=Kind.choices, db_index=True)
    # The kind's place in KIND_ORDER, stored so that the usual order (kind, then name) is an
    # index scan, not a sort of every row by a computed value.
    kind_rank = models.PositiveSmallIntegerField(default=99, editable=False)
    agency = models.CharField(_("ведомство"), max_length=20, choices=Agency.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("горестояща структура"),
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="structures", verbose_name=_("област")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="structures",
        verbose_name=_("община"),
    )
    settlement = models.ForeignKey(
        Settlement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="structures",
        verbose_name=_("населено място"),
    )
    mayoralty = models.OneToOneField(
        Mayoralty,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="structure",
        verbose_name=_("кметство по ЕКАТТЕ"),
    )
    address = models.CharField(_("адрес"), max_length=300, blank=True)
    postal_code = models.CharField(_("пощенски код"), max_length=4, blank=True)
    phones = models.CharField(
        _("телефони"),
        max_length=300,
        blank=True,
        help_text=_("Един или няколко номера, разделени със запетая; пазят се във формат E.164."),
    )
    emails = models.CharField(
        _("имейли"), max_length=300, blank=True, help_text=_("Разделени със запетая.")
    )
    website = models.URLField(_("уебсайт"), blank=True)
    head_title = models.CharField(_("длъжност на ръководителя"), max_length=100, blank=True)
    head_name = models.CharField(_("ръководител"), max_length=100, blank=True)
    eik = models.CharField(_("ЕИК"), max_length=13, blank=True, validators=[validate_eik])
    lat = models.DecimalField(_("ширина"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("дължина"), max_digits=9, decimal_places=6, null=True, blank=True)
    hours_note = models.CharField(_("бележка за работното време"), max_length=300, blank=True)
    note = models.TextField(_("бележка"), blank=True)
    services = models.ManyToManyField(
        Service, blank=True, related_name="structures", verbose_name=_("услуги")
    )
    last_verified = models.DateField(_("последна проверка"), null=True, blank=True)
    is_published = models.BooleanField(_("публикувана"), default=True)
    source_key = models.CharField(
        _("ключ в източника"), max_length=40, null=True, blank=True, unique=True, editable=False
    )
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    name_key = models.TextField(editable=False, default="")
    search_key = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(_("обновена"), auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["name_key", "search_key", "source_hash", "kind_rank"]
    )

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = _("административна структура")
        verbose_name_plural = _("административни структури")
        ordering = ["name"]
        indexes = [
            # The list's usual order, and the API's (name, pk).
            models.Index(fields=["kind_rank", "name"], name="structure_rank_name"),
            models.Index(fields=["name", "id"], name="structure_name_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lat__isnull=True) | models.Q(lat__gte=-90, lat__lte=90),
                name="structure_lat_range",
            ),
            models.CheckConstraint(
                condition=models.Q(lon__isnull=True) | models.Q(lon__gte=-180, lon__lte=180),
                name="structure_lon_range",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        SearchWord.add(self.search_key)

    def get_absolute_url(self):
        return reverse("directory:structure-detail", args=[self.slug])

    def get_kind_display(self):
        return choice_label(self.Kind, self.kind)

    def get_agency_display(self):
        return choice_label(self.Agency, self.agency)

    # -- derived fields --

    @classmethod
    def rank_of(cls, kind) -> int:
        return cls.KIND_ORDER.index(kind) if kind in cls.KIND_ORDER else 99

    def fill_derived(self):
        super().fill_derived()
        self.kind_rank = self.rank_of(self.kind)
        if not self.slug:
            others = AdministrativeStructure.objects.exclude(pk=self.pk)
            self.slug = unique_slug(self.name, lambda slug: others.filter(slug=slug).exists())
        self.phones = ", ".join(self.normalised_phones())
        self.emails = ", ".join(_split_list(self.emails))
        places = []
        if self.settlement_id:
            places.append(self.settlement.name)
        if self.municipality_id:
            places.append(self.municipality.name)
        # Leading and trailing spaces let "a word starting with q" be LIKE '% q%'.
        self.name_key = f" {search_key(self.name)} "
        self.search_key = f" {search_key(self.name, *places)} "

    def normalised_phones(self) -> list[str]:
        numbers, _rejected = parse_phones(self.phones, area_code=self.area_code)
        return numbers

    @property
    def area_code(self) -> str:
        return AREA_CODES().get(self.municipality.code, "") if self.municipality_id else ""

    def clean(self):
        super().clean()
        numbers, rejected = parse_phones(self.phones, area_code=self.area_code)
        if self.phones.strip() and not numbers and not rejected:
            rejected = [self.phones.strip()]
        if rejected:
            raise ValidationError(
                {"phones": _("Не е телефонен номер: %(values)s.") % {"values": ", ".join(rejected)}}
            )
        validator = EmailValidator()
        for email in _split_list(self.emails):
            try:
                validator(email)
            except ValidationError:
                raise ValidationError(
                    {"emails": _("„%(value)s“ не е имейл адрес.") % {"value": email}}
                ) from None
        if self.municipality_id and self.province_id:
            if self.municipality.province_id != self.province_id:
                raise ValidationError({"municipality": _("Общината не е в избраната област.")})

    # -- what pages show --

    @property
    def english_name(self) -> str:
        from .english import english_name

        return english_name(self.name)

    @property
    def address_display(self) -> str:
        """The postal address in the page's language, the town named once: in Latin per the
        2009 Act on English pages."""
        from eregion.i18n import is_english

        from .english import latin_address, local_address

        town = self.settlement.name if self.settlement_id else ""
        if is_english():
            street = latin_address(self.address, town)
            place = " ".join(
                p for p in [self.postal_code, self.settlement.name_latin if town else ""] if p
            )
            return ", ".join(p for p in [street, place] if p)
        place = " ".join(
            p for p in [self.postal_code, f"{self.settlement.prefix} {town}" if town else ""] if p
        )
        return ", ".join(p for p in [place, local_address(self.address, town)] if p)

    @property
    def phone_list(self) -> list[str]:
        return _split_list(self.phones)

    @property
    def email_list(self) -> list[str]:
        return _split_list(self.emails)

    @property
    def hours_note_display(self) -> str:
        return (
            gettext(self.hours_note) if self.hours_note == TYPICAL_HOURS_NOTE else self.hours_note
        )

    @property
    def head_title_display(self) -> str:
        return gettext(self.head_title) if self.head_title in HEAD_TITLES else self.head_title

    @property
    def coordinates(self) -> tuple[float, float] | None:
        """Its own point, else its settlement's."""
        if self.lat is not None and self.lon is not None:
            return float(self.lat), float(self.lon)
        s = self.settlement
        if s is not None and s.lat is not None and s.lon is not None:
            return float(s.lat), float(s.lon)
        return None

    @property
    def coordinates_approximate(self) -> bool:
        """Whether ``coordinates`` are its settlement's centre, not the office's own point."""
        return self.coordinates is not None and (self.lat is None or self.lon is None)

    def weekly_hours(self) -> dict[int, "WorkingHours"]:
        """Working hours by weekday (0 Monday); uses prefetched ``hours`` when there."""
        return {h.weekday: h for h in self.hours.all()}

    def is_open_at(self, when: datetime) -> bool:
        return self.opening_status(when)["open"]

    def opening_status(self, when: datetime | None = None) -> dict:
        """Whether it is open at ``when`` (default now) in Sofia time, when it closes if so,
        and when it next opens if not."""
        when = timezone.localtime(when or timezone.now(), ZoneInfo("Europe/Sofia"))
        hours = self.weekly_hours()
        if not hours:
            return {"known": False, "open": False}
        today = hours.get(when.weekday())
        now = when.time()
        if today:
            for start, end in today.intervals():
                if start <= now < end:
                    return {"known": True, "open": True, "closes_at": end}
        for offset in range(0, 8):
            day = when + timedelta(days=offset)
            h = hours.get(day.weekday())
            if not h:
                continue
            for start, _end in h.intervals():
                if offset > 0 or start > now:
                    return {
                        "known": True,
                        "open": False,
                        "opens_at": start,
                        "opens_day": None if offset == 0 else day.weekday(),
                        "opens_day_label": WorkingHours.Weekday(day.weekday()).label,
                        "opens_tomorrow": offset == 1,
                    }
        return {"known": True, "open": False}


def unique_slug(name: str, is_taken) -> str:
    """The Latin slug of ``name``, numbered (``-2``, ``-3``…) past those ``is_taken`` says exist."""
    base = slugify(transliterate(name))[:100] or "structure"
    slug, n = base, 2
    while is_taken(slug):
        slug, n = f"{base}-{n}", n + 1
    return slug


@cache
def AREA_CODES() -> dict[str, str]:  # noqa: N802 - a constant read once from the data file
    """The telephone area code of each municipality's centre (``PDV22`` -> ``032``)."""
    import csv

    from django.conf import settings

    path = settings.DATA_DIR / "region" / "south_central_municipalities.csv"
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            return {row["obshtina"]: row["centre_ndc"] for row in csv.DictReader(f)}
    except FileNotFoundError:
        return {}


class WorkingHours(models.Model):
    """One weekday's opening hours of a structure, with an optional break."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("понеделник")
        TUESDAY = 1, _("вторник")
        WEDNESDAY = 2, _("сряда")
        THURSDAY = 3, _("четвъртък")
        FRIDAY = 4, _("петък")
        SATURDAY = 5, _("събота")
        SUNDAY = 6, _("неделя")

    structure = models.ForeignKey(
        AdministrativeStructure, on_delete=models.CASCADE, related_name="hours"
    )
    weekday = models.PositiveSmallIntegerField(_("ден"), choices=Weekday.choices)
    opens = models.TimeField(_("от"))
    closes = models.TimeField(_("до"))
    break_start = models.TimeField(_("почивка от"), null=True, blank=True)
    break_end = models.TimeField(_("почивка до"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("работно време")
        verbose_name_plural = _("работно време")
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "weekday"], name="one_hours_per_weekday"),
            models.CheckConstraint(
                condition=models.Q(closes__gt=F("opens")), name="closes_after_opens"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(break_start__isnull=True, break_end__isnull=True)
                    | models.Q(
                        break_start__gt=F("opens"),
                        break_end__gt=F("break_start"),
                        break_end__lt=F("closes"),
                    )
                ),
                name="break_inside_hours",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.display()}"

    def clean(self):
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": _("Краят трябва да е след началото.")})
        if (self.break_start is None) != (self.break_end is None):
            raise ValidationError({"break_end": _("Почивката има начало и край.")})
        if self.break_start and self.opens and self.closes and self.break_end:
            if not (self.opens < self.break_start < self.break_end < self.closes):
                raise ValidationError(
                    {"break_start": _("Почивката трябва да е в работното време.")}
                )

    def intervals(self) -> list[tuple[time, time]]:
        return self.intervals_of(self.opens, self.closes, self.break_start, self.break_end)

    def display(self) -> str:
        return self.display_of(self.opens, self.closes, self.break_start, self.break_end)

    @staticmethod
    def intervals_of(opens, closes, break_start=None, break_end=None) -> list[tuple[time, time]]:
        if break_start and break_end:
            return [(opens, break_start), (break_end, closes)]
        return [(opens, closes)]

    @classmethod
    def display_of(cls, opens, closes, break_start=None, break_end=None) -> str:
        """``display`` from plain values (the exports read rows, not instances)."""
        intervals = cls.intervals_of(opens, closes, break_start, break_end)
        return ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in intervals)


class SearchWord(models.Model):
    """A distinct word of the structures' search keys: the dictionary that typo-tolerant search
    corrects query words against (pg_trgm's "text search integration" approach)."""

    word = models.CharField(max_length=100, unique=True)

    class Meta:
        verbose_name = _("дума за търсене")
        verbose_name_plural = _("думи за търсене")

    def __str__(self):
        return self.word

    @classmethod
    def add(cls, key: str):
        words = {w[:100] for w in key.split()}
        if words:
            cls.objects.bulk_create([cls(word=w) for w in words], ignore_conflicts=True)


def get_language_code() -> str:
    """The active language ("bg" or "en"), the default of a report's answer language."""
    return (translation.get_language() or "bg")[:2]


class InaccuracyReport(models.Model):
    """A citizen's note that something on a structure's page is wrong, for staff to check."""

    class Status(models.TextChoices):
        NEW = "new", _("нов")
        FIXED = "fixed", _("поправено")
        REJECTED = "rejected", _("отхвърлено")

    structure = models.ForeignKey(
        AdministrativeStructure,
        on_delete=models.CASCADE,
        related_name="reports",
        verbose_name=_("структура"),
    )
    message = models.TextField(_("какво не е точно"), max_length=2000)
    email = models.EmailField(_("имейл за обратна връзка"), blank=True)
    status = models.CharField(
        _("състояние"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    created_at = models.DateTimeField(_("получен"), auto_now_add=True)
    staff_note = models.TextField(
        _("бележка на служител"),
        blank=True,
        max_length=2000,
        help_text=_("Изпраща се на подателя, когато сигналът бъде поправен или отхвърлен."),
    )
    # The page's language when the report was sent: the answer is written in it.
    language = models.CharField(_("език"), max_length=5, default=get_language_code)
    answered_at = models.DateTimeField(_("отговорено на"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("сигнал за неточност")
        verbose_name_plural = _("сигнали за неточност")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.structure} ({self.created_at:%d.%m.%Y})"

    def answer(self) -> bool:
        """Email the reporter once that the report was fixed or declined, with the staff note.

        True if an email was queued; a report without an address, still new, or already
        answered gets none."""
        from eregion.mail import queue_email

        if self.status == self.Status.NEW or not self.email or self.answered_at:
            return False
        with translation.override(self.language or "bg"):
            queue_email(self.email, "directory/email/report_answered", {"report": self})
        self.answered_at = timezone.now()
        InaccuracyReport.objects.filter(pk=self.pk).update(answered_at=self.answered_at)
        return True


SYNONYMS_CACHE_KEY = "directory:synonyms:v1"
SYNONYMS_CACHE_SECONDS = 300
SYNONYM_FIELDS = [
    "id", "term", "words", "kind", "agency", "service_id", "meaning", "website", "key", "key_latin"
]  # fmt: skip


def forget_synonyms():
    """Clear the cached table now and once the change is committed (a search in between
    would cache the table as it was)."""
    from django.db import transaction

    django_cache.delete(SYNONYMS_CACHE_KEY)
    transaction.on_commit(lambda: django_cache.delete(SYNONYMS_CACHE_KEY))


class SynonymQuerySet(models.QuerySet):
    def delete(self):
        result = super().delete()
        forget_synonyms()
        return result


class Synonym(models.Model):
    """What a word or abbreviation citizens type means in the directory ("НАП" is the agency,
    "адресна регистрация" the certificate of permanent address, "court" is "съд"): staff keep
    this table; the search reads a query's terms through it before it corrects typos."""

    term = models.CharField(
        _("дума или съкращение"),
        max_length=100,
        help_text=_("Както го пишат гражданите, напр. „НАП“, „адресна регистрация“, „court“."),
    )
    words = models.CharField(
        _("търси вместо това"),
        max_length=200,
        blank=True,
        help_text=_("Думи, с които да се търси вместо термина, напр. „съд“ за „court“."),
    )
    kind = models.CharField(
        _("вид структура"), max_length=20, choices=AdministrativeStructure.Kind.choices, blank=True
    )
    agency = models.CharField(
        _("ведомство"), max_length=20, choices=AdministrativeStructure.Agency.choices, blank=True
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="synonyms",
        verbose_name=_("услуга"),
    )
    meaning = models.CharField(
        _("пълно наименование"),
        max_length=200,
        blank=True,
        help_text=_("Показва се на гражданите, напр. „Национална агенция за приходите“."),
    )
    website = models.URLField(
        _("сайт със звената"),
        blank=True,
        help_text=_("Където ведомството само изброява звената си, докато не са в справочника."),
    )
    key = models.CharField(max_length=100, editable=False, db_index=True)
    key_latin = models.CharField(max_length=200, editable=False, db_index=True)

    objects = SynonymQuerySet.as_manager()

    class Meta:
        verbose_name = _("синоним или съкращение")
        verbose_name_plural = _("синоними и съкращения")
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(words="", kind="", agency="", service__isnull=True),
                name="synonym_means_something",
            )
        ]

    def __str__(self):
        return f"{self.term} → {self.target_display}"

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)
        forget_synonyms()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        forget_synonyms()
        return result

    @classmethod
    def by_key(cls) -> dict[str, list[tuple]]:
        """The whole table (a few hundred rows at most) by its Cyrillic and Latin keys, as
        field values, kept in the cache so that a search does not ask for it: every save and
        delete clears it, and it expires anyway. ``from_values`` makes a row of them."""
        try:
            table = django_cache.get(SYNONYMS_CACHE_KEY)
        except Exception:  # the cache is down: the search still works, asking the database
            table = None
        if table is None:
            table = {}
            for synonym in cls.objects.order_by("pk"):
                values = tuple(getattr(synonym, f) for f in SYNONYM_FIELDS)
                for key in {synonym.key, synonym.key_latin}:
                    table.setdefault(key, []).append(values)
            with contextlib.suppress(Exception):
                django_cache.set(SYNONYMS_CACHE_KEY, table, SYNONYMS_CACHE_SECONDS)
        return table

    @classmethod
    def from_values(cls, values: tuple) -> "Synonym":
        return cls(**dict(zip(SYNONYM_FIELDS, values, strict=True)))

    def clean(self):
        if not (self.words or self.kind or self.agency or self.service_id):
            raise ValidationError(
                _("Посочете думи, вид структура, ведомство или услуга, които терминът означава.")
            )

    def fill_derived(self):
        from eregion.text import fold

        self.key = fold(self.term)
        self.key_latin = fold(transliterate(self.term))

    @property
    def target_display(self) -> str:
        parts = [self.words] if self.words else []
        if self.kind:
            parts.append(str(self.get_kind_display()))
        if self.agency:
            parts.append(str(self.get_agency_display()))
        if self.service_id:
            parts.append(str(self.service))
        return ", ".join(parts)

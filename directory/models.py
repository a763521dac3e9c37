"""The region's geography (from NSI's EKATTE classification) and its administrative structures."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from eregion.text import search_key, transliterate
from eregion.validators import validate_ekatte


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
    slug = models.SlugField(unique=True, max_length=100)

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
    slug = models.SlugField(unique=True, max_length=100)

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

    @property
    def prefix(self):
        return {"city": _("гр."), "village": _("с."), "monastery": _("ман.")}[self.kind]

    def fill_derived(self):
        super().fill_derived()
        self.search_key = search_key(self.name)

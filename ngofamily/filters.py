"""Filters of the public catalogue, shared by the page, the CSV export and the API."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from directory.models import Municipality, Province
from eregion.i18n import is_english
from eregion.search import Dictionary, Query, word_condition

from .models import FieldOfActivity, Organisation, TargetGroup

# The catalogue's dictionary: the distinct words of the published organisations' keys, a table
# that triggers keep current (CatalogueWord, migration 0008); in Python on SQLite.
DICTIONARY = Dictionary(
    source="ngofamily_catalogueword",
    python_words=lambda: {
        w
        for key in Organisation.objects.published().values_list("search_key", flat=True)
        for w in key.split()
    },
)


class StrictBooleanField(forms.NullBooleanField):
    """``true``/``false`` (or ``1``/``0``); any other value is an error, not "no filter"."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        word = str(value).strip().lower()
        if word in ("true", "1"):
            return True
        if word in ("false", "0"):
            return False
        raise ValidationError(_("Стойността трябва да е true или false."), code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Търсене"), method="filter_q")
    province = django_filters.ModelChoiceFilter(
        label=_("Област"),
        queryset=Province.objects.in_region(),
        to_field_name="code",
        empty_label=_("всички"),
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Община"),
        queryset=Municipality.objects.in_region().select_related("province"),
        to_field_name="code",
        empty_label=_("всички"),
    )
    legal_form = django_filters.ChoiceFilter(
        label=_("Правна форма"), choices=Organisation.LegalForm.choices, empty_label=_("всички")
    )
    field = django_filters.ModelChoiceFilter(
        label=_("Сфера на дейност"),
        field_name="fields_of_activity",
        queryset=FieldOfActivity.objects.all(),
        to_field_name="slug",
        empty_label=_("всички"),
    )
    target = django_filters.ModelChoiceFilter(
        label=_("Целева група"),
        field_name="target_groups",
        queryset=TargetGroup.objects.all(),
        to_field_name="slug",
        empty_label=_("всички"),
    )
    family = StrictBooleanFilter(label=_("Членове на фамилията НПО"), method="filter_family")

    class Meta:
        model = Organisation
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        province = (data or {}).get("province")
        municipality = self.filters["municipality"]
        if province and hasattr(municipality, "queryset"):
            # offer only the chosen province's municipalities
            municipality.queryset = municipality.queryset.filter(province__code=province)
        if is_english():  # Latin names of places on the English pages
            for name in ("province", "municipality"):
                field = self.form.fields[name]
                if hasattr(field, "label_from_instance"):
                    field.label_from_instance = lambda place: place.name_latin

    query = None  # the search as read, once filtered

    @property
    def invalid_labels(self) -> list[str]:
        """The labels of the filters whose values are not valid, for the page to name them."""
        return [
            str(self.form.fields[name].label) for name in self.errors if name in self.form.fields
        ]

    def filter_q(self, queryset, name, value):
        """The directory's engine: word prefixes in either script, typo correction, the wrong
        keyboard layout."""
        self.query = Query.read(value.split(), DICTIONARY)
        for word in self.query.words:
            queryset = queryset.filter(
                word_condition("search_key", word, self.query.fixes.get(word))
            )
        return queryset

    def filter_family(self, queryset, name, value):
        members = Organisation.objects.family_members().values("pk")
        return queryset.filter(pk__in=members) if value else queryset.exclude(pk__in=members)

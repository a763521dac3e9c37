from decimal import Decimal, InvalidOperation

from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm
from import_export.widgets import ForeignKeyWidget

from eregion import pagecache
from eregion.admin_dashboard import waiting_first
from eregion.admin_history import ReadableHistoryAdmin
from eregion.validators import validate_ekatte

from .models import (
    AdministrativeStructure,
    InaccuracyReport,
    Mayoralty,
    Municipality,
    Province,
    Service,
    Settlement,
    Synonym,
    WorkingHours,
)


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "name_latin", "nuts3", "ekatte")
    search_fields = ("name", "name_latin", "code")
    readonly_fields = ("name_latin",)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "province", "name_latin")
    list_filter = ("province",)
    search_fields = ("name", "name_latin", "code")
    list_select_related = ("province",)
    readonly_fields = ("name_latin",)


@admin.register(Mayoralty)
class MayoraltyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "municipality")
    list_filter = ("municipality__province",)
    search_fields = ("name", "name_latin", "code")
    list_select_related = ("municipality",)
    readonly_fields = ("name_latin",)


@admin.register(Settlement)
class SettlementAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "ekatte", "municipality", "postal_code", "name_latin")
    list_filter = ("kind", "municipality__province")
    search_fields = ("name", "name_latin", "ekatte", "postal_code")
    list_select_related = ("municipality",)
    readonly_fields = ("name_latin", "search_key")


# --- Administrative structures ---------------------------------------------------------------


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0
    max_num = 7


class ServiceInline(admin.TabularInline):
    model = AdministrativeStructure.services.through
    extra = 0
    autocomplete_fields = ["service"]
    verbose_name = _("услуга")
    verbose_name_plural = _("услуги")


class CodeForeignKeyWidget(ForeignKeyWidget):
    """A foreign key by a code column, with a message that names the code."""

    def __init__(self, model, field, validator=None, **kwargs):
        self.validator = validator
        super().__init__(model, field=field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        if not value:
            return None
        if self.validator:
            try:
                self.validator(value)
            except ValidationError as exc:
                raise ValueError(" ".join(exc.messages)) from None
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("Няма %(model)s с код „%(value)s“.")
                % {"model": self.model._meta.verbose_name, "value": value}
            ) from None


class KindWidget(widgets.Widget):
    """A kind by its code (``court``) or its Bulgarian name (``съд``)."""

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        by_label = {
            str(label).lower(): code for code, label in AdministrativeStructure.Kind.choices
        }
        if value in AdministrativeStructure.Kind.values:
            return value
        if value.lower() in by_label:
            return by_label[value.lower()]
        raise ValueError(
            _("Непознат вид „%(value)s“; допустими: %(kinds)s.")
            % {"value": value, "kinds": ", ".join(AdministrativeStructure.Kind.values)}
        )

    def render(self, value, obj=None, **kwargs):
        return value or ""


class LocalDecimalWidget(widgets.DecimalWidget):
    """A number as clerks type it: a decimal point or comma (42,15), spaces ignored; otherwise a
    message with the value and an example (the import page names the row and column)."""

    def __init__(self, example, **kwargs):
        self.example = example
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().replace(" ", "").replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValueError(
                _("„%(value)s“ не е число; очаква се например %(example)s.")
                % {"value": str(value).strip(), "example": self.example}
            )
        return number


class LocalDateWidget(widgets.DateWidget):
    """A date as 01.12.2026 (or 2026-12-01); exported the same way."""

    def __init__(self, **kwargs):
        super().__init__(format="%d.%m.%Y", **kwargs)
        self.formats = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = value.strip()
        try:
            return super().clean(value, row=row, **kwargs)
        except ValueError:
            raise ValueError(
                _("„%(value)s“ не е дата; очаква се ДД.ММ.ГГГГ, напр. 01.12.2026.")
                % {"value": str(value).strip()}
            ) from None


class StructureResource(resources.ModelResource):
    """Bulk import and export of structures. Every row is validated (EIK, phones, settlement
    code, kind) and the file is written all or nothing."""

    kind = fields.Field(attribute="kind", column_name="kind", widget=KindWidget())
    province = fields.Field(
        attribute="province",
        column_name="province",
        widget=CodeForeignKeyWidget(Province, "code"),
    )
    municipality = fields.Field(
        attribute="municipality",
        column_name="municipality",
        widget=CodeForeignKeyWidget(Municipality, "code"),
    )
    settlement = fields.Field(
        attribute="settlement",
        column_name="settlement",
        widget=CodeForeignKeyWidget(Settlement, "ekatte", validator=validate_ekatte),
    )
    parent = fields.Field(
        attribute="parent",
        column_name="parent",
        widget=CodeForeignKeyWidget(AdministrativeStructure, "slug"),
    )
    lat = fields.Field(
        attribute="lat",
        column_name="lat",
        widget=LocalDecimalWidget("41,5765 или 42.1354"),
    )
    lon = fields.Field(
        attribute="lon",
        column_name="lon",
        widget=LocalDecimalWidget("24,7125 или 25.3372"),
    )
    last_verified = fields.Field(
        attribute="last_verified",
        column_name="last_verified",
        widget=LocalDateWidget(),
    )

    class Meta:
        model = AdministrativeStructure
        fields = (
            "slug",
            "name",
            "kind",
            "agency",
            "parent",
            "province",
            "municipality",
            "settlement",
            "address",
            "postal_code",
            "phones",
            "emails",
            "website",
            "head_title",
            "head_name",
            "eik",
            "lat",
            "lon",
            "hours_note",
            "last_verified",
            "is_published",
        )
        export_order = fields
        import_id_fields = ("slug",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def import_data(self, dataset, **kwargs):
        # All or nothing: one invalid row rolls the whole file back.
        kwargs.setdefault("use_transactions", True)
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        # A new structure's slug is made from its name; an empty cell must not match "".
        if "slug" in row and row["slug"] is None:
            row["slug"] = ""


HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class LabelledExportForm(SelectableFieldsExportForm):
    """The export page's field checkboxes with the model's Bulgarian names and the column
    header (``ЕИК (eik)``), instead of the library's ``Eik``."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        column = field.column_name if field else field_name
        try:
            label = resource._meta.model._meta.get_field(field.attribute or field_name).verbose_name
        except (FieldDoesNotExist, AttributeError):
            return column
        return f"{str(label)[:1].upper()}{str(label)[1:]} ({column})"


@admin.register(AdministrativeStructure)
class AdministrativeStructureAdmin(ImportExportModelAdmin, ReadableHistoryAdmin):
    resource_classes = [StructureResource]
    export_form_class = LabelledExportForm
    formfield_overrides = HTTPS_URLS
    rollback_on_validation_errors = True
    formats = [base_formats.CSV, base_formats.XLSX]
    list_display = (
        "name",
        "kind",
        "agency",
        "municipality",
        "settlement",
        "last_verified",
        "is_published",
    )
    list_filter = (
        "kind",
        "agency",
        "province",
        ("municipality", admin.RelatedOnlyFieldListFilter),
        "is_published",
        ("last_verified", admin.EmptyFieldListFilter),
    )
    search_fields = ("name", "name_latin", "eik", "settlement__name", "municipality__name")
    list_select_related = ("municipality", "settlement")
    autocomplete_fields = ("parent", "municipality", "settlement", "mayoralty")
    readonly_fields = ("name_latin", "source_key", "updated_at")
    inlines = [WorkingHoursInline, ServiceInline]
    actions = ["mark_verified", "publish", "unpublish"]
    exclude = ("services",)
    fieldsets = (
        (None, {"fields": ("name", "name_latin", "slug", "kind", "agency", "parent")}),
        (
            _("Място"),
            {
                "fields": (
                    ("province", "municipality"),
                    ("settlement", "mayoralty"),
                    ("address", "postal_code"),
                    ("lat", "lon"),
                )
            },
        ),
        (
            _("Контакти"),
            {"fields": ("phones", "emails", "website", ("head_title", "head_name"), "eik")},
        ),
        (
            _("Публикуване"),
            {
                "fields": (
                    "hours_note",
                    "note",
                    ("last_verified", "is_published"),
                    ("source_key", "updated_at"),
                )
            },
        ),
    )

    @admin.action(description=_("Отбележи като проверени днес"))
    def mark_verified(self, request, queryset):
        today = timezone.localdate()
        count = 0
        for structure in queryset.select_related("municipality", "settlement"):
            structure.last_verified = today
            structure.save()
            count += 1
        self.message_user(
            request, _("Отбелязани като проверени: %(count)d.") % {"count": count}, messages.SUCCESS
        )

    @admin.action(description=_("Публикувай"))
    def publish(self, request, queryset):
        queryset.update(is_published=True)
        pagecache.bump()  # update() sends no signals

    @admin.action(description=_("Скрий от сайта"))
    def unpublish(self, request, queryset):
        queryset.update(is_published=False)
        pagecache.bump()


@admin.register(Service)
class ServiceAdmin(ReadableHistoryAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("name", "name_en", "iisda_code", "fee", "deadline")
    search_fields = ("name", "name_latin", "name_en", "iisda_code")
    readonly_fields = ("name_latin",)


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Staff teach the search what citizens' words and abbreviations mean."""

    formfield_overrides = HTTPS_URLS
    list_display = ("term", "words", "kind", "agency", "service", "meaning")
    list_filter = ("kind", "agency")
    search_fields = ("term", "key", "key_latin", "words", "meaning")
    list_select_related = ("service",)
    autocomplete_fields = ("service",)


@admin.register(InaccuracyReport)
class InaccuracyReportAdmin(admin.ModelAdmin):
    """The staff queue of citizens' reports: new ones first. Marking a report fixed or
    declined emails its reporter once, with the staff note."""

    list_display = ("structure", "created_at", "status", "short_message", "email", "answered_at")
    list_filter = ("status",)
    search_fields = ("structure__name", "message", "email")
    list_select_related = ("structure",)
    autocomplete_fields = ("structure",)
    readonly_fields = ("created_at", "language", "answered_at")
    actions = ["mark_fixed", "mark_rejected"]
    ordering = (waiting_first("status", InaccuracyReport.Status.NEW), "-created_at")

    @admin.display(description=_("сигнал"))
    def short_message(self, obj):
        return obj.message[:80]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.answer():
            self.message_user(request, _("Подателят ще получи имейл с отговора."))

    def _close(self, request, queryset, status):
        changed = answered = 0
        for report in queryset.select_related("structure"):
            report.status = status
            report.save(update_fields=["status"])
            changed += 1
            answered += report.answer()
        self.message_user(
            request,
            _("Променени сигнали: %(count)d; изпратени отговори: %(answered)d.")
            % {"count": changed, "answered": answered},
        )

    @admin.action(description=_("Отбележи като поправени"))
    def mark_fixed(self, request, queryset):
        self._close(request, queryset, InaccuracyReport.Status.FIXED)

    @admin.action(description=_("Отхвърли"))
    def mark_rejected(self, request, queryset):
        self._close(request, queryset, InaccuracyReport.Status.REJECTED)

"""Forms of the NGO catalogue and the family."""

import io
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import URLValidator, validate_email
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

from directory.models import Settlement
from eregion.search import filter_by_words
from eregion.text import fold, query_words
from eregion.validators import format_phone, parse_phones

from .models import (
    ClaimRequest,
    FieldOfActivity,
    Organisation,
    ProgressUpdate,
    TargetGroup,
    WorkPlanItem,
)

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
LOGO_MAX_SIDE = 1024
# The largest image decoded, read from the file's header before any pixel is unpacked: a
# 100 KB PNG can declare 6000×6000 pixels and take ~150 MB to decode (issue 20). 4000×4000
# decodes in ~50 MB. A JPEG is decoded at 1/2–1/8 scale (Pillow's draft mode) straight to
# about twice the stored size, so camera photos (news covers) are allowed up to 8000 pixels.
LOGO_MAX_DECODED_SIDE = 4000
JPEG_MAX_SIDE = 8000


def reencode_logo(upload):
    """Check an uploaded logo by its content and re-encode it (drops metadata and anything
    hidden after the image). Raises ``ValidationError`` for what is not a PNG/JPEG/WebP or is
    too large in bytes or pixels; the pixel size is checked from the header, before decoding."""
    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("Логото е %(size).1f MB; допустимо е до 2 MB.") % {"size": upload.size / 1048576},
            code="logo_size",
        )
    try:
        upload.seek(0)
        image = Image.open(upload)  # lazy: reads the header only
        image_format = image.format
        limit = JPEG_MAX_SIDE if image_format == "JPEG" else LOGO_MAX_DECODED_SIDE
        if max(image.size) > limit:  # a small file can unpack huge
            raise ValidationError(
                _("Логото е %(w)d×%(h)d пиксела; допустимо е до %(max)d пиксела на страна.")
                % {"w": image.width, "h": image.height, "max": limit},
                code="logo_pixels",
            )
        image.verify()
        upload.seek(0)
        image = Image.open(upload)
        if image_format == "JPEG":
            image.draft(None, (2 * LOGO_MAX_SIDE, 2 * LOGO_MAX_SIDE))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("Файлът не е изображение PNG, JPEG или WebP."), code="logo_content"
        ) from exc
    if image_format not in LOGO_FORMATS:
        raise ValidationError(
            _("Логото трябва да е PNG, JPEG или WebP, а е %(format)s.") % {"format": image_format},
            code="logo_format",
        )
    image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format=image_format, **({"quality": 88} if image_format != "PNG" else {}))
    stem = Path(upload.name).stem[:60] or "logo"
    return SimpleUploadedFile(
        f"{stem}.{LOGO_FORMATS[image_format]}",
        out.getvalue(),
        content_type=Image.MIME[image_format],
    )


def settlement_label(settlement):
    return f"{settlement} ({settlement.municipality.name}, {settlement.municipality.province.name})"


def find_settlements(query, limit=12):
    """Settlements of the region whose name words start with the query words (either script)."""
    if not query_words(query):
        return Settlement.objects.none()
    qs = Settlement.objects.in_region().select_related("municipality__province")
    return filter_by_words(qs, query).order_by("name", "ekatte")[:limit]


class LinesField(forms.CharField):
    """A textarea of values, one per line (or separated by commas or semicolons)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def to_python(self, value):
        value = super().to_python(value) or ""
        parts = value.replace(";", "\n").replace(",", "\n").splitlines()
        return [p.strip() for p in parts if p.strip()]

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value


class EmailsField(LinesField):
    def validate(self, value):
        super().validate(value)
        for email in value:
            try:
                validate_email(email)
            except ValidationError as exc:
                raise ValidationError(
                    _("„%(value)s“ не е валиден имейл адрес.") % {"value": email}
                ) from exc


class UrlsField(LinesField):
    def validate(self, value):
        super().validate(value)
        validator = URLValidator(schemes=["http", "https"])
        for url in value:
            try:
                validator(url)
            except ValidationError as exc:
                raise ValidationError(
                    _("„%(value)s“ не е валиден адрес (започва с https://).") % {"value": url}
                ) from exc


class PhonesField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 2})

    def clean(self, value):
        value = super().clean(value) or ""
        numbers, rejected = parse_phones(value)
        if value.strip() and not numbers and not rejected:
            rejected = [value.strip()]
        if rejected:
            raise ValidationError(
                _("Не разпознахме като български телефон: %(values)s.")
                % {"values": ", ".join(f"„{r}“" for r in rejected)}
            )
        return numbers

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(format_phone(p) for p in value)
        return value


class OrganisationForm(forms.ModelForm):
    """The organisation's profile as its owners fill it in. The seat is chosen by typing a
    settlement's name: the autocomplete fills ``seat`` (EKATTE); without JavaScript the name
    is resolved on the server, and when it is ambiguous the form offers the candidates."""

    seat_name = forms.CharField(
        label=gettext_lazy("Седалище (населено място)"),
        max_length=120,
        help_text=gettext_lazy("Започнете да пишете името, на кирилица или латиница."),
    )
    seat = forms.CharField(required=False, widget=forms.HiddenInput)
    phones = PhonesField(label=gettext_lazy("Телефони"), required=False)
    website = forms.URLField(label=gettext_lazy("Уебсайт"), required=False, assume_scheme="https")
    emails = EmailsField(label=gettext_lazy("Имейли"), required=False)
    social_links = UrlsField(
        label=gettext_lazy("Социални мрежи"),
        required=False,
        help_text=gettext_lazy("По един адрес на ред."),
    )
    fields_of_activity = forms.ModelMultipleChoiceField(
        FieldOfActivity.objects.all(),
        label=gettext_lazy("Сфери на дейност"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    target_groups = forms.ModelMultipleChoiceField(
        TargetGroup.objects.all(),
        label=gettext_lazy("Целеви групи"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "legal_form",
            "eik",
            "public_benefit",
            "seat_name",
            "seat",
            "address",
            "phones",
            "emails",
            "website",
            "social_links",
            "fields_of_activity",
            "target_groups",
            "description_format",
            "description",
            "logo",
            "founded_year",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "description_format": forms.RadioSelect,
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        }
        help_texts = {
            "eik": gettext_lazy("9 или 13 цифри; проверяваме контролната цифра."),
            "description": gettext_lazy(
                "Обикновен текст или Markdown (**удебелен**, списъци, връзки)."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eik"].required = True
        self.seat_candidates = []
        self.claim_target = None
        if self.instance.settlement_id and not self.is_bound:
            self.initial["seat"] = self.instance.settlement.ekatte
            self.initial["seat_name"] = settlement_label(self.instance.settlement)
        self.fields["seat_name"].widget.attrs.update(
            {
                "autocomplete": "off",
                "hx-get": reverse("ngofamily:settlement-search"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#seat-suggestions",
                "hx-vals": '{"field": "seat"}',
                "data-seat-input": "id_seat",
                "role": "combobox",
                "aria-controls": "seat-suggestions",
                "aria-expanded": "false",
            }
        )
        self.fields["founded_year"].widget.attrs.update({"min": 1850, "max": timezone.now().year})

    def clean_eik(self):
        eik = (self.cleaned_data.get("eik") or "").strip()
        if not eik:
            return None
        existing = Organisation.objects.filter(eik=eik).exclude(pk=self.instance.pk).first()
        if existing is None and self.instance.pk is None:
            # imported without an EIK because the register's value was shared or doubtful
            existing = (
                Organisation.objects.unclaimed()
                .exclude(source=Organisation.Source.SELF)
                .filter(eik__isnull=True, register_eik=eik)
                .order_by(F("published_at").desc(nulls_last=True), "pk")
                .first()
            )
        if existing:
            if existing.is_claimable:
                self.claim_target = existing
                raise ValidationError(
                    format_html(
                        _(
                            "Организация с ЕИК {} вече е в каталога: „{}“. "
                            '<a href="{}">Заявете я като своя</a> вместо да я регистрирате отново.'
                        ),
                        eik,
                        existing.name,
                        reverse("ngofamily:claim", args=[existing.slug]),
                    ),
                    code="eik_claimable",
                )
            raise ValidationError(
                _(
                    "Организация с ЕИК %(eik)s вече е регистрирана. Помолете нейния собственик "
                    "да ви покани като съредактор."
                )
                % {"eik": eik},
                code="eik_taken",
            )
        return eik

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload
            return reencode_logo(logo)
        return logo

    def clean_founded_year(self):
        year = self.cleaned_data.get("founded_year")
        if year and not (1800 <= year <= timezone.now().year):
            raise ValidationError(_("Годината трябва да е между 1800 и текущата."))
        return year

    def clean(self):
        cleaned = super().clean()
        ekatte = (cleaned.get("seat") or "").strip()
        name = cleaned.get("seat_name") or ""
        settlement = None
        if ekatte:
            settlement = (
                Settlement.objects.in_region()
                .select_related("municipality__province")
                .filter(ekatte=ekatte)
                .first()
            )
            if settlement and name and fold(settlement.name) not in fold(name):
                settlement = None  # the name was edited after choosing: resolve it again
        if settlement is None and name:
            candidates = list(find_settlements(name.split("(")[0], limit=30))
            exact = [s for s in candidates if fold(s.name) == fold(name.split("(")[0])]
            if len(exact) == 1:
                settlement = exact[0]
            elif len(candidates) == 1:
                settlement = candidates[0]
            elif candidates:
                self.seat_candidates = [
                    (s.ekatte, settlement_label(s)) for s in exact or candidates
                ]
                self.add_error(
                    "seat_name",
                    _("Има няколко населени места с това име: изберете едно от списъка.")
                    if exact
                    else _("Уточнете населеното място: изберете едно от списъка."),
                )
            else:
                self.add_error(
                    "seat_name",
                    _("Не намерихме населено място „%(name)s“ в Южен централен район.")
                    % {"name": name},
                )
        self.settlement = settlement
        if settlement:
            self.data = self.data.copy()
            self.data["seat"] = settlement.ekatte
            self.data["seat_name"] = settlement_label(settlement)
        return cleaned

    def save(self, commit=True):
        self.instance.settlement = self.settlement
        return super().save(commit=commit)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Причина (ще я получат собствениците)"), widget=forms.Textarea
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Бележка (ще я получат собствениците)"),
        widget=forms.Textarea,
        required=False,
    )


class ClaimForm(forms.ModelForm):
    class Meta:
        model = ClaimRequest
        fields = ["role", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "message": gettext_lazy(
                "Напр. телефон на читалището, на който да ви потърсим, "
                "или решение на настоятелството."
            )
        }


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Имейл на съредактора"))


class OrganisationChoiceMixin:
    def set_organisations(self, organisations):
        field = self.fields["organisation"]
        field.queryset = organisations
        if organisations.count() == 1:
            field.initial = organisations.first()


class FamilyApplicationForm(OrganisationChoiceMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        Organisation.objects.none(), label=gettext_lazy("Организация")
    )
    motivation = forms.CharField(
        label=gettext_lazy("Защо искате да се присъедините?"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    accept_charter = forms.BooleanField(
        label=gettext_lazy("Прочетохме и приемаме хартата на фамилията НПО")
    )


class AreaMembershipForm(OrganisationChoiceMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        Organisation.objects.none(), label=gettext_lazy("Организация")
    )


class ProgressUpdateForm(OrganisationChoiceMixin, forms.ModelForm):
    organisation = forms.ModelChoiceField(
        Organisation.objects.none(), label=gettext_lazy("От името на")
    )

    class Meta:
        model = ProgressUpdate
        fields = ["organisation", "date", "text"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "text": forms.Textarea(attrs={"rows": 4}),
        }


class PlanFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Състояние"),
        required=False,
        choices=[("", gettext_lazy("всички"))] + list(WorkPlanItem.Status.choices),
    )
    area = forms.SlugField(label=gettext_lazy("Направление"), required=False)

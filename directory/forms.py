from django import forms
from django.utils.translation import gettext_lazy as _

from .models import InaccuracyReport


class InaccuracyReportForm(forms.ModelForm):
    """A citizen's report of something wrong on a structure's page. ``homepage`` is a honeypot:
    hidden from people, filled in by bots."""

    homepage = forms.CharField(
        label=_("Не попълвайте това поле"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = InaccuracyReport
        fields = ["message", "email"]
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "message": _("Например: сменен телефон, ново работно време, грешен адрес."),
            "email": _("По желание – ако искате да ви отговорим."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "homepage":
                field.widget.attrs["class"] = "form-control"
                field.widget.attrs["aria-describedby"] = f"id_{name}_help"

    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("homepage"))

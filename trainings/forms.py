from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Feedback


class EnrolForm(forms.Form):
    """Which of the user's published organisations they enrol on behalf of."""

    organisation = forms.ModelChoiceField(
        label=_("Организация, която представлявате"),
        queryset=None,
        empty_label=None,
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].widget.attrs["class"] = "form-select"


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["content", "trainer", "organisation", "comment"]
        labels = {
            "content": _("Съдържание на обучението"),
            "trainer": _("Обучител"),
            "organisation": _("Организация на обучението"),
            "comment": _("Коментар"),
        }
        widgets = {
            "content": forms.RadioSelect,
            "trainer": forms.RadioSelect,
            "organisation": forms.RadioSelect,
            "comment": forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        }

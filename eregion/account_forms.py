"""Forms of the account pages: sign-up, profile, and a password reset sent through the outbox."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eregion.mail import queue_email
from eregion.validators import format_phone, normalise_phone

User = get_user_model()


class SignUpForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]
        labels = {"email": gettext_lazy("Имейл"), "full_name": gettext_lazy("Име и фамилия")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "autofocus": True})

    def clean_email(self):
        # A taken address is not an error here: the form must not tell who is registered
        # (the view answers the same way and writes to the address's owner instead).
        return User.objects.normalize_email(self.cleaned_data["email"]).strip().lower()

    def _get_validation_exclusions(self):
        # The model's case-insensitive uniqueness of the email is checked by the view.
        return super()._get_validation_exclusions() | {"email"}

    def email_taken(self) -> bool:
        return User.objects.filter(email__iexact=self.cleaned_data["email"]).exists()


class LoginForm(AuthenticationForm):
    """Django's login form, refusing a login name no account can have before authenticating
    (Django only sets the field's ``maxlength`` attribute)."""

    def clean_username(self):
        username = self.cleaned_data.get("username", "")
        limit = User._meta.get_field(User.USERNAME_FIELD).max_length
        if len(username) > limit:
            raise ValidationError(
                _("Имейлът е твърде дълъг: най-много %(limit)d знака.") % {"limit": limit},
                code="max_length",
            )
        return username


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "language"]
        labels = {
            "full_name": gettext_lazy("Име и фамилия"),
            "phone": gettext_lazy("Телефон"),
            "language": gettext_lazy("Език на писмата"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].required = False
        if self.instance.phone and not self.is_bound:
            self.initial["phone"] = format_phone(self.instance.phone)

    def clean_language(self):
        # Optional in the form: a form without it keeps the language already chosen.
        return self.cleaned_data.get("language") or self.instance.language

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        return normalise_phone(phone) if phone else ""


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for the password, so a forgotten open session cannot do it."""

    password = forms.CharField(
        label=gettext_lazy("Паролата ви"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Паролата не е вярна."), code="password_incorrect")
        return password


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the email written to the outbox instead of sent inline."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        context = {k: v for k, v in context.items() if k != "user"} | {
            "user_name": context["user"].get_short_name()
        }
        queue_email(to_email, "eregion/account/email/password_reset", context)

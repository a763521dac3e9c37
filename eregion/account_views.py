"""Account pages: sign-up with a signed email-verification link, the profile."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from eregion import throttle
from eregion.client_ip import client_ip
from eregion.mail import queue_email

from .account_forms import (
    DeleteAccountForm,
    LoginForm,
    OutboxPasswordResetForm,
    ProfileForm,
    SignUpForm,
)
from .accounts import delete_account, export_user_data

User = get_user_model()

VERIFY_SALT = "eregion.account.verify-email"
VERIFY_MAX_AGE = 3 * 24 * 3600


def verification_token(user):
    return signing.dumps({"user": user.pk, "email": user.email}, salt=VERIFY_SALT)


def send_verification(request, user):
    url = request.build_absolute_uri(reverse("account-verify", args=[verification_token(user)]))
    queue_email(
        user.email,
        "eregion/account/email/verify",
        {"user_name": user.get_short_name(), "verify_url": url, "days": VERIFY_MAX_AGE // 86400},
    )


def too_many(request):
    """The answer to a client past a rate limit (429)."""
    return render(request, "eregion/rate_limited.html", status=429)


class LoginView(auth_views.LoginView):
    """Django's login with the long-name check; at most a few dozen tries per client address
    in ten minutes on top of axes' per-account lockout."""

    form_class = LoginForm

    def post(self, request, *args, **kwargs):
        if not throttle.allow("login-ip", client_ip(request)):
            return too_many(request)
        return super().post(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset through the outbox; a few emails an hour per address and per
    client, answered the same way whether or not an email went out."""

    form_class = OutboxPasswordResetForm

    def post(self, request, *args, **kwargs):
        if not throttle.allow("password-reset-ip", client_ip(request)):
            return too_many(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if not throttle.allow("password-reset-email", form.cleaned_data["email"]):
            return redirect(self.get_success_url())  # the same answer, no email
        return super().form_valid(form)


SIGNUP_SESSION_KEY = "signup-email"


def signup(request):
    """Create an account and send the verification link through the outbox.

    The answer is the same whether the address is new or taken ("check your email"); the owner
    of a taken address gets an email saying someone tried to register with it. Nobody is signed
    in here: the verification link signs in the browser that signed up.
    """
    if request.user.is_authenticated:
        return redirect("account-profile")
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        if not throttle.allow("signup-ip", client_ip(request)):
            return too_many(request)
        if form.is_valid():
            email = form.cleaned_data["email"]
            send = throttle.allow("signup-email", email)
            user = None
            if not form.email_taken():
                user = form.save(commit=False)
                user.language = request.LANGUAGE_CODE  # the language the person signed up in
                try:
                    with transaction.atomic():
                        user.save()
                except IntegrityError:  # the same address signed up a moment ago
                    user = None
            if user is None:
                if send:
                    queue_email(
                        email,
                        "eregion/account/email/signup_taken",
                        {
                            "login_url": request.build_absolute_uri(reverse("login")),
                            "reset_url": request.build_absolute_uri(reverse("password_reset")),
                        },
                    )
            elif send:
                send_verification(request, user)
            request.session[SIGNUP_SESSION_KEY] = email
            return redirect("account-verify-sent")
    return render(request, "eregion/account/signup.html", {"form": form})


def verify_sent(request):
    email = request.user.email if request.user.is_authenticated else ""
    return render(
        request,
        "eregion/account/verify_sent.html",
        {"email": email or request.session.get(SIGNUP_SESSION_KEY, "")},
    )


def verify(request, token):
    """Confirm the address from the signed link; it is valid for three days. In the browser
    that signed up, the link also signs the person in."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.SignatureExpired:
        return render(request, "eregion/account/verify_failed.html", {"expired": True}, status=400)
    except signing.BadSignature:
        return render(request, "eregion/account/verify_failed.html", status=400)
    user = User.objects.filter(pk=data.get("user"), email__iexact=data.get("email", "")).first()
    if user is None or not user.is_active:
        return render(request, "eregion/account/verify_failed.html", status=400)
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    messages.success(request, _("Имейлът ви е потвърден."))
    signed_up_here = request.session.get(SIGNUP_SESSION_KEY, "").lower() == user.email.lower()
    if not request.user.is_authenticated and signed_up_here:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if request.user.is_authenticated and request.user.pk == user.pk:
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("account-profile")  # never send people off the portal
        return redirect(next_url)
    return redirect(f"{reverse(settings.LOGIN_URL)}?next={reverse('account-profile')}")


@require_POST
@login_required
def resend_verification(request):
    if not request.user.email_verified:
        if throttle.allow_all(
            verify_resend_user=str(request.user.pk), verify_resend_ip=client_ip(request)
        ):
            send_verification(request, request.user)
            messages.success(request, _("Изпратихме нова връзка за потвърждение."))
        else:
            messages.error(
                request,
                _("Вече изпратихме няколко връзки. Проверете пощата си или опитайте след час."),
            )
    return redirect("account-profile")


@login_required
def profile(request):
    from ngofamily.models import ClaimRequest, CoEditorInvite, Organisation

    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Профилът е запазен."))
        return redirect("account-profile")
    return render(
        request,
        "eregion/account/profile.html",
        {
            "form": form,
            "organisations": Organisation.objects.owned_by(request.user).select_related(
                "settlement"
            ),
            "claims": ClaimRequest.objects.filter(user=request.user).select_related("organisation"),
            "invites": CoEditorInvite.objects.filter(
                email__iexact=request.user.email, accepted_at=None
            ).select_related("organisation"),
        },
    )


@never_cache
@login_required
def download_data(request):
    """Everything the portal holds about the signed-in person, as a JSON file."""
    response = JsonResponse(
        export_user_data(request.user), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="eregion-data-{stamp}.json"'
    return response


@never_cache
@login_required
def delete(request):
    """Delete the account after the password is confirmed; organisations go to staff."""
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = delete_account(request.user)
        logout(request)
        messages.success(
            request,
            _("Профилът ви е изтрит.")
            + (
                " "
                + _("Организациите, които управлявахте сами, се поддържат от служител: %(names)s.")
                % {"names": ", ".join(o.name for o in result["organisations"])}
                if result["organisations"]
                else ""
            ),
        )
        return redirect("home")
    from ngofamily.models import Organisation

    alone = [
        o
        for o in Organisation.objects.owned_by(request.user).prefetch_related("owners")
        if len(o.owners.all()) == 1
    ]
    return render(request, "eregion/account/delete.html", {"form": form, "alone": alone})

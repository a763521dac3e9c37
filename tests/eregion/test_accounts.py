"""Accounts: sign-up with a signed verification link through the outbox, login lockout,
password reset, profile."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from eregion.account_views import verification_token
from eregion.models import OutboundEmail, User

pytestmark = pytest.mark.django_db


def _link(body):
    return re.search(r"https?://\S+", body).group(0)


def sign_up(client, email="ana@example.org", ip="127.0.0.1"):
    """The sign-up form sent as a visitor at ``ip`` would (the test client's own address by
    default)."""
    return client.post(
        reverse("account-signup"),
        {
            "email": email,
            "full_name": "Ана Петрова",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
        REMOTE_ADDR=ip,
    )


def test_sign_up_sends_a_verification_link_that_confirms_the_email(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account-verify-sent")
    user = User.objects.get(email="ana@example.org")
    assert not user.email_verified

    outbox_row = OutboundEmail.objects.get(to=["ana@example.org"])
    assert outbox_row.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1
    link = _link(mail.outbox[0].body)
    assert "/accounts/verify/" in link

    response = client.get(link.replace("http://testserver", ""))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified


def test_sign_up_with_an_existing_email_creates_nothing_and_tells_the_owner(client, user):
    # The same answer as for a new address (tests/security/test_limits.py): no account oracle.
    response = sign_up(client, email=user.email.upper())
    assert response.status_code == 302
    assert User.objects.filter(email__iexact=user.email).count() == 1
    assert OutboundEmail.objects.get(to=[user.email]).subject.startswith("Опит за регистрация")


def test_a_tampered_verification_link_is_rejected(client):
    user = User.objects.create_user("x@example.org", "pw-long-enough-1")
    token = verification_token(user)
    response = client.get(reverse("account-verify", args=[token[:-2] + "xx"]))
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.email_verified


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/ngos/register/", "/ngos/register/"),
        ("https://evil.example/phish", "/accounts/profile/"),
        ("//evil.example/phish", "/accounts/profile/"),
    ],
)
def test_the_verification_link_only_forwards_within_the_portal(client, next_url, lands_on):
    user = User.objects.create_user("x@example.org", "pw-long-enough-1")
    client.force_login(user)
    url = reverse("account-verify", args=[verification_token(user)])
    response = client.get(url, {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == lands_on


def test_an_unverified_user_cannot_register_an_organisation(client):
    user = User.objects.create_user("x@example.org", "pw-long-enough-1")
    client.force_login(user)
    response = client.get(reverse("ngofamily:register"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account-profile")


def test_login_and_logout(client, user):
    response = client.post(
        reverse("login"), {"username": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.get(reverse("account-profile")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("account-profile")).status_code == 302


def test_login_is_locked_after_five_failures(client, user):
    for _ in range(5):
        client.post(reverse("login"), {"username": user.email, "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 429
    assert "временно блокиран" in response.content.decode()
    assert client.get(reverse("account-profile")).status_code == 302


def test_password_reset_goes_through_the_outbox_and_sets_a_new_password(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert OutboundEmail.objects.filter(to=[user.email]).exists()
    link = _link(mail.outbox[0].body).replace("http://testserver", "")
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url,
        {"new_password1": "another fine passphrase", "new_password2": "another fine passphrase"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another fine passphrase")


def test_profile_stores_the_phone_in_e164(client, user):
    client.force_login(user)
    response = client.post(
        reverse("account-profile"), {"full_name": "Иван Иванов", "phone": "0888 123 456"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.phone == "+359888123456"
    assert user.full_name == "Иван Иванов"


def test_profile_rejects_a_phone_that_is_not_bulgarian(client, user):
    client.force_login(user)
    response = client.post(reverse("account-profile"), {"full_name": "Иван", "phone": "12"})
    assert response.status_code == 200
    assert "телефон" in response.content.decode()

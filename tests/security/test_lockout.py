"""Login lockout: keyed on the email as the backend matches it and on the real client address
behind the configured proxy; no login name makes it fail."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def login(client, username, password="wrong", ip="198.51.100.7", forwarded=None):
    headers = {"REMOTE_ADDR": ip}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def variants(email):
    local, domain = email.split("@")
    return [
        email.upper(),
        email.title(),
        f"  {email}",
        f"{email} ",
        local.upper() + "@" + domain,
        email.swapcase(),
        local + "@" + domain.upper(),
        email.capitalize(),
    ]


def test_changing_the_emails_case_does_not_dodge_the_lockout(client, user):
    for guess in variants(user.email):
        login(client, guess)
    response = login(client, user.email, "correct horse battery")
    assert response.status_code == 429
    assert client.get(reverse("account-profile")).status_code == 302


def test_behind_the_proxy_one_clients_guesses_lock_only_that_client(client, user, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    # five bad passwords, each from another address, all through the proxy
    for n in range(5):
        login(client, user.email, ip=PROXY, forwarded=f"203.0.113.{n + 1}")
    # the owner, from their own address through the same proxy, still gets in
    response = login(client, user.email, "correct horse battery", ip=PROXY, forwarded="192.0.2.50")
    assert response.status_code == 302


def test_one_client_behind_the_proxy_is_locked_out(client, user, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    for _ in range(5):
        login(client, user.email, ip=PROXY, forwarded="203.0.113.9")
    response = login(client, user.email, "correct horse battery", ip=PROXY, forwarded="203.0.113.9")
    assert response.status_code == 429


def test_a_forged_forwarded_header_from_outside_the_proxy_is_ignored(client, user, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    for n in range(5):
        login(client, user.email, ip="203.0.113.9", forwarded=f"192.0.2.{n + 1}")
    response = login(client, user.email, "correct horse battery", ip="203.0.113.9")
    assert response.status_code == 429


def test_a_login_name_longer_than_the_lockout_column_is_a_form_error(client, user):
    response = login(client, "a" * 300 + "@example.org")
    assert response.status_code == 200
    assert "Имейлът е твърде дълъг: най-много 254 знака." in response.content.decode()


def test_log_lines_name_the_real_client(client, settings):
    import logging

    from eregion.client_ip import ClientIpLogFilter

    settings.TRUSTED_PROXIES = [PROXY]
    request = client.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.8").wsgi_request
    record = logging.LogRecord("django.request", logging.WARNING, "", 0, "x", (), None)
    record.request = request
    ClientIpLogFilter().filter(record)
    assert record.client_ip == "203.0.113.8"

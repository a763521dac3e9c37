import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Dozens of users per test: a fast hasher keeps the tests about trainings, not PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

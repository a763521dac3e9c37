"""Browser test (Chromium): signing up with the keyboard alone (Tab, typing, Enter; no clicks),
with the focus visible on every field and button, in Bulgarian and in English."""

import pytest
from playwright.sync_api import expect

from eregion.models import User
from tests.e2e.axe import assert_accessible
from tests.e2e.keyboard import tab_to, type_into

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "prefix, submit, mismatch, sent",
    [
        ("", "Създай профил", "парол", "Потвърдете имейла си"),
        ("/en", "Create account", "password", "Confirm your email address"),
    ],
)
def test_sign_up_with_the_keyboard_alone(page, prefix, submit, mismatch, sent):
    email = f"keyboard{prefix.strip('/')}@example.org"
    page.goto(f"{prefix}/accounts/signup/")
    type_into(page, "input[name=email]", email)
    type_into(page, "input[name=full_name]", "Мария Георгиева")
    type_into(page, "input[name=password1]", "a long and unusual passphrase")
    type_into(page, "input[name=password2]", "a different passphrase")
    tab_to(page, "main form button[type=submit]")
    expect(page.locator(":focus")).to_have_text(submit)
    page.keyboard.press("Enter")

    # the mismatch is named at the top and next to the field; what was typed stays
    expect(page.locator("#form-errors, .invalid-feedback").first).to_contain_text(
        mismatch, ignore_case=True
    )
    expect(page.locator("input[name=email]")).to_have_value(email)
    assert_accessible(page)
    assert not User.objects.filter(email=email).exists()

    type_into(page, "input[name=password1]", "a long and unusual passphrase")
    type_into(page, "input[name=password2]", "a long and unusual passphrase")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(sent)
    assert User.objects.filter(email=email).exists()

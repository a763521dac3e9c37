"""Browser test: the whole NGO registration, from sign-up to the pending page."""

import re

import pytest

from eregion.models import OutboundEmail, User
from ngofamily.models import Organisation
from tests.ngofamily.conftest import geo  # noqa: F401  (the fixture)
from tests.ngofamily.factories import valid_eik

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_sign_up_confirm_email_register_organisation_and_see_it_pending(page, live_server, geo):  # noqa: F811
    email = "maria@example.org"
    page.goto("/accounts/signup/")
    page.get_by_label("Имейл").fill(email)
    page.get_by_label("Име и фамилия").fill("Мария Георгиева")
    page.locator("#id_password1").fill("a long and unusual passphrase")
    page.locator("#id_password2").fill("a long and unusual passphrase")
    page.get_by_role("button", name="Създай профил").click()
    page.get_by_role("heading", name="Потвърдете имейла си").wait_for()

    message = OutboundEmail.objects.get(to=[email])
    link = re.search(r"https?://\S+", message.body).group(0)
    page.goto(link)
    page.get_by_text("Имейлът ви е потвърден.").wait_for()
    assert User.objects.get(email=email).email_verified

    page.goto("/ngos/register/")
    page.get_by_label("Наименование").fill("Сдружение „Родопски хоризонти“")
    page.get_by_label("Правна форма").select_option("association")
    eik = valid_eik(31415926)
    wrong = eik[:-1] + str((int(eik[-1]) + 1) % 10)
    page.get_by_label("ЕИК").fill(wrong)
    page.get_by_role("combobox", name="Седалище").fill("Смол")
    page.get_by_role("option", name=re.compile("гр. Смолян")).click()
    page.get_by_label("Адрес").fill("бул. „България“ 10")
    page.get_by_label("Телефони").fill("0301 6 25 00")
    page.get_by_role("button", name="Изпрати за одобрение").click()

    # a wrong check digit: the form says so and keeps everything else
    page.get_by_text("грешна контролна цифра").first.wait_for()
    assert page.get_by_label("Наименование").input_value() == "Сдружение „Родопски хоризонти“"
    assert page.get_by_label("Адрес").input_value() == "бул. „България“ 10"
    assert "Смолян" in page.get_by_role("combobox", name="Седалище").input_value()

    page.get_by_label("ЕИК").fill(eik)
    page.get_by_role("button", name="Изпрати за одобрение").click()
    page.locator("#org-status").wait_for()
    assert "очаква одобрение" in page.locator("#org-status").inner_text().lower()

    org = Organisation.objects.get(eik=eik)
    assert org.status == Organisation.Status.PENDING
    assert org.settlement.name == "Смолян"
    assert page.url.endswith(org.get_absolute_url())

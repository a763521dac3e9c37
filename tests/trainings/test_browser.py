"""Browser test (Chromium): enrol, see the confirmation and cancel, with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from tests.e2e.keyboard import tab_to
from trainings.models import Enrolment

from .factories import CourseFactory, SessionFactory, representative

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_enrol_see_the_confirmation_and_cancel_with_the_keyboard_alone(page):
    course = CourseFactory(
        slug="partnerstva-i-rabota-v-mrezha", title="Партньорства и работа в мрежа"
    )
    session = SessionFactory(course=course, capacity=20)
    user, organisation = representative(email="ana@example.org")

    page.goto(f"/accounts/login/?next={session.get_absolute_url()}")
    tab_to(page, "input[name=username]")
    page.keyboard.type("ana@example.org")
    tab_to(page, "input[name=password]")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(course.title)

    # the organisation select, then the enrol button, reached and used from the keyboard
    tab_to(page, "select[name=organisation]")
    expect(page.locator("select[name=organisation]")).to_have_value(str(organisation.pk))
    tab_to(page, "form[action$='/enrol/'] button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").first).to_contain_text("Мястото ви е потвърдено")
    expect(page.get_by_role("heading", level=1)).to_have_text("Моите обучения")
    enrolment = Enrolment.objects.get(user=user)
    assert enrolment.status == Enrolment.Status.CONFIRMED
    item = page.locator(f"[data-enrolment='{enrolment.pk}']")
    expect(item).to_contain_text("потвърдено")

    tab_to(page, f"form[action$='/my/{enrolment.pk}/cancel/'] button")
    expect(page.locator(":focus")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Записването ви е отказано")
    expect(item).to_contain_text("отказано")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CANCELLED
